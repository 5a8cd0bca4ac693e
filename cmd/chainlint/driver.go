package main

import (
	"cmp"
	"flag"
	"fmt"
	"go/token"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/chainlint/chainlint/fixes"
)

// Exit codes, as the x/tools checker's (and 2 for bad usage, as the flag
// package's).
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2
	exitFindings = 3
)

// env is what run needs from the process, so tests can run it in-process.
type env struct {
	dir            string // directory packages are loaded from; "" means the current one
	stdout, stderr io.Writer
	// vettool is the chainlint executable the go vet driver passes to
	// go vet -vettool; "" (as in the in-process tests, which run other
	// analyzers) leaves only the in-process driver.
	vettool string
}

type options struct {
	format     string // "text", "json" or "sarif"
	driver     string // "vet", "load", or "" (vet where it can)
	json       bool
	sarif      bool
	fix        bool
	diff       bool
	tests      bool
	context    int
	tags       string
	debug      string
	cpuprofile string
	memprofile string
	trace      string
	version    string    // -V: "true" or "full"
	runtime    string    // -runtime: a version of the runtime module, or a directory with a copy
	round      *fixRound // the -fix round in progress
}

func (o *options) dbg(b byte) bool { return strings.IndexByte(o.debug, b) >= 0 }

// triState is a bool flag that remembers whether it was set, as the x/tools
// drivers' -NAME flags: -NAME runs only the named analyzers, -NAME=false
// runs all but those.
type triState int

const (
	unset triState = iota
	setTrue
	setFalse
)

func (ts *triState) IsBoolFlag() bool { return true }
func (ts *triState) Get() any         { return *ts == setTrue }
func (ts *triState) String() string {
	if ts != nil && *ts == setFalse {
		return "false"
	}
	return "true"
}
func (ts *triState) Set(v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	*ts = setFalse
	if b {
		*ts = setTrue
	}
	return nil
}

// newFlagSet declares chainlint's standalone flags: the x/tools checker's
// (with the same names and meaning), -sarif and -format, one -NAME flag per
// analyzer and one -NAME.FLAG per analyzer flag.
func newFlagSet(progname string, o *options, all []*analysis.Analyzer, stderr io.Writer) (*flag.FlagSet, map[*analysis.Analyzer]*triState) {
	fs := flag.NewFlagSet(progname, flag.ContinueOnError)
	fs.SetOutput(stderr)
	enabled := make(map[*analysis.Analyzer]*triState)
	for _, a := range all {
		ts := new(triState)
		enabled[a] = ts
		fs.Var(ts, a.Name, fmt.Sprintf("enable %q analysis", a.Name))
		a.Flags.VisitAll(func(f *flag.Flag) {
			fs.Var(f.Value, a.Name+"."+f.Name, f.Usage)
		})
	}
	fs.BoolVar(&o.json, "json", false, "emit JSON output (the x/tools checker's format)")
	fs.BoolVar(&o.sarif, "sarif", false, "emit SARIF 2.1.0 output (for GitHub code scanning and other SARIF viewers)")
	fs.StringVar(&o.format, "format", "", "output format: text, json or sarif (default text)")
	fs.IntVar(&o.context, "c", -1, "display offending line with this many lines of context")
	fs.BoolVar(&o.fix, "fix", false, "apply all suggested fixes")
	fs.BoolVar(&o.diff, "diff", false, "with -fix (implied), don't update the files, but print a unified diff")
	fs.Var(versionFlag{&o.version}, "V", "print the version and exit (-V=full: the line the go command reads from a vet tool)")
	fs.StringVar(&o.runtime, "runtime", "", "with -fix: the runtime version to require where a fix adds the first import of "+fixes.RuntimePath+" (default: the version this chainlint was built with), or a directory with a copy of the runtime module, required with a replace directive")
	fs.BoolVar(&o.tests, "test", true, "indicates whether test files should be analyzed, too")
	fs.StringVar(&o.tags, "tags", "", "comma-separated list of build tags to apply when loading packages")
	fs.StringVar(&o.driver, "driver", "", "how to analyze: vet (run go vet -vettool=chainlint: package by package, facts and results cached by go) or load (load the whole program in this process with go/packages); default vet, or load with -test=false or -debug")
	fs.StringVar(&o.debug, "debug", "", `debug flags, any subset of "fpstv"`)
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write CPU profile to this file")
	fs.StringVar(&o.memprofile, "memprofile", "", "write memory profile to this file")
	fs.StringVar(&o.trace, "trace", "", "write trace log to this file")
	// The legacy vet shims the x/tools drivers accept, so that scripts
	// written for them keep working.
	for _, name := range []string{"source", "v", "all"} {
		fs.Bool(name, false, "no effect (deprecated)")
	}
	return fs, enabled
}

