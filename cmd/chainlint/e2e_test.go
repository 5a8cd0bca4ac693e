package main

// End-to-end tests: they build the chainlint binary once and run it, the
// go command and the fixtures' own tests on copies of the fixture modules
// under testdata/e2e/<analyzer>/.
//
// The protocol, for each fixture: chainlint ./... reports findings (exit
// 3); -driver=load, -json, -sarif and go vet -vettool report the same ones; chainlint
// -fix ./... fixes them all (exit 0); the fixed module builds, passes go
// vet, and passes its tests with -tags chainlint_fixed (tests that hold
// only after the fix carry //go:build chainlint_fixed); chainlint then
// reports nothing, and a second -fix changes no file.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The analyzers whose fixture modules the whole protocol runs on.
var e2eFixtures = []string{"chainlock", "droprequest", "skipafter"}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// chainlintBin builds the command once per test process.
func chainlintBin(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "chainlint-e2e-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "chainlint")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// fixtureDir returns the fixture module of name, or skips the test.
func fixtureDir(t *testing.T, name string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "e2e", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Skipf("SKIP, NOT A PASS: fixture module testdata/e2e/%s/go.mod does not exist (yet)", name)
	}
	return dir
}

// copyFixture copies the fixture module src to a temporary directory and
// rewrites relative replace directives of its go.mod (such as
// github.com/chainlint/chainlint/chain_runtime => ../../../chain_runtime)
// to absolute paths, so that the copy builds where it lands.
func copyFixture(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == "go.mod" {
			data = absReplaces(data, src)
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

var replaceRE = regexp.MustCompile(`(?m)^(\s*(?:replace\s+)?\S+(?:\s+\S+)?\s+=>\s+)(\.\.?/\S*)\s*$`)

func absReplaces(gomod []byte, dir string) []byte {
	return replaceRE.ReplaceAllFunc(gomod, func(line []byte) []byte {
		m := replaceRE.FindSubmatch(line)
		abs := filepath.Join(dir, filepath.FromSlash(string(m[2])))
		return append(append([]byte{}, m[1]...), filepath.ToSlash(abs)...)
	})
}

type cmdResult struct {
	code           int
	stdout, stderr string
}

// runCmd runs name args in dir, with a module-mode environment that
// ignores any go.work around the temporary directory.
func runCmd(t testing.TB, dir string, name string, args ...string) cmdResult {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	return cmdResult{code, stdout.String(), stderr.String()}
}

// diagLine matches a diagnostic (or related-information) line of the
// text output: "file.go:line:col: message".
var diagLine = regexp.MustCompile(`^(\S+\.go):(\d+):(\d+): (.*)$`)

// diagnostics returns the "file:line:col: message" lines of out, with
// file names relative to dir and chainlint's " (analyzer)" suffix removed
// (go vet's output does not have it).
func diagnostics(dir, out string) []string {
	var diags []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := diagLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		file := m[1]
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		if rel, err := filepath.Rel(dir, file); err == nil {
			file = filepath.ToSlash(rel)
		}
		msg := regexp.MustCompile(` \([a-z]+\)$`).ReplaceAllString(m[4], "")
		diags = append(diags, fmt.Sprintf("%s:%s:%s: %s", file, m[2], m[3], msg))
	}
	slices.Sort(diags)
	return slices.Compact(diags)
}

// jsonDiagnostics decodes -json output, checking its shape: package →
// analyzer → list of diagnostics (or an error object).
func jsonDiagnostics(t *testing.T, dir, out string) (diags []string, withFix []jsonDiag) {
	t.Helper()
	var tree map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &tree); err != nil {
		t.Fatalf("-json: not {package: {analyzer: ...}}: %v\n%s", err, out)
	}
	var text strings.Builder
	for pkg, byAnalyzer := range tree {
		for analyzer, raw := range byAnalyzer {
			var list []jsonDiag
			if err := json.Unmarshal(raw, &list); err != nil {
				var e struct{ Error string }
				if json.Unmarshal(raw, &e) != nil || e.Error == "" {
					t.Errorf("-json: %s/%s: neither a diagnostic list nor an error: %s", pkg, analyzer, raw)
				}
				continue
			}
			for _, d := range list {
				if d.Posn == "" || d.Message == "" {
					t.Errorf("-json: %s/%s: diagnostic without posn or message: %+v", pkg, analyzer, d)
				}
				fmt.Fprintf(&text, "%s: %s\n", d.Posn, d.Message)
				for _, r := range d.Related {
					fmt.Fprintf(&text, "%s: \t%s\n", r.Posn, r.Message)
				}
				if len(d.SuggestedFixes) > 0 {
					withFix = append(withFix, d)
				}
			}
		}
	}
	return diagnostics(dir, text.String()), withFix
}

