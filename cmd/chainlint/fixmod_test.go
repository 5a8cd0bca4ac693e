package main

// In-process tests of -fix rounds and of the runtime's requirement, with
// test analyzers (the end-to-end tests run chainlint's own).

import (
	"bytes"
	"go/ast"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/fixes"
)

// wrapper reports each call bare(x) and replaces the whole call with
// wrapped(x): the fixes of nested calls overlap, so bare(bare(x)) needs
// two rounds, the outer call first.
var wrapper = &analysis.Analyzer{
	Name: "wrapper",
	Doc:  "report calls of bare\n\nThe fix replaces the whole call by a call of wrapped.",
	Run: func(pass *analysis.Pass) (any, error) {
		for _, f := range pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) != 1 {
					return true
				}
				if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "bare" {
					return true
				}
				tf := pass.Fset.File(call.Pos())
				src, err := os.ReadFile(tf.Name())
				if err != nil {
					return true
				}
				arg := src[tf.Offset(call.Args[0].Pos()):tf.Offset(call.Args[0].End())]
				pass.Report(analysis.Diagnostic{
					Pos: call.Pos(), End: call.End(), Message: "call of bare",
					SuggestedFixes: []analysis.SuggestedFix{{Message: "call wrapped", TextEdits: []analysis.TextEdit{
						{Pos: call.Pos(), End: call.End(), NewText: []byte("wrapped(" + string(arg) + ")")},
					}}},
				})
				return true
			})
		}
		return nil, nil
	},
}

func runWith(t *testing.T, dir string, all []*analysis.Analyzer, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run("chainlint", args, all, &env{dir: dir, stdout: &stdout, stderr: &stderr})
	return result{code, stdout.String(), stderr.String()}
}

// nested returns a package whose function calls bare nested depth deep.
func nested(depth int) string {
	call := "1"
	for range depth {
		call = "bare(" + call + ")"
	}
	return "package a\n\nfunc bare(x int) int    { return x }\nfunc wrapped(x int) int { return x }\n\nvar V = " + call + "\n"
}

func TestFixRoundsConverge(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"go.mod": goMod, "a/a.go": nested(3)})
	all := []*analysis.Analyzer{wrapper}

	// -diff shows one round, and says why the inner fixes wait.
	r := runWith(t, dir, all, "-diff", "./...")
	if r.code != exitFindings || !strings.Contains(r.stdout, "+var V = wrapped(bare(bare(1)))") ||
		strings.Count(r.stderr, "fix not applied: it overlaps another fix (-diff shows one round of fixes; -fix applies this one in a later round)") != 2 {
		t.Errorf("-diff: exit %d, want 3, the outer fix, and two notes:\n%s%s", r.code, r.stdout, r.stderr)
	}

	// One -fix run applies all three, in three rounds, and says nothing.
	r = runWith(t, dir, all, "-fix", "./...")
	if r.code != exitOK || r.stderr != "" {
		t.Errorf("-fix: exit %d, want 0 and no output:\n%s", r.code, r.stderr)
	}
	if got := snapshot(t, dir)["a/a.go"]; !strings.Contains(got, "var V = wrapped(wrapped(wrapped(1)))\n") {
		t.Errorf("after one -fix run:\n%s", got)
	}
}

func TestFixRoundsAreBounded(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"go.mod": goMod, "a/a.go": nested(maxFixRounds + 2)})
	r := runWith(t, dir, []*analysis.Analyzer{wrapper}, "-fix", "./...")
	if r.code != exitFindings {
		t.Errorf("-fix: exit %d, want 3 (findings left)", r.code)
	}
	for _, want := range []string{
		"-fix: stopped after 5 rounds, and the last one still applied fixes: run chainlint -fix again",
		"fix not applied: it overlaps another fix\n", // the finding left, and why
		"call of bare (wrapper)",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-fix output lacks %q:\n%s", want, r.stderr)
		}
	}
	if got := snapshot(t, dir)["a/a.go"]; !strings.Contains(got, "var V = wrapped(wrapped(wrapped(wrapped(wrapped(bare(bare(1)))))))\n") {
		t.Errorf("after 5 rounds:\n%s", got)
	}
}

