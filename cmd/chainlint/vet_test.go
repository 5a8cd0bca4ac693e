package main

import (
	"bytes"
	"encoding/json"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParsePosn(t *testing.T) {
	for _, c := range []struct {
		in   string
		want token.Position
	}{
		{"/a/b.go:3:7", token.Position{Filename: "/a/b.go", Line: 3, Column: 7}},
		{"/a/b.go:3", token.Position{Filename: "/a/b.go", Line: 3}},
		{"/a/b.go", token.Position{Filename: "/a/b.go"}},
		{`C:\a\b.go:3:7`, token.Position{Filename: `C:\a\b.go`, Line: 3, Column: 7}},
		{"-", token.Position{}},
		{"", token.Position{}},
	} {
		if got := parsePosn(c.in); got != c.want {
			t.Errorf("parsePosn(%q) = %+v, want %+v", c.in, got, c.want)
		}
		if c.want.IsValid() && c.want.Column > 0 && c.want.String() != c.in {
			t.Errorf("%q does not round-trip: %q", c.in, c.want.String())
		}
	}
}

func TestJSONOffer(t *testing.T) {
	abs, _ := filepath.Abs("x.go")
	o := jsonOffer(jsonSuggestedFix{Edits: []jsonTextEdit{
		{Filename: abs, Start: 10, End: 20, New: "a"},
		{Filename: abs, Start: 30, End: 0, New: "b"}, // an insertion whose End was NoPos
	}})
	want := []fileEdit{{abs, edit{10, 20, "a"}}, {abs, edit{30, 30, "b"}}}
	if o.bad != "" || !slices.Equal(o.edits, want) {
		t.Errorf("jsonOffer = %+v, want %+v", o, want)
	}
	if o := jsonOffer(jsonSuggestedFix{Edits: []jsonTextEdit{{Filename: "", Start: 1, End: 2}}}); o.bad == "" {
		t.Errorf("an edit without a file name was accepted: %+v", o)
	}
}

// TestTreeRemove: after -fix, -json lists only what is left, and no empty
// analyzer list or package.
func TestTreeRemove(t *testing.T) {
	d1 := jsonDiagnostic{Posn: "/f.go:1:1", End: "/f.go:1:2", Message: "one"}
	d2 := jsonDiagnostic{Posn: "/f.go:2:1", End: "/f.go:2:2", Message: "two"}
	tree := map[string]map[string]any{}
	treeAppend(tree, "p", "skipafter", d1)
	treeAppend(tree, "p", "skipafter", d2)
	treeAppend(tree, "q", "chainlock", d1)
	treeAdd(tree, "r", "chains", jsonError{"boom"})
	treeRemove(tree, map[findingKey]bool{
		{posn: d1.Posn, end: d1.End, analyzer: "skipafter", message: "one"}: true,
		{posn: d1.Posn, end: d1.End, analyzer: "chainlock", message: "one"}: true,
	})
	data, _ := json.Marshal(tree)
	want := `{"p":{"skipafter":[{"posn":"/f.go:2:1","end":"/f.go:2:2","message":"two"}]},"r":{"chains":{"error":"boom"}}}`
	if string(data) != want {
		t.Errorf("after treeRemove:\n got %s\nwant %s", data, want)
	}
}

func TestChooseDriver(t *testing.T) {
	withVet := &env{vettool: "/bin/chainlint"}
	for _, c := range []struct {
		o       options
		e       *env
		vet     bool
		wantErr bool
	}{
		{options{tests: true}, withVet, true, false},
		{options{tests: true}, &env{}, false, false}, // in-process tests: no executable to hand to go vet
		{options{tests: false}, withVet, false, false},
		{options{tests: true, debug: "t"}, withVet, false, false},
		{options{tests: true, driver: "load"}, withVet, false, false},
		{options{tests: true, driver: "vet"}, withVet, true, false},
		{options{tests: false, driver: "vet"}, withVet, false, true},
		{options{tests: true, driver: "vet", debug: "v"}, withVet, false, true},
		{options{tests: true, driver: "vet"}, &env{}, false, true},
		{options{tests: true, driver: "other"}, withVet, false, true},
	} {
		vet, err := c.o.chooseDriver(c.e)
		if vet != c.vet || (err != nil) != c.wantErr {
			t.Errorf("chooseDriver(%+v, vettool %q) = %v, %v; want %v, error %v", c.o, c.e.vettool, vet, err, c.vet, c.wantErr)
		}
	}
}

// TestVetFlags: the analyzer flags the user set go to go vet, the
// driver's own flags do not.
func TestVetFlags(t *testing.T) {
	var o options
	var stderr bytes.Buffer
	all := analyzers()
	fs, _ := newFlagSet("chainlint", &o, all, &stderr)
	if err := fs.Parse([]string{"-json", "-tags=x", "-chainlock=false", "-chains.request-types=example.com/gw.Req", "-skipafter.errors", "./..."}); err != nil {
		t.Fatal(err)
	}
	got := vetFlags(fs, all)
	want := []string{"-chainlock=false", "-chains.request-types=example.com/gw.Req", "-skipafter.errors=true"}
	if !slices.Equal(got, want) {
		t.Errorf("vetFlags = %q, want %q", got, want)
	}
}

// TestVetDriverEndToEnd runs the real binary with the default (go vet)
// driver and with -driver=load: the same findings, -tags and -test
// reaching the analysis, load errors giving exit 1 and no edits.
func TestVetDriverEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end; skipped with -short")
	}
	bin := chainlintBin(t)
	dir, _ := anyFixture(t, bin)

	vet := runCmd(t, dir, bin, "./...")
	load := runCmd(t, dir, bin, "-driver=load", "./...")
	if vet.code != exitFindings || load.code != exitFindings {
		t.Fatalf("exit %d (vet driver), %d (load driver), want 3:\n%s\n%s", vet.code, load.code, vet.stderr, load.stderr)
	}
	if vet.stderr != load.stderr {
		t.Errorf("the drivers' text output differs:\nvet:\n%s\nload:\n%s", vet.stderr, load.stderr)
	}
	vj, _ := jsonDiagnostics(t, dir, runCmd(t, dir, bin, "-json", "./...").stdout)
	lj, _ := jsonDiagnostics(t, dir, runCmd(t, dir, bin, "-driver=load", "-json", "./...").stdout)
	if !slices.Equal(vj, lj) || !slices.Equal(vj, diagnostics(dir, vet.stderr)) {
		t.Errorf("the drivers' -json findings differ:\nvet:\n%s\nload:\n%s", strings.Join(vj, "\n"), strings.Join(lj, "\n"))
	}
	vd := runCmd(t, dir, bin, "-diff", "./...")
	ld := runCmd(t, dir, bin, "-driver=load", "-diff", "./...")
	if vd.code != exitFindings || vd.stdout == "" || vd.stdout != ld.stdout {
		t.Errorf("-diff: exit %d; the drivers' diffs differ:\nvet:\n%s\nload:\n%s", vd.code, vd.stdout, ld.stdout)
	}

	// -tags reaches go vet: a type error behind a build tag counts only
	// with the tag.
	writeTree(t, dir, map[string]string{"zztagged/bad.go": "//go:build zztag\n\npackage zztagged\n\nvar X int = \"s\"\n",
		"zztagged/ok.go": "package zztagged\n"})
	if r := runCmd(t, dir, bin, "./..."); r.code != exitFindings {
		t.Errorf("without -tags: exit %d, want 3 (the tagged file left out):\n%s", r.code, r.stderr)
	}
	before := snapshot(t, dir)
	r := runCmd(t, dir, bin, "-tags=zztag", "-fix", "./...")
	if r.code != exitError || !strings.Contains(r.stderr, "bad.go:5:13") || !strings.Contains(r.stderr, "no file changed") {
		t.Errorf("-tags=zztag -fix: exit %d, want 1, the type error and no change:\n%s", r.code, r.stderr)
	}
	sameTree(t, before, snapshot(t, dir))
	r = runCmd(t, dir, bin, "-tags=zztag", "-sarif", "./...")
	if r.code != exitError || !strings.Contains(r.stdout, `"executionSuccessful": false`) || !strings.Contains(r.stdout, "bad.go:5:13") {
		t.Errorf("-tags=zztag -sarif: exit %d, want 1 and a failed invocation naming the error:\n%s", r.code, r.stdout)
	}
	if err := os.RemoveAll(filepath.Join(dir, "zztagged")); err != nil {
		t.Fatal(err)
	}

	// go vet analyzes test files; -test=false (the in-process driver)
	// leaves them out.
	writeTree(t, dir, map[string]string{"zztest/x.go": "package zztest\n", "zztest/x_test.go": "package zztest\n\nvar X int = \"s\"\n"})
	if r := runCmd(t, dir, bin, "./..."); r.code != exitError || !strings.Contains(r.stderr, "x_test.go:3:13") {
		t.Errorf("a type error in a test file: exit %d, want 1 and its position:\n%s", r.code, r.stderr)
	}
	if r := runCmd(t, dir, bin, "-test=false", "./..."); r.code != exitFindings {
		t.Errorf("-test=false with a type error in a test file: exit %d, want 3:\n%s", r.code, r.stderr)
	}
	if r := runCmd(t, dir, bin, "-driver=vet", "-test=false", "./..."); r.code != exitUsage {
		t.Errorf("-driver=vet -test=false: exit %d, want 2:\n%s", r.code, r.stderr)
	}
	if err := os.RemoveAll(filepath.Join(dir, "zztest")); err != nil {
		t.Fatal(err)
	}

	// A pattern that matches nothing is an error, as with the load driver.
	if r := runCmd(t, dir, bin, "./nosuchdir/..."); r.code != exitError {
		t.Errorf("./nosuchdir/...: exit %d, want 1:\n%s", r.code, r.stderr)
	}

	// Fixing through the go vet driver, then nothing is left.
	if r := runCmd(t, dir, bin, "-fix", "./..."); r.code != exitOK {
		t.Errorf("-fix: exit %d, want 0:\n%s", r.code, r.stderr)
	}
	if r := runCmd(t, dir, bin, "-driver=load", "./..."); r.code != exitOK {
		t.Errorf("-driver=load after the go vet driver's -fix: exit %d, want 0:\n%s", r.code, r.stderr)
	}
}

