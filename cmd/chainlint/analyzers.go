package main

import (
	"golang.org/x/tools/go/analysis"

	suite "github.com/chainlint/chainlint/analyzers"
	"github.com/chainlint/chainlint/analyzers/chains"
)

// analyzers returns chainlint's analyzers, in the order help lists them.
// The shared model (chains) is listed too, so that its flags
// (-chains.request-types=...) exist in every mode, go vet included.
func analyzers() []*analysis.Analyzer {
	return append(suite.All(), chains.Analyzer)
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
