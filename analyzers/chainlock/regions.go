package chainlock

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// Plain lock regions next to the phases. A request's phases seldom start
// at the first chain loop: a gateway converts the request under the same
// lock before the before-chain and the response after the after-chain,
//
//	mu.Lock()
//	req := convert(r)
//	mu.Unlock()
//	for _, m := range s.before { mu.Lock(); req = m(req); mu.Unlock() }
//	...
//	mu.Lock()
//	out := encode(resp)
//	mu.Unlock()
//
// Those regions join the group's hold: their Lock and Unlock statements
// are deleted, hold.Lock() goes before the first region and hold.Unlock()
// takes the place of the last region's Unlock. The whole span, from the
// first region to the last, then runs under the lock, so it must meet the
// conditions the code between the loops meets (underHold): no call or
// statement that may block (a goroutine waiting in it would keep every
// other waiting for the lock, and a blocking call that takes the same lock
// would deadlock), no other lock, no defer (it would run with the lock
// held on the way out), no loop, no goto, break or continue leaving the
// span (it would carry the held lock past hold.Unlock()). A region with a
// return between its Lock and Unlock is left alone: it leaves the function
// with the lock held, and the hold's deferred Unlock would release it. A
// region that fails any of these stays as written, and so does everything
// beyond it; the loops' finding and fix do not depend on it.
//
// One chain loop with a region next to it forms a group too: the region
// is one more acquisition per request that the loop's hold absorbs at no
// cost (the hold is already declared and deferred for the loop), and a
// gateway's request conversion next to a lone chain is the same shape as
// next to two. Without a region, a lone loop is reported as before.

// joinRegions extends ph's span over the plain lock regions of acq's lock
// before its first loop and after its last that can run under the hold,
// skipping lock statements already claimed by another group.
func (c *checker) joinRegions(ph *phases, acq chains.LockOp, claimed map[ast.Stmt]bool) {
	// Each candidate span is checked whole, so that a region's statements
	// and the code between it and the loop pair and pass together.
	ok := func(st ast.Stmt) bool {
		if claimed[st] {
			return false
		}
		if _, isLock := c.plainLockStmt(st, acq); isLock {
			return true // judged with its pair
		}
		_, safe := c.underHold([]ast.Stmt{st}, acq)
		return safe
	}
	for k := ph.start - 1; k >= 0 && ok(ph.list[k]); k-- {
		lo, isLock := c.plainLockStmt(ph.list[k], acq)
		if !isLock || lo.Op != chains.Acquire {
			continue
		}
		if dels, safe := c.underHold(ph.list[k:ph.start], acq); safe {
			ph.lead = slices.Concat(dels, ph.lead)
			ph.start = k
		}
	}
	for k := ph.end + 1; k < len(ph.list) && ok(ph.list[k]); k++ {
		lo, isLock := c.plainLockStmt(ph.list[k], acq)
		if !isLock || lo.Op != chains.Release {
			continue
		}
		if dels, safe := c.underHold(ph.list[ph.end+1:k+1], acq); safe {
			ph.tail = append(ph.tail, dels...)
			ph.end = k
		}
	}
}

// sameLock reports whether lo operates acq's lock: the same lock
// expression (the model's ID) whose identifiers resolve to the same
// objects, so that a shadowing variable of the same name in a nested block
// is another lock.
func (c *checker) sameLock(lo, acq chains.LockOp) bool {
	if lo.ID != acq.ID {
		return false
	}
	if lo.Lock == nil || acq.Lock == nil {
		return lo.Lock == acq.Lock
	}
	return slices.Equal(c.objects(lo.Lock), c.objects(acq.Lock))
}

// objects returns the objects the identifiers of e resolve to, in order.
func (c *checker) objects(e ast.Expr) []types.Object {
	var objs []types.Object
	if e == nil {
		return nil
	}
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			objs = append(objs, c.pass.TypesInfo.ObjectOf(id))
		}
		return true
	})
	return objs
}

// rebindsLock reports whether n assigns to acq's lock expression or to a
// part of it (s or s.pmu for the lock s.pmu): the lock operations after it
// would, under the same name, be another lock's than the hold's.
func (c *checker) rebindsLock(n ast.Node, acq chains.LockOp) bool {
	lockObjs := c.objects(acq.Lock)
	if len(lockObjs) == 0 {
		return false // a package-level pair: no expression to assign
	}
	lock, root := types.ExprString(acq.Lock), lockObjs[0]
	found := false
	assignTargets(n, func(l ast.Expr, _ bool) bool {
		s := types.ExprString(l)
		objs := c.objects(l)
		found = len(objs) > 0 && objs[0] == root &&
			(s == lock || strings.HasPrefix(lock, s+".") || strings.HasPrefix(lock, s+"["))
		return !found
	})
	return found
}

// leaves reports whether code of n, which runs under the hold, can jump out
// of n: a goto, a labeled break or continue, or a break or continue whose
// statement does not enclose it inside n. Function literals are not
// entered (their branches stay in them).
func leaves(n ast.Node) bool {
	var stack []ast.Node
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if x == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if found {
			return false
		}
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt:
			switch {
			case x.Tok == token.GOTO || x.Label != nil:
				found = true
			case x.Tok == token.BREAK:
				found = !slices.ContainsFunc(stack, breaksOut)
			case x.Tok == token.CONTINUE:
				found = !slices.ContainsFunc(stack, isLoop)
			}
		}
		stack = append(stack, x)
		return true
	})
	return found
}

func isLoop(n ast.Node) bool {
	switch n.(type) {
	case *ast.ForStmt, *ast.RangeStmt:
		return true
	}
	return false
}

// breaksOut reports whether n is a statement an unlabeled break leaves.
func breaksOut(n ast.Node) bool {
	switch n.(type) {
	case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		return true
	}
	return isLoop(n)
}

// gotoTouches reports whether a goto of fn (outside nested function
// literals) jumps from, into, over or back across the span [lo, hi].
func (c *checker) gotoTouches(fn ast.Node, lo, hi token.Pos) bool {
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok && lit != fn {
			return false
		}
		br, ok := n.(*ast.BranchStmt)
		if !ok || br.Tok != token.GOTO || br.Label == nil {
			return !found
		}
		lbl, _ := c.pass.TypesInfo.Uses[br.Label].(*types.Label)
		if lbl == nil {
			found = true // unresolved: assume the worst
			return false
		}
		from, to := min(br.Pos(), lbl.Pos()), max(br.Pos(), lbl.Pos())
		found = from <= hi && lo <= to
		return !found
	})
	return found
}
