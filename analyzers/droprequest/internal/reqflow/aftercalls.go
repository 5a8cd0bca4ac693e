package reqflow

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// An AfterCall is a call that hands a request to after-middlewares: an
// element call of an after-chain loop whose middlewares take a request, or
// a call of a function that runs an after-chain but no before-chain (a
// runner of this package, or of another by its RunsChain fact).
type AfterCall struct {
	Call *ast.CallExpr
	// Loop is the after-chain loop of an element call; nil for a runner
	// call, and for a hook taken from a map or a list (see [hookCalls]).
	Loop *chains.Loop
	// Chain names the after-chain of an element call ("s.after"); "" for
	// a runner call.
	Chain string
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

// isContext reports whether t is context.Context.
func isContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

// ctxParam returns the index of sig's first context.Context parameter, or -1.
func ctxParam(sig *types.Signature) int {
	for i := 0; i < sig.Params().Len(); i++ {
		if isContext(sig.Params().At(i).Type()) && !(sig.Variadic() && i == sig.Params().Len()-1) {
			return i
		}
	}
	return -1
}

// AfterCalls returns the after-calls in the body of fn (a *ast.FuncDecl or
// *ast.FuncLit; calls in nested function literals are not included), in
// source order.
//
// The request parameter of an after-middleware is decided by flow first:
// a parameter whose type is that of a value fn hands to its handler or
// threads through a before-chain (see [flowTypes]), whatever the type is
// called; the configured request types are hints where no such value is in
// reach.
func AfterCalls(m *chains.Model, fn ast.Node) []*AfterCall {
	body := chains.FuncBody(fn)
	if body == nil {
		return nil
	}
	c := &collector{m: m, fn: fn}
	for _, l := range m.Loops {
		if l.Func != fn || l.Role != chains.After {
			continue
		}
		for _, ec := range l.Calls {
			if c.elem == nil {
				c.elem = map[*ast.CallExpr]*chains.Loop{}
			}
			c.elem[ec.Call] = l
		}
	}
	if fd, ok := fn.(*ast.FuncDecl); ok {
		c.self, _ = m.Pass.TypesInfo.Defs[fd.Name].(*types.Func)
	}
	c.hooks.info = m.Pass.TypesInfo
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			c.visit(n)
		}
		c.hooks.note(n) // in preorder: a loop is noted before the calls in its body
		return true
	})
	return c.out
}

// A collector gathers the after-calls of one function.
type collector struct {
	m     *chains.Model
	fn    ast.Node
	self  *types.Func
	elem  map[*ast.CallExpr]*chains.Loop // element calls of after-chain loops
	hooks hookScan
	out   []*AfterCall

	flowTs   []types.Type
	flowDone bool
}

// flow returns the function's flow types, computed on first use (only
// functions with after-calls need them).
func (c *collector) flow() []types.Type {
	if !c.flowDone {
		c.flowTs, c.flowDone = flowTypes(c.m, c.fn, c.elem), true
	}
	return c.flowTs
}

func (c *collector) visit(call *ast.CallExpr) {
	var ac *AfterCall
	if l := c.elem[call]; l != nil {
		ac = elemAfterCall(c.m, call, l.ChainName, c.flow)
		if ac != nil {
			ac.Loop = l
		}
	} else if chain, ok := c.hooks.chain(call); ok {
		ac = elemAfterCall(c.m, call, chain, c.flow)
	} else {
		ac = runnerAfterCall(c.m, call, c.self, c.flow)
	}
	if ac != nil {
		c.out = append(c.out, ac)
	}
}

// inspectOwn calls visit for each call of body outside function literals.
func inspectOwn(body *ast.BlockStmt, visit func(*ast.CallExpr)) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			visit(n)
		}
		return true
	})
}

// elemAfterCall returns the after-call of an element call of the
// after-chain named chain, or nil when its middlewares take no request or
// no response.
func elemAfterCall(m *chains.Model, call *ast.CallExpr, chain string, flow func() []types.Type) *AfterCall {
	sig := chains.CalledSig(m.Pass.TypesInfo, call)
	if sig == nil {
		return nil
	}
	ac := &AfterCall{Call: call, Chain: chain, ReqArg: afterRequestParam(m, sig, flow), CtxArg: ctxParam(sig),
		Name: "the after-chain " + chain}
	if ac.CtxArg >= len(call.Args) {
		ac.CtxArg = -1
	}
	switch {
	case ac.ReqArg >= len(call.Args):
		return nil
	case ac.ReqArg >= 0:
		ac.ReqType = sig.Params().At(ac.ReqArg).Type()
	case ac.CtxArg < 0 || !takesResponse(m, sig):
		return nil // middlewares that take neither a request nor a context
	}
	return ac
}

// takesResponse reports whether sig has a parameter of a response type.
func takesResponse(m *chains.Model, sig *types.Signature) bool {
	for v := range sig.Params().Variables() {
		if m.IsResponse(v.Type()) {
			return true
		}
	}
	return false
}

