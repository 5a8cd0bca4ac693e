package main

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
)

// renamer is a test analyzer with a fix that spans files: it reports each
// package-level function named old and renames it, and every use of it in
// the package, to renamed. The driver's -fix, -diff, -json and -sarif
// paths are tested with it in-process, independent of chainlint's own
// analyzers (which the end-to-end tests run through the real binary).
var renamer = &analysis.Analyzer{
	Name: "renamer",
	Doc:  "report functions named old\n\nThe fix renames them, and their uses, to renamed.",
	Run: func(pass *analysis.Pass) (any, error) {
		for _, f := range pass.Files {
			for _, decl := range f.Decls {
				fd, ok := decl.(*ast.FuncDecl)
				if !ok || fd.Recv != nil || fd.Name.Name != "old" {
					continue
				}
				obj := pass.TypesInfo.Defs[fd.Name]
				edits := []analysis.TextEdit{{Pos: fd.Name.Pos(), End: fd.Name.End(), NewText: []byte("renamed")}}
				var related []analysis.RelatedInformation
				for id, o := range pass.TypesInfo.Uses {
					if o == obj {
						edits = append(edits, analysis.TextEdit{Pos: id.Pos(), End: id.End(), NewText: []byte("renamed")})
						related = append(related, analysis.RelatedInformation{Pos: id.Pos(), End: id.End(), Message: "old is used here"})
					}
				}
				pass.Report(analysis.Diagnostic{
					Pos:            fd.Name.Pos(),
					End:            fd.Name.End(),
					Message:        "function old should be named renamed",
					Related:        related,
					SuggestedFixes: []analysis.SuggestedFix{{Message: "rename old to renamed", TextEdits: edits}},
				})
			}
		}
		return nil, nil
	},
}

// writeTree writes files (relative name → content) below dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot returns the content of every file below dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := make(map[string]string)
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameTree(t *testing.T, before, after map[string]string) {
	t.Helper()
	for name, content := range before {
		if after[name] != content {
			t.Errorf("%s changed:\n%s", name, after[name])
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s was created", name)
		}
	}
}

type result struct {
	code           int
	stdout, stderr string
}

func runIn(t *testing.T, dir string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run("chainlint", args, []*analysis.Analyzer{renamer}, &env{dir: dir, stdout: &stdout, stderr: &stderr})
	return result{code, stdout.String(), stderr.String()}
}

const goMod = "module example.com/m\n\ngo 1.23\n"

var oldModule = map[string]string{
	"go.mod":      goMod,
	"a/a.go":      "package a\n\n// old does nothing.\nfunc old() {}\n\nfunc A() { old() }\n",
	"a/b.go":      "package a\n\nfunc B() {\n\told() // keep this comment\n}\n",
	"a/a_test.go": "package a\n\nimport \"testing\"\n\nfunc TestOld(t *testing.T) { old() }\n",
	"c/c.go":      "package c\n\nfunc C() {}\n",
}

func TestFixIsAppliedAndIdempotent(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, oldModule)

	r := runIn(t, dir, "./...")
	if r.code != exitFindings || strings.Count(r.stderr, "function old should be named renamed (renamer)") != 1 {
		t.Fatalf("before the fix: exit %d, want 3 and one finding (p and p.test deduplicated):\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "b.go:4:2: \told is used here") {
		t.Errorf("related positions are not printed:\n%s", r.stderr)
	}

	r = runIn(t, dir, "-fix", "./...")
	if r.code != exitOK {
		t.Fatalf("-fix: exit %d, want 0:\n%s", r.code, r.stderr)
	}
	got := snapshot(t, dir)
	want := map[string]string{
		"a/a.go":      "package a\n\n// old does nothing.\nfunc renamed() {}\n\nfunc A() { renamed() }\n",
		"a/b.go":      "package a\n\nfunc B() {\n\trenamed() // keep this comment\n}\n",
		"a/a_test.go": "package a\n\nimport \"testing\"\n\nfunc TestOld(t *testing.T) { renamed() }\n",
	}
	for name, content := range want {
		if got[name] != content {
			t.Errorf("after -fix, %s =\n%s\nwant\n%s", name, got[name], content)
		}
	}
	for name := range got {
		if strings.Contains(name, ".chainlint-") {
			t.Errorf("temporary file %s left behind", name)
		}
	}

	r = runIn(t, dir, "./...")
	if r.code != exitOK || r.stderr != "" {
		t.Errorf("after -fix: exit %d, want 0 and no output:\n%s", r.code, r.stderr)
	}
	r = runIn(t, dir, "-fix", "./...")
	if r.code != exitOK {
		t.Errorf("second -fix: exit %d:\n%s", r.code, r.stderr)
	}
	sameTree(t, got, snapshot(t, dir))
}

