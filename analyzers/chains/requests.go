package chains

// Request-value flow: which calls hand a request to after-middlewares, and
// which request value is current at such a call. Decided on SSA values, so
// intermediate variables do not hide a value's identity, and across package
// boundaries by the RunsChain fact. The rule: the after-chain must receive
// the request value the handler received; a value from which that request
// was derived (the input of a before-chain, the request before WithContext
// or Clone, a parent context.Context) is stale.

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/types/typeutil"
)

// An AfterCall is a call that hands a request to after-middlewares: an
// element call of an after-chain loop whose middlewares take a request, or
// a call of a function that runs an after-chain but no before-chain (a
// runner of this package, or of another by its RunsChain fact).
type AfterCall struct {
	Call *ast.CallExpr
	// Loop is the after-chain loop of an element call; nil for a runner call.
	Loop *Loop
	// Callee is the called runner; nil for an element call.
	Callee *types.Func
	// ReqArg is the index in Call.Args of the request argument, or -1
	// when the callee is a runner without a request parameter.
	ReqArg int
	// ReqType is the type of the callee's request parameter (nil when
	// ReqArg is -1).
	ReqType types.Type
	// CtxArg is the index in Call.Args of a context.Context argument
	// (func(ctx context.Context, req *Request, resp *Response)), or -1.
	// A parent of the context the handler received is stale too.
	CtxArg int
	// Name names the callee in messages: "s.runAfter", or "the
	// after-chain s.after" for an element call.
	Name string
}

// rqIsContext reports whether t is context.Context.
func rqIsContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

// rqCtxParam returns the index of sig's first context.Context parameter, or -1.
func rqCtxParam(sig *types.Signature) int {
	for i := 0; i < sig.Params().Len(); i++ {
		if rqIsContext(sig.Params().At(i).Type()) && !(sig.Variadic() && i == sig.Params().Len()-1) {
			return i
		}
	}
	return -1
}

// AfterCalls returns the after-calls in the body of fn (a *ast.FuncDecl or
// *ast.FuncLit; calls in nested function literals are not included), in
// source order.
func (m *Model) AfterCalls(fn ast.Node) []*AfterCall {
	body := funcBody(fn)
	if body == nil {
		return nil
	}
	var out []*AfterCall
	elem := map[*ast.CallExpr]*Loop{}
	for _, l := range m.Loops {
		if l.Func != fn || l.Role != After {
			continue
		}
		for _, ec := range l.Calls {
			elem[ec.Call] = l
		}
	}
	var self *types.Func
	if fd, ok := fn.(*ast.FuncDecl); ok {
		self, _ = m.Pass.TypesInfo.Defs[fd.Name].(*types.Func)
	}
	info := m.Pass.TypesInfo
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if l := elem[call]; l != nil {
			sig := calledSig(info, call)
			if i := m.afterRequestParam(sig); i >= 0 && i < len(call.Args) {
				ac := &AfterCall{Call: call, Loop: l, ReqArg: i, CtxArg: rqCtxParam(sig),
					ReqType: sig.Params().At(i).Type(), Name: "the after-chain " + l.ChainName}
				if ac.CtxArg >= len(call.Args) {
					ac.CtxArg = -1
				}
				out = append(out, ac)
			}
			return true
		}
		callee, _ := typeutil.Callee(info, call).(*types.Func)
		if callee == nil || callee.Origin() == self {
			return true
		}
		rc, ok := m.RunsChainFact(callee)
		if !ok || !rc.After || rc.Before {
			return true
		}
		ac := &AfterCall{Call: call, Callee: callee.Origin(), ReqArg: -1, CtxArg: -1, Name: exprName(call.Fun)}
		if rc.ReqParam >= 0 {
			sig := callee.Signature()
			shift := 0
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
					shift = 1 // T.M(recv, args...)
				}
			}
			if i := rqCtxParam(sig); i >= 0 && i+shift < len(call.Args) {
				ac.CtxArg = i + shift
			}
			if rc.ReqParam >= sig.Params().Len() || (sig.Variadic() && rc.ReqParam == sig.Params().Len()-1) {
				return true
			}
			ac.ReqType = sig.Params().At(rc.ReqParam).Type()
			ac.ReqArg = rc.ReqParam + shift
			if ac.ReqArg >= len(call.Args) {
				return true
			}
		}
		out = append(out, ac)
		return true
	})
	return out
}

// afterRequestParam returns the index of sig's first request parameter when sig
// also takes a response, or -1.
func (m *Model) afterRequestParam(sig *types.Signature) int {
	if sig == nil {
		return -1
	}
	req, resp := -1, false
	for i := 0; i < sig.Params().Len(); i++ {
		t := sig.Params().At(i).Type()
		if req < 0 && m.IsRequest(t) {
			req = i
		}
		resp = resp || m.IsResponse(t)
	}
	if !resp || (sig.Variadic() && req == sig.Params().Len()-1) {
		return -1
	}
	return req
}

