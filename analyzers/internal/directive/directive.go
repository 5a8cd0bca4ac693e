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
// A Reporter lives for one analysis pass and keeps no global state, so the
// analyzers stay usable under go vet, golangci-lint and Bazel's nogo.
package directive

import (
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Prefix starts a suppression comment.
const Prefix = "//chainlint:ignore"

// A Reporter filters one pass's diagnostics through the suppression rules.
type Reporter struct {
	pass       *analysis.Pass
	generated  map[*token.File]bool
	directives []*ignore
	parsed     bool
}

type ignore struct {
	pos    token.Pos
	file   *token.File
	line   int
	names  []string
	reason string
	used   bool
}

// NewReporter returns a Reporter for pass.
func NewReporter(pass *analysis.Pass) *Reporter {
	return &Reporter{pass: pass}
}

// Report reports d unless it lies in a generated file or a directive for
// this analyzer covers its line.
func (r *Reporter) Report(d analysis.Diagnostic) {
	r.parse()
	tf := r.pass.Fset.File(d.Pos)
	if tf == nil {
		r.pass.Report(d)
		return
	}
	if r.generated[tf] {
		return
	}
	line := tf.Line(d.Pos)
	for _, ig := range r.directives {
		if ig.file == tf && (ig.line == line || ig.line == line-1) && ig.names != nil && ig.covers(r.pass.Analyzer.Name) {
			ig.used = true
			return
		}
	}
	r.pass.Report(d)
}

// Generated reports whether pos lies in a generated file; analyzers use it
// to skip work (and never offer fixes) there.
func (r *Reporter) Generated(pos token.Pos) bool {
	r.parse()
	return r.generated[r.pass.Fset.File(pos)]
}

// Finish reports this analyzer's malformed directives and those that
// suppressed nothing. Call it once, after the last Report.
func (r *Reporter) Finish() {
	r.parse()
	name := r.pass.Analyzer.Name
	for _, ig := range r.directives {
		switch {
		case ig.names == nil:
			// Report a malformed directive once, from whichever
			// analyzer owns the first name, or chainlock by default.
			if name == "chainlock" {
				r.pass.Reportf(ig.pos, "malformed %s directive: want %q", Prefix, Prefix+" NAME reason")
			}
		case !ig.covers(name):
		case ig.reason == "":
			r.pass.Reportf(ig.pos, "%s %s needs a reason after the analyzer name", Prefix, name)
		case !ig.used:
			r.pass.Reportf(ig.pos, "this %s directive for %s suppresses nothing; remove it", Prefix, name)
		}
	}
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
		if ast.IsGenerated(f) {
			r.generated[tf] = true
			continue
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if ig := parseComment(c); ig != nil {
					ig.file = tf
					ig.line = tf.Line(c.Slash)
					r.directives = append(r.directives, ig)
				}
			}
		}
	}
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
	for _, n := range strings.Split(fields[0], ",") {
		if n != "" {
			ig.names = append(ig.names, n)
		}
	}
	ig.reason = strings.Join(fields[1:], " ")
	return ig
}