func TestFixKeepsFileMode(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, oldModule)
	b := filepath.Join(dir, "a", "b.go")
	if err := os.Chmod(b, 0o640); err != nil {
		t.Fatal(err)
	}
	if r := runIn(t, dir, "-fix", "./..."); r.code != exitOK {
		t.Fatalf("-fix: exit %d:\n%s", r.code, r.stderr)
	}
	fi, err := os.Stat(b)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode of a fixed file: %v, want -rw-r-----", fi.Mode().Perm())
	}
}

func TestDiffChangesNothing(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, oldModule)
	before := snapshot(t, dir)
	r := runIn(t, dir, "-diff", "./...")
	if r.code != exitFindings { // as go fix -diff: a non-empty diff fails
		t.Fatalf("-diff: exit %d, want 3:\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		"--- a/a/b.go\n+++ b/a/b.go\n@@ -1,5 +1,5 @@\n package a\n \n func B() {\n-\told() // keep this comment\n+\trenamed() // keep this comment\n }\n",
		"-func old() {}\n+func renamed() {}\n",
		"--- a/a/a_test.go\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("-diff output lacks %q:\n%s", want, r.stdout)
		}
	}
	sameTree(t, before, snapshot(t, dir))
}

func TestFixRefusesReadOnlyFile(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, oldModule)
	b := filepath.Join(dir, "a", "b.go")
	if err := os.Chmod(b, 0o444); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	r := runIn(t, dir, "-fix", "./...")
	if r.code != exitError || !strings.Contains(r.stderr, "b.go is read-only") || !strings.Contains(r.stderr, "no file changed") {
		t.Errorf("-fix with a read-only file: exit %d, want 1 and a read-only error:\n%s", r.code, r.stderr)
	}
	sameTree(t, before, snapshot(t, dir)) // a.go, which is writable, is unchanged too
}

func TestFixNeverEditsGeneratedFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":            goMod,
		"a/a.go":            "package a\n\nfunc old() {}\n",
		"a/zz_generated.go": "// Code generated by hand for a test. DO NOT EDIT.\n\npackage a\n\nfunc G() { old() }\n",
	}
	writeTree(t, dir, files)
	before := snapshot(t, dir)
	r := runIn(t, dir, "-fix", "./...")
	if r.code != exitFindings || !strings.Contains(r.stderr, "fix not applied: it edits the generated file") ||
		!strings.Contains(r.stderr, "function old should be named renamed") {
		t.Errorf("-fix over a generated file: exit %d, want 3, the reason and the finding left:\n%s", r.code, r.stderr)
	}
	sameTree(t, before, snapshot(t, dir))
}

func TestFixNeverEditsOtherModules(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"m/go.mod":   "module example.com/m\n\ngo 1.23\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep\n",
		"m/m.go":     "package m\n\nimport \"example.com/dep\"\n\nvar _ = dep.D\n",
		"dep/go.mod": "module example.com/dep\n\ngo 1.23\n",
		"dep/dep.go": "package dep\n\nfunc old() {}\n\nfunc D() { old() }\n",
	})
	before := snapshot(t, root)
	r := runIn(t, filepath.Join(root, "m"), "-fix", "./...", "example.com/dep")
	if r.code != exitFindings || !strings.Contains(r.stderr, "which is outside the main module") {
		t.Errorf("-fix on a dependency: exit %d, want 3 and the reason:\n%s", r.code, r.stderr)
	}
	sameTree(t, before, snapshot(t, root))
}