// run is chainlint's standalone mode: it returns the exit code.
func run(progname string, args []string, all []*analysis.Analyzer, e *env) int {
	if err := analysis.Validate(all); err != nil {
		fmt.Fprintf(e.stderr, "%s: internal error: %v\n", progname, err)
		return exitError
	}
	var o options
	fs, enabled := newFlagSet(progname, &o, all, e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: %s [flags] packages\nRun '%s help' for the flags and the analyzers.\n", progname, progname)
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			printHelp(e.stdout, progname, all, fs, nil)
			return exitOK
		}
		return exitUsage // the flag package has printed the error and usage
	}
	if printed, err := printVersionFlag(e.stdout, progname, o.version); printed {
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: -V: %v\n", progname, err)
			return exitError
		}
		return exitOK
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		fmt.Fprintf(e.stderr, "%[1]s finds locks taken once per middleware, after-chains that drop the request,\n"+
			"and short-circuit responses that skip the after-chain, in Go middleware chains.\n\n"+
			"Usage: %[1]s [flags] packages\n\n"+
			"Run '%[1]s help' for more detail,\n or '%[1]s help name' for details and flags of a specific analyzer.\n", progname)
		return exitError
	}
	if len(patterns) == 1 && patterns[0] == "version" {
		printVersion(e.stdout, progname)
		return exitOK
	}
	if patterns[0] == "help" {
		if err := printHelp(e.stdout, progname, all, fs, patterns[1:]); err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", progname, err)
			return exitError
		}
		return exitOK
	}
	for _, p := range patterns[1:] {
		if strings.HasPrefix(p, "-") {
			fmt.Fprintf(e.stderr, "%s: flag %s after the package patterns: flags must come first (%s [flags] packages)\n", progname, p, progname)
			return exitUsage
		}
	}
	if err := o.resolveFormat(); err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", progname, err)
		return exitUsage
	}
	if o.diff {
		o.fix = true
	}
	if o.runtime != "" && !o.fix {
		fmt.Fprintf(e.stderr, "%s: -runtime is for -fix and -diff (the runtime a fix's import requires)\n", progname)
		return exitUsage
	}
	if bad := strings.Trim(o.debug, "fpstv"); bad != "" {
		fmt.Fprintf(e.stderr, "%s: -debug: unknown flags %q (want a subset of \"fpstv\")\n", progname, bad)
		return exitUsage
	}

	useVet, err := o.chooseDriver(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", progname, err)
		return exitUsage
	}

	stop, err := o.startProfiling()
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", progname, err)
		return exitError
	}
	defer stop()

	o.round = &fixRound{progname: progname, dry: o.diff, n: 1, req: newRequirer(o.runtime, rerunLine(progname, args), e.dir)}
	for ; ; o.round.n++ {
		var code int
		if useVet {
			code = vetAnalyze(progname, patterns, vetFlags(fs, all), selectAnalyzers(all, enabled), &o, e)
		} else {
			code = analyze(progname, patterns, selectAnalyzers(all, enabled), &o, e)
		}
		if code != exitAgain {
			return code
		}
	}
}

