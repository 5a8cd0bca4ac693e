package shortcircuit

import (
	"go/ast"
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// branchExits finds the short-circuits decided by paths rather than by the
// value returned: a branch on a before-chain's outcome (or on an abort
// signal) from which the function's exit is reached without steps that
// the other branch runs, leaving by goto, a labeled break or continue, a
// break out of the chain loops, or falling out of the if statement past
// them. A return is left to the judgement of the returned value
// (classifyReturns), except on an abort signal, whose returns hand back
// no outcome of the chain. Each exit is reported once.
func (f *finder) branchExits(returned map[*ast.ReturnStmt]bool) []*ShortCircuit {
	var out []*ShortCircuit
	reported := map[ast.Node]bool{}
	reach := reachability{}
	for _, b := range f.sfn.Blocks {
		ifi, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		s, ok := f.conds[ifi.Cond]
		if !ok {
			continue
		}
		test := f.testOf(ifi.Cond.Pos())
		if test == nil {
			continue
		}
		for k := range 2 {
			short, other := b.Succs[k], b.Succs[1-k]
			if _, isCase := test.(*ast.CaseClause); isCase && k != 0 {
				continue // the next case's test, not a branch of this one
			}
			exit, how := f.exitOf(test, k)
			if exit == nil || reported[exit] {
				continue
			}
			if ret, ok := exit.(*ast.ReturnStmt); ok && (returned[ret] || s.signal == "") {
				continue
			}
			common, skipped := f.bypassed(ifi, test, k, short, other, reach)
			if len(skipped) == 0 {
				continue
			}
			if exit == test && !f.fallsPast(test, skipped) {
				continue // falls out past nothing of its own: another exit leaves
			}
			reported[exit] = true
			sc := &ShortCircuit{Func: f.fn, Exit: exit, How: how, Kind: Written, Source: s.src.call, Loop: s.src.loop,
				SourceName: s.src.name, Signal: s.signal, Skipped: skipped, Common: common}
			switch {
			case s.kind == Error:
				sc.Kind = Error
			case f.respResult:
				sc.Kind = Response
			}
			if ret, ok := exit.(*ast.ReturnStmt); ok {
				sc.Return = ret
			}
			out = append(out, sc)
		}
	}
	return out
}

// testOf returns the statement whose test holds pos: the innermost if
// statement whose condition, or case clause whose expressions, hold it;
// or nil.
func (f *finder) testOf(pos token.Pos) ast.Node {
	if !pos.IsValid() {
		return nil
	}
	var test ast.Node
	ast.Inspect(f.body, func(n ast.Node) bool {
		if n == nil || !within(pos, n) {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			if within(pos, n.Cond) {
				test = n
			}
		case *ast.CaseClause:
			for _, e := range n.List {
				if within(pos, e) {
					test = n
				}
			}
		}
		return true
	})
	return test
}

// exitOf returns the statement by which branch k of test (0: the body or
// case; 1: the else, or what follows the if statement) leaves, and how it
// reads in a message: the first return, goto, or break or continue that
// leaves the branch's statements; or test itself, which the branch falls
// out of.
func (f *finder) exitOf(test ast.Node, k int) (ast.Stmt, string) {
	var list []ast.Stmt
	switch t := test.(type) {
	case *ast.CaseClause:
		list = t.Body
	case *ast.IfStmt:
		switch {
		case k == 0:
			list = t.Body.List
		case t.Else != nil:
			list = []ast.Stmt{t.Else}
		}
	}
	for _, st := range list {
		if exit := leavingStmt(st); exit != nil {
			switch exit := exit.(type) {
			case *ast.ReturnStmt:
				return exit, "is returned here"
			case *ast.BranchStmt:
				s := exit.Tok.String()
				if exit.Label != nil {
					s += " " + exit.Label.Name
				}
				return exit, "leaves here by " + s
			}
		}
	}
	if st, ok := test.(ast.Stmt); ok {
		return st, "falls out of this " + map[bool]string{true: "case", false: "if statement"}[isCase(test)]
	}
	return nil, ""
}

func isCase(n ast.Node) bool {
	_, ok := n.(*ast.CaseClause)
	return ok
}

// leavingStmt returns the first statement of st that leaves it (see
// Leaving), or nil.
func leavingStmt(st ast.Stmt) ast.Stmt {
	var found ast.Stmt
	Leaving(st, func(x ast.Stmt) bool {
		found = x
		return false
	})
	return found
}

// Leaving calls yield, in source order until it returns false, for each
// statement of st (outside function literals) that may take control out
// of st: a return, a goto, a labeled break or continue, an unlabeled break
// outside the loops, switches and selects of st, or an unlabeled continue
// outside its loops.
func Leaving(st ast.Stmt, yield func(ast.Stmt) bool) {
	stop := false
	var walk func(n ast.Node, inBreakable, inLoop bool)
	walk = func(n ast.Node, inBreakable, inLoop bool) {
		ast.Inspect(n, func(c ast.Node) bool {
			if stop || c == nil {
				return false
			}
			leaves := false
			switch c := c.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				if c != n {
					walk(c, true, true)
					return false
				}
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if c != n {
					walk(c, true, inLoop)
					return false
				}
			case *ast.ReturnStmt:
				leaves = true
			case *ast.BranchStmt:
				switch {
				case c.Tok == token.GOTO || c.Label != nil:
					leaves = true
				case c.Tok == token.BREAK:
					leaves = !inBreakable
				case c.Tok == token.CONTINUE:
					leaves = !inLoop
				}
			}
			if leaves {
				stop = !yield(c.(ast.Stmt))
			}
			return !stop
		})
	}
	walk(st, false, false)
}

