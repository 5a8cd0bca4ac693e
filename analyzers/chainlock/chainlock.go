package chainlock

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"go/version"
	"slices"
	"strings"

	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/analyzers/internal/directive"
	"github.com/chainlint/chainlint/fixes"
)

// Analyzer reports chain loops that take the same lock once per middleware.
var Analyzer = &analysis.Analyzer{
	Name:     "chainlock",
	Doc:      Doc,
	URL:      "https://github.com/chainlint/chainlint#chainlock",
	Run:      run,
	Requires: []*analysis.Analyzer{chains.Analyzer, inspect.Analyzer},
}

// section is the per-iteration critical section around one element call.
type section struct {
	call *chains.ElemCall
	acq  chains.LockOp
	// owner holds list, the statement list of the section; the section
	// is list[ai..ri]. closure is the per-iteration closure whose body
	// is list (the deferred-release form), or nil.
	owner   ast.Node
	list    []ast.Stmt
	ai, ri  int
	closure *ast.FuncLit
	// helperStmt is the statement calling a with-lock helper whose
	// callback holds the element call (acq.Op == Scoped).
	helperStmt ast.Stmt
	// path runs from the loop body down to the element call.
	path []ast.Node
}

type checker struct {
	pass *analysis.Pass
	m    *chains.Model
	insp *inspector.Inspector
	r    *directive.Reporter
	src  map[string][]byte
}

func run(pass *analysis.Pass) (any, error) {
	c := &checker{
		pass: pass,
		m:    pass.ResultOf[chains.Analyzer].(*chains.Model),
		insp: pass.ResultOf[inspect.Analyzer].(*inspector.Inspector),
		r:    directive.NewReporter(pass),
		src:  map[string][]byte{},
	}
	for _, l := range c.m.Loops {
		if c.r.Generated(l.Stmt.Pos()) || l.Batched != nil {
			continue // already batched by the runtime
		}
		c.check(l)
		c.calleeLocks(l)
		c.builtChains(l)
	}
	c.r.Finish()
	return nil, nil
}

// walk visits the loop body as one iteration runs it: it enters function
// literals only when they run in the iteration (called at once, not in a
// go or defer statement, or passed as the callback of a with-lock helper).
// visit gets each node and its path from the body (the node last).
func (c *checker) walk(l *chains.Loop, visit func(n ast.Node, path []ast.Node) bool) {
	var stack []ast.Node
	ast.Inspect(l.Body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if lit, ok := n.(*ast.FuncLit); ok && !c.runsInIteration(lit, stack) {
			return false
		}
		stack = append(stack, n)
		if !visit(n, stack) {
			stack = stack[:len(stack)-1]
			return false
		}
		return true
	})
}

func (c *checker) runsInIteration(lit *ast.FuncLit, stack []ast.Node) bool {
	if len(stack) == 0 {
		return false
	}
	call, ok := stack[len(stack)-1].(*ast.CallExpr)
	if !ok {
		return false
	}
	if ast.Unparen(call.Fun) == lit {
		if len(stack) >= 2 {
			switch stack[len(stack)-2].(type) {
			case *ast.GoStmt, *ast.DeferStmt:
				return false
			}
		}
		return true
	}
	lo, ok := c.m.LockOp(call)
	return ok && lo.Op == chains.Scoped && ast.Unparen(lo.Callback) == lit
}

