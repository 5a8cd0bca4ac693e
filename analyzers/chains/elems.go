package chains

import (
	"go/ast"
	"go/token"
	"go/types"
)

// An alias says what a local variable of a loop body holds: the element
// itself (a copy, a pointer to it, or a type assertion of it), or a method
// value or func field of it.
type alias struct {
	kind   ElemKind // FuncElem for the element itself
	self   bool
	method *types.Func
	field  *types.Var
}

// staticMethods reports whether a call of a concrete method of the
// element counts as an element call: in range and indexed loops over a
// slice or array, as it always has; in the other shapes only dynamic
// callees do (func values, interface methods, func fields), to keep
// ordinary walks over lists, maps and counters out.
func (l *Loop) staticMethods() bool {
	return l.Shape == RangeShape || l.Shape == IndexShape || l.RuntimeIter != nil
}

// span is the source range of the loop: its statement, or for a goto loop
// its synthesized body.
func (l *Loop) span() ast.Node {
	if l.Shape == GotoShape {
		return l.Body
	}
	return l.Stmt
}

// findAliases records the loop body's locals that hold the element or a
// method value or func field of it: m := chain[i], p := &chain[i],
// h := e.plugins[i].OnResp, f := m.Serve, a, ok := m.(Async). A local
// declared outside the loop is not one: it outlives the iteration.
func (m *Model) findAliases(l *Loop) {
	info := m.Pass.TypesInfo
	if l.Value != nil {
		l.elems[l.Value] = alias{self: true}
	}
	for range 2 { // aliases of aliases (p := chain[i]; h := p.OnResp)
		ast.Inspect(l.Body, func(n ast.Node) bool {
			var lhs, rhs []ast.Expr
			switch n := n.(type) {
			case *ast.AssignStmt:
				lhs, rhs = n.Lhs, n.Rhs
			case *ast.ValueSpec:
				for _, id := range n.Names {
					lhs = append(lhs, id)
				}
				rhs = n.Values
			default:
				return true
			}
			if len(rhs) == 1 && len(lhs) == 2 {
				lhs = lhs[:1] // a, ok := m.(T)
			}
			if len(lhs) != len(rhs) {
				return true
			}
			for i, e := range lhs {
				v := identVar(info, e)
				if v == nil || !within(v.Pos(), l.span()) {
					continue
				}
				if a, ok := m.aliasOf(l, rhs[i]); ok {
					l.elems[v] = a
				}
			}
			return true
		})
	}
}

// aliasOf classifies e as the element, a pointer to or type assertion of
// it, or a method value or func field of it.
func (m *Model) aliasOf(l *Loop, e ast.Expr) (alias, bool) {
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.UnaryExpr:
		if x.Op == token.AND && m.isElem(l, x.X) {
			return alias{self: true}, true
		}
	case *ast.TypeAssertExpr:
		if x.Type != nil && m.isElem(l, x.X) {
			return alias{self: true}, true
		}
	case *ast.SelectorExpr:
		if m.isElem(l, x.X) {
			if a, ok := m.selAlias(x); ok {
				return a, true
			}
		}
	}
	if m.isElem(l, e) {
		return alias{self: true}, true
	}
	return alias{}, false
}

// selAlias classifies a selector on the element: a method value or a func
// field.
func (m *Model) selAlias(sel *ast.SelectorExpr) (alias, bool) {
	s := m.Pass.TypesInfo.Selections[sel]
	if s == nil {
		return alias{}, false
	}
	switch s.Kind() {
	case types.MethodVal:
		return alias{kind: MethodElem, method: s.Obj().(*types.Func)}, true
	case types.FieldVal:
		if _, ok := s.Type().Underlying().(*types.Signature); ok {
			return alias{kind: FieldElem, field: s.Obj().(*types.Var)}, true
		}
	}
	return alias{}, false
}

// isChainIndex reports whether e is chain[k] for the loop's index
// variable or counter.
func (m *Model) isChainIndex(l *Loop, e ast.Expr) bool {
	ix, ok := ast.Unparen(e).(*ast.IndexExpr)
	if !ok || types.ExprString(ix.X) != types.ExprString(l.Chain) {
		return false
	}
	if l.Index != nil && isIdent(m.Pass.TypesInfo, ix.Index, l.Index) {
		return true
	}
	return l.Step != nil && l.Shape != ListShape && types.ExprString(ast.Unparen(ix.Index)) == types.ExprString(l.Step) &&
		m.samePath(ix.Index, l.Step)
}

// isElem reports whether e denotes the loop's element (or a type
// assertion of it: m.(Async)).
func (m *Model) isElem(l *Loop, e ast.Expr) bool {
	e = ast.Unparen(e)
	if ta, ok := e.(*ast.TypeAssertExpr); ok && ta.Type != nil {
		e = ast.Unparen(ta.X)
	}
	if id, ok := e.(*ast.Ident); ok {
		if v, ok := m.Pass.TypesInfo.Uses[id].(*types.Var); ok {
			if a, ok := l.elems[v]; ok && a.self {
				return true
			}
		}
	}
	return m.isChainIndex(l, e)
}