func TestTypeErrorsMeanNoEdits(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"b/b.go": "package b\n\nfunc B() int { return \"not an int\" }\n"}
	for k, v := range oldModule {
		files[k] = v
	}
	writeTree(t, dir, files)
	before := snapshot(t, dir)
	r := runIn(t, dir, "-fix", "./...")
	if r.code != exitError || !strings.Contains(r.stderr, "b.go:3:23") ||
		!strings.Contains(r.stderr, "not analyzed, because of the errors above: example.com/m/b") ||
		!strings.Contains(r.stderr, "no file changed") {
		t.Errorf("-fix with a type error: exit %d, want 1 and a clear error:\n%s", r.code, r.stderr)
	}
	sameTree(t, before, snapshot(t, dir))

	// Without -fix, the other packages are still analyzed.
	r = runIn(t, dir, "./...")
	if r.code != exitError || !strings.Contains(r.stderr, "function old should be named renamed") {
		t.Errorf("type error without -fix: exit %d, want 1 and the other packages' findings:\n%s", r.code, r.stderr)
	}

	writeTree(t, dir, map[string]string{"b/b.go": "package b\n\nfunc B( {\n"})
	r = runIn(t, dir, "./...")
	if r.code != exitError || !strings.Contains(r.stderr, "b.go:3:9") {
		t.Errorf("syntax error: exit %d, want 1 and the position:\n%s", r.code, r.stderr)
	}
}

