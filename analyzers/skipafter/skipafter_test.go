package skipafter_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/chainlint/chainlint/analyzers/skipafter"
)

// TestFixes covers the runner form (a), the inline-loop form (inline) and a
// runner from another package known by fact (runner, app): every positive
// and negative by // want, every fix shape by its .golden file.
func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), skipafter.Analyzer, "a", "inline", "runner", "app")
}

// TestNoFix covers the net/http form (reported, never fixed) and generated
// files (never reported).
func TestNoFix(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), skipafter.Analyzer, "nethttp", "gen")
}

// TestErrorsFlag covers -skipafter.errors.
func TestErrorsFlag(t *testing.T) {
	if err := skipafter.Analyzer.Flags.Set("errors", "true"); err != nil {
		t.Fatal(err)
	}
	defer skipafter.Analyzer.Flags.Set("errors", "false")
	analysistest.Run(t, analysistest.TestData(), skipafter.Analyzer, "errflag")
}

// TestIdempotent runs the analyzer over the fixed files (the goldens): the
// fixed code draws no diagnostic, and the diagnostics without a fix remain
// (their // want comments are kept in the goldens).
func TestIdempotent(t *testing.T) {
	dir := t.TempDir()
	src := analysistest.TestData()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dir, strings.TrimSuffix(rel, ".golden"))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if _, err := os.Stat(p + ".golden"); err == nil {
			return nil // replaced by its golden
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, skipafter.Analyzer, "a", "inline", "runner", "app")
}
