package droprequest

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/analyzers/internal/directive"
	"github.com/chainlint/chainlint/fixes"
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
	ac *chains.AfterCall
	v  *chains.Verdict
}

type checker struct {
	pass *analysis.Pass
	m    *chains.Model
	r    *directive.Reporter
	// encl maps every call of the package to its innermost function.
	encl  map[*ast.CallExpr]ast.Node
	flows map[ast.Node]*chains.RequestFlow
	// replaced counts, per variable, the arguments naming it that some
	// diagnostic of this pass replaces.
	replaced map[*types.Var]int
	// group holds, per variable, the replacements of the arguments naming
	// it that diagnostics of this pass can offer.
	group map[*types.Var][]analysis.TextEdit
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
		encl: map[*ast.CallExpr]ast.Node{}, flows: map[ast.Node]*chains.RequestFlow{},
		replaced: map[*types.Var]int{}, group: map[*types.Var][]analysis.TextEdit{}}
	var funcs []ast.Node
	var visit func(root, cur ast.Node)
	visit = func(root, cur ast.Node) {
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				funcs = append(funcs, n)
				if n.Body != nil {
					visit(n.Body, n)
				}
				return false
			case *ast.FuncLit:
				funcs = append(funcs, n)
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
	for _, f := range pass.Files {
		visit(f, nil)
	}

	drops := map[*ast.FuncDecl][]drop{}
	var dropOrder []*ast.FuncDecl
	type relay struct {
		fd   *ast.FuncDecl
		flow *chains.RequestFlow
		ac   *chains.AfterCall
	}
	var relays []relay
	type pending struct {
		fn   ast.Node
		ac   *chains.AfterCall
		v    *chains.Verdict
		noun string
	}
	var reports []pending
	for _, fn := range funcs {
		if c.r.Generated(fn.Pos()) {
			continue
		}
		acs := m.AfterCalls(fn)
		if len(acs) == 0 {
			continue
		}
		flow := c.flow(fn)
		if flow == nil {
			continue
		}
		for _, ac := range acs {
			if ac.ReqArg < 0 {
				c.checkDropperCall(flow, ac)
				if fd, ok := fn.(*ast.FuncDecl); ok {
					relays = append(relays, relay{fd, flow, ac})
				}
				continue
			}
			v := flow.Judge(ac)
			switch v.Kind {
			case chains.ArgFabricated:
				if v.Latest == nil && len(v.Candidates) == 0 {
					// No request in reach: a runner without one, or a
					// background job.
					if fd, ok := fn.(*ast.FuncDecl); ok {
						if len(drops[fd]) == 0 {
							dropOrder = append(dropOrder, fd)
						}
						drops[fd] = append(drops[fd], drop{ac, v})
						c.replacing(v.Arg)
					}
					continue
				}
				reports = append(reports, pending{fn, ac, v, ""})
			case chains.ArgStale:
				reports = append(reports, pending{fn, ac, v, "request"})
			}
			if cv := flow.JudgeContext(ac); cv.Kind == chains.ArgStale {
				reports = append(reports, pending{fn, ac, cv, "context"})
			}
		}
	}
	// Report once every replaced argument is known, so that a variable
	// whose last uses all get replaced is seen as such.
	for _, p := range reports {
		c.replacing(p.v.Arg)
		if l := p.v.Latest; l != nil && l.Expr != "" {
			if id, ok := ast.Unparen(p.v.Arg).(*ast.Ident); ok {
				if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok {
					c.group[v] = append(c.group[v], analysis.TextEdit{Pos: id.Pos(), End: id.End(), NewText: []byte(l.Expr)})
				}
			}
		}
	}
	for _, p := range reports {
		if p.noun == "" {
			c.reportFabricated(p.fn, p.ac, p.v)
		} else {
			c.reportStale(p.fn, p.ac, p.v, p.noun)
		}
	}

	// The DropsRequest facts: functions passing made-up requests, then, to
	// a fixed point, functions with no request that call one of those.
	facts := map[*types.Func]*DropsRequest{}
	for _, fd := range dropOrder {
		if obj, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
			ds := drops[fd]
			chain := ds[0].ac.Name
			if ds[0].ac.Loop != nil {
				chain = ds[0].ac.Loop.ChainName
			}
			facts[obj] = &DropsRequest{ReqType: typeString(ds[0].ac.ReqType), Chain: chain}
		}
	}
	via := map[*ast.FuncDecl]*chains.AfterCall{}
	for changed := true; changed; {
		changed = false
		for _, rl := range relays {
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
			dropOrder = append(dropOrder, rl.fd)
			changed = true
		}
	}
	for _, fd := range dropOrder {
		obj, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
		if !ok || facts[obj] == nil {
			continue
		}
		c.pass.ExportObjectFact(obj, facts[obj])
		c.checkDropper(fd, obj, drops[fd], via[fd], facts[obj])
	}
	c.r.Finish()
	return nil, nil
}

