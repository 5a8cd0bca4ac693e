// Package shortcircuit finds, for skipafter, the paths on which a
// before-chain's short-circuit outcome leaves a function without the calls
// every normal-path response goes through (the after-chain and the response
// finalizers). It is decided on the function's SSA form, with the chain
// model of package chains.
package shortcircuit

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// Kind says what a [ShortCircuit] hands back.
type Kind int

const (
	// Response: the before-chain's short-circuit response, or a value
	// derived from it.
	Response Kind = iota
	// Error: the before-chain's error, with no response.
	Error
	// Written: the function answers on a response parameter (an
	// http.ResponseWriter) and returns after a before hook has answered.
	Written
)

// A ShortCircuit is a return that hands back a before-chain's short-circuit
// outcome on a path that bypasses calls every normal-path response goes
// through: the after-chain (a chain loop or a runner) and the response
// finalizers (calls taking the response and no request, such as
// applyGlobalHeaders(resp) or w.Header().Set(...)).
type ShortCircuit struct {
	// Func is the *ast.FuncDecl or *ast.FuncLit holding the exit.
	Func ast.Node
	// Exit is the statement by which the short-circuit leaves: a return
	// (then also Return), a goto, a break or continue, or the if
	// statement or case clause whose normal branch it falls out past.
	// How says it for a message: "is returned here", "leaves here by
	// goto Admin", "falls out of this if statement".
	Exit   ast.Stmt
	How    string
	Return *ast.ReturnStmt
	Kind   Kind
	// Source is the call whose outcome is returned: the call of a
	// before-runner, or the element call of a before-chain loop (then
	// Loop is that loop). SourceName prints it: "s.runBefore", "s.before".
	Source     *ast.CallExpr
	Loop       *chains.Loop
	SourceName string
	// Signal prints the abort flag or method that signalled the
	// short-circuit (c.aborted, c.IsAborted()), or is empty when the
	// outcome of Source itself did.
	Signal string
	// Skipped are the bypassed steps, in source order.
	Skipped []*Step
	// Common are all the steps the normal path applies to every
	// response, in source order (Skipped is a subset).
	Common []*Step
}

// A Step is a call (or loop) that every normal-path response goes through.
type Step struct {
	// Node is the call, the after-chain loop statement, or (Deferred)
	// the call inside a deferred function.
	Node ast.Node
	// Stmt is the statement of the function's body (at any depth) that
	// holds Node: the call's statement, the loop, or the defer statement.
	Stmt ast.Stmt
	// Name prints it: "the after-chain s.runAfter",
	// "applyGlobalHeaders(resp)", "the deferred applyGlobalHeaders(resp)".
	Name string
	// AfterChain reports an after-chain (a loop or a runner call) rather
	// than a finalizer; Deferred a call registered with defer.
	AfterChain, Deferred bool

	anchor ssa.Instruction // runs when this instruction runs
	header *ssa.BasicBlock // or, for a loop, when its header runs
	key    string          // what it does, for matching equivalents
	loop   *chains.Loop    // for an after-chain loop
}

// source is a before-chain call whose outcome may be returned.
type source struct {
	call *ast.CallExpr
	loop *chains.Loop
	name string
}

// seed is what an SSA value derived from a before-chain call's outcome
// carries: the call and what the value is.
type seed struct {
	src    *source
	kind   Kind
	signal string // an abort flag or method read after src, see abortSignals
}

// candidate is a return of a before-chain's outcome.
type candidate struct {
	ret   *ssa.Return
	stmt  *ast.ReturnStmt
	src   *source
	kind  Kind
	mixed bool // the returned value also merges other responses
}

// finder holds what Find computes about one function, phase by phase.
type finder struct {
	m    *chains.Model
	info *types.Info
	fn   ast.Node
	body *ast.BlockStmt
	sfn  *ssa.Function
	sig  *types.Signature
	// respResult: the function returns a response.
	respResult bool

	parent  map[ast.Node]ast.Node             // the parents of body's nodes
	calls   map[token.Pos]ssa.CallInstruction // fn's calls by Lparen
	steps   []*Step                           // anchored in SSA
	sources []*source                         // with an SSA call
	derived map[ssa.Value]seed                // values derived from an outcome
	conds   map[ssa.Value]seed                // conditions computed from one
}

