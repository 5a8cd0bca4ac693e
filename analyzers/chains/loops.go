package chains

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// findLoops finds the chain loops. Every natural loop of a Go function is
// a for or range statement or closes with a backward goto, so these are
// the candidates; the pre-scan is syntactic and cheap: a candidate is kept
// only when its body calls an element of the collection it walks, and SSA
// is built later only for the questions that need it.
func (m *Model) findLoops() {
	for _, f := range m.Pass.Files {
		fc, ok := m.insp.Root().FindNode(f)
		if !ok {
			continue
		}
		gotoDone := map[types.Object]bool{}
		for c := range fc.Preorder((*ast.RangeStmt)(nil), (*ast.ForStmt)(nil), (*ast.BranchStmt)(nil)) {
			fn := enclosingFunc(c)
			if fn == nil {
				continue
			}
			var l *Loop
			switch s := c.Node().(type) {
			case *ast.RangeStmt:
				l = m.rangeLoop(s)
			case *ast.ForStmt:
				l = m.forLoop(s)
			case *ast.BranchStmt:
				l = m.gotoLoop(s, fn, gotoDone)
			}
			if l == nil {
				continue
			}
			l.File, l.Func = f, fn
			if m.finishLoop(l) {
				m.Loops = append(m.Loops, l)
			}
		}
	}
	// Goto loops are found at their goto, after the loops they hold.
	sort.SliceStable(m.Loops, func(i, j int) bool { return m.Loops[i].Stmt.Pos() < m.Loops[j].Stmt.Pos() })
}

func enclosingFunc(c inspector.Cursor) ast.Node {
	for e := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return e.Node()
	}
	return nil
}

// finishLoop finds the element calls and the role; it reports whether l
// is a chain loop.
func (m *Model) finishLoop(l *Loop) bool {
	m.findAliases(l)
	m.findCalls(l)
	if len(l.Calls) == 0 {
		return false
	}
	l.Sig = calledSig(m.Pass.TypesInfo, l.Calls[0].Call)
	l.Role = m.RoleOf(l.Sig)
	name := strings.ToLower(l.ChainName)
	hb, ha := strings.Contains(name, "before"), strings.Contains(name, "after")
	switch {
	case hb && !ha && l.Role == After:
		l.Role = Before
	case ha && !hb && l.Role == Unknown:
		l.Role = After
	case !ha && l.Role == After && m.beforeHook(l):
		l.Role = Before
	}
	return true
}

func calledSig(info *types.Info, call *ast.CallExpr) *types.Signature {
	if tv, ok := info.Types[call.Fun]; ok {
		return funcSig(tv.Type)
	}
	return nil
}

// funcSig returns the signature of a func type, or of a type parameter
// whose type set holds only funcs of one signature (H ~func(string)).
func funcSig(t types.Type) *types.Signature {
	if t == nil {
		return nil
	}
	if sig, ok := t.Underlying().(*types.Signature); ok {
		return sig
	}
	tp, ok := types.Unalias(t).(*types.TypeParam)
	if !ok {
		return nil
	}
	iface, ok := tp.Constraint().Underlying().(*types.Interface)
	if !ok || iface.NumMethods() > 0 || iface.NumEmbeddeds() != 1 {
		return nil
	}
	var sig *types.Signature
	switch e := iface.EmbeddedType(0).(type) {
	case *types.Union:
		for i := range e.Len() {
			s, ok := e.Term(i).Type().Underlying().(*types.Signature)
			if !ok || sig != nil && !types.Identical(s, sig) {
				return nil
			}
			sig = s
		}
	default:
		sig, _ = e.Underlying().(*types.Signature)
	}
	return sig
}

// collectionElem returns the element type of a slice, array, pointer to
// array, map or channel, or nil.
func collectionElem(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	switch u := t.Underlying().(type) {
	case *types.Slice:
		return u.Elem()
	case *types.Array:
		return u.Elem()
	case *types.Map:
		return u.Elem()
	case *types.Chan:
		return u.Elem()
	case *types.Pointer:
		if a, ok := u.Elem().Underlying().(*types.Array); ok {
			return a.Elem()
		}
	}
	return nil
}