type jsonDiag struct {
	Posn           string `json:"posn"`
	Message        string `json:"message"`
	SuggestedFixes []struct {
		Message string `json:"message"`
		Edits   []struct {
			Filename string `json:"filename"`
		} `json:"edits"`
	} `json:"suggested_fixes"`
	Related []struct {
		Posn    string `json:"posn"`
		Message string `json:"message"`
	} `json:"related"`
}

func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end tests run the go command on fixture modules; skipped with -short")
	}
	bin := chainlintBin(t)
	for _, name := range e2eFixtures {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // (the fixtures are independent copies)
			src := fixtureDir(t, name)
			dir := copyFixture(t, src)

			// 1. Findings, in each output format and in go vet mode.
			r := runCmd(t, dir, bin, "./...")
			if r.code != exitFindings {
				t.Fatalf("chainlint ./...: exit %d, want 3 (findings):\n%s", r.code, r.stderr)
			}
			firstOut := r.stderr
			text := diagnostics(dir, r.stderr)
			if len(text) == 0 {
				t.Fatalf("chainlint ./...: exit 3 but no diagnostic lines:\n%s", r.stderr)
			}
			t.Logf("chainlint ./... on the fixture:\n%s", r.stderr)

			// The in-process driver finds the same, to the byte.
			if rl := runCmd(t, dir, bin, "-driver=load", "./..."); rl.code != exitFindings || rl.stderr != firstOut {
				t.Errorf("chainlint -driver=load ./...: exit %d, and its output differs from the default (go vet) driver's:\nload:\n%s\nvet:\n%s", rl.code, rl.stderr, firstOut)
			}

			r = runCmd(t, dir, bin, "-json", "./...")
			if r.code != exitOK {
				t.Errorf("chainlint -json ./...: exit %d, want 0:\n%s", r.code, r.stderr)
			}
			if js, _ := jsonDiagnostics(t, dir, r.stdout); !slices.Equal(js, text) {
				t.Errorf("-json and text output differ:\njson:\n%s\ntext:\n%s", strings.Join(js, "\n"), strings.Join(text, "\n"))
			}

			r = runCmd(t, dir, bin, "-sarif", "./...")
			if r.code != exitOK {
				t.Errorf("chainlint -sarif ./...: exit %d, want 0:\n%s", r.code, r.stderr)
			}
			results := validateSARIF(t, []byte(r.stdout))
			if want := primaries(text); len(results) != want {
				t.Errorf("-sarif: %d results, want %d (as the text output)", len(results), want)
			}

			r = runCmd(t, dir, "go", "vet", "-vettool="+bin, "./...")
			if r.code == 0 {
				t.Errorf("go vet -vettool: exit 0, want findings:\n%s", r.stderr)
			}
			if vet := diagnostics(dir, r.stderr); !slices.Equal(vet, text) {
				t.Errorf("go vet -vettool and standalone findings differ (facts not crossing packages?):\nvet:\n%s\nstandalone:\n%s",
					strings.Join(vet, "\n"), strings.Join(text, "\n"))
			}

			// Analyzer enable flags pass through go vet: -NAME=false drops
			// this fixture's analyzer.
			own := regexp.MustCompile(`^(\S+\.go:\d+:\d+): (.*) \(` + name + `\)$`)
			var ownDiags []string
			for _, l := range strings.Split(firstOut, "\n") {
				if m := own.FindStringSubmatch(l); m != nil {
					ownDiags = append(ownDiags, m[2])
				}
			}
			if len(ownDiags) == 0 {
				t.Errorf("no finding of %s itself in its fixture", name)
			}
			// (Standalone, TestSelectAnalyzers covers the selection.)
			out := runCmd(t, dir, "go", "vet", "-vettool="+bin, "-"+name+"=false", "./...").stderr
			for _, msg := range ownDiags {
				if strings.Contains(out, msg) {
					t.Errorf("go vet -vettool -%s=false: still reports %q", name, msg)
				}
			}

			// 2. Fix, then the fixed module builds, vets and passes its tests.
			before := snapshot(t, dir)
			r = runCmd(t, dir, bin, "-fix", "./...")
			if r.code != exitOK {
				t.Fatalf("chainlint -fix ./...: exit %d, want 0 (everything fixed):\n%s", r.code, r.stderr)
			}
			fixed := snapshot(t, dir)
			if maps_equal(before, fixed) {
				t.Fatalf("chainlint -fix ./... changed no file")
			}
			for _, c := range [][]string{
				{"go", "build", "./..."},
				{"go", "vet", "./..."},
				{"go", "test", "-count=1", "-tags", "chainlint_fixed", "./..."},
			} {
				if r := runCmd(t, dir, c[0], c[1:]...); r.code != 0 {
					t.Errorf("after -fix, %s: exit %d:\n%s%s", strings.Join(c, " "), r.code, r.stdout, r.stderr)
				}
			}

			// 3. Nothing left, and fixing again changes nothing.
			r = runCmd(t, dir, bin, "./...")
			if r.code != exitOK || r.stderr != "" {
				t.Errorf("chainlint ./... after -fix: exit %d, want 0 and no output:\n%s", r.code, r.stderr)
			}
			r = runCmd(t, dir, bin, "-fix", "./...")
			if r.code != exitOK {
				t.Errorf("second chainlint -fix: exit %d:\n%s", r.code, r.stderr)
			}
			sameTree(t, fixed, snapshot(t, dir))
		})
	}
}