// Find returns the short-circuit returns of fn, a *ast.FuncDecl or
// *ast.FuncLit of the model's package, decided on its SSA form.
//
// A return is a candidate when it hands back the outcome of a before-chain:
// the response a before-runner or before-middleware returned, or a value
// derived from it (through phis, conversions and variables it was stored
// in); its error (Kind Error); or, for a function that answers on a
// response parameter and returns none, any return inside a before-chain
// loop or on the branch of a before-runner's result that leads to none of
// the common steps (Written).
//
// The common steps are the after-chain loops, after-runner calls and
// finalizers (calls taking the response and no request, methods of the
// response or of its fields, and the same registered with defer) that run
// before every normal return: the returns that are not candidates and do
// not return a nil response. Returns of what an error funnel made (return
// s.fail(req, err), s.fail running the after-chain, nothing else run) do
// not count unless all do; if only funnels remain, the candidates that
// merge the short-circuit response with others (code already fixed) stand
// for the common path.
//
// A candidate is returned with the common steps that do not run before it
// (Skipped), unless an equivalent step (same callee and arguments other
// than requests and responses, or the same after-chain loop) does. Find
// returns nil for functions with no before-chain, no after-chain and no
// finalizer.
func Find(m *chains.Model, fn ast.Node) []*ShortCircuit {
	f := newFinder(m, fn)
	if f == nil || !f.anchorSteps() || !f.seedSources() {
		return nil
	}
	cands, normal, funnels := f.classifyReturns()
	var out []*ShortCircuit
	returned := map[*ast.ReturnStmt]bool{}
	if common := f.commonPath(cands, normal, funnels); len(common) > 0 {
		for _, c := range cands {
			sc := &ShortCircuit{Func: fn, Exit: c.stmt, How: "is returned here", Return: c.stmt, Kind: c.kind,
				Source: c.src.call, Loop: c.src.loop, SourceName: c.src.name, Common: common}
			sc.Skipped = f.skippedAt(c.ret, common)
			if len(sc.Skipped) > 0 {
				out = append(out, sc)
			}
		}
	}
	for _, c := range cands {
		returned[c.stmt] = true
	}
	out = append(out, f.branchExits(returned)...)
	out = append(out, f.recovered()...)
	slices.SortFunc(out, func(a, b *ShortCircuit) int { return cmp.Compare(a.Exit.Pos(), b.Exit.Pos()) })
	return out
}

// newFinder returns the finder for fn, or nil when fn has no SSA form or
// neither returns a response nor takes one.
func newFinder(m *chains.Model, fn ast.Node) *finder {
	var body *ast.BlockStmt
	var typ ast.Expr
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		body, typ = fn.Body, fn.Name
	case *ast.FuncLit:
		body, typ = fn.Body, fn
	}
	if body == nil {
		return nil
	}
	info := m.Pass.TypesInfo
	sig, _ := info.TypeOf(typ).(*types.Signature)
	if sig == nil {
		return nil
	}
	f := &finder{m: m, info: info, fn: fn, body: body, sig: sig, parent: parents(body)}
	respParam := false
	for v := range sig.Results().Variables() {
		f.respResult = f.respResult || m.IsResponse(v.Type())
	}
	for v := range sig.Params().Variables() {
		respParam = respParam || m.IsResponse(v.Type()) || f.carriesResponse(v.Type())
	}
	if !f.respResult && !respParam {
		return nil
	}
	if f.sources = f.findSources(); len(f.sources) == 0 {
		return nil
	}
	f.sfn = m.SSA(fn)
	if f.sfn == nil || len(f.sfn.Blocks) == 0 {
		return nil
	}
	return f
}

