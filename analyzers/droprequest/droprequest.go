package droprequest

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/analyzers/droprequest/internal/reqflow"
	"github.com/chainlint/chainlint/analyzers/internal/directive"
)

// Analyzer reports after-chains that call after-middlewares without the
// current request.
var Analyzer = &analysis.Analyzer{
	Name:      "droprequest",
	Doc:       Doc,
	URL:       "https://github.com/chainlint/chainlint#droprequest",
	Run:       run,
	Requires:  []*analysis.Analyzer{chains.Analyzer},
	FactTypes: []analysis.Fact{(*DropsRequest)(nil)},
}

// reportGenerated is the -droprequest.generated flag.
var reportGenerated bool

func init() {
	Analyzer.Flags.BoolVar(&reportGenerated, "generated", false,
		"also report in generated files, without fixes, for maintainers of a generator who lint its output")
}

// DropsRequest is the fact that a function runs an after-chain whose
// middlewares take a request, with no request to pass them: it has no
// request parameter and passes nil or a made-up request. Its callers in
// other packages that have the request are reported.
type DropsRequest struct {
	// ReqType is the request type the middlewares take ("*a.Request");
	// Chain names the after-chain ("s.after").
	ReqType, Chain string
}

func (*DropsRequest) AFact() {}

func (f *DropsRequest) String() string {
	return fmt.Sprintf("dropsRequest(%s, %s)", f.Chain, f.ReqType)
}

// A drop is a made-up request argument in a function with no request.
type drop struct {
	ac *reqflow.AfterCall
	v  *reqflow.Verdict
}

// A relay is a call, in a declared function, of a runner that takes no
// request: the caller drops the request too when the runner does and the
// caller has none.
type relay struct {
	fd   *ast.FuncDecl
	flow *reqflow.Flow
	ac   *reqflow.AfterCall
}

// A pending report is a judged request argument to report once every
// replaced argument is known; noun is "" for a made-up request, else
// "request" or "context" for a stale one.
type pending struct {
	fn   ast.Node
	ac   *reqflow.AfterCall
	v    *reqflow.Verdict
	noun string
}

type checker struct {
	pass *analysis.Pass
	m    *chains.Model
	r    *directive.Reporter
	// encl maps every call of the package to its innermost function;
	// funcs lists the functions (declarations and literals) in source
	// order.
	encl  map[*ast.CallExpr]ast.Node
	funcs []ast.Node
	flows map[ast.Node]*reqflow.Flow
	// replaced counts, per variable, the arguments naming it that some
	// diagnostic of this pass replaces.
	replaced map[*types.Var]int
	// group holds, per variable, the replacements of the arguments naming
	// it that diagnostics of this pass can offer.
	group map[*types.Var][]analysis.TextEdit

	// What judging the after-calls found: made-up requests in functions
	// with none (drops, by function in dropOrder), calls of runners
	// without a request parameter (relays), and reports.
	drops     map[*ast.FuncDecl][]drop
	dropOrder []*ast.FuncDecl
	relays    []relay
	reports   []pending
}

// replacing records that a diagnostic replaces arg.
func (c *checker) replacing(arg ast.Expr) {
	if id, ok := ast.Unparen(arg).(*ast.Ident); ok {
		if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok {
			c.replaced[v]++
		}
	}
}

func run(pass *analysis.Pass) (any, error) {
	m := pass.ResultOf[chains.Analyzer].(*chains.Model)
	c := &checker{pass: pass, m: m, r: directive.NewReporter(pass),
		encl: map[*ast.CallExpr]ast.Node{}, flows: map[ast.Node]*reqflow.Flow{},
		replaced: map[*types.Var]int{}, group: map[*types.Var][]analysis.TextEdit{},
		drops: map[*ast.FuncDecl][]drop{}}
	c.r.ReportGenerated = reportGenerated
	c.collectFuncs()
	for _, fn := range c.funcs {
		if reportGenerated || !c.r.Generated(fn.Pos()) {
			c.judgeFunc(fn)
		}
	}
	c.reportJudged()
	c.exportDrops()
	c.r.Finish()
	return nil, nil
}

// collectFuncs fills c.funcs and c.encl.
func (c *checker) collectFuncs() {
	var visit func(root, cur ast.Node)
	visit = func(root, cur ast.Node) {
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				c.funcs = append(c.funcs, n)
				if n.Body != nil {
					visit(n.Body, n)
				}
				return false
			case *ast.FuncLit:
				c.funcs = append(c.funcs, n)
				visit(n.Body, n)
				return false
			case *ast.CallExpr:
				if cur != nil {
					c.encl[n] = cur
				}
			}
			return true
		})
	}
	for _, f := range c.pass.Files {
		visit(f, nil)
	}
}

