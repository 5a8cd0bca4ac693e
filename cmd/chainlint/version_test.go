package main

import (
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOf(t *testing.T) {
	setting := func(k, v string) debug.BuildSetting { return debug.BuildSetting{Key: k, Value: v} }
	for _, tc := range []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"release", debug.BuildInfo{Main: debug.Module{Version: "v0.3.1"}}, "v0.3.1"},
		{"pseudo-version", debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260101120000-0123456789ab"}}, "v0.0.0-20260101120000-0123456789ab"},
		{"work tree", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{setting("vcs.revision", "0123456789abcdef0123"), setting("vcs.modified", "false")}}, "devel+0123456789ab"},
		{"modified work tree", debug.BuildInfo{Main: debug.Module{Version: "v0.3.2-0.20260101120000-0123456789ab+dirty"}, Settings: []debug.BuildSetting{setting("vcs.revision", "0123456789abcdef0123"), setting("vcs.modified", "true")}}, "devel+0123456789ab+modified"},
		{"no VCS information", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
	} {
		tc.bi.GoVersion = "go1.26.8"
		v := versionOf(&tc.bi)
		if v.String() != tc.want {
			t.Errorf("%s: version %q, want %q", tc.name, v, tc.want)
		}
		// The go command's reading of -V=full (cmd/go's toolID): the
		// third field, and for a development build the buildID= last.
		line, err := v.line("chainlint", true)
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(line)
		devel := strings.Contains(f[2], "devel")
		if len(f) < 3 || f[0] != "chainlint" || f[1] != "version" || devel != strings.HasPrefix(f[len(f)-1], "buildID=") || devel != (v.release == "") {
			t.Errorf("%s: -V=full line %q is not what the go command accepts", tc.name, line)
		}
		if short, _ := v.line("chainlint", false); short != "chainlint version "+tc.want+" go1.26.8" {
			t.Errorf("%s: -V line %q", tc.name, short)
		}
	}
}

// The development build's ID is the executable's content: stable from
// call to call.
func TestVersionFullIsStable(t *testing.T) {
	v := buildVersion{goVer: "go1.26.8"}
	a, err := v.line("chainlint", true)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := v.line("chainlint", true)
	if a != b || len(strings.TrimPrefix(strings.Fields(a)[4], "buildID=")) != 64 {
		t.Errorf("-V=full: %q then %q, want one line ending in a SHA-256", a, b)
	}
}

func TestVersionAndRuntimeFlags(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string // in stdout
	}{
		{[]string{"-V"}, exitOK, "chainlint version " + readBuildVersion().String() + " "},
		{[]string{"-V=full"}, exitOK, " buildID="},
		{[]string{"version"}, exitOK, "chainlint version "},
		{[]string{"-V=short"}, exitUsage, ""},
		{[]string{"-runtime=v0.1.0", "./..."}, exitUsage, ""}, // (without -fix)
	} {
		r := runIn(t, dir, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stdout, tc.want) {
			t.Errorf("chainlint %s: exit %d, stdout %q; want exit %d and %q", strings.Join(tc.args, " "), r.code, r.stdout, tc.code, tc.want)
		}
	}
}

func TestSARIFVersion(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, oldModule)
	r := runIn(t, dir, "-sarif", "./...")
	var log struct {
		Runs []struct {
			Tool struct{ Driver struct{ Version string } }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("-sarif: %v\n%s", err, r.stdout)
	}
	if got, want := log.Runs[0].Tool.Driver.Version, readBuildVersion().String(); got != want {
		t.Errorf("tool.driver.version = %q, want %q", got, want)
	}
}
