package chainlock_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/chainlint/chainlint/analyzers/chainlock"
)

func TestChainlock(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), chainlock.Analyzer, "a")
}