// judgeFunc judges the request (and context) argument of each after-call
// of fn, and records what is to be reported.
func (c *checker) judgeFunc(fn ast.Node) {
	acs := reqflow.AfterCalls(c.m, fn)
	if len(acs) == 0 {
		return
	}
	flow := c.flow(fn)
	if flow == nil {
		return
	}
	fd, _ := fn.(*ast.FuncDecl)
	for _, ac := range acs {
		if cv := flow.JudgeContext(ac); cv.Kind == reqflow.ArgStale {
			c.reports = append(c.reports, pending{fn, ac, cv, "context"})
		}
		if ac.ReqArg < 0 {
			if ac.Callee == nil {
				continue // an after-chain taking a context, and no request
			}
			c.checkDropperCall(flow, ac)
			if fd != nil {
				c.relays = append(c.relays, relay{fd, flow, ac})
			}
			continue
		}
		v := flow.Judge(ac)
		switch v.Kind {
		case reqflow.ArgFabricated:
			if v.Latest == nil && len(v.Candidates) == 0 {
				// No request in reach: a runner without one, or a
				// background job.
				if fd != nil {
					if len(c.drops[fd]) == 0 {
						c.dropOrder = append(c.dropOrder, fd)
					}
					c.drops[fd] = append(c.drops[fd], drop{ac, v})
					c.replacing(v.Arg)
				}
				continue
			}
			c.reports = append(c.reports, pending{fn, ac, v, ""})
		case reqflow.ArgStale:
			c.reports = append(c.reports, pending{fn, ac, v, "request"})
		}
	}
}

// reportJudged reports the pending findings once every replaced argument
// is known, so that a variable whose last uses all get replaced is seen as
// such.
func (c *checker) reportJudged() {
	for _, p := range c.reports {
		c.replacing(p.v.Arg)
		if l := p.v.Latest; l != nil && l.Expr != "" {
			if id, ok := ast.Unparen(p.v.Arg).(*ast.Ident); ok {
				if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok {
					c.group[v] = append(c.group[v], analysis.TextEdit{Pos: id.Pos(), End: id.End(), NewText: []byte(l.Expr)})
				}
			}
		}
	}
	for _, p := range c.reports {
		if p.noun == "" {
			c.reportFabricated(p.fn, p.ac, p.v)
		} else {
			c.reportStale(p.fn, p.ac, p.v, p.noun)
		}
	}
}

// exportDrops exports the DropsRequest facts, of functions passing made-up
// requests and then, to a fixed point, of functions with no request that
// call one of those, and reports those functions.
func (c *checker) exportDrops() {
	facts := map[*types.Func]*DropsRequest{}
	for _, fd := range c.dropOrder {
		if obj, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
			ds := c.drops[fd]
			chain := ds[0].ac.Name
			if ds[0].ac.Chain != "" {
				chain = ds[0].ac.Chain
			}
			facts[obj] = &DropsRequest{ReqType: typeString(ds[0].ac.ReqType), Chain: chain}
		}
	}
	via := c.relayDrops(facts)
	for _, fd := range c.dropOrder {
		obj, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
		if !ok || facts[obj] == nil {
			continue
		}
		c.pass.ExportObjectFact(obj, facts[obj])
		c.checkDropper(fd, obj, c.drops[fd], via[fd], facts[obj])
	}
}

// relayDrops adds to facts, to a fixed point, the functions with no
// request that call a function that drops it (of this package, or of
// another by its fact), and returns the call through which each drops it.
func (c *checker) relayDrops(facts map[*types.Func]*DropsRequest) map[*ast.FuncDecl]*reqflow.AfterCall {
	via := map[*ast.FuncDecl]*reqflow.AfterCall{}
	for changed := true; changed; {
		changed = false
		for _, rl := range c.relays {
			obj, ok := c.pass.TypesInfo.Defs[rl.fd.Name].(*types.Func)
			if !ok || facts[obj] != nil {
				continue
			}
			f := facts[rl.ac.Callee]
			if f == nil && rl.ac.Callee.Pkg() != c.pass.Pkg {
				if imp := new(DropsRequest); c.pass.ImportObjectFact(rl.ac.Callee, imp) {
					f = imp
				}
			}
			if f == nil {
				continue
			}
			if l, cands := c.latestOf(rl.flow, rl.ac.Call, f.ReqType); l != nil || len(cands) > 0 {
				continue // it has the request: reported at the call (other packages) or at the callee
			}
			facts[obj] = &DropsRequest{ReqType: f.ReqType, Chain: f.Chain}
			via[rl.fd] = rl.ac
			c.dropOrder = append(c.dropOrder, rl.fd)
			changed = true
		}
	}
	return via
}

