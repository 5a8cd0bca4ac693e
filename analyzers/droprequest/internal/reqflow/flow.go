// Package reqflow is droprequest's request-value flow: which calls hand
// a request to after-middlewares, and which request value is current at such a call. Decided on SSA values, so
// intermediate variables do not hide a value's identity, and across package
// boundaries by the RunsChain fact. The rule: the after-chain must receive
// the request value the handler received; a value from which that request
// was derived (the input of a before-chain, the request before WithContext
// or Clone, a parent context.Context) is stale.
package reqflow

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/ssa"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// Flow answers request-value questions for one function on SSA.
type Flow struct {
	m     *chains.Model
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
	// runs are the range-over-func loops (over chainruntime.BatchedLocker) whose
	// body assigns a variable of the function, by that variable's cell.
	runs map[*ssa.Alloc][]*loopRun
	// yields are the flows of the loops' yield functions, by function.
	yields map[*ssa.Function]*Flow
	// fields memoizes fieldValue, by load.
	fields map[*ssa.UnOp]ssa.Value
}

// loopRun is a range-over-func loop whose body (a yield function) assigns a
// variable of the enclosing function: req = m(req) in a loop over
// chainruntime.BatchedLocker. The call of the iterator with the yield function
// stands for the variable's value after the loop, derived from its value
// before it.
type loopRun struct {
	run  *ssa.Call
	mc   *ssa.MakeClosure // the yield function
	step string           // "the before-chain s.before"
	pos  token.Pos
	end  token.Pos // the end of the range statement
}

// New returns the request flow of fn (a *ast.FuncDecl or
// *ast.FuncLit of this package), or nil when it has no SSA form.
func New(m *chains.Model, fn ast.Node) *Flow {
	sfn := m.SSA(fn)
	if sfn == nil || len(sfn.Blocks) == 0 {
		return nil
	}
	f := &Flow{m: m, node: fn, fn: sfn,
		calls: map[token.Pos]*ast.CallExpr{}, instr: map[token.Pos]ssa.CallInstruction{},
		idx: map[ssa.Instruction]int{}, after: map[*ast.CallExpr]*AfterCall{},
		defs: map[*types.Var][]token.Pos{}, bad: map[*types.Var]bool{},
		asgn: map[*ast.CallExpr]*ast.Ident{}, succ: map[string]map[ssa.Value][]ssa.Value{}}
	f.indexInstrs()
	for _, ac := range AfterCalls(m, fn) {
		f.after[ac.Call] = ac
	}
	f.scanSyntax()
	f.findRuns()
	return f
}

// findRuns fills f.runs from the function's range-over-func chain loops.
func (f *Flow) findRuns() {
	loops := map[token.Pos]*chains.Loop{}
	for _, l := range f.m.Loops {
		if l.RuntimeIter != nil && l.Func == f.node {
			loops[l.RuntimeIter.Lparen] = l
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
			if l.Role == chains.Before {
				step = "the before-chain " + l.ChainName
			}
			for _, x := range mc.Bindings {
				if a, ok := x.(*ssa.Alloc); ok && a.Parent() == f.fn && capturedStored(mc, a) {
					if f.runs == nil {
						f.runs = map[*ssa.Alloc][]*loopRun{}
					}
					f.runs[a] = append(f.runs[a], &loopRun{run: run, mc: mc, step: step, pos: l.Stmt.Pos(), end: l.Stmt.End()})
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
				if !slices.ContainsFunc(runs, func(r *loopRun) bool { return r.mc == x }) && capturedStored(x, a) {
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
func (f *Flow) cellAt(a *ssa.Alloc, at ssa.Instruction, skip *loopRun) ssa.Value {
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
func (f *Flow) reaches(a, b ssa.Instruction) bool {
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
func (f *Flow) indexInstrs() {
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
func (f *Flow) yieldFlow(lparen token.Pos) (*Flow, ssa.CallInstruction) {
	for _, y := range chains.YieldFuncs(f.fn) {
		for _, b := range y.Blocks {
			for _, in := range b.Instrs {
				c, ok := in.(ssa.CallInstruction)
				if !ok || c.Common().Pos() != lparen {
					continue
				}
				if f.yields == nil {
					f.yields = map[*ssa.Function]*Flow{}
				}
				yf := f.yields[y]
				if yf == nil {
					// The syntax is the enclosing function's.
					yf = &Flow{m: f.m, node: f.node, fn: y, calls: f.calls,
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
func (f *Flow) Func() *ssa.Function { return f.fn }

// scanSyntax records calls by position, assignments to variables, and what
// disqualifies a variable from naming a value (address taken, assigned in
// a closure, goto in the function).
func (f *Flow) scanSyntax() {
	info := f.m.Pass.TypesInfo
	varOf := func(e ast.Expr) *types.Var { return chains.IdentVar(info, ast.Unparen(e)) }
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
	ast.Inspect(chains.FuncBody(f.node), visit)
}

// tupleTarget returns the identifier that receives result i of call in
// "a, b := call()" or "a, b = call()".
func (f *Flow) tupleTarget(call *ast.CallExpr, i int) *ast.Ident {
	path, _ := astutil.PathEnclosingInterval(chains.FileOf(f.m.Pass, call.Pos()), call.Pos(), call.End())
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

// canon maps a load of a variable that is stored once (a request captured
// by a closure, so kept in memory) to the stored value, and a load of a
// captured variable to the free variable, so that every use of one request
// is one value.
func (f *Flow) canon(v ssa.Value) ssa.Value {
	for range 4 {
		u, ok := v.(*ssa.UnOp)
		if !ok || u.Op != token.MUL {
			return v
		}
		switch x := u.X.(type) {
		case *ssa.FieldAddr:
			if w := f.fieldValue(u, x); w != nil {
				v = w
				continue
			}
			return v
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
					if capturedStored(r, x) {
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
func capturedStored(mc *ssa.MakeClosure, x ssa.Value) bool {
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
				if capturedStored(r, fn.FreeVars[i]) {
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

// dominates reports whether v is available at in on every path.
func (f *Flow) dominates(v ssa.Value, in ssa.Instruction) bool {
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

func (f *Flow) instrDominates(a, b ssa.Instruction) bool {
	if a.Block() == b.Block() {
		return f.idx[a] < f.idx[b]
	}
	return a.Block().Dominates(b.Block())
}

// firstPos returns the first valid position of b's instructions other
// than phis (a lifted phi is positioned at its variable's declaration).
func firstPos(b *ssa.BasicBlock) token.Pos {
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

func within(pos token.Pos, n ast.Node) bool { return n.Pos() <= pos && pos < n.End() }
