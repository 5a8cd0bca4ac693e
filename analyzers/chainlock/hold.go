package chainlock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"

	"github.com/dave/dst"
	"golang.org/x/tools/go/ast/astutil"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/fixes"
)

// The fast form of the fix: the lock is held through a chainruntime.Hold
// whose Unlock the function defers, and the loop ranges over Batched,
// which the compiler inlines with the loop body (BatchedLocker cannot be: it
// defers its own release):
//
//	hold := chainruntime.NewHold(&mu)
//	defer hold.Unlock()
//	for _, m := range chainruntime.Batched(&hold, chain, nil) {
//
// The deferred Unlock is what releases the lock on a panic, so the form is
// only emitted where one deferred call per run of the loop is right.

// holdPlan is where the fast form's two statements go.
type holdPlan struct {
	name   string   // the Hold variable
	before ast.Stmt // the loop, or the labeled statement holding it
}

// planHold plans the fast form for l, or says why the loop keeps the
// BatchedLocker form.
func (c *checker) planHold(l *chains.Loop, p *plan) (*holdPlan, string) {
	if p.fun != "BatchedLocker" {
		return nil, "the lock is a with-lock helper"
	}
	path, _ := astutil.PathEnclosingInterval(l.File, l.Stmt.Pos(), l.Stmt.End())
	if len(path) < 2 || path[0] != l.Stmt {
		return nil, "the loop is not found in its file"
	}
	if fnAt := slices.Index(path, l.Func); fnAt > 0 {
		path = path[:fnAt+1] // the loops and statements of l's own function
	}
	if containsOwn[*ast.DeferStmt](l.Body) {
		return nil, "the loop body defers a call, which on a panic would run before the hold's deferred Unlock, with the lock held"
	}
	before, why := c.holdSite(l, path, p)
	if why != "" {
		return nil, why
	}
	name := c.holdName(l)
	if name == "" {
		return nil, "no free name for the hold"
	}
	return &holdPlan{name: name, before: before}, ""
}

// holdSite returns the statement before which the hold is declared and
// its Unlock deferred: the loop itself; before the outermost loop holding
// it, since one deferred Unlock per outer iteration would pile up until
// the function returns (the hold, released after each run of the inner
// loop, serves every iteration); or the first statement of the function
// when a goto jumps across the site (forward over the declaration, which
// Go rejects, or back, deferring again). The two later sites need the
// lock argument to mean there what it means at the loop. path runs from
// the loop up to its function.
func (c *checker) holdSite(l *chains.Loop, path []ast.Node, p *plan) (ast.Stmt, string) {
	site := ast.Stmt(l.Stmt)
	hoisted := false
	for i, n := range path {
		if isLoop(n) {
			site, hoisted = n.(ast.Stmt), i > 0
			if ls, ok := path[min(i+1, len(path)-1)].(*ast.LabeledStmt); ok {
				site = ls
			}
		}
	}
	if parent := enclosing(path, site); chains.StmtList(parent) == nil {
		return nil, "the loop is not in a statement list"
	}
	if !c.gotoAcross(l.Func, site.Pos()) {
		if hoisted && !c.invariantBefore(p.lockExpr, l.Func, site.Pos()) {
			return nil, "the loop is inside another loop whose iterations may change the lock"
		}
		return site, ""
	}
	body := chains.FuncBody(l.Func)
	if body == nil || len(body.List) == 0 {
		return nil, "a goto jumps across the loop"
	}
	if !c.invariantBefore(p.lockExpr, l.Func, body.Lbrace) {
		return nil, "a goto jumps across the loop, and the lock is not known at the top of the function"
	}
	return body.List[0], ""
}

// enclosing returns the node of path that holds st.
func enclosing(path []ast.Node, st ast.Stmt) ast.Node {
	if i := slices.Index(path, ast.Node(st)); i >= 0 && i+1 < len(path) {
		return path[i+1]
	}
	return nil
}