func (c *checker) flow(fn ast.Node) *chains.RequestFlow {
	if f, ok := c.flows[fn]; ok {
		return f
	}
	f := c.m.RequestFlow(fn)
	c.flows[fn] = f
	return f
}

// reportFabricated reports nil, a zero value, new(T) or &T{} passed as the
// request while the function has one.
func (c *checker) reportFabricated(fn ast.Node, ac *chains.AfterCall, v *chains.Verdict) {
	what := v.ArgText
	if _, isVar := ast.Unparen(v.Arg).(*ast.Ident); isVar && v.ArgText != "nil" {
		what = v.ArgText + " (" + v.Fabricated + ")"
	}
	msg := fmt.Sprintf("%s gets %s instead of the request", ac.Name, what)
	c.reportReplace(fn, ac, v, msg)
}

// reportStale reports a request (or context) from before a rewrite that
// the current one went through.
func (c *checker) reportStale(fn ast.Node, ac *chains.AfterCall, v *chains.Verdict, noun string) {
	msg := fmt.Sprintf("%s gets the stale %s %s, from before %s", ac.Name, noun, v.ArgText, v.Step)
	c.reportReplace(fn, ac, v, msg)
}

// reportReplace finishes the message with the request to pass and offers
// the fix that passes it, when it is safe.
func (c *checker) reportReplace(fn ast.Node, ac *chains.AfterCall, v *chains.Verdict, msg string) {
	d := analysis.Diagnostic{Pos: v.Arg.Pos(), End: v.Arg.End()}
	l := v.Latest
	switch {
	case l == nil:
		msg += "; no fix: several requests are in reach (" + chains.LatestNames(v.Candidates) + ") and no handler call settles which is current"
	default:
		msg += "; pass " + l.Describe()
		if l.Pos.IsValid() {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: l.Pos, Message: "the current request comes from here"})
		}
		if l.HandlerPos.IsValid() {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: l.HandlerPos, Message: "the handler receives it here"})
		}
		why := ""
		var extra []analysis.TextEdit
		if l.Expr == "" {
			why = l.NoExpr
		} else {
			why, extra = c.unreplaceable(fn, v.Arg)
		}
		if why != "" {
			msg += "; no fix: " + why
			break
		}
		d.SuggestedFixes = []analysis.SuggestedFix{{
			Message:   fmt.Sprintf("Pass %s to %s", l.Expr, ac.Name),
			TextEdits: append([]analysis.TextEdit{{Pos: v.Arg.Pos(), End: v.Arg.End(), NewText: []byte(l.Expr)}}, extra...),
		}}
	}
	d.Message = msg
	c.r.Report(d)
}

