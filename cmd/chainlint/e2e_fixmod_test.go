package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chainlint/chainlint/fixes"
)

// TestFixModuleEndToEnd runs the binary on testdata/e2e/requirement, a
// module that does not require the runtime and whose findings need two
// rounds of fixes: one -fix -runtime=DIR run fixes them all and adds the
// requirement, and the module then builds, vets and passes its tests
// offline.
func TestFixModuleEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end; skipped with -short")
	}
	bin := chainlintBin(t)
	src := fixtureDir(t, "requirement")
	rt := runtimeDir(t)
	offline := func(t *testing.T, dir string, name string, args ...string) cmdResult {
		t.Helper()
		t.Setenv("GOPROXY", "off")
		return runCmd(t, dir, name, args...)
	}

	t.Run("go 1.23", func(t *testing.T) {
		dir := copyFixture(t, src)
		r := offline(t, dir, bin, "./...")
		for _, want := range []string{
			// skipafter has no fix until chainlock's is applied
			"no fix: the return is not the only statement of an if statement (skipafter)",
			// under go vet, the message names the command to run
			"the fix imports " + fixes.RuntimePath + ", which go.mod does not require: run `" + fixes.RequireCommand() + "`",
		} {
			if r.code != exitFindings || !strings.Contains(r.stderr, want) {
				t.Errorf("chainlint ./...: exit %d, want 3 and %q:\n%s", r.code, want, r.stderr)
			}
		}

		// A development build without -runtime changes nothing and says
		// what to run.
		before := snapshot(t, dir)
		r = offline(t, dir, bin, "-fix", "./...")
		if r.code != exitFindings || !strings.Contains(r.stderr, "-runtime="+fixes.DevelopmentRuntimeDir()+" -fix ./...`") {
			t.Errorf("-fix without -runtime: exit %d, want 3 and the command with -runtime:\n%s", r.code, r.stderr)
		}
		sameTree(t, before, snapshot(t, dir))

		// One run fixes everything (two rounds) and adds the requirement.
		r = offline(t, dir, bin, "-fix", "-runtime="+rt, "./...")
		if r.code != exitOK {
			t.Fatalf("-fix -runtime=DIR: exit %d, want 0:\n%s", r.code, r.stderr)
		}
		fixed := snapshot(t, dir)
		wantMod := "require " + fixes.RuntimePath + " " + fixes.ZeroVersion + "\n\nreplace " + fixes.RuntimePath + " => " + filepath.ToSlash(rt) + "\n"
		if !strings.HasSuffix(fixed["go.mod"], wantMod) {
			t.Errorf("go.mod after -fix:\n%s\nwant it to end in:\n%s", fixed["go.mod"], wantMod)
		}
		checkFixedModule(t, dir, bin, offline)
	})

	t.Run("version from a module proxy", func(t *testing.T) {
		dir := copyFixture(t, src)
		t.Setenv("GOPROXY", proxyFromDir(t, rt, fixes.RuntimePath, "v0.9.0"))
		t.Setenv("GOSUMDB", "off") // (the test's proxy is not in the checksum database)
		t.Setenv("GOMODCACHE", tempModCache(t))
		if r := runCmd(t, dir, bin, "-fix", "-runtime=v0.9.0", "./..."); r.code != exitOK {
			t.Fatalf("-fix -runtime=v0.9.0: exit %d, want 0:\n%s", r.code, r.stderr)
		}
		fixed := snapshot(t, dir)
		if !strings.HasSuffix(fixed["go.mod"], "\nrequire "+fixes.RuntimePath+" v0.9.0\n") || strings.Count(fixed["go.sum"], fixes.RuntimePath+" v0.9.0") != 2 {
			t.Errorf("after -fix -runtime=v0.9.0:\ngo.mod:\n%s\ngo.sum:\n%s", fixed["go.mod"], fixed["go.sum"])
		}
		if r := runCmd(t, dir, "go", "build", "-mod=readonly", "./..."); r.code != 0 {
			t.Errorf("go build -mod=readonly after -fix: exit %d:\n%s", r.code, r.stderr)
		}
		checkFixedModule(t, dir, bin, runCmd)
	})

	t.Run("go 1.22", func(t *testing.T) {
		dir := copyFixture(t, src)
		writeTree(t, dir, map[string]string{"go.mod": "module example.com/requirementfixture\n\ngo 1.22\n"})
		r := offline(t, dir, bin, "./...")
		m := regexp.MustCompile("no fix offered: the file's Go version is go1.22 and the fix ranges over a func, which needs go1.23: run `([^`]*)` in the module").FindStringSubmatch(r.stderr)
		if r.code != exitFindings || m == nil {
			t.Fatalf("chainlint ./... on a go 1.22 module: exit %d, want 3 and the step to take:\n%s", r.code, r.stderr)
		}
		// The step works offline, then -fix does the rest.
		args := strings.Fields(m[1])
		if r := offline(t, dir, args[0], args[1:]...); r.code != 0 {
			t.Fatalf("%s: exit %d:\n%s", m[1], r.code, r.stderr)
		}
		if r := offline(t, dir, bin, "-fix", "-runtime="+rt, "./..."); r.code != exitOK {
			t.Fatalf("-fix -runtime=DIR after %s: exit %d, want 0:\n%s", m[1], r.code, r.stderr)
		}
		checkFixedModule(t, dir, bin, offline)
	})
}

// checkFixedModule checks a fixed copy of a fixture: it builds, vets and
// passes its tests (with -tags chainlint_fixed), chainlint reports
// nothing, and -fix again changes nothing.
func checkFixedModule(t *testing.T, dir, bin string, run func(*testing.T, string, string, ...string) cmdResult) {
	t.Helper()
	fixed := snapshot(t, dir)
	for _, c := range [][]string{
		{"go", "build", "./..."},
		{"go", "vet", "./..."},
		{"go", "test", "-count=1", "-tags", "chainlint_fixed", "./..."},
	} {
		if r := run(t, dir, c[0], c[1:]...); r.code != 0 {
			t.Errorf("after -fix, %s: exit %d:\n%s%s", strings.Join(c, " "), r.code, r.stdout, r.stderr)
		}
	}
	if r := run(t, dir, bin, "./..."); r.code != exitOK || r.stderr != "" {
		t.Errorf("chainlint ./... after -fix: exit %d, want 0 and no output:\n%s", r.code, r.stderr)
	}
	if r := run(t, dir, bin, "-fix", "./..."); r.code != exitOK {
		t.Errorf("second -fix: exit %d:\n%s", r.code, r.stderr)
	}
	sameTree(t, fixed, snapshot(t, dir))
}
