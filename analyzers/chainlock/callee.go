package chainlock

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// calleeLocks reports the calls, run on every iteration of l, of functions
// that take a lock themselves (the Acquires fact: OpenTelemetry's
// span.End calling s.snapshot(), which takes s.mu, once per span
// processor) when that lock is loop-invariant and the call's result goes
// to an element call: N middlewares, N acquisitions of one lock.
func (c *checker) calleeLocks(l *chains.Loop) {
	c.walk(l, func(n ast.Node, path []ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || c.isElemCall(l, call) {
			return true
		}
		callee := typeutil.StaticCallee(c.pass.TypesInfo, call)
		aq, ok := c.m.AcquiresFact(callee)
		if !ok {
			return true
		}
		root, ok := chains.LockAt(call, aq)
		if !ok || !c.feedsElem(l, call, path) {
			return true
		}
		lock := aq.Global + aq.Path
		if root != nil {
			arg := aq.Param
			if aq.Recv {
				arg = -1
			}
			if !c.m.InvariantArg(l, call, arg) {
				return true // a per-element lock
			}
			lock = types.ExprString(root) + aq.Path
		}
		c.r.Report(analysis.Diagnostic{
			Pos: call.Pos(), End: call.End(), Category: "chainlock",
			Message: fmt.Sprintf("%s takes %s %s on every iteration of the chain loop over %s (N acquisitions for an N-middleware chain); "+
				"call it once before the loop and pass its result; no fix offered: %s",
				c.text(call), aq.Kind, lock, l.ChainName, c.hoistWhy(l, call)),
		})
		return true
	})
}

func (c *checker) isElemCall(l *chains.Loop, call *ast.CallExpr) bool {
	for _, ec := range l.Calls {
		if ec.Call == call {
			return true
		}
	}
	return false
}

// feedsElem reports whether call (at the end of path) is itself an
// argument of an element call, or its result is assigned to a variable
// that is one: the snapshot handed to each middleware. A call nested deeper
// in an argument (m.Start(s.T().Context()), testify's T() under its
// suite's lock, in a loop over a map of containers) is not: the lock
// guards a lookup on the way to the argument, not the middleware's input.
func (c *checker) feedsElem(l *chains.Loop, call *ast.CallExpr, path []ast.Node) bool {
	info := c.pass.TypesInfo
	for _, ec := range l.Calls {
		for _, a := range ec.Call.Args {
			if ast.Unparen(a) == call {
				return true
			}
		}
	}
	if len(path) < 2 {
		return false
	}
	as, ok := path[len(path)-2].(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 || ast.Unparen(as.Rhs[0]) != call {
		return false
	}
	for _, lhs := range as.Lhs {
		id, ok := lhs.(*ast.Ident)
		if !ok {
			continue
		}
		v, _ := info.ObjectOf(id).(*types.Var)
		for _, ec := range l.Calls {
			for _, a := range ec.Call.Args {
				if id, ok := ast.Unparen(a).(*ast.Ident); ok && v != nil && info.Uses[id] == v {
					return true
				}
			}
		}
	}
	return false
}

// hoistWhy says why the call is not hoisted out of the loop: the
// middlewares are dynamic calls, so nothing proves that none of them
// writes what the call reads, and a hoisted call would also run for an
// empty chain.
func (c *checker) hoistWhy(l *chains.Loop, call *ast.CallExpr) string {
	for i := range call.Args {
		if !c.m.InvariantArg(l, call, i) {
			return "its argument " + c.text(call.Args[i]) + " changes in the loop"
		}
	}
	return "the middlewares are dynamic calls, so nothing proves that none of them changes what " + c.text(call) +
		" reads, and a call hoisted before the loop would run for an empty chain too"
}
