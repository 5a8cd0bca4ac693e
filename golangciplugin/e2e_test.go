package golangciplugin_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The end-to-end test builds a custom golangci-lint from the module proxy,
// as a user would without `golangci-lint custom` (which needs a git clone),
// and runs it on fixture modules.

const golangciVersion = "v2.15.0"

const customMain = `// Command golangci-lint is golangci-lint with chainlint's plugin linked in.
package main

import (
	"fmt"
	"os"

	"github.com/golangci/golangci-lint/v2/pkg/commands"
	"github.com/golangci/golangci-lint/v2/pkg/exitcodes"
)

func main() {
	info := commands.BuildInfo{Version: "custom", Commit: "?", Date: "(unknown)", GoVersion: "go"}
	if err := commands.Execute(info); err != nil {
		fmt.Fprintf(os.Stderr, "The command is terminated due to an error: %v\n", err)
		os.Exit(exitcodes.Failure)
	}
}
`

const customPlugins = `package main

import _ "github.com/chainlint/chainlint/golangciplugin"
`

// run runs name with args in dir and returns its stdout, stderr and error.
func run(t *testing.T, dir string, env []string, name string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// buildGolangci builds golangci-lint with the plugin and returns its path.
func buildGolangci(t *testing.T) string {
	t.Helper()
	root := moduleRoot(t)
	dir := t.TempDir()
	gomod := "module example.com/customgcl\n\ngo 1.26.0\n\n" +
		"require (\n\tgithub.com/golangci/golangci-lint/v2 " + golangciVersion + "\n\tgithub.com/chainlint/chainlint v0.0.0\n)\n\n" +
		"replace github.com/chainlint/chainlint => " + root + "\n"
	for name, content := range map[string]string{
		"go.mod":     gomod,
		"main.go":    customMain,
		"plugins.go": customPlugins,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"GOWORK=off", "GOFLAGS=-mod=mod"}
	if _, stderr, err := run(t, dir, env, "go", "mod", "tidy"); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, stderr)
	}
	bin := filepath.Join(dir, "golangci-lint")
	if _, stderr, err := run(t, dir, env, "go", "build", "-o", bin, "."); err != nil {
		t.Fatalf("go build: %v\n%s", err, stderr)
	}
	return bin
}

type issue struct {
	FromLinter string
	Text       string
	Pos        struct {
		Filename string
		Line     int
	}
}

// lint writes files (the fixture module, with .golangci.yml) to a new
// directory, runs golangci-lint there with args, and returns the issues
// it reports, its stderr, and the directory.
func lint(t *testing.T, bin string, files map[string]string, args ...string) ([]issue, string, string) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args = append([]string{"run", "--output.json.path=stdout", "--show-stats=false"}, args...)
	args = append(args, "./...")
	env := []string{"GOWORK=off", "GOFLAGS=-mod=mod", "GOLANGCI_LINT_CACHE=" + t.TempDir()}
	stdout, stderr, err := run(t, dir, env, bin, args...)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("golangci-lint: %v", err)
	}
	var out struct{ Issues []issue }
	if stdout != "" {
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("golangci-lint output: %v\n%s\nstderr:\n%s", err, stdout, stderr)
		}
	}
	return out.Issues, stderr, dir
}

// config returns a .golangci.yml enabling the plugin's linter name, with
// settings (YAML lines indented under "settings:") if any.
func config(name, settings string) string {
	c := `version: "2"
linters:
  default: none
  enable:
    - ` + name + `
  settings:
    custom:
      ` + name + `:
        type: module
        description: chainlint's analyzers
`
	if settings != "" {
		c += "        settings:\n" + settings
	}
	return c
}

// fixtureFiles returns the fixture module: a chain runner that locks per
// middleware (chainlock), the same under //nolint:chainlock, one locking
// through a pair of functions that only a setting makes a lock, and
// suppression directives. The module requires the runtime (by replace), so
// that it still builds once fixed.
func fixtureFiles(t *testing.T, cfg string) map[string]string {
	root := moduleRoot(t)
	return map[string]string{
		".golangci.yml": cfg,
		"go.mod": "module example.com/fixture\n\ngo 1.23\n\n" +
			"require github.com/chainlint/chainlint/chain_runtime v0.0.0\n\n" +
			"replace github.com/chainlint/chainlint/chain_runtime => " + filepath.Join(root, "chain_runtime") + "\n",
		"chain.go":           chainSrc,
		"directives.go":      directivesSrc,
		"gateway/gateway.go": gatewaySrc,
	}
}

