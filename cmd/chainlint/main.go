// Command chainlint finds, and fixes, three defects of hand-written
// middleware-chain runners: a lock taken once per middleware (chainlock),
// an after-chain called without the current request (droprequest), and a
// short-circuit response that bypasses the after-chain (skipafter).
//
// Usage:
//
//	chainlint [flags] packages      # standalone, like staticcheck
//	chainlint help [NAME]           # documentation of the analyzers
//	go vet -vettool=$(command -v chainlint) [flags] packages
//
// Standalone mode runs go vet -vettool=<this executable> -json on the
// packages (so they are analyzed one at a time from export data, with
// facts and results cached by the go command, in the memory of go vet),
// reads the findings back and prints one line per finding; -driver=load
// loads the whole program in this process with go/packages instead (and
// is used for -test=false and -debug). -json prints the x/tools checker's
// JSON, -sarif prints SARIF 2.1.0 for code-scanning services, -fix applies
// the suggested fixes (atomically, never to generated files or files
// outside the main module) and -fix -diff prints them as a unified diff
// instead. Exit codes are those of the x/tools checker: 0 clean, 1 errors,
// 3 findings (2 for bad flags).
//
// When the go command runs chainlint as a vet tool (a single *.cfg
// argument, or -flags / -V=full), chainlint hands over to x/tools'
// unitchecker, so go vet -vettool, go vet -fix and go fix -fixtool behave
// as they do with any other analysis tool.
package main

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis/multichecker"
)

func main() {
	args := os.Args[1:]
	progname := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	if goCommandProtocol(args) {
		// multichecker parses the same flags and dispatches to
		// unitchecker on a .cfg argument.
		registerVetVersionFlag(progname)
		multichecker.Main(analyzers()...)
		return
	}
	vettool, err := os.Executable()
	if err != nil {
		vettool = "" // (the in-process driver only)
	}
	os.Exit(run(progname, args, analyzers(), &env{stdout: os.Stdout, stderr: os.Stderr, vettool: vettool}))
}

// goCommandProtocol reports whether args are the go command talking to a
// vet tool: "-V=full" (version for the build cache), "-flags" (which flags
// the tool accepts), or flags followed by a single unit config "x.cfg".
func goCommandProtocol(args []string) bool {
	for _, a := range args {
		switch strings.TrimLeft(a, "-") {
		case "V=full", "flags", "flags=true":
			return strings.HasPrefix(a, "-")
		}
	}
	return len(args) > 0 && strings.HasSuffix(args[len(args)-1], ".cfg") &&
		!strings.HasPrefix(args[len(args)-1], "-") && nonFlagArgs(args) == 1
}

// nonFlagArgs counts the arguments that are not of the form -name=value;
// the go command always passes vet flags in that form.
func nonFlagArgs(args []string) int {
	n := 0
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			n++
		}
	}
	return n
}
