package skipafter

import (
	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// suggestFix returns the fix for sc, or why none is offered.
func suggestFix(pass *analysis.Pass, m *chains.Model, sc *chains.ShortCircuit) (*analysis.SuggestedFix, string) {
	switch sc.Kind {
	case chains.ShortError:
		return nil, "an error return carries no response to route through the after-chain"
	case chains.ShortWritten:
		return nil, "the before hook has already written the response, so headers set afterwards would not reach the client; set them before the before-chain runs"
	}
	return nil, ""
}
