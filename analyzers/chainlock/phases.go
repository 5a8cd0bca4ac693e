package chainlock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/fixes"
)

// A request's phases under one lock: a function that runs a before-chain,
// a handler and an after-chain, each taking the same loop-invariant lock,
//
//	for _, m := range s.before { mu.Lock(); req = m(req); mu.Unlock() }
//	mu.Lock(); resp := s.handle(req); mu.Unlock()
//	for _, m := range s.after { mu.Lock(); resp = m(req, resp); mu.Unlock() }
//
// is reported once, at the first loop, and fixed to take the lock once for
// all of them, releasing it only around blocking middlewares:
//
//	hold := chainruntime.NewHold(&mu)
//	defer hold.Unlock()
//	hold.Lock()
//	for _, m := range chainruntime.Batched(&hold, s.before, nil) { req = m(req) }
//	resp := s.handle(req)
//	for _, m := range chainruntime.Batched(&hold, s.after, nil) { resp = m(req, resp) }
//	hold.Unlock()
//
// The code between the loops then runs under the lock, so it must neither
// block nor operate a lock other than by the same lock's plain
// Lock/Unlock statements, which the fix deletes. Plain lock regions of the
// same lock just before the first loop or after the last (a request's
// conversions) join the hold too: see regions.go.

// A finding is a loop chainlock reports.
type finding struct {
	l     *chains.Loop
	sec   *section
	mixed bool
}

// phases is a group of findings fixed under one hold.
type phases struct {
	fs      []finding
	plans   []*plan
	list    []ast.Stmt // the statement list holding the loops
	idx     []int      // each loop's index in list
	between []ast.Stmt // lock statements between the loops, deleted
	// lead and tail are the lock statements of the plain lock regions
	// joined before the first loop and after the last (see regions.go):
	// deleted, but for the last of tail, which becomes the hold's
	// release. list[start..end] is what runs under the hold.
	lead, tail []ast.Stmt
	start, end int
	hold       *holdPlan // the first loop's
}

// reportFound reports the findings: the phases of a request under one
// lock together, the others one by one.
func (c *checker) reportFound() {
	done := map[*chains.Loop]bool{}
	for _, ph := range c.phaseGroups() {
		c.reportPhases(ph)
		for _, f := range ph.fs {
			done[f.l] = true
		}
	}
	for _, f := range c.found {
		if !done[f.l] {
			c.report(f.l, f.sec, f.mixed)
		}
	}
}

// phaseGroups returns the groups of findings of one function and one
// lock, in one statement list, that can share one hold: two or more loops
// (with the plain lock regions around them, if any), or else one loop
// with the plain lock regions around it (see regions.go for why one loop
// with a region is a group).
func (c *checker) phaseGroups() []*phases {
	type key struct {
		fn ast.Node
		id string
	}
	groups := map[key][]finding{}
	var order []key
	for _, f := range c.found {
		if f.sec.acq.Kind == chains.Helper {
			continue
		}
		k := key{f.l.Func, f.sec.acq.ID}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f)
	}
	// A lock statement joins one group at most: two loops that cannot
	// share a hold must not both take the region between them.
	claimed := map[ast.Stmt]bool{}
	var out []*phases
	add := func(fs []finding) bool {
		ph := c.planPhases(fs, claimed)
		if ph == nil {
			return false
		}
		for _, st := range slices.Concat(ph.lead, ph.between, ph.tail) {
			claimed[st] = true
		}
		out = append(out, ph)
		return true
	}
	for _, k := range order {
		fs := groups[k]
		slices.SortFunc(fs, func(a, b finding) int { return int(a.l.Stmt.Pos() - b.l.Stmt.Pos()) })
		if len(fs) > 1 && add(fs) {
			continue
		}
		for _, f := range fs {
			add([]finding{f})
		}
	}
	return out
}

// labels reports whether st is a labeled statement of loop.
func labels(st ast.Stmt, loop ast.Stmt) bool {
	ls, ok := st.(*ast.LabeledStmt)
	return ok && ls.Stmt == loop
}

