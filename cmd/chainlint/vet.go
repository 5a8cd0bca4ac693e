package main

// The go vet driver: standalone chainlint runs
//
//	go vet -vettool=<this executable> -json [analyzer flags] [-tags=...] packages
//
// and reads its JSON. The go command then analyzes the packages one at a
// time from export data (the unitchecker protocol of main.go), carries the
// facts between packages in vet's fact files and caches the results, so
// the memory is that of go vet, not that of the whole program loaded from
// source. The findings, related positions and suggested fixes (byte-offset
// edits) come back in the x/tools JSON shape and go through the same text,
// JSON and SARIF output and the same -fix writer as the in-process driver's.

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// The x/tools JSON shape (internal/analysis/driverutil in x/tools
// v0.52.0), as unitchecker prints it with -json.
type jsonTextEdit struct {
	Filename string `json:"filename"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	New      string `json:"new"`
}

type jsonSuggestedFix struct {
	Message string         `json:"message"`
	Edits   []jsonTextEdit `json:"edits"`
}

type jsonDiagnostic struct {
	Category       string                   `json:"category,omitempty"`
	Posn           string                   `json:"posn"`
	End            string                   `json:"end"`
	Message        string                   `json:"message"`
	SuggestedFixes []jsonSuggestedFix       `json:"suggested_fixes,omitempty"`
	Related        []jsonRelatedInformation `json:"related,omitempty"`
}

type jsonRelatedInformation struct {
	Posn    string `json:"posn"`
	End     string `json:"end"`
	Message string `json:"message"`
}

type jsonError struct {
	Err string `json:"error"`
}

// vetFlags returns the flags go vet passes on to chainlint: the analyzer
// selection and analyzer flags the user set, as -name=value.
func vetFlags(fs *flag.FlagSet, all []*analysis.Analyzer) []string {
	names := make(map[string]bool)
	for _, a := range all {
		names[a.Name] = true
	}
	var args []string
	fs.Visit(func(f *flag.Flag) {
		prefix, _, _ := strings.Cut(f.Name, ".")
		if names[prefix] {
			args = append(args, "-"+f.Name+"="+f.Value.String())
		}
	})
	return args
}

// vetAnalyze is analyze's go vet driver.
func vetAnalyze(progname string, patterns, flags []string, selected []*analysis.Analyzer, o *options, e *env) int {
	exit := exitOK
	exitAtLeast := func(code int) { exit = max(exit, code) }

	// -fix needs to know, before the analysis reads the files, which
	// files belong to the main module and how big they are.
	var infos map[string]*fileInfo
	if o.fix {
		var err error
		if infos, err = listFileInfos(patterns, o, e); err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", progname, err)
			return exitError
		}
	}

	args := []string{"vet", "-vettool=" + e.vettool, "-json"}
	if o.tags != "" {
		args = append(args, "-tags="+o.tags)
	}
	args = append(args, flags...)
	args = append(args, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = e.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		fmt.Fprintf(e.stderr, "%s: running go vet: %v\n", progname, runErr)
		return exitError
	}

	// go vet's own errors (packages that do not load, parse or
	// type-check) are on its stderr, with a "# package" line before each
	// package's; the exit status says whether there were any.
	var errorTexts, broken []string
	loadErrors := 0
	if runErr != nil {
		loadErrors++
		exitAtLeast(exitError)
		e.stderr.Write(stderr.Bytes())
		for _, line := range strings.Split(stderr.String(), "\n") {
			if pkg, ok := strings.CutPrefix(line, "# "); ok {
				broken = append(broken, pkg)
			} else if strings.TrimSpace(line) != "" {
				errorTexts = append(errorTexts, line)
			}
		}
		if len(errorTexts) == 0 {
			msg := fmt.Sprintf("go vet failed: %v", runErr)
			fmt.Fprintf(e.stderr, "%s: %s\n", progname, msg)
			errorTexts = append(errorTexts, msg)
		}
		if len(broken) > 0 {
			fmt.Fprintf(e.stderr, "%s: not analyzed, because of the errors above: %s\n", progname, strings.Join(broken, ", "))
		}
	} else if stderr.Len() > 0 {
		e.stderr.Write(stderr.Bytes()) // warnings
	}

	// One JSON object per package vetted.
	tree := make(map[string]map[string]any)
	var findings []*finding
	seen := make(map[findingKey]*finding)
	analysisErrors := 0
	dec := json.NewDecoder(&stdout)
	objects := 0
	for {
		var obj map[string]map[string]json.RawMessage
		if err := dec.Decode(&obj); err == io.EOF {
			break
		} else if err != nil {
			fmt.Fprintf(e.stderr, "%s: cannot read go vet -json output: %v\n", progname, err)
			return exitError
		}
		objects++
		for id, byAnalyzer := range obj {
			for name, raw := range byAnalyzer {
				var list []jsonDiagnostic
				if err := json.Unmarshal(raw, &list); err != nil {
					var je jsonError
					if err := json.Unmarshal(raw, &je); err != nil {
						fmt.Fprintf(e.stderr, "%s: cannot read go vet -json output for %s: %s\n", progname, id, raw)
						return exitError
					}
					analysisErrors++
					msg := fmt.Sprintf("%s on %s: %s", name, id, je.Err)
					fmt.Fprintf(e.stderr, "%s: %s\n", progname, msg)
					errorTexts = append(errorTexts, msg)
					treeAdd(tree, id, name, je)
					continue
				}
				for _, d := range list {
					k := findingKey{posn: d.Posn, end: d.End, analyzer: name, message: d.Message}
					f := seen[k]
					if f == nil {
						f = jsonFinding(name, d, k)
						seen[k] = f
						findings = append(findings, f)
						treeAppend(tree, id, name, d)
					} else if !treeHas(tree, id, name, k) {
						treeAppend(tree, id, name, d)
					}
					if len(d.SuggestedFixes) > 0 {
						f.offers = append(f.offers, jsonOffer(d.SuggestedFixes[0]))
					}
				}
			}
		}
	}
	if runErr == nil && objects == 0 {
		if bytes.Contains(stderr.Bytes(), []byte("{")) {
			// go commands before Go 1.26 print vet tools' JSON on stderr.
			fmt.Fprintf(e.stderr, "%s: go vet -json printed no JSON on its standard output (a go command older than Go 1.26?); use Go 1.26 or later, or -driver=load\n", progname)
		} else {
			fmt.Fprintf(e.stderr, "%s: %s matched no packages\n", progname, strings.Join(patterns, " "))
		}
		return exitError
	}
	if analysisErrors > 0 {
		exitAtLeast(exitError)
	}
	sortFindings(findings)

	if o.fix {
		var fixed map[findingKey]bool
		var again, ok bool
		findings, fixed, again, ok = fixFindings(findings, func() map[string]*fileInfo { return infos }, loadErrors+analysisErrors > 0, o.round, e, &exit)
		if !ok {
			return exitError
		}
		if again {
			return exitAgain
		}
		treeRemove(tree, fixed)
	}
	printJSON := func(w io.Writer) error {
		data, err := json.MarshalIndent(tree, "", "\t")
		if err == nil {
			_, err = fmt.Fprintf(w, "%s\n", data)
		}
		return err
	}
	report(progname, findings, selected, errorTexts, printJSON, o, e, &exit)
	return exit
}

func treeAdd(tree map[string]map[string]any, id, name string, v any) {
	if tree[id] == nil {
		tree[id] = make(map[string]any)
	}
	tree[id][name] = v
}

func treeAppend(tree map[string]map[string]any, id, name string, d jsonDiagnostic) {
	list, _ := tree[id][name].([]jsonDiagnostic)
	treeAdd(tree, id, name, append(list, d))
}

func treeHas(tree map[string]map[string]any, id, name string, k findingKey) bool {
	list, _ := tree[id][name].([]jsonDiagnostic)
	for _, d := range list {
		if d.Posn == k.posn && d.End == k.end && d.Message == k.message {
			return true
		}
	}
	return false
}

// treeRemove drops the fixed diagnostics, and the lists and packages left
// empty (the x/tools checker lists only packages with results).
func treeRemove(tree map[string]map[string]any, fixed map[findingKey]bool) {
	for id, byAnalyzer := range tree {
		for name, v := range byAnalyzer {
			list, ok := v.([]jsonDiagnostic)
			if !ok {
				continue
			}
			var keep []jsonDiagnostic
			for _, d := range list {
				if !fixed[findingKey{posn: d.Posn, end: d.End, analyzer: name, message: d.Message}] {
					keep = append(keep, d)
				}
			}
			if len(keep) == 0 {
				delete(byAnalyzer, name)
			} else {
				byAnalyzer[name] = keep
			}
		}
		if len(byAnalyzer) == 0 {
			delete(tree, id)
		}
	}
}

// jsonFinding converts a diagnostic of go vet -json (without its fix).
func jsonFinding(analyzer string, d jsonDiagnostic, k findingKey) *finding {
	f := &finding{analyzer: analyzer, message: d.Message, posn: parsePosn(d.Posn), key: k}
	if d.End != d.Posn {
		f.end = parsePosn(d.End)
	}
	for _, r := range d.Related {
		rel := relatedInfo{posn: parsePosn(r.Posn), message: r.Message}
		if r.End != r.Posn {
			rel.end = parsePosn(r.End)
		}
		f.related = append(f.related, rel)
	}
	return f
}

// jsonOffer converts a suggested fix of go vet -json.
func jsonOffer(fix jsonSuggestedFix) fixOffer {
	var offer fixOffer
	for _, te := range fix.Edits {
		ed := edit{start: te.Start, end: te.End, text: te.New}
		if ed.end == 0 && ed.start > 0 {
			ed.end = ed.start // an insertion whose End was NoPos
		}
		if te.Filename == "" || !filepath.IsAbs(te.Filename) {
			return fixOffer{bad: "an edit has no valid position"}
		}
		offer.edits = append(offer.edits, fileEdit{te.Filename, ed})
	}
	return offer
}

// parsePosn parses "file:line:col" (or "file:line", or "file", or "-").
func parsePosn(s string) token.Position {
	var p token.Position
	if s == "" || s == "-" {
		return p
	}
	rest := s
	var nums []int
	for range 2 {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		rest = rest[:i]
	}
	p.Filename = rest
	if len(nums) > 0 {
		p.Line = nums[0]
	}
	if len(nums) > 1 {
		p.Column = nums[1]
	}
	return p
}

// listFileInfos runs go list on the patterns (with their tests and
// dependencies) and describes every Go file: whether it lies in a package
// of a main module under that module's directory, whether it is
// generated, and its size now, before the analysis reads it.
func listFileInfos(patterns []string, o *options, e *env) (map[string]*fileInfo, error) {
	args := []string{"list", "-e", "-deps", "-json=Dir,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles,Module"}
	if o.tags != "" {
		args = append(args, "-tags="+o.tags)
	}
	args = append(args, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = e.dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.Bytes())
	}
	type listed struct {
		Dir                                          string
		GoFiles, CgoFiles, TestGoFiles, XTestGoFiles []string
		Module                                       *struct {
			Main  bool
			Dir   string
			GoMod string
		}
	}
	infos := make(map[string]*fileInfo)
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list: %v", err)
		}
		main := p.Module != nil && p.Module.Main
		for _, list := range [][]string{p.GoFiles, p.CgoFiles, p.TestGoFiles, p.XTestGoFiles} {
			for _, base := range list {
				name := filepath.Join(p.Dir, base)
				if infos[name] != nil {
					continue
				}
				info := &fileInfo{inMain: main && within(p.Module.Dir, name)}
				if info.inMain {
					info.goMod = p.Module.GoMod
				}
				infos[name] = info
				if !info.inMain {
					continue // never edited: its size and header do not matter
				}
				fi, err := os.Stat(name)
				if err != nil {
					return nil, err
				}
				info.size = int(fi.Size())
				f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.PackageClauseOnly|parser.ParseComments)
				info.generated = err == nil && ast.IsGenerated(f)
			}
		}
	}
	return infos, nil
}
