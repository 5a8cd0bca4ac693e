package chains

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"
)

// Model is the chain model of one package. Its exported fields are
// read-only for the analyzers that require [Analyzer].
type Model struct {
	// Pass is the chains analyzer's pass over the package.
	Pass *analysis.Pass
	// Loops are the package's chain loops, in source order.
	Loops []*Loop
	// Runners are the package's functions (declarations and literals)
	// that run a chain, in source order.
	Runners []*Runner

	cfg        config
	insp       *inspector.Inspector
	importFact func(types.Object, analysis.Fact) bool

	mayBlock  map[*types.Func]string
	withLock  map[*types.Func]*WithLock
	runsChain map[*types.Func]*RunsChain
	runnerOf  map[ast.Node]*Runner

	ssaOnce sync.Once
	ssaPkg  *ssa.Package
	ssaErr  any
}

// Role is the part a chain plays around the handler.
type Role int

const (
	// Unknown: the element signature says neither before nor after.
	Unknown Role = iota
	// Before: before-middlewares take a request (and no response) and
	// return a request, a response and/or an error.
	Before
	// After: after-middlewares take a response, and maybe a request.
	After
)

func (r Role) String() string {
	switch r {
	case Before:
		return "before"
	case After:
		return "after"
	}
	return "unknown"
}

// ElemKind says how a chain element is called.
type ElemKind int

const (
	// FuncElem: the element is a func value: m(req).
	FuncElem ElemKind = iota
	// MethodElem: the element is an interface (or other) value whose
	// method is called: m.Serve(req).
	MethodElem
	// FieldElem: the element is a struct (or pointer to one) whose func
	// field is called: m.Fn(req).
	FieldElem
)

// A Loop is a chain loop: a loop over a slice or array whose element is
// called in the body.
type Loop struct {
	// Stmt is the *ast.RangeStmt or *ast.ForStmt.
	Stmt ast.Stmt
	// Body is the loop body.
	Body *ast.BlockStmt
	// Func is the innermost enclosing *ast.FuncDecl or *ast.FuncLit.
	Func ast.Node
	// File is the file holding the loop.
	File *ast.File
	// Chain is the ranged (or indexed) chain expression; ChainName is
	// its short printed form, such as "s.before".
	Chain     ast.Expr
	ChainName string
	// ChainType is the type of Chain (slice, array or pointer to array);
	// Elem is its element type.
	ChainType types.Type
	Elem      types.Type
	// Index is the index variable (nil if none, or "_"); Value is the
	// element variable: the range value, or in an indexed loop the
	// variable bound by "m := chain[i]" (nil if none).
	Index, Value *types.Var
	// Indexed reports an indexed for loop (for i := ...; ...; ...);
	// Reverse reports one that runs from the last element to the first.
	Indexed, Reverse bool
	// Calls are the element calls in the body, in source order.
	Calls []*ElemCall
	// Sig is the signature of the called element (of the first call).
	Sig *types.Signature
	// Role is derived from Sig and the request/response types, refined
	// by how the loop uses the element's result and where it runs (see
	// the package doc).
	Role Role
	// Batched is the runtime iterator a range-over-func loop ranges over
	// (chainruntime.Batched(&mu, chain, nil) and its variants), whose
	// chain argument is Chain; nil for a loop over the chain itself. The
	// body of such a loop is compiled by SSA into a synthesized yield
	// function (an anonymous function of Func's SSA form).
	Batched *ast.CallExpr
}

// An ElemCall is a call of the chain element in a loop body.
type ElemCall struct {
	Call *ast.CallExpr
	Kind ElemKind
	// Method is the called method (MethodElem) and Field the called func
	// field (FieldElem); nil otherwise.
	Method *types.Func
	Field  *types.Var
	// Feeds reports that the result is assigned to a variable declared
	// outside the loop that is passed to an element call (req = m(req)).
	Feeds bool
	// Leaves reports that the result (or a variable it is assigned to)
	// is returned from inside the loop.
	Leaves bool
	// Results are the variables the call's results are assigned to
	// (nil entries for "_" and non-variable targets).
	Results []*types.Var
}

