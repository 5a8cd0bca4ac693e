package chains_test

import (
	"go/ast"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/internal/testruntime"
)

// scProbe reports every ShortCircuit of every function declaration as
// "KIND from SOURCE skips [NAME;...] of [COMMON;...]", so that the test
// data pins Kind, SourceName, Skipped (with Deferred and AfterChain) and
// Common.
var scProbe = &analysis.Analyzer{
	Name:     "scprobe",
	Doc:      "report chains.Model.ShortCircuits",
	Requires: []*analysis.Analyzer{chains.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		m := pass.ResultOf[chains.Analyzer].(*chains.Model)
		for _, f := range pass.Files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				for _, sc := range m.ShortCircuits(fd) {
					kind := [...]string{"response", "error", "written"}[sc.Kind]
					pass.Reportf(sc.Return.Pos(), "%s from %s skips [%s] of [%s]", kind, sc.SourceName, names(sc.Skipped), names(sc.Common))
				}
			}
		}
		return nil, nil
	},
}

func names(items []*chains.Skipped) string {
	var s []string
	for _, it := range items {
		n := it.Name
		if it.AfterChain {
			n += "(after)"
		}
		s = append(s, n)
	}
	return strings.Join(s, ";")
}

func TestShortCircuits(t *testing.T) {
	analysistest.Run(t, testruntime.TestData(t), scProbe, "shortcircuit")
}