// ArgKind classifies the request argument of an after-call.
type ArgKind int

const (
	// ArgOther: a value unrelated to the current request (a field of a
	// per-request object, say); not judged.
	ArgOther ArgKind = iota
	// ArgLatest: the current request.
	ArgLatest
	// ArgFabricated: nil, a zero value, new(T) or &T{}.
	ArgFabricated
	// ArgStale: a value the current request was derived from.
	ArgStale
)

// A Latest is a request value current at a call.
type Latest struct {
	Value ssa.Value
	// Origin says where the value came from: "the request returned by
	// s.runBefore", "the request Serve received".
	Origin string
	// Pos is where the value was produced (for Related), NoPos for a
	// parameter of a function literal and the like.
	Pos token.Pos
	// Handler is the call that received this value ("s.handler"), when
	// the handler rule chose it.
	Handler    string
	HandlerPos token.Pos
	// Expr is source text that denotes the value at the call; empty when
	// no variable in scope is known to hold it there (NoExpr says why).
	Expr   string
	NoExpr string
}

// Describe returns "req2, the request returned by s.runBefore and the one
// s.handler got", or the origin alone when the value has no name.
func (l *Latest) Describe() string {
	s := l.Origin
	if l.Expr != "" {
		s = l.Expr + ", " + s
	}
	if l.Handler != "" {
		s += " and the one " + l.Handler + " got"
	}
	return s
}

// A Verdict judges the request argument of one after-call.
type Verdict struct {
	Kind ArgKind
	// Arg is the argument expression; ArgText its source form, and for
	// ArgFabricated Fabricated says what it is ("nil", "&Request{}").
	Arg        ast.Expr
	ArgText    string
	Fabricated string
	// Step names the rewrite that made a stale Arg stale: "s.runBefore",
	// "req.WithContext", "the before-chain s.before".
	Step string
	// Latest is the current request; nil when none or several are in
	// reach (Candidates then lists them).
	Latest     *Latest
	Candidates []*Latest
}

// RequestFlow answers request-value questions for one function on SSA.
type RequestFlow struct {
	m     *Model
	node  ast.Node
	fn    *ssa.Function
	calls map[token.Pos]*ast.CallExpr       // by Lparen
	instr map[token.Pos]ssa.CallInstruction // by Lparen
	idx   map[ssa.Instruction]int
	after map[*ast.CallExpr]*AfterCall
	defs  map[*types.Var][]token.Pos // assignments, by variable
	bad   map[*types.Var]bool        // address taken or assigned in a closure
	asgn  map[*ast.CallExpr]*ast.Ident
	gotos bool
	succ  map[string]map[ssa.Value][]ssa.Value // derivation edges, by request type
	// runs are the range-over-func loops (over chainruntime.Batched) whose
	// body assigns a variable of the function, by that variable's cell.
	runs map[*ssa.Alloc][]*rqRun
	// yields are the flows of the loops' yield functions, by function.
	yields map[*ssa.Function]*RequestFlow
}

// rqRun is a range-over-func loop whose body (a yield function) assigns a
// variable of the enclosing function: req = m(req) in a loop over
// chainruntime.Batched. The call of the iterator with the yield function
// stands for the variable's value after the loop, derived from its value
// before it.
type rqRun struct {
	run  *ssa.Call
	mc   *ssa.MakeClosure // the yield function
	step string           // "the before-chain s.before"
	pos  token.Pos
}

// RequestFlow returns the request flow of fn (a *ast.FuncDecl or
// *ast.FuncLit of this package), or nil when it has no SSA form.
func (m *Model) RequestFlow(fn ast.Node) *RequestFlow {
	sfn := m.SSA(fn)
	if sfn == nil || len(sfn.Blocks) == 0 {
		return nil
	}
	f := &RequestFlow{m: m, node: fn, fn: sfn,
		calls: map[token.Pos]*ast.CallExpr{}, instr: map[token.Pos]ssa.CallInstruction{},
		idx: map[ssa.Instruction]int{}, after: map[*ast.CallExpr]*AfterCall{},
		defs: map[*types.Var][]token.Pos{}, bad: map[*types.Var]bool{},
		asgn: map[*ast.CallExpr]*ast.Ident{}, succ: map[string]map[ssa.Value][]ssa.Value{}}
	f.indexInstrs()
	for _, ac := range m.AfterCalls(fn) {
		f.after[ac.Call] = ac
	}
	f.scanSyntax()
	f.findRuns()
	return f
}

