package directive_test

import (
	"go/ast"
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
					if c, ok := n.(*ast.CallExpr); ok {
						if id, ok := c.Fun.(*ast.Ident); ok && id.Name == fn {
							r.Report(analysis.Diagnostic{Pos: c.Pos(), Message: name + ": call to " + fn})
						}
					}
					return true
				})
			}
			r.Finish()
			return nil, nil
		},
	}
}

func TestChainlockDirectives(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), dummy("chainlock", "lockbad"), "a")
}

func TestSkipafterDirectives(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), dummy("skipafter", "skipbad"), "b")
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
