package chains

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// buildSSA builds the package's SSA form once, on first demand, the way
// buildssa does but only for packages that ask: chains does not require
// buildssa, so packages without candidate loops never pay for SSA.
func (m *Model) buildSSA() {
	m.ssaOnce.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				m.ssaPkg, m.ssaErr = nil, r
			}
		}()
		prog := ssa.NewProgram(m.Pass.Fset, 0)
		for _, p := range m.Pass.Pkg.Imports() {
			prog.CreatePackage(p, nil, nil, true)
		}
		pkg := prog.CreatePackage(m.Pass.Pkg, m.Pass.Files, m.Pass.TypesInfo, false)
		pkg.Build()
		m.ssaPkg = pkg
	})
}

// SSA returns the SSA function for fn, a *ast.FuncDecl or *ast.FuncLit of
// this package, building the package's SSA form on first use; it returns
// nil if fn has none (or SSA construction failed).
func (m *Model) SSA(fn ast.Node) *ssa.Function {
	m.buildSSA()
	if m.ssaPkg == nil {
		return nil
	}
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		obj, ok := m.Pass.TypesInfo.Defs[fn.Name].(*types.Func)
		if !ok {
			return nil
		}
		return m.ssaPkg.Prog.FuncValue(obj)
	case *ast.FuncLit:
		// Find the enclosing declaration, then the literal among its
		// anonymous functions.
		var outer *ssa.Function
		for _, f := range m.Pass.Files {
			if !within(fn.Pos(), f) {
				continue
			}
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && within(fn.Pos(), fd) {
					outer = m.SSA(fd)
				}
			}
		}
		if outer == nil {
			outer = m.ssaPkg.Func("init")
		}
		return findAnon(outer, fn)
	}
	return nil
}

func findAnon(f *ssa.Function, lit *ast.FuncLit) *ssa.Function {
	if f == nil {
		return nil
	}
	for _, a := range f.AnonFuncs {
		syn := a.Syntax()
		if syn == nil {
			continue
		}
		if syn == lit {
			return a
		}
		if within(lit.Pos(), syn) {
			return findAnon(a, lit)
		}
	}
	return nil
}

// Invariant reports whether op's lock operand is loop-invariant in l: it
// depends on no value computed in the loop (the element, the index, a
// per-iteration variable, a call, a map lookup with a varying key). The
// question is answered on SSA form; where SSA is missing it falls back to
// the syntax (no identifier declared inside the loop, no call).
func (m *Model) Invariant(l *Loop, op LockOp) bool {
	return m.invariantOperand(l, op.Call, op.Lock, lockOperand)
}

// InvariantArg reports whether an operand of call, a call in l's body,
// is loop-invariant in l: its receiver (arg -1) or its argument arg.
func (m *Model) InvariantArg(l *Loop, call *ast.CallExpr, arg int) bool {
	e := call.Fun
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && arg < 0 {
		e = sel.X
	} else if arg >= 0 && arg < len(call.Args) {
		e = call.Args[arg]
	}
	return m.invariantOperand(l, call, e, func(c *ssa.CallCommon) (ssa.Value, bool) {
		if arg < 0 {
			return lockOperand(c)
		}
		if !c.IsInvoke() && c.Signature().Recv() != nil {
			arg++
		}
		if arg >= len(c.Args) {
			return nil, false
		}
		return c.Args[arg], false
	})
}

// lockOperand picks the lock operand of a lock call: the receiver, or the
// called value; static is true for a package-level function (one lock).
func lockOperand(c *ssa.CallCommon) (v ssa.Value, static bool) {
	switch {
	case c.IsInvoke():
		return c.Value, false
	case c.Signature().Recv() != nil && len(c.Args) > 0:
		return c.Args[0], false
	}
	_, static = c.Value.(*ssa.Function)
	return c.Value, static
}

func (m *Model) invariantOperand(l *Loop, call *ast.CallExpr, e ast.Expr, pick func(*ssa.CallCommon) (ssa.Value, bool)) bool {
	if fn := m.SSA(l.Func); fn != nil && fn.Blocks != nil {
		if ok, known := m.ssaInvariant(fn, l, call, pick); known {
			return ok
		}
	}
	return m.syntaxInvariant(l, e)
}

func (m *Model) syntaxInvariant(l *Loop, e ast.Expr) bool {
	if e == nil {
		return true
	}
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if obj := m.Pass.TypesInfo.Uses[n]; obj != nil {
				if _, isVar := obj.(*types.Var); isVar && within(obj.Pos(), l.Stmt) {
					ok = false
				}
			}
		case *ast.CallExpr:
			if tv, isT := m.Pass.TypesInfo.Types[n.Fun]; !isT || !tv.IsType() {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// ssaInvariant answers Invariant on SSA for the operand pick chooses;
// known is false when the call or the loop cannot be found in fn.
func (m *Model) ssaInvariant(fn *ssa.Function, l *Loop, call *ast.CallExpr, pick func(*ssa.CallCommon) (ssa.Value, bool)) (ok, known bool) {
	instr, owner := findCall(fn, call.Lparen)
	if instr == nil {
		return false, false
	}
	loop := loopBlocks(fn, l)
	if loop == nil {
		return false, false
	}
	operand, static := pick(instr.Common())
	if static {
		return true, true
	}
	if operand == nil {
		return false, false
	}
	inv := &invariance{fn: fn, loop: loop, seen: map[ssa.Value]bool{}}
	return inv.value(operand, owner), true
}

// findCall finds the call instruction at lparen in fn or its closures.
func findCall(fn *ssa.Function, lparen token.Pos) (ssa.CallInstruction, *ssa.Function) {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if c, ok := in.(ssa.CallInstruction); ok && c.Common().Pos() == lparen {
				return c, fn
			}
		}
	}
	for _, a := range fn.AnonFuncs {
		if c, f := findCall(a, lparen); c != nil {
			return c, f
		}
	}
	return nil, nil
}