// rerunLine is the command line of this run, without -runtime (for the
// message that says to run it again with -runtime=DIR).
func rerunLine(progname string, args []string) string {
	words := []string{progname}
	for _, a := range args {
		if name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); strings.HasPrefix(a, "-") && name == "runtime" {
			continue
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}

// chooseDriver reports whether to run go vet (the default) rather than
// load the program in this process. go vet always analyzes test files,
// and -debug describes the in-process checker, so -test=false and -debug
// need the in-process driver.
func (o *options) chooseDriver(e *env) (vet bool, err error) {
	switch o.driver {
	case "load":
		return false, nil
	case "vet":
		switch {
		case e.vettool == "":
			return false, fmt.Errorf("-driver=vet: this build cannot run itself under go vet")
		case !o.tests:
			return false, fmt.Errorf("-driver=vet analyzes test files (go vet always does): drop -test=false, or use -driver=load")
		case o.debug != "":
			return false, fmt.Errorf("-debug needs -driver=load")
		}
		return true, nil
	case "":
		return e.vettool != "" && o.tests && o.debug == "", nil
	}
	return false, fmt.Errorf("-driver=%s: want vet or load", o.driver)
}

func (o *options) resolveFormat() error {
	set := map[string]bool{}
	if o.json {
		set["json"] = true
	}
	if o.sarif {
		set["sarif"] = true
	}
	switch o.format {
	case "", "text", "json", "sarif":
		if o.format != "" {
			set[o.format] = true
		}
	default:
		return fmt.Errorf("-format=%s: want text, json or sarif", o.format)
	}
	if len(set) > 1 {
		return fmt.Errorf("conflicting output formats (-json, -sarif, -format): choose one")
	}
	o.format = "text"
	for f := range set {
		o.format = f
	}
	return nil
}

func (o *options) startProfiling() (stop func(), err error) {
	var stops []func()
	stop = func() {
		for _, f := range slices.Backward(stops) {
			f()
		}
	}
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return stop, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return stop, err
		}
		stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
	}
	if o.trace != "" {
		f, err := os.Create(o.trace)
		if err != nil {
			stop()
			return func() {}, err
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			stop()
			return func() {}, err
		}
		stops = append(stops, func() { trace.Stop(); f.Close() })
	}
	if o.memprofile != "" {
		f, err := os.Create(o.memprofile)
		if err != nil {
			stop()
			return func() {}, err
		}
		stops = append(stops, func() {
			runtime.GC()
			pprof.WriteHeapProfile(f)
			f.Close()
		})
	}
	return stop, nil
}

// selectAnalyzers applies the -NAME flags as the x/tools drivers do: if
// any is true, only those run; otherwise all but those set to false.
func selectAnalyzers(all []*analysis.Analyzer, enabled map[*analysis.Analyzer]*triState) []*analysis.Analyzer {
	var hasTrue, hasFalse bool
	for _, ts := range enabled {
		hasTrue = hasTrue || *ts == setTrue
		hasFalse = hasFalse || *ts == setFalse
	}
	var keep []*analysis.Analyzer
	for _, a := range all {
		if (hasTrue && *enabled[a] == setTrue) || (!hasTrue && *enabled[a] != setFalse) {
			keep = append(keep, a)
		}
	}
	return keep
}

// A finding is one diagnostic, deduplicated across the variants of a
// package (p and p [p.test] share files), in a form both drivers produce:
// the in-process driver from its analysis actions, the go vet driver from
// go vet -json.
type finding struct {
	analyzer  string
	message   string
	posn, end token.Position // end is the zero Position when the diagnostic has none
	related   []relatedInfo
	key       findingKey
	// offers holds the first suggested fix of every variant that offers
	// one: the variants of a package each offer their own fix, and the
	// test variant's also edits the test files.
	offers []fixOffer
}

type relatedInfo struct {
	posn, end token.Position
	message   string
}

// A fixOffer is one suggested fix as byte-offset edits by file, or why it
// cannot be applied at all.
type fixOffer struct {
	edits []fileEdit
	bad   string
}

type fileEdit struct {
	file string
	edit
}

type findingKey struct {
	posn, end string
	analyzer  string
	message   string
}

func keyOf(act *checker.Action, d analysis.Diagnostic) findingKey {
	fset := act.Package.Fset
	return findingKey{
		posn:     fset.Position(d.Pos).String(),
		end:      fset.Position(cmp.Or(d.End, d.Pos)).String(),
		analyzer: act.Analyzer.Name,
		message:  d.Message,
	}
}

