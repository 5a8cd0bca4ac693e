package chains

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// RuntimePath is the import path of chainlint's bundled chain runtime.
const RuntimePath = "github.com/chainlint/chainlint/chain_runtime"

// runtimeIters are the runtime's batching iterators; each takes the chain
// as its second argument (the first is the lock, a with-lock helper, or a
// *Hold made by NewHold(lock) before the loop).
var runtimeIters = map[string]bool{"BatchedLocker": true, "BatchedLockerMax": true, "BatchedFunc": true, "BatchedFuncMax": true,
	"Batched": true, "BatchedMax": true}

// runtimeIter returns x when it is a call of one of the runtime's batching
// iterators (chainruntime.BatchedLocker(&mu, chain, nil)), else nil.
func (m *Model) runtimeIter(x ast.Expr) *ast.CallExpr {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok || len(call.Args) < 2 {
		return nil
	}
	fn, _ := typeutil.Callee(m.Pass.TypesInfo, call).(*types.Func)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != RuntimePath || !runtimeIters[fn.Name()] {
		return nil
	}
	return call
}

// beforeHook reports whether l, a loop whose middlewares take a response
// (so After by signature), is a before-chain after all: its middlewares
// take a request too and return a "go on?" signal (a bool, or an error
// when the response is an interface they answer on, such as
// http.ResponseWriter), the loop leaves on that signal, and nothing in its
// function runs before it that a before-chain would precede: no other
// chain loop and no handler call (a call taking a request and a response,
// or taking a request and returning a response).
//
//	for _, h := range s.hooks { // before: h answers on w and says stop
//		if !h(w, r) {
//			return
//		}
//	}
//	s.next.ServeHTTP(w, r)
func (m *Model) beforeHook(l *Loop) bool {
	sig := l.Sig
	if sig == nil || sig.Results().Len() == 0 {
		return false
	}
	var req bool
	var writer bool // a response parameter of interface type
	for v := range sig.Params().Variables() {
		req = req || m.IsRequest(v.Type())
		if m.IsResponse(v.Type()) && types.IsInterface(v.Type()) {
			writer = true
		}
	}
	for v := range sig.Results().Variables() {
		if m.IsResponse(v.Type()) {
			return false
		}
	}
	last := sig.Results().At(sig.Results().Len() - 1).Type()
	b, isBasic := last.Underlying().(*types.Basic)
	signal := isBasic && b.Kind() == types.Bool || writer && scIsError(last)
	if !req || !signal || !m.leavesOnResult(l) {
		return false
	}
	for _, o := range m.Loops {
		if o.Func == l.Func && o.Stmt.End() <= l.Stmt.Pos() {
			return false
		}
	}
	return !m.handlerBefore(l)
}

// leavesOnResult reports whether the loop body returns or breaks under an
// if statement whose condition uses an element call's result.
func (m *Model) leavesOnResult(l *Loop) bool {
	info := m.Pass.TypesInfo
	uses := func(cond ast.Expr) bool {
		found := false
		ast.Inspect(cond, func(n ast.Node) bool {
			for _, ec := range l.Calls {
				if n == ec.Call {
					found = true
				}
				if id, ok := n.(*ast.Ident); ok {
					for _, v := range ec.Results {
						if v != nil && info.Uses[id] == v {
							found = true
						}
					}
				}
			}
			return !found
		})
		return found
	}
	leaves := false
	ast.Inspect(l.Body, func(n ast.Node) bool {
		if leaves {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			if uses(n.Cond) && (exits(n.Body) || n.Else != nil && exits(n.Else)) {
				leaves = true
			}
		}
		return true
	})
	return leaves
}

// exits reports whether n holds a return, a break or a goto (outside
// function literals).
func exits(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = true
		case *ast.BranchStmt:
			found = found || n.Tok == token.BREAK || n.Tok == token.GOTO
		}
		return !found
	})
	return found
}

// handlerBefore reports whether l's function makes a handler call before
// the loop (in source order, outside function literals): a call, other
// than a before-runner's (by an imported fact), that takes a request and
// takes or returns a response.
func (m *Model) handlerBefore(l *Loop) bool {
	body := funcBody(l.Func)
	if body == nil {
		return false
	}
	info := m.Pass.TypesInfo
	found := false
	scInspectOwn(body, func(n ast.Node) {
		call, ok := n.(*ast.CallExpr)
		if found || !ok || call.End() > l.Stmt.Pos() {
			return
		}
		if tv, ok := info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
			return
		}
		if fn, _ := typeutil.Callee(info, call).(*types.Func); fn != nil && fn.Pkg() != nil && fn.Pkg() != m.Pass.Pkg {
			if rc, ok := m.RunsChainFact(fn); ok && rc.Before && !rc.After {
				return
			}
		}
		var req, resp bool
		for _, a := range call.Args {
			t := info.TypeOf(a)
			req = req || m.IsRequest(t)
			resp = resp || m.IsResponse(t)
		}
		if sig := calledSig(info, call); sig != nil {
			for v := range sig.Results().Variables() {
				resp = resp || m.IsResponse(v.Type())
			}
		}
		found = req && resp
	})
	return found
}