// invariantBefore reports whether the lock expression e denotes at pos
// what it denotes where it is: every variable it names (fields aside) is
// package-level or declared before pos and never assigned again in fn.
func (c *checker) invariantBefore(e ast.Expr, fn ast.Node, pos token.Pos) bool {
	if e == nil {
		return false
	}
	info := c.pass.TypesInfo
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		id, isIdent := n.(*ast.Ident)
		if !ok || !isIdent {
			return ok
		}
		v, isVar := info.Uses[id].(*types.Var)
		if !isVar || v.IsField() || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() {
			return true
		}
		ok = v.Pos() < pos && !c.reassigned(v, fn)
		return ok
	})
	return ok
}

// reassigned reports whether fn assigns v anywhere but at its declaration.
// Taking the address of a lock held by value (a mutex) is how it is
// locked, not a change of v.
func (c *checker) reassigned(v *types.Var, fn ast.Node) bool {
	_, isStruct := v.Type().Underlying().(*types.Struct)
	found := false
	assignTargets(fn, func(e ast.Expr, addr bool) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		found = ok && c.pass.TypesInfo.Uses[id] == v && !(addr && isStruct)
		return !found
	})
	return found
}

// containsOwn reports whether n holds a node of type T outside function
// literals (a defer or return of n's own function).
func containsOwn[T ast.Node](n ast.Node) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if _, ok := x.(*ast.FuncLit); ok || found {
			return false
		}
		_, found = x.(T)
		return !found
	})
	return found
}

// gotoAcross reports whether a goto of fn (outside nested function
// literals) jumps across pos or back to it: forward over the hold's
// declaration, which Go rejects, or backward, running the deferring
// statement again.
func (c *checker) gotoAcross(fn ast.Node, pos token.Pos) bool {
	return c.gotoTouches(fn, pos, pos)
}

// holdName returns a name for the hold that nothing resolves to at the
// loop, and that the loop's function declares nowhere (so the new
// declaration neither shadows a use nor clashes with a later one): hold,
// hold2, hold3, ... The fixes of a function's loops are planned one by
// one and applied together, so the k-th chain loop of the function takes
// the k-th free name.
func (c *checker) holdName(l *chains.Loop) string {
	skip := 0
	for _, o := range c.m.Loops {
		if o != l && o.Func == l.Func && o.RuntimeIter == nil && o.Stmt.Pos() < l.Stmt.Pos() {
			skip++
		}
	}
	info := c.pass.TypesInfo
	declared := map[string]bool{}
	ast.Inspect(l.Func, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if info.Defs[id] != nil || info.Uses[id] != nil {
				declared[id.Name] = true
			}
		}
		return true
	})
	scope := info.Scopes[l.File]
	if s := innermostScope(info, l.File, l.Stmt.Pos()); s != nil {
		scope = s
	}
	for i := 1; i < 100; i++ {
		name := "hold"
		if i > 1 {
			name += strconv.Itoa(i)
		}
		if declared[name] {
			continue
		}
		if scope != nil {
			if _, obj := scope.LookupParent(name, l.Stmt.Pos()); obj != nil {
				continue
			}
		}
		if skip > 0 {
			skip--
			continue
		}
		return name
	}
	return ""
}

// innermostScope returns the innermost scope of file holding pos.
func innermostScope(info *types.Info, file *ast.File, pos token.Pos) *types.Scope {
	s := info.Scopes[file]
	if s == nil {
		return nil
	}
	return s.Innermost(pos)
}

// emitHold writes the fast form's statements before the loop (before its
// label) and returns the iterator call for the loop.
func emitHold(f *fixes.File, rt, lockArg string, p *plan, hp *holdPlan) (dst.Expr, error) {
	decl, err := fixes.Stmts(fmt.Sprintf("%s := %s.NewHold(%s)\ndefer %s.Unlock()", hp.name, rt, lockArg, hp.name))
	if err != nil {
		return nil, err
	}
	if err := f.InsertBefore(hp.before, decl...); err != nil {
		return nil, err
	}
	return fixes.Expr(fmt.Sprintf("%s.Batched(&%s, %s, %s)", rt, hp.name, p.chain, p.pred))
}