// callable reports whether a value of type e can be a chain element: a
// func, an interface, or a struct (or pointer to one) with a func field.
func callable(e types.Type) bool {
	if e == nil {
		return false
	}
	switch u := e.Underlying().(type) {
	case *types.Signature, *types.Interface, *types.Struct:
		return true
	case *types.Pointer:
		_, ok := u.Elem().Underlying().(*types.Struct)
		return ok
	}
	return false
}

// elemType returns the element type of a chain-candidate collection type
// (see collectionElem) when it is callable, else nil.
func elemType(t types.Type) types.Type {
	if e := collectionElem(t); callable(e) {
		return e
	}
	return nil
}

func identVar(info *types.Info, e ast.Expr) *types.Var {
	id, ok := e.(*ast.Ident)
	if !ok || id.Name == "_" {
		return nil
	}
	obj := info.Defs[id]
	if obj == nil {
		obj = info.Uses[id]
	}
	v, _ := obj.(*types.Var)
	return v
}

func (m *Model) newLoop(stmt ast.Stmt, body *ast.BlockStmt, shape Shape, chain ast.Expr, elem types.Type) *Loop {
	return &Loop{Shape: shape, Stmt: stmt, Body: body, Chain: chain, ChainName: exprName(chain),
		ChainType: m.Pass.TypesInfo.TypeOf(chain), Elem: elem, elems: map[*types.Var]alias{}}
}

func (m *Model) rangeLoop(s *ast.RangeStmt) *Loop {
	info := m.Pass.TypesInfo
	if iter := m.runtimeIter(s.X); iter != nil {
		l := m.sliceRange(s, iter.Args[1])
		if l != nil {
			l.Shape, l.RuntimeIter = IterShape, iter
		}
		return l
	}
	t := info.TypeOf(s.X)
	if t == nil {
		return nil
	}
	key, val := rangeVar(info, s.Key), rangeVar(info, s.Value)
	switch u := t.Underlying().(type) {
	case *types.Slice, *types.Array, *types.Pointer:
		return m.sliceRange(s, s.X)
	case *types.Map:
		if !callable(u.Elem()) {
			return nil
		}
		l := m.newLoop(s, s.Body, MapShape, s.X, u.Elem())
		l.Index, l.Value = key, val
		return l
	case *types.Chan:
		if !callable(u.Elem()) || key == nil {
			return nil
		}
		l := m.newLoop(s, s.Body, ChanShape, s.X, u.Elem())
		l.Value = key
		return l
	case *types.Basic:
		if u.Info()&types.IsInteger != 0 {
			return m.intRange(s, key)
		}
	case *types.Signature:
		return m.iterLoop(s, key, val)
	}
	return nil
}

func rangeVar(info *types.Info, e ast.Expr) *types.Var {
	if e == nil {
		return nil
	}
	return identVar(info, e)
}

// sliceRange is a range over a slice, array or pointer to array x.
func (m *Model) sliceRange(s *ast.RangeStmt, x ast.Expr) *Loop {
	info := m.Pass.TypesInfo
	e := elemType(info.TypeOf(x))
	if e == nil {
		return nil
	}
	if _, isMap := info.TypeOf(x).Underlying().(*types.Map); isMap {
		return nil // a runtime iterator's chain is a slice
	}
	l := m.newLoop(s, s.Body, RangeShape, x, e)
	l.Index, l.Value = rangeVar(info, s.Key), rangeVar(info, s.Value)
	if l.Value == nil && l.Index != nil {
		l.Value = m.boundElem(l)
	}
	return l
}

// intRange is for i := range n: the chain is the collection the body
// indexes by i (the argument of range len(chain) when it does).
func (m *Model) intRange(s *ast.RangeStmt, key *types.Var) *Loop {
	if key == nil {
		return nil
	}
	info := m.Pass.TypesInfo
	chain := m.indexedChain(s.Body, func(e ast.Expr) bool { return isIdent(info, e, key) })
	if chain == nil {
		return nil
	}
	if x := lenArg(s.X); x != nil && types.ExprString(x) == types.ExprString(chain) {
		chain = x
	}
	l := m.newLoop(s, s.Body, IntRangeShape, chain, elemType(info.TypeOf(chain)))
	l.Index = key
	l.Value = m.boundElem(l)
	return l
}

