package analyzers

import (
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/analyzers/internal/directive"
)

// The ignore directive may name exactly the analyzers of All, in order.
func TestDirectiveNames(t *testing.T) {
	var names []string
	for _, a := range All() {
		names = append(names, a.Name)
	}
	if !slices.Equal(names, directive.Names) {
		t.Errorf("directive.Names = %v, want the names of All(): %v", directive.Names, names)
	}
	if err := analysis.Validate(All()); err != nil {
		t.Error(err)
	}
}
