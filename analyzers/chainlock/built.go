package chainlock

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/fixes"
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
// The finding is at the construction site, with the running loops as
// related information; its fix (builtfix.go) rewrites the construction
// and the running loops together.
func (c *checker) builtChains(l *chains.Loop) {
	for _, ec := range l.Calls {
		lit, as := c.appendedClosure(l, ec)
		if as == nil {
			continue
		}
		chain := as.Lhs[0]
		sec := c.closureSection(l, ec, lit)
		if sec == nil || !c.m.Invariant(l, sec.acq) {
			continue
		}
		b := &built{loop: l, ec: ec, lit: lit, as: as, chain: chain,
			obj: origin(c.chainObj(chain)), lock: sec.acq, runners: c.runningLoops(l, chain)}
		c.exportBuilt(b)
		if len(b.runners) > 0 {
			c.reportBuilt(b)
		}
		return
	}
}

// reportBuilt reports the chain b at its construction, with its fix or
// why there is none.
func (c *checker) reportBuilt(b *built) {
	lock, runner := b.lock, b.runners[0]
	d := analysis.Diagnostic{
		Pos: lock.Call.Pos(), End: lock.Call.End(), Category: "chainlock",
		Message: fmt.Sprintf("%s once per middleware of %s: each closure appended to %s takes it around its middleware, "+
			"and the loop over %s runs them one after another (N acquisitions for an N-middleware chain)",
			lockPhrase(lock), b.loop.ChainName, c.text(b.chain), runner.ChainName),
	}
	for _, r := range b.runners {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: r.Stmt.Pos(), End: r.Stmt.End(),
			Message: "the chain " + r.ChainName + " runs here"})
	}
	fix, hold, why := c.builtFix(b)
	// What to do, with or without a fix: the iterator the fix writes, or
	// the one to write by hand.
	iter := "Batched"
	switch {
	case lock.Kind == chains.Helper:
		iter = "BatchedFunc"
	case why == "" && !hold:
		iter = "BatchedLocker"
	}
	d.Message += "; append the middlewares themselves and batch consecutive synchronous middlewares under one acquisition with chainruntime." +
		iter + " where " + c.text(b.chain) + " runs"
	if why != "" {
		d.Message += "; no fix offered: " + why
	} else {
		d.Message += fixes.RequirementNote(c.pass, runner.File)
		d.SuggestedFixes = []analysis.SuggestedFix{fix}
	}
	c.r.Report(d)
}

// appendedClosure returns the function literal of l's body, holding the
// element call ec, that l appends to a chain, and the append statement:
// the innermost literal around ec, or one further out when the inner ones
// are callbacks (func(r *Req) { withGIL(func() { mw(r) }) }).
func (c *checker) appendedClosure(l *chains.Loop, ec *chains.ElemCall) (*ast.FuncLit, *ast.AssignStmt) {
	if ec.Closure == nil {
		return nil, nil
	}
	path, _ := astutil.PathEnclosingInterval(l.File, ec.Call.Pos(), ec.Call.End())
	for _, n := range path {
		if n == l.Body {
			break
		}
		if lit, ok := n.(*ast.FuncLit); ok {
			if as := c.appendedTo(l, lit); as != nil {
				return lit, as
			}
		}
	}
	return nil, nil
}

// appendedTo returns the statement x = append(x, ..., lit, ...) that
// appends lit in l's body, or nil.
func (c *checker) appendedTo(l *chains.Loop, lit *ast.FuncLit) *ast.AssignStmt {
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
	return as
}

func ident(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}

// closureSection finds the critical section around the element call in
// its closure: acquire and release in one statement list, or a deferred
// release in the closure's body.
func (c *checker) closureSection(l *chains.Loop, ec *chains.ElemCall, lit *ast.FuncLit) *section {
	path, _ := astutil.PathEnclosingInterval(l.File, ec.Call.Pos(), ec.Call.End())
	slices.Reverse(path)
	i := slices.Index(path, ast.Node(lit.Body))
	if i < 0 || path[len(path)-1] != ec.Call {
		return nil
	}
	path = path[i:]
	if sec := c.findSection(ec, path); sec != nil {
		return sec
	}
	// func(r *Req) { gil.Lock(); defer gil.Unlock(); mw(r) }
	list := lit.Body.List
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

// runningLoops returns the chain loops of the package, other than l, that
// run chain (the same variable or field), when one of them calls its
// elements directly; else none.
func (c *checker) runningLoops(l *chains.Loop, chain ast.Expr) []*chains.Loop {
	key := origin(c.chainObj(chain))
	if key == nil {
		return nil
	}
	var loops []*chains.Loop
	direct := false
	for _, r := range c.m.Loops {
		if r == l || origin(c.chainObj(r.Chain)) != key {
			continue
		}
		loops = append(loops, r)
		for _, ec := range r.Calls {
			direct = direct || ec.Closure == nil
		}
	}
	if !direct {
		return nil
	}
	return loops
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