// findRuns fills f.runs from the function's range-over-func chain loops.
func (f *RequestFlow) findRuns() {
	loops := map[token.Pos]*Loop{}
	for _, l := range f.m.Loops {
		if l.Batched != nil && l.Func == f.node {
			loops[l.Batched.Lparen] = l
		}
	}
	if len(loops) == 0 {
		return
	}
	for _, b := range f.fn.Blocks {
		for _, in := range b.Instrs {
			run, ok := in.(*ssa.Call)
			if !ok || len(run.Call.Args) != 1 {
				continue
			}
			iter, ok := run.Call.Value.(*ssa.Call)
			mc, ok2 := run.Call.Args[0].(*ssa.MakeClosure)
			if !ok || !ok2 || loops[iter.Call.Pos()] == nil {
				continue
			}
			l := loops[iter.Call.Pos()]
			step := "the loop over " + l.ChainName
			if l.Role == Before {
				step = "the before-chain " + l.ChainName
			}
			for _, x := range mc.Bindings {
				if a, ok := x.(*ssa.Alloc); ok && a.Parent() == f.fn && rqCapturedStored(mc, a) {
					if f.runs == nil {
						f.runs = map[*ssa.Alloc][]*rqRun{}
					}
					f.runs[a] = append(f.runs[a], &rqRun{run: run, mc: mc, step: step, pos: l.Stmt.Pos()})
				}
			}
		}
	}
	// A variable that another closure may assign, or whose address is
	// taken, is not followed.
	for a, runs := range f.runs {
		for _, x := range *a.Referrers() {
			switch x := x.(type) {
			case *ssa.DebugRef:
			case *ssa.Store:
				if x.Addr != a {
					delete(f.runs, a)
				}
			case *ssa.UnOp:
				if x.Op != token.MUL {
					delete(f.runs, a)
				}
			case *ssa.MakeClosure:
				if !slices.ContainsFunc(runs, func(r *rqRun) bool { return r.mc == x }) && rqCapturedStored(x, a) {
					delete(f.runs, a)
				}
			default:
				delete(f.runs, a)
			}
		}
	}
}

// cellAt returns the value the variable in cell a (one that a
// range-over-func loop assigns) holds at instruction at: the value of the
// last store to it, or the iterator call of the last such loop, that
// dominates at, when no other store or loop (but skip) may run in between;
// nil when that is not known.
func (f *RequestFlow) cellAt(a *ssa.Alloc, at ssa.Instruction, skip *rqRun) ssa.Value {
	var last ssa.Instruction
	var val ssa.Value
	var defs []ssa.Instruction
	for _, x := range *a.Referrers() {
		if st, ok := x.(*ssa.Store); ok && st.Addr == a && st.Parent() == f.fn {
			defs = append(defs, st)
		}
	}
	for _, r := range f.runs[a] {
		if r != skip {
			defs = append(defs, r.run)
		}
	}
	for _, d := range defs {
		if d != at && f.instrDominates(d, at) && (last == nil || f.instrDominates(last, d)) {
			last = d
		}
	}
	if last == nil {
		return nil
	}
	for _, d := range defs {
		if d != last && d != at && f.reaches(d, at) && !f.instrDominates(d, last) {
			return nil // another definition may run in between
		}
	}
	if st, ok := last.(*ssa.Store); ok {
		val = f.canon(st.Val)
	} else {
		val = last.(ssa.Value)
	}
	return val
}

// reaches reports whether b may run after a (b's block is reachable from
// a's, or a precedes b in one block).
func (f *RequestFlow) reaches(a, b ssa.Instruction) bool {
	if a.Block() == b.Block() && f.idx[a] < f.idx[b] {
		return true
	}
	seen := map[*ssa.BasicBlock]bool{}
	work := append([]*ssa.BasicBlock(nil), a.Block().Succs...)
	for len(work) > 0 {
		x := work[len(work)-1]
		work = work[:len(work)-1]
		if x == b.Block() {
			return true
		}
		if !seen[x] {
			seen[x] = true
			work = append(work, x.Succs...)
		}
	}
	return false
}

// indexInstrs records the index of each instruction of f.fn in its block
// (idx) and each call by the position of its parenthesis (instr).
func (f *RequestFlow) indexInstrs() {
	for _, b := range f.fn.Blocks {
		for i, in := range b.Instrs {
			f.idx[in] = i
			if c, ok := in.(ssa.CallInstruction); ok {
				f.instr[c.Common().Pos()] = c
			}
		}
	}
}