const chainSrc = `package fixture

import "sync"

type Request struct{ Path string }

type Server struct {
	mu     sync.Mutex
	before []func(*Request) *Request
	after  []func(*Request) *Request
}

// Run takes the lock once per middleware.
func (s *Server) Run(req *Request) *Request {
	for _, m := range s.before {
		s.mu.Lock() // marker:run
		req = m(req)
		s.mu.Unlock()
	}
	return req
}

// RunAfter too: its fix and Run's must merge (one import).
func (s *Server) RunAfter(req *Request) *Request {
	for _, m := range s.after {
		s.mu.Lock() // marker:run2
		req = m(req)
		s.mu.Unlock()
	}
	return req
}

// RunFair does too, on purpose.
//
//nolint:chainlock // the hand-off between middlewares is wanted here
func (s *Server) RunFair(req *Request) *Request {
	for _, m := range s.before {
		s.mu.Lock() // marker:fair
		req = m(req)
		s.mu.Unlock()
	}
	return req
}

// Ensure and Release are a lock only when configured as a lock pair.
func Ensure()  {}
func Release() {}

func (s *Server) RunGIL(req *Request) *Request {
	for _, m := range s.before {
		Ensure() // marker:gil
		req = m(req)
		Release()
	}
	return req
}
`

const directivesSrc = `package fixture

func unused() {
	//chainlint:ignore skipafter nothing here to suppress // marker:unused
	_ = 0
}

//nolint:skipafter // the directive below is kept on purpose
func kept() {
	//chainlint:ignore skipafter suppressed by the nolint above // marker:kept
	_ = 0
}
`

const gatewaySrc = `package gateway

type Request struct{ Path string }

type Response struct{ Status int }

type Server struct {
	before  []func(*Request) (*Request, *Response)
	after   []func(*Request, *Response) *Response
	handler func(*Request) *Response
}

func (s *Server) runBefore(req *Request) (*Request, *Response) {
	for _, m := range s.before {
		var resp *Response
		req, resp = m(req)
		if resp != nil {
			return req, resp
		}
	}
	return req, nil
}

func (s *Server) runAfter(req *Request, resp *Response) *Response {
	for _, m := range s.after {
		resp = m(req, resp)
	}
	return resp
}

// ServeNil drops the request.
func (s *Server) ServeNil(req *Request) *Response {
	req2, resp := s.runBefore(req)
	if resp == nil {
		resp = s.handler(req2)
	}
	return s.runAfter(nil, resp) // marker:nil
}

type Gate struct {
	before  []func(*Request) *Response
	after   []func(*Request, *Response) *Response
	handler func(*Request) *Response
}

func (g *Gate) runBefore(req *Request) *Response {
	for _, m := range g.before {
		if r := m(req); r != nil {
			return r
		}
	}
	return nil
}

func (g *Gate) runAfter(req *Request, resp *Response) *Response {
	for _, m := range g.after {
		resp = m(req, resp)
	}
	return resp
}

// Serve skips the after-chain on a short-circuit.
func (g *Gate) Serve(req *Request) *Response {
	if resp := g.runBefore(req); resp != nil {
		return resp // marker:skip
	}
	resp := g.handler(req)
	return g.runAfter(req, resp)
}
`

// at returns the file and line of "// marker:name" in the fixture.
func at(name string) (string, int) {
	for file, src := range map[string]string{"chain.go": chainSrc, "directives.go": directivesSrc, "gateway.go": gatewaySrc} {
		for i, line := range strings.Split(src, "\n") {
			if strings.Contains(line, "marker:"+name) {
				return file, i + 1
			}
		}
	}
	panic("no marker " + name)
}

