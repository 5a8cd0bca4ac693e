// Package directive implements chainlint's suppression comments and the
// rules every chainlint diagnostic obeys before it reaches the user.
//
// A diagnostic is dropped when it lies in a generated file, or when the line
// it is reported on, or the line above, carries
//
//	//chainlint:ignore NAME[,NAME...] reason
//
// naming the reporting analyzer. A directive without a reason, and a
// directive that suppresses nothing, are themselves reported (as staticcheck
// does with its lint:ignore), so stale suppressions do not accumulate.
//
// Which analyzer reports a faulty directive, so that each fault is reported
// once and by an analyzer that runs whenever the fault matters:
//
//   - a missing reason, or a directive that suppresses nothing: each analyzer
//     it names, for its own name (a directive naming an analyzer that is not
//     running is left alone, as staticcheck does);
//   - an unknown name (a typo such as chainlok): the known analyzer whose
//     name is closest, with a "did you mean" when it is close;
//   - no name at all: every analyzer that has a diagnostic on the lines the
//     directive would cover (the user evidently meant it), else chainlock.
//
// A directive covers its own line and, when it stands alone on its line,
// the line below; a directive trailing code covers only that code's line.
//
// A Reporter lives for one analysis pass and keeps no global state, so the
// analyzers stay usable under go vet, golangci-lint and Bazel's nogo.
package directive

import (
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/fixes"
)

// Prefix starts a suppression comment.
const Prefix = "//chainlint:ignore"

// Names are the analyzers a directive may name: those of analyzers.All
// (which imports the analyzers, which import this package; a test there
// keeps the two in step).
var Names = []string{"chainlock", "droprequest", "skipafter"}

// defaultOwner reports directives that name no analyzer and are near no
// diagnostic.
const defaultOwner = "chainlock"

// A Reporter filters one pass's diagnostics through the suppression rules.
type Reporter struct {
	// ReportGenerated lets diagnostics in generated files through, with
	// no fix (the generator is what needs fixing), for maintainers of a
	// generator who lint its output.
	ReportGenerated bool

	pass       *analysis.Pass
	generated  map[*token.File]bool
	directives []*ignore
	parsed     bool
}

type ignore struct {
	pos      token.Pos
	file     string // positions are as reported: after //line directives
	line     int
	alone    bool // nothing precedes it on its line: it also covers the next
	names    []string
	reason   string
	badComma bool // "a, b": a space after a comma
	used     bool // it suppressed a diagnostic of this pass's analyzer
	hit      bool // it names nothing, and this analyzer reported on its lines
}

// covering reports whether ig covers line.
func (ig *ignore) covering(file string, line int) bool {
	return ig.file == file && (ig.line == line || ig.alone && ig.line == line-1)
}

// NewReporter returns a Reporter for pass.
func NewReporter(pass *analysis.Pass) *Reporter {
	return &Reporter{pass: pass}
}

// Report reports d unless it lies in a generated file (see
// ReportGenerated) or a directive for this analyzer covers its line.
func (r *Reporter) Report(d analysis.Diagnostic) {
	r.parse()
	tf := r.pass.Fset.File(d.Pos)
	if tf == nil {
		r.pass.Report(d)
		return
	}
	if r.generated[tf] {
		if !r.ReportGenerated {
			return
		}
		d.SuggestedFixes = nil
		d.Message += " (generated file: fix its generator)"
	}
	posn := r.pass.Fset.Position(d.Pos)
	for _, ig := range r.directives {
		if !ig.covering(posn.Filename, posn.Line) {
			continue
		}
		if ig.names == nil {
			ig.hit = true
		} else if ig.covers(r.pass.Analyzer.Name) {
			ig.used = true
			return
		}
	}
	r.pass.Report(translateFixes(r.pass, d))
}

// Ignored reports whether a directive for this analyzer covers pos's
// line, without counting it as used: an analyzer asks before offering a
// fix that would rewrite a marked line.
func (r *Reporter) Ignored(pos token.Pos) bool {
	r.parse()
	posn := r.pass.Fset.Position(pos)
	for _, ig := range r.directives {
		if ig.names != nil && ig.covering(posn.Filename, posn.Line) && ig.covers(r.pass.Analyzer.Name) {
			return true
		}
	}
	return false
}

// translateFixes moves the edits of d's fixes out of cgo's translation of
// a file into the user's file (fixes.Translate); when one cannot be moved,
// d keeps no fix and its message says why.
func translateFixes(pass *analysis.Pass, d analysis.Diagnostic) analysis.Diagnostic {
	var moved []analysis.SuggestedFix
	for _, sf := range d.SuggestedFixes {
		edits, err := fixes.Translate(pass, sf.TextEdits)
		if err != nil {
			d.Message += "; no fix offered: " + strings.TrimPrefix(err.Error(), "fixes: ")
			d.SuggestedFixes = nil
			return d
		}
		sf.TextEdits = edits
		moved = append(moved, sf)
	}
	d.SuggestedFixes = moved
	return d
}

