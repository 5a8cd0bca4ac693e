package chainlock

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// builtChains reports chains built at load time whose elements each take
// the same lock: a loop appends, per middleware, a closure that calls the
// middleware inside a critical section of a lock that does not depend on
// the middleware, and another loop of the package runs the chain:
//
//	for _, mw := range mws {
//		chain = append(chain, func(r *Req) { gil.Lock(); mw(r); gil.Unlock() })
//	}
//	...
//	for _, h := range chain { h(r) } // N acquisitions of gil
//
// The finding is at the construction site, with the running loop as
// related information.
func (c *checker) builtChains(l *chains.Loop) {
	for _, ec := range l.Calls {
		if ec.Closure == nil {
			continue
		}
		chain := c.appendedTo(l, ec.Closure)
		if chain == nil {
			continue
		}
		sec := c.closureSection(l, ec)
		if sec == nil || !c.m.Invariant(l, sec.acq) {
			continue
		}
		runner := c.runningLoop(l, chain)
		if runner == nil {
			continue
		}
		lock := sec.acq
		c.r.Report(analysis.Diagnostic{
			Pos: lock.Call.Pos(), End: lock.Call.End(), Category: "chainlock",
			Message: fmt.Sprintf("lock %s is acquired once per middleware of %s: each closure appended to %s takes it around its middleware, "+
				"and the loop over %s runs them one after another (N acquisitions for an N-middleware chain); "+
				"no fix offered: the lock would move out of the closures into the loop that runs them, which is safe only if nothing else runs %s",
				lock.Name, l.ChainName, c.text(chain), runner.ChainName, c.text(chain)),
			Related: []analysis.RelatedInformation{{Pos: runner.Stmt.Pos(), End: runner.Stmt.End(),
				Message: "the chain " + runner.ChainName + " runs here"}},
		})
		return
	}
}

// appendedTo returns x when lit is appended to it in l's body
// (x = append(x, lit)), else nil.
func (c *checker) appendedTo(l *chains.Loop, lit *ast.FuncLit) ast.Expr {
	path, _ := astutil.PathEnclosingInterval(l.File, lit.Pos(), lit.End())
	if len(path) < 3 || path[0] != lit {
		return nil
	}
	call, ok := path[1].(*ast.CallExpr)
	if !ok || len(call.Args) < 2 || !slices.Contains(call.Args[1:], ast.Expr(lit)) {
		return nil
	}
	if b, ok := c.pass.TypesInfo.Uses[ident(call.Fun)].(*types.Builtin); !ok || b.Name() != "append" {
		return nil
	}
	as, ok := path[2].(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || as.Rhs[0] != call ||
		types.ExprString(as.Lhs[0]) != types.ExprString(call.Args[0]) {
		return nil
	}
	return as.Lhs[0]
}

func ident(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}

// closureSection finds the critical section around the element call in
// its closure: acquire and release in one statement list, or a deferred
// release in the closure's body.
func (c *checker) closureSection(l *chains.Loop, ec *chains.ElemCall) *section {
	path, _ := astutil.PathEnclosingInterval(l.File, ec.Call.Pos(), ec.Call.End())
	slices.Reverse(path)
	i := slices.Index(path, ast.Node(ec.Closure.Body))
	if i < 0 || path[len(path)-1] != ec.Call {
		return nil
	}
	path = path[i:]
	if sec := c.findSection(ec, path); sec != nil {
		return sec
	}
	// func(r *Req) { gil.Lock(); defer gil.Unlock(); mw(r) }
	list := ec.Closure.Body.List
	for ai, st := range list {
		acq, ok := c.m.StmtLockOp(st)
		if !ok || acq.Op != chains.Acquire {
			continue
		}
		for _, st2 := range list[ai+1:] {
			if _, isDefer := st2.(*ast.DeferStmt); isDefer && c.releases(st2, acq) {
				return &section{call: ec, acq: acq, path: path}
			}
		}
	}
	return nil
}

// runningLoop returns a chain loop of the package, other than l, that
// runs chain (the same variable or field) calling its elements directly.
func (c *checker) runningLoop(l *chains.Loop, chain ast.Expr) *chains.Loop {
	key := c.chainObj(chain)
	if key == nil {
		return nil
	}
	for _, r := range c.m.Loops {
		if r == l || c.chainObj(r.Chain) != key {
			continue
		}
		for _, ec := range r.Calls {
			if ec.Closure == nil {
				return r
			}
		}
	}
	return nil
}

// chainObj returns the variable or field that e names, or nil.
func (c *checker) chainObj(e ast.Expr) types.Object {
	info := c.pass.TypesInfo
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return info.ObjectOf(x)
	case *ast.SelectorExpr:
		if s := info.Selections[x]; s != nil && s.Kind() == types.FieldVal {
			return s.Obj()
		}
		return info.ObjectOf(x.Sel)
	}
	return nil
}