// planPhases plans one hold for fs, or returns nil. A single loop is a
// group only with a lock region joined.
func (c *checker) planPhases(fs []finding, claimed map[ast.Stmt]bool) *phases {
	ph := &phases{fs: fs}
	var lockArg string
	for i, f := range fs {
		p, why := c.plan(f.l, f.sec, f.mixed)
		if why != "" {
			return nil
		}
		hp, why := c.planHold(f.l, p)
		if why != "" || hp.before != f.l.Stmt && (i > 0 || !labels(hp.before, f.l.Stmt)) {
			return nil // a later loop's label would stand between the phases, or the hold is hoisted
		}
		if i == 0 {
			ph.hold, lockArg = hp, p.lockArg
		} else if p.lockArg != lockArg {
			return nil
		}
		ph.plans = append(ph.plans, p)
	}
	path, _ := pathTo(fs[0].l.File, ph.hold.before)
	if len(path) < 2 {
		return nil
	}
	ph.list = chains.StmtList(path[1])
	for _, f := range fs {
		st := f.l.Stmt
		if f.l == fs[0].l {
			st = ph.hold.before
		}
		i := slices.Index(ph.list, st)
		if i < 0 {
			return nil // not in one statement list
		}
		ph.idx = append(ph.idx, i)
	}
	ph.start, ph.end = ph.idx[0], ph.idx[len(ph.idx)-1]
	var between []ast.Stmt
	for _, st := range ph.list[ph.start+1 : max(ph.start+1, ph.end)] {
		if !slices.ContainsFunc(fs, func(f finding) bool { return f.l.Stmt == st }) {
			between = append(between, st)
		}
	}
	acq := fs[0].sec.acq
	dels, ok := c.underHold(between, acq)
	if !ok {
		return nil
	}
	ph.between = dels
	c.joinRegions(ph, acq, claimed)
	if len(fs) == 1 && len(ph.lead)+len(ph.tail) == 0 {
		return nil
	}
	if c.gotoTouches(fs[0].l.Func, ph.list[ph.start].Pos(), ph.list[ph.end].End()) {
		// Into the span it would find the lock not held; out of it, the
		// lock still held; over its start, the hold's declaration.
		return nil
	}
	return ph
}

// underHold checks that sts, the statements between two phases (or
// between a phase and a lock region joined to it), may run under the
// lock: they do not block, defer, loop, leave the span (goto, break,
// continue), assign to the lock's expression, or operate a lock other than
// by plain Lock/Unlock statements of acq's lock, paired in their statement
// list with no return between a pair, which it returns for deletion.
func (c *checker) underHold(sts []ast.Stmt, acq chains.LockOp) ([]ast.Stmt, bool) {
	dels, ok := c.pairedLockStmts(sts, acq)
	for _, st := range sts {
		ok = ok && !leaves(st) && !c.rebindsLock(st, acq)
		ast.Inspect(st, func(n ast.Node) bool {
			if !ok {
				return false
			}
			switch n := n.(type) {
			case *ast.SendStmt, *ast.SelectStmt, *ast.GoStmt, *ast.DeferStmt, *ast.RangeStmt, *ast.ForStmt:
				ok = false
			case *ast.UnaryExpr:
				ok = n.Op != token.ARROW
			case *ast.CallExpr:
				if _, isLock := c.m.LockOp(n); !isLock {
					_, blocks := c.m.CallMayBlock(n)
					ok = !blocks && !c.takesLock(n)
				}
			}
			if list := chains.StmtList(n); list != nil && ok {
				d, good := c.pairedLockStmts(list, acq)
				dels, ok = append(dels, d...), good
			}
			return ok
		})
	}
	// Every lock call must be one of the deleted statements.
	for _, st := range sts {
		ast.Inspect(st, func(n ast.Node) bool {
			if call, isCall := n.(*ast.CallExpr); isCall && ok {
				if _, isLock := c.m.LockOp(call); isLock && !slices.ContainsFunc(dels, func(d ast.Stmt) bool {
					return ast.Unparen(d.(*ast.ExprStmt).X) == call
				}) {
					ok = false
				}
			}
			return ok
		})
	}
	return dels, ok
}