// yieldFlow returns the flow of the yield function (the body of a
// range-over-func loop) that holds the call at lparen, with its
// instruction, or nil.
func (f *RequestFlow) yieldFlow(lparen token.Pos) (*RequestFlow, ssa.CallInstruction) {
	for _, y := range scYields(f.fn) {
		for _, b := range y.Blocks {
			for _, in := range b.Instrs {
				c, ok := in.(ssa.CallInstruction)
				if !ok || c.Common().Pos() != lparen {
					continue
				}
				if f.yields == nil {
					f.yields = map[*ssa.Function]*RequestFlow{}
				}
				yf := f.yields[y]
				if yf == nil {
					// The syntax is the enclosing function's.
					yf = &RequestFlow{m: f.m, node: f.node, fn: y, calls: f.calls,
						instr: map[token.Pos]ssa.CallInstruction{}, idx: map[ssa.Instruction]int{},
						after: f.after, defs: f.defs, bad: f.bad, asgn: f.asgn, gotos: f.gotos,
						succ: map[string]map[ssa.Value][]ssa.Value{}, yields: f.yields}
					yf.indexInstrs()
					f.yields[y] = yf
				}
				return yf, c
			}
		}
	}
	return nil, nil
}

// Func returns the flow's SSA function.
func (f *RequestFlow) Func() *ssa.Function { return f.fn }

// scanSyntax records calls by position, assignments to variables, and what
// disqualifies a variable from naming a value (address taken, assigned in
// a closure, goto in the function).
func (f *RequestFlow) scanSyntax() {
	info := f.m.Pass.TypesInfo
	varOf := func(e ast.Expr) *types.Var { return identVar(info, ast.Unparen(e)) }
	depth := 0 // function literal nesting
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			depth++
			ast.Inspect(n.Body, visit)
			depth--
			return false
		case *ast.CallExpr:
			f.calls[n.Lparen] = n
		case *ast.BranchStmt:
			if n.Tok == token.GOTO {
				f.gotos = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if v := varOf(n.X); v != nil {
					f.bad[v] = true
				}
			}
		case *ast.IncDecStmt:
			if v := varOf(n.X); v != nil {
				f.defs[v] = append(f.defs[v], n.Pos())
				if depth > 0 {
					f.bad[v] = true
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if v := varOf(e); v != nil {
					f.defs[v] = append(f.defs[v], n.Pos())
					if depth > 0 {
						f.bad[v] = true
					}
				}
			}
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				v := varOf(lhs)
				if v == nil {
					continue
				}
				f.defs[v] = append(f.defs[v], n.Pos())
				if depth > 0 {
					f.bad[v] = true
				}
				// v := call(): the single-valued call defines v (tuples
				// are matched by index in tupleTarget).
				if len(n.Rhs) == len(n.Lhs) {
					if c, ok := ast.Unparen(n.Rhs[i]).(*ast.CallExpr); ok {
						f.asgn[c] = ast.Unparen(lhs).(*ast.Ident)
					}
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if v, ok := info.Defs[id].(*types.Var); ok {
					f.defs[v] = append(f.defs[v], n.Pos())
					if i < len(n.Values) && len(n.Values) == len(n.Names) {
						if c, ok := ast.Unparen(n.Values[i]).(*ast.CallExpr); ok {
							f.asgn[c] = id
						}
					}
				}
			}
		}
		return true
	}
	ast.Inspect(funcBody(f.node), visit)
}

// tupleTarget returns the identifier that receives result i of call in
// "a, b := call()" or "a, b = call()".
func (f *RequestFlow) tupleTarget(call *ast.CallExpr, i int) *ast.Ident {
	path, _ := astutil.PathEnclosingInterval(FileOf(f.m.Pass, call.Pos()), call.Pos(), call.End())
	for _, n := range path {
		switch p := n.(type) {
		case *ast.CallExpr, *ast.ParenExpr:
			continue
		case *ast.AssignStmt:
			if len(p.Rhs) == 1 && ast.Unparen(p.Rhs[0]) == call && i < len(p.Lhs) {
				id, _ := ast.Unparen(p.Lhs[i]).(*ast.Ident)
				return id
			}
		case *ast.ValueSpec:
			if len(p.Values) == 1 && ast.Unparen(p.Values[0]) == call && i < len(p.Names) {
				return p.Names[i]
			}
		}
		return nil
	}
	return nil
}

// Judge classifies the request argument of ac, an after-call of this
// flow's function with ReqArg >= 0.
func (f *RequestFlow) Judge(ac *AfterCall) *Verdict {
	return f.JudgeArg(ac, ac.ReqArg, ac.ReqType)
}

// JudgeContext classifies the context.Context argument of ac, for
// staleness only (a context made up with context.Background is not
// judged): ArgStale when it is a parent of the context the handler got.
func (f *RequestFlow) JudgeContext(ac *AfterCall) *Verdict {
	if ac.CtxArg < 0 {
		return &Verdict{Kind: ArgOther}
	}
	t := ac.Call.Args[ac.CtxArg]
	v := f.JudgeArg(ac, ac.CtxArg, f.m.Pass.TypesInfo.TypeOf(t))
	if v.Kind != ArgStale {
		v.Kind = ArgOther
	}
	return v
}

