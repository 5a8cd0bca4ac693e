package chains

import (
	"go/ast"
	"go/token"
	"go/types"
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
	acquires  map[*types.Func]*Acquires
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
	// method is called: m.Serve(req); or the method of an interface field
	// of the element is called: sp.sp.OnEnd(s).
	MethodElem
	// FieldElem: the element is a struct (or pointer to one) whose func
	// field is called: m.Fn(req).
	FieldElem
)

// Shape says how a chain loop walks its chain. Every loop of a Go
// function's control-flow graph (every natural loop) is written as a for
// or range statement or closed by a backward goto; the shape names which
// of these the loop is and where its element comes from.
type Shape int

const (
	// RangeShape: for _, m := range chain over a slice, array or pointer
	// to array.
	RangeShape Shape = iota
	// IndexShape: for i := 0; i < len(chain); i++ (Reverse: from
	// len(chain)-1 down to 0) with the element chain[i].
	IndexShape
	// IntRangeShape: for i := range n or for i := range len(chain) (Go
	// 1.22), with the element chain[i].
	IntRangeShape
	// IterShape: range over a func iterator: slices.Values(chain),
	// slices.All, slices.Backward (Reverse), maps.Values, maps.All, a
	// user-written iter.Seq or iter.Seq2, or the runtime's batching
	// iterators (RuntimeIter set). go/ssa compiles the body into a
	// synthesized yield function (an anonymous function of Func's SSA
	// form).
	IterShape
	// MapShape: range over a map of elements.
	MapShape
	// ChanShape: range over a channel of elements.
	ChanShape
	// ListShape: a linked list walked by a cursor that the loop moves to
	// a field of itself: for n := head; n != nil; n = n.next { n.fn(req) }.
	ListShape
	// CounterShape: a for loop other than IndexShape whose element is
	// chain[k] for a counter k the loop increments or decrements: a
	// variable, or a struct field as gin keeps it
	// (for c.index < len(c.handlers) { c.handlers[c.index](c); c.index++ }).
	// A middleware may move such an index.
	CounterShape
	// GotoShape: a loop closed by a backward goto, its element taken by
	// a counter or a list cursor as in CounterShape and ListShape.
	GotoShape
)

func (s Shape) String() string {
	return [...]string{"range", "indexed", "int-range", "iterator", "map", "channel", "list", "counter", "goto"}[s]
}

// A Loop is a chain loop: a loop that calls, per iteration, an element
// of one iterated collection (a func value, an interface method, a func
// field).
type Loop struct {
	// Shape says how the loop is written and walks its chain.
	Shape Shape
	// Stmt is the *ast.RangeStmt or *ast.ForStmt; for GotoShape, the
	// *ast.LabeledStmt the goto jumps back to.
	Stmt ast.Stmt
	// Body is the loop body. For GotoShape it is synthesized (not a node
	// of the file): a block holding the statements from the label to the
	// one holding the last goto, which spans exactly the loop's source.
	Body *ast.BlockStmt
	// Func is the innermost enclosing *ast.FuncDecl or *ast.FuncLit.
	Func ast.Node
	// File is the file holding the loop.
	File *ast.File
	// Chain is the ranged (or indexed) chain expression; ChainName is
	// its short printed form, such as "s.before". For IterShape it is the
	// collection argument of a slices or maps iterator or of the
	// runtime's, else the iterator itself; for ListShape the head (the
	// cursor's initial value, or the cursor when it has none).
	Chain     ast.Expr
	ChainName string
	// ChainType is the type of Chain; Elem is the element type.
	ChainType types.Type
	Elem      types.Type
	// Index is the index variable (nil if none, or "_"); Value is the
	// element variable: the range value (the range key of a channel or
	// a slices.Values/maps.Values iterator), the list cursor, or in an
	// indexed loop the variable bound by "m := chain[i]" (nil if none).
	Index, Value *types.Var
	// Step is what the loop advances for CounterShape, ListShape and
	// GotoShape loops: the counter (i, c.index) or the list cursor (n);
	// nil for the other shapes.
	Step ast.Expr
	// Indexed reports an IndexShape loop; Reverse reports one that runs
	// from the last element to the first (IndexShape, slices.Backward).
	Indexed, Reverse bool
	// Calls are the element calls in the body, in source order.
	Calls []*ElemCall
	// Sig is the signature of the called element (of the first call).
	Sig *types.Signature
	// Role is derived from Sig and the request/response types, refined
	// by how the loop uses the element's result and where it runs (see
	// the package doc).
	Role Role
	// RuntimeIter is the runtime iterator a range-over-func loop ranges over
	// (chainruntime.BatchedLocker(&mu, chain, nil) and its variants), whose
	// chain argument is Chain; nil for any other loop.
	RuntimeIter *ast.CallExpr

	// elems holds the variables that denote the element or a method or
	// func field of it (the range value, copies, locals, method values).
	elems map[*types.Var]alias
}

// An ElemCall is a call of the chain element in a loop body.
type ElemCall struct {
	Call *ast.CallExpr
	Kind ElemKind
	// Method is the called method (MethodElem) and Field the called func
	// field (FieldElem); nil otherwise.
	Method *types.Func
	Field  *types.Var
	// Via is the local variable the call goes through when the element,
	// its method value or its func field was read into one
	// (h := e.plugins[i].OnResp; h(r)); nil for a direct call.
	Via *types.Var
	// Closure is the innermost function literal of the loop body that
	// holds the call, or nil: such a call runs in the iteration only if
	// the literal is called there.
	Closure *ast.FuncLit
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

// UsesVar reports whether e refers to v.
func UsesVar(info *types.Info, e ast.Expr, v *types.Var) bool { return usesVar(info, e, v) }

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
