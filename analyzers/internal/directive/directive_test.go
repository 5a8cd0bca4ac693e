package directive_test

import (
	"go/ast"
	"os/exec"
	"strings"
	"testing"

	"github.com/chainlint/chainlint/analyzers/internal/directive"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

// dummy returns an analyzer called name that reports every call to a
// function called fn, through a directive.Reporter.
func dummy(name, fn string) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name: name,
		Doc:  "reports calls to " + fn,
		Run: func(pass *analysis.Pass) (any, error) {
			r := directive.NewReporter(pass)
			for _, f := range pass.Files {
				ast.Inspect(f, func(n ast.Node) bool {
					if c, ok := n.(*ast.CallExpr); ok && callee(c) == fn {
						r.Report(analysis.Diagnostic{Pos: c.Pos(), Message: name + ": call to " + fn})
					}
					return true
				})
			}
			r.Finish()
			return nil, nil
		},
	}
}

// callee is the name of the called function: f for f() and C.f() (which
// cgo rewrites to (_Cfunc_f)()).
func callee(c *ast.CallExpr) string {
	fun := c.Fun
	for {
		p, ok := fun.(*ast.ParenExpr)
		if !ok {
			break
		}
		fun = p.X
	}
	switch fun := fun.(type) {
	case *ast.Ident:
		return strings.TrimPrefix(fun.Name, "_Cfunc_")
	case *ast.SelectorExpr:
		if x, ok := fun.X.(*ast.Ident); ok && x.Name == "C" {
			return fun.Sel.Name
		}
	}
	return ""
}

func TestChainlockDirectives(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), dummy("chainlock", "lockbad"), "a")
}

func TestSkipafterDirectives(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), dummy("skipafter", "skipbad"), "b")
}

// A user's cgo file reaches analyzers as a file cgo generated; it is not
// dropped as generated, and its directives apply by the user's lines.
func TestCgo(t *testing.T) {
	if out, err := exec.Command("go", "env", "CGO_ENABLED").Output(); err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Skip("cgo is not enabled")
	}
	analysistest.Run(t, analysistest.TestData(), dummy("chainlock", "lockbad"), "cgo")
}

// Generated reports generated files, so analyzers can skip them early.
func TestGenerated(t *testing.T) {
	a := &analysis.Analyzer{
		Name: "chainlock",
		Doc:  "reports each file and whether it is generated",
		Run: func(pass *analysis.Pass) (any, error) {
			r := directive.NewReporter(pass)
			for _, f := range pass.Files {
				if r.Generated(f.Package) {
					pass.Reportf(f.Package, "generated")
				}
			}
			return nil, nil
		},
	}
	results := analysistest.Run(t, analysistest.TestData(), a, "gen")
	if n := len(results[0].Diagnostics); n != 1 {
		t.Errorf("%d generated files, want 1", n)
	}
}