// runnerAfterCall returns the after-call of a call of a function that runs
// an after-chain and no before-chain (by its RunsChain fact), or nil. Its
// request parameter is the one the fact names, else the first parameter
// of a flow type; its context parameter the first context.Context.
func runnerAfterCall(m *chains.Model, call *ast.CallExpr, self *types.Func, flow func() []types.Type) *AfterCall {
	info := m.Pass.TypesInfo
	callee, via := staticCallee(m, call)
	if callee == nil || callee.Origin() == self {
		return nil
	}
	rc, ok := m.RunsChainFact(callee)
	if !ok || !rc.After || rc.Before || via != nil && reassigned(m, via) {
		return nil
	}
	ac := &AfterCall{Call: call, Callee: callee.Origin(), ReqArg: -1, CtxArg: -1, Name: chains.ExprName(call.Fun)}
	sig := callee.Signature()
	if at := chains.CalledSig(info, call); at != nil && at.Recv() == nil && sig.Params().Len() == at.Params().Len() {
		sig = at // the parameter types as the caller sees them (type arguments substituted)
	}
	shift := 0
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
			shift = 1 // T.M(recv, args...)
		}
	}
	if i := ctxParam(sig); i >= 0 && i+shift < len(call.Args) {
		ac.CtxArg = i + shift
	}
	req := rc.ReqParam
	if req < 0 {
		req = flowParam(m, sig, flow)
	}
	if req < 0 {
		return ac
	}
	if req >= sig.Params().Len() || (sig.Variadic() && req == sig.Params().Len()-1) || req+shift >= len(call.Args) {
		return nil
	}
	ac.ReqType = sig.Params().At(req).Type()
	ac.ReqArg = req + shift
	return ac
}

// afterRequestParam returns the index of sig's request parameter when sig
// also takes a response, or -1: the first parameter of a flow type, else
// the first of a configured request type.
func afterRequestParam(m *chains.Model, sig *types.Signature, flow func() []types.Type) int {
	if sig == nil {
		return -1
	}
	req := -1
	for i := 0; i < sig.Params().Len(); i++ {
		if m.IsRequest(sig.Params().At(i).Type()) {
			req = i
			break
		}
	}
	if i := flowParam(m, sig, flow); i >= 0 {
		req = i
	}
	if !takesResponse(m, sig) || (sig.Variadic() && req == sig.Params().Len()-1) {
		return -1
	}
	return req
}

// flowParam returns the index of sig's first parameter whose type is one
// of flow, or what one of them points to, or -1.
func flowParam(m *chains.Model, sig *types.Signature, flow func() []types.Type) int {
	for i := 0; i < sig.Params().Len(); i++ {
		t := sig.Params().At(i).Type()
		if requestLike(m, t) && slices.ContainsFunc(flow(), func(x types.Type) bool {
			return types.Identical(x, t) || types.Identical(x, types.NewPointer(t)) // a copy of the request
		}) {
			return i
		}
	}
	return -1
}

// requestLike reports whether values of type t may be a request: not a
// response, a basic type, a func or an empty interface. (A context.Context
// is judged on its own, as the context argument.)
func requestLike(m *chains.Model, t types.Type) bool {
	if t == nil || m.IsResponse(t) || isContext(t) {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Basic, *types.Signature:
		return false
	case *types.Interface:
		return !u.Empty() || isTypeParam(t)
	}
	return true
}

func isTypeParam(t types.Type) bool {
	_, ok := types.Unalias(t).(*types.TypeParam)
	return ok
}

// flowTypes returns the types of the values fn treats as its request, by
// what it does with them: the arguments of its handler calls (calls, other
// than after-chain element calls, that take or return a response), and
// the types its other chain loops thread (an element taking and returning
// a T: req = m(req)).
func flowTypes(m *chains.Model, fn ast.Node, afterElem map[*ast.CallExpr]*chains.Loop) []types.Type {
	info := m.Pass.TypesInfo
	var out []types.Type
	add := func(t types.Type) {
		if requestLike(m, t) && !slices.ContainsFunc(out, func(x types.Type) bool { return types.Identical(x, t) }) {
			out = append(out, t)
		}
	}
	inspectOwn(chains.FuncBody(fn), func(call *ast.CallExpr) {
		sig := chains.CalledSig(info, call)
		if sig == nil || afterElem[call] != nil {
			return
		}
		if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
			return // a conversion
		}
		resp := false
		for v := range sig.Results().Variables() {
			resp = resp || m.IsResponse(v.Type())
		}
		for _, a := range call.Args {
			resp = resp || m.IsResponse(info.TypeOf(a))
		}
		for _, a := range call.Args {
			if resp {
				add(info.TypeOf(a))
			} else if fields := holderFields(m, info.TypeOf(a)); fields != nil {
				for _, t := range fields {
					add(t) // handler(c), c holding the request and the response
				}
			}
		}
	})
	for _, l := range m.Loops {
		if l.Func != fn || l.Role == chains.After || l.Sig == nil {
			continue
		}
		for p := range l.Sig.Params().Variables() {
			for r := range l.Sig.Results().Variables() {
				if types.Identical(p.Type(), r.Type()) {
					add(p.Type())
				}
			}
		}
	}
	return out
}

