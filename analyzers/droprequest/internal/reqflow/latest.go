package reqflow

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// latest finds the request of type t current at in: the request the
// nearest dominating handler call received, else the most derived request
// in reach (from the function's request parameters and captured requests,
// through the derivations that dominate in).
func (f *Flow) latest(in ssa.Instruction, t types.Type) (*Latest, []*Latest) {
	if t == nil {
		return nil, nil
	}
	if l := f.handlerRequest(in, t); l != nil {
		f.name(l, in, t)
		return l, nil
	}
	var roots []ssa.Value
	for _, p := range f.fn.Params {
		if types.Identical(p.Type(), t) {
			roots = append(roots, p)
		}
	}
	for _, fv := range f.fn.FreeVars {
		if p, ok := fv.Type().(*types.Pointer); ok && types.Identical(p.Elem(), t) && f.canon(load(fv)) == fv {
			roots = append(roots, fv)
		}
	}
	if len(roots) == 0 {
		return f.outerLatest(in, t)
	}
	e := f.edges(t)
	seen := map[ssa.Value]bool{}
	var order []ssa.Value
	var walk func(v ssa.Value)
	walk = func(v ssa.Value) {
		if seen[v] {
			return
		}
		seen[v] = true
		order = append(order, v)
		for _, s := range e[v] {
			if f.dominates(s, in) {
				walk(s)
			}
		}
	}
	for _, r := range roots {
		walk(r)
	}
	var frontier []*Latest
	for _, v := range order {
		leaf := true
		for _, s := range e[v] {
			if seen[s] {
				leaf = false
			}
		}
		if leaf {
			l := &Latest{Value: v}
			f.origin(l, t)
			f.name(l, in, t)
			frontier = append(frontier, l)
		}
	}
	if len(frontier) == 1 {
		return frontier[0], nil
	}
	return nil, frontier
}

// outerLatest answers latest for a function literal that does not capture
// a request: the request current in the enclosing function where the
// literal is made, when the literal can name it (the variable is in scope
// and the literal does not assign it).
func (f *Flow) outerLatest(in ssa.Instruction, t types.Type) (*Latest, []*Latest) {
	parent := f.fn.Parent()
	if parent == nil || parent.Syntax() == nil {
		return nil, nil
	}
	var made ssa.Instruction
	for _, b := range parent.Blocks {
		for _, x := range b.Instrs {
			if mc, ok := x.(*ssa.MakeClosure); ok && mc.Fn == f.fn {
				made = x
			}
			for _, op := range x.Operands(nil) {
				if op != nil && *op == f.fn {
					made = x
				}
			}
		}
	}
	pf := New(f.m, parent.Syntax())
	if made == nil || pf == nil {
		return nil, nil
	}
	l, cands := pf.latest(made, t)
	if l == nil {
		return nil, cands
	}
	out := *l
	out.Expr, out.NoExpr = "", "the enclosing function's request is not in scope here"
	at := f.callPos(in)
	if l.Expr != "" && at.IsValid() {
		if scope := f.m.Pass.Pkg.Scope().Innermost(at); scope != nil {
			_, here := scope.LookupParent(l.Expr, at)
			mpos := pf.callPos(made)
			var there types.Object
			if ms := f.m.Pass.Pkg.Scope().Innermost(mpos); ms != nil {
				_, there = ms.LookupParent(l.Expr, mpos)
			}
			if pv, ok := here.(*types.Var); ok && here == there && len(f.defs[pv]) == 0 && !f.bad[pv] {
				out.Expr, out.NoExpr = l.Expr, ""
			}
		}
	}
	return &out, nil
}

// load returns a load of fv among its referrers, or fv.
func load(fv *ssa.FreeVar) ssa.Value {
	for _, r := range *fv.Referrers() {
		if u, ok := r.(*ssa.UnOp); ok && u.Op == token.MUL {
			return u
		}
	}
	return fv
}

// handlerRequest returns the request of type t that the nearest handler
// call dominating in received (see [Flow.handlerArg]).
func (f *Flow) handlerRequest(in ssa.Instruction, t types.Type) *Latest {
	var best *ssa.Call
	var bestArg ssa.Value
	var bestField *fieldRef
	for _, b := range f.fn.Blocks {
		if !b.Dominates(in.Block()) {
			continue
		}
		for _, x := range b.Instrs {
			call, ok := x.(*ssa.Call)
			if !ok || ssa.Instruction(call) == in || !f.instrDominates(call, in) {
				continue
			}
			arg, field, ok := f.handlerArg(call, t, in)
			if !ok {
				continue
			}
			if best == nil || f.instrDominates(best, call) {
				best, bestArg, bestField = call, arg, field
			}
		}
	}
	if best == nil {
		return nil
	}
	l := &Latest{Value: bestArg, field: bestField}
	f.origin(l, t)
	ce := f.calls[best.Call.Pos()]
	l.Handler, l.HandlerPos = chains.ExprName(ce.Fun), ce.Pos()
	return l
}

