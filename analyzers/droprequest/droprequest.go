package droprequest

import (
	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/analyzers/internal/directive"
)

// Analyzer reports after-chains that call after-middlewares without the
// current request.
var Analyzer = &analysis.Analyzer{
	Name: "droprequest",
	Doc:  Doc,
	URL:  "https://github.com/chainlint/chainlint#droprequest",
	Run:  run,
}

func run(pass *analysis.Pass) (any, error) {
	r := directive.NewReporter(pass)
	// The analysis proper lands with the shared chain model.
	r.Finish()
	return nil, nil
}