// position returns the position of pos, or the zero Position for NoPos.
func position(fset *token.FileSet, pos token.Pos) token.Position {
	if !pos.IsValid() {
		return token.Position{}
	}
	return fset.Position(pos)
}

// newFinding converts a diagnostic of act.
func newFinding(act *checker.Action, d analysis.Diagnostic, k findingKey) *finding {
	fset := act.Package.Fset
	f := &finding{analyzer: act.Analyzer.Name, message: d.Message, posn: fset.Position(d.Pos), end: position(fset, d.End), key: k}
	for _, rel := range d.Related {
		f.related = append(f.related, relatedInfo{posn: fset.Position(rel.Pos), end: position(fset, rel.End), message: rel.Message})
	}
	f.addOffer(act, d)
	return f
}

// addOffer adds the first suggested fix of d, if any.
func (f *finding) addOffer(act *checker.Action, d analysis.Diagnostic) {
	if len(d.SuggestedFixes) == 0 {
		return
	}
	fset := act.Package.Fset
	var offer fixOffer
	for _, te := range d.SuggestedFixes[0].TextEdits {
		tf := fset.File(te.Pos)
		if tf == nil {
			f.offers = append(f.offers, fixOffer{bad: "an edit has no valid position"})
			return
		}
		ed := edit{start: tf.Offset(te.Pos), text: string(te.NewText)}
		ed.end = ed.start
		if te.End.IsValid() {
			if fset.File(te.End) == tf {
				ed.end = tf.Offset(te.End)
			} else {
				ed.end = tf.Size() // End just past EOF (see x/tools #71659)
			}
		}
		offer.edits = append(offer.edits, fileEdit{tf.Name(), ed})
	}
	f.offers = append(f.offers, offer)
}

// sortFindings orders findings by position, then analyzer and message.
func sortFindings(findings []*finding) {
	slices.SortStableFunc(findings, func(x, y *finding) int {
		return cmp.Or(
			cmp.Compare(x.posn.Filename, y.posn.Filename),
			cmp.Compare(x.posn.Line, y.posn.Line),
			cmp.Compare(x.posn.Column, y.posn.Column),
			cmp.Compare(x.key.analyzer, y.key.analyzer),
			cmp.Compare(x.key.message, y.key.message))
	})
}