// carriesResponse reports whether t is a request (or a pointer to one)
// whose struct holds the response in a field: a framework context such as
// beego's, whose ResponseWriter field is how its handlers answer.
func (f *finder) carriesResponse(t types.Type) bool {
	if !f.m.IsRequest(t) {
		return false
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for fld := range st.Fields() {
		if f.m.IsResponse(fld.Type()) {
			return true
		}
	}
	return false
}

// anchorSteps finds the steps that process responses and anchors each in
// SSA, in fn itself: the body of a range-over-func loop (a loop over
// chainruntime.BatchedLocker) is a synthesized yield function, and dominance
// does not cross functions. It reports whether any step was anchored.
func (f *finder) anchorSteps() bool {
	f.calls = ssaCalls(f.sfn)
	for _, st := range f.findSteps() {
		switch {
		case st.loop != nil && st.loop.RuntimeIter != nil:
			st.anchor = f.calls[st.loop.RuntimeIter.Lparen] // the iterator's call runs the loop
		case st.loop != nil:
			if lb := chains.LoopBlocks(f.sfn, st.loop); lb != nil {
				st.header = loopHeader(lb)
			}
		case st.Deferred:
			st.anchor = findDefer(f.sfn, st.Stmt.(*ast.DeferStmt))
		default:
			st.anchor = f.calls[st.Node.(*ast.CallExpr).Lparen]
			if st.anchor == nil {
				// w.Header().Set(...): anchor at the innermost call.
				if in := innermostCall(st.Node.(*ast.CallExpr)); in != nil {
					st.anchor = f.calls[in.Lparen]
				}
			}
		}
		if st.anchor != nil || st.header != nil {
			f.steps = append(f.steps, st)
		}
	}
	return len(f.steps) > 0
}

// seedSources marks the SSA values of the before-chain calls' outcomes, in
// fn or in the yield function of a range-over-func before-chain loop, and
// what is derived from them: values (derived) and conditions (conds). It
// drops the sources with no SSA call and reports whether any remains.
// Abort signals (see abortSignals) join the conditions.
func (f *finder) seedSources() bool {
	srcCalls := f.calls
	if yields := chains.YieldFuncs(f.sfn); len(yields) > 0 {
		srcCalls = map[token.Pos]ssa.CallInstruction{}
		for _, y := range append(yields, f.sfn) {
			for p, c := range ssaCalls(y) {
				srcCalls[p] = c
			}
		}
	}
	seeds := map[ssa.Value]seed{}
	var kept []*source
	for _, src := range f.sources {
		call, ok := srcCalls[src.call.Lparen].(*ssa.Call)
		if !ok {
			continue
		}
		kept = append(kept, src)
		for _, v := range callResults(call) {
			seeds[v] = seed{src: src, kind: f.kindOf(v.Type())}
		}
	}
	f.sources = kept
	f.derived = map[ssa.Value]seed{}
	f.conds = map[ssa.Value]seed{}
	for v, s := range seeds {
		if s.kind != Written {
			deriveValues(v, visitOnce(f.derived, s))
		}
		deriveConds(v, visitOnce(f.conds, s))
	}
	f.abortSignals(srcCalls)
	return len(kept) > 0
}

// kindOf says what an outcome of type t is.
func (f *finder) kindOf(t types.Type) Kind {
	switch {
	case f.m.IsResponse(t):
		return Response
	case chains.IsError(t):
		return Error
	}
	return Written
}

// visitOnce returns a visit function for deriveValues and deriveConds that
// records s for each value in seen and refuses values already there.
func visitOnce(seen map[ssa.Value]seed, s seed) func(ssa.Value) bool {
	return func(v ssa.Value) bool {
		if _, ok := seen[v]; ok {
			return false
		}
		seen[v] = s
		return true
	}
}

// classifyReturns sorts fn's returns into candidates (returns of a
// before-chain's outcome) and normal returns, the latter with whether
// each returns what an error funnel made.
func (f *finder) classifyReturns() (cands []candidate, normal []*ssa.Return, funnels map[*ssa.Return]bool) {
	rets := returnStmts(f.body)
	funnels = map[*ssa.Return]bool{}
	for _, b := range f.sfn.Blocks {
		r, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok || b == f.sfn.Recover {
			continue // the recover block returns after a panic, not on a path
		}
		stmt := rets[r.Pos()]
		c, nilResp, funnel := f.returned(r)
		c.stmt = stmt
		if c.kind < 0 && !f.respResult && stmt != nil {
			c.src, c.kind = f.written(b, stmt)
		}
		switch {
		case c.kind >= 0 && stmt != nil:
			cands = append(cands, c)
		case c.kind >= 0:
		case f.respResult && nilResp:
			// returns no response: not a normal-path response
		default:
			normal = append(normal, r)
			funnels[r] = funnel
		}
	}
	return cands, normal, funnels
}

// returned judges what r returns: a before-chain's outcome (the
// candidate's kind is -1 when not), a nil response, or what an error
// funnel made.
func (f *finder) returned(r *ssa.Return) (c candidate, nilResp, funnel bool) {
	c = candidate{ret: r, kind: -1}
	if !f.respResult {
		return c, false, false
	}
	for i := range min(len(r.Results), f.sig.Results().Len()) {
		res := returnedValue(f.sfn, r, i)
		t := f.sig.Results().At(i).Type()
		if s, ok := f.derived[res]; ok {
			if s.kind == Response && f.m.IsResponse(t) {
				c.src, c.kind = s.src, Response
				c.mixed = mixed(res, f.derived, map[ssa.Value]bool{})
			} else if s.kind == Error && c.kind != Response && chains.IsError(t) {
				c.src, c.kind = s.src, Error
			}
		}
		if f.m.IsResponse(t) && isNilConst(res) {
			nilResp = true
		}
		if f.m.IsResponse(t) && f.funnel(res) {
			funnel = true
		}
	}
	return c, nilResp, funnel
}

// written judges a return stmt (in block b) of a function answering on its
// response parameter: a return inside a before-chain loop, or on a branch
// of the before-runner's outcome that leads to none of the steps, returns
// after a before hook answered (Written); otherwise the kind is -1.
func (f *finder) written(b *ssa.BasicBlock, stmt *ast.ReturnStmt) (*source, Kind) {
	for _, src := range f.sources {
		if src.loop != nil && within(stmt.Pos(), src.loop.Body) {
			return src, Written
		}
	}
	if s := branchOn(f.sfn, f.conds, b, f.steps); s != nil && s.src.loop == nil {
		return s.src, Written
	}
	return nil, -1
}

// commonPath returns the steps that run before every normal return. A
// return of what an error funnel made (return s.fail(req, err), where
// s.fail runs the after-chain itself and nothing else ran) does not count,
// unless every normal return is one.
func (f *finder) commonPath(cands []candidate, normal []*ssa.Return, funnels map[*ssa.Return]bool) []*Step {
	var main []*ssa.Return
	for _, r := range normal {
		n := 0
		for _, st := range f.steps {
			if st.runsBefore(r) {
				n++
			}
		}
		if !funnels[r] || n > 1 {
			main = append(main, r)
		}
	}
	if len(main) == 0 {
		// Every other return is a funnel's: the common path is the one
		// that carries the short-circuit response and other responses
		// alike (a phi), as in code already fixed.
		for _, c := range cands {
			if c.mixed {
				main = append(main, c.ret)
			}
		}
	}
	if len(main) == 0 {
		main = normal
	}
	if len(main) == 0 {
		return nil
	}
	var common []*Step
	for _, st := range f.steps {
		all := true
		for _, r := range main {
			all = all && st.runsBefore(r)
		}
		if all {
			common = append(common, st)
		}
	}
	return common
}

// skippedAt returns the common steps that have not run when r is reached,
// unless an equivalent step has.
func (f *finder) skippedAt(r ssa.Instruction, common []*Step) []*Step {
	var out []*Step
	for _, st := range common {
		if !st.runsBefore(r) && !covered(st, r, f.steps) {
			out = append(out, st)
		}
	}
	return out
}

// runsBefore reports whether the step has run whenever r is reached.
func (st *Step) runsBefore(r ssa.Instruction) bool {
	if st.header != nil {
		return st.header.Dominates(r.Block())
	}
	return dominates(st.anchor, r)
}

// covered reports whether another step that runs before r does what st
// does: the same callee (a deferred applyGlobalHeaders registered before
// the return, or the same call made on the short-circuit branch) or the
// same after-chain loop.
func covered(st *Step, r ssa.Instruction, steps []*Step) bool {
	for _, d := range steps {
		if d != st && d.runsBefore(r) && d.does(st) {
			return true
		}
	}
	return false
}

// funnel reports whether v is the result of a call of a function that
// runs an after-chain (an error funnel such as s.fail(req, err)).
func (f *finder) funnel(v ssa.Value) bool {
	if ex, ok := v.(*ssa.Extract); ok {
		v = ex.Tuple
	}
	call, ok := v.(*ssa.Call)
	if !ok {
		return false
	}
	callee := call.Call.StaticCallee()
	if callee == nil {
		return false
	}
	fn, _ := callee.Object().(*types.Func)
	rc, ok := f.m.RunsChainFact(fn)
	return ok && rc.After
}

// findSources finds the before-chain calls of fn: element calls of its
// before-chain loops and calls of before-runners (by fact).
func (f *finder) findSources() []*source {
	var out []*source
	for _, l := range f.m.Loops {
		if l.Func == f.fn && l.Role == chains.Before {
			for _, ec := range l.Calls {
				out = append(out, &source{call: ec.Call, loop: l, name: l.ChainName})
			}
		}
	}
	chains.InspectOwn(f.body, func(n ast.Node) {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return
		}
		if role, _ := f.runnerRole(call); role == chains.Before {
			out = append(out, &source{call: call, name: f.runnerName(call)})
		}
	})
	return out
}

func within(pos token.Pos, n ast.Node) bool { return n.Pos() <= pos && pos < n.End() }

func isNilConst(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.IsNil()
}
