package skipafter_test

import (
	"bytes"
	"cmp"
	"go/format"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/chainlint/chainlint/analyzers/chainlock"
	"github.com/chainlint/chainlint/analyzers/droprequest"
	"github.com/chainlint/chainlint/analyzers/skipafter"
)

// TestFixesCompose applies the fixes of all three analyzers to package
// compose at once, as every applier does (go vet -fix, go fix -fixtool,
// golangci-lint --fix, chainlint -fix), and checks that no edit of one
// fix overlaps an edit of another (identical edits, such as the same
// import added by two fixes, count once), that each analyzer fixed its
// findings, and that the result is compose.go.composed: gofmt-clean and
// type-correct.
func TestFixesCompose(t *testing.T) {
	dir := analysistest.TestData()
	pkgs := loadGOPATH(t, dir, "compose")
	analyzers := []*analysis.Analyzer{chainlock.Analyzer, droprequest.Analyzer, skipafter.Analyzer}
	g, err := checker.Analyze(analyzers, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var edits []fileEdit
	fixedBy := map[string]int{}
	for act := range g.All() {
		if !act.IsRoot || !slices.Contains(analyzers, act.Analyzer) {
			continue
		}
		for _, d := range act.Diagnostics {
			if len(d.SuggestedFixes) == 0 {
				t.Errorf("%s: %s: no fix: %s", act.Analyzer.Name, act.Package.Fset.Position(d.Pos), d.Message)
				continue
			}
			fixedBy[act.Analyzer.Name]++
			for _, e := range d.SuggestedFixes[0].TextEdits {
				tf := act.Package.Fset.File(e.Pos)
				edits = append(edits, fileEdit{
					name: tf.Name(), start: tf.Offset(e.Pos), end: tf.Offset(e.End), text: string(e.NewText),
					by: act.Analyzer.Name,
				})
			}
		}
	}
	for _, a := range analyzers {
		if fixedBy[a.Name] == 0 {
			t.Errorf("%s offered no fix in package compose", a.Name)
		}
	}
	src := filepath.Join(dir, "src", "compose", "compose.go")
	got := applyAll(t, src, edits)
	if out, err := format.Source(got); err != nil || !bytes.Equal(out, got) {
		t.Errorf("the composed fixes are not gofmt-clean (%v):\n%s", err, got)
	}
	want, err := os.ReadFile(src + ".composed")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the composed fixes differ from compose.go.composed; got:\n%s", got)
	}
	// The result type-checks (with the runtime stub of the tree).
	tree := t.TempDir()
	copyTree(t, filepath.Join(dir, "src", "github.com"), filepath.Join(tree, "src", "github.com"))
	if err := os.MkdirAll(filepath.Join(tree, "src", "compose"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tree, "src", "compose", "compose.go"), got, 0o644); err != nil {
		t.Fatal(err)
	}
	loadGOPATH(t, tree, "compose")
}

// A fileEdit is a TextEdit of one analyzer's fix, in bytes of its file.
type fileEdit struct {
	name       string
	start, end int
	text, by   string
}

// conflicts reports whether two different edits cannot both be applied:
// their ranges overlap, one inserts strictly inside the other's range, or
// both insert different text at one offset.
func (a fileEdit) conflicts(b fileEdit) bool {
	if a.name != b.name || a.start == b.start && a.end == b.end && a.text == b.text {
		return false
	}
	switch ai, bi := a.start == a.end, b.start == b.end; {
	case ai && bi:
		return a.start == b.start
	case ai:
		return b.start < a.start && a.start < b.end
	case bi:
		return a.start < b.start && b.start < a.end
	}
	return a.start < b.end && b.start < a.end
}

// applyAll checks that no two edits conflict and applies them, each
// distinct edit once, to the file name.
func applyAll(t *testing.T, name string, edits []fileEdit) []byte {
	t.Helper()
	for i, a := range edits {
		for _, b := range edits[i+1:] {
			if a.conflicts(b) {
				t.Errorf("%s edit [%d,%d) %q overlaps %s edit [%d,%d) %q", a.by, a.start, a.end, a.text, b.by, b.start, b.end, b.text)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	slices.SortStableFunc(edits, func(a, b fileEdit) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end))
	})
	edits = slices.CompactFunc(edits, func(a, b fileEdit) bool {
		return a.name == b.name && a.start == b.start && a.end == b.end && a.text == b.text
	})
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	last := 0
	for _, e := range edits {
		if filepath.Base(e.name) != filepath.Base(name) {
			t.Fatalf("%s edits another file: %s", e.by, e.name)
		}
		out.Write(src[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(src[last:])
	return out.Bytes()
}

// loadGOPATH loads the packages of the GOPATH tree dir, failing on any
// error (parse or type).
func loadGOPATH(t *testing.T, dir string, patterns ...string) []*packages.Package {
	t.Helper()
	cfg := &packages.Config{
		Mode: packages.LoadAllSyntax,
		Dir:  filepath.Join(dir, "src"),
		Env:  append(os.Environ(), "GOPATH="+dir, "GO111MODULE=off", "GOFLAGS=", "GOWORK=off", "GOPROXY=off"),
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatalf("the packages %v under %s do not load", patterns, dir)
	}
	return pkgs
}

// copyTree copies the files under from to to.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
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
}