// unreplaceable says why arg cannot simply be replaced: it calls a
// function (the call would be lost), or it is the last use of a local
// variable whose declaration cannot go with it (an unused variable does not
// compile). When the declaration can go (a statement of its own line whose
// value has no effect), the edits deleting it are returned.
func (c *checker) unreplaceable(fn ast.Node, arg ast.Expr) (string, []analysis.TextEdit) {
	info := c.pass.TypesInfo
	why := ""
	ast.Inspect(arg, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || why != "" {
			return why == ""
		}
		if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
			return true // a conversion
		}
		if b, ok := typeutil.Callee(info, call).(*types.Builtin); ok && b.Name() == "new" {
			return true
		}
		why = "replacing " + types.ExprString(arg) + " would drop the call " + types.ExprString(call.Fun)
		return false
	})
	if why != "" {
		return why, nil
	}
	id, ok := ast.Unparen(arg).(*ast.Ident)
	if !ok {
		return "", nil
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok || v.IsField() || v.Pkg() != c.pass.Pkg || v.Parent() == v.Pkg().Scope() || !within(v.Pos(), fn) {
		return "", nil // a package-level variable, or one of an enclosing function
	}
	var ft *ast.FuncType
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		ft = fn.Type
	case *ast.FuncLit:
		ft = fn.Type
	}
	if ft != nil && ft.Params != nil {
		for _, fld := range ft.Params.List {
			for _, n := range fld.Names {
				if info.Defs[n] == v {
					return "", nil // parameters may go unused
				}
			}
		}
	}
	uses := 0
	for other, obj := range info.Uses {
		if obj == v && other != id {
			uses++
		}
	}
	if uses >= c.replaced[v] {
		return "", nil // used elsewhere, by code no fix replaces
	}
	// Every use of v is an argument some diagnostic replaces: each of
	// their fixes replaces them all and deletes the declaration (identical
	// edit sets, applied once when several fixes are).
	var extra []analysis.TextEdit
	if c.replaced[v] > 1 {
		g := c.group[v]
		if len(g) != c.replaced[v] {
			return "replacing " + id.Name + " here and in its other after-chain calls would leave it unused", nil
		}
		for _, e := range g {
			if e.Pos != id.Pos() {
				extra = append(extra, e)
			}
		}
	}
	if edits := c.deleteDecl(fn, v); edits != nil {
		return "", append(extra, edits...)
	}
	return "replacing " + id.Name + " would leave it unused", nil
}

func within(pos token.Pos, n ast.Node) bool { return n.Pos() <= pos && pos < n.End() }

// deleteDecl returns the edit deleting the declaration of v, when it is a
// statement alone on its line ("v := x", "var v T", "var v = x") whose
// value has no effect (a variable, a constant, nil, &T{} or new(T)), and v
// is assigned nowhere else.
func (c *checker) deleteDecl(fn ast.Node, v *types.Var) []analysis.TextEdit {
	info := c.pass.TypesInfo
	var stmt ast.Stmt
	var value ast.Expr
	assigns := 0
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := ast.Unparen(l).(*ast.Ident); ok && (info.Defs[id] == v || info.Uses[id] == v) {
					assigns++
					if info.Defs[id] == v && len(n.Lhs) == 1 && len(n.Rhs) == 1 {
						stmt, value = n, n.Rhs[0]
					}
				}
			}
		case *ast.DeclStmt:
			gd, ok := n.Decl.(*ast.GenDecl)
			if !ok || len(gd.Specs) != 1 || gd.Lparen.IsValid() {
				return true
			}
			if vs, ok := gd.Specs[0].(*ast.ValueSpec); ok && len(vs.Names) == 1 && info.Defs[vs.Names[0]] == v && len(vs.Values) <= 1 {
				assigns++
				stmt = n
				if len(vs.Values) == 1 {
					value = vs.Values[0]
				}
			}
		case *ast.IncDecStmt:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && info.Uses[id] == v {
				assigns += 2
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok && (info.Defs[id] == v || info.Uses[id] == v) {
					assigns += 2
				}
			}
		case *ast.UnaryExpr:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND && info.Uses[id] == v {
				assigns += 2
			}
		}
		return true
	})
	if stmt == nil || assigns != 1 || (value != nil && !pure(info, value)) {
		return nil
	}
	tf := c.pass.Fset.File(stmt.Pos())
	if tf == nil {
		return nil
	}
	src, err := fixes.Source(c.pass, tf)
	if err != nil {
		return nil
	}
	line := tf.Line(stmt.Pos())
	if tf.Line(stmt.End()) != line {
		return nil
	}
	start := tf.LineStart(line)
	end := token.Pos(tf.Base() + tf.Size())
	if line < tf.LineCount() {
		end = tf.LineStart(line + 1)
	}
	off := func(p token.Pos) int { return tf.Offset(p) }
	if strings.TrimSpace(string(src[off(start):off(stmt.Pos())])) != "" ||
		strings.TrimSpace(string(src[off(stmt.End()):off(end)])) != "" {
		return nil // shares its line with other code or a comment
	}
	return []analysis.TextEdit{{Pos: start, End: end}}
}