func TestJSONShape(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, oldModule)
	r := runIn(t, dir, "-json", "./...")
	if r.code != exitOK { // as the x/tools checker: -json does not signal findings
		t.Fatalf("-json: exit %d:\n%s", r.code, r.stderr)
	}
	var tree map[string]map[string][]struct {
		Posn    string `json:"posn"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &tree); err != nil {
		t.Fatalf("-json output is not {pkg: {analyzer: [diagnostic]}}: %v\n%s", err, r.stdout)
	}
	diags := tree["example.com/m/a"]["renamer"]
	if len(diags) != 1 || !strings.HasSuffix(diags[0].Posn, filepath.Join("a", "a.go")+":4:6") || diags[0].Message != "function old should be named renamed" {
		t.Errorf("-json: package example.com/m/a, analyzer renamer: %+v", diags)
	}
}

func TestBadUsage(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, oldModule)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"-nosuch", "./..."}, exitUsage, "flag provided but not defined: -nosuch"},
		{[]string{"-format=xml", "./..."}, exitUsage, "-format=xml: want text, json or sarif"},
		{[]string{"-json", "-sarif", "./..."}, exitUsage, "conflicting output formats"},
		{[]string{"./...", "-fix"}, exitUsage, "flags must come first"},
		{[]string{"-debug=z", "./..."}, exitUsage, "-debug: unknown flags"},
		{[]string{}, exitUsage, "usage: chainlint [flags] packages"},
		{[]string{"./nosuchdir/..."}, exitError, "nosuchdir"},
		{[]string{"help", "nosuch"}, exitUsage, `no analyzer named "nosuch"`},
	} {
		r := runIn(t, dir, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("chainlint %s: exit %d, stderr:\n%s\nwant exit %d and %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.code, tc.msg)
		}
	}
}

// -h prints the help once, on stdout, and nothing else.
func TestDashH(t *testing.T) {
	r := runIn(t, "", "-h")
	if r.code != exitOK || r.stderr != "" || strings.Count(r.stdout, "Usage:") != 1 || strings.Contains(r.stdout, "usage:") {
		t.Errorf("-h: exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

// An empty module: chainlint's own words, exit 1, with either driver.
func TestNoPackages(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"go.mod": goMod})
	r := runIn(t, dir, "./...")
	if r.code != exitError || !strings.Contains(r.stderr, "chainlint: no Go packages match ./...") {
		t.Errorf("chainlint ./... in an empty module: exit %d:\n%s", r.code, r.stderr)
	}
}

// Findings name files relative to the working directory, as go vet does.
func TestRelativePaths(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, oldModule)
	r := runIn(t, dir, "./...")
	if r.code != exitFindings || !strings.Contains(r.stderr, "\na/a.go:") && !strings.HasPrefix(r.stderr, "a/a.go:") || strings.Contains(r.stderr, dir) {
		t.Errorf("chainlint ./...: exit %d, want findings in a/a.go relative to the module:\n%s", r.code, r.stderr)
	}
}

func TestHelp(t *testing.T) {
	r := runIn(t, "", "help")
	if r.code != exitOK || !strings.Contains(r.stdout, "renamer      report functions named old") || !strings.Contains(r.stdout, "-sarif") {
		t.Errorf("help: exit %d:\n%s", r.code, r.stdout)
	}
	r = runIn(t, "", "help", "renamer")
	if r.code != exitOK || r.stdout != "renamer: report functions named old\n\nThe fix renames them, and their uses, to renamed.\n" {
		t.Errorf("help renamer: exit %d:\n%q", r.code, r.stdout)
	}
}

func TestConflicts(t *testing.T) {
	for _, tc := range []struct {
		a, b edit
		want bool
	}{
		{edit{1, 3, "x"}, edit{1, 3, "x"}, false}, // identical
		{edit{1, 3, "x"}, edit{1, 3, "y"}, true},
		{edit{1, 3, "x"}, edit{3, 5, "y"}, false}, // adjacent
		{edit{1, 3, "x"}, edit{2, 5, "y"}, true},
		{edit{2, 2, "x"}, edit{2, 2, "y"}, true}, // two insertions at one point
		{edit{2, 2, "x"}, edit{1, 3, ""}, true},  // insertion inside a deletion
		{edit{1, 1, "x"}, edit{1, 3, ""}, false}, // insertion before a deletion
		{edit{3, 3, "x"}, edit{1, 3, ""}, false}, // insertion after a deletion
	} {
		if got := conflicts(tc.a, tc.b); got != tc.want {
			t.Errorf("conflicts(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := conflicts(tc.b, tc.a); got != tc.want {
			t.Errorf("conflicts(%v, %v) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestApplyEditsRefusesBrokenCode(t *testing.T) {
	src := []byte("package p\n\nfunc f() {}\n")
	if _, err := applyEdits(src, []edit{{10, 14, "func f( {"}}); err == nil || !strings.Contains(err.Error(), "does not parse") {
		t.Errorf("applyEdits producing broken code: err = %v", err)
	}
	// A gofmt-clean file stays gofmt-clean...
	got, err := applyEdits(src, []edit{{16, 17, "g"}, {22, 22, "\nvar  x = 1\n"}})
	if err != nil || string(got) != "package p\n\nfunc g() {}\n\nvar x = 1\n" {
		t.Errorf("applyEdits on a gofmt-clean file: %q, %v", got, err)
	}
	// ...and a file that was not is not reformatted.
	ugly := []byte("package p\n\nfunc f()   {}\n")
	got, err = applyEdits(ugly, []edit{{16, 17, "g"}})
	if err != nil || string(got) != "package p\n\nfunc g()   {}\n" {
		t.Errorf("applyEdits on a file that is not gofmt-clean: %q, %v", got, err)
	}
}

func TestSelectAnalyzers(t *testing.T) {
	a := &analysis.Analyzer{Name: "x"}
	b := &analysis.Analyzer{Name: "y"}
	c := &analysis.Analyzer{Name: "z"}
	all := []*analysis.Analyzer{a, b, c}
	names := func(as []*analysis.Analyzer) string {
		var s []string
		for _, x := range as {
			s = append(s, x.Name)
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "x,y,z"},
		{[]string{"-y"}, "y"},              // -NAME: only those
		{[]string{"-x", "-z=true"}, "x,z"}, //
		{[]string{"-y=false"}, "x,z"},      // -NAME=false: all but those
		{[]string{"-x", "-y=false"}, "x"},  // true wins over false
	} {
		var o options
		fs, enabled := newFlagSet("chainlint", &o, all, &bytes.Buffer{})
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if got := names(selectAnalyzers(all, enabled)); got != tc.want {
			t.Errorf("%v: ran %s, want %s", tc.args, got, tc.want)
		}
	}
}

func TestContextLines(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, oldModule)
	r := runIn(t, dir, "-c=1", "./a")
	want := "a.go:4:6: function old should be named renamed (renamer)\n3\t// old does nothing.\n4\tfunc old() {}\n5\t\n"
	if r.code != exitFindings || !strings.Contains(r.stderr, want) {
		t.Errorf("-c=1: exit %d, want the line and one line of context around it:\n%s", r.code, r.stderr)
	}
}