// primaries counts the diagnostics of lines made by diagnostics, leaving
// out related information (whose message starts with a tab).
func primaries(lines []string) int {
	n := 0
	for _, l := range lines {
		if !strings.Contains(l, ": \t") {
			n++
		}
	}
	return n
}

func maps_equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

var (
	fixtureOnce   sync.Once
	fixtureSrc    string // a fixture module with a finding that has a fix
	fixtureTarget string // the file (relative to the module) the first such fix edits
)

// anyFixture returns a fresh copy of the first fixture module that has a
// finding with a fix, and the absolute name (in the copy) of a file that
// fix edits; it skips the test when there is none.
func anyFixture(t *testing.T, bin string) (dir, target string) {
	t.Helper()
	fixtureOnce.Do(func() {
		for _, name := range e2eFixtures {
			src, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "e2e", name))
			if _, err := os.Stat(filepath.Join(src, "go.mod")); err != nil {
				continue
			}
			dir := copyFixture(t, src)
			_, withFix := jsonDiagnostics(t, dir, runCmd(t, dir, bin, "-json", "./...").stdout)
			if len(withFix) > 0 {
				fixtureSrc = src
				fixtureTarget, _ = filepath.Rel(dir, withFix[0].SuggestedFixes[0].Edits[0].Filename)
				return
			}
		}
	})
	if fixtureSrc == "" {
		t.Skipf("SKIP, NOT A PASS: no fixture under testdata/e2e/{%s} has a finding with a fix yet", strings.Join(e2eFixtures, ","))
	}
	dir = copyFixture(t, fixtureSrc)
	return dir, filepath.Join(dir, fixtureTarget)
}

func TestFixGuardsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end; skipped with -short")
	}
	bin := chainlintBin(t)

	t.Run("read-only file", func(t *testing.T) {
		dir, target := anyFixture(t, bin)
		if err := os.Chmod(target, 0o444); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, dir)
		r := runCmd(t, dir, bin, "-fix", "./...")
		if r.code != exitError || !strings.Contains(r.stderr, "is read-only") || !strings.Contains(r.stderr, "no file changed") {
			t.Errorf("-fix with the read-only %s: exit %d, want 1 and a clear error:\n%s", target, r.code, r.stderr)
		}
		sameTree(t, before, snapshot(t, dir))
	})

	t.Run("type error", func(t *testing.T) {
		dir, _ := anyFixture(t, bin)
		writeTree(t, dir, map[string]string{"zzbroken/broken.go": "package zzbroken\n\nvar X int = \"not an int\"\n"})
		before := snapshot(t, dir)
		r := runCmd(t, dir, bin, "-fix", "./...")
		if r.code != exitError || !strings.Contains(r.stderr, "broken.go:3:13") || !strings.Contains(r.stderr, "no file changed") {
			t.Errorf("-fix with a type error: exit %d, want 1, the error's position and no change:\n%s", r.code, r.stderr)
		}
		sameTree(t, before, snapshot(t, dir))
	})

	t.Run("generated file", func(t *testing.T) {
		dir, target := anyFixture(t, bin)
		data, err := os.ReadFile(target)
		if err != nil {
			t.Fatal(err)
		}
		data = append([]byte("// Code generated by the chainlint tests. DO NOT EDIT.\n\n"), data...)
		if err := os.WriteFile(target, data, 0o644); err != nil {
			t.Fatal(err)
		}
		runCmd(t, dir, bin, "-fix", "./...")
		after, err := os.ReadFile(target)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(after, data) {
			t.Errorf("-fix rewrote the generated file %s", target)
		}
	})
}

// TestGoFixTool runs Go 1.26's go fix -fixtool=chainlint -diff and go vet
// -vettool=chainlint -fix: the go command drives chainlint through the
// unitchecker protocol.
func TestGoFixTool(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end; skipped with -short")
	}
	bin := chainlintBin(t)
	dir, target := anyFixture(t, bin)
	before := snapshot(t, dir)
	r := runCmd(t, dir, "go", "fix", "-fixtool="+bin, "-diff", "./...")
	if r.code == 0 || !strings.Contains(r.stdout, "+++ ") || !strings.Contains(r.stdout, filepath.Base(target)) {
		t.Errorf("go fix -fixtool -diff: exit %d, want a diff of %s:\n%s%s", r.code, filepath.Base(target), r.stdout, r.stderr)
	}
	sameTree(t, before, snapshot(t, dir))

	// go vet -fix applies the same fixes: nothing is left to report.
	if r := runCmd(t, dir, "go", "vet", "-vettool="+bin, "-fix", "./..."); r.code != 0 {
		t.Errorf("go vet -vettool -fix: exit %d:\n%s", r.code, r.stderr)
	}
	if maps_equal(before, snapshot(t, dir)) {
		t.Errorf("go vet -vettool -fix changed no file")
	}
	if r := runCmd(t, dir, bin, "./..."); r.code != exitOK {
		t.Errorf("chainlint after go vet -fix: exit %d:\n%s", r.code, r.stderr)
	}
}

// BenchmarkStd runs chainlint over the whole standard library, tests
// included: no panic, no error; findings there are not failures (exit 3
// is accepted, and they are logged). It is a benchmark, not a test, so
// that go test ./... stays quick: CI runs it once (.ci/run:
// go test -run '^$' -bench '^BenchmarkStd$' -benchtime=1x ./cmd/chainlint).
// Each run passes one more lock pair, of functions that do not exist, so
// that go vet's result cache cannot answer and every package is analyzed.
func BenchmarkStd(b *testing.B) {
	bin := chainlintBin(b)
	dir := b.TempDir()
	pairs := analyzerNamed("chains").Flags.Lookup("lock-pairs").DefValue
	for i := 0; b.Loop(); i++ {
		nonce := fmt.Sprintf("-chains.lock-pairs=%s,C.StdNonce%d_%d:C.StdNonceRelease", pairs, time.Now().UnixNano(), i)
		r := runCmd(b, dir, bin, nonce, "std")
		if r.code != exitOK && r.code != exitFindings || strings.Contains(r.stderr, "panic") {
			b.Fatalf("chainlint std: exit %d:\n%s", r.code, r.stderr)
		}
		if r.code == exitFindings {
			b.Logf("findings in std (not failures, but worth a look for false positives):\n%s", r.stderr)
		}
	}
}
