package chainlock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"slices"
	"strings"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/fixes"
)

// runtimeName stands for the runtime's import name in plan.lockArg until
// fix knows it.
const runtimeName = "\x00runtime"

// plan says how to rewrite the loop, or why it cannot be.
type plan struct {
	fun      string // BatchedLocker or BatchedFunc
	lockArg  string
	lockExpr ast.Expr // the expression lockArg is made of
	pred     string   // blocking predicate source, "nil" if none
	deletes  []del
	ifStmt   *ast.IfStmt    // mixed: replaced by unlocked
	unlocked *ast.BlockStmt // mixed: the branch without the lock, when it replaces ifStmt
	free     ast.Node       // mixed: the branch without the lock, which runs unlocked after the fix too
	helper   *ast.ExprStmt  // helper: replaced by the callback's body
	callback *ast.FuncLit   // helper: the callback
	chain    string         // the runtime iterator's chain argument
	bound    ast.Stmt       // indexed loop: "m := chain[i]", deleted
	keyName  string         // indexed loop: the key of the new range
}

type del struct {
	owner ast.Node
	st    ast.Stmt
}

func (c *checker) plan(l *chains.Loop, sec *section, mixed bool) (*plan, string) {
	p := &plan{fun: "BatchedLocker", pred: "nil"}
	if why := c.planLock(sec, mixed, p); why != "" {
		return nil, why
	}
	if why := c.rangeableWhy(l); why != "" {
		return nil, why
	}
	if why := c.planDeletes(l, sec, p); why != "" {
		return nil, why
	}
	if mixed {
		if why := c.planMixed(l, sec, p); why != "" {
			return nil, why
		}
	}
	if sec.acq.Kind == chains.Helper {
		if why := c.planHelper(l, sec, p); why != "" {
			return nil, why
		}
	}
	if why := c.planRange(l, sec, p); why != "" {
		return nil, why
	}
	return p, ""
}

// rangeableWhy says why l cannot range over the runtime's iterator at
// all: its shape, its direction, its file's Go version.
func (c *checker) rangeableWhy(l *chains.Loop) string {
	if why := c.shapeFix(l); why != "" {
		return why
	}
	if l.Reverse {
		return "the loop runs the chain in reverse and the runtime iterates forward"
	}
	if v := c.pass.TypesInfo.FileVersions[l.File]; v != "" && version.Compare(v, "go1.23") < 0 {
		return fixes.GoLineNote(v, c.pass.Module)
	}
	return ""
}

// planRange plans the range clause and the chain argument of the
// rewritten loop, once nothing in the loop body outside the section sec
// (all of it, for an empty section) may block under the lock.
func (c *checker) planRange(l *chains.Loop, sec *section, p *plan) string {
	if l.Indexed {
		if why := c.indexed(l, p); why != "" {
			return why
		}
	}
	if why := c.blocksOutside(l, sec, p); why != "" {
		return why
	}
	chain, why := c.chainArg(l)
	if why != "" {
		return why
	}
	p.chain = chain
	return ""
}

// planLock plans the runtime iterator and its lock argument for the kind
// of lock the section takes.
func (c *checker) planLock(sec *section, mixed bool, p *plan) string {
	info := c.pass.TypesInfo
	lock := sec.acq
	switch lock.Kind {
	case chains.Semaphore:
		return "the runtime has no adapter for a semaphore (Acquire takes a context and can fail); wrap it in a type with Lock and Unlock methods and range over chainruntime.Batched"
	case chains.Pair:
		// A stateless pair (the acquisition's result unused, a release
		// without arguments) adapts with chainruntime.Locker; a pair
		// whose release needs the acquisition's state does not.
		_, ok1 := sec.list[sec.ai].(*ast.ExprStmt)
		relStmt, ok2 := sec.list[sec.ri].(*ast.ExprStmt)
		if !ok1 || !ok2 || sec.closure != nil {
			return "the runtime has no adapter for the configured pair " + lock.Pair.Acquire + ":" + lock.Pair.Release + " when the release needs the acquisition's state; wrap it in a type with Lock and Unlock methods and range over chainruntime.Batched"
		}
		relCall := ast.Unparen(relStmt.X).(*ast.CallExpr)
		if len(relCall.Args) != 0 {
			return "the runtime has no adapter for the configured pair " + lock.Pair.Acquire + ":" + lock.Pair.Release + " when the release takes arguments; wrap it in a type with Lock and Unlock methods and range over chainruntime.Batched"
		}
		for _, a := range lock.Call.Args {
			if tv, ok := info.Types[a]; !ok || tv.Value == nil {
				return "the acquisition " + c.text(lock.Call) + " takes a non-constant argument; wrap the pair in a type with Lock and Unlock methods and range over chainruntime.Batched"
			}
		}
		p.lockArg = fmt.Sprintf("%s.Locker(func() { %s }, func() { %s })", runtimeName, c.text(lock.Call), c.text(relCall))
		p.lockExpr = lock.Call
	case chains.Helper:
		if mixed {
			return "a mixed chain under a with-lock helper is not rewritten; use chainruntime.BatchedFunc with a blocking predicate by hand"
		}
		sig := lock.Callee.Signature()
		if lock.Callee.Origin() != lock.Callee || sig.TypeParams() != nil || sig.Params().Len() != 1 || sig.Results().Len() != 0 {
			return "helper " + lock.Name + " is not a func(func())"
		}
		if cb, ok := sig.Params().At(0).Type().Underlying().(*types.Signature); !ok || cb.Params().Len() != 0 || cb.Results().Len() != 0 {
			return "helper " + lock.Name + " is not a func(func())"
		}
		p.fun, p.lockArg = "BatchedFunc", c.text(lock.Lock)
	default:
		arg, why := c.lockArg(lock, c.text(lock.Lock))
		if why != "" {
			return why
		}
		p.lockArg, p.lockExpr = arg, lock.Lock
	}
	return ""
}