// iterSources are the standard iterators over a collection (the first
// argument): whether the element is the iterator's first or second value,
// and whether it runs backward.
var iterSources = map[string]struct{ second, reverse bool }{
	"slices.Values": {}, "slices.All": {second: true}, "slices.Backward": {second: true, reverse: true},
	"maps.Values": {}, "maps.All": {second: true},
}

// iterLoop is a range over a func iterator.
func (m *Model) iterLoop(s *ast.RangeStmt, key, val *types.Var) *Loop {
	info := m.Pass.TypesInfo
	if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok && len(call.Args) == 1 {
		if fn := typeutil.StaticCallee(info, call); fn != nil && fn.Pkg() != nil {
			if src, ok := iterSources[fn.Pkg().Path()+"."+fn.Name()]; ok {
				e := elemType(info.TypeOf(call.Args[0]))
				if e == nil {
					return nil
				}
				l := m.newLoop(s, s.Body, IterShape, call.Args[0], e)
				l.Value, l.Reverse = key, src.reverse
				if src.second {
					l.Index, l.Value = key, val
				}
				return l
			}
		}
	}
	// A user iterator: the element is the last yielded value that can be
	// one.
	for _, v := range []*types.Var{val, key} {
		if v != nil && callable(v.Type()) {
			l := m.newLoop(s, s.Body, IterShape, s.X, v.Type())
			l.Value = v
			if v == val {
				l.Index = key
			}
			return l
		}
	}
	return nil
}

// forLoop recognises the indexed forms (IndexShape), else a loop that
// advances a counter or a list cursor.
func (m *Model) forLoop(s *ast.ForStmt) *Loop {
	if l := m.indexedLoop(s); l != nil {
		return l
	}
	var nodes []ast.Node
	if s.Post != nil {
		nodes = append(nodes, s.Post)
	}
	nodes = append(nodes, s.Body)
	l := m.stepLoop(s, s.Body, nodes)
	if l == nil {
		return nil
	}
	if l.Shape == ListShape && s.Init != nil {
		// for n := head; ...: the chain is the head.
		if as, ok := s.Init.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 &&
			identVar(m.Pass.TypesInfo, as.Lhs[0]) == l.Value {
			l.Chain, l.ChainName = as.Rhs[0], exprName(as.Rhs[0])
			l.ChainType = m.Pass.TypesInfo.TypeOf(as.Rhs[0])
		}
	}
	return l
}

// indexedLoop recognises for i := 0; i < len(x); i++ and
// for i := len(x) - 1; i >= 0; i--.
func (m *Model) indexedLoop(s *ast.ForStmt) *Loop {
	info := m.Pass.TypesInfo
	init, ok := s.Init.(*ast.AssignStmt)
	if !ok || len(init.Lhs) != 1 || len(init.Rhs) != 1 || init.Tok != token.DEFINE {
		return nil
	}
	idx := identVar(info, init.Lhs[0])
	cond, ok := s.Cond.(*ast.BinaryExpr)
	if idx == nil || !ok || !isIdent(info, cond.X, idx) {
		return nil
	}
	var x ast.Expr
	reverse := false
	switch {
	case cond.Op == token.LSS && isZero(init.Rhs[0]) && isIncDec(info, s.Post, idx, token.INC):
		x = lenArg(cond.Y)
	case cond.Op == token.GEQ && isZero(cond.Y) && isIncDec(info, s.Post, idx, token.DEC):
		if b, ok := ast.Unparen(init.Rhs[0]).(*ast.BinaryExpr); ok && b.Op == token.SUB && isOne(b.Y) {
			x = lenArg(b.X)
		}
		reverse = true
	}
	if x == nil {
		return nil
	}
	e := elemType(info.TypeOf(x))
	if e == nil {
		return nil
	}
	if _, isMap := info.TypeOf(x).Underlying().(*types.Map); isMap {
		return nil
	}
	l := m.newLoop(s, s.Body, IndexShape, x, e)
	l.Index, l.Indexed, l.Reverse = idx, true, reverse
	l.Value = m.boundElem(l)
	return l
}