// Generated reports whether pos lies in a generated file; analyzers use it
// to skip work (and never offer fixes) there.
func (r *Reporter) Generated(pos token.Pos) bool {
	r.parse()
	return r.generated[r.pass.Fset.File(pos)]
}

// Finish reports the faulty directives this analyzer owns (see the package
// documentation) and those naming it that suppressed nothing. Call it once,
// after the last Report.
func (r *Reporter) Finish() {
	r.parse()
	name := r.pass.Analyzer.Name
	for _, ig := range r.directives {
		if ig.names == nil {
			if ig.hit {
				r.pass.Reportf(ig.pos, "%s names no analyzer: write %s %s REASON", Prefix, Prefix, name)
			} else if name == defaultOwner {
				r.pass.Reportf(ig.pos, "%s names no analyzer: write %s NAME REASON, NAME one of %s", Prefix, Prefix, strings.Join(Names, ", "))
			}
			continue
		}
		for _, n := range ig.names {
			if !slices.Contains(Names, n) && closest(n) == name {
				if distance(n, name) <= len(name)/3 {
					r.pass.Reportf(ig.pos, "%s names unknown analyzer %q; did you mean %q?", Prefix, n, name)
				} else {
					r.pass.Reportf(ig.pos, "%s names unknown analyzer %q; the analyzers are %s", Prefix, n, strings.Join(Names, ", "))
				}
			}
		}
		switch {
		case !ig.covers(name):
		case ig.badComma:
			r.pass.Reportf(ig.pos, "%s: separate analyzer names with commas and no spaces (%s a,b REASON)", Prefix, Prefix)
		case ig.reason == "":
			r.pass.Reportf(ig.pos, "%s %s needs a reason after the analyzer name", Prefix, name)
		case !ig.used:
			r.pass.Reportf(ig.pos, "this %s directive for %s suppresses nothing; remove it", Prefix, name)
		}
	}
}

// closest returns the known analyzer name nearest to n by edit distance
// (the first in Names on a tie).
func closest(n string) string {
	best, bestD := "", -1
	for _, k := range Names {
		if d := distance(n, k); bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, by bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (ig *ignore) covers(name string) bool {
	for _, n := range ig.names {
		if n == name {
			return true
		}
	}
	return false
}

func (r *Reporter) parse() {
	if r.parsed {
		return
	}
	r.parsed = true
	r.generated = make(map[*token.File]bool)
	for _, f := range r.pass.Files {
		tf := r.pass.Fset.File(f.FileStart)
		if tf == nil {
			continue
		}
		if generated(r.pass.Fset, tf, f) {
			r.generated[tf] = true
			continue
		}
		var found []*ignore
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if ig := parseComment(c); ig != nil {
					posn := r.pass.Fset.Position(c.Slash)
					ig.file, ig.line = posn.Filename, posn.Line
					ig.alone = true
					found = append(found, ig)
				}
			}
		}
		if len(found) == 0 {
			continue
		}
		// A directive trailing code on its line covers only that line.
		byLine := make(map[token.Position]*ignore, len(found))
		for _, ig := range found {
			byLine[token.Position{Filename: ig.file, Line: ig.line}] = ig
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				return false
			}
			if _, ok := n.(*ast.CommentGroup); ok {
				return false
			}
			if end := n.End(); end.IsValid() {
				posn := r.pass.Fset.Position(end)
				if ig := byLine[token.Position{Filename: posn.Filename, Line: posn.Line}]; ig != nil && end <= ig.pos {
					ig.alone = false
				}
			}
			return true
		})
		r.directives = append(r.directives, found...)
	}
}

// generated reports whether f is a generated file. The files cgo makes of
// a user's file (header "Code generated by cmd/cgo", with //line directives
// back to the user's file) are the user's code: drivers built on
// go/packages and go vet analyze them in place of the originals.
func generated(fset *token.FileSet, tf *token.File, f *ast.File) bool {
	if !ast.IsGenerated(f) {
		return false
	}
	for _, cg := range f.Comments {
		if cg.Pos() >= f.Package {
			break
		}
		if strings.Contains(cg.Text(), "Code generated by cmd/cgo; DO NOT EDIT.") {
			return fset.Position(f.Package).Filename == tf.Name()
		}
	}
	return true
}

// parseComment parses "//chainlint:ignore a,b reason..." into an ignore;
// names is nil when the directive names no analyzer.
func parseComment(c *ast.Comment) *ignore {
	rest, ok := strings.CutPrefix(c.Text, Prefix)
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return nil
	}
	ig := &ignore{pos: c.Slash}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return ig
	}
	ig.badComma = strings.HasSuffix(fields[0], ",") && len(fields) > 1
	for _, n := range strings.Split(fields[0], ",") {
		if n != "" {
			ig.names = append(ig.names, n)
		}
	}
	ig.reason = strings.Join(fields[1:], " ")
	return ig
}