// TestListFileInfos: what the go vet driver's -fix knows about the files
// (main module or not, generated, size) matches what the in-process
// driver learns from go/packages.
func TestListFileInfos(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list; skipped with -short")
	}
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"m/go.mod":      "module example.com/m\n\ngo 1.23\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep\n",
		"m/m.go":        "package m\n\nimport \"example.com/dep\"\n\nvar _ = dep.D\n",
		"m/gen.go":      "// Code generated by hand. DO NOT EDIT.\n\npackage m\n",
		"m/m_test.go":   "package m\n",
		"m/x_test.go":   "package m_test\n",
		"m/sub/sub.go":  "package sub\n",
		"dep/go.mod":    "module example.com/dep\n\ngo 1.23\n",
		"dep/dep.go":    "package dep\n\nfunc D() {}\n",
		"m/tagged.go":   "//go:build zztag\n\npackage m\n",
		"m/sub/skip.go": "//go:build ignore\n\npackage sub\n",
	})
	m := filepath.Join(root, "m")
	infos, err := listFileInfos([]string{"./..."}, &options{tags: "zztag"}, &env{dir: m})
	if err != nil {
		t.Fatal(err)
	}
	abs := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
	for _, c := range []struct {
		file              string
		inMain, generated bool
	}{
		{"m/m.go", true, false},
		{"m/gen.go", true, true},
		{"m/m_test.go", true, false},
		{"m/x_test.go", true, false},
		{"m/sub/sub.go", true, false},
		{"m/tagged.go", true, false},
		{"dep/dep.go", false, false},
	} {
		info := infos[abs(c.file)]
		if info == nil {
			t.Errorf("%s: not listed", c.file)
			continue
		}
		if info.inMain != c.inMain || info.generated != c.generated {
			t.Errorf("%s: inMain %v, generated %v; want %v, %v", c.file, info.inMain, info.generated, c.inMain, c.generated)
		}
		if data, _ := os.ReadFile(abs(c.file)); c.inMain && info.size != len(data) {
			t.Errorf("%s: size %d, want %d", c.file, info.size, len(data))
		}
	}
	if infos[abs("m/sub/skip.go")] != nil {
		t.Errorf("a file excluded by build constraints is listed")
	}
}
