package main

import (
	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/analyzers/chainlock"
	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/analyzers/droprequest"
	"github.com/chainlint/chainlint/analyzers/skipafter"
)

// analyzers returns chainlint's analyzers, in the order help lists them.
// The shared model (chains) is listed too, so that its flags
// (-chains.request-types=...) exist in every mode, go vet included.
func analyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		chainlock.Analyzer,
		droprequest.Analyzer,
		skipafter.Analyzer,
		chains.Analyzer,
	}
}

// analyzerNamed returns the analyzer of chainlint (or one it requires)
// with that name, or nil.
func analyzerNamed(name string) *analysis.Analyzer {
	for _, a := range withRequired(analyzers()) {
		if a.Name == name {
			return a
		}
	}
	return nil
}