// findSection finds the innermost critical section around the element
// call at the end of path.
func (c *checker) findSection(ec *chains.ElemCall, path []ast.Node) *section {
	for j := len(path) - 2; j >= 0; j-- {
		n := path[j]
		if call, ok := n.(*ast.CallExpr); ok {
			if lit, ok := path[j+1].(*ast.FuncLit); ok {
				if lo, ok := c.m.LockOp(call); ok && lo.Op == chains.Scoped && ast.Unparen(lo.Callback) == lit {
					s := &section{call: ec, acq: lo, path: path}
					if j >= 1 {
						if es, ok := path[j-1].(*ast.ExprStmt); ok && ast.Unparen(es.X) == call {
							s.helperStmt = es
						}
					}
					return s
				}
			}
			continue
		}
		list := chains.StmtList(n)
		if list == nil {
			continue
		}
		ci := slices.IndexFunc(list, func(s ast.Stmt) bool { return s == path[j+1] })
		if ci < 0 {
			continue
		}
		var closure *ast.FuncLit
		if j >= 2 {
			if lit, ok := path[j-1].(*ast.FuncLit); ok && lit.Body == n {
				if call, ok := path[j-2].(*ast.CallExpr); ok && ast.Unparen(call.Fun) == lit {
					closure = lit
				}
			}
		}
		for ai := ci - 1; ai >= 0; ai-- {
			acq, ok := c.m.StmtLockOp(list[ai])
			if !ok || acq.Op != chains.Acquire {
				continue
			}
			if _, isDefer := list[ai].(*ast.DeferStmt); isDefer {
				continue
			}
			for ri := ci + 1; ri < len(list); ri++ {
				if c.releases(list[ri], acq) {
					return &section{call: ec, acq: acq, owner: n, list: list, ai: ai, ri: ri, path: path}
				}
			}
			if closure != nil {
				for di := ai + 1; di < ci; di++ {
					if _, isDefer := list[di].(*ast.DeferStmt); isDefer && c.releases(list[di], acq) {
						return &section{call: ec, acq: acq, owner: n, list: list, ai: ai, ri: len(list) - 1,
							closure: closure, path: path}
					}
				}
			}
		}
	}
	return nil
}

// releases reports whether st releases the lock acq acquired.
func (c *checker) releases(st ast.Stmt, acq chains.LockOp) bool {
	rel, ok := c.m.StmtLockOp(st)
	return ok && rel.Op == chains.Release && rel.ID == acq.ID && rel.Kind == acq.Kind
}

func (c *checker) check(l *chains.Loop) {
	isCall := map[*ast.CallExpr]*chains.ElemCall{}
	for _, ec := range l.Calls {
		isCall[ec.Call] = ec
	}
	type found struct {
		ec  *chains.ElemCall
		sec *section
	}
	var calls []found
	c.walk(l, func(n ast.Node, path []ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if ec := isCall[call]; ec != nil {
				p := append([]ast.Node(nil), path...)
				calls = append(calls, found{ec, c.findSection(ec, p)})
			}
		}
		return true
	})
	var sec *section
	for _, f := range calls {
		if f.sec != nil && c.m.Invariant(l, f.sec.acq) {
			sec = f.sec
			break
		}
	}
	if sec == nil {
		return
	}
	mixed := false
	for _, f := range calls {
		if f.sec == nil || f.sec.acq.ID != sec.acq.ID {
			mixed = true
		}
	}
	c.report(l, sec, mixed)
}

func (c *checker) report(l *chains.Loop, sec *section, mixed bool) {
	lock := sec.acq
	what := "lock " + lock.Name
	switch lock.Kind {
	case chains.RMutex:
		what = "read lock " + lock.Name
	case chains.Semaphore:
		what = "semaphore " + lock.Name
	case chains.Pair:
		what = "lock " + lock.Name
	case chains.Helper:
		what = "the lock of helper " + lock.Name
	}
	verb := "is acquired"
	if lock.Kind == chains.Helper {
		verb = "is taken"
	}
	batcher := "chainruntime.Batched"
	if lock.Kind == chains.Helper {
		batcher = "chainruntime.BatchedFunc"
	}
	var msg string
	if mixed {
		msg = fmt.Sprintf("%s %s once per synchronous middleware of %s (a mixed chain: the lock is taken on some iterations only); "+
			"batch consecutive synchronous middlewares under one acquisition with %s and a blocking predicate",
			what, verb, l.ChainName, batcher)
	} else {
		msg = fmt.Sprintf("%s %s once per middleware of %s (N acquisitions for an N-middleware chain); "+
			"batch consecutive synchronous middlewares under one acquisition with %s",
			what, verb, l.ChainName, batcher)
	}
	d := analysis.Diagnostic{Pos: lock.Call.Pos(), End: lock.Call.End(), Category: "chainlock"}
	if sec.list != nil {
		rel := sec.list[sec.ri]
		d.Related = []analysis.RelatedInformation{{Pos: rel.Pos(), End: rel.End(), Message: lock.Name + " released here"}}
	}
	p, why := c.plan(l, sec, mixed)
	if why == "" {
		fix, err := c.fix(l, sec, p)
		if err != nil {
			why = "the rewrite failed: " + err.Error()
		} else {
			d.SuggestedFixes = []analysis.SuggestedFix{fix}
		}
	}
	if why != "" {
		msg += "; no fix offered: " + why
	}
	d.Message = msg
	c.r.Report(d)
}