// JudgeArg classifies argument i, of request type t, of the after-call ac.
func (f *RequestFlow) JudgeArg(ac *AfterCall, i int, t types.Type) *Verdict {
	if i < 0 || i >= len(ac.Call.Args) || t == nil {
		return &Verdict{Kind: ArgOther}
	}
	arg := ac.Call.Args[i]
	v := &Verdict{Kind: ArgOther, Arg: arg, ArgText: types.ExprString(arg)}
	in := f.instr[ac.Call.Lparen]
	if in == nil {
		if yf, _ := f.yieldFlow(ac.Call.Lparen); yf != nil {
			return yf.JudgeArg(ac, i, t)
		}
		return v
	}
	a := f.argValue(in, ac.Call, i)
	if a == nil {
		return v
	}
	a = f.canon(a)
	v.Latest, v.Candidates = f.latest(in, t)
	if what, ok := f.fabricated(a); ok {
		v.Kind, v.Fabricated = ArgFabricated, what
		return v
	}
	if v.Latest == nil {
		return v
	}
	if a == v.Latest.Value {
		v.Kind = ArgLatest
		return v
	}
	if step, ok := f.derivesTo(a, v.Latest.Value, t); ok {
		v.Kind, v.Step = ArgStale, step
	}
	return v
}

// LatestAt returns the request of type t current at call (a call in this
// flow's function): the one value, or the candidates when several are.
func (f *RequestFlow) LatestAt(call *ast.CallExpr, t types.Type) (*Latest, []*Latest) {
	in := f.instr[call.Lparen]
	if in == nil {
		if yf, yin := f.yieldFlow(call.Lparen); yf != nil {
			return yf.latest(yin, t)
		}
		return nil, nil
	}
	return f.latest(in, t)
}

// argValue maps the i'th syntactic argument of call to its SSA value.
func (f *RequestFlow) argValue(in ssa.CallInstruction, call *ast.CallExpr, i int) ssa.Value {
	c := in.Common()
	sig := c.Signature()
	if sig.Variadic() && i >= sig.Params().Len()-1 {
		return nil
	}
	j := i
	if !c.IsInvoke() && sig.Recv() != nil {
		j++
	}
	if j >= len(c.Args) {
		return nil
	}
	return c.Args[j]
}

// canon maps a load of a variable that is stored once (a request captured
// by a closure, so kept in memory) to the stored value, and a load of a
// captured variable to the free variable, so that every use of one request
// is one value.
func (f *RequestFlow) canon(v ssa.Value) ssa.Value {
	for range 4 {
		u, ok := v.(*ssa.UnOp)
		if !ok || u.Op != token.MUL {
			return v
		}
		switch x := u.X.(type) {
		case *ssa.FreeVar:
			for _, r := range *x.Referrers() {
				if s, ok := r.(*ssa.Store); ok && s.Addr == x {
					return v
				}
			}
			return x
		case *ssa.Alloc:
			if _, ok := f.runs[x]; ok {
				if c := f.cellAt(x, u, nil); c != nil {
					return c
				}
				return v
			}
			var stored ssa.Value
			for _, r := range *x.Referrers() {
				switch r := r.(type) {
				case *ssa.Store:
					if r.Addr != x || stored != nil {
						return v
					}
					stored = r.Val
				case *ssa.UnOp, *ssa.DebugRef:
				case *ssa.MakeClosure:
					if rqCapturedStored(r, x) {
						return v
					}
				default:
					return v
				}
			}
			if stored == nil {
				return v
			}
			v = stored
		default:
			return v
		}
	}
	return v
}

// capturedStored reports whether the closure made by mc stores to the
// free variable bound to x.
func rqCapturedStored(mc *ssa.MakeClosure, x ssa.Value) bool {
	fn, ok := mc.Fn.(*ssa.Function)
	if !ok {
		return true
	}
	for i, b := range mc.Bindings {
		if b != x || i >= len(fn.FreeVars) {
			continue
		}
		for _, r := range *fn.FreeVars[i].Referrers() {
			switch r := r.(type) {
			case *ssa.Store:
				return true
			case *ssa.MakeClosure:
				if rqCapturedStored(r, fn.FreeVars[i]) {
					return true
				}
			case *ssa.UnOp, *ssa.DebugRef:
			default:
				return true
			}
		}
	}
	return false
}

