package chainlock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"github.com/dave/dst"
	"golang.org/x/tools/go/ast/astutil"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/fixes"
)

// The fast form of the fix: the lock is held through a chainruntime.Hold
// whose Unlock the function defers, and the loop ranges over BatchedHold,
// which the compiler inlines with the loop body (Batched cannot be: it
// defers its own release):
//
//	hold := chainruntime.NewHold(&mu)
//	defer hold.Unlock()
//	for _, m := range chainruntime.BatchedHold(&hold, chain, nil) {
//
// The deferred Unlock is what releases the lock on a panic, so the form is
// only emitted where one deferred call per run of the loop is right.

// holdPlan is where the fast form's two statements go.
type holdPlan struct {
	name   string   // the Hold variable
	before ast.Stmt // the loop, or the labeled statement holding it
}

// planHold plans the fast form for l, or says why the loop keeps the
// Batched form.
func (c *checker) planHold(l *chains.Loop, p *plan) (*holdPlan, string) {
	if p.fun != "Batched" {
		return nil, "the lock is a with-lock helper"
	}
	path, _ := astutil.PathEnclosingInterval(l.File, l.Stmt.Pos(), l.Stmt.End())
	if len(path) < 2 || path[0] != l.Stmt {
		return nil, "the loop is not found in its file"
	}
	before := l.Stmt
	parent := path[1]
	if ls, ok := parent.(*ast.LabeledStmt); ok && len(path) > 2 {
		before, parent = ls, path[2]
	}
	if chains.StmtList(parent) == nil {
		return nil, "the loop is not in a statement list"
	}
	for _, n := range path[1:] {
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			// Each iteration of the outer loop would defer one more
			// Unlock, run only when the function returns.
			return nil, "the loop is inside another loop"
		}
	}
	if defers(l.Body) {
		return nil, "the loop body defers a call, which on a panic would run before the hold's deferred Unlock, with the lock held"
	}
	if c.gotoAcross(l.Func, before.Pos()) {
		return nil, "a goto jumps across the loop"
	}
	name := c.holdName(l)
	if name == "" {
		return nil, "no free name for the hold"
	}
	return &holdPlan{name: name, before: before}, ""
}

// defers reports whether body holds a defer statement outside function
// literals.
func defers(body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			found = true
		}
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
		if o != l && o.Func == l.Func && o.Batched == nil && o.Stmt.Pos() < l.Stmt.Pos() {
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
	return fixes.Expr(fmt.Sprintf("%s.BatchedHold(&%s, %s, %s)", rt, hp.name, p.chain, p.pred))
}
