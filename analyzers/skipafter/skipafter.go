package skipafter

import (
	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/analyzers/internal/directive"
)

// Analyzer reports returns of a short-circuit response that bypass the
// after-chain or the response finalizers.
var Analyzer = &analysis.Analyzer{
	Name: "skipafter",
	Doc:  Doc,
	URL:  "https://github.com/chainlint/chainlint#skipafter",
	Run:  run,
}

var reportErrors bool

func init() {
	Analyzer.Flags.BoolVar(&reportErrors, "errors", false, "also report returns of the before-chain's error (with no response) that bypass the after-chain or finalizers")
}

func run(pass *analysis.Pass) (any, error) {
	r := directive.NewReporter(pass)
	// The analysis proper lands with the shared chain model.
	r.Finish()
	return nil, nil
}
