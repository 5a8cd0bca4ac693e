package skipafter_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/chainlint/chainlint/analyzers/skipafter"
)

// TestFixes covers the runner form (a), the inline-loop form (inline) and a
// runner from another package known by fact (runner, app): every positive
// and negative by // want, every fix shape by its .golden file.
func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), skipafter.Analyzer, "a", "inline", "runner", "app")
}

// TestNoFix covers the net/http form (reported, never fixed) and generated
// files (never reported).
func TestNoFix(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), skipafter.Analyzer, "nethttp", "gen")
}

// TestErrorsFlag covers -skipafter.errors.
func TestErrorsFlag(t *testing.T) {
	if err := skipafter.Analyzer.Flags.Set("errors", "true"); err != nil {
		t.Fatal(err)
	}
	defer skipafter.Analyzer.Flags.Set("errors", "false")
	analysistest.Run(t, analysistest.TestData(), skipafter.Analyzer, "errflag")
}