// lockArg returns the runtime's lock argument for a Mutex, RWMutex (read
// side) or Locker lock that code spells as text: its address, its
// RLocker(), or itself when it is a pointer or interface already.
func (c *checker) lockArg(lock chains.LockOp, text string) (string, string) {
	t := c.pass.TypesInfo.TypeOf(lock.Lock)
	if t == nil {
		return "", "the lock's type is unknown"
	}
	_, isPtr := t.Underlying().(*types.Pointer)
	_, isIface := t.Underlying().(*types.Interface)
	needAddr := !isPtr && !isIface
	if needAddr && lock.Kind == chains.Locker {
		if sel := types.NewMethodSet(t).Lookup(lock.Callee.Pkg(), "Lock"); sel != nil {
			needAddr = false
		}
	}
	if lock.Kind == chains.RMutex {
		return text + ".RLocker()", ""
	} else if needAddr {
		return "&" + text, ""
	}
	return text, ""
}

// planDeletes collects the lock statements to delete: exactly one
// acquisition per iteration, each a plain call in a statement list.
func (c *checker) planDeletes(l *chains.Loop, sec *section, p *plan) string {
	lock := sec.acq
	acquires := 0
	var bad string
	c.walk(l, func(n ast.Node, path []ast.Node) bool {
		st, ok := n.(ast.Stmt)
		if !ok || len(path) < 2 {
			return true
		}
		lo, ok := c.m.StmtLockOp(st)
		if !ok || lo.ID != lock.ID {
			return true
		}
		owner := path[len(path)-2]
		switch lo.Op {
		case chains.Acquire:
			acquires++
		case chains.Scoped:
			return false
		}
		switch st.(type) {
		case *ast.ExprStmt:
		case *ast.DeferStmt:
			if sec.closure == nil || owner != sec.closure.Body {
				bad = "a deferred release outside a per-iteration closure"
			}
		default:
			bad = "the lock statement " + c.text(st) + " is not a plain call"
		}
		if chains.StmtList(owner) == nil {
			bad = "a lock statement outside a statement list"
		}
		p.deletes = append(p.deletes, del{owner, st})
		return true
	})
	if lock.Kind != chains.Helper && acquires != 1 {
		return fmt.Sprintf("the loop body acquires %s %d times per iteration", lock.Name, acquires)
	}
	if bad != "" {
		return bad
	}

	return ""
}

// planHelper plans inlining the with-lock helper's callback in the loop
// body.
func (c *checker) planHelper(l *chains.Loop, sec *section, p *plan) string {
	es, ok := sec.helperStmt.(*ast.ExprStmt)
	if !ok || len(sec.path) < 2 || sec.path[1] != es {
		return "the helper call is not a statement of the loop body"
	}
	lit := ast.Unparen(sec.acq.Callback).(*ast.FuncLit)
	if why := c.inlinable(l, es, lit); why != "" {
		return why
	}
	p.helper, p.callback = es, lit
	return ""
}