// A Runner is a function that runs a chain.
type Runner struct {
	// Func is the *ast.FuncDecl or *ast.FuncLit; Obj its object (nil
	// for literals).
	Func ast.Node
	Obj  *types.Func
	// Before and After report the roles of the chains it runs.
	Before, After bool
	// ReqParam is the index of the first request parameter, or -1.
	ReqParam int
	// Loops are its own chain loops; Calls its calls of other runners.
	Loops []*Loop
	Calls []*ast.CallExpr
}

// IsRequest reports whether t is a request type (or a pointer to one).
func (m *Model) IsRequest(t types.Type) bool { return m.cfg.req.match(t) }

// IsResponse reports whether t is a response type (or a pointer to one).
func (m *Model) IsResponse(t types.Type) bool { return m.cfg.resp.match(t) }

// Runner returns the runner for fn (a *ast.FuncDecl or *ast.FuncLit) or nil.
func (m *Model) Runner(fn ast.Node) *Runner { return m.runnerOf[fn] }

// LoopAt returns the chain loop whose statement is stmt, or nil.
func (m *Model) LoopAt(stmt ast.Stmt) *Loop {
	for _, l := range m.Loops {
		if l.Stmt == stmt {
			return l
		}
	}
	return nil
}

// RoleOf derives the role of a middleware signature.
func (m *Model) RoleOf(sig *types.Signature) Role {
	if sig == nil {
		return Unknown
	}
	var req, resp bool
	for v := range sig.Params().Variables() {
		req = req || m.IsRequest(v.Type())
		resp = resp || m.IsResponse(v.Type())
	}
	switch {
	case resp:
		return After
	case req:
		return Before
	}
	return Unknown
}

// findLoops finds the chain loops. The pre-scan is syntactic and cheap:
// only loops over a slice/array of funcs, interfaces or structs whose body
// calls the element are kept.
func (m *Model) findLoops() {
	info := m.Pass.TypesInfo
	for _, f := range m.Pass.Files {
		fc, ok := m.insp.Root().FindNode(f)
		if !ok {
			continue
		}
		for c := range fc.Preorder((*ast.RangeStmt)(nil), (*ast.ForStmt)(nil)) {
			var l *Loop
			switch s := c.Node().(type) {
			case *ast.RangeStmt:
				l = m.rangeLoop(s)
			case *ast.ForStmt:
				l = m.indexedLoop(s)
			}
			if l == nil {
				continue
			}
			l.File = f
			for e := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
				l.Func = e.Node()
				break
			}
			if l.Func == nil {
				continue
			}
			m.findCalls(l)
			if len(l.Calls) == 0 {
				continue
			}
			l.Sig = calledSig(info, l.Calls[0].Call)
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
			m.Loops = append(m.Loops, l)
		}
	}
}

func calledSig(info *types.Info, call *ast.CallExpr) *types.Signature {
	if tv, ok := info.Types[call.Fun]; ok {
		if sig, ok := tv.Type.Underlying().(*types.Signature); ok {
			return sig
		}
	}
	return nil
}