// has reports whether issues hold one from linter at marker whose text
// contains text.
func has(issues []issue, linter, marker, text string) bool {
	file, line := at(marker)
	for _, is := range issues {
		if is.FromLinter == linter && strings.Contains(is.Text, text) &&
			filepath.Base(is.Pos.Filename) == file && is.Pos.Line == line {
			return true
		}
	}
	return false
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	root, _, err := run(t, ".", nil, "go", "list", "-m", "-f", "{{.Dir}}")
	if err != nil {
		t.Fatalf("finding the module root: %v", err)
	}
	return strings.TrimSpace(root)
}

func TestGolangciLint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a custom golangci-lint from the module proxy (about 90 s cold)")
	}
	bin := buildGolangci(t)
	const (
		lockMsg   = "lock s.mu is acquired once per middleware of s.before"
		unusedMsg = "this //chainlint:ignore directive for skipafter suppresses nothing"
	)
	perAnalyzer := `version: "2"
linters:
  default: none
  enable: [chainlock, droprequest, skipafter]
  settings:
    custom:
      chainlock:
        type: module
      droprequest:
        type: module
      skipafter:
        type: module
`

	t.Run("per-analyzer linters and nolint", func(t *testing.T) {
		issues, stderr, _ := lint(t, bin, fixtureFiles(t, perAnalyzer))
		for _, is := range issues {
			t.Logf("%s:%d: %s: %s", is.Pos.Filename, is.Pos.Line, is.FromLinter, is.Text)
			if strings.Contains(is.Text, "(related information)") {
				t.Errorf("a related position became an issue of its own: %+v", is)
			}
		}
		if !has(issues, "chainlock", "run", lockMsg) || !has(issues, "chainlock", "run2", "lock s.mu is acquired once per middleware of s.after") {
			t.Errorf("no chainlock issue at Run or RunAfter; issues: %+v\nstderr:\n%s", issues, stderr)
		}
		if has(issues, "chainlock", "fair", "") {
			t.Errorf("//nolint:chainlock did not suppress the issue in RunFair: %+v", issues)
		}
		if has(issues, "chainlock", "gil", "") {
			t.Errorf("Ensure/Release reported without the lock-pairs setting: %+v", issues)
		}
		if !has(issues, "skipafter", "unused", unusedMsg) {
			t.Errorf("no skipafter issue for the unused directive; issues: %+v", issues)
		}
		if has(issues, "skipafter", "kept", "") {
			t.Errorf("//nolint:skipafter did not suppress the issue in kept: %+v", issues)
		}
		if !has(issues, "droprequest", "nil", "s.runAfter gets nil instead of the request; pass req2") {
			t.Errorf("no droprequest issue at ServeNil; issues: %+v", issues)
		}
		if !has(issues, "skipafter", "skip", "short-circuit response from g.runBefore is returned here without running the after-chain g.runAfter") {
			t.Errorf("no skipafter issue at Gate.Serve; issues: %+v", issues)
		}
	})

	t.Run("combined linter with settings", func(t *testing.T) {
		issues, stderr, _ := lint(t, bin, fixtureFiles(t, config("chainlint",
			"          lock-pairs: [\"example.com/fixture.Ensure:example.com/fixture.Release\"]\n"+
				"          skipafter:\n            errors: true\n")))
		if !has(issues, "chainlint", "run", "chainlock: "+lockMsg) {
			t.Errorf("no chainlint issue naming chainlock at Run; issues: %+v\nstderr:\n%s", issues, stderr)
		}
		if !has(issues, "chainlint", "gil", "chainlock: lock fixture.Ensure/fixture.Release is acquired once per middleware of s.before") {
			t.Errorf("the lock-pairs setting did not make Ensure/Release a lock; issues: %+v", issues)
		}
		if !has(issues, "chainlint", "unused", "skipafter: "+unusedMsg) {
			t.Errorf("no chainlint issue naming skipafter for the unused directive; issues: %+v", issues)
		}
	})

	t.Run("fix", func(t *testing.T) {
		files := fixtureFiles(t, perAnalyzer)
		_, stderr, dir := lint(t, bin, files, "--fix")
		got, err := os.ReadFile(filepath.Join(dir, "chain.go"))
		if err != nil {
			t.Fatal(err)
		}
		fixed := string(got)
		if !strings.Contains(fixed, "range chainruntime.Batched(&hold, s.before, nil) {") ||
			!strings.Contains(fixed, "range chainruntime.Batched(&hold, s.after, nil) {") ||
			strings.Count(fixed, "hold := chainruntime.NewHold(&s.mu)") != 2 ||
			strings.Count(fixed, `chainruntime "github.com/chainlint/chainlint/chain_runtime"`) != 1 {
			t.Fatalf("--fix did not batch Run and RunAfter with one import:\n%s\nstderr:\n%s", fixed, stderr)
		}
		if strings.Count(fixed, "s.mu.Lock()") != 1 || !strings.Contains(fixed, "s.mu.Lock() // marker:fair") {
			t.Errorf("--fix changed more than Run (RunFair is //nolint'd):\n%s", fixed)
		}
		env := []string{"GOWORK=off", "GOFLAGS=-mod=mod"}
		if _, stderr, err := run(t, dir, env, "go", "build", "./..."); err != nil {
			t.Fatalf("the fixed fixture does not build: %v\n%s\n%s", err, stderr, fixed)
		}
		gw, err := os.ReadFile(filepath.Join(dir, "gateway", "gateway.go"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(gw), "return s.runAfter(req2, resp) // marker:nil") {
			t.Errorf("--fix did not pass req2 to s.runAfter:\n%s", gw)
		}
		if strings.Contains(string(gw), "return resp // marker:skip") {
			t.Errorf("--fix left the short-circuit return in Gate.Serve:\n%s", gw)
		}
		// Linting the fixed code again finds nothing more to fix.
		files["chain.go"] = fixed
		files["gateway/gateway.go"] = string(gw)
		issues, _, _ := lint(t, bin, files)
		for _, is := range issues {
			if is.FromLinter == "chainlock" || strings.Contains(is.Pos.Filename, "gateway") {
				t.Errorf("still reported after --fix: %+v", is)
			}
		}
	})

	t.Run("fixes compose", func(t *testing.T) {
		// testdata/e2e/compose holds the three defects in one function
		// (twice): --fix applies the fixes of all three linters together.
		files := composeFixture(t)
		files[".golangci.yml"] = perAnalyzer
		before, stderr, dir := lint(t, bin, files, "--fix")
		got, err := os.ReadFile(filepath.Join(dir, "engine.go"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) == files["engine.go"] {
			t.Fatalf("--fix changed nothing in engine.go; issues: %+v\nstderr:\n%s", before, stderr)
		}
		env := []string{"GOWORK=off", "GOFLAGS=-mod=mod"}
		for _, c := range [][]string{
			{"go", "build", "./..."},
			{"go", "vet", "./..."},
			{"go", "test", "-count=1", "-tags", "chainlint_fixed", "./..."},
		} {
			if stdout, stderr, err := run(t, dir, env, c[0], c[1:]...); err != nil {
				t.Errorf("after --fix, %s: %v\n%s%s\nengine.go:\n%s", strings.Join(c, " "), err, stdout, stderr, got)
			}
		}
		files["engine.go"] = string(got)
		issues, _, _ := lint(t, bin, files)
		for _, is := range issues {
			t.Errorf("still reported after one --fix: %s:%d: %s: %s", is.Pos.Filename, is.Pos.Line, is.FromLinter, is.Text)
		}
	})

	t.Run("unknown setting", func(t *testing.T) {
		_, stderr, _ := lint(t, bin, fixtureFiles(t, config("chainlint", "          request-type: example.com/web.Req\n")))
		if !strings.Contains(stderr, `chainlint: unknown setting "request-type"; known settings: `) {
			t.Errorf("stderr does not reject the unknown setting:\n%s", stderr)
		}
	})
}

// composeFixture returns the files of the module testdata/e2e/compose,
// its runtime replace made absolute.
func composeFixture(t *testing.T) map[string]string {
	t.Helper()
	root := moduleRoot(t)
	src := filepath.Join(root, "testdata", "e2e", "compose")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(data)
	}
	files["go.mod"] = strings.Replace(files["go.mod"], "=> ../../../chain_runtime", "=> "+filepath.Join(root, "chain_runtime"), 1)
	if !strings.Contains(files["go.mod"], root) {
		t.Fatalf("testdata/e2e/compose/go.mod has no replace of the runtime to ../../../chain_runtime:\n%s", files["go.mod"])
	}
	return files
}
