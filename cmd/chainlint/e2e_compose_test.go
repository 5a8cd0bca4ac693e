package main

import (
	"regexp"
	"strings"
	"testing"
)

// The command appliers of fixes: each applies the fixes of every analyzer
// at once, so their edits must compose. (golangci-lint --fix, the fourth
// applier, is tested on the same fixture in golangciplugin/e2e_test.go.)
var appliers = []struct {
	name string
	args func(bin string) []string
}{
	{"chainlint -fix", func(bin string) []string { return []string{bin, "-fix", "./..."} }},
	{"go fix -fixtool", func(bin string) []string { return []string{"go", "fix", "-fixtool=" + bin, "./..."} }},
	{"go vet -vettool -fix", func(bin string) []string { return []string{"go", "vet", "-vettool=" + bin, "-fix", "./..."} }},
}

// TestAppliersCompose applies the fixes of all three analyzers to
// testdata/e2e/compose, whose Engine.Serve and Engine.ServeErr each hold
// the three defects, through each command applier: one run applies every
// fix (none is skipped for a conflict), and the result builds, vets, passes
// the fixture's post-fix tests and has no finding left. The three appliers
// write the same files.
func TestAppliersCompose(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end; skipped with -short")
	}
	bin := chainlintBin(t)
	src := fixtureDir(t, "compose")

	// The unfixed fixture: all three analyzers report, and its tests pin
	// the defects.
	dir := copyFixture(t, src)
	r := runCmd(t, dir, bin, "./...")
	for _, a := range []string{"chainlock", "droprequest", "skipafter"} {
		if !regexp.MustCompile(`engine\.go:\d+:\d+: .* \(` + a + `\)`).MatchString(r.stderr) {
			t.Errorf("chainlint ./... on the compose fixture: no finding of %s (exit %d):\n%s", a, r.code, r.stderr)
		}
	}
	if r := runCmd(t, dir, "go", "test", "-count=1", "./..."); r.code != 0 {
		t.Errorf("the unfixed fixture's tests fail: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}

	fixed := map[string]map[string]string{}
	for _, ap := range appliers {
		t.Run(ap.name, func(t *testing.T) {
			dir := copyFixture(t, src)
			before := snapshot(t, dir)
			args := ap.args(bin)
			r := runCmd(t, dir, args[0], args[1:]...)
			if r.code != 0 {
				t.Errorf("%s: exit %d, want 0 (every fix applied in one run):\n%s%s", ap.name, r.code, r.stdout, r.stderr)
			}
			after := snapshot(t, dir)
			if maps_equal(before, after) {
				t.Fatalf("%s changed no file:\n%s%s", ap.name, r.stdout, r.stderr)
			}
			fixed[ap.name] = after
			for _, c := range [][]string{
				{"go", "build", "./..."},
				{"go", "vet", "./..."},
				{"go", "test", "-count=1", "-tags", "chainlint_fixed", "./..."},
			} {
				if r := runCmd(t, dir, c[0], c[1:]...); r.code != 0 {
					t.Errorf("after %s, %s: exit %d:\n%s%s\nengine.go:\n%s", ap.name, strings.Join(c, " "), r.code, r.stdout, r.stderr, after["engine.go"])
				}
			}
			if r := runCmd(t, dir, bin, "./..."); r.code != exitOK || r.stderr != "" {
				t.Errorf("chainlint ./... after %s: exit %d, want 0 and no finding:\n%s", ap.name, r.code, r.stderr)
			}
		})
	}
	first := appliers[0].name
	for _, ap := range appliers[1:] {
		if fixed[first] != nil && fixed[ap.name] != nil && !maps_equal(fixed[first], fixed[ap.name]) {
			t.Errorf("%s and %s wrote different code:\n%s:\n%s\n%s:\n%s", first, ap.name,
				first, fixed[first]["engine.go"], ap.name, fixed[ap.name]["engine.go"])
		}
	}
}
