package fixes

import (
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
)

func TestRuntimeVersion(t *testing.T) {
	mod := func(path, version string) debug.Module { return debug.Module{Path: path, Version: version} }
	for _, tc := range []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"released chainlint", debug.BuildInfo{Main: mod(ToolModule, "v0.3.1")}, "v0.3.1"},
		{"pseudo-version", debug.BuildInfo{Main: mod(ToolModule, "v0.0.0-20260101120000-0123456789ab")}, "v0.0.0-20260101120000-0123456789ab"},
		{"work tree", debug.BuildInfo{Main: mod(ToolModule, "(devel)")}, ""},
		{"modified work tree", debug.BuildInfo{Main: mod(ToolModule, "v0.3.1+dirty")}, ""},
		{"no version", debug.BuildInfo{Main: mod(ToolModule, "")}, ""},
		{"dependency of a custom golangci-lint", debug.BuildInfo{
			Main: mod("github.com/golangci/golangci-lint/v2", "(devel)"),
			Deps: []*debug.Module{{Path: "golang.org/x/tools", Version: "v0.52.0"}, {Path: ToolModule, Version: "v0.4.0"}},
		}, "v0.4.0"},
		{"dependency replaced by a directory", debug.BuildInfo{
			Main: mod("example.com/custom-gcl", "(devel)"),
			Deps: []*debug.Module{{Path: ToolModule, Version: "v0.4.0", Replace: &debug.Module{Path: "../chainlint"}}},
		}, ""},
		{"dependency replaced by another version", debug.BuildInfo{
			Main: mod("example.com/custom-gcl", "(devel)"),
			Deps: []*debug.Module{{Path: ToolModule, Version: "v0.4.0", Replace: &debug.Module{Path: ToolModule, Version: "v0.4.2"}}},
		}, "v0.4.2"},
		{"no chainlint at all", debug.BuildInfo{Main: mod("example.com/other", "v1.0.0")}, ""},
	} {
		if got := runtimeVersion(&tc.bi); got != tc.want {
			t.Errorf("%s: runtimeVersion = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// A test binary is a development build: the command it names is go mod
// edit with a replace to this work tree's runtime, and it runs.
func TestRequireCommandDevelopment(t *testing.T) {
	if RuntimeVersion() != "" {
		t.Skip("built as a release")
	}
	dir := DevelopmentRuntimeDir()
	if dir == "" {
		t.Fatal("DevelopmentRuntimeDir: the work tree's chain_runtime not found")
	}
	cmd := RequireCommand()
	want := "go mod edit -require=" + RuntimePath + "@" + ZeroVersion + " -replace=" + RuntimePath + "="
	if !strings.HasPrefix(cmd, want) || !strings.HasSuffix(cmd, "chain_runtime") {
		t.Fatalf("RequireCommand() = %q, want %q + the runtime's directory", cmd, want)
	}
	tmp := t.TempDir()
	if err := writeFile(tmp+"/go.mod", "module example.com/m\n\ngo 1.23\n"); err != nil {
		t.Fatal(err)
	}
	args := strings.Fields(cmd)
	c := exec.Command(args[0], args[1:]...)
	c.Dir = tmp
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	if err := writeFile(tmp+"/m.go", "package m\n\nimport _ \""+RuntimePath+"\"\n"); err != nil {
		t.Fatal(err)
	}
	c = exec.Command("go", "build", "./...")
	c.Dir = tmp
	c.Env = append(c.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=-mod=mod")
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("go build after %s: %v\n%s", cmd, err, out)
	}
}

func TestRequirementNote(t *testing.T) {
	rt := types.NewPackage(RuntimePath, RuntimeName)
	mid := types.NewPackage("example.com/mid", "mid")
	mid.SetImports([]*types.Package{rt})
	viaDep := types.NewPackage("example.com/user", "user")
	viaDep.SetImports([]*types.Package{mid})
	plain := types.NewPackage("example.com/plain", "plain")
	plain.SetImports([]*types.Package{types.NewPackage("sync", "sync")})

	// note returns RequirementNote for a file of pkg in a module with
	// this go.mod ("" for none).
	note := func(pkg *types.Package, gomod string) string {
		dir := t.TempDir()
		if gomod != "" {
			if err := writeFile(filepath.Join(dir, "go.mod"), gomod); err != nil {
				t.Fatal(err)
			}
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, filepath.Join(dir, "sub", "a.go"), "package plain\n", 0)
		if err != nil {
			t.Fatal(err)
		}
		return RequirementNote(&analysis.Pass{Fset: fset, Pkg: pkg, Module: &analysis.Module{Path: "example.com/plain"}}, f)
	}
	const bare = "module example.com/plain\n\ngo 1.23\n"
	if n := note(plain, bare); !strings.Contains(n, "`"+RequireCommand()+"`") || !strings.Contains(n, "chainlint -fix adds the requirement") {
		t.Errorf("a module without the requirement: note %q, want the command %q", n, RequireCommand())
	}
	// The module's go.mod, as the go/packages drivers name it.
	dir := t.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	if err := writeFile(gomod, bare); err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, "/elsewhere/a.go", "package plain\n", 0)
	if n := RequirementNote(&analysis.Pass{Fset: fset, Pkg: plain, Module: &analysis.Module{Path: "example.com/plain", GoMod: gomod}}, f); n == "" {
		t.Errorf("Module.GoMod without the requirement: no note")
	}
	// GOPATH mode, and golangci-lint's empty Module outside a module.
	for _, mod := range []*analysis.Module{nil, {}} {
		if n := RequirementNote(&analysis.Pass{Fset: fset, Pkg: plain, Module: mod}, f); n != "" {
			t.Errorf("Module %+v (no module): note %q, want none", mod, n)
		}
	}

	for _, tc := range []struct {
		name  string
		pkg   *types.Package
		gomod string
	}{
		{"required", plain, bare + "\nrequire " + RuntimePath + " v0.3.0\n"},
		{"required in a block, indirect", plain, bare + "\nrequire (\n\texample.com/x v1.0.0\n\t" + RuntimePath + " v0.3.0 // indirect\n)\n"},
		{"imported through a dependency", viaDep, bare},
		{"no go.mod (GOPATH, Bazel)", plain, ""},
	} {
		if n := note(tc.pkg, tc.gomod); n != "" {
			t.Errorf("%s: note %q, want none", tc.name, n)
		}
	}
}

func TestGoLineNote(t *testing.T) {
	for _, tc := range []struct {
		file string
		mod  *analysis.Module
		want string // the note's tail
	}{
		{"go1.18", &analysis.Module{GoVersion: "1.18"}, ": run `go get go@1.23.0` in the module (it raises the go line), then chainlint -fix again"},
		{"go1.22", &analysis.Module{GoVersion: "go1.22.5"}, ": run `go get go@1.23.0` in the module (it raises the go line), then chainlint -fix again"},
		{"go1.22", &analysis.Module{GoVersion: "1.24"}, " (the module's go line is 1.24: the file's //go:build line sets it back)"},
		{"go1.22", nil, ", which needs go1.23"},
	} {
		got := GoLineNote(tc.file, tc.mod)
		if !strings.HasPrefix(got, "the file's Go version is "+tc.file+" and the fix ranges over a func, which needs go1.23") || !strings.HasSuffix(got, tc.want) {
			t.Errorf("GoLineNote(%q, %+v) = %q, want it to end in %q", tc.file, tc.mod, got, tc.want)
		}
	}
}

func writeFile(name, content string) error { return os.WriteFile(name, []byte(content), 0o644) }

func TestGoLineNoteOfARelease(t *testing.T) {
	got := goLineNote("go1.18", &analysis.Module{GoVersion: "1.18"}, "v0.3.1")
	want := ": run `go get go@1.23.0 " + RuntimePath + "@v0.3.1` in the module (it raises the go line), then chainlint -fix again"
	if !strings.HasSuffix(got, want) {
		t.Errorf("goLineNote for a release = %q, want it to end in %q", got, want)
	}
}
