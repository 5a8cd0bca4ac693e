package skipafter

import (
	"fmt"
	"go/ast"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/analyzers/internal/directive"
	"github.com/chainlint/chainlint/analyzers/skipafter/internal/shortcircuit"
	"github.com/chainlint/chainlint/fixes"
)

// Analyzer reports returns of a short-circuit response that bypass the
// after-chain or the response finalizers.
var Analyzer = &analysis.Analyzer{
	Name:     "skipafter",
	Doc:      Doc,
	URL:      "https://github.com/chainlint/chainlint#skipafter",
	Requires: []*analysis.Analyzer{chains.Analyzer, inspect.Analyzer, fixes.Analyzer},
	Run:      run,
}

// reportErrors is the -skipafter.errors flag, the analyzer's only
// package-level state.
var reportErrors bool

func init() {
	Analyzer.Flags.BoolVar(&reportErrors, "errors", false, "also report returns of the before-chain's error (with no response) that bypass the after-chain or finalizers")
}

func run(pass *analysis.Pass) (any, error) {
	m := pass.ResultOf[chains.Analyzer].(*chains.Model)
	r := directive.NewReporter(pass)
	defer r.Finish()
	// The functions that run a before-chain: the model's runners, and
	// function literals, which may call a before-runner (the model tracks
	// declared functions only).
	var fns []ast.Node
	seen := map[ast.Node]bool{}
	for _, rn := range m.Runners {
		if rn.Before && !seen[rn.Func] {
			seen[rn.Func] = true
			fns = append(fns, rn.Func)
		}
	}
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	for n := range insp.PreorderSeq((*ast.FuncLit)(nil)) {
		if !seen[n] {
			seen[n] = true
			fns = append(fns, n)
		}
	}
	for _, fn := range fns {
		if r.Generated(fn.Pos()) {
			continue
		}
		all := shortcircuit.Find(m, fn)
		// A fix that also fixes later short-circuits of the function is
		// theirs too: each diagnostic offers the identical edits.
		joined := map[*shortcircuit.ShortCircuit]*analysis.SuggestedFix{}
		for _, sc := range all {
			if sc.Kind == shortcircuit.Error && !reportErrors {
				continue
			}
			r.Report(diagnostic(pass, m, sc, all, joined))
		}
	}
	return nil, nil
}

// diagnostic builds the report for sc, with its fix when one is safe.
func diagnostic(pass *analysis.Pass, m *chains.Model, sc *shortcircuit.ShortCircuit, all []*shortcircuit.ShortCircuit, joined map[*shortcircuit.ShortCircuit]*analysis.SuggestedFix) analysis.Diagnostic {
	var names []string
	var related []analysis.RelatedInformation
	for _, s := range sc.Skipped {
		names = append(names, s.Name)
		related = append(related, analysis.RelatedInformation{Pos: s.Node.Pos(), End: s.Node.End(), Message: "skipped: " + s.Name})
	}
	what := "short-circuit response"
	if sc.Kind == shortcircuit.Error {
		what = "error"
	}
	src := sc.SourceName
	if sc.Signal != "" {
		src += " (signalled by " + sc.Signal + ")"
	}
	msg := fmt.Sprintf("%s from %s %s without running %s", what, src, sc.How, joinAnd(names))
	d := analysis.Diagnostic{Pos: sc.Exit.Pos(), End: sc.Exit.End(), Category: "skipafter", Message: msg, Related: related}
	fix, ok := joined[sc]
	why := ""
	if !ok {
		var also []*shortcircuit.ShortCircuit
		fix, also, why = suggestFix(pass, m, sc, all)
		for _, o := range also {
			joined[o] = fix
		}
	}
	if why != "" {
		d.Message += "; no fix: " + why
	} else if fix != nil {
		d.SuggestedFixes = []analysis.SuggestedFix{*fix}
	}
	return d
}

// joinAnd joins "a", "b", "c" as "a, b and c".
func joinAnd(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
