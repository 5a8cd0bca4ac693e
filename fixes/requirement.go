package fixes

// What a fix that adds the runtime's import asks of go.mod. Standalone
// chainlint -fix adds the requirement itself (cmd/chainlint); go vet -fix,
// go fix -fixtool and golangci-lint --fix cannot edit go.mod, so the
// diagnostic names the command that does.

import (
	"go/ast"
	"go/types"
	"go/version"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
	"golang.org/x/tools/go/analysis"
)

const (
	// ToolModule is chainlint's module; the runtime is a nested module of
	// the same repository, tagged chain_runtime/vX.Y.Z with each release
	// vX.Y.Z of chainlint.
	ToolModule = "github.com/chainlint/chainlint"
	// RuntimeGo is the runtime module's go line: the oldest Go with
	// range-over-func.
	RuntimeGo = "1.23"
	// ZeroVersion is the version the go command writes for a requirement
	// that only a replace directive satisfies.
	ZeroVersion = "v0.0.0-00010101000000-000000000000"
)

// RuntimeVersion returns the version of the runtime module that matches
// this build of chainlint: the version of chainlint's module in the build
// information (as the main module of the chainlint command, or as a
// dependency of a binary that links the analyzers, such as a custom
// golangci-lint). It returns "" for a development build: a build from a
// work tree ("(devel)", or a version with +dirty), or with chainlint's
// module replaced by a directory.
func RuntimeVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	return runtimeVersion(bi)
}

func runtimeVersion(bi *debug.BuildInfo) string {
	m := &bi.Main
	if m.Path != ToolModule {
		m = nil
		for _, dep := range bi.Deps {
			if dep.Path == ToolModule {
				m = dep
				break
			}
		}
	}
	if m == nil {
		return ""
	}
	if m.Replace != nil {
		if m.Replace.Path != ToolModule || m.Replace.Version == "" {
			return "" // a directory or a fork: no published runtime matches
		}
		m = m.Replace
	}
	if !semver.IsValid(m.Version) || semver.Build(m.Version) != "" {
		return "" // "(devel)", "", or +dirty
	}
	return m.Version
}

// DevelopmentRuntimeDir returns the chain_runtime directory of the work
// tree this development build was built from, if it still exists (and
// the build kept file names, that is, without -trimpath), else "".
func DevelopmentRuntimeDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	dir := filepath.Join(filepath.Dir(filepath.Dir(file)), "chain_runtime")
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || modfile.ModulePath(data) != RuntimePath {
		return ""
	}
	return dir
}

// RequireCommand returns the one command that makes a module require the
// runtime: go get of the matching version for a released chainlint; for a
// development build, go mod edit with a replace to the runtime's directory
// (the work tree's, when known, else a placeholder to fill in).
func RequireCommand() string {
	if v := RuntimeVersion(); v != "" {
		return "go get " + RuntimePath + "@" + v
	}
	dir := DevelopmentRuntimeDir()
	if dir == "" {
		dir = "PATH/TO/chain_runtime"
	}
	return "go mod edit -require=" + RuntimePath + "@" + ZeroVersion + " -replace=" + RuntimePath + "=" + filepath.ToSlash(dir)
}

// RequirementNote returns what the message of a diagnostic whose fix adds
// an import of the runtime to file says about go.mod: the command to run
// when the go.mod of the pass's module does not require the runtime. It
// returns "" when it does, when the package or one of its dependencies
// imports the runtime already (its module then requires it, directly or
// indirectly), and outside a module (GOPATH mode, Bazel).
func RequirementNote(pass *analysis.Pass, file *ast.File) string {
	if pass.Module == nil || pass.Module.Path == "" || importsRuntime(pass.Pkg, make(map[*types.Package]bool)) {
		return ""
	}
	var data []byte
	if pass.Module.GoMod != "" {
		data, _ = os.ReadFile(pass.Module.GoMod)
	} else if tf := pass.Fset.File(file.FileStart); tf != nil {
		// (go vet before Go 1.27 does not tell the analyzers where
		// go.mod is: the nearest one above the file is the module's.)
		data = findGoMod(filepath.Dir(tf.Name()))
	}
	if data == nil {
		return ""
	}
	f, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil || f.Module != nil && f.Module.Mod.Path == RuntimePath {
		return ""
	}
	for _, r := range f.Require {
		if r.Mod.Path == RuntimePath {
			return ""
		}
	}
	return "; the fix imports " + RuntimePath + ", which go.mod does not require: run `" + RequireCommand() + "` (chainlint -fix adds the requirement itself)"
}

// findGoMod returns the content of the go.mod file in dir or the nearest
// directory above it, or nil.
func findGoMod(dir string) []byte {
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			return data
		}
		parent := filepath.Dir(dir)
		if parent == dir || !filepath.IsAbs(dir) {
			return nil
		}
		dir = parent
	}
}

func importsRuntime(pkg *types.Package, seen map[*types.Package]bool) bool {
	if pkg == nil || seen[pkg] {
		return false
	}
	seen[pkg] = true
	if pkg.Path() == RuntimePath || strings.HasPrefix(pkg.Path(), RuntimePath+"/") {
		return true
	}
	for _, imp := range pkg.Imports() {
		if importsRuntime(imp, seen) {
			return true
		}
	}
	return false
}

// GoLineNote returns why a fix that ranges over a func is not offered in a
// file whose Go version is fileVersion ("go1.18"), with the exact step
// that makes it possible. mod is the file's module (nil when unknown):
// when its go line is new enough, a //go:build line of the file holds the
// file back.
func GoLineNote(fileVersion string, mod *analysis.Module) string {
	return goLineNote(fileVersion, mod, RuntimeVersion())
}

func goLineNote(fileVersion string, mod *analysis.Module, runtimeVersion string) string {
	moduleVersion := ""
	if mod != nil {
		moduleVersion = mod.GoVersion // "1.18" or "go1.18"
	}
	why := "the file's Go version is " + fileVersion + " and the fix ranges over a func, which needs go" + RuntimeGo
	if moduleVersion != "" && !strings.HasPrefix(moduleVersion, "go") {
		moduleVersion = "go" + moduleVersion
	}
	switch {
	case moduleVersion == "" || !version.IsValid(moduleVersion):
		return why
	case version.Compare(moduleVersion, "go"+RuntimeGo) < 0:
		// go get go@1.23.0, not go@1.23: the latter asks the network
		// which 1.23.x is the latest. (A development build knows no
		// runtime version: the next run's RequirementNote names the
		// command that requires it.)
		step := "go get go@" + RuntimeGo + ".0"
		if v := runtimeVersion; v != "" {
			// One go get raises the go line and requires the runtime,
			// for go vet -fix as for chainlint -fix.
			step += " " + RuntimePath + "@" + v
		}
		return why + ": run `" + step + "` in the module (it raises the go line), then chainlint -fix again"
	}
	return why + " (the module's go line is " + strings.TrimPrefix(moduleVersion, "go") + ": the file's //go:build line sets it back)"
}
