package droprequest_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/chainlint/chainlint/analyzers/droprequest"
)

func TestAnalyzer(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), droprequest.Analyzer, "a", "lib", "b", "httpx", "c")
}
