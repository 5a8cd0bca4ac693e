package fixes

import (
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"golang.org/x/tools/go/analysis"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// On real code (a few standard library packages), deleting any one
// function's first statement gives small edits that apply to exactly the
// fixed file, and an unchanged decoration gives no edits.
func TestStdFiles(t *testing.T) {
	dirs := []string{"net/http", "sync", "encoding/json", "go/printer"}
	if testing.Short() {
		dirs = dirs[1:2]
	}
	files := 0
	for _, d := range dirs {
		paths, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", d, "*.go"))
		for _, path := range paths {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(src) > 100_000 {
				continue // each fix restores the whole file: keep the test quick
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			pass := &analysis.Pass{Fset: fset, Files: []*ast.File{f}, ReadFile: func(string) ([]byte, error) { return src, nil }}
			files++
			checkFile(t, pass, f, string(src))
		}
	}
	if files == 0 {
		t.Skip("no standard library sources")
	}
}

func checkFile(t *testing.T, pass *analysis.Pass, f *ast.File, src string) {
	t.Helper()
	name := pass.Fset.File(f.FileStart).Name()
	fx, err := Decorate(pass, f)
	if err != nil {
		if strings.Contains(err.Error(), "//line") {
			return
		}
		t.Fatalf("%s: %v", name, err)
	}
	if edits, err := fx.Edits(); err != nil || len(edits) != 0 {
		t.Errorf("%s: unchanged file: %d edits, %v", name, len(edits), err)
	}
	var funcs []*ast.FuncDecl
	for _, decl := range f.Decls {
		if fd, ok := decl.(*ast.FuncDecl); ok && fd.Body != nil && len(fd.Body.List) > 0 {
			funcs = append(funcs, fd)
		}
	}
	// At most 3 functions a file, spread over it.
	step := max(1, len(funcs)/3)
	for i := 0; i < len(funcs); i += step {
		fd := funcs[i]
		fx, err := Decorate(pass, f)
		if err != nil {
			t.Fatal(err)
		}
		if err := fx.Replace(fd.Body.List[0]); err != nil {
			t.Fatalf("%s: %s: %v", name, fd.Name.Name, err)
		}
		edits, err := fx.Edits()
		if err != nil {
			t.Errorf("%s: %s: %v", name, fd.Name.Name, err)
			continue
		}
		got := apply(t, pass.Fset, src, edits)
		formatted, err := format.Source([]byte(got))
		if err != nil {
			t.Errorf("%s: %s: the edited file does not format: %v", name, fd.Name.Name, err)
			continue
		}
		if string(formatted) != got {
			t.Errorf("%s: %s: the edited file is not gofmt-clean", name, fd.Name.Name)
		}
		removed := 0
		for _, e := range edits {
			removed += pass.Fset.Position(e.End).Offset - pass.Fset.Position(e.Pos).Offset
		}
		if size := ownExtent(pass.Fset, f, fd.Body.List[0]); removed > size+100 || len(edits) > 3 {
			t.Errorf("%s: %s: deleting a %d-byte statement took %d edits removing %d bytes", name, fd.Name.Name, size, len(edits), removed)
		}
		if !strings.Contains(got, " "+fd.Name.Name+"(") && !strings.Contains(got, " "+fd.Name.Name+"[") {
			t.Errorf("%s: %s: the function is gone", name, fd.Name.Name)
		}
	}
}

// ownExtent is the size of st with its own comments: those on the lines
// directly above it and the one trailing it.
func ownExtent(fset *token.FileSet, f *ast.File, st ast.Stmt) int {
	line := func(p token.Pos) int { return fset.Position(p).Line }
	start, end := st.Pos(), st.End()
	for i := len(f.Comments) - 1; i >= 0; i-- {
		cg := f.Comments[i]
		if line(cg.End()) == line(start)-1 && cg.End() < start {
			start = cg.Pos()
		}
		if line(cg.Pos()) == line(end) && cg.Pos() >= end {
			end = cg.End()
		}
	}
	return fset.Position(end).Offset - fset.Position(start).Offset
}