// runtimeName stands for the runtime's import name in plan.lockArg until
// fix knows it.
const runtimeName = "\x00runtime"

// plan says how to rewrite the loop, or why it cannot be.
type plan struct {
	fun      string // Batched or BatchedFunc
	lockArg  string
	pred     string // blocking predicate source, "nil" if none
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
	info := c.pass.TypesInfo
	lock := sec.acq
	p := &plan{fun: "Batched", pred: "nil"}
	switch lock.Kind {
	case chains.Semaphore:
		return nil, "the runtime has no adapter for a semaphore (Acquire takes a context and can fail); wrap it in a type with Lock and Unlock methods and range over chainruntime.Batched"
	case chains.Pair:
		// A stateless pair (the acquisition's result unused, a release
		// without arguments) adapts with chainruntime.Locker; a pair
		// whose release needs the acquisition's state does not.
		_, ok1 := sec.list[sec.ai].(*ast.ExprStmt)
		relStmt, ok2 := sec.list[sec.ri].(*ast.ExprStmt)
		if !ok1 || !ok2 || sec.closure != nil {
			return nil, "the runtime has no adapter for the configured pair " + lock.Pair.Acquire + ":" + lock.Pair.Release + " when the release needs the acquisition's state; wrap it in a type with Lock and Unlock methods and range over chainruntime.Batched"
		}
		relCall := ast.Unparen(relStmt.X).(*ast.CallExpr)
		if len(relCall.Args) != 0 {
			return nil, "the runtime has no adapter for the configured pair " + lock.Pair.Acquire + ":" + lock.Pair.Release + " when the release takes arguments; wrap it in a type with Lock and Unlock methods and range over chainruntime.Batched"
		}
		for _, a := range lock.Call.Args {
			if tv, ok := info.Types[a]; !ok || tv.Value == nil {
				return nil, "the acquisition " + c.text(lock.Call) + " takes a non-constant argument; wrap the pair in a type with Lock and Unlock methods and range over chainruntime.Batched"
			}
		}
		p.lockArg = fmt.Sprintf("%s.Locker(func() { %s }, func() { %s })", runtimeName, c.text(lock.Call), c.text(relCall))
	case chains.Helper:
		if mixed {
			return nil, "a mixed chain under a with-lock helper is not rewritten; use chainruntime.BatchedFunc with a blocking predicate by hand"
		}
		sig := lock.Callee.Signature()
		if lock.Callee.Origin() != lock.Callee || sig.TypeParams() != nil || sig.Params().Len() != 1 || sig.Results().Len() != 0 {
			return nil, "helper " + lock.Name + " is not a func(func())"
		}
		if cb, ok := sig.Params().At(0).Type().Underlying().(*types.Signature); !ok || cb.Params().Len() != 0 || cb.Results().Len() != 0 {
			return nil, "helper " + lock.Name + " is not a func(func())"
		}
		p.fun, p.lockArg = "BatchedFunc", c.text(lock.Lock)
	default:
		arg := c.text(lock.Lock)
		t := info.TypeOf(lock.Lock)
		if t == nil {
			return nil, "the lock's type is unknown"
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
			arg += ".RLocker()"
		} else if needAddr {
			arg = "&" + arg
		}
		p.lockArg = arg
	}
	if why := c.shapeFix(l); why != "" {
		return nil, why
	}
	if l.Reverse {
		return nil, "the loop runs the chain in reverse and the runtime iterates forward"
	}
	if v := info.FileVersions[l.File]; v != "" && version.Compare(v, "go1.23") < 0 {
		return nil, "the file's Go version is " + v + " and the fix ranges over a func, which needs go1.23"
	}

	// Lock statements to delete: exactly one acquisition per iteration.
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
		return nil, fmt.Sprintf("the loop body acquires %s %d times per iteration", lock.Name, acquires)
	}
	if bad != "" {
		return nil, bad
	}

	if mixed {
		if why := c.planMixed(l, sec, p); why != "" {
			return nil, why
		}
	}
	if lock.Kind == chains.Helper {
		es, ok := sec.helperStmt.(*ast.ExprStmt)
		if !ok || len(sec.path) < 2 || sec.path[1] != es {
			return nil, "the helper call is not a statement of the loop body"
		}
		lit := ast.Unparen(sec.acq.Callback).(*ast.FuncLit)
		if why := c.inlinable(l, es, lit); why != "" {
			return nil, why
		}
		p.helper, p.callback = es, lit
	}
	if l.Indexed {
		if why := c.indexed(l, p); why != "" {
			return nil, why
		}
	}
	if why := c.blocksOutside(l, sec, p); why != "" {
		return nil, why
	}
	chain, why := c.chainArg(l)
	if why != "" {
		return nil, why
	}
	p.chain = chain
	return p, ""
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

