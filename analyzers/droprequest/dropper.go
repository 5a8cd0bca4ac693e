package droprequest

import (
	"fmt"
	"go/ast"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/analyzers/droprequest/internal/reqflow"
	"github.com/chainlint/chainlint/analyzers/internal/directive"
	"github.com/chainlint/chainlint/fixes"
)

// checkDropperCall reports a call, in a function that has the request, of
// another package's runner that runs its after-chain without one.
func (c *checker) checkDropperCall(flow *reqflow.Flow, ac *reqflow.AfterCall) {
	if ac.Callee == nil || ac.Callee.Pkg() == c.pass.Pkg {
		return // same package: reported in the runner, at its calls without a request
	}
	fact := new(DropsRequest)
	if !c.pass.ImportObjectFact(ac.Callee, fact) {
		return
	}
	l, cands := c.latestOf(flow, ac.Call, fact.ReqType)
	if l == nil && len(cands) == 0 {
		return // no request here either
	}
	d := analysis.Diagnostic{Pos: ac.Call.Pos(), End: ac.Call.End()}
	have := "the requests " + reqflow.LatestNames(cands)
	if l != nil {
		have = l.Origin
		if l.Expr != "" {
			have = l.Expr + " (" + l.Origin + ")"
		}
		if l.Pos.IsValid() {
			d.Related = []analysis.RelatedInformation{{Pos: l.Pos, Message: "the request in reach comes from here"}}
		}
	}
	d.Message = fmt.Sprintf("%s runs the after-chain %s without a request: its middlewares take a %s but get none, although %s is in reach here; %s needs a request parameter",
		ac.Name, fact.Chain, fact.ReqType, have, qualifiedName(ac.Callee))
	c.r.Report(d)
}

// latestOf finds the request current at call whose type prints as reqType.
func (c *checker) latestOf(flow *reqflow.Flow, call *ast.CallExpr, reqType string) (*reqflow.Latest, []*reqflow.Latest) {
	for _, t := range c.requestTypes(flow) {
		if typeString(t) == reqType {
			return flow.LatestAt(call, t)
		}
	}
	return nil, nil
}

// requestTypes lists the request types of the function's parameters and
// of the arguments of its calls.
func (c *checker) requestTypes(flow *reqflow.Flow) []types.Type {
	var ts []types.Type
	seen := map[string]bool{}
	add := func(t types.Type) {
		if t != nil && c.m.IsRequest(t) && !seen[typeString(t)] {
			seen[typeString(t)] = true
			ts = append(ts, t)
		}
	}
	fn := flow.Func()
	for _, p := range fn.Params {
		add(p.Type())
	}
	for _, fv := range fn.FreeVars {
		if p, ok := fv.Type().(*types.Pointer); ok {
			add(p.Elem())
		}
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			for _, op := range in.Operands(nil) {
				if op != nil && *op != nil {
					add((*op).Type())
				}
			}
		}
	}
	return ts
}

func qualifiedName(fn *types.Func) string {
	s := fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		s = "(" + typeString(recv.Type()) + ")." + s
	} else if fn.Pkg() != nil {
		s = fn.Pkg().Name() + "." + s
	}
	return s
}

// checkDropper handles a function that passes made-up requests to its
// after-chain and has no request itself: it exports the DropsRequest fact
// and, when a caller in this package has the request, reports each of its
// calls that passes no request, the first with a fix that adds a request
// parameter and passes the callers' request.
//
// A function that passes no request because it calls such a function
// (via) is reported the same way, without a fix.
func (c *checker) checkDropper(fd *ast.FuncDecl, obj *types.Func, ds []drop, via *reqflow.AfterCall, fact *DropsRequest) {
	var reqT types.Type
	if len(ds) > 0 {
		reqT = ds[0].ac.ReqType
	}
	var noFix noFixReason
	if via != nil {
		noFix.set(via.Name + ", which it calls, takes no request either")
	}
	if obj.Exported() {
		noFix.set(obj.Name() + " is exported, so its callers in other packages would break")
	}
	callers, withReq := c.dropperCallers(fd, obj, reqT, fact, &noFix)
	if withReq == nil {
		return // a background job, or only called from other packages
	}
	if obj.Signature().Recv() != nil && c.inInterface(obj.Name()) {
		noFix.set("an interface of this package has a method " + obj.Name())
	}
	for _, x := range ds {
		if c.r.Ignored(x.ac.Call.Pos()) {
			noFix.set("the call at " + c.pos(x.ac.Call) + " is marked " + directive.Prefix + " " + c.pass.Analyzer.Name)
		}
	}
	edits := c.addParamEdits(fd, ds, reqT, callers, &noFix)
	var fix []analysis.SuggestedFix
	if noFix == "" {
		fix = []analysis.SuggestedFix{{
			Message:   fmt.Sprintf("Add a request parameter %s to %s and pass the callers' request", paramName(fd), fd.Name.Name),
			TextEdits: edits,
		}}
	}
	fixedAt := ""
	for _, d := range c.dropperDiagnostics(fd, ds, via, fact, reqT) {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: withReq.call.Pos(), End: withReq.call.End(),
			Message: "this caller has the request"})
		switch {
		case noFix != "":
			d.Message += " (no fix: " + string(noFix) + ")"
		case fixedAt != "":
			// One fix for the runner: applied twice, its edits would
			// overlap.
			d.Message += " (fixed with the finding at " + fixedAt + ")"
		default:
			d.SuggestedFixes = fix
		}
		c.r.Report(d)
		if d.SuggestedFixes != nil && !c.r.Generated(d.Pos) {
			fixedAt = fmt.Sprintf("line %d", c.pass.Fset.Position(d.Pos).Line)
		}
	}
}