func analyze(progname string, patterns []string, selected []*analysis.Analyzer, o *options, e *env) int {
	exit := exitOK
	exitAtLeast := func(code int) { exit = max(exit, code) }
	start := time.Now()

	mode := packages.LoadSyntax | packages.NeedModule
	if needFacts(selected) {
		mode = packages.LoadAllSyntax | packages.NeedModule
	}
	cfg := &packages.Config{Mode: mode, Tests: o.tests, Dir: e.dir}
	if o.tags != "" {
		cfg.BuildFlags = []string{"-tags=" + o.tags}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err == nil && len(pkgs) == 0 {
		err = fmt.Errorf("%s matched no packages", strings.Join(patterns, " "))
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", progname, err)
		return exitError
	}
	if o.dbg('v') {
		fmt.Fprintf(e.stderr, "%s: loaded %d packages in %v\n", progname, len(pkgs), time.Since(start))
	}

	// Package and module errors: print each once; they make the exit
	// code 1 but do not stop the analysis of the other packages.
	errorTexts := printLoadErrors(pkgs, e.stderr)
	loadErrors := len(errorTexts)
	var broken []string
	for _, p := range pkgs {
		if p.IllTyped && !slices.Contains(broken, p.PkgPath) {
			broken = append(broken, p.PkgPath)
		}
	}
	if loadErrors > 0 {
		exitAtLeast(exitError)
		if len(broken) > 0 {
			fmt.Fprintf(e.stderr, "%s: not analyzed, because of the errors above: %s\n", progname, strings.Join(broken, ", "))
		}
	}

	opts := &checker.Options{Sequential: o.dbg('p'), SanityCheck: o.dbg('s')}
	if o.dbg('f') {
		opts.FactLog = e.stderr
	}
	graph, err := checker.Analyze(selected, pkgs, opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", progname, err)
		return exitError
	}

	// Collect the findings of the root actions and the analysis errors.
	var findings []*finding
	seen := make(map[findingKey]*finding)
	analysisErrors := 0
	for act := range graph.All() {
		if act.Err != nil {
			analysisErrors++
			if !act.Package.IllTyped { // (errors of ill-typed packages are printed above)
				msg := fmt.Sprintf("%s on %s: %v", act.Analyzer.Name, act.Package.ID, act.Err)
				fmt.Fprintf(e.stderr, "%s: %s\n", progname, msg)
				errorTexts = append(errorTexts, msg)
			}
			continue
		}
		if !act.IsRoot {
			continue
		}
		for _, d := range act.Diagnostics {
			k := keyOf(act, d)
			if f := seen[k]; f != nil {
				f.addOffer(act, d)
				continue
			}
			f := newFinding(act, d, k)
			seen[k] = f
			findings = append(findings, f)
		}
	}
	if analysisErrors > 0 {
		exitAtLeast(exitError)
	}
	sortFindings(findings)

	var fixed map[findingKey]bool
	if o.fix {
		var again, ok bool
		findings, fixed, again, ok = fixFindings(findings, func() map[string]*fileInfo { return fileInfos(pkgs) }, loadErrors+analysisErrors > 0, o.round, e, &exit)
		if !ok {
			return exitError
		}
		if again {
			return exitAgain
		}
		for act := range graph.All() {
			if act.IsRoot {
				act.Diagnostics = slices.DeleteFunc(slices.Clone(act.Diagnostics), func(d analysis.Diagnostic) bool {
					return fixed[keyOf(act, d)]
				})
			}
		}
	}
	report(progname, findings, selected, errorTexts, graph.PrintJSON, o, e, &exit)

	if o.dbg('t') {
		printTiming(e.stderr, graph, time.Since(start))
	}
	return exit
}

// exitAgain is what analyze returns when -fix changed files and another
// round must analyze them again.
const exitAgain = -1

// fixFindings applies the fixes of findings (-fix, -diff), unless the run
// had errors, and returns the findings left. It raises *exit to 3 for a
// non-empty -diff, as go fix -diff; ok is false when -fix failed (it has
// said why, and no file was changed). again reports that files were
// written and findings are left, so another round must analyze the files
// again (when every finding was fixed, no round follows: a fix that makes
// a new finding would be a bug, which a re-run shows); until the last
// round, the reasons why fixes were not applied are not printed (the next
// round finds those findings again).
func fixFindings(findings []*finding, infos func() map[string]*fileInfo, failed bool, round *fixRound, e *env, exit *int) (left []*finding, fixed map[findingKey]bool, again, ok bool) {
	progname := round.progname
	if failed {
		if round.n > 1 {
			fmt.Fprintf(e.stderr, "%s: -fix: round %d: the code that the earlier rounds fixed has the errors above (please report this as a chainlint bug); the files fixed so far stay changed\n", progname, round.n)
		} else {
			fmt.Fprintf(e.stderr, "%s: -fix: no file changed, because of the errors above; fix them (or narrow the package patterns) and run again\n", progname)
		}
		return nil, nil, false, false
	}
	fixed, changed, notes, err := applyFixes(findings, infos(), round, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: -fix: %v\n", progname, err)
		return nil, nil, false, false
	}
	if round.dry && changed > 0 {
		*exit = max(*exit, exitFindings)
	}
	// What is left: the findings whose fix was not applied, or that have
	// none (yet: another finding's fix may make one possible).
	for _, f := range findings {
		if !fixed[f.key] {
			left = append(left, f)
		}
	}
	if !round.dry && changed > 0 && len(left) > 0 {
		if round.n < maxFixRounds {
			return nil, fixed, true, true
		}
		fmt.Fprintf(e.stderr, "%s: -fix: stopped after %d rounds, and the last one still applied fixes: run %s -fix again (and please report this: each round's fixes should not offer new ones)\n", progname, maxFixRounds, progname)
	}
	for _, n := range notes {
		fmt.Fprintln(e.stderr, n)
	}
	return left, fixed, false, true
}

// report prints the findings in the chosen format and raises *exit: to 1
// if the output cannot be written, to 3 for text findings (errors take
// precedence, as in the x/tools checker; -json and -sarif are for tools
// and do not fail on findings).
func report(progname string, findings []*finding, selected []*analysis.Analyzer, errorTexts []string, printJSON func(io.Writer) error, o *options, e *env, exit *int) {
	switch o.format {
	case "json":
		if err := printJSON(e.stdout); err != nil {
			*exit = max(*exit, exitError)
		}
	case "sarif":
		if err := writeSARIF(e.stdout, e.dir, findings, selected, errorTexts); err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", progname, err)
			*exit = max(*exit, exitError)
		}
	default:
		printText(e.stderr, findings, o.context)
		if len(findings) > 0 && *exit == exitOK {
			*exit = exitFindings
		}
	}
}