// loopBlocks returns the blocks of the smallest natural loop of fn that
// holds every block with an instruction positioned in l's body.
func loopBlocks(fn *ssa.Function, l *Loop) map[*ssa.BasicBlock]bool {
	var body []*ssa.BasicBlock
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if p := in.Pos(); p.IsValid() && l.Body.Lbrace < p && p < l.Body.Rbrace {
				body = append(body, b)
				break
			}
		}
	}
	if len(body) == 0 {
		return nil
	}
	var best map[*ssa.BasicBlock]bool
	for _, t := range fn.Blocks {
		for _, h := range t.Succs {
			if !h.Dominates(t) {
				continue
			}
			// Back edge t -> h: the natural loop.
			nl := map[*ssa.BasicBlock]bool{h: true}
			work := []*ssa.BasicBlock{t}
			for len(work) > 0 {
				b := work[len(work)-1]
				work = work[:len(work)-1]
				if nl[b] {
					continue
				}
				nl[b] = true
				work = append(work, b.Preds...)
			}
			all := true
			for _, b := range body {
				all = all && nl[b]
			}
			if all && (best == nil || len(nl) < len(best)) {
				best = nl
			}
		}
	}
	return best
}

type invariance struct {
	fn   *ssa.Function
	loop map[*ssa.BasicBlock]bool
	seen map[ssa.Value]bool
}

// value reports whether v, a value of function f (fn or a closure of it
// made in the loop), is the same on every iteration of the loop.
func (inv *invariance) value(v ssa.Value, f *ssa.Function) bool {
	if done, ok := inv.seen[v]; ok {
		return done
	}
	inv.seen[v] = false // cycles (phis) are not invariant
	r := inv.compute(v, f)
	inv.seen[v] = r
	return r
}

func (inv *invariance) compute(v ssa.Value, f *ssa.Function) bool {
	switch v := v.(type) {
	case *ssa.Const, *ssa.Global, *ssa.Function, *ssa.Builtin:
		return true
	case *ssa.Parameter:
		return f == inv.fn
	case *ssa.FreeVar:
		if f == inv.fn {
			return true
		}
		// Resolve to the binding in the enclosing function.
		parent := f.Parent()
		if parent == nil {
			return false
		}
		idx := -1
		for i, fv := range f.FreeVars {
			if fv == v {
				idx = i
			}
		}
		for _, b := range parent.Blocks {
			for _, in := range b.Instrs {
				if mc, ok := in.(*ssa.MakeClosure); ok && mc.Fn == f && idx >= 0 && idx < len(mc.Bindings) {
					return inv.value(mc.Bindings[idx], parent)
				}
			}
		}
		return false
	}
	in, ok := v.(ssa.Instruction)
	if !ok {
		return false
	}
	if f == inv.fn && in.Block() != nil && !inv.loop[in.Block()] {
		return true // computed before the loop
	}
	switch v := v.(type) {
	case *ssa.FieldAddr:
		return inv.value(v.X, f)
	case *ssa.Field:
		return inv.value(v.X, f)
	case *ssa.UnOp:
		if v.Op == token.ARROW {
			return false
		}
		return inv.value(v.X, f) // a load through an invariant address
	case *ssa.ChangeType:
		return inv.value(v.X, f)
	case *ssa.Convert:
		return inv.value(v.X, f)
	case *ssa.MakeInterface:
		return inv.value(v.X, f)
	case *ssa.ChangeInterface:
		return inv.value(v.X, f)
	case *ssa.TypeAssert:
		return inv.value(v.X, f)
	case *ssa.IndexAddr:
		return inv.value(v.X, f) && inv.value(v.Index, f)
	case *ssa.Index:
		return inv.value(v.X, f) && inv.value(v.Index, f)
	case *ssa.Lookup:
		return inv.value(v.X, f) && inv.value(v.Index, f)
	case *ssa.Extract:
		return inv.value(v.Tuple, f)
	case *ssa.MakeClosure:
		for _, b := range v.Bindings {
			if !inv.value(b, f) {
				return false
			}
		}
		return true
	case *ssa.Phi:
		// A phi whose edges (other than itself) all carry the same
		// invariant value.
		var only ssa.Value
		for _, e := range v.Edges {
			if e == v {
				continue
			}
			if only != nil && e != only {
				return false
			}
			only = e
		}
		return only != nil && inv.value(only, f)
	}
	return false // calls, allocations and arithmetic in the loop
}