// noFixReason is the first reason found why a fix cannot be offered.
type noFixReason string

func (r *noFixReason) set(why string) {
	if *r == "" {
		*r = noFixReason(why)
	}
}

// A caller is a call of a dropper, with the request current there.
type caller struct {
	call *ast.CallExpr
	l    *reqflow.Latest
}

// dropperCallers returns the calls of obj in this package with the request
// current at each, and the first caller that has a request (nil when none
// has); it records in noFix why the callers cannot all pass theirs.
func (c *checker) dropperCallers(fd *ast.FuncDecl, obj *types.Func, reqT types.Type, fact *DropsRequest, noFix *noFixReason) ([]caller, *caller) {
	var uses []*ast.Ident // in source order, for deterministic messages
	for id, o := range c.pass.TypesInfo.Uses {
		if o == obj {
			uses = append(uses, id)
		}
	}
	sort.Slice(uses, func(i, j int) bool { return uses[i].Pos() < uses[j].Pos() })
	var callers []caller
	withReq := -1
	for _, id := range uses {
		call := c.callOf(id)
		if call == nil {
			noFix.set(obj.Name() + " is used as a value at " + c.pass.Fset.Position(id.Pos()).String())
			continue
		}
		fn := c.encl[call]
		if fn == fd || (fn != nil && fd.Pos() <= fn.Pos() && fn.End() <= fd.End()) {
			noFix.set(obj.Name() + " calls itself")
			continue
		}
		if c.r.Generated(call.Pos()) {
			noFix.set("a generated file calls " + obj.Name())
			continue
		}
		var flow *reqflow.Flow
		if fn != nil {
			flow = c.flow(fn)
		}
		if flow == nil {
			noFix.set("a caller of " + obj.Name() + " has no SSA form")
			continue
		}
		var l *reqflow.Latest
		var cands []*reqflow.Latest
		if reqT != nil {
			l, cands = flow.LatestAt(call, reqT)
		} else {
			l, cands = c.latestOf(flow, call, fact.ReqType)
		}
		callers = append(callers, caller{call: call, l: l})
		switch {
		case l != nil:
			if l.Expr == "" {
				noFix.set("the caller at " + c.pos(call) + " cannot name its request: " + l.NoExpr)
			}
		case len(cands) > 0:
			noFix.set("the caller at " + c.pos(call) + " has several requests in reach (" + reqflow.LatestNames(cands) + ")")
		default:
			noFix.set("the caller at " + c.pos(call) + " has no request to pass")
			continue
		}
		if withReq < 0 {
			withReq = len(callers) - 1
		}
	}
	if withReq < 0 {
		return callers, nil
	}
	return callers, &callers[withReq]
}

// dropperDiagnostics reports the runner fd that runs its after-chain
// without a request (no fix yet): one finding per call that passes no
// request (each drop, or the call of the runner via), where an ignore
// directive for it would go; the runner's name is a related position.
func (c *checker) dropperDiagnostics(fd *ast.FuncDecl, ds []drop, via *reqflow.AfterCall, fact *DropsRequest, reqT types.Type) []analysis.Diagnostic {
	runner := fd.Name.Name
	if fd.Recv != nil && len(fd.Recv.List) == 1 && len(fd.Recv.List[0].Names) == 1 {
		runner = fd.Recv.List[0].Names[0].Name + "." + runner
	}
	signature := analysis.RelatedInformation{Pos: fd.Name.Pos(), End: fd.Name.End(), Message: runner + " takes no request"}
	if via != nil {
		return []analysis.Diagnostic{{
			Pos: via.Call.Pos(), End: via.Call.End(),
			Message: fmt.Sprintf("%s runs the after-chain %s through %s without a request: its middlewares take a %s but get none; add a request parameter",
				runner, fact.Chain, via.Name, c.localType(fact.ReqType)),
			Related: []analysis.RelatedInformation{signature, {Pos: via.Call.Pos(), End: via.Call.End(), Message: via.Name + " takes no request"}},
		}}
	}
	reqType := types.TypeString(reqT, func(p *types.Package) string {
		if p == c.pass.Pkg {
			return ""
		}
		return p.Name()
	})
	var diags []analysis.Diagnostic
	for _, x := range ds {
		what := x.v.ArgText
		if _, isVar := ast.Unparen(x.v.Arg).(*ast.Ident); isVar && what != "nil" {
			what += " (" + x.v.Fabricated + ")"
		}
		d := analysis.Diagnostic{
			Pos: x.ac.Call.Pos(), End: x.ac.Call.End(),
			Message: fmt.Sprintf("%s runs the after-chain %s without a request: its middlewares take a %s but get %s; add a request parameter",
				runner, fact.Chain, reqType, what),
			Related: []analysis.RelatedInformation{signature},
		}
		for _, y := range ds {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: y.v.Arg.Pos(), End: y.v.Arg.End(), Message: "the middlewares get " + y.v.ArgText + " here"})
		}
		diags = append(diags, d)
	}
	return diags
}

