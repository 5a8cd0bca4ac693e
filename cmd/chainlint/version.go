package main

// chainlint's version, from the build information: -V, -V=full (the go
// command's handshake with a vet tool), chainlint version, and SARIF's
// tool.driver.version.

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"

	"golang.org/x/mod/semver"

	"github.com/chainlint/chainlint/fixes"
)

// buildVersion describes this build: its module version, and for a
// development build the VCS revision it was built from (if recorded).
type buildVersion struct {
	release  string // the module version, for a release build (no +dirty)
	revision string // vcs.revision, shortened, with "+modified" if so
	goVer    string // the Go toolchain it was built with
}

func readBuildVersion() buildVersion {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return buildVersion{goVer: runtime.Version()}
	}
	return versionOf(bi)
}

func versionOf(bi *debug.BuildInfo) buildVersion {
	v := buildVersion{goVer: bi.GoVersion}
	if semver.IsValid(bi.Main.Version) && semver.Build(bi.Main.Version) == "" {
		v.release = bi.Main.Version
		return v
	}
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.revision = s.Value[:min(len(s.Value), 12)]
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified && v.revision != "" {
		v.revision += "+modified"
	}
	return v
}

// String is the version in one word: "v0.3.1", "devel+abcdef012345" or
// "devel".
func (v buildVersion) String() string {
	switch {
	case v.release != "":
		return v.release
	case v.revision != "":
		return "devel+" + v.revision
	}
	return "devel"
}

// line is what -V prints: "chainlint version v0.3.1 go1.26.8", or for a
// development build "chainlint version devel+abcdef012345 go1.26.8". With
// full (-V=full), a development build appends buildID=<the executable's
// SHA-256>, as x/tools' unitchecker does: the go command keys its cache of
// vet results on the line, so a rebuilt development chainlint must give a
// new one; a release's line names it.
func (v buildVersion) line(progname string, full bool) (string, error) {
	l := fmt.Sprintf("%s version %s %s", progname, v, v.goVer)
	if !full || v.release != "" {
		return l, nil
	}
	id, err := executableHash()
	if err != nil {
		return "", err
	}
	return l + " buildID=" + id, nil
}

func executableHash() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

// printVersion prints what chainlint version prints: the -V line and the
// runtime version that -fix requires.
func printVersion(w io.Writer, progname string) {
	v := readBuildVersion()
	l, _ := v.line(progname, false)
	fmt.Fprintln(w, l)
	if rv := fixes.RuntimeVersion(); rv != "" {
		fmt.Fprintf(w, "-fix requires %s %s where a fix adds its first import\n", fixes.RuntimePath, rv)
	} else {
		fmt.Fprintf(w, "a development build: -fix requires %s with -runtime=DIR (a local copy) or -runtime=VERSION where a fix adds its first import\n", fixes.RuntimePath)
	}
}

// A versionFlag is -V: -V prints the version, -V=full the go command's
// handshake line.
type versionFlag struct{ mode *string }

func (versionFlag) IsBoolFlag() bool { return true }
func (f versionFlag) Get() any       { return *f.mode }
func (f versionFlag) String() string {
	if f.mode == nil {
		return ""
	}
	return *f.mode
}
func (f versionFlag) Set(s string) error {
	switch s {
	case "true", "full":
		*f.mode = s
		return nil
	case "false":
		*f.mode = ""
		return nil
	}
	return fmt.Errorf("want -V or -V=full")
}

// printVersionFlag prints the line for a -V flag that was set (mode
// "true" or "full") and reports whether it printed.
func printVersionFlag(w io.Writer, progname, mode string) (bool, error) {
	if mode == "" {
		return false, nil
	}
	l, err := readBuildVersion().line(progname, mode == "full")
	if err != nil {
		return true, err
	}
	_, err = fmt.Fprintln(w, l)
	return true, err
}

// registerVetVersionFlag defines -V on the command line flag set before
// x/tools parses it for the go command (which then keeps ours instead of
// its placeholder): -V=full prints the handshake line and exits.
func registerVetVersionFlag(progname string) {
	mode := new(string)
	flag.Var(exitingVersionFlag{versionFlag{mode}, progname}, "V", "print version and exit")
}

type exitingVersionFlag struct {
	versionFlag
	progname string
}

func (f exitingVersionFlag) Set(s string) error {
	if err := f.versionFlag.Set(s); err != nil {
		return err
	}
	if printed, err := printVersionFlag(os.Stdout, f.progname, *f.mode); printed {
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: -V: %v\n", f.progname, err)
			os.Exit(exitError)
		}
		os.Exit(exitOK)
	}
	return nil
}
