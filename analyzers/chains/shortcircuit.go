package chains

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/types/typeutil"
)

// ShortKind says what a [ShortCircuit] return hands back.
type ShortKind int

const (
	// ShortResponse: the before-chain's short-circuit response, or a value
	// derived from it.
	ShortResponse ShortKind = iota
	// ShortError: the before-chain's error, with no response.
	ShortError
	// ShortWritten: the function answers on a response parameter (an
	// http.ResponseWriter) and returns after a before hook has answered.
	ShortWritten
)

// A ShortCircuit is a return that hands back a before-chain's short-circuit
// outcome on a path that bypasses calls every normal-path response goes
// through: the after-chain (a chain loop or a runner) and the response
// finalizers (calls taking the response and no request, such as
// applyGlobalHeaders(resp) or w.Header().Set(...)).
type ShortCircuit struct {
	// Func is the *ast.FuncDecl or *ast.FuncLit holding the return.
	Func   ast.Node
	Return *ast.ReturnStmt
	Kind   ShortKind
	// Source is the call whose outcome is returned: the call of a
	// before-runner, or the element call of a before-chain loop (then
	// Loop is that loop). SourceName prints it: "s.runBefore", "s.before".
	Source     *ast.CallExpr
	Loop       *Loop
	SourceName string
	// Skipped are the bypassed calls, in source order.
	Skipped []*Skipped
	// Common are all the calls the normal path applies to every
	// response, in source order (Skipped is a subset).
	Common []*Skipped
}

// Skipped is a call (or loop) that every normal-path response goes through.
type Skipped struct {
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
	loop   *Loop           // for an after-chain loop
}

// scSource is a before-chain call whose outcome may be returned.
type scSource struct {
	call *ast.CallExpr
	loop *Loop
	name string
}

// scSeed is an SSA value of a before-chain call's outcome.
type scSeed struct {
	src  *scSource
	kind ShortKind
}