// gotoLoop recognises a loop closed by a backward goto: the statements
// from the label to the one holding the function's last goto to it.
func (m *Model) gotoLoop(b *ast.BranchStmt, fn ast.Node, done map[types.Object]bool) *Loop {
	if b.Tok != token.GOTO || b.Label == nil {
		return nil
	}
	label := m.Pass.TypesInfo.Uses[b.Label]
	if label == nil || done[label] || label.Pos() >= b.Pos() {
		return nil
	}
	done[label] = true
	body := funcBody(fn)
	if body == nil {
		return nil
	}
	list, li := labeledIn(body, label.Pos())
	if list == nil {
		return nil
	}
	last := b.End()
	ast.Inspect(body, func(n ast.Node) bool {
		if g, ok := n.(*ast.BranchStmt); ok && g.Tok == token.GOTO && g.Label != nil &&
			m.Pass.TypesInfo.Uses[g.Label] == label && g.End() > last {
			last = g.End()
		}
		return true
	})
	gi := -1
	for i := li; i < len(list); i++ {
		if list[i].Pos() < last && last <= list[i].End() {
			gi = i
		}
	}
	if gi < 0 {
		return nil
	}
	region := &ast.BlockStmt{Lbrace: list[li].Pos(), List: list[li : gi+1], Rbrace: list[gi].End() - 1}
	l := m.stepLoop(list[li], region, []ast.Node{region})
	if l != nil {
		l.Shape = GotoShape
	}
	return l
}

// labeledIn finds the statement list holding the labeled statement whose
// label is declared at pos, and its index.
func labeledIn(body *ast.BlockStmt, pos token.Pos) ([]ast.Stmt, int) {
	var list []ast.Stmt
	idx := -1
	ast.Inspect(body, func(n ast.Node) bool {
		if idx >= 0 {
			return false
		}
		for i, st := range StmtList(n) {
			if ls, ok := st.(*ast.LabeledStmt); ok && ls.Label.Pos() == pos {
				list, idx = StmtList(n), i
			}
		}
		return idx < 0
	})
	return list, idx
}

// stepLoop recognises a loop (stmt, with body, advanced by the nodes)
// that indexes a chain by a counter it increments or decrements
// (CounterShape) or walks a list by a cursor it moves to a field of
// itself (ListShape).
func (m *Model) stepLoop(stmt ast.Stmt, body *ast.BlockStmt, nodes []ast.Node) *Loop {
	info := m.Pass.TypesInfo
	counters, cursors := m.findSteps(nodes)
	for _, k := range counters {
		key := types.ExprString(k)
		chain := m.indexedChain(body, func(e ast.Expr) bool { return types.ExprString(ast.Unparen(e)) == key && m.samePath(e, k) })
		if chain == nil {
			continue
		}
		l := m.newLoop(stmt, body, CounterShape, chain, elemType(info.TypeOf(chain)))
		l.Step = k
		if v := identVar(info, k); v != nil {
			l.Index = v
		}
		return l
	}
	for _, c := range cursors {
		l := m.newLoop(stmt, body, ListShape, c, info.TypeOf(c))
		l.Step = c
		l.Value = identVar(info, c)
		return l
	}
	return nil
}

// samePath reports whether two path expressions (x, x.f.g) have the same
// root variable.
func (m *Model) samePath(a, b ast.Expr) bool {
	ra, rb := pathRoot(a), pathRoot(b)
	if ra == nil || rb == nil {
		return false
	}
	info := m.Pass.TypesInfo
	return info.Uses[ra] != nil && info.Uses[ra] == info.Uses[rb]
}