// importer reports each function named needsRuntime with an empty body;
// its fix imports the runtime into the file and uses it.
var importer = &analysis.Analyzer{
	Name: "importer",
	Doc:  "report functions that need the runtime\n\nThe fix imports it.",
	Run: func(pass *analysis.Pass) (any, error) {
		for _, f := range pass.Files {
			for _, decl := range f.Decls {
				fd, ok := decl.(*ast.FuncDecl)
				if !ok || fd.Name.Name != "needsRuntime" || len(fd.Body.List) > 0 {
					continue
				}
				pass.Report(analysis.Diagnostic{
					Pos: fd.Name.Pos(), Message: "needsRuntime needs the runtime",
					SuggestedFixes: []analysis.SuggestedFix{{Message: "use it", TextEdits: []analysis.TextEdit{
						{Pos: f.Name.End(), End: f.Name.End(), NewText: []byte("\n\nimport chainruntime \"" + fixes.RuntimePath + "\"")},
						{Pos: fd.Body.Lbrace + 1, End: fd.Body.Rbrace, NewText: []byte(" _ = chainruntime.BatchedLocker[func()] ")},
					}}},
				})
			}
		}
		return nil, nil
	},
}

// runtimeDir is this repository's runtime module.
func runtimeDir(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "chain_runtime"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// offline makes the go command work from the module cache and local
// directories only.
func offline(t *testing.T) {
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOWORK", "off")
}

const usesRuntime = "package a\n\nfunc needsRuntime() {}\n"

func TestFixAddsRequirementWithDir(t *testing.T) {
	offline(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"go.mod": goMod, "a/a.go": usesRuntime, "b/b.go": usesRuntime})
	all := []*analysis.Analyzer{importer}

	// A development build without -runtime says what to run, and
	// changes nothing.
	before := snapshot(t, dir)
	r := runWith(t, dir, all, "-fix", "./...")
	want := "this chainlint is a development build, which knows no published version of it to require: run `chainlint -runtime=" + fixes.DevelopmentRuntimeDir() + " -fix ./...`"
	if r.code != exitFindings || !strings.Contains(r.stderr, want) {
		t.Errorf("-fix without -runtime: exit %d, want 3 and %q:\n%s", r.code, want, r.stderr)
	}
	sameTree(t, before, snapshot(t, dir))

	// -runtime=DIR: both files fixed, one requirement and one replace
	// (absolute: the module is not in the runtime's repository), and the
	// round after the fix loaded the runtime.
	rt := runtimeDir(t)
	r = runWith(t, dir, all, "-fix", "-runtime="+rt, "./...")
	if r.code != exitOK {
		t.Fatalf("-fix -runtime=DIR: exit %d, want 0:\n%s", r.code, r.stderr)
	}
	wantMod := goMod + "\nrequire " + fixes.RuntimePath + " " + fixes.ZeroVersion + "\n\nreplace " + fixes.RuntimePath + " => " + filepath.ToSlash(rt) + "\n"
	after := snapshot(t, dir)
	if after["go.mod"] != wantMod {
		t.Errorf("go.mod after -fix -runtime=DIR:\n%s\nwant:\n%s", after["go.mod"], wantMod)
	}
	if _, ok := after["go.sum"]; ok {
		t.Errorf("a replace by a directory needs no go.sum, but -fix wrote one:\n%s", after["go.sum"])
	}
	if !strings.Contains(r.stderr, "chainlint: -fix: go.mod: added require "+fixes.RuntimePath+" "+fixes.ZeroVersion+", replace => "+filepath.ToSlash(rt)) {
		t.Errorf("-fix does not say what it added to go.mod:\n%s", r.stderr)
	}
	if r := runWith(t, dir, all, "./..."); r.code != exitOK {
		t.Errorf("after -fix: exit %d:\n%s", r.code, r.stderr)
	}
}

func TestReplacePath(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"repo/.git/HEAD": "", "repo/chain_runtime/go.mod": "", "repo/app/go.mod": "", "other/go.mod": ""})
	rt := filepath.Join(root, "repo", "chain_runtime")
	for _, tc := range []struct{ mod, want string }{
		{filepath.Join(root, "repo", "app"), "../chain_runtime"},
		{filepath.Join(root, "repo"), "./chain_runtime"},
		{filepath.Join(root, "other"), filepath.ToSlash(rt)}, // not in the repository
	} {
		if got := replacePath(tc.mod, rt); got != tc.want {
			t.Errorf("replacePath(%s, %s) = %q, want %q", tc.mod, rt, got, tc.want)
		}
	}
}