// ShortCircuits returns the short-circuit returns of fn, a *ast.FuncDecl or
// *ast.FuncLit of this package, decided on its SSA form.
//
// A return is a candidate when it hands back the outcome of a before-chain:
// the response a before-runner or before-middleware returned, or a value
// derived from it (through phis, conversions and variables it was stored
// in); its error (Kind ShortError); or, for a function that answers on a
// response parameter and returns none, any return inside a before-chain
// loop or on the branch of a before-runner's result that leads to none of
// the common calls (ShortWritten).
//
// The common calls are the after-chain loops, after-runner calls and
// finalizers (calls taking the response and no request, methods of the
// response or of its fields, and the same registered with defer) that run
// before every normal return: the returns that are not candidates and do
// not return a nil response. Returns of what an error funnel made (return
// s.fail(req, err), s.fail running the after-chain, nothing else run) do
// not count unless all do; if only funnels remain, the candidates that
// merge the short-circuit response with others (code already fixed) stand
// for the common path.
//
// A candidate is returned with the common calls that do not run before it
// (Skipped), unless an equivalent call (same callee and arguments other
// than requests and responses, or the same after-chain loop) does. It
// returns nil for functions with no before-chain, no after-chain and no
// finalizer.
func (m *Model) ShortCircuits(fn ast.Node) []*ShortCircuit {
	body := funcBody(fn)
	if body == nil {
		return nil
	}
	sources := m.scSources(fn, body)
	if len(sources) == 0 {
		return nil
	}
	items := m.scProcessing(fn, body)
	if len(items) == 0 {
		return nil
	}
	sfn := m.SSA(fn)
	if sfn == nil || len(sfn.Blocks) == 0 {
		return nil
	}
	sig, _ := m.Pass.TypesInfo.TypeOf(scFuncType(fn)).(*types.Signature)
	if sig == nil {
		return nil
	}
	respResult := false
	for v := range sig.Results().Variables() {
		respResult = respResult || m.IsResponse(v.Type())
	}
	respParam := false
	for v := range sig.Params().Variables() {
		respParam = respParam || m.IsResponse(v.Type())
	}
	if !respResult && !respParam {
		return nil
	}

	// Anchor the processing calls in SSA, in fn itself: the body of a
	// range-over-func loop (a loop over chainruntime.Batched) is a
	// synthesized yield function, and dominance does not cross functions.
	calls := scSSACalls(sfn)
	var anchored []*Skipped
	for _, it := range items {
		switch {
		case it.loop != nil && it.loop.Batched != nil:
			it.anchor = calls[it.loop.Batched.Lparen] // the iterator's call runs the loop
		case it.loop != nil:
			if lb := loopBlocks(sfn, it.loop); lb != nil {
				it.header = scLoopHeader(lb)
			}
		case it.Deferred:
			it.anchor = scFindDefer(sfn, it.Stmt.(*ast.DeferStmt))
		default:
			it.anchor = calls[it.Node.(*ast.CallExpr).Lparen]
			if it.anchor == nil {
				// w.Header().Set(...): anchor at the innermost call.
				if in := scInnermostCall(it.Node.(*ast.CallExpr)); in != nil {
					it.anchor = calls[in.Lparen]
				}
			}
		}
		if it.anchor != nil || it.header != nil {
			anchored = append(anchored, it)
		}
	}
	if len(anchored) == 0 {
		return nil
	}

	// Seeds: the outcomes of the before-chain calls, in fn or in the yield
	// function of a range-over-func before-chain loop.
	srcCalls := calls
	if yields := scYields(sfn); len(yields) > 0 {
		srcCalls = map[token.Pos]ssa.CallInstruction{}
		for _, f := range append(yields, sfn) {
			for p, c := range scSSACalls(f) {
				srcCalls[p] = c
			}
		}
	}
	seeds := map[ssa.Value]scSeed{}
	var srcOf []*scSource
	for i := range sources {
		src := &sources[i]
		ci := srcCalls[src.call.Lparen]
		call, ok := ci.(*ssa.Call)
		if !ok {
			continue
		}
		srcOf = append(srcOf, src)
		add := func(v ssa.Value) {
			switch {
			case m.IsResponse(v.Type()):
				seeds[v] = scSeed{src, ShortResponse}
			case scIsError(v.Type()):
				seeds[v] = scSeed{src, ShortError}
			default:
				seeds[v] = scSeed{src, ShortWritten}
			}
		}
		if tup, ok := call.Type().(*types.Tuple); ok {
			for _, ref := range *call.Referrers() {
				if ex, ok := ref.(*ssa.Extract); ok && ex.Index < tup.Len() {
					add(ex)
				}
			}
		} else if call.Type() != nil {
			add(call)
		}
	}
	if len(seeds) == 0 {
		return nil
	}
	derived := map[ssa.Value]scSeed{}
	for v, s := range seeds {
		if s.kind == ShortWritten {
			continue
		}
		scDeriveValues(v, func(d ssa.Value) bool {
			if _, ok := derived[d]; ok {
				return false
			}
			derived[d] = s
			return true
		})
	}
	conds := map[ssa.Value]scSeed{}
	for v, s := range seeds {
		scDeriveConds(v, func(d ssa.Value) bool {
			if _, ok := conds[d]; ok {
				return false
			}
			conds[d] = s
			return true
		})
	}

	rets := scReturnStmts(body)
	type cand struct {
		ret   *ssa.Return
		stmt  *ast.ReturnStmt
		src   *scSource
		kind  ShortKind
		mixed bool
	}
	var cands []cand
	var normal []*ssa.Return
	funnels := map[*ssa.Return]bool{}
	for _, b := range sfn.Blocks {
		r, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok || b == sfn.Recover {
			continue // the recover block returns after a panic, not on a path
		}
		stmt := rets[r.Pos()]
		c := cand{ret: r, stmt: stmt, kind: -1}
		nilResp, funnel := false, false
		for i := range r.Results {
			if !respResult || i >= sig.Results().Len() {
				break
			}
			res := scReturned(sfn, r, i)
			t := sig.Results().At(i).Type()
			if s, ok := derived[res]; ok {
				if s.kind == ShortResponse && m.IsResponse(t) {
					c.src, c.kind = s.src, ShortResponse
					c.mixed = scMixed(res, derived, map[ssa.Value]bool{})
				} else if s.kind == ShortError && c.kind != ShortResponse && scIsError(t) {
					c.src, c.kind = s.src, ShortError
				}
			}
			if m.IsResponse(t) && scIsNilConst(res) {
				nilResp = true
			}
			if m.IsResponse(t) && m.scFunnel(res) {
				funnel = true
			}
		}
		if c.kind < 0 && !respResult && stmt != nil {
			// A function answering on its response parameter: a
			// return inside a before-chain loop, or on a branch of the
			// before-runner's outcome that leads to none of the
			// common calls.
			for _, src := range srcOf {
				if src.loop != nil && within(stmt.Pos(), src.loop.Body) {
					c.src, c.kind = src, ShortWritten
					break
				}
			}
			if c.kind < 0 {
				if s := scBranchOn(sfn, conds, b, anchored); s != nil && s.src.loop == nil {
					c.src, c.kind = s.src, ShortWritten
				}
			}
		}
		switch {
		case c.kind >= 0 && stmt != nil:
			cands = append(cands, c)
		case c.kind >= 0:
		case respResult && nilResp:
			// returns no response: not a normal-path response
		default:
			normal = append(normal, r)
			funnels[r] = funnel
		}
	}
	if len(cands) == 0 {
		return nil
	}
	// The common path: what runs before every normal return. A return of
	// what an error funnel made (return s.fail(req, err), where s.fail
	// runs the after-chain itself and nothing else ran) does not count,
	// unless every normal return is one.
	var main []*ssa.Return
	for _, r := range normal {
		n := 0
		for _, it := range anchored {
			if it.runsBefore(r) {
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
	var common []*Skipped
	for _, it := range anchored {
		all := true
		for _, r := range main {
			all = all && it.runsBefore(r)
		}
		if all {
			common = append(common, it)
		}
	}
	if len(common) == 0 {
		return nil
	}
	var out []*ShortCircuit
	for _, c := range cands {
		sc := &ShortCircuit{Func: fn, Return: c.stmt, Kind: c.kind, Source: c.src.call, Loop: c.src.loop, SourceName: c.src.name, Common: common}
		for _, it := range common {
			if it.runsBefore(c.ret) || scCovered(it, c.ret, anchored) {
				continue
			}
			sc.Skipped = append(sc.Skipped, it)
		}
		if len(sc.Skipped) > 0 {
			out = append(out, sc)
		}
	}
	return out
}

// runsBefore reports whether the item has run whenever r is reached.
func (it *Skipped) runsBefore(r ssa.Instruction) bool {
	if it.header != nil {
		return it.header.Dominates(r.Block())
	}
	return scDominates(it.anchor, r)
}

// scCovered reports whether another item that runs before r does what it
// does: the same callee (a deferred applyGlobalHeaders registered before
// the return, or the same call made on the short-circuit branch) or the
// same after-chain loop.
func scCovered(it *Skipped, r ssa.Instruction, items []*Skipped) bool {
	for _, d := range items {
		if d == it || !d.runsBefore(r) {
			continue
		}
		if it.loop != nil && d.loop != nil && it.loop.ChainName == d.loop.ChainName {
			return true
		}
		if it.key != "" && it.key == d.key {
			return true
		}
	}
	return false
}

func scDominates(a, b ssa.Instruction) bool {
	if a == nil || b == nil {
		return false
	}
	if a.Block() != b.Block() {
		return a.Block().Dominates(b.Block())
	}
	for _, in := range a.Block().Instrs {
		switch in {
		case a:
			return true
		case b:
			return false
		}
	}
	return false
}

// scBranchOn returns the seed of an If on the before-chain's outcome one of
// whose branches leads (by dominance) to block b and to none of the
// common-path items.
func scBranchOn(fn *ssa.Function, conds map[ssa.Value]scSeed, b *ssa.BasicBlock, items []*Skipped) *scSeed {
	for _, blk := range fn.Blocks {
		ifi, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		s, ok := conds[ifi.Cond]
		if !ok {
			continue
		}
		for _, succ := range blk.Succs {
			if len(succ.Preds) != 1 || !succ.Dominates(b) {
				continue
			}
			leads := false
			for _, it := range items {
				if it.header != nil && succ.Dominates(it.header) || it.anchor != nil && succ.Dominates(it.anchor.Block()) {
					leads = true
				}
			}
			if !leads {
				return &s
			}
		}
	}
	return nil
}

// scFunnel reports whether v is the result of a call of a function that
// runs an after-chain (an error funnel such as s.fail(req, err)).
func (m *Model) scFunnel(v ssa.Value) bool {
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
	rc, ok := m.RunsChainFact(fn)
	return ok && rc.After
}

// scDeriveValues calls visit for v and every value derived from it by
// phis, conversions, type assertions and loads of variables it is stored
// in; visit returns false for values already seen.
func scDeriveValues(v ssa.Value, visit func(ssa.Value) bool) {
	scForward(v, visit, func(v ssa.Value, ref ssa.Instruction, push func(ssa.Value)) {
		switch r := ref.(type) {
		case *ssa.Phi, *ssa.ChangeType, *ssa.ChangeInterface, *ssa.MakeInterface, *ssa.Convert:
			push(r.(ssa.Value))
		case *ssa.TypeAssert:
			if !r.CommaOk {
				push(r)
				return
			}
			for _, x := range *r.Referrers() {
				if ex, ok := x.(*ssa.Extract); ok && ex.Index == 0 {
					push(ex)
				}
			}
		case *ssa.Store:
			alloc, ok := r.Addr.(*ssa.Alloc)
			if r.Val != v || !ok {
				return
			}
			for _, x := range *alloc.Referrers() {
				if ld, ok := x.(*ssa.UnOp); ok && ld.Op == token.MUL && scReaches(r, ld, alloc) {
					push(ld)
				}
			}
		}
	})
}

// scForward walks the values reachable from v through step, visiting
// each once (visit returns false for values already seen).
func scForward(v ssa.Value, visit func(ssa.Value) bool, step func(v ssa.Value, ref ssa.Instruction, push func(ssa.Value))) {
	work := []ssa.Value{v}
	push := func(x ssa.Value) { work = append(work, x) }
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		if !visit(v) {
			continue
		}
		if refs := v.Referrers(); refs != nil {
			for _, ref := range *refs {
				step(v, ref, push)
			}
		}
	}
}

// scMixed reports whether v, derived from a short-circuit outcome, also
// merges (through phis) values that are not.
func scMixed(v ssa.Value, derived map[ssa.Value]scSeed, seen map[ssa.Value]bool) bool {
	phi, ok := v.(*ssa.Phi)
	if !ok || seen[v] {
		return false
	}
	seen[v] = true
	for _, e := range phi.Edges {
		if _, ok := derived[e]; !ok || scMixed(e, derived, seen) {
			return true
		}
	}
	return false
}

// scReaches reports whether store st may be the value load ld reads from
// alloc: st dominates ld and no later store to alloc dominates ld.
func scReaches(st *ssa.Store, ld *ssa.UnOp, alloc *ssa.Alloc) bool {
	if !scDominates(st, ld) {
		return false
	}
	for _, x := range *alloc.Referrers() {
		if st2, ok := x.(*ssa.Store); ok && st2 != st && st2.Addr == alloc && scDominates(st, st2) && scDominates(st2, ld) {
			return false
		}
	}
	return true
}

// scDeriveConds calls visit for v and every boolean value computed from it
// by comparisons, negations and phis.
func scDeriveConds(v ssa.Value, visit func(ssa.Value) bool) {
	scForward(v, visit, func(_ ssa.Value, ref ssa.Instruction, push func(ssa.Value)) {
		switch r := ref.(type) {
		case *ssa.UnOp:
			if r.Op == token.NOT {
				push(r)
			}
		case *ssa.BinOp, *ssa.Phi, *ssa.ChangeType:
			push(r.(ssa.Value))
		}
	})
}

// scSources finds the before-chain calls of fn: element calls of its
// before-chain loops and calls of before-runners (by fact).
func (m *Model) scSources(fn ast.Node, body *ast.BlockStmt) []scSource {
	var out []scSource
	for _, l := range m.Loops {
		if l.Func == fn && l.Role == Before {
			for _, ec := range l.Calls {
				out = append(out, scSource{call: ec.Call, loop: l, name: l.ChainName})
			}
		}
	}
	scInspectOwn(body, func(n ast.Node) {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return
		}
		if rc, ok := m.RunsChainFact(m.scCallee(call)); ok && rc.Before && !rc.After {
			out = append(out, scSource{call: call, name: exprName(call.Fun)})
		}
	})
	return out
}

// scProcessing finds the calls of fn that process responses: after-chain
// loops and runners, finalizers, and the same registered with defer.
func (m *Model) scProcessing(fn ast.Node, body *ast.BlockStmt) []*Skipped {
	var out []*Skipped
	elem := map[*ast.CallExpr]bool{}
	for _, l := range m.Loops {
		for _, ec := range l.Calls {
			elem[ec.Call] = true
		}
	}
	stmtOf := map[ast.Node]ast.Stmt{}
	var stmts []ast.Stmt
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stmts = stmts[:len(stmts)-1]
			return true
		}
		if st, ok := n.(ast.Stmt); ok {
			stmts = append(stmts, st)
		} else {
			stmts = append(stmts, stmts[len(stmts)-1])
		}
		if _, ok := n.(*ast.CallExpr); ok {
			stmtOf[n] = stmts[len(stmts)-1]
		}
		return true
	})
	for _, l := range m.Loops {
		if l.Func == fn && l.Role == After {
			out = append(out, &Skipped{Node: l.Stmt, Stmt: l.Stmt, Name: "the after-chain " + l.ChainName, AfterChain: true, loop: l})
		}
	}
	classify := func(call *ast.CallExpr) *Skipped {
		if elem[call] {
			return nil
		}
		callee := m.scCallee(call)
		if rc, ok := m.RunsChainFact(callee); ok {
			if rc.After && !rc.Before {
				return &Skipped{Node: call, Name: "the after-chain " + exprName(call.Fun), AfterChain: true, key: m.scKey(call)}
			}
			return nil
		}
		if m.scIsFinalizer(call) {
			outer := m.scOuterCall(call)
			return &Skipped{Node: outer, Name: scCallText(outer), key: m.scKey(outer)}
		}
		return nil
	}
	scInspectOwn(body, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.DeferStmt:
			var inner []*Skipped
			if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
				for _, l := range m.Loops {
					if l.Func == lit && l.Role == After {
						inner = append(inner, &Skipped{Node: l.Stmt, Name: "the after-chain " + l.ChainName, AfterChain: true, loop: l})
					}
				}
				scInspectOwn(lit.Body, func(n ast.Node) {
					if c, ok := n.(*ast.CallExpr); ok {
						if it := classify(c); it != nil {
							inner = append(inner, it)
						}
					}
				})
			} else if it := classify(n.Call); it != nil {
				inner = append(inner, it)
			}
			for _, it := range inner {
				it.Deferred, it.Stmt = true, n
				it.Name = "the deferred " + strings.TrimPrefix(it.Name, "the ")
				out = append(out, it)
			}
		case *ast.CallExpr:
			if st, ok := stmtOf[n].(*ast.DeferStmt); ok && st.Call == n {
				return // handled as a defer
			}
			if it := classify(n); it != nil {
				it.Stmt = stmtOf[n]
				out = append(out, it)
			}
		}
	})
	// Finalizers reached through w.Header().Set(...) are found at the
	// inner call: keep one item per outer call.
	slices.SortStableFunc(out, func(a, b *Skipped) int { return int(a.Node.Pos() - b.Node.Pos()) })
	out = slices.CompactFunc(out, func(a, b *Skipped) bool { return a.Node == b.Node })
	return out
}