// staticCallee returns the function call calls: a function or method, or
// the function a package-level variable of this package is initialized
// to (var forward = runtime.ForwardResponse, as generated code has it),
// with that variable (the caller checks that nothing reassigns it); nil
// otherwise.
func staticCallee(m *chains.Model, call *ast.CallExpr) (*types.Func, *types.Var) {
	info := m.Pass.TypesInfo
	switch c := typeutil.Callee(info, call).(type) {
	case *types.Func:
		return c, nil
	case *types.Var:
		if c.Pkg() == m.Pass.Pkg && c.Parent() == c.Pkg().Scope() {
			if fn := varInit(m, c); fn != nil {
				return fn, c
			}
		}
	}
	return nil, nil
}

// varInit returns the function the package-level variable v is
// initialized to in its declaration, or nil.
func varInit(m *chains.Model, v *types.Var) *types.Func {
	file := chains.FileOf(m.Pass, v.Pos())
	if file == nil {
		return nil
	}
	path, _ := astutil.PathEnclosingInterval(file, v.Pos(), v.Pos())
	for _, n := range path {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != len(vs.Names) {
			continue
		}
		for i, id := range vs.Names {
			if id.Pos() == v.Pos() {
				fn, _ := typeutil.Callee(m.Pass.TypesInfo, &ast.CallExpr{Fun: vs.Values[i]}).(*types.Func)
				return fn
			}
		}
	}
	return nil
}

// reassigned reports whether a statement of the package assigns the
// package-level variable v or takes its address.
func reassigned(m *chains.Model, v *types.Var) bool {
	info := m.Pass.TypesInfo
	found := false
	for _, file := range m.Pass.Files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					found = found || chains.IdentVar(info, ast.Unparen(l)) == v
				}
			case *ast.UnaryExpr:
				found = found || n.Op == token.AND && chains.IdentVar(info, ast.Unparen(n.X)) == v
			}
			return !found
		})
	}
	return found
}

// holderFields returns the field types of the struct t points to when one
// of them is a response type (a context holding the request and the
// response writer, as gin's handlers get), else nil.
func holderFields(m *chains.Model, t types.Type) []types.Type {
	p, ok := t.Underlying().(*types.Pointer)
	if !ok {
		return nil
	}
	st, ok := p.Elem().Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	var out []types.Type
	resp := false
	for i := 0; i < st.NumFields(); i++ {
		out = append(out, st.Field(i).Type())
		resp = resp || m.IsResponse(st.Field(i).Type())
	}
	if !resp {
		return nil
	}
	return out
}

// A hookScan finds the calls of hooks taken from a container/list, with the
// name of the list: e.Value.(Hook)(req, resp) (or through a variable
// assigned that) in a walk from l.Front() or l.Back(). They are element
// calls of an after-chain when the hooks take a response (see
// [elemAfterCall]). Loops over slices, arrays, maps and channels are the
// model's ([chains.Model.Loops]); a list walk's element is reached through
// Value and a type assertion, which the model does not follow yet.
type hookScan struct {
	info  *types.Info
	hooks map[*types.Var]string // hook variables, by list name
	elems map[*types.Var]string // list element variables
}

func put(m *map[*types.Var]string, v *types.Var, name string) {
	if v == nil {
		return
	}
	if *m == nil {
		*m = map[*types.Var]string{}
	}
	(*m)[v] = name
}

// note records the hook and list element variables n binds.
func (h *hookScan) note(n ast.Node) {
	info := h.info
	switch n := n.(type) {
	case *ast.ForStmt:
		as, ok := n.Init.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return
		}
		if c, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr); ok && isListElem(info.TypeOf(c)) {
			if sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok && (sel.Sel.Name == "Front" || sel.Sel.Name == "Back") {
				put(&h.elems, chains.IdentVar(info, as.Lhs[0]), chains.ExprName(sel.X))
			}
		}
	case *ast.AssignStmt:
		if h.elems == nil || len(n.Lhs) != len(n.Rhs) {
			return
		}
		for i, r := range n.Rhs {
			if name, ok := h.listValue(r); ok {
				put(&h.hooks, chains.IdentVar(info, n.Lhs[i]), name)
			}
		}
	}
}

// chain returns the collection whose hook call calls, if it is one.
func (h *hookScan) chain(call *ast.CallExpr) (string, bool) {
	if name, ok := h.listValue(call.Fun); ok {
		return name, true
	}
	if h.hooks == nil {
		return "", false
	}
	name, ok := h.hooks[chains.IdentVar(h.info, ast.Unparen(call.Fun))]
	return name, ok
}

// listValue reports whether e is e.Value.(T) of a list element variable.
func (h *hookScan) listValue(e ast.Expr) (string, bool) {
	if h.elems == nil {
		return "", false
	}
	ta, ok := ast.Unparen(e).(*ast.TypeAssertExpr)
	if !ok {
		return "", false
	}
	sel, ok := ast.Unparen(ta.X).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Value" {
		return "", false
	}
	name, ok := h.elems[chains.IdentVar(h.info, ast.Unparen(sel.X))]
	return name, ok
}

// isListElem reports whether t is *container/list.Element.
func isListElem(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "container/list" && n.Obj().Name() == "Element"
}