// pure reports whether evaluating e has no effect and cannot panic.
func pure(info *types.Info, e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.UnaryExpr:
		if cl, ok := ast.Unparen(e.X).(*ast.CompositeLit); ok && e.Op == token.AND {
			return pure(info, cl)
		}
	case *ast.CompositeLit:
		for _, el := range e.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			if !pure(info, el) {
				return false
			}
		}
		return true
	case *ast.CallExpr:
		if tv, ok := info.Types[e.Fun]; ok && tv.IsType() && len(e.Args) == 1 {
			return pure(info, e.Args[0]) // a conversion
		}
		if b, ok := typeutil.Callee(info, e).(*types.Builtin); ok && b.Name() == "new" {
			return true
		}
	}
	return false
}

// checkDropperCall reports a call, in a function that has the request, of
// another package's runner that runs its after-chain without one.
func (c *checker) checkDropperCall(flow *chains.RequestFlow, ac *chains.AfterCall) {
	if ac.Callee == nil || ac.Callee.Pkg() == c.pass.Pkg {
		return // same package: reported at the runner
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
	have := "the requests " + chains.LatestNames(cands)
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
func (c *checker) latestOf(flow *chains.RequestFlow, call *ast.CallExpr, reqType string) (*chains.Latest, []*chains.Latest) {
	for _, t := range c.requestTypes(flow) {
		if typeString(t) == reqType {
			return flow.LatestAt(call, t)
		}
	}
	return nil, nil
}

// requestTypes lists the request types of the function's parameters and
// of the arguments of its calls.
func (c *checker) requestTypes(flow *chains.RequestFlow) []types.Type {
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

func typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
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
// and, when a caller in this package has the request, reports the function
// with a fix that adds a request parameter and passes the callers' request.
//
// A function that passes no request because it calls such a function
// (via) is reported the same way, without a fix.
func (c *checker) checkDropper(fd *ast.FuncDecl, obj *types.Func, ds []drop, via *chains.AfterCall, fact *DropsRequest) {
	var reqT types.Type
	if len(ds) > 0 {
		reqT = ds[0].ac.ReqType
	}

	type caller struct {
		call *ast.CallExpr
		l    *chains.Latest
	}
	var callers []caller
	var withReq *caller
	noFix := ""
	setNoFix := func(s string) {
		if noFix == "" {
			noFix = s
		}
	}
	if via != nil {
		setNoFix(via.Name + ", which it calls, takes no request either")
	}
	if obj.Exported() {
		setNoFix(obj.Name() + " is exported, so its callers in other packages would break")
	}
	var uses []*ast.Ident // in source order, for deterministic messages
	for id, o := range c.pass.TypesInfo.Uses {
		if o == obj {
			uses = append(uses, id)
		}
	}
	sort.Slice(uses, func(i, j int) bool { return uses[i].Pos() < uses[j].Pos() })
	for _, id := range uses {
		call := c.callOf(id)
		if call == nil {
			setNoFix(obj.Name() + " is used as a value at " + c.pass.Fset.Position(id.Pos()).String())
			continue
		}
		fn := c.encl[call]
		if fn == fd || (fn != nil && fd.Pos() <= fn.Pos() && fn.End() <= fd.End()) {
			setNoFix(obj.Name() + " calls itself")
			continue
		}
		if c.r.Generated(call.Pos()) {
			setNoFix("a generated file calls " + obj.Name())
			continue
		}
		var flow *chains.RequestFlow
		if fn != nil {
			flow = c.flow(fn)
		}
		if flow == nil {
			setNoFix("a caller of " + obj.Name() + " has no SSA form")
			continue
		}
		var l *chains.Latest
		var cands []*chains.Latest
		if reqT != nil {
			l, cands = flow.LatestAt(call, reqT)
		} else {
			l, cands = c.latestOf(flow, call, fact.ReqType)
		}
		cl := caller{call: call, l: l}
		callers = append(callers, cl)
		switch {
		case l != nil:
			if withReq == nil || call.Pos() < withReq.call.Pos() {
				withReq = &callers[len(callers)-1]
			}
			if l.Expr == "" {
				setNoFix("the caller at " + c.pos(call) + " cannot name its request: " + l.NoExpr)
			}
		case len(cands) > 0:
			if withReq == nil || call.Pos() < withReq.call.Pos() {
				withReq = &callers[len(callers)-1]
			}
			setNoFix("the caller at " + c.pos(call) + " has several requests in reach (" + chains.LatestNames(cands) + ")")
		default:
			setNoFix("the caller at " + c.pos(call) + " has no request to pass")
		}
	}
	if withReq == nil {
		return // a background job, or only called from other packages
	}
	if _, isMethod := obj.Type().(*types.Signature); isMethod && obj.Signature().Recv() != nil && c.inInterface(obj.Name()) {
		setNoFix("an interface of this package has a method " + obj.Name())
	}
	name := paramName(fd)
	typ := ""
	if reqT != nil {
		var why string
		if typ, why = c.typeExpr(fd, reqT); why != "" {
			setNoFix(why)
		}
	}
	var edits []analysis.TextEdit
	for _, d := range ds {
		why, extra := c.unreplaceable(fd, d.v.Arg)
		if why != "" {
			setNoFix(why)
		}
		edits = append(edits, analysis.TextEdit{Pos: d.v.Arg.Pos(), End: d.v.Arg.End(), NewText: []byte(name)})
		edits = append(edits, extra...)
	}

	runner := fd.Name.Name
	if fd.Recv != nil && len(fd.Recv.List) == 1 && len(fd.Recv.List[0].Names) == 1 {
		runner = fd.Recv.List[0].Names[0].Name + "." + runner
	}
	var msg string
	d := analysis.Diagnostic{Pos: fd.Name.Pos(), End: fd.Name.End()}
	if via != nil {
		msg = fmt.Sprintf("%s runs the after-chain %s through %s without a request: its middlewares take a %s but get none; add a request parameter",
			runner, fact.Chain, via.Name, c.localType(fact.ReqType))
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: via.Call.Pos(), End: via.Call.End(), Message: via.Name + " takes no request"})
	} else {
		what := ds[0].v.ArgText
		if _, isVar := ast.Unparen(ds[0].v.Arg).(*ast.Ident); isVar && what != "nil" {
			what += " (" + ds[0].v.Fabricated + ")"
		}
		msg = fmt.Sprintf("%s runs the after-chain %s without a request: its middlewares take a %s but get %s; add a request parameter",
			runner, fact.Chain, types.TypeString(reqT, func(p *types.Package) string {
				if p == c.pass.Pkg {
					return ""
				}
				return p.Name()
			}), what)
	}
	for _, x := range ds {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: x.v.Arg.Pos(), End: x.v.Arg.End(), Message: "the middlewares get " + x.v.ArgText + " here"})
	}
	d.Related = append(d.Related, analysis.RelatedInformation{Pos: withReq.call.Pos(), End: withReq.call.End(),
		Message: "this caller has the request"})
	if noFix != "" {
		d.Message = msg + " (no fix: " + noFix + ")"
		c.r.Report(d)
		return
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
	d.Message = msg
	d.SuggestedFixes = []analysis.SuggestedFix{{
		Message:   fmt.Sprintf("Add a request parameter %s to %s and pass the callers' request", name, fd.Name.Name),
		TextEdits: edits,
	}}
	c.r.Report(d)
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
