package droprequest_test

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/chainlint/chainlint/analyzers/droprequest"
	"github.com/chainlint/chainlint/internal/testruntime"
)

// BenchmarkAnalyzer runs droprequest (with the analyzers it requires:
// chains, buildssa, inspect) on testdata packages loaded once. The
// packages are the ones every version of the testdata has, so that runs
// of two versions of the analyzer compare with benchstat.
func BenchmarkAnalyzer(b *testing.B) {
	dir := testruntime.TestData(b)
	cfg := &packages.Config{
		Mode:  packages.LoadAllSyntax,
		Dir:   filepath.Join(dir, "src"),
		Env:   append(os.Environ(), "GOPATH="+dir, "GO111MODULE=off", "GOPROXY=off"),
		Tests: false,
	}
	pkgs, err := packages.Load(cfg, "a", "b", "c", "httpx", "v")
	if err != nil {
		b.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		b.Fatal("testdata does not load")
	}
	for b.Loop() {
		if _, err := checker.Analyze([]*analysis.Analyzer{droprequest.Analyzer}, pkgs, nil); err != nil {
			b.Fatal(err)
		}
	}
}