// pairedLockStmts returns the plain lock statements of acq's lock in
// list, and whether they alternate acquire, release, starting with an
// acquire and ending with a release, with no return statement in a
// region they enclose: such a return leaves the function with the lock
// held, which the hold's deferred Unlock would change into a release.
func (c *checker) pairedLockStmts(list []ast.Stmt, acq chains.LockOp) ([]ast.Stmt, bool) {
	var dels []ast.Stmt
	held := false
	for _, st := range list {
		lo, ok := c.plainLockStmt(st, acq)
		if !ok {
			if held && containsOwn[*ast.ReturnStmt](st) {
				return nil, false
			}
			continue
		}
		switch {
		case lo.Op == chains.Acquire && !held:
			held = true
		case lo.Op == chains.Release && held:
			held = false
		default:
			return nil, false
		}
		dels = append(dels, st)
	}
	return dels, !held
}

// plainLockStmt returns the lock operation of st if st is a plain
// statement mu.Lock() or mu.Unlock() (no defer, no result) on acq's lock,
// of a kind the hold covers: the same kind, or a read lock's under a
// write lock's hold (a read region is safe under exclusive ownership;
// a write region under a read hold is not).
func (c *checker) plainLockStmt(st ast.Stmt, acq chains.LockOp) (chains.LockOp, bool) {
	es, ok := st.(*ast.ExprStmt)
	if !ok {
		return chains.LockOp{}, false
	}
	lo, ok := c.m.StmtLockOp(es)
	if !ok || !c.sameLock(lo, acq) || lo.Kind != acq.Kind && !(acq.Kind == chains.Mutex && lo.Kind == chains.RMutex) {
		return chains.LockOp{}, false
	}
	return lo, true
}

func pathTo(file *ast.File, st ast.Stmt) ([]ast.Node, bool) {
	var path []ast.Node
	found := false
	ast.Inspect(file, func(n ast.Node) bool {
		if found {
			return false
		}
		if n == nil {
			path = path[:len(path)-1]
			return true
		}
		path = append(path, n)
		if n == st {
			found = true
			return false
		}
		return true
	})
	slices.Reverse(path)
	return path, found
}

// reportPhases reports the group at its first loop, the other loops, the
// lock statements between them and those of the regions joined as
// related, with the one-hold fix.
func (c *checker) reportPhases(ph *phases) {
	first := ph.fs[0]
	lock := first.sec.acq
	var names []string
	for _, f := range ph.fs {
		names = append(names, f.l.ChainName)
	}
	msg := fmt.Sprintf("%s once per middleware of %s%s, phases of one call under one lock; "+
		"take it once for all of them with chainruntime.NewHold and range over chainruntime.Batched",
		lockPhrase(lock), strings.Join(names, " and "), ph.regionsPhrase())
	d := analysis.Diagnostic{Pos: lock.Call.Pos(), End: lock.Call.End(), Category: "chainlock"}
	for _, f := range ph.fs[1:] {
		a := f.sec.acq
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: a.Call.Pos(), End: a.Call.End(),
			Message: "and once per middleware of " + f.l.ChainName})
	}
	related := func(sts []ast.Stmt, where string) {
		for _, st := range sts {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: st.Pos(), End: st.End(),
				Message: where + ", deleted by the fix: " + c.text(st)})
		}
	}
	related(ph.lead, "before the phases")
	related(ph.between, "between the phases")
	related(ph.tail, "after the phases")
	slices.SortFunc(d.Related, func(a, b analysis.RelatedInformation) int { return int(a.Pos - b.Pos) })
	fix, err := c.phasesFix(ph)
	if err != nil {
		msg += "; no fix offered: the rewrite failed: " + err.Error()
	} else {
		d.SuggestedFixes = []analysis.SuggestedFix{fix}
		msg += fixes.RequirementNote(c.pass, first.l.File)
	}
	d.Message = msg
	c.r.Report(d)
}