// shapeFix says why a loop of l's shape gets no fix ("" if it may): the
// fix ranges over the runtime's iterator over the chain as a slice, in
// order, so only loops that run every element of a slice or array once,
// in order, qualify.
func (c *checker) shapeFix(l *chains.Loop) string {
	switch l.Shape {
	case chains.IntRangeShape:
		if rs, ok := l.Stmt.(*ast.RangeStmt); ok {
			if call, ok := ast.Unparen(rs.X).(*ast.CallExpr); ok && len(call.Args) == 1 && c.isBuiltinLen(call) &&
				types.ExprString(call.Args[0]) == types.ExprString(l.Chain) {
				return ""
			}
			return "the loop runs " + types.ExprString(rs.X) + " times, which is not len(" + l.ChainName + ")"
		}
	case chains.IterShape:
		return "the loop ranges over an iterator, and the runtime batches a slice"
	case chains.MapShape:
		return "the loop ranges over a map, in an order the runtime's slice batching cannot keep"
	case chains.ChanShape:
		return "the middlewares arrive on a channel, and the runtime batches a slice"
	case chains.ListShape:
		return "the chain is a linked list, and the runtime batches a slice"
	case chains.CounterShape:
		return "the loop advances " + types.ExprString(l.Step) + ", which a middleware may move (to abort or skip); a range over the chain would not see it"
	case chains.GotoShape:
		return "the loop is written with goto"
	}
	return ""
}

func (c *checker) isBuiltinLen(call *ast.CallExpr) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := c.pass.TypesInfo.Uses[id].(*types.Builtin)
	return ok && b.Name() == "len"
}

// chainArg returns the chain argument of the runtime's iterator: the
// slice itself, or a slice of the array (a[:], p[:]). Ranging over an
// array value copies it at the start; the slice reads the array as the
// loop goes, which differs only if a middleware stores into the array
// while the chain runs, so the fix is withheld when the loop body
// assigns to it.
func (c *checker) chainArg(l *chains.Loop) (string, string) {
	text := c.text(l.Chain)
	switch u := l.ChainType.Underlying().(type) {
	case *types.Slice:
		return text, ""
	case *types.Pointer:
		if _, ok := u.Elem().Underlying().(*types.Array); ok {
			return parenthesize(l.Chain, text) + "[:]", ""
		}
	case *types.Array:
		if tv, ok := c.pass.TypesInfo.Types[l.Chain]; !ok || !tv.Addressable() {
			return "", "the array " + l.ChainName + " is not addressable, so it cannot be sliced for the runtime"
		}
		if c.storesInto(l, l.Chain) {
			return "", "the loop body stores into the array " + l.ChainName + ", which a range over it does not see"
		}
		return parenthesize(l.Chain, text) + "[:]", ""
	}
	return "", "the chain " + l.ChainName + " is not a slice or an array"
}

func parenthesize(e ast.Expr, text string) string {
	switch ast.Unparen(e).(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr, *ast.CallExpr:
		return text
	}
	return "(" + text + ")"
}

// storesInto reports whether the loop body assigns to arr or an element
// of it, or takes its address.
func (c *checker) storesInto(l *chains.Loop, arr ast.Expr) bool {
	key := types.ExprString(ast.Unparen(arr))
	hit := func(e ast.Expr) bool {
		e = ast.Unparen(e)
		if ix, ok := e.(*ast.IndexExpr); ok {
			e = ast.Unparen(ix.X)
		}
		return types.ExprString(e) == key
	}
	found := false
	ast.Inspect(l.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			found = found || slices.ContainsFunc(n.Lhs, hit)
		case *ast.UnaryExpr:
			found = found || n.Op == token.AND && hit(n.X)
		}
		return !found
	})
	return found
}

// planMixed plans a mixed chain: the lock is taken in one branch of an
// if/else on the element and not in the other. The branch condition
// becomes the blocking predicate (true for the unlocked branch). When the
// branches differ only in the lock calls, the if/else becomes the unlocked
// branch; otherwise the if/else stays, without the lock calls, and the
// condition (a field or comparison of the element, or the ok of a type
// assertion of it in the if's init) is evaluated by the predicate and by
// the if, so it must have no effect: no call.
func (c *checker) planMixed(l *chains.Loop, sec *section, p *plan) string {
	const notBranch = "the lock is not taken in one branch of an if/else on the element"
	if len(sec.path) < 3 {
		return notBranch
	}
	ifs, ok := sec.path[1].(*ast.IfStmt)
	if !ok || ifs.Else == nil {
		return notBranch
	}
	elseBlock, ok := ifs.Else.(*ast.BlockStmt)
	if !ok {
		return notBranch
	}
	locked, unlocked := ifs.Body, elseBlock
	if sec.path[2] == ifs.Else {
		locked, unlocked = elseBlock, ifs.Body
	} else if sec.path[2] != ifs.Body {
		return notBranch
	}
	for _, d := range p.deletes {
		if d.owner != locked {
			return "the lock is released outside the locked branch"
		}
	}
	if l.Value == nil || l.Value.Name() == "_" {
		return "the branch condition reads the element through an index"
	}
	if why := c.predicateVars(l, ifs.Cond, ifs.Init); why != "" {
		return why
	}
	body, why := c.predicateBody(l, ifs, unlocked == ifs.Body)
	if why != "" {
		return why
	}
	elem, missing := fixes.TypeString(c.pass, l.File, l.Elem)
	if missing != nil {
		return "the element type is not nameable in this file"
	}
	p.pred = fmt.Sprintf("func(%s %s) bool { %s }", l.Value.Name(), elem, body)
	p.free = unlocked
	if ifs.Init == nil && c.printStmts(locked.List, p.deletes) == c.printStmts(unlocked.List, nil) {
		p.ifStmt, p.unlocked, p.deletes = ifs, unlocked, nil
	}
	return ""
}