// handlerGot reports whether a handler call of the function received v
// as its request of type t for the after-call in: one that dominates in,
// or whose response in gets (on some path).
func (f *Flow) handlerGot(v ssa.Value, t types.Type, in ssa.Instruction) bool {
	for _, b := range f.fn.Blocks {
		for _, x := range b.Instrs {
			call, ok := x.(*ssa.Call)
			if !ok || x == in || !f.instrDominates(x, in) && !f.feeds(call, in) {
				continue
			}
			if arg, _, ok := f.handlerArg(call, t, in); ok && arg == v {
				return true
			}
		}
	}
	return false
}

// handlerArg returns the request of type t that call hands to a handler:
// call is not an after-call, takes a value of type t (the request,
// however it was built) and takes or returns a response (a value of a
// configured response type, or one that the after-call in gets), and does
// not itself return a t (a before-chain or a rewrite). A call that gets a
// struct holding the request and a response in fields is a handler too:
// the request is what the field holds there (see [Flow.holderArg]).
func (f *Flow) handlerArg(call *ssa.Call, t types.Type, in ssa.Instruction) (ssa.Value, *fieldRef, bool) {
	ce := f.calls[call.Call.Pos()]
	if ce == nil || f.after[ce] != nil {
		return nil, nil, false
	}
	resp := f.feeds(call, in)
	if tup, ok := call.Type().(*types.Tuple); ok {
		for i := 0; i < tup.Len(); i++ {
			if types.Identical(tup.At(i).Type(), t) {
				return nil, nil, false
			}
			resp = resp || f.m.IsResponse(tup.At(i).Type())
		}
	} else if call.Type() != nil {
		if types.Identical(call.Type(), t) {
			return nil, nil, false
		}
		resp = resp || f.m.IsResponse(call.Type())
	}
	var req ssa.Value
	for _, a := range call.Call.Args {
		at := a.Type()
		if req == nil && types.Identical(at, t) {
			req = f.canon(a)
		}
		resp = resp || f.m.IsResponse(at)
	}
	if req == nil {
		if v, field := f.holderArg(call, t); v != nil {
			return v, field, true
		}
	}
	return req, nil, req != nil && resp
}

// feeds reports whether a result of call is an argument of the call
// instruction in: the response the after-chain gets comes from call.
func (f *Flow) feeds(call *ssa.Call, in ssa.Instruction) bool {
	c, ok := in.(ssa.CallInstruction)
	if !ok {
		return false
	}
	from := func(v ssa.Value) bool {
		switch v := f.canon(v).(type) {
		case *ssa.Call:
			return v == call
		case *ssa.Extract:
			return v.Tuple == ssa.Value(call)
		}
		return false
	}
	for _, a := range c.Common().Args {
		if from(a) {
			return true
		}
		if p, ok := f.canon(a).(*ssa.Phi); ok && slices.ContainsFunc(p.Edges, from) {
			return true // resp = s.handler(req) on one path
		}
	}
	return false
}

// origin fills l.Origin and l.Pos.
func (f *Flow) origin(l *Latest, t types.Type) {
	noun := "request"
	if isContext(t) {
		noun = "context"
	}
	if r := f.runOf(l.Value); r != nil {
		l.Origin = "the " + noun + " as " + r.step + " left it"
		l.Pos = r.pos
		return
	}
	switch v := l.Value.(type) {
	case *ssa.Parameter:
		l.Origin = "the " + noun + " " + f.funcName() + " received"
		l.Pos = v.Pos()
	case *ssa.FreeVar:
		l.Origin = "the " + noun + " " + v.Name() + " captured from the enclosing function"
		l.Pos = v.Pos()
	case *ssa.Phi:
		if c := f.producer(v, t); c != nil {
			l.Origin = "the " + noun + " as " + f.callName(c) + " left it"
			l.Pos = c.Pos()
		} else {
			l.Origin = "the latest value of " + v.Comment
		}
	default:
		if c := f.producer(v, t); c != nil {
			l.Origin = "the " + noun + " returned by " + f.callName(c)
			l.Pos = c.Pos()
		} else {
			l.Origin = "the " + noun + " computed here"
			l.Pos = v.Pos()
		}
	}
}

