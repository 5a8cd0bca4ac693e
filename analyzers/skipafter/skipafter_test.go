package skipafter_test

import (
	"go/ast"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/passes/shadow"

	"github.com/chainlint/chainlint/analyzers/skipafter"
)

// TestFixes covers the runner form (a), the inline-loop form (inline) and a
// runner from another package known by fact (runner, app): every positive
// and negative by // want, every fix shape by its .golden file.
func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), skipafter.Analyzer, fixed...)
}

// TestNoFix covers the net/http form (reported, never fixed) and generated
// files (never reported).
func TestNoFix(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), skipafter.Analyzer, "nethttp", "gen", "paths", "filters", "filterapp")
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
	analysistest.Run(t, fixedTree(t), skipafter.Analyzer, fixed...)
}

// fixed are the packages with goldens.
var fixed = []string{"a", "inline", "runner", "app", "joined", "pathfix"}

// wantless are the packages whose goldens draw no diagnostic: a fix of a
// path keeps the line of the exit and its // want comment, which fixedTree
// drops.
var wantless = map[string]bool{"pathfix": true}

var wantComment = regexp.MustCompile(` // want .*`)

// fixedTree copies the testdata into a temporary GOPATH tree, each file
// with a golden replaced by it, and returns the tree's root.
func fixedTree(t *testing.T) string {
	t.Helper()
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
		if strings.HasSuffix(p, ".golden") && wantless[filepath.Base(filepath.Dir(p))] {
			data = wantComment.ReplaceAll(data, nil)
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestFixedCodeVets holds the fixed code (the goldens) to what a rewrite
// must not break: it compiles and go vet finds nothing (a fix that wrote
// "resp = resp" was caught by vet's assign check), and it declares no
// variable that shadows another where the original did not (a fix that
// hoisted resp above a loop declaring its own resp assigned the inner one
// and lost the short-circuit response; vet's shadow check, not on by
// default, sees that).
func TestFixedCodeVets(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet; skipped with -short")
	}
	dir := fixedTree(t)
	gotool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gotool); err != nil {
		t.Skipf("no go command: %v", err)
	}
	env := append(os.Environ(), "GOPATH="+dir, "GO111MODULE=off", "GOFLAGS=", "GOWORK=off", "GOPROXY=off")
	cmd := exec.Command(gotool, append([]string{"vet"}, fixed...)...)
	cmd.Dir = filepath.Join(dir, "src")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go vet on the fixed code: %v\n%s", err, out)
	}

	before := shadows(t, analysistest.TestData())
	after := shadows(t, dir)
	for k, n := range after {
		if n > before[k] {
			t.Errorf("the fixed code has a new shadowing declaration: %s", k)
		}
	}
}

// shadows returns vet's shadow diagnostics on the packages with goldens
// in the GOPATH tree at dir, by function and message (line numbers cut).
func shadows(t *testing.T, dir string) map[string]int {
	t.Helper()
	pkgs := loadGOPATH(t, dir, fixed...)
	g, err := checker.Analyze([]*analysis.Analyzer{shadow.Analyzer}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(at )?line \d+`)
	out := map[string]int{}
	for act := range g.All() {
		if act.Analyzer != shadow.Analyzer || !act.IsRoot {
			continue
		}
		for _, d := range act.Diagnostics {
			fn := ""
			for _, f := range act.Package.Syntax {
				for _, decl := range f.Decls {
					if fd, ok := decl.(*ast.FuncDecl); ok && fd.Pos() <= d.Pos && d.Pos < fd.End() {
						fn = fd.Name.Name
					}
				}
			}
			out[act.Package.PkgPath+"."+fn+": "+line.ReplaceAllString(d.Message, "")]++
		}
	}
	return out
}