// fabricated reports whether v is a made-up request: nil, a zero value,
// new(T) or a composite literal built in this function.
func (f *RequestFlow) fabricated(v ssa.Value) (string, bool) {
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value == nil {
			if v.IsNil() {
				return "nil", true
			}
			return "a zero " + rqTypeName(v.Type()), true
		}
	case *ssa.Alloc:
		// new(T) and &T{...}; not a variable that escapes (whose
		// Comment is its name).
		if v.Parent() == f.fn && (v.Comment == "new" || v.Comment == "complit") {
			return "a new " + rqTypeName(rqDeref(v.Type())), true
		}
	case *ssa.UnOp:
		// T{...} of a struct request type passed by value.
		if a, ok := v.X.(*ssa.Alloc); ok && v.Op == token.MUL && a.Parent() == f.fn && a.Comment == "complit" {
			return "a new " + rqTypeName(v.Type()), true
		}
	case *ssa.MakeInterface:
		return f.fabricated(v.X)
	case *ssa.ChangeType:
		return f.fabricated(v.X)
	}
	return "", false
}

func rqDeref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

func rqTypeName(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

// dominates reports whether v is available at in on every path.
func (f *RequestFlow) dominates(v ssa.Value, in ssa.Instruction) bool {
	switch v.(type) {
	case *ssa.Parameter, *ssa.FreeVar, *ssa.Const, *ssa.Global, *ssa.Function:
		return true
	}
	vi, ok := v.(ssa.Instruction)
	if !ok || vi.Block() == nil || in.Block() == nil {
		return false
	}
	return f.instrDominates(vi, in)
}

func (f *RequestFlow) instrDominates(a, b ssa.Instruction) bool {
	if a.Block() == b.Block() {
		return f.idx[a] < f.idx[b]
	}
	return a.Block().Dominates(b.Block())
}

// edges returns the derivation edges between values of type t: a call
// taking a t and returning a t (a before-chain, WithContext, Clone,
// context.WithValue, req = m(req)) derives its result from that argument;
// a phi derives from its forward edges.
func (f *RequestFlow) edges(t types.Type) map[ssa.Value][]ssa.Value {
	key := types.TypeString(t, nil)
	if e, ok := f.succ[key]; ok {
		return e
	}
	e := map[ssa.Value][]ssa.Value{}
	add := func(from, to ssa.Value) {
		from = f.canon(from)
		for _, x := range e[from] {
			if x == to {
				return
			}
		}
		e[from] = append(e[from], to)
	}
	for _, b := range f.fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Call:
				var targets []ssa.Value
				if tup, ok := in.Type().(*types.Tuple); ok {
					for _, r := range *in.Referrers() {
						if x, ok := r.(*ssa.Extract); ok && x.Index < tup.Len() && types.Identical(x.Type(), t) {
							targets = append(targets, x)
						}
					}
				} else if types.Identical(in.Type(), t) {
					targets = append(targets, in)
				}
				if len(targets) == 0 {
					continue
				}
				args := in.Call.Args
				if in.Call.IsInvoke() {
					args = append([]ssa.Value{in.Call.Value}, args...)
				}
				for _, a := range args {
					if types.Identical(a.Type(), t) {
						for _, x := range targets {
							add(a, x)
						}
					}
				}
			case *ssa.Phi:
				if !types.Identical(in.Type(), t) {
					continue
				}
				for i, o := range in.Edges {
					if i < len(b.Preds) && b.Dominates(b.Preds[i]) {
						continue // back edge
					}
					add(o, in)
				}
			}
		}
	}
	for a, runs := range f.runs {
		if !types.Identical(rqDeref(a.Type()), t) {
			continue
		}
		for _, r := range runs {
			if before := f.cellAt(a, r.run, r); before != nil {
				add(before, r.run)
			}
		}
	}
	f.succ[key] = e
	return e
}