// scIsFinalizer reports whether call takes a response (as an argument or as
// the receiver of a method) and no request, and is not a conversion or a
// builtin.
func (m *Model) scIsFinalizer(call *ast.CallExpr) bool {
	info := m.Pass.TypesInfo
	if tv, ok := info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
		return false
	}
	resp := false
	check := func(e ast.Expr) bool {
		t := info.TypeOf(e)
		if m.IsRequest(t) {
			return false
		}
		resp = resp || m.IsResponse(t)
		return true
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
			if !check(sel.X) {
				return false
			}
			// resp.Header.Set(...): a method of a field of the response.
			for x := ast.Unparen(sel.X); ; {
				fs, ok := x.(*ast.SelectorExpr)
				if !ok {
					break
				}
				if s := info.Selections[fs]; s == nil || s.Kind() != types.FieldVal {
					break
				}
				x = ast.Unparen(fs.X)
				if m.IsResponse(info.TypeOf(x)) {
					resp = true
					break
				}
			}
		}
	}
	for _, a := range call.Args {
		if !check(a) {
			return false
		}
	}
	return resp
}

// scOuterCall climbs from w.Header() to w.Header().Set(...).
func (m *Model) scOuterCall(call *ast.CallExpr) *ast.CallExpr {
	cur, ok := m.insp.Root().FindNode(call)
	if !ok {
		return call
	}
	for {
		sel, ok := cur.Parent().Node().(*ast.SelectorExpr)
		if !ok || sel.X != cur.Node() {
			return cur.Node().(*ast.CallExpr)
		}
		outer, ok := cur.Parent().Parent().Node().(*ast.CallExpr)
		if !ok || outer.Fun != sel {
			return cur.Node().(*ast.CallExpr)
		}
		cur = cur.Parent().Parent()
	}
}

