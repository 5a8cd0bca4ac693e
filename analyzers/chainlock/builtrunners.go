package chainlock

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// The loops that run a built chain: each must call its elements in the
// iteration, name the lock, and pass the loop fix's checks.

// runnersWhy plans the rewrite of every loop that runs the chain, or says
// why one cannot be rewritten.
func (c *checker) runnersWhy(b *built) string {
	for _, r := range b.runners {
		what := fmt.Sprintf("the loop that runs %s at line %s", r.ChainName, c.line(r.Stmt.Pos()))
		if c.r.Generated(r.Stmt.Pos()) {
			return what + " is in a generated file"
		}
		lockText, names, why := c.lockAt(b, r)
		if why == "" {
			why = c.runnerCallsWhy(r)
		}
		if why == "" {
			why = c.takesLockWhy(b, r, lockText)
		}
		var p *plan
		if why == "" {
			p, why = c.planRunner(b, r, lockText, names)
		}
		if why != "" {
			return what + ": " + why
		}
		b.plans = append(b.plans, p)
	}
	return ""
}

// runnerCallsWhy says why r does not simply call its elements in the
// iteration: an element called in a function literal, a go or defer
// statement, or read into another variable or passed on, would run
// without the lock after the fix.
func (c *checker) runnerCallsWhy(r *chains.Loop) string {
	funs := map[ast.Expr]bool{}
	for _, ec := range r.Calls {
		if ec.Closure != nil || ec.Via != nil || ec.Kind != chains.FuncElem {
			return "it does not call the middleware directly in the loop body (" + c.text(ec.Call) + ")"
		}
		funs[ast.Unparen(ec.Call.Fun)] = true
	}
	var why string
	ast.Inspect(r.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt, *ast.DeferStmt:
			ast.Inspect(n, func(m ast.Node) bool {
				if e, ok := m.(ast.Expr); ok && funs[e] {
					why = "it calls a middleware in a go or defer statement, which would run it without the lock"
				}
				return why == ""
			})
		case *ast.Ident:
			if r.Value != nil && c.pass.TypesInfo.Uses[n] == r.Value && !funs[n] {
				why = "it uses the middleware " + n.Name + " other than by calling it (line " + c.line(n.Pos()) + ")"
			}
		}
		return why == ""
	})
	return why
}

// takesLockWhy says why the runner's own code takes the lock (which the
// batched lock, held across its body, would then deadlock on).
func (c *checker) takesLockWhy(b *built, r *chains.Loop, lockText string) string {
	var why string
	c.walk(r, func(n ast.Node, _ []ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && why == "" {
			if lo, ok := c.m.LockOp(call); ok && lo.Lock != nil && c.text(lo.Lock) == lockText {
				why = "its body takes " + lockText + " itself (line " + c.line(call.Pos()) + "), which would deadlock under the batched lock"
			}
		}
		return why == ""
	})
	return why
}

// planRunner plans the rewrite of the runner r, as plan does for a loop
// with the lock in its body: the loop's shape, the file's Go version, and
// the code that would newly run under the lock (its whole body but the
// middleware calls).
func (c *checker) planRunner(b *built, r *chains.Loop, lockText string, names ast.Expr) (*plan, string) {
	p := &plan{fun: "BatchedLocker", pred: "nil"}
	arg, why := c.lockArg(b.lock, lockText)
	if why != "" {
		return nil, why
	}
	p.lockArg, p.lockExpr = arg, names
	if why := c.rangeableWhy(r); why != "" {
		return nil, why
	}
	if why := c.planRange(r, &section{}, p); why != "" {
		return nil, why
	}
	return p, ""
}