// elemCall classifies call as a call of the element, or returns nil.
func (m *Model) elemCall(l *Loop, call *ast.CallExpr) *ElemCall {
	info := m.Pass.TypesInfo
	fun := ast.Unparen(call.Fun)
	if id, ok := fun.(*ast.Ident); ok {
		if v, ok := info.Uses[id].(*types.Var); ok {
			if a, ok := l.elems[v]; ok && !a.self {
				return &ElemCall{Call: call, Kind: a.kind, Method: a.method, Field: a.field, Via: v}
			}
		}
	}
	if m.isElem(l, fun) {
		if funcSig(info.TypeOf(fun)) != nil {
			return &ElemCall{Call: call, Kind: FuncElem, Via: m.via(l, fun)}
		}
		return nil
	}
	if sel, ok := fun.(*ast.SelectorExpr); ok && m.isIfaceField(l, sel.X) {
		// A method of an interface field of the element: sp.sp.OnEnd(s).
		if a, ok := m.selAlias(sel); ok && a.kind == MethodElem {
			return &ElemCall{Call: call, Kind: MethodElem, Method: a.method}
		}
	}
	if sel, ok := fun.(*ast.SelectorExpr); ok && m.isElem(l, sel.X) {
		if l.Shape == ListShape || l.Shape == GotoShape {
			if t := info.TypeOf(call); t != nil && l.Value != nil && len(call.Args) == 0 && types.Identical(t, l.Value.Type()) {
				return nil // the cursor's step: n = n.Next()
			}
		}
		if a, ok := m.selAlias(sel); ok && (a.kind != MethodElem || l.staticMethods() || types.IsInterface(info.TypeOf(sel.X))) {
			return &ElemCall{Call: call, Kind: a.kind, Method: a.method, Field: a.field, Via: m.via(l, sel.X)}
		}
	}
	return nil
}

// isIfaceField reports whether e is a field of interface type of the
// element (e.sp for an element e of a struct type with field sp).
func (m *Model) isIfaceField(l *Loop, e ast.Expr) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok || !m.isElem(l, sel.X) {
		return false
	}
	s := m.Pass.TypesInfo.Selections[sel]
	return s != nil && s.Kind() == types.FieldVal && types.IsInterface(s.Type())
}

// via returns the alias local that e names (not the range value), or nil.
func (m *Model) via(l *Loop, e ast.Expr) *types.Var {
	v := identVar(m.Pass.TypesInfo, ast.Unparen(e))
	if v == nil || v == l.Value {
		return nil
	}
	if _, ok := l.elems[v]; ok {
		return v
	}
	return nil
}

func (m *Model) findCalls(l *Loop) {
	info := m.Pass.TypesInfo
	var stack []ast.Node
	ast.Inspect(l.Body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if ec := m.elemCall(l, call); ec != nil {
			for i := len(stack) - 1; i >= 0; i-- {
				if lit, ok := stack[i].(*ast.FuncLit); ok {
					ec.Closure = lit
					break
				}
			}
			m.resultFlow(l, ec, stack)
			l.Calls = append(l.Calls, ec)
		}
		return true
	})
	// Feeds: a result variable declared outside the loop is an argument
	// of an element call.
	for _, ec := range l.Calls {
		for _, v := range ec.Results {
			if v == nil || within(v.Pos(), l.span()) {
				continue
			}
			for _, other := range l.Calls {
				for _, a := range other.Call.Args {
					if usesVar(info, a, v) {
						ec.Feeds = true
					}
				}
			}
		}
	}
}

// resultFlow fills Results and Leaves from the call's syntactic context.
func (m *Model) resultFlow(l *Loop, ec *ElemCall, stack []ast.Node) {
	info := m.Pass.TypesInfo
	// stack ends with the call; find the statement holding it.
	for i := len(stack) - 2; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.ParenExpr:
			continue
		case *ast.ReturnStmt:
			ec.Leaves = true
		case *ast.AssignStmt:
			if len(p.Rhs) == 1 && ast.Unparen(p.Rhs[0]) == ec.Call {
				for _, lhs := range p.Lhs {
					ec.Results = append(ec.Results, identVar(info, lhs))
				}
			}
		case *ast.ValueSpec:
			if len(p.Values) == 1 {
				for _, n := range p.Names {
					ec.Results = append(ec.Results, identVar(info, n))
				}
			}
		}
		break
	}
	// Leaves: a result variable is returned inside the loop.
	ast.Inspect(l.Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if r, ok := n.(*ast.ReturnStmt); ok {
			for _, e := range r.Results {
				for _, v := range ec.Results {
					if v != nil && usesVar(info, e, v) {
						ec.Leaves = true
					}
				}
			}
		}
		return true
	})
}
