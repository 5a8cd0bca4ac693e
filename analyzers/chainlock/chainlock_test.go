package chainlock_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/chainlint/chainlint/analyzers/chainlock"
	"github.com/chainlint/chainlint/analyzers/chains"
)

func TestChainlock(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), chainlock.Analyzer, "a")
}

// TestCrossPackage checks a with-lock helper and a blocking function of
// package gil, known in package b by their facts.
func TestCrossPackage(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), chainlock.Analyzer, "b")
}

// TestFactsAndSkips checks the facts exported for gil, and that generated
// files and pre-go1.23 files get no fix (the latter with a reason).
func TestFactsAndSkips(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), chains.Analyzer, "gil")
	analysistest.Run(t, analysistest.TestData(), chainlock.Analyzer, "gen", "old")
}