// bypassed returns the steps that the branch other of the test's If runs
// on its common path and whose skipped ones the branch short misses on
// every path to the exit: a step is on the common path when it has not
// run at the If, is reached from other, and sits in the function's
// syntax where nothing but the test itself decides whether it runs (see
// unconditional).
func (f *finder) bypassed(ifi *ssa.If, test ast.Node, k int, short, other *ssa.BasicBlock, reach reachability) (common, skipped []*Step) {
	for _, st := range f.steps {
		if st.runsBefore(ifi) || !reach.reaches(other, st.block()) || !f.unconditional(st, test, k) {
			continue
		}
		common = append(common, st)
		if reach.reaches(short, st.block()) {
			continue
		}
		equivalent := false
		for _, d := range f.steps {
			if d != st && d.does(st) && (d.runsBefore(ifi) || reach.reaches(short, d.block())) {
				equivalent = true
			}
		}
		if !equivalent {
			skipped = append(skipped, st)
		}
	}
	return common, skipped
}

// unconditional reports whether the step runs whenever control passes its
// statement's place after test, branch 1-k of test being the normal one:
// from the step up to the nearest node enclosing test, it is held only by
// blocks, labels, simple statements and expressions, the init or
// condition of an if statement, the body of an if statement that only
// tests that chains are not empty (if len(p.filters[AfterExec]) > 0), or
// the normal branch of test itself; and it lies after test.
func (f *finder) unconditional(st *Step, test ast.Node, k int) bool {
	enclosing := map[ast.Node]bool{}
	for n := test; n != nil; n = f.parent[n] {
		enclosing[n] = true
	}
	prev := st.Node
	if st.Deferred {
		prev = st.Stmt // where the defer is registered
	}
	for p := f.parent[prev]; p != nil; prev, p = p, f.parent[p] {
		if p == test {
			ifs, ok := p.(*ast.IfStmt)
			return ok && (k == 1 && prev == ifs.Body || k == 0 && prev == ifs.Else)
		}
		if enclosing[p] {
			return prev.Pos() >= test.End()
		}
		if isCase(p) && isCase(test) && f.parent[p] == f.parent[test] {
			continue // another clause of the case's switch: its normal branch
		}
		switch p := p.(type) {
		case *ast.IfStmt:
			if prev != p.Init && prev != p.Cond && (prev != p.Body || !lenGuard(p.Cond)) {
				return false
			}
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt,
			*ast.CaseClause, *ast.CommClause, *ast.FuncLit:
			return false // inside a loop, a case or a function literal
		}
	}
	return false
}

// lenGuard reports whether cond only tests lengths against zero
// (len(x) > 0, len(x) != 0, joined by &&).
func lenGuard(cond ast.Expr) bool {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return false
	}
	if b.Op == token.LAND {
		return lenGuard(b.X) && lenGuard(b.Y)
	}
	call, ok := ast.Unparen(b.X).(*ast.CallExpr)
	if !ok || (b.Op != token.GTR && b.Op != token.NEQ) {
		return false
	}
	fn, ok := ast.Unparen(call.Fun).(*ast.Ident)
	lit, isLit := ast.Unparen(b.Y).(*ast.BasicLit)
	return ok && fn.Name == "len" && isLit && lit.Value == "0"
}

// fallsPast reports whether one of the skipped steps lies in the normal
// branch of test: the body or else of an if statement, the other clauses
// of a case's switch.
func (f *finder) fallsPast(test ast.Node, skipped []*Step) bool {
	for _, st := range skipped {
		switch {
		case within(st.Node.Pos(), test) && !isCase(test):
			return true
		case isCase(test) && !within(st.Node.Pos(), test) && within(st.Node.Pos(), f.parent[test]):
			return true
		}
	}
	return false
}

// block returns the block where the step runs: its anchor's, or its
// loop's header.
func (st *Step) block() *ssa.BasicBlock {
	if st.header != nil {
		return st.header
	}
	return st.anchor.Block()
}

// does reports whether d does what st does: the same after-chain loop, or
// a call of the same callee with the same other arguments.
func (d *Step) does(st *Step) bool {
	return st.loop != nil && d.loop != nil && st.loop.ChainName == d.loop.ChainName || st.key != "" && st.key == d.key
}

// reachability answers which blocks a block reaches, each start once.
type reachability map[*ssa.BasicBlock]map[*ssa.BasicBlock]bool

func (r reachability) reaches(from, to *ssa.BasicBlock) bool {
	seen, ok := r[from]
	if !ok {
		seen = map[*ssa.BasicBlock]bool{}
		work := []*ssa.BasicBlock{from}
		for len(work) > 0 {
			b := work[len(work)-1]
			work = work[:len(work)-1]
			if seen[b] {
				continue
			}
			seen[b] = true
			work = append(work, b.Succs...)
		}
		r[from] = seen
	}
	return seen[to]
}