func (f *Flow) funcName() string {
	if fd, ok := f.node.(*ast.FuncDecl); ok {
		return fd.Name.Name
	}
	return "the function literal"
}

// name finds source text that denotes l.Value at in: a parameter or
// captured variable never assigned, or a local variable that holds the
// value from an anchor (its definition, or a use of it as a call argument)
// that dominates in, with no assignment to it after the anchor.
func (f *Flow) name(l *Latest, in ssa.Instruction, t types.Type) {
	if f.gotos {
		l.NoExpr = "the function uses goto"
		return
	}
	n := &namer{f: f, in: in, at: f.callPos(in)}
	if l.field != nil {
		if expr := n.fieldExpr(l.field); expr != "" {
			l.Expr = expr
		} else {
			l.NoExpr = "no variable in scope is known to hold the struct whose " + l.field.name + " the handler read"
		}
		return
	}
	for _, find := range []func(ssa.Value) *types.Var{n.unassigned, n.defined, n.lifted, n.passed} {
		if v := find(l.Value); v != nil {
			l.Expr = v.Name()
			return
		}
	}
	if v := n.iterated(l.Value, t); v != nil {
		l.Expr = v.Name()
		return
	}
	l.NoExpr = "no variable in scope is known to hold " + l.Origin
}

// A namer looks for a variable that holds a value at in (at is the
// position of in).
type namer struct {
	f  *Flow
	in ssa.Instruction
	at token.Pos
}

// holds reports whether v, as seen at n.at, still holds what it held at
// anchor: v is in scope there, and is not assigned after anchor nor
// disqualified (address taken, assigned in a closure).
func (n *namer) holds(v *types.Var, anchor token.Pos) bool {
	f := n.f
	if v == nil || f.bad[v] || !n.at.IsValid() || n.at <= anchor {
		return false
	}
	for _, p := range f.defs[v] {
		if p > anchor {
			return false
		}
	}
	return n.lookup(v.Name()) == v
}

// lookup returns the variable name denotes at n.at, or nil.
func (n *namer) lookup(name string) *types.Var {
	if !n.at.IsValid() {
		return nil
	}
	scope := n.f.m.Pass.Pkg.Scope().Innermost(n.at)
	if scope == nil {
		return nil
	}
	_, obj := scope.LookupParent(name, n.at)
	v, _ := obj.(*types.Var)
	return v
}

// unassigned names a parameter or captured variable that is never
// assigned.
func (n *namer) unassigned(val ssa.Value) *types.Var {
	f := n.f
	switch v := val.(type) {
	case *ssa.Parameter:
		if pv, _ := v.Object().(*types.Var); pv != nil && len(f.defs[pv]) == 0 && n.holds(pv, token.NoPos) {
			return pv
		}
	case *ssa.FreeVar:
		if pv := n.lookup(v.Name()); pv != nil && len(f.defs[pv]) == 0 && !f.bad[pv] {
			return pv
		}
	}
	return nil
}

// defined names the variable defined by the call that produced val
// (v := call() or v, w := call()).
func (n *namer) defined(val ssa.Value) *types.Var {
	f := n.f
	var def *ast.Ident
	var defCall *ast.CallExpr
	switch v := val.(type) {
	case *ssa.Call:
		defCall = f.calls[v.Call.Pos()]
		if defCall != nil {
			def = f.asgn[defCall]
		}
	case *ssa.Extract:
		if c, ok := v.Tuple.(*ssa.Call); ok {
			defCall = f.calls[c.Call.Pos()]
			if defCall != nil {
				def = f.tupleTarget(defCall, v.Index)
			}
		}
	}
	if def == nil {
		return nil
	}
	if pv := chains.IdentVar(f.m.Pass.TypesInfo, def); pv != nil && n.holds(pv, defCall.Pos()) {
		return pv
	}
	return nil
}

// lifted names the variable a phi was lifted from (its Comment): the
// variable holds it from the phi's block on, when no assignment to it
// stands after that block's start and the block dominates n.in.
func (n *namer) lifted(val ssa.Value) *types.Var {
	p, isPhi := val.(*ssa.Phi)
	if !isPhi || p.Comment == "" || !p.Block().Dominates(n.in.Block()) {
		return nil
	}
	first := firstPos(p.Block())
	if !first.IsValid() {
		return nil
	}
	if pv := n.lookup(p.Comment); pv != nil && within(pv.Pos(), n.f.node) && n.holds(pv, first-1) {
		return pv
	}
	return nil
}