// scInnermostCall returns the call at the root of a method-call chain
// (w.Header() in w.Header().Set(...)), or nil.
func scInnermostCall(call *ast.CallExpr) *ast.CallExpr {
	var inner *ast.CallExpr
	for {
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return inner
		}
		c, ok := ast.Unparen(sel.X).(*ast.CallExpr)
		if !ok {
			return inner
		}
		inner, call = c, c
	}
}

func (m *Model) scCallee(call *ast.CallExpr) *types.Func {
	f, _ := typeutil.Callee(m.Pass.TypesInfo, call).(*types.Func)
	return f
}

// scKey describes what a call does, to match equivalent calls: the callee
// and the arguments other than responses and requests
// (applyGlobalHeaders(r) and applyGlobalHeaders(resp) match;
// w.Header().Set("Vary", v) matches only another Set of "Vary" to v).
func (m *Model) scKey(call *ast.CallExpr) string {
	callee := m.scCallee(call)
	if callee == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(callee.FullName())
	for _, a := range call.Args {
		t := m.Pass.TypesInfo.TypeOf(a)
		b.WriteString("|")
		if !m.IsResponse(t) && !m.IsRequest(t) {
			b.WriteString(types.ExprString(a))
		}
	}
	return b.String()
}

// scCallText prints a call briefly: applyGlobalHeaders(resp),
// w.Header().Set(...) when the arguments are long.
func scCallText(call *ast.CallExpr) string {
	s := types.ExprString(call)
	if len(s) > 48 {
		s = types.ExprString(call.Fun) + "(...)"
	}
	return s
}

