package chainlock_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/chainlint/chainlint/analyzers/chainlock"
	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/fixes"
	"github.com/chainlint/chainlint/internal/testruntime"
)

// The model recognises calls of the runtime by the import path the fixes
// write (two constants, as chains and fixes do not import each other).
func TestRuntimePath(t *testing.T) {
	if chains.RuntimePath != fixes.RuntimePath {
		t.Errorf("chains.RuntimePath = %q, fixes.RuntimePath = %q", chains.RuntimePath, fixes.RuntimePath)
	}
}

func TestChainlock(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, testruntime.TestData(t), chainlock.Analyzer, "a")
}

// TestCrossPackage checks a with-lock helper and a blocking function of
// package gil, known in package b by their facts.
func TestCrossPackage(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, testruntime.TestData(t), chainlock.Analyzer, "b")
}

// TestFactsAndSkips checks the facts exported for gil, and that generated
// files and pre-go1.23 files get no fix (the latter with a reason).
func TestFactsAndSkips(t *testing.T) {
	dir := testruntime.TestData(t)
	analysistest.Run(t, dir, chains.Analyzer, "gil")
	analysistest.Run(t, dir, chainlock.Analyzer, "gen", "old")
}

// TestConfiguredPairs configures acquire/release pairs of package interp.
func TestConfiguredPairs(t *testing.T) {
	const name = "lock-pairs"
	old := chains.Analyzer.Flags.Lookup(name).Value.String()
	if err := chains.Analyzer.Flags.Set(name, "interp.Enter:interp.Leave,interp.Save:interp.Restore,interp.Acquire:interp.ReleaseAll"); err != nil {
		t.Fatal(err)
	}
	defer chains.Analyzer.Flags.Set(name, old)
	analysistest.RunWithSuggestedFixes(t, testruntime.TestData(t), chainlock.Analyzer, "pairs")
}

// TestBuiltAcross checks chains built at load time in one package (the
// BuiltChain facts of its exported chains) and run in another, which gets
// the finding without a fix; and chains under another package's lock,
// run from files that import it under another name or not at all.
func TestBuiltAcross(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, testruntime.TestData(t), chainlock.Analyzer, "builtlib", "builtuse", "builtimp")
}

// TestBuiltTests checks a chain built at load time that a test file of the
// package runs too: only the analysis that sees the tests offers the fix.
func TestBuiltTests(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, testruntime.TestData(t), chainlock.Analyzer, "builttest")
}
