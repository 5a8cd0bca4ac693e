package fixes

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"testing"

	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
)

// runtimeSrc stands in for the runtime: its path ends in chain_runtime, its
// package is chainruntime.
const runtimeSrc = `package chainruntime

import "sync"

func BatchedLocker[M any](l sync.Locker, chain []M, blocking func(M) bool) func(func(int, M) bool) {
	return nil
}
`

// testImporter type-checks the runtime from source and imports the
// standard library from export data.
type testImporter struct {
	fset *token.FileSet
	std  types.Importer
	rt   *types.Package
}

func (im *testImporter) Import(p string) (*types.Package, error) {
	if p != RuntimePath {
		return im.std.Import(p)
	}
	if im.rt == nil {
		f, err := parser.ParseFile(im.fset, "runtime.go", runtimeSrc, 0)
		if err != nil {
			return nil, err
		}
		im.rt, err = (&types.Config{Importer: im.std}).Check(p, im.fset, []*ast.File{f}, nil)
		if err != nil {
			return nil, err
		}
	}
	return im.rt, nil
}

var stdImporter = importer.Default()

// newPass parses and type-checks one file "a.go" with contents src and
// returns a pass over it, reading the file from src.
func newPass(t *testing.T, src string) (*analysis.Pass, *ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "a.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Implicits:  map[ast.Node]types.Object{},
		Scopes:     map[ast.Node]*types.Scope{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	pkg, err := (&types.Config{Importer: &testImporter{fset: fset, std: stdImporter}}).Check("a", fset, []*ast.File{f}, info)
	if err != nil {
		t.Fatalf("typecheck: %v", err)
	}
	pass := &analysis.Pass{
		Fset:      fset,
		Files:     []*ast.File{f},
		Pkg:       pkg,
		TypesInfo: info,
		ReadFile: func(name string) ([]byte, error) {
			if name != "a.go" {
				return nil, fmt.Errorf("unexpected file %q", name)
			}
			return []byte(src), nil
		},
	}
	return pass, f
}

// apply applies edits to src, checking they are sorted-able and disjoint.
func apply(t *testing.T, fset *token.FileSet, src string, edits []analysis.TextEdit) string {
	t.Helper()
	type off struct {
		start, end int
		text       string
	}
	var offs []off
	for _, e := range edits {
		offs = append(offs, off{fset.Position(e.Pos).Offset, fset.Position(e.End).Offset, string(e.NewText)})
	}
	slices.SortFunc(offs, func(a, b off) int { return a.start - b.start })
	var b strings.Builder
	last := 0
	for _, o := range offs {
		if o.start < last || o.end < o.start {
			t.Fatalf("overlapping or inverted edits: %+v", offs)
		}
		b.WriteString(src[last:o.start])
		b.WriteString(o.text)
		last = o.end
	}
	b.WriteString(src[last:])
	return b.String()
}

// find returns the first node of type T in f for which ok holds.
func find[T ast.Node](f *ast.File, ok func(T) bool) T {
	var found T
	var done bool
	ast.Inspect(f, func(n ast.Node) bool {
		if x, is := n.(T); is && !done && ok(x) {
			found, done = x, true
		}
		return !done
	})
	return found
}

// callTo finds the call statement whose text is call (e.g. "mu.Lock()").
func callTo(pass *analysis.Pass, f *ast.File, call string) *ast.ExprStmt {
	return find(f, func(s *ast.ExprStmt) bool {
		var b strings.Builder
		format.Node(&b, pass.Fset, s.X)
		return b.String() == call
	})
}

// deleteStmt removes the decorated statement for s from its block.
func deleteStmt(t *testing.T, fx *File, f *ast.File, s ast.Stmt) {
	t.Helper()
	target := fx.Node(s)
	decl := find(f, func(d *ast.FuncDecl) bool { return d.Pos() <= s.Pos() && s.End() <= d.End() })
	removed := false
	dst.Inspect(fx.Node(decl), func(n dst.Node) bool {
		if b, ok := n.(*dst.BlockStmt); ok {
			if i := slices.Index(b.List, target.(dst.Stmt)); i >= 0 {
				b.List = slices.Delete(b.List, i, i+1)
				removed = true
			}
		}
		return !removed
	})
	if !removed {
		t.Fatalf("statement not found")
	}
}

// batch rewrites the first range loop's X to chainruntime.BatchedLocker(&mu,
// X, nil) and deletes mu.Lock() and mu.Unlock() in it, the chainlock fix
// shape, returning the name the runtime was imported as.
func batch(t *testing.T, pass *analysis.Pass, f *ast.File, fx *File) string {
	t.Helper()
	loop := find(f, func(*ast.RangeStmt) bool { return true })
	name := fx.AddImport(RuntimePath, RuntimeName, loop.Pos())
	dl := fx.Node(loop).(*dst.RangeStmt)
	dl.X = &dst.CallExpr{
		Fun: &dst.SelectorExpr{X: dst.NewIdent(name), Sel: dst.NewIdent("BatchedLocker")},
		Args: []dst.Expr{
			&dst.UnaryExpr{Op: token.AND, X: dst.NewIdent("mu")},
			dl.X,
			dst.NewIdent("nil"),
		},
	}
	deleteStmt(t, fx, f, callTo(pass, f, "mu.Lock()"))
	deleteStmt(t, fx, f, callTo(pass, f, "mu.Unlock()"))
	return name
}

const chainHeader = `package a

import (
	"fmt"
	"sync"
)

var mu sync.Mutex

`

func TestFixes(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		fix      func(*testing.T, *analysis.Pass, *ast.File, *File)
		want     string
		maxEdits int // the fix must be this local: at most this many edits
	}{
		{
			name: "batch with new import, comments kept",
			src: chainHeader + `// run runs the chain.
func run(chain []func(int) int, req int) int {
	// every middleware
	for _, m := range chain { // loop comment
		mu.Lock()    // take it
		req = m(req) // call it
		mu.Unlock()
	}
	fmt.Println(req) // done
	return req
}
`,
			fix: func(t *testing.T, p *analysis.Pass, f *ast.File, fx *File) { batch(t, p, f, fx) },
			want: `package a

import (
	"fmt"
	"sync"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

var mu sync.Mutex

// run runs the chain.
func run(chain []func(int) int, req int) int {
	// every middleware
	for _, m := range chainruntime.BatchedLocker(&mu, chain, nil) { // loop comment
		req = m(req) // call it
	}
	fmt.Println(req) // done
	return req
}
`,
			maxEdits: 3,
		},
		{
			name: "path and name differ: existing import reused by its type-checked name",
			src: `package a

import (
	"sync"

	"github.com/chainlint/chainlint/chain_runtime"
)

var mu sync.Mutex

var _ = chainruntime.BatchedLocker[int]

func run(chain []func(int) int, req int) int {
	for _, m := range chain {
		mu.Lock()
		req = m(req)
		mu.Unlock()
	}
	return req
}
`,
			fix: func(t *testing.T, p *analysis.Pass, f *ast.File, fx *File) {
				if got := batch(t, p, f, fx); got != "chainruntime" {
					t.Errorf("AddImport = %q, want the existing chainruntime", got)
				}
			},
			want: `package a

import (
	"sync"

	"github.com/chainlint/chainlint/chain_runtime"
)

var mu sync.Mutex

var _ = chainruntime.BatchedLocker[int]

func run(chain []func(int) int, req int) int {
	for _, m := range chainruntime.BatchedLocker(&mu, chain, nil) {
		req = m(req)
	}
	return req
}
`,
			maxEdits: 2,
		},
		{
			name: "existing import under another name is reused",
			src: `package a

import (
	rt "github.com/chainlint/chainlint/chain_runtime"
	"sync"
)

var mu sync.Mutex

var _ = rt.BatchedLocker[int]

func run(chain []func(int) int, req int) int {
	for _, m := range chain {
		mu.Lock()
		req = m(req)
		mu.Unlock()
	}
	return req
}
`,
			fix: func(t *testing.T, p *analysis.Pass, f *ast.File, fx *File) { batch(t, p, f, fx) },
			want: `package a

import (
	rt "github.com/chainlint/chainlint/chain_runtime"
	"sync"
)

var mu sync.Mutex

var _ = rt.BatchedLocker[int]

func run(chain []func(int) int, req int) int {
	for _, m := range rt.BatchedLocker(&mu, chain, nil) {
		req = m(req)
	}
	return req
}
`,
			maxEdits: 2,
		},
		{
			name: "local variable shadows the name: chainruntime2, existing imports untouched",
			src: `package a

import (
	"log"
	"sync"

	log1 "log/slog"
)

var mu sync.Mutex

var _ = log1.Info

func run(chain []func(int) int, req int) int {
	chainruntime := "shadow"
	log.Print(chainruntime)
	for _, m := range chain {
		mu.Lock()
		req = m(req)
		mu.Unlock()
	}
	return req
}
`,
			fix: func(t *testing.T, p *analysis.Pass, f *ast.File, fx *File) { batch(t, p, f, fx) },
			want: `package a

import (
	"log"
	"sync"

	log1 "log/slog"

	chainruntime2 "github.com/chainlint/chainlint/chain_runtime"
)

var mu sync.Mutex

var _ = log1.Info

func run(chain []func(int) int, req int) int {
	chainruntime := "shadow"
	log.Print(chainruntime)
	for _, m := range chainruntime2.BatchedLocker(&mu, chain, nil) {
		req = m(req)
	}
	return req
}
`,
			maxEdits: 3,
		},
		{
			name: "package-level name and shadowed existing import",
			src: `package a

import (
	"sync"

	"github.com/chainlint/chainlint/chain_runtime"
)

var mu sync.Mutex

var _ = chainruntime.BatchedLocker[int]

var chainruntime2 = 1

func run(chain []func(int) int, req int) int {
	chainruntime := chain
	for _, m := range chainruntime {
		mu.Lock()
		req = m(req)
		mu.Unlock()
	}
	return req
}
`,
			fix: func(t *testing.T, p *analysis.Pass, f *ast.File, fx *File) { batch(t, p, f, fx) },
			want: `package a

import (
	"sync"

	"github.com/chainlint/chainlint/chain_runtime"
	chainruntime3 "github.com/chainlint/chainlint/chain_runtime"
)

var mu sync.Mutex

var _ = chainruntime.BatchedLocker[int]

var chainruntime2 = 1

func run(chain []func(int) int, req int) int {
	chainruntime := chain
	for _, m := range chainruntime3.BatchedLocker(&mu, chainruntime, nil) {
		req = m(req)
	}
	return req
}
`,
			maxEdits: 3,
		},
		{
			name: "single import is parenthesized, std-only block gets a new group",
			src: `package a

import "sync"

var mu sync.Mutex

func run(chain []func(int) int, req int) int {
	for _, m := range chain {
		mu.Lock()
		req = m(req)
		mu.Unlock()
	}
	return req
}
`,
			fix: func(t *testing.T, p *analysis.Pass, f *ast.File, fx *File) { batch(t, p, f, fx) },
			want: `package a

import (
	"sync"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

var mu sync.Mutex

func run(chain []func(int) int, req int) int {
	for _, m := range chainruntime.BatchedLocker(&mu, chain, nil) {
		req = m(req)
	}
	return req
}
`,
			maxEdits: 4,
		},
		{
			name: "file with no imports gets an import declaration",
			src: `// Package a has a doc comment.
package a

// run has one too.
func run(chain []func(int) int, req int) int {
	for _, m := range chain {
		req = m(req)
	}
	return req
}
`,
			fix: func(t *testing.T, p *analysis.Pass, f *ast.File, fx *File) {
				loop := find(f, func(*ast.RangeStmt) bool { return true })
				name := fx.AddImport(RuntimePath, RuntimeName, loop.Pos())
				dl := fx.Node(loop).(*dst.RangeStmt)
				dl.X = &dst.CallExpr{
					Fun:  &dst.SelectorExpr{X: dst.NewIdent(name), Sel: dst.NewIdent("BatchedLocker")},
					Args: []dst.Expr{dst.NewIdent("nil"), dl.X, dst.NewIdent("nil")},
				}
			},
			want: `// Package a has a doc comment.
package a

import chainruntime "github.com/chainlint/chainlint/chain_runtime"

// run has one too.
func run(chain []func(int) int, req int) int {
	for _, m := range chainruntime.BatchedLocker(nil, chain, nil) {
		req = m(req)
	}
	return req
}
`,
			maxEdits: 2,
		},
		{
			name: "code that is not gofmt-clean elsewhere is left alone",
			src: `package a

import "sync"

var   mu    sync.Mutex

func other( ) {  }

func run(chain []func(int) int, req int) int {
	for _, m := range chain {
		mu.Lock()
		req = m(req)
		mu.Unlock()
	}
	return req
}

var x = []int{1,2,
  3}
`,
			fix: func(t *testing.T, p *analysis.Pass, f *ast.File, fx *File) { batch(t, p, f, fx) },
			want: `package a

import (
	"sync"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

var   mu    sync.Mutex

func other( ) {  }

func run(chain []func(int) int, req int) int {
	for _, m := range chainruntime.BatchedLocker(&mu, chain, nil) {
		req = m(req)
	}
	return req
}

var x = []int{1,2,
  3}
`,
			maxEdits: 4,
		},
		{
			name: "unformatted lines next to the change are formatted with it",
			src: `package a

import "sync"

var mu sync.Mutex

func run(chain []func(int) int, req int) int {
	for _, m := range chain {
		mu.Lock() // take it
		req = m(req) // call it
		mu.Unlock()
	}
	return req
}

func other( ) {  }
`,
			fix: func(t *testing.T, p *analysis.Pass, f *ast.File, fx *File) { batch(t, p, f, fx) },
			want: `package a

import (
	"sync"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

var mu sync.Mutex

func run(chain []func(int) int, req int) int {
	for _, m := range chainruntime.BatchedLocker(&mu, chain, nil) {
		req = m(req) // call it
	}
	return req
}

func other( ) {  }
`,
			maxEdits: 4,
		},
		{
			name: "statements inserted before a labeled loop take its comment",
			src: `package a

func run(chain []func(int) int, req int) int {
	n := 0
	// every middleware
outer:
	for _, m := range chain {
		if req = m(req); req < 0 {
			break outer
		}
	}
	return req + n
}
`,
			fix: func(t *testing.T, p *analysis.Pass, f *ast.File, fx *File) {
				stmts, err := Stmts("n = 1\nn++")
				if err != nil {
					t.Fatal(err)
				}
				if err := fx.InsertBefore(find(f, func(*ast.LabeledStmt) bool { return true }), stmts...); err != nil {
					t.Fatal(err)
				}
			},
			want: `package a

func run(chain []func(int) int, req int) int {
	n := 0
	// every middleware
	n = 1
	n++
outer:
	for _, m := range chain {
		if req = m(req); req < 0 {
			break outer
		}
	}
	return req + n
}
`,
			maxEdits: 1,
		},
		{
			name: "no change, no edits",
			src:  chainHeader + "func f() { fmt.Println(mu) }\n",
			fix:  func(*testing.T, *analysis.Pass, *ast.File, *File) {},
			want: chainHeader + "func f() { fmt.Println(mu) }\n",
		},
		{
			name: "a request argument replaced: one small edit",
			src: chainHeader + `func after(chain []func(*int, int), req *int, resp int) {
	for _, m := range chain {
		m(nil, resp) // stale
	}
	fmt.Println(req)
}
`,
			fix: func(t *testing.T, p *analysis.Pass, f *ast.File, fx *File) {
				call := find(f, func(c *ast.CallExpr) bool { return len(c.Args) == 2 })
				fx.Node(call).(*dst.CallExpr).Args[0] = dst.NewIdent("req")
			},
			want: chainHeader + `func after(chain []func(*int, int), req *int, resp int) {
	for _, m := range chain {
		m(req, resp) // stale
	}
	fmt.Println(req)
}
`,
			maxEdits: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pass, f := newPass(t, tt.src)
			fx, err := Decorate(pass, f)
			if err != nil {
				t.Fatal(err)
			}
			tt.fix(t, pass, f, fx)
			edits, err := fx.Edits()
			if err != nil {
				t.Fatal(err)
			}
			got := apply(t, pass.Fset, tt.src, edits)
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			if len(edits) > tt.maxEdits {
				t.Errorf("%d edits, want at most %d: %+v", len(edits), tt.maxEdits, edits)
			}
			for _, e := range edits {
				if len(e.NewText) > len(tt.src)/2 {
					t.Errorf("edit replaces too much: %q", e.NewText)
				}
			}
			if _, err := parser.ParseFile(token.NewFileSet(), "a.go", got, 0); err != nil {
				t.Errorf("fixed file does not parse: %v", err)
			}
			// The fixed file type-checks (the import name is right).
			newPass(t, got)
		})
	}
}