// printLoadErrors prints each package and module error once and returns
// them.
func printLoadErrors(pkgs []*packages.Package, w io.Writer) []string {
	printed := make(map[string]bool)
	var list []string
	print := func(s string) {
		if !printed[s] {
			printed[s] = true
			fmt.Fprintln(w, s)
			list = append(list, s)
		}
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if p.Module != nil && p.Module.Error != nil {
			print(p.Module.Error.Err)
		}
		for _, err := range p.Errors {
			if err.Pos == "" || err.Pos == "-" {
				print(err.Msg)
			} else {
				print(err.Error())
			}
		}
	})
	return list
}

// printText prints findings as the x/tools checker does ("posn: message",
// related positions indented below), with the analyzer's name appended so
// that the reader knows what to write in a //chainlint:ignore directive.
func printText(w io.Writer, findings []*finding, contextLines int) {
	var buf strings.Builder
	files := make(map[string][]string)
	show := func(posn, endp token.Position, msg string) {
		fmt.Fprintf(&buf, "%s: %s\n", posn, msg)
		if contextLines < 0 || !posn.IsValid() {
			return
		}
		if !endp.IsValid() {
			endp = posn
		}
		lines, ok := files[posn.Filename]
		if !ok {
			data, _ := os.ReadFile(posn.Filename)
			lines = strings.Split(string(data), "\n")
			files[posn.Filename] = lines
		}
		for i := posn.Line - contextLines; i <= endp.Line+contextLines; i++ {
			if 1 <= i && i <= len(lines) {
				fmt.Fprintf(&buf, "%d\t%s\n", i, lines[i-1])
			}
		}
	}
	for _, f := range findings {
		show(f.posn, f.end, fmt.Sprintf("%s (%s)", f.message, f.analyzer))
		for _, rel := range f.related {
			show(rel.posn, rel.end, "\t"+rel.message)
		}
	}
	io.WriteString(w, buf.String())
}

func printTiming(w io.Writer, graph *checker.Graph, wall time.Duration) {
	var list []*checker.Action
	var total time.Duration
	for act := range graph.All() {
		list = append(list, act)
		total += act.Duration
	}
	slices.SortFunc(list, func(x, y *checker.Action) int { return cmp.Compare(y.Duration, x.Duration) })
	var sum time.Duration
	for _, act := range list {
		fmt.Fprintf(w, "%s\t%s\n", act.Duration, act)
		sum += act.Duration
		if sum >= total*9/10 {
			break
		}
	}
	if total > sum {
		fmt.Fprintf(w, "%s\tall others\n", total-sum)
	}
	fmt.Fprintf(w, "%s\twall time (load and analysis)\n", wall)
}

// needFacts reports whether any of the analyzers, or those they require,
// uses facts; if so, dependencies must be loaded from source too.
func needFacts(analyzers []*analysis.Analyzer) bool {
	for _, a := range withRequired(analyzers) {
		if len(a.FactTypes) > 0 {
			return true
		}
	}
	return false
}

// withRequired returns analyzers and all they require, transitively.
func withRequired(analyzers []*analysis.Analyzer) []*analysis.Analyzer {
	seen := make(map[*analysis.Analyzer]bool)
	var all []*analysis.Analyzer
	q := slices.Clone(analyzers)
	for len(q) > 0 {
		a := q[0]
		q = q[1:]
		if !seen[a] {
			seen[a] = true
			all = append(all, a)
			q = append(q, a.Requires...)
		}
	}
	return all
}
