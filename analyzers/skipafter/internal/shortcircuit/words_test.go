package shortcircuit

import (
	"slices"
	"testing"

	"github.com/chainlint/chainlint/analyzers/chains"
)

func TestPhaseOfName(t *testing.T) {
	for name, want := range map[string]chains.Role{
		"BeforeRouter": chains.Before, "BeforeStatic": chains.Before, "PRE_ROUTING": chains.Before, "PreHandle": chains.Before,
		"AfterExec": chains.After, "FinishRouter": chains.After, "POST_HANDLE": chains.After, "PostHandle": chains.After,
		"Prepare": chains.Unknown, "Postman": chains.Unknown, "Router": chains.Unknown, "BeforeAfter": chains.Unknown,
	} {
		if got := phaseOfName(name); got != want {
			t.Errorf("phaseOfName(%q) = %v, want %v", name, got, want)
		}
	}
	if got := words("HTTPAfterExec"); !slices.Equal(got, []string{"http", "after", "exec"}) {
		t.Errorf("words(HTTPAfterExec) = %q", got)
	}
}
