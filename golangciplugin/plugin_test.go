package golangciplugin

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/chainlint/chainlint/analyzers/chainlock"
	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/analyzers/skipafter"
	"github.com/chainlint/chainlint/internal/testruntime"
)

// reset restores every flag the plugin may set, and its record of them.
func reset(t *testing.T) {
	t.Helper()
	restore := func(fs *flag.FlagSet) {
		fs.VisitAll(func(f *flag.Flag) { f.Value.Set(f.DefValue) })
	}
	t.Cleanup(func() {
		restore(&chains.Analyzer.Flags)
		for _, a := range analyzers() {
			restore(&a.Flags)
		}
		applied.Lock()
		applied.by = map[*flag.Flag]setting{}
		applied.Unlock()
	})
}

func flagValueOf(fs *flag.FlagSet, name string) string {
	return fs.Lookup(name).Value.String()
}

func TestRegistered(t *testing.T) {
	names := []string{"chainlint"}
	for _, a := range analyzers() {
		names = append(names, a.Name)
	}
	for _, name := range names {
		newPlugin, err := register.GetPlugin(name)
		if err != nil {
			t.Fatalf("plugin %s: %v", name, err)
		}
		p, err := newPlugin(nil)
		if err != nil {
			t.Fatalf("plugin %s: %v", name, err)
		}
		as, err := p.BuildAnalyzers()
		if err != nil {
			t.Fatal(err)
		}
		if err := analysis.Validate(as); err != nil {
			t.Errorf("plugin %s: %v", name, err)
		}
		if name != "chainlint" && (len(as) != 1 || as[0].Name != name) {
			t.Errorf("plugin %s exposes %v, want its one analyzer", name, as)
		}
		if name == "chainlint" && len(as) != len(analyzers()) {
			t.Errorf("plugin chainlint exposes %d analyzers, want %d", len(as), len(analyzers()))
		}
		if p.GetLoadMode() != register.LoadModeTypesInfo {
			t.Errorf("plugin %s: load mode %q", name, p.GetLoadMode())
		}
	}
}

func TestSettings(t *testing.T) {
	reset(t)
	_, err := New(map[string]any{
		"request-types":  []any{"example.com/web.Req", "*.Request"},
		"response-types": "example.com/web.Resp",
		"lock-pairs":     []any{"example.com/py.Ensure:example.com/py.Release"},
		"skipafter":      map[string]any{"errors": true},
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"request-types":  "example.com/web.Req,*.Request",
		"response-types": "example.com/web.Resp",
		"lock-pairs":     "example.com/py.Ensure:example.com/py.Release",
	} {
		if got := flagValueOf(&chains.Analyzer.Flags, name); got != want {
			t.Errorf("-chains.%s = %q, want %q", name, got, want)
		}
	}
	if got := flagValueOf(&skipafter.Analyzer.Flags, "errors"); got != "true" {
		t.Errorf("-skipafter.errors = %q, want true", got)
	}
	// The per-analyzer linter takes the same settings; equal values agree.
	newSkip, _ := register.GetPlugin("skipafter")
	if _, err := newSkip(map[string]any{"skipafter": map[string]any{"errors": true}}); err != nil {
		t.Errorf("same value from a second linter: %v", err)
	}
}

func TestSettingsErrors(t *testing.T) {
	for _, tt := range []struct {
		name     string
		settings any
		want     string
	}{
		{"unknown top-level key", map[string]any{"request-type": "x"},
			`chainlint: unknown setting "request-type"; known settings: `},
		{"unknown analyzer flag", map[string]any{"skipafter": map[string]any{"error": true}},
			`chainlint: unknown setting "skipafter.error"`},
		{"known settings are listed", map[string]any{"nope": 1},
			"lock-pairs, request-types, response-types, skipafter.errors"},
		{"section is not a mapping", map[string]any{"skipafter": true},
			`setting "skipafter" must be a mapping of skipafter's flags`},
		{"bad bool", map[string]any{"skipafter": map[string]any{"errors": "maybe"}},
			`setting "skipafter.errors"`},
		{"list of non-strings", map[string]any{"request-types": []any{1}},
			"list items must be strings"},
		{"comma inside a list item", map[string]any{"request-types": []any{"a.B,c.D"}},
			"contains a comma"},
		{"not a mapping", []any{"x"}, "settings must be a mapping"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reset(t)
			before := flagValueOf(&chains.Analyzer.Flags, "request-types")
			_, err := New(tt.settings)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if got := flagValueOf(&chains.Analyzer.Flags, "request-types"); got != before {
				t.Errorf("a rejected configuration changed -chains.request-types to %q", got)
			}
		})
	}
}

func TestSettingsConflict(t *testing.T) {
	reset(t)
	if _, err := New(map[string]any{"request-types": "a.Req"}); err != nil {
		t.Fatal(err)
	}
	newSkip, _ := register.GetPlugin("skipafter")
	_, err := newSkip(map[string]any{"request-types": "b.Req"})
	if err == nil || !strings.Contains(err.Error(), `linter chainlint set it to "a.Req"`) {
		t.Fatalf("error = %v, want a conflict naming chainlint", err)
	}
	if got := flagValueOf(&chains.Analyzer.Flags, "request-types"); got != "a.Req" {
		t.Errorf("-chains.request-types = %q after the conflict, want a.Req", got)
	}
}

// The plugin's analyzers fold related positions into the message, so that
// golangci-lint counts one issue per finding: each finding of the folding
// chainlock is the plain analyzer's finding at the same position, with no
// related positions left and each of them written into the message
// (analysistest matches the want patterns inside the longer messages).
func TestFoldsRelated(t *testing.T) {
	var folded *analysis.Analyzer
	for _, a := range analyzers() {
		if a.Name == "chainlock" {
			folded = a
		}
	}
	testdata, err := filepath.Abs("../analyzers/chainlock/testdata")
	if err != nil {
		t.Fatal(err)
	}
	testdata = testruntime.Tree(t, testdata)
	// related maps a finding's position to its related positions as the
	// folding analyzer should write them (positions are printed here: the
	// two runs load the package into different file sets).
	related := map[string][]string{}
	withRelated := 0
	for _, r := range analysistest.Run(t, testdata, chainlock.Analyzer, "a") {
		for _, d := range r.Diagnostics {
			var folds []string
			for _, rel := range d.Related {
				rp := r.Pass.Fset.Position(rel.Pos)
				folds = append(folds, fmt.Sprintf("%s (%s:%d:%d)", rel.Message, filepath.Base(rp.Filename), rp.Line, rp.Column))
			}
			related[r.Pass.Fset.Position(d.Pos).String()] = folds
			if len(folds) > 0 {
				withRelated++
			}
		}
	}
	if withRelated == 0 {
		t.Fatal("no plain chainlock finding has related positions: the test checks nothing")
	}
	n := 0
	for _, r := range analysistest.Run(t, testdata, folded, "a") {
		for _, d := range r.Diagnostics {
			n++
			posn := r.Pass.Fset.Position(d.Pos)
			if len(d.Related) > 0 {
				t.Errorf("%s: %d related positions left: %+v", posn, len(d.Related), d.Related)
			}
			plain, ok := related[posn.String()]
			if !ok {
				t.Errorf("%s: no plain chainlock finding here", posn)
			}
			for _, want := range plain {
				if !strings.Contains(d.Message, want) {
					t.Errorf("%s: related %q is not in the message: %s", posn, want, d.Message)
				}
			}
		}
	}
	if n != len(related) {
		t.Errorf("folding chainlock reported %d findings, plain chainlock %d", n, len(related))
	}
}