func (c *checker) flow(fn ast.Node) *reqflow.Flow {
	if f, ok := c.flows[fn]; ok {
		return f
	}
	f := reqflow.New(c.m, fn)
	c.flows[fn] = f
	return f
}

// reportFabricated reports nil, a zero value, new(T) or &T{} passed as the
// request while the function has one.
func (c *checker) reportFabricated(fn ast.Node, ac *reqflow.AfterCall, v *reqflow.Verdict) {
	what := v.ArgText
	if _, isVar := ast.Unparen(v.Arg).(*ast.Ident); isVar && v.ArgText != "nil" {
		what = v.ArgText + " (" + v.Fabricated + ")"
	}
	msg := fmt.Sprintf("%s gets %s instead of the request", ac.Name, what)
	c.reportReplace(fn, ac, v, msg)
}

// reportStale reports a request (or context) from before a rewrite that
// the current one went through.
func (c *checker) reportStale(fn ast.Node, ac *reqflow.AfterCall, v *reqflow.Verdict, noun string) {
	if v.Branch != "" {
		c.reportBranch(ac, v, noun)
		return
	}
	msg := fmt.Sprintf("%s gets the stale %s %s, from before %s", ac.Name, noun, v.ArgText, v.Step)
	c.reportReplace(fn, ac, v, msg)
}

// reportBranch reports a request (or context) that went through rewrites
// of its own but missed one the current request went through. No single
// value carries both, so there is no fix.
func (c *checker) reportBranch(ac *reqflow.AfterCall, v *reqflow.Verdict, noun string) {
	d := analysis.Diagnostic{Pos: v.Arg.Pos(), End: v.Arg.End()}
	l := v.Latest
	cur := l.Describe()
	if l.Pos.IsValid() {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: l.Pos, Message: "the current " + noun + " comes from here"})
	}
	if l.HandlerPos.IsValid() {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: l.HandlerPos, Message: "the handler receives it here"})
	}
	d.Message = fmt.Sprintf("%s gets the stale %s %s, which misses %s: the current one is %s; no fix: %s went through %s instead, and passing the current %s would drop what that added",
		ac.Name, noun, v.ArgText, v.Step, cur, v.ArgText, v.Branch, noun)
	c.r.Report(d)
}

// reportReplace finishes the message with the request to pass and offers
// the fix that passes it, when it is safe.
func (c *checker) reportReplace(fn ast.Node, ac *reqflow.AfterCall, v *reqflow.Verdict, msg string) {
	d := analysis.Diagnostic{Pos: v.Arg.Pos(), End: v.Arg.End()}
	l := v.Latest
	switch {
	case l == nil:
		msg += "; no fix: several requests are in reach (" + reqflow.LatestNames(v.Candidates) + ") and no handler call settles which is current"
	default:
		msg += "; pass " + l.Describe()
		if l.Pos.IsValid() {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: l.Pos, Message: "the current request comes from here"})
		}
		if l.HandlerPos.IsValid() {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: l.HandlerPos, Message: "the handler receives it here"})
		}
		if v.Deferred {
			msg += " at the function's exit (the defer statement evaluates its arguments when it runs)"
		}
		why := ""
		var edits []analysis.TextEdit
		switch {
		case l.Expr == "":
			why = l.NoExpr
		case v.Deferred:
			why, edits = c.deferFix(fn, ac, v)
		default:
			var extra []analysis.TextEdit
			why, extra = c.unreplaceable(fn, v.Arg)
			edits = append([]analysis.TextEdit{{Pos: v.Arg.Pos(), End: v.Arg.End(), NewText: []byte(l.Expr)}}, extra...)
		}
		if why != "" {
			msg += "; no fix: " + why
			break
		}
		d.SuggestedFixes = []analysis.SuggestedFix{{
			Message:   fmt.Sprintf("Pass %s to %s", l.Expr, ac.Name),
			TextEdits: edits,
		}}
	}
	d.Message = msg
	c.r.Report(d)
}

func typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}