// regionsPhrase says where the joined lock regions stand, for the
// message: "" when there are none.
func (ph *phases) regionsPhrase() string {
	var where string
	switch {
	case len(ph.lead) > 0 && len(ph.tail) > 0:
		where = "before and after"
	case len(ph.lead) > 0:
		where = "before"
	case len(ph.tail) > 0:
		where = "after"
	default:
		return ""
	}
	them := "them"
	if len(ph.fs) == 1 {
		them = "it"
	}
	return ", and around the code " + where + " " + them
}

// phasesFix builds the fix of a group: one hold taken before the first
// loop (or the first lock region joined) and released after the last loop
// (or in place of the last region's release).
func (c *checker) phasesFix(ph *phases) (analysis.SuggestedFix, error) {
	first := ph.fs[0].l
	f, err := fixes.Decorate(c.pass, first.File)
	if err != nil {
		return analysis.SuggestedFix{}, err
	}
	rt := f.AddImport(fixes.RuntimePath, fixes.RuntimeName, first.Stmt.Pos())
	lockArg := strings.ReplaceAll(ph.plans[0].lockArg, runtimeName, rt)
	name := ph.hold.name
	unlock, err := fixes.Stmts(name + ".Unlock()")
	if err != nil {
		return analysis.SuggestedFix{}, err
	}
	dels := slices.Concat(ph.lead, ph.between, ph.tail)
	if n := len(ph.tail); n > 0 {
		// The last region's release becomes the hold's.
		dels = dels[:len(dels)-1]
		err = f.Replace(ph.tail[n-1], unlock[0])
	} else {
		// The release after the last loop: a copy of the loop followed
		// by it, before the loop is rewritten (a swap would lose it).
		last := ph.fs[len(ph.fs)-1].l
		err = f.Replace(last.Stmt, f.Node(last.Stmt).(dst.Stmt), unlock[0])
	}
	if err != nil {
		return analysis.SuggestedFix{}, err
	}
	// The hold's declaration and acquisition go before the span.
	start := &holdPlan{name: name, before: ph.list[ph.start]}
	for i, fd := range ph.fs {
		p := ph.plans[i]
		var call dst.Expr
		if i == 0 {
			call, err = emitHold(f, rt, lockArg, p, start)
			if err == nil {
				var lockStmt []dst.Stmt
				if lockStmt, err = fixes.Stmts(name + ".Lock()"); err == nil {
					err = f.InsertBefore(start.before, lockStmt...)
				}
			}
		} else {
			call, err = fixes.Expr(fmt.Sprintf("%s.Batched(&%s, %s, %s)", rt, name, p.chain, p.pred))
		}
		if err != nil {
			return analysis.SuggestedFix{}, err
		}
		if err := c.rewriteLoop(f, fd.l, p, call); err != nil {
			return analysis.SuggestedFix{}, err
		}
	}
	for _, st := range dels {
		if err := f.Replace(st); err != nil {
			return analysis.SuggestedFix{}, err
		}
	}
	edits, err := f.Edits()
	if err != nil {
		return analysis.SuggestedFix{}, err
	}
	msg := "Hold the lock once with " + rt + ".NewHold for " + fmt.Sprint(len(ph.fs)) + " chains and the code between them"
	switch {
	case len(ph.fs) == 1:
		msg = "Hold the lock once with " + rt + ".NewHold for the chain and the lock regions next to it"
	case len(ph.lead)+len(ph.tail) > 0:
		msg += " and the lock regions next to them"
	}
	return analysis.SuggestedFix{Message: msg, TextEdits: edits}, nil
}

// takesLock reports whether call's callee takes a lock (an Acquires fact):
// under the hold, it could be the same lock.
func (c *checker) takesLock(call *ast.CallExpr) bool {
	fn, _ := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if fn == nil {
		return false
	}
	_, ok := c.m.AcquiresFact(fn)
	return ok
}