// lockAt returns how code at the runner r names the lock the closures
// take, or why it cannot: the same variable where it is in scope (a
// package-level variable, or a local of the function that also runs the
// chain), the same package's variable under its import name, or the same
// field path of the value whose chain r runs, when the closures take the
// lock of the value whose chain they are appended to. names is an
// expression of the package naming the variables the text names (for
// planHold, which checks that they mean the same before the loop).
func (c *checker) lockAt(b *built, r *chains.Loop) (text string, names ast.Expr, why string) {
	info := c.pass.TypesInfo
	lockExpr := ast.Unparen(b.lock.Lock)
	root, path, ok := c.fieldPath(lockExpr)
	cannot := "it cannot name the lock " + b.lock.Name + ", which is neither a package-level variable nor a field of the value whose chain it runs"
	if !ok {
		return "", nil, cannot
	}
	scope := innermostScope(info, r.File, r.Stmt.Pos())
	var at types.Object
	if scope != nil {
		_, at = scope.LookupParent(root.Name, r.Stmt.Pos())
	}
	switch o := info.Uses[root].(type) {
	case *types.PkgName:
		if pn, ok := at.(*types.PkgName); ok && pn.Imported() == o.Imported() {
			return root.Name + path, lockExpr, ""
		}
		if name := c.importName(r, o.Imported()); name != "" {
			return name + path, lockExpr, ""
		}
		return "", nil, "its file does not import " + o.Imported().Path() + ", whose variable the lock " + b.lock.Name + " is"
	case *types.Var:
		if at == o {
			return root.Name + path, lockExpr, ""
		}
		if y := c.sameOwner(b, r, o); y != nil && path != "" {
			return y.Name + path, y, ""
		}
	}
	return "", nil, cannot
}

// importName returns the name under which r's file imports pkg, if that
// name means the import where r is; else "".
func (c *checker) importName(r *chains.Loop, pkg *types.Package) string {
	info := c.pass.TypesInfo
	scope := innermostScope(info, r.File, r.Stmt.Pos())
	for _, spec := range r.File.Imports {
		pn, ok := info.PkgNameOf(spec), scope != nil
		if !ok || pn == nil || pn.Imported() != pkg {
			continue
		}
		if _, at := scope.LookupParent(pn.Name(), r.Stmt.Pos()); at == pn {
			return pn.Name()
		}
	}
	return ""
}

// fieldPath splits e into a root identifier and the field selections
// after it (".mu", ".cfg.mu"; a package-qualified variable's name counts as
// one). It fails for anything else: calls, indexes, dereferences.
func (c *checker) fieldPath(e ast.Expr) (*ast.Ident, string, bool) {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x, "", true
	case *ast.SelectorExpr:
		if sel := c.pass.TypesInfo.Selections[x]; sel != nil {
			if sel.Kind() != types.FieldVal {
				return nil, "", false
			}
		} else if _, ok := c.pass.TypesInfo.Uses[ident(x.X)].(*types.PkgName); !ok {
			return nil, "", false
		}
		root, path, ok := c.fieldPath(x.X)
		return root, path + "." + x.Sel.Name, ok
	}
	return nil, "", false
}

// sameOwner returns the identifier through which the runner r reaches
// the value whose chain it runs, when the construction appends to a field
// of x, the lock's root, and r ranges over the same field of a variable of
// the same pointer type; x must keep its value in the constructing
// function, as the closures read it when they run. It returns nil when
// not.
func (c *checker) sameOwner(b *built, r *chains.Loop, x *types.Var) *ast.Ident {
	info := c.pass.TypesInfo
	own, ok := ast.Unparen(b.chain).(*ast.SelectorExpr)
	if !ok || !isVar(info, ast.Unparen(own.X), x) || c.assignedIn(b.loop.File)[x] {
		return nil
	}
	run, ok := ast.Unparen(r.Chain).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	id := ident(run.X)
	y, _ := info.Uses[id].(*types.Var)
	if y == nil || !samePointerType(x.Type(), y.Type()) || c.assignedIn(r.Body)[y] {
		return nil
	}
	return id
}

// samePointerType reports whether s and t are pointers to the same named
// type (or instances of one generic type).
func samePointerType(s, t types.Type) bool {
	ps, ok1 := s.Underlying().(*types.Pointer)
	pt, ok2 := t.Underlying().(*types.Pointer)
	if !ok1 || !ok2 {
		return false
	}
	ns, ok1 := types.Unalias(ps.Elem()).(*types.Named)
	nt, ok2 := types.Unalias(pt.Elem()).(*types.Named)
	return ok1 && ok2 && ns.Origin() == nt.Origin()
}