// iterated names the variable a range-over-func chain loop (val is the
// call that runs it) leaves the request in: the loop body stores each
// middleware's request into that variable, so after the loop it holds the
// latest one however the loop was left (a break before the store leaves
// the request the short-circuiting middleware received), when nothing
// assigns it between the loop and n.in. Two such variables of the
// request's type name nothing.
func (n *namer) iterated(val ssa.Value, t types.Type) *types.Var {
	run, ok := val.(*ssa.Call)
	if !ok || t == nil {
		return nil
	}
	var found *types.Var
	for a, runs := range n.f.runs {
		i := slices.IndexFunc(runs, func(r *loopRun) bool { return r.run == run })
		p, isPtr := a.Type().(*types.Pointer)
		if i < 0 || !isPtr || !types.Identical(p.Elem(), t) {
			continue
		}
		pv := n.lookup(a.Comment)
		if pv == nil || pv.Pos() != a.Pos() || !n.holds(pv, runs[i].end) {
			continue
		}
		if found != nil && found != pv {
			return nil
		}
		found = pv
	}
	return found
}

// passed names a variable passed as a call argument, holding val, by a
// call that dominates n.in.
func (n *namer) passed(val ssa.Value) *types.Var {
	f := n.f
	for _, b := range f.fn.Blocks {
		for _, x := range b.Instrs {
			c, isCall := x.(ssa.CallInstruction)
			if !isCall || x == n.in || !f.instrDominates(x, n.in) {
				continue
			}
			ce := f.calls[c.Common().Pos()]
			if ce == nil {
				continue
			}
			for i, a := range ce.Args {
				if av := f.argValue(c, ce, i); av == nil || f.canon(av) != val {
					continue
				}
				if pv := chains.IdentVar(f.m.Pass.TypesInfo, a); pv != nil && n.holds(pv, a.Pos()) {
					return pv
				}
			}
		}
	}
	return nil
}

// callPos returns the Lparen of the call instruction in.
func (f *Flow) callPos(in ssa.Instruction) token.Pos {
	if c, ok := in.(ssa.CallInstruction); ok {
		return c.Common().Pos()
	}
	if mc, ok := in.(*ssa.MakeClosure); ok {
		if fn, ok := mc.Fn.(*ssa.Function); ok && fn.Syntax() != nil {
			return fn.Syntax().Pos()
		}
	}
	return in.Pos()
}

// atExit returns the request of type t current at every return that the
// deferred call d may run at: the one value when all agree (named only
// when every return names it alike), else the candidates.
func (f *Flow) atExit(d *ssa.Defer, t types.Type) (*Latest, []*Latest) {
	var one *Latest
	var cands []*Latest
	for _, b := range f.fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok || !f.reaches(d, ret) {
			continue
		}
		l, cs := f.latest(ret, t)
		if l == nil {
			return nil, append(cands, cs...)
		}
		switch {
		case one == nil:
			c := *l
			one = &c
		case one.Value != l.Value:
			return nil, []*Latest{one, l}
		case one.Expr != l.Expr:
			one.Expr, one.NoExpr = "", "the returns do not name it alike"
		}
		if l.Handler == "" {
			one.Handler, one.HandlerPos = "", token.NoPos
		}
	}
	return one, nil
}

// fieldExpr names field r at n.in ("c.Request"): its base is held by a
// variable in scope, and every store to the field dominates n.in (none
// may run after the handler read it... other than the handler itself).
func (n *namer) fieldExpr(r *fieldRef) string {
	f := n.f
	var base *types.Var
	for _, find := range []func(ssa.Value) *types.Var{n.unassigned, n.defined, n.lifted, n.passed} {
		if base = find(r.base); base != nil {
			break
		}
	}
	if base == nil || r.name == "" {
		return ""
	}
	for _, b := range f.fn.Blocks {
		for _, in := range b.Instrs {
			if st, ok := in.(*ssa.Store); ok {
				if fa, ok := st.Addr.(*ssa.FieldAddr); ok && f.sameField(fa, *r) && !f.instrDominates(st, n.in) {
					return ""
				}
			}
		}
	}
	return base.Name() + "." + r.name
}
