package droprequest_test

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/chainlint/chainlint/analyzers/droprequest"
	"github.com/chainlint/chainlint/internal/testruntime"
)

// pkgs are the testdata packages run with the default flags.
var pkgs = []string{"a", "lib", "b", "httpx", "c", "v", "flow"}

func TestAnalyzer(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, testruntime.TestData(t), droprequest.Analyzer, pkgs...)
}

// TestGenerated: a generated file is not reported by default, and is
// reported, without fixes, with -droprequest.generated. gw recreates
// grpc-gateway's generated-handler shape before its PR #2574 across two
// packages (gw and its runtime gwruntime).
func TestGenerated(t *testing.T) {
	for _, res := range analysistest.Run(&recorder{}, testruntime.TestData(t), droprequest.Analyzer, "gw") {
		for _, d := range res.Diagnostics {
			if strings.HasSuffix(res.Pass.Fset.Position(d.Pos).Filename, ".gw.go") {
				t.Errorf("by default, a finding in a generated file: %s", d.Message)
			}
		}
	}
	setFlag(t, "generated", "true")
	for _, res := range analysistest.RunWithSuggestedFixes(t, testruntime.TestData(t), droprequest.Analyzer, "gw") {
		for _, d := range res.Diagnostics {
			if strings.HasSuffix(res.Pass.Fset.Position(d.Pos).Filename, ".gw.go") && len(d.SuggestedFixes) > 0 {
				t.Errorf("a fix in a generated file: %s", d.Message)
			}
		}
	}
}

// setFlag sets one of the analyzer's flags for the test.
func setFlag(t *testing.T, name, value string) {
	f := droprequest.Analyzer.Flags.Lookup(name)
	old := f.Value.String()
	if err := f.Value.Set(value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Value.Set(old) })
}

// recorder is an analysistest.Testing that keeps the errors to itself: the
// idempotence test reads the returned diagnostics instead.
type recorder struct{ errs []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

var wantComment = regexp.MustCompile(`\s*// want .*$`)

// TestIdempotent applies every fix (the goldens), strips the expectations,
// and runs the analyzer again: what is left is exactly the findings that
// had no fix (but those whose fix came with another finding of the same
// runner), and none of them has one now.
func TestIdempotent(t *testing.T) {
	tree := testruntime.TestData(t)
	src := filepath.Join(tree, "src")
	noFix := map[string]int{}
	for _, res := range analysistest.Run(&recorder{}, tree, droprequest.Analyzer, pkgs...) {
		for _, d := range res.Diagnostics {
			if len(d.SuggestedFixes) == 0 && !strings.Contains(d.Message, "(fixed with the finding at ") {
				noFix[d.Message]++
			}
		}
	}
	if len(noFix) == 0 {
		t.Fatal("no findings without a fix: the testdata lost its negative-fix cases")
	}

	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".golden") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if golden, err := os.ReadFile(p + ".golden"); err == nil {
			data = golden
		}
		lines := strings.Split(string(data), "\n")
		for i, l := range lines {
			lines[i] = wantComment.ReplaceAllString(l, "")
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dir, "src", rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, []byte(strings.Join(lines, "\n")), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	left := map[string]int{}
	for _, res := range analysistest.Run(&recorder{}, dir, droprequest.Analyzer, pkgs...) {
		for _, d := range res.Diagnostics {
			if len(d.SuggestedFixes) > 0 {
				t.Errorf("%s: after the fixes, a finding with a fix is left: %s", res.Pass.Fset.Position(d.Pos), d.Message)
			}
			left[d.Message]++
		}
	}
	if !maps.Equal(left, noFix) {
		t.Errorf("after the fixes, findings left:\n%v\nwant the findings that had no fix:\n%v", left, noFix)
	}
}
