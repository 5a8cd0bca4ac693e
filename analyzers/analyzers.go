// Package analyzers is the one list of chainlint's analyzers, which the
// chainlint command, the golangci-lint plugin and the ignore directive's
// names (analyzers/internal/directive.Names, checked against it by a test)
// all follow.
package analyzers

import (
	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/analyzers/chainlock"
	"github.com/chainlint/chainlint/analyzers/droprequest"
	"github.com/chainlint/chainlint/analyzers/skipafter"
)

// All returns chainlint's analyzers that report findings, in the order help
// lists them. (The shared model, chains.Analyzer, reports none; each of
// them requires it.)
func All() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		chainlock.Analyzer,
		droprequest.Analyzer,
		skipafter.Analyzer,
	}
}