// pathRoot returns the root identifier of x or x.f.g (fields only), or nil.
func pathRoot(e ast.Expr) *ast.Ident {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// findSteps finds, in nodes (outside function literals), the counters
// (variables or field paths incremented or decremented: k++, k -= 1,
// k = k + 1) and the list cursors (n = n.next, n = n.Next(), n of
// pointer type).
func (m *Model) findSteps(nodes []ast.Node) (counters []ast.Expr, cursors []ast.Expr) {
	info := m.Pass.TypesInfo
	seen := map[string]bool{}
	addCounter := func(e ast.Expr) {
		e = ast.Unparen(e)
		if pathRoot(e) == nil || seen[types.ExprString(e)] {
			return
		}
		t := info.TypeOf(e)
		if t == nil {
			return
		}
		if b, ok := t.Underlying().(*types.Basic); !ok || b.Info()&types.IsInteger == 0 {
			return
		}
		seen[types.ExprString(e)] = true
		counters = append(counters, e)
	}
	for _, root := range nodes {
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.IncDecStmt:
				addCounter(n.X)
			case *ast.AssignStmt:
				if len(n.Lhs) != 1 || len(n.Rhs) != 1 {
					return true
				}
				lhs := types.ExprString(ast.Unparen(n.Lhs[0]))
				switch n.Tok {
				case token.ADD_ASSIGN, token.SUB_ASSIGN:
					addCounter(n.Lhs[0])
				case token.ASSIGN:
					if b, ok := ast.Unparen(n.Rhs[0]).(*ast.BinaryExpr); ok && (b.Op == token.ADD || b.Op == token.SUB) &&
						types.ExprString(ast.Unparen(b.X)) == lhs {
						addCounter(n.Lhs[0])
					} else if c := m.cursorStep(n); c != nil && !seen[lhs] {
						seen[lhs] = true
						cursors = append(cursors, c)
					}
				}
			}
			return true
		})
	}
	return counters, cursors
}

// cursorStep returns n for n = n.f or n = n.F() where n is a variable of
// pointer-to-struct type and the step has n's type.
func (m *Model) cursorStep(as *ast.AssignStmt) ast.Expr {
	info := m.Pass.TypesInfo
	v := identVar(info, ast.Unparen(as.Lhs[0]))
	if v == nil || !callable(v.Type()) {
		return nil
	}
	if _, ok := v.Type().Underlying().(*types.Pointer); !ok {
		return nil
	}
	rhs := ast.Unparen(as.Rhs[0])
	if call, ok := rhs.(*ast.CallExpr); ok && len(call.Args) == 0 {
		rhs = ast.Unparen(call.Fun)
	}
	sel, ok := rhs.(*ast.SelectorExpr)
	if !ok || !isIdent(info, sel.X, v) {
		return nil
	}
	if t := info.TypeOf(as.Rhs[0]); t == nil || !types.Identical(t, v.Type()) {
		return nil
	}
	return ast.Unparen(as.Lhs[0])
}

// indexedChain returns the first collection that body (outside function
// literals) indexes by an index matching isIndex and whose element is
// callable, or nil.
func (m *Model) indexedChain(body *ast.BlockStmt, isIndex func(ast.Expr) bool) ast.Expr {
	info := m.Pass.TypesInfo
	var chain ast.Expr
	ast.Inspect(body, func(n ast.Node) bool {
		if chain != nil {
			return false
		}
		ix, ok := n.(*ast.IndexExpr)
		if ok && isIndex(ix.Index) && elemType(info.TypeOf(ix.X)) != nil {
			if _, isMap := info.TypeOf(ix.X).Underlying().(*types.Map); !isMap {
				chain = ix.X
			}
		}
		return true
	})
	return chain
}

// boundElem finds "v := chain[i]" as a top-level statement of the body.
func (m *Model) boundElem(l *Loop) *types.Var {
	for _, st := range l.Body.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			continue
		}
		if m.isChainIndex(l, as.Rhs[0]) {
			return identVar(m.Pass.TypesInfo, as.Lhs[0])
		}
	}
	return nil
}