func TestAddSums(t *testing.T) {
	old := "a.example/x v1.0.0 h1:A=\na.example/x v1.0.0/go.mod h1:B=\nz.example/y v1.0.0/go.mod h1:C=\n"
	got := string(addSums([]byte(old), "m.example/rt v0.1.0 h1:D=", "m.example/rt v0.1.0/go.mod h1:E=", "a.example/x v1.0.0 h1:A="))
	want := "a.example/x v1.0.0 h1:A=\na.example/x v1.0.0/go.mod h1:B=\nm.example/rt v0.1.0 h1:D=\nm.example/rt v0.1.0/go.mod h1:E=\nz.example/y v1.0.0/go.mod h1:C=\n"
	if got != want {
		t.Errorf("addSums:\n%s\nwant:\n%s", got, want)
	}
	if got := string(addSums(nil, "m v1 h1:D=")); got != "m v1 h1:D=\n" {
		t.Errorf("addSums to an empty go.sum: %q", got)
	}
}

// TestRequirerPlans covers the modules that need no change or get no fix.
func TestRequirerPlans(t *testing.T) {
	rt := runtimeDir(t)
	for _, tc := range []struct {
		name, gomod, flag string
		needed, vendor    bool
		why               string // a substring of the reason, or ""
		newMod            string // a substring of the new go.mod, or ""
	}{
		{name: "required already", gomod: goMod + "require " + fixes.RuntimePath + " v0.1.0\n"},
		{name: "the runtime itself", gomod: "module " + fixes.RuntimePath + "\n\ngo 1.23\n"},
		{name: "go line too old", gomod: "module example.com/m\n\ngo 1.22\n", flag: rt, needed: true,
			why: "the fix imports " + fixes.RuntimePath + ", which needs go 1.23, and the go line of go.mod is 1.22: run `go get go@1.23.0` here (it raises the go line), then chainlint -fix again"},
		{name: "no go line", gomod: "module example.com/m\n", flag: rt, needed: true, why: "the go line of go.mod is 1.16"},
		{name: "the module's own replace, no -runtime", gomod: goMod + "replace " + fixes.RuntimePath + " => " + rt + "\n", needed: true,
			newMod: "replace " + fixes.RuntimePath + " => " + rt + "\n\nrequire " + fixes.RuntimePath + " " + fixes.ZeroVersion + "\n"},
		{name: "not the runtime", gomod: goMod, flag: filepath.Dir(rt), needed: true, why: "not a copy of the runtime module"},
		{name: "indirect requirements stay apart", gomod: goMod + "require example.com/x v1.0.0 // indirect\n", flag: rt, needed: true,
			newMod: "require " + fixes.RuntimePath + " " + fixes.ZeroVersion + "\n\nrequire example.com/x v1.0.0 // indirect\n"},
		{name: "vendored", gomod: goMod, vendor: true, flag: rt, needed: true,
			why: "vendors its dependencies: run `go mod edit -require=" + fixes.RuntimePath + "@" + fixes.ZeroVersion + " -replace=" + fixes.RuntimePath + "=" + filepath.ToSlash(rt) + "` and `go mod vendor` there, then chainlint -fix again"},
	} {
		dir := t.TempDir()
		writeTree(t, dir, map[string]string{"go.mod": tc.gomod})
		if tc.vendor {
			writeTree(t, dir, map[string]string{"vendor/modules.txt": ""})
		}
		r := newRequirer(tc.flag, "chainlint -fix ./...", dir)
		p := r.plan(filepath.Join(dir, "go.mod"))
		if p.needed != tc.needed || (tc.why == "") != (p.why == "") || !strings.Contains(p.why, tc.why) || !strings.Contains(string(p.newMod), tc.newMod) {
			t.Errorf("%s: needed %v, why %q, new go.mod:\n%s\nwant needed %v, why %q, go.mod with %q", tc.name, p.needed, p.why, p.newMod, tc.needed, tc.why, tc.newMod)
		}
		if p.newMod != nil {
			if _, err := modfile.Parse("go.mod", p.newMod, nil); err != nil {
				t.Errorf("%s: the new go.mod does not parse: %v", tc.name, err)
			}
		}
	}
}