// elemType returns the element type of a chain-candidate type: a slice,
// array or pointer to array of funcs, interfaces or structs (or pointers
// to structs) with a func field.
func elemType(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	var e types.Type
	switch u := t.Underlying().(type) {
	case *types.Slice:
		e = u.Elem()
	case *types.Array:
		e = u.Elem()
	case *types.Pointer:
		if a, ok := u.Elem().Underlying().(*types.Array); ok {
			e = a.Elem()
		}
	}
	if e == nil {
		return nil
	}
	switch u := e.Underlying().(type) {
	case *types.Signature, *types.Interface, *types.Struct:
		return e
	case *types.Pointer:
		if _, ok := u.Elem().Underlying().(*types.Struct); ok {
			return e
		}
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

func (m *Model) rangeLoop(s *ast.RangeStmt) *Loop {
	info := m.Pass.TypesInfo
	x := s.X
	iter := m.runtimeIter(s.X)
	if iter != nil {
		x = iter.Args[1]
	}
	t := info.TypeOf(x)
	e := elemType(t)
	if e == nil {
		return nil
	}
	l := &Loop{Stmt: s, Body: s.Body, Chain: x, ChainName: exprName(x), ChainType: t, Elem: e, Batched: iter}
	if s.Key != nil {
		l.Index = identVar(info, s.Key)
	}
	if s.Value != nil {
		l.Value = identVar(info, s.Value)
	}
	if l.Value == nil && l.Index != nil {
		l.Value = m.boundElem(l)
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
	t := info.TypeOf(x)
	e := elemType(t)
	if e == nil {
		return nil
	}
	l := &Loop{Stmt: s, Body: s.Body, Chain: x, ChainName: exprName(x), ChainType: t, Elem: e,
		Index: idx, Indexed: true, Reverse: reverse}
	l.Value = m.boundElem(l)
	return l
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

// isChainIndex reports whether e is chain[i] for the loop's index.
func (m *Model) isChainIndex(l *Loop, e ast.Expr) bool {
	ix, ok := ast.Unparen(e).(*ast.IndexExpr)
	return ok && l.Index != nil && isIdent(m.Pass.TypesInfo, ix.Index, l.Index) &&
		types.ExprString(ix.X) == types.ExprString(l.Chain)
}

// isElem reports whether e denotes the loop's element.
func (m *Model) isElem(l *Loop, e ast.Expr) bool {
	e = ast.Unparen(e)
	if l.Value != nil && isIdent(m.Pass.TypesInfo, e, l.Value) {
		return true
	}
	return m.isChainIndex(l, e)
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
		var ec *ElemCall
		fun := ast.Unparen(call.Fun)
		if m.isElem(l, fun) {
			if _, ok := l.Elem.Underlying().(*types.Signature); ok {
				ec = &ElemCall{Call: call, Kind: FuncElem}
			}
		} else if sel, ok := fun.(*ast.SelectorExpr); ok && m.isElem(l, sel.X) {
			if s := info.Selections[sel]; s != nil {
				switch s.Kind() {
				case types.MethodVal:
					ec = &ElemCall{Call: call, Kind: MethodElem, Method: s.Obj().(*types.Func)}
				case types.FieldVal:
					if _, ok := s.Type().Underlying().(*types.Signature); ok {
						ec = &ElemCall{Call: call, Kind: FieldElem, Field: s.Obj().(*types.Var)}
					}
				}
			}
		}
		if ec != nil {
			m.resultFlow(l, ec, stack)
			l.Calls = append(l.Calls, ec)
		}
		return true
	})
	// Feeds: a result variable declared outside the loop is an argument
	// of an element call.
	for _, ec := range l.Calls {
		for _, v := range ec.Results {
			if v == nil || within(v.Pos(), l.Stmt) {
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

// FileOf returns the file of pass that holds pos, or nil.
func FileOf(pass *analysis.Pass, pos token.Pos) *ast.File {
	for _, f := range pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

func within(pos token.Pos, n ast.Node) bool { return n.Pos() <= pos && pos < n.End() }

func usesVar(info *types.Info, e ast.Expr, v *types.Var) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

func isIdent(info *types.Info, e ast.Expr, v *types.Var) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	obj := info.Uses[id]
	if obj == nil {
		obj = info.Defs[id]
	}
	return obj == v
}

func isZero(e ast.Expr) bool {
	b, ok := ast.Unparen(e).(*ast.BasicLit)
	return ok && b.Kind == token.INT && b.Value == "0"
}

func isOne(e ast.Expr) bool {
	b, ok := ast.Unparen(e).(*ast.BasicLit)
	return ok && b.Kind == token.INT && b.Value == "1"
}

func isIncDec(info *types.Info, s ast.Stmt, v *types.Var, tok token.Token) bool {
	id, ok := s.(*ast.IncDecStmt)
	return ok && id.Tok == tok && isIdent(info, id.X, v)
}

func lenArg(e ast.Expr) ast.Expr {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return nil
	}
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); !ok || id.Name != "len" {
		return nil
	}
	return call.Args[0]
}

// exprName prints e shortly: &x and (x) print as x, long expressions are
// elided.
func exprName(e ast.Expr) string {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	if s, ok := e.(*ast.StarExpr); ok {
		e = ast.Unparen(s.X)
	}
	s := types.ExprString(e)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}
