package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCgoFixes fixes findings in files that import "C" (the fixture
// testdata/e2e/cgo): two lock loops (chainlock's fixes, built on the
// syntax tree) and an after-chain given nil (droprequest's, an edit at the
// compiled file's positions). Through the standalone drivers and go vet
// -fix, the edits land in the user's files, never in cgo's translation in
// the build directory, no message names a temporary file, and the fixed
// module passes go vet and its tests, the after-fix ones included. The
// functions also call C: the fixes leave those calls alone.
func TestCgoFixes(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end; skipped with -short")
	}
	if out, err := exec.Command("go", "env", "CGO_ENABLED").Output(); err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Skip("SKIP, NOT A PASS: cgo is disabled (no C compiler?)")
	}
	bin := chainlintBin(t)
	src := fixtureDir(t, "cgo")
	tmp := os.TempDir()
	noTempPath := func(what, dir string, r cmdResult) {
		t.Helper()
		out := strings.ReplaceAll(r.stdout+r.stderr, dir, "")
		if strings.Contains(out, tmp) || strings.Contains(out, "go-build") || strings.Contains(out, "cgo1.go") {
			t.Errorf("%s: output names a temporary or translated file:\n%s", what, out)
		}
	}
	for i, fix := range [][]string{
		{bin, "-fix", "./..."},
		{bin, "-fix", "-driver=load", "./..."},
		{"go", "vet", "-vettool=" + bin, "-fix", "./..."},
	} {
		name := strings.Join(fix[1:], " ")
		t.Run(name, func(t *testing.T) {
			dir := copyFixture(t, src)
			if i == 0 {
				r := runCmd(t, dir, bin, "./...")
				if r.code != exitFindings || strings.Count(r.stderr, "(chainlock)") != 2 || strings.Count(r.stderr, "(droprequest)") != 1 || strings.Contains(r.stderr, "no fix") {
					t.Fatalf("chainlint ./...: exit %d, want 2 chainlock findings and 1 droprequest finding, with fixes:\n%s", r.code, r.stderr)
				}
				noTempPath("chainlint ./...", dir, r)
			}
			r := runCmd(t, dir, fix[0], fix[1:]...)
			noTempPath(name, dir, r)
			if r.code != 0 {
				t.Fatalf("%s: exit %d:\n%s%s", name, r.code, r.stdout, r.stderr)
			}
			fixed, err := os.ReadFile(dir + "/engine.go")
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(fixed), "range chainruntime.Batched(&hold, e.chain, nil)"); n != 2 || !strings.Contains(string(fixed), "C.twice(C.int(req.N))") {
				t.Errorf("%s: engine.go has %d Batched loops, want 2, and its use of C:\n%s", name, n, fixed)
			}
			gw, err := os.ReadFile(dir + "/gateway.go")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(gw), "return g.runAfter(req2, resp)") {
				t.Errorf("%s: gateway.go does not pass req2 to the after-chain:\n%s", name, gw)
			}
			for _, check := range [][]string{{"go", "vet", "./..."}, {"go", "test", "-tags=chainlint_fixed", "./..."}, {bin, "./..."}} {
				if r := runCmd(t, dir, check[0], check[1:]...); r.code != 0 {
					t.Errorf("after %s: %s: exit %d:\n%s%s", name, strings.Join(check, " "), r.code, r.stdout, r.stderr)
				}
			}
		})
	}
}
