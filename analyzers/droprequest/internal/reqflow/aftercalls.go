package reqflow

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// An AfterCall is a call that hands a request to after-middlewares: an
// element call of an after-chain loop whose middlewares take a request, or
// a call of a function that runs an after-chain but no before-chain (a
// runner of this package, or of another by its RunsChain fact).
type AfterCall struct {
	Call *ast.CallExpr
	// Loop is the after-chain loop of an element call; nil for a runner call.
	Loop *chains.Loop
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
func AfterCalls(m *chains.Model, fn ast.Node) []*AfterCall {
	body := chains.FuncBody(fn)
	if body == nil {
		return nil
	}
	var out []*AfterCall
	elem := map[*ast.CallExpr]*chains.Loop{}
	for _, l := range m.Loops {
		if l.Func != fn || l.Role != chains.After {
			continue
		}
		for _, ec := range l.Calls {
			elem[ec.Call] = l
		}
	}
	var self *types.Func
	if fd, ok := fn.(*ast.FuncDecl); ok {
		self, _ = m.Pass.TypesInfo.Defs[fd.Name].(*types.Func)
	}
	info := m.Pass.TypesInfo
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if l := elem[call]; l != nil {
			sig := chains.CalledSig(info, call)
			if i := afterRequestParam(m, sig); i >= 0 && i < len(call.Args) {
				ac := &AfterCall{Call: call, Loop: l, ReqArg: i, CtxArg: ctxParam(sig),
					ReqType: sig.Params().At(i).Type(), Name: "the after-chain " + l.ChainName}
				if ac.CtxArg >= len(call.Args) {
					ac.CtxArg = -1
				}
				out = append(out, ac)
			}
			return true
		}
		callee, _ := typeutil.Callee(info, call).(*types.Func)
		if callee == nil || callee.Origin() == self {
			return true
		}
		rc, ok := m.RunsChainFact(callee)
		if !ok || !rc.After || rc.Before {
			return true
		}
		ac := &AfterCall{Call: call, Callee: callee.Origin(), ReqArg: -1, CtxArg: -1, Name: chains.ExprName(call.Fun)}
		if rc.ReqParam >= 0 {
			sig := callee.Signature()
			shift := 0
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
					shift = 1 // T.M(recv, args...)
				}
			}
			if i := ctxParam(sig); i >= 0 && i+shift < len(call.Args) {
				ac.CtxArg = i + shift
			}
			if rc.ReqParam >= sig.Params().Len() || (sig.Variadic() && rc.ReqParam == sig.Params().Len()-1) {
				return true
			}
			ac.ReqType = sig.Params().At(rc.ReqParam).Type()
			ac.ReqArg = rc.ReqParam + shift
			if ac.ReqArg >= len(call.Args) {
				return true
			}
		}
		out = append(out, ac)
		return true
	})
	return out
}

// afterRequestParam returns the index of sig's first request parameter when sig
// also takes a response, or -1.
func afterRequestParam(m *chains.Model, sig *types.Signature) int {
	if sig == nil {
		return -1
	}
	req, resp := -1, false
	for i := 0; i < sig.Params().Len(); i++ {
		t := sig.Params().At(i).Type()
		if req < 0 && m.IsRequest(t) {
			req = i
		}
		resp = resp || m.IsResponse(t)
	}
	if !resp || (sig.Variadic() && req == sig.Params().Len()-1) {
		return -1
	}
	return req
}