func (c *checker) assignedIn(n ast.Node) map[*types.Var]bool {
	info := c.pass.TypesInfo
	out := map[*types.Var]bool{}
	mark := func(e ast.Expr) {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok {
				out[v] = true
			}
		}
	}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, e := range n.Lhs {
				mark(e)
			}
		case *ast.IncDecStmt:
			mark(n.X)
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				mark(n.X)
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

func (c *checker) printStmts(list []ast.Stmt, deletes []del) string {
	var buf bytes.Buffer
outer:
	for _, st := range list {
		for _, d := range deletes {
			if d.st == st {
				continue outer
			}
		}
		printer.Fprint(&buf, token.NewFileSet(), st)
		buf.WriteByte('\n')
	}
	return buf.String()
}

// text returns the source text of n.
func (c *checker) text(n ast.Node) string {
	tf := c.pass.Fset.File(n.Pos())
	if tf != nil {
		src, ok := c.src[tf.Name()]
		if !ok {
			src, _ = fixes.Source(c.pass, tf) // nil: print n instead
			c.src[tf.Name()] = src
		}
		start, end := tf.Offset(n.Pos()), tf.Offset(n.End())
		if src != nil && 0 <= start && start <= end && end <= len(src) {
			return string(src[start:end])
		}
	}
	var buf bytes.Buffer
	printer.Fprint(&buf, c.pass.Fset, n)
	return buf.String()
}

// fix builds the suggested fix.
func (c *checker) fix(l *chains.Loop, sec *section, p *plan) (analysis.SuggestedFix, error) {
	f, err := fixes.Decorate(c.pass, l.File)
	if err != nil {
		return analysis.SuggestedFix{}, err
	}
	rt := f.AddImport(fixes.RuntimePath, fixes.RuntimeName, l.Stmt.Pos())
	lockArg := strings.ReplaceAll(p.lockArg, runtimeName, rt)
	call, err := fixes.Expr(fmt.Sprintf("%s.%s(%s, %s, %s)", rt, p.fun, lockArg, p.chain, p.pred))
	if err != nil {
		return analysis.SuggestedFix{}, err
	}
	for _, d := range p.deletes {
		if err := f.Replace(d.st); err != nil {
			return analysis.SuggestedFix{}, err
		}
	}
	if p.ifStmt != nil {
		repl := f.Node(p.unlocked).(*dst.BlockStmt).List
		if err := f.Replace(p.ifStmt, repl...); err != nil {
			return analysis.SuggestedFix{}, err
		}
	}
	if p.helper != nil {
		repl := f.Node(p.callback.Body).(*dst.BlockStmt).List
		if err := f.Replace(p.helper, repl...); err != nil {
			return analysis.SuggestedFix{}, err
		}
	}
	if p.bound != nil {
		if err := f.Replace(p.bound); err != nil {
			return analysis.SuggestedFix{}, err
		}
	}
	switch s := l.Stmt.(type) {
	case *ast.RangeStmt:
		ds, ok := f.Node(s).(*dst.RangeStmt)
		if !ok {
			return analysis.SuggestedFix{}, fmt.Errorf("no decorated range statement")
		}
		ds.X = call
	case *ast.ForStmt:
		ds, ok := f.Node(s).(*dst.ForStmt)
		if !ok {
			return analysis.SuggestedFix{}, fmt.Errorf("no decorated for statement")
		}
		rs := &dst.RangeStmt{Key: dst.NewIdent(p.keyName), Tok: token.DEFINE, X: call, Body: ds.Body}
		if p.bound != nil {
			rs.Value = dst.NewIdent(l.Value.Name())
		}
		if err := f.Swap(s, rs); err != nil {
			return analysis.SuggestedFix{}, err
		}
	}
	edits, err := f.Edits()
	if err != nil {
		return analysis.SuggestedFix{}, err
	}
	msg := "Range over " + rt + "." + p.fun + " and drop the per-middleware lock calls"
	return analysis.SuggestedFix{Message: msg, TextEdits: edits}, nil
}