// scInspectOwn visits the nodes of body outside nested function literals.
func scInspectOwn(body *ast.BlockStmt, f func(ast.Node)) {
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if n != nil {
			f(n)
		}
		return true
	})
}

func scReturnStmts(body *ast.BlockStmt) map[token.Pos]*ast.ReturnStmt {
	out := map[token.Pos]*ast.ReturnStmt{}
	scInspectOwn(body, func(n ast.Node) {
		if r, ok := n.(*ast.ReturnStmt); ok {
			out[r.Return] = r
		}
	})
	return out
}

func scSSACalls(fn *ssa.Function) map[token.Pos]ssa.CallInstruction {
	out := map[token.Pos]ssa.CallInstruction{}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if c, ok := in.(ssa.CallInstruction); ok {
				if _, isDefer := in.(*ssa.Defer); !isDefer {
					out[c.Common().Pos()] = c
				}
			}
		}
	}
	return out
}

// scYields returns the synthesized yield functions of fn's range-over-func
// loops, nested ones included.
func scYields(fn *ssa.Function) []*ssa.Function {
	var out []*ssa.Function
	for _, a := range fn.AnonFuncs {
		if a.Synthetic == scYieldSynthetic {
			out = append(out, a)
			out = append(out, scYields(a)...)
		}
	}
	return out
}

