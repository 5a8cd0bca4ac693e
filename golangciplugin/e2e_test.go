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
	root, _, err := run(t, ".", nil, "go", "list", "-m", "-f", "{{.Dir}}")
	if err != nil {
		t.Fatalf("finding the module root: %v", err)
	}
	root = strings.TrimSpace(root)
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
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
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

const fixtureMod = "module example.com/fixture\n\ngo 1.23\n"

// The fixture. Until the analyzers report defects, the diagnostics seen are
// those of the suppression directives, which every analyzer reports.
const fixtureSrc = `package fixture

func unused() {
	//chainlint:ignore skipafter nothing here to suppress
	_ = 0
}

//nolint:skipafter // the directive below is kept on purpose
func kept() {
	//chainlint:ignore skipafter suppressed by the nolint above
	_ = 0
}
`

func find(issues []issue, linter, text string, line int) bool {
	for _, is := range issues {
		if is.FromLinter == linter && strings.Contains(is.Text, text) && is.Pos.Line == line {
			return true
		}
	}
	return false
}

func TestGolangciLint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a custom golangci-lint from the module proxy (about 90 s cold)")
	}
	bin := buildGolangci(t)
	const unusedMsg = "this //chainlint:ignore directive for skipafter suppresses nothing"

	t.Run("per-analyzer linter and nolint", func(t *testing.T) {
		issues, stderr, _ := lint(t, bin, map[string]string{
			"go.mod":        fixtureMod,
			"a.go":          fixtureSrc,
			".golangci.yml": config("skipafter", ""),
		})
		if !find(issues, "skipafter", unusedMsg, 4) {
			t.Errorf("no skipafter issue on line 4; issues: %+v\nstderr:\n%s", issues, stderr)
		}
		if find(issues, "skipafter", unusedMsg, 10) {
			t.Errorf("//nolint:skipafter did not suppress the issue on line 10: %+v", issues)
		}
	})

	t.Run("combined linter", func(t *testing.T) {
		issues, stderr, _ := lint(t, bin, map[string]string{
			"go.mod":        fixtureMod,
			"a.go":          fixtureSrc,
			".golangci.yml": config("chainlint", "          skipafter:\n            errors: true\n"),
		})
		if !find(issues, "chainlint", "skipafter: "+unusedMsg, 4) {
			t.Errorf("no chainlint issue naming skipafter on line 4; issues: %+v\nstderr:\n%s", issues, stderr)
		}
	})

	t.Run("unknown setting", func(t *testing.T) {
		_, stderr, _ := lint(t, bin, map[string]string{
			"go.mod":        fixtureMod,
			"a.go":          fixtureSrc,
			".golangci.yml": config("chainlint", "          request-type: example.com/web.Req\n"),
		})
		if !strings.Contains(stderr, `chainlint: unknown setting "request-type"; known settings: `) {
			t.Errorf("stderr does not reject the unknown setting:\n%s", stderr)
		}
	})
}