// proxyFromDir builds a GOPROXY=file:// module proxy that serves the
// module in dir at version.
func proxyFromDir(t *testing.T, dir, path, version string) string {
	t.Helper()
	proxy := t.TempDir()
	at := filepath.Join(proxy, filepath.FromSlash(path), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var zipData bytes.Buffer
	if err := modzip.CreateFromDir(&zipData, module.Version{Path: path, Version: version}, dir); err != nil {
		t.Fatal(err)
	}
	writeTree(t, at, map[string]string{
		"list":            version + "\n",
		version + ".info": `{"Version":"` + version + `","Time":"2026-01-01T00:00:00Z"}`,
		version + ".mod":  string(gomod),
		version + ".zip":  zipData.String(),
	})
	return "file://" + filepath.ToSlash(proxy)
}

func TestFixAddsRequirementWithVersion(t *testing.T) {
	const version = "v0.9.0"
	proxy := proxyFromDir(t, runtimeDir(t), fixes.RuntimePath, version)
	t.Setenv("GOPROXY", proxy)
	t.Setenv("GOSUMDB", "off") // (the test's proxy is not in the checksum database)
	t.Setenv("GOMODCACHE", tempModCache(t))
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOWORK", "off")

	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"go.mod": goMod, "go.sum": "example.com/zz v1.0.0/go.mod h1:x=\n", "a/a.go": usesRuntime})
	r := runWith(t, dir, []*analysis.Analyzer{importer}, "-fix", "-runtime="+version, "./...")
	if r.code != exitOK {
		t.Fatalf("-fix -runtime=%s: exit %d, want 0:\n%s", version, r.code, r.stderr)
	}
	after := snapshot(t, dir)
	if want := goMod + "\nrequire " + fixes.RuntimePath + " " + version + "\n"; after["go.mod"] != want {
		t.Errorf("go.mod:\n%s\nwant:\n%s", after["go.mod"], want)
	}
	sums := strings.Split(strings.TrimSpace(after["go.sum"]), "\n")
	if len(sums) != 3 || sums[0] != "example.com/zz v1.0.0/go.mod h1:x=" || !strings.HasPrefix(sums[1], fixes.RuntimePath+" "+version+" h1:") ||
		!strings.HasPrefix(sums[2], fixes.RuntimePath+" "+version+"/go.mod h1:") {
		t.Errorf("go.sum (the new lines in order, the old line kept):\n%s", after["go.sum"])
	}
	// The go command agrees: the module builds read-only, and the sums
	// are those of what the proxy serves (without the made-up line).
	writeTree(t, dir, map[string]string{"go.sum": strings.Join(sums[1:], "\n") + "\n"})
	for _, args := range [][]string{{"build", "-mod=readonly", "./..."}, {"mod", "verify"}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-modcacherw")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s after -fix: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	// A version the proxy does not have: no change, and what to do.
	dir = t.TempDir()
	writeTree(t, dir, map[string]string{"go.mod": goMod, "a/a.go": usesRuntime})
	before := snapshot(t, dir)
	r = runWith(t, dir, []*analysis.Analyzer{importer}, "-fix", "-runtime=v0.8.0", "./...")
	if r.code != exitFindings || !strings.Contains(r.stderr, "go mod download of "+fixes.RuntimePath+"@v0.8.0 failed") ||
		!strings.Contains(r.stderr, "run `chainlint -runtime=PATH/TO/chain_runtime -fix ./...`") {
		t.Errorf("-fix -runtime=v0.8.0 (not served): exit %d, want 3 and why:\n%s", r.code, r.stderr)
	}
	sameTree(t, before, snapshot(t, dir))
}

// tempModCache returns a module cache for one test, which the go command
// empties at the end (its files are read-only).
func tempModCache(t *testing.T) string {
	dir := t.TempDir()
	t.Cleanup(func() {
		cmd := exec.Command("go", "clean", "-modcache")
		cmd.Env = append(os.Environ(), "GOMODCACHE="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go clean -modcache: %v\n%s", err, out)
		}
	})
	return dir
}