// addParamEdits returns the edits that add a request parameter to fd,
// pass it to the after-chain in place of the made-up requests, and pass
// each caller's request; it records in noFix why they cannot.
func (c *checker) addParamEdits(fd *ast.FuncDecl, ds []drop, reqT types.Type, callers []caller, noFix *noFixReason) []analysis.TextEdit {
	name := paramName(fd)
	typ := ""
	if reqT != nil {
		var why string
		if typ, why = c.typeExpr(fd, reqT); why != "" {
			noFix.set(why)
		}
	}
	var edits []analysis.TextEdit
	for _, d := range ds {
		why, extra := c.unreplaceable(fd, d.v.Arg)
		if why != "" {
			noFix.set(why)
		}
		edits = append(edits, analysis.TextEdit{Pos: d.v.Arg.Pos(), End: d.v.Arg.End(), NewText: []byte(name)})
		edits = append(edits, extra...)
	}
	if *noFix != "" {
		return nil
	}
	params := fd.Type.Params
	if len(params.List) == 0 {
		edits = append(edits, analysis.TextEdit{Pos: params.Opening + 1, End: params.Opening + 1, NewText: []byte(name + " " + typ)})
	} else {
		edits = append(edits, analysis.TextEdit{Pos: params.List[0].Pos(), End: params.List[0].Pos(), NewText: []byte(name + " " + typ + ", ")})
	}
	for _, cl := range callers {
		if len(cl.call.Args) == 0 {
			edits = append(edits, analysis.TextEdit{Pos: cl.call.Lparen + 1, End: cl.call.Lparen + 1, NewText: []byte(cl.l.Expr)})
		} else {
			edits = append(edits, analysis.TextEdit{Pos: cl.call.Args[0].Pos(), End: cl.call.Args[0].Pos(), NewText: []byte(cl.l.Expr + ", ")})
		}
	}
	return edits
}

// localType drops this package's qualifier from a type printed by
// typeString ("*c.Request" in package c is "*Request").
func (c *checker) localType(s string) string {
	stars := strings.TrimLeft(s, "*")
	if rest, ok := strings.CutPrefix(stars, c.pass.Pkg.Name()+"."); ok {
		return s[:len(s)-len(stars)] + rest
	}
	return s
}

func (c *checker) pos(n ast.Node) string {
	p := c.pass.Fset.Position(n.Pos())
	return fmt.Sprintf("line %d", p.Line)
}

// callOf returns the call whose callee id denotes (F(...) or x.F(...)),
// or nil when id is used otherwise.
func (c *checker) callOf(id *ast.Ident) *ast.CallExpr {
	for call := range c.encl {
		switch fun := ast.Unparen(call.Fun).(type) {
		case *ast.Ident:
			if fun == id {
				return call
			}
		case *ast.SelectorExpr:
			if fun.Sel == id {
				if s := c.pass.TypesInfo.Selections[fun]; s == nil || s.Kind() == types.MethodVal {
					return call
				}
				return nil
			}
		}
	}
	return nil
}

// inInterface reports whether an interface type of the package has a
// method named name (adding a parameter could break its implementation).
func (c *checker) inInterface(name string) bool {
	for _, tv := range c.pass.TypesInfo.Types {
		if it, ok := tv.Type.Underlying().(*types.Interface); ok {
			for m := range it.Methods() {
				if m.Name() == name {
					return true
				}
			}
		}
	}
	return false
}

// paramName picks a name for the new request parameter that no identifier
// of the function uses.
func paramName(fd *ast.FuncDecl) string {
	used := map[string]bool{}
	ast.Inspect(fd, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	for _, n := range []string{"req", "r", "request"} {
		if !used[n] {
			return n
		}
	}
	for i := 2; ; i++ {
		if n := fmt.Sprintf("req%d", i); !used[n] {
			return n
		}
	}
}

// typeExpr writes t as it is spelled in fd's file, or says why it cannot.
func (c *checker) typeExpr(fd *ast.FuncDecl, t types.Type) (string, string) {
	file := chains.FileOf(c.pass, fd.Pos())
	if file == nil {
		return "", "the runner's file is not known"
	}
	s, missing := fixes.TypeString(c.pass, file, t)
	if missing != nil {
		return "", "the runner's file does not import " + missing.Path()
	}
	return s, ""
}
