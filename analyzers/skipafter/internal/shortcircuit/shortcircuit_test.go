package shortcircuit_test

import (
	"go/ast"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/analyzers/skipafter/internal/shortcircuit"
)

// probe reports every ShortCircuit of every function declaration as
// "KIND from SOURCE skips [NAME;...] of [COMMON;...]", so that the test
// data pins Kind, SourceName, Skipped (with Deferred and AfterChain) and
// Common.
var probe = &analysis.Analyzer{
	Name:     "scprobe",
	Doc:      "report shortcircuit.Find",
	Requires: []*analysis.Analyzer{chains.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		m := pass.ResultOf[chains.Analyzer].(*chains.Model)
		for _, f := range pass.Files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				for _, sc := range shortcircuit.Find(m, fd) {
					kind := [...]string{"response", "error", "written"}[sc.Kind]
					src := sc.SourceName
					if sc.Signal != "" {
						src += " (" + sc.Signal + ")"
					}
					pass.Reportf(sc.Exit.Pos(), "%s from %s %s: skips [%s] of [%s]", kind, src, sc.How, names(sc.Skipped), names(sc.Common))
				}
			}
		}
		return nil, nil
	},
}

func names(steps []*shortcircuit.Step) string {
	var s []string
	for _, st := range steps {
		n := st.Name
		if st.AfterChain {
			n += "(after)"
		}
		s = append(s, n)
	}
	return strings.Join(s, ";")
}

func TestFind(t *testing.T) {
	// The test data is skipafter's, which holds the runtime stub.
	analysistest.Run(t, filepath.Join(analysistest.TestData(), "..", "..", "..", "testdata"), probe, "shortcircuit")
}
