package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"golang.org/x/tools/go/analysis"
)

const helpText = `PROGNAME finds three defects of hand-written middleware-chain runners in Go
code, and fixes them onto the bundled chain runtime:

  - a chain loop that takes the same lock once per middleware,
  - an after-chain that calls the after-middlewares without the current request,
  - a short-circuit response that bypasses the after-chain or the finalizers.

Usage:

  PROGNAME [flags] packages         report findings (exit 3 if any)
  PROGNAME -fix [flags] packages    apply the suggested fixes
  PROGNAME -diff [flags] packages   print the fixes as a unified diff
  PROGNAME help [name]              this text, or an analyzer's documentation
  go vet -vettool=$(command -v PROGNAME) [flags] packages

Exit codes: 0 no findings, 1 errors (packages that do not load or type-check:
they are not analyzed, and -fix then changes no file), 2 bad flags,
3 findings. With -json or -sarif, findings do not change the exit code.

A finding is suppressed by a comment on its line or the line above:

  //chainlint:ignore NAME reason
`

// printHelp prints the summary of all analyzers (no names) or the
// documentation and flags of the named ones.
func printHelp(w io.Writer, progname string, all []*analysis.Analyzer, fs *flag.FlagSet, names []string) error {
	if len(names) == 0 {
		fmt.Fprintln(w, strings.ReplaceAll(helpText, "PROGNAME", progname))
		fmt.Fprintln(w, "Analyzers:")
		fmt.Fprintln(w)
		for _, a := range all {
			title, _, _ := strings.Cut(a.Doc, "\n\n")
			fmt.Fprintf(w, "    %-12s %s\n", a.Name, strings.Join(strings.Fields(title), " "))
		}
		fmt.Fprintln(w, "\nBy default all analyzers run. To select some, use the -NAME flag for each one,")
		fmt.Fprintln(w, "or -NAME=false to run all but those.")
		fmt.Fprintln(w, "\nCore flags:")
		fmt.Fprintln(w)
		core := flag.NewFlagSet("", flag.ContinueOnError)
		fs.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(f.Name, ".") && f.Usage != "no effect (deprecated)" {
				core.Var(f.Value, f.Name, f.Usage)
			}
		})
		core.SetOutput(w)
		core.PrintDefaults()
		fmt.Fprintf(w, "\nTo see the documentation and flags of an analyzer, run '%s help NAME'.\n", progname)
		return nil
	}
	for _, name := range names {
		var a *analysis.Analyzer
		for _, x := range all {
			if x.Name == name {
				a = x
			}
		}
		if a == nil {
			var known []string
			for _, x := range all {
				known = append(known, x.Name)
			}
			return fmt.Errorf("no analyzer named %q (analyzers: %s)", name, strings.Join(known, ", "))
		}
		title, rest, _ := strings.Cut(a.Doc, "\n\n")
		fmt.Fprintf(w, "%s: %s\n", a.Name, strings.Join(strings.Fields(title), " "))
		own := flag.NewFlagSet(a.Name, flag.ContinueOnError)
		a.Flags.VisitAll(func(f *flag.Flag) { own.Var(f.Value, a.Name+"."+f.Name, f.Usage) })
		if hasFlags(&a.Flags) {
			fmt.Fprintln(w, "\nAnalyzer flags:")
			fmt.Fprintln(w)
			own.SetOutput(w)
			own.PrintDefaults()
		}
		if rest != "" {
			fmt.Fprintf(w, "\n%s\n", strings.TrimRight(rest, "\n"))
		}
	}
	return nil
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}