// derivesTo reports whether to is derived from from, and names the first
// rewrite on the way.
func (f *RequestFlow) derivesTo(from, to ssa.Value, t types.Type) (string, bool) {
	e := f.edges(t)
	first := map[ssa.Value]ssa.Value{}
	queue := []ssa.Value{}
	for _, s := range e[from] {
		if _, seen := first[s]; !seen {
			first[s] = s
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if x == to {
			return f.stepName(first[x], t), true
		}
		for _, s := range e[x] {
			if _, seen := first[s]; !seen && s != from {
				first[s] = first[x]
				queue = append(queue, s)
			}
		}
	}
	return "", false
}

// stepName names the rewrite that produced v.
func (f *RequestFlow) stepName(v ssa.Value, t types.Type) string {
	if r := f.runOf(v); r != nil {
		return r.step
	}
	if c := f.producer(v, t); c != nil {
		return f.callName(c)
	}
	if p, ok := v.(*ssa.Phi); ok && p.Comment != "" {
		return "the assignments to " + p.Comment
	}
	return "a rewrite"
}

// runOf returns the range-over-func loop whose iterator call v is, or nil.
func (f *RequestFlow) runOf(v ssa.Value) *rqRun {
	if c, ok := v.(*ssa.Call); ok {
		for _, runs := range f.runs {
			for _, r := range runs {
				if r.run == c {
					return r
				}
			}
		}
	}
	return nil
}

// producer returns the call that produced v: v itself, the call of an
// Extract, or for a phi the call on one of its edges.
func (f *RequestFlow) producer(v ssa.Value, t types.Type) *ast.CallExpr {
	switch v := v.(type) {
	case *ssa.Call:
		return f.calls[v.Call.Pos()]
	case *ssa.Extract:
		if c, ok := v.Tuple.(*ssa.Call); ok {
			return f.calls[c.Call.Pos()]
		}
	case *ssa.Phi:
		for _, o := range v.Edges {
			switch o.(type) {
			case *ssa.Call, *ssa.Extract:
				if c := f.producer(o, t); c != nil {
					return c
				}
			}
		}
	}
	return nil
}

// callName names a call for messages: "the before-chain s.before" for an
// element call of a before-chain, else the called expression.
func (f *RequestFlow) callName(c *ast.CallExpr) string {
	for _, l := range f.m.Loops {
		if l.Role != Before {
			continue
		}
		for _, ec := range l.Calls {
			if ec.Call == c {
				return "the before-chain " + l.ChainName
			}
		}
	}
	return exprName(c.Fun)
}

// latest finds the request of type t current at in: the request the
// nearest dominating handler call received, else the most derived request
// in reach (from the function's request parameters and captured requests,
// through the derivations that dominate in).
func (f *RequestFlow) latest(in ssa.Instruction, t types.Type) (*Latest, []*Latest) {
	if t == nil {
		return nil, nil
	}
	if l := f.handlerRequest(in, t); l != nil {
		f.name(l, in)
		return l, nil
	}
	var roots []ssa.Value
	for _, p := range f.fn.Params {
		if types.Identical(p.Type(), t) {
			roots = append(roots, p)
		}
	}
	for _, fv := range f.fn.FreeVars {
		if p, ok := fv.Type().(*types.Pointer); ok && types.Identical(p.Elem(), t) && f.canon(rqLoad(fv)) == fv {
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
			f.name(l, in)
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
func (f *RequestFlow) outerLatest(in ssa.Instruction, t types.Type) (*Latest, []*Latest) {
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
	pf := f.m.RequestFlow(parent.Syntax())
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

// rqLoad returns a load of fv among its referrers, or fv.
func rqLoad(fv *ssa.FreeVar) ssa.Value {
	for _, r := range *fv.Referrers() {
		if u, ok := r.(*ssa.UnOp); ok && u.Op == token.MUL {
			return u
		}
	}
	return fv
}

// handlerRequest returns the request of type t that the nearest handler
// call dominating in received: a call, other than an after-call, that
// takes a request of type t (not a made-up one) and takes or returns a
// response, and does not itself return a request of type t.
func (f *RequestFlow) handlerRequest(in ssa.Instruction, t types.Type) *Latest {
	var best *ssa.Call
	var bestArg ssa.Value
	for _, b := range f.fn.Blocks {
		if !b.Dominates(in.Block()) {
			continue
		}
		for _, x := range b.Instrs {
			call, ok := x.(*ssa.Call)
			if !ok || ssa.Instruction(call) == in || !f.instrDominates(call, in) {
				continue
			}
			ce := f.calls[call.Call.Pos()]
			if ce == nil || f.after[ce] != nil {
				continue
			}
			arg, ok := f.handlerArg(call, t)
			if !ok {
				continue
			}
			if best == nil || f.instrDominates(best, call) {
				best, bestArg = call, arg
			}
		}
	}
	if best == nil {
		return nil
	}
	l := &Latest{Value: bestArg}
	f.origin(l, t)
	ce := f.calls[best.Call.Pos()]
	l.Handler, l.HandlerPos = exprName(ce.Fun), ce.Pos()
	return l
}

func (f *RequestFlow) handlerArg(call *ssa.Call, t types.Type) (ssa.Value, bool) {
	c := &call.Call
	var resp bool
	if tup, ok := call.Type().(*types.Tuple); ok {
		for i := 0; i < tup.Len(); i++ {
			if types.Identical(tup.At(i).Type(), t) {
				return nil, false
			}
			resp = resp || f.m.IsResponse(tup.At(i).Type())
		}
	} else if call.Type() != nil {
		if types.Identical(call.Type(), t) {
			return nil, false
		}
		resp = f.m.IsResponse(call.Type())
	}
	var req ssa.Value
	for _, a := range c.Args {
		at := a.Type()
		if types.Identical(at, t) {
			if _, fab := f.fabricated(f.canon(a)); !fab && req == nil {
				req = f.canon(a)
			}
		}
		resp = resp || f.m.IsResponse(at)
	}
	return req, req != nil && resp
}

// origin fills l.Origin and l.Pos.
func (f *RequestFlow) origin(l *Latest, t types.Type) {
	noun := "request"
	if rqIsContext(t) {
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

func (f *RequestFlow) funcName() string {
	if fd, ok := f.node.(*ast.FuncDecl); ok {
		return fd.Name.Name
	}
	return "the function literal"
}

// name finds source text that denotes l.Value at in: a parameter or
// captured variable never assigned, or a local variable that holds the
// value from an anchor (its definition, or a use of it as a call argument)
// that dominates in, with no assignment to it after the anchor.
func (f *RequestFlow) name(l *Latest, in ssa.Instruction) {
	info := f.m.Pass.TypesInfo
	at := f.callPos(in)
	if f.gotos {
		l.NoExpr = "the function uses goto"
		return
	}
	ok := func(v *types.Var, anchor token.Pos) bool {
		if v == nil || f.bad[v] || !at.IsValid() || at <= anchor {
			return false
		}
		for _, p := range f.defs[v] {
			if p > anchor {
				return false
			}
		}
		scope := f.m.Pass.Pkg.Scope().Innermost(at)
		if scope == nil {
			return false
		}
		_, obj := scope.LookupParent(v.Name(), at)
		return obj == v
	}
	switch v := l.Value.(type) {
	case *ssa.Parameter:
		if pv, _ := v.Object().(*types.Var); pv != nil && len(f.defs[pv]) == 0 && ok(pv, token.NoPos) {
			l.Expr = pv.Name()
			return
		}
	case *ssa.FreeVar:
		if scope := f.m.Pass.Pkg.Scope().Innermost(at); scope != nil && at.IsValid() {
			if _, obj := scope.LookupParent(v.Name(), at); obj != nil {
				if pv, _ := obj.(*types.Var); pv != nil && len(f.defs[pv]) == 0 && !f.bad[pv] {
					l.Expr = pv.Name()
					return
				}
			}
		}
	}
	// Definition: v := call() or v, w := call().
	var def *ast.Ident
	var defCall *ast.CallExpr
	switch v := l.Value.(type) {
	case *ssa.Call:
		defCall = f.calls[v.Call.Pos()]
		if defCall != nil {
			def = f.asgn[defCall]
		}
	case *ssa.Extract:
		if c, ok2 := v.Tuple.(*ssa.Call); ok2 {
			defCall = f.calls[c.Call.Pos()]
			if defCall != nil {
				def = f.tupleTarget(defCall, v.Index)
			}
		}
	}
	if def != nil {
		if pv := identVar(info, def); pv != nil && ok(pv, defCall.Pos()) {
			l.Expr = pv.Name()
			return
		}
	}
	// A phi of the variable it was lifted from (its Comment): the
	// variable holds it from the phi's block on, when no assignment to it
	// stands after that block's start and the block dominates in.
	if p, isPhi := l.Value.(*ssa.Phi); isPhi && p.Comment != "" && p.Block().Dominates(in.Block()) {
		if first := rqFirstPos(p.Block()); first.IsValid() {
			if scope := f.m.Pass.Pkg.Scope().Innermost(at); scope != nil {
				if _, obj := scope.LookupParent(p.Comment, at); obj != nil {
					if pv, _ := obj.(*types.Var); pv != nil && within(pv.Pos(), f.node) && ok(pv, first-1) {
						l.Expr = pv.Name()
						return
					}
				}
			}
		}
	}
	// Uses: a call argument that is a variable holding the value.
	for _, b := range f.fn.Blocks {
		for _, x := range b.Instrs {
			c, isCall := x.(ssa.CallInstruction)
			if !isCall || x == in || !f.instrDominates(x, in) {
				continue
			}
			ce := f.calls[c.Common().Pos()]
			if ce == nil {
				continue
			}
			for i, a := range ce.Args {
				if av := f.argValue(c, ce, i); av == nil || f.canon(av) != l.Value {
					continue
				}
				if pv := identVar(info, a); pv != nil && ok(pv, a.Pos()) {
					l.Expr = pv.Name()
					return
				}
			}
		}
	}
	l.NoExpr = "no variable in scope is known to hold " + l.Origin
}

// callPos returns the Lparen of the call instruction in.
func (f *RequestFlow) callPos(in ssa.Instruction) token.Pos {
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

// LatestNames lists the names (or origins) of the candidates, sorted.
func LatestNames(ls []*Latest) string {
	var s []string
	for _, l := range ls {
		if l.Expr != "" {
			s = append(s, l.Expr)
		} else {
			s = append(s, l.Origin)
		}
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

// rqFirstPos returns the first valid position of b's instructions other
// than phis (a lifted phi is positioned at its variable's declaration).
func rqFirstPos(b *ssa.BasicBlock) token.Pos {
	for _, in := range b.Instrs {
		if _, isPhi := in.(*ssa.Phi); isPhi {
			continue
		}
		if p := in.Pos(); p.IsValid() {
			return p
		}
	}
	return token.NoPos
}