// predicateBody returns the body of the blocking predicate: return the
// condition (negated when the unlocked branch is the else), after the
// if's init when that is a type assertion of the element (a, ok := m.(T);
// ok), which the predicate repeats as _, ok := m.(T).
func (c *checker) predicateBody(l *chains.Loop, ifs *ast.IfStmt, thenUnlocked bool) (string, string) {
	cond := c.text(ifs.Cond)
	if !thenUnlocked {
		if b, ok := ast.Unparen(ifs.Cond).(*ast.UnaryExpr); ok && b.Op == token.NOT {
			cond = c.text(b.X)
		} else {
			cond = "!(" + cond + ")"
		}
	}
	if why := c.effectFree(ifs.Cond); why != "" {
		return "", why
	}
	if ifs.Init == nil {
		return "return " + cond, ""
	}
	as, ok := ifs.Init.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
		return "", "the branch's init " + c.text(ifs.Init) + " is not a type assertion of the element"
	}
	ta, ok := ast.Unparen(as.Rhs[0]).(*ast.TypeAssertExpr)
	if !ok || !isVar(c.pass.TypesInfo, ta.X, l.Value) {
		return "", "the branch's init " + c.text(ifs.Init) + " is not a type assertion of the element"
	}
	okVar, _ := c.pass.TypesInfo.Defs[ident(as.Lhs[1])].(*types.Var)
	if okVar == nil {
		return "", "the type assertion's ok is not named"
	}
	info := c.pass.TypesInfo
	var why string
	ast.Inspect(ifs.Cond, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok && v != okVar && within(v.Pos(), ifs.Init) {
				why = "the branch condition reads " + v.Name() + ", which the predicate cannot have"
			}
		}
		return why == ""
	})
	if why != "" {
		return "", why
	}
	return "_, " + okVar.Name() + " := " + c.text(ta) + "; return " + cond, ""
}

// effectFree says what in a branch condition could have an effect when
// evaluated twice (by the predicate and by the if): a call other than
// len, cap or a conversion, a receive.
func (c *checker) effectFree(cond ast.Expr) string {
	info := c.pass.TypesInfo
	var why string
	ast.Inspect(cond, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if tv, ok := info.Types[n.Fun]; ok && tv.IsType() {
				return true
			}
			if b, ok := info.Uses[ident(n.Fun)].(*types.Builtin); ok && (b.Name() == "len" || b.Name() == "cap") {
				return true
			}
			why = "the branch condition calls " + c.text(n.Fun) + ", which the predicate would call a second time"
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				why = "the branch condition receives from a channel"
			}
		}
		return why == ""
	})
	return why
}

func isVar(info *types.Info, e ast.Expr, v *types.Var) bool {
	id := ident(e)
	return id != nil && info.Uses[id] == v
}

func within(pos token.Pos, n ast.Node) bool { return n.Pos() <= pos && pos < n.End() }

// predicateVars checks that the branch condition can move into a func of
// the element: it reads no variable declared in the loop other than the
// element, and none the loop assigns.
func (c *checker) predicateVars(l *chains.Loop, cond ast.Expr, init ast.Stmt) string {
	info := c.pass.TypesInfo
	assigned := c.assignedIn(l.Body)
	var why string
	ast.Inspect(cond, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || why != "" {
			return why == ""
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok || v == l.Value || v.IsField() || init != nil && within(v.Pos(), init) {
			return true // the if's init is checked by predicateBody
		}
		if (v.Pos() >= l.Stmt.Pos() && v.Pos() < l.Stmt.End()) || assigned[v] {
			why = "the branch condition reads " + v.Name() + ", which changes in the loop"
		}
		return true
	})
	return why
}

