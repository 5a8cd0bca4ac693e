package fixes

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
)

// BenchmarkFixesInOneFile fixes every function of a file of n functions,
// one fix each (delete its first statement, add an import), as an
// analyzer with n findings in one file does. The cost per fix (ns/fix)
// must not grow with n: each fix decorates its own declaration, not the
// file (compare the two sizes with benchstat).
func BenchmarkFixesInOneFile(b *testing.B) {
	for _, n := range []int{50, 400} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var src strings.Builder
			src.WriteString("package a\n\nimport \"sync\"\n\nvar mu sync.Mutex\n")
			for i := range n {
				fmt.Fprintf(&src, "\n// Run%[1]d runs chain %[1]d.\nfunc Run%[1]d(chain []func()) {\n\tfor _, m := range chain {\n\t\tmu.Lock()\n\t\tm()\n\t\tmu.Unlock()\n\t}\n}\n", i)
			}
			text := src.String()
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "a.go", text, parser.ParseComments)
			if err != nil {
				b.Fatal(err)
			}
			c := new(cache)
			pass := &analysis.Pass{Fset: fset, Files: []*ast.File{f},
				ReadFile: func(string) ([]byte, error) { return []byte(text), nil },
				ResultOf: map[*analysis.Analyzer]any{Analyzer: c}}
			var loops []*ast.RangeStmt
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					loops = append(loops, fd.Body.List[0].(*ast.RangeStmt))
				}
			}
			for b.Loop() {
				c.files = nil // each iteration is one pass
				for _, loop := range loops {
					fx, err := Decorate(pass, f, loop)
					if err != nil {
						b.Fatal(err)
					}
					fx.AddImport(RuntimePath, RuntimeName)
					if err := fx.Replace(loop.Body.List[0]); err != nil {
						b.Fatal(err)
					}
					if _, err := fx.Edits(); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/fix")
		})
	}
}