// scYieldSynthetic is the Synthetic of the yield function go/ssa builds for
// the body of a range-over-func loop.
const scYieldSynthetic = "range-over-func yield"

// scReturned returns the i'th result of r. In a function with a
// range-over-func loop whose body returns, every return stores its results
// in result variables and returns loads of them: a return inside the body
// is compiled into the yield function storing them, and a return in fn of
// the loads at the same position; any other return stores them itself
// right before. The result is then the value stored at that position.
func scReturned(fn *ssa.Function, r *ssa.Return, i int) ssa.Value {
	res := r.Results[i]
	ld, ok := res.(*ssa.UnOp)
	if !ok || ld.Op != token.MUL || !r.Pos().IsValid() {
		return res
	}
	if _, ok := ld.X.(*ssa.Alloc); !ok {
		return res
	}
	for _, in := range r.Block().Instrs {
		if st, ok := in.(*ssa.Store); ok && st.Addr == ld.X && st.Pos() == r.Pos() {
			return st.Val
		}
	}
	if v := scYieldStore(fn, ld.X, r.Pos()); v != nil {
		return v
	}
	return res
}

// scYieldStore finds, in the yield functions of fn (nested ones too), the
// store at pos to the free variable bound to addr, and returns its value.
func scYieldStore(fn *ssa.Function, addr ssa.Value, pos token.Pos) ssa.Value {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			mc, ok := in.(*ssa.MakeClosure)
			if !ok {
				continue
			}
			y, ok := mc.Fn.(*ssa.Function)
			if !ok || y.Synthetic != scYieldSynthetic {
				continue
			}
			for k, bound := range mc.Bindings {
				if bound != addr || k >= len(y.FreeVars) {
					continue
				}
				fv := y.FreeVars[k]
				for _, ref := range *fv.Referrers() {
					if st, ok := ref.(*ssa.Store); ok && st.Addr == fv && st.Pos() == pos {
						return st.Val
					}
				}
				if v := scYieldStore(y, fv, pos); v != nil {
					return v
				}
			}
		}
	}
	return nil
}

func scFindDefer(fn *ssa.Function, d *ast.DeferStmt) ssa.Instruction {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if df, ok := in.(*ssa.Defer); ok && df.Pos() == d.Defer {
				return df
			}
		}
	}
	return nil
}

// scLoopHeader returns the block of a natural loop that dominates the others.
func scLoopHeader(blocks map[*ssa.BasicBlock]bool) *ssa.BasicBlock {
	for b := range blocks {
		if b.Idom() == nil || !blocks[b.Idom()] {
			return b
		}
	}
	return nil
}

// funcBody returns the body of a *ast.FuncDecl or *ast.FuncLit, or nil.
func funcBody(fn ast.Node) *ast.BlockStmt {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		return fn.Body
	case *ast.FuncLit:
		return fn.Body
	}
	return nil
}

func scFuncType(fn ast.Node) ast.Expr {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		return fn.Name
	case *ast.FuncLit:
		return fn
	}
	return nil
}

func scIsError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

func scIsNilConst(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.IsNil()
}