// assignTargets calls visit with each expression the code of n assigns to
// (function literals included), with addr true where n only takes its
// address (&x, through which it may change anywhere); visit returns false
// to stop. It is what assignedIn, reassigned and rebindsLock share.
func assignTargets(n ast.Node, visit func(target ast.Expr, addr bool) bool) {
	more := true
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, e := range n.Lhs {
				more = more && visit(e, false)
			}
		case *ast.IncDecStmt:
			more = more && visit(n.X, false)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					more = more && (e == nil || visit(e, false))
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				more = more && visit(n.X, true)
			}
		}
		return more
	})
}

// assignedIn returns the variables n assigns or takes the address of.
func (c *checker) assignedIn(n ast.Node) map[*types.Var]bool {
	out := map[*types.Var]bool{}
	assignTargets(n, func(e ast.Expr, _ bool) bool {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok {
			if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok {
				out[v] = true
			}
		}
		return true
	})
	return out
}

// inlinable checks that the helper's callback body can replace the helper
// call in the loop body: no return (it would leave the function instead
// of the callback), no name it declares used elsewhere in the loop body.
func (c *checker) inlinable(l *chains.Loop, es *ast.ExprStmt, lit *ast.FuncLit) string {
	var why string
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			why = "the helper's callback returns, which would leave the function once inlined"
		}
		return why == ""
	})
	if why != "" {
		return why
	}
	declared := map[string]bool{}
	if sc := c.pass.TypesInfo.Scopes[lit.Type]; sc != nil {
		for _, name := range sc.Names() {
			declared[name] = true
		}
	}
	ast.Inspect(l.Body, func(n ast.Node) bool {
		if n == es {
			return false
		}
		if id, ok := n.(*ast.Ident); ok && declared[id.Name] {
			why = "the helper's callback declares " + id.Name + ", which the loop body also uses"
		}
		return why == ""
	})
	return why
}

// indexed plans the range clause of an indexed loop.
func (c *checker) indexed(l *chains.Loop, p *plan) string {
	info := c.pass.TypesInfo
	if c.assignedIn(l.Body)[l.Index] {
		return "the loop body changes the index " + l.Index.Name()
	}
	if l.Value != nil {
		for _, st := range l.Body.List {
			if as, ok := st.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 && as.Tok == token.DEFINE {
				if id, ok := as.Lhs[0].(*ast.Ident); ok && info.Defs[id] == l.Value {
					p.bound = st
				}
			}
		}
		if p.bound == nil {
			return "the element variable is not bound at the top of the body"
		}
	}
	used := false
	ast.Inspect(l.Body, func(n ast.Node) bool {
		if n == p.bound && n != nil {
			return false
		}
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == l.Index {
			used = true
		}
		return !used
	})
	p.keyName = "_"
	if used {
		p.keyName = l.Index.Name()
	}
	return ""
}

// blocksOutside reports what, of the loop body outside the critical
// section, may block or operate a lock: after the fix that code runs under
// the lock.
func (c *checker) blocksOutside(l *chains.Loop, sec *section, p *plan) string {
	skip := map[ast.Node]bool{}
	if sec.list != nil {
		for i := sec.ai; i <= sec.ri; i++ {
			skip[sec.list[i]] = true
		}
	}
	if p.free != nil {
		skip[p.free] = true
	}
	if p.helper != nil {
		skip[p.helper] = true
	}
	for _, d := range p.deletes {
		skip[d.st] = true
	}
	var why string
	c.walk(l, func(n ast.Node, path []ast.Node) bool {
		if skip[n] || why != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.SendStmt:
			why = "the loop body sends on a channel outside the critical section"
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				why = "the loop body receives from a channel outside the critical section"
			}
		case *ast.SelectStmt:
			why = "the loop body has a select outside the critical section"
		case *ast.GoStmt:
			why = "the loop body starts a goroutine outside the critical section"
		case *ast.RangeStmt:
			if t := c.pass.TypesInfo.TypeOf(n.X); t != nil {
				if _, ok := t.Underlying().(*types.Chan); ok {
					why = "the loop body receives from a channel outside the critical section"
				}
			}
		case *ast.CallExpr:
			if lo, ok := c.m.LockOp(n); ok {
				why = fmt.Sprintf("the loop body operates lock %s outside the critical section, at %s", lo.Name, c.text(n))
			} else if r, ok := c.m.CallMayBlock(n); ok {
				why = fmt.Sprintf("%s, outside the critical section, %s", c.text(n), r)
			}
		}
		if why != "" {
			why = strings.TrimSpace(why)
			why = fmt.Sprintf("%s (line %d); it would run under the lock", why, c.pass.Fset.Position(n.Pos()).Line)
			return false
		}
		return true
	})
	return why
}
