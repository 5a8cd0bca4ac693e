package chainlock

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
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
	Requires: []*analysis.Analyzer{chains.Analyzer, inspect.Analyzer, fixes.Analyzer},
	// BuiltChain marks exported chains built from locking closures, for
	// the packages that run them.
	FactTypes: []analysis.Fact{(*BuiltChain)(nil)},
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
	// found are the reported loops, reported once all are found so that
	// the phases of one request under one lock are reported together.
	found []finding
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
		if c.r.Generated(l.Stmt.Pos()) || l.RuntimeIter != nil {
			continue // already batched by the runtime
		}
		c.check(l)
		c.calleeLocks(l)
		c.builtChains(l)
		c.importedBuilt(l)
	}
	c.reportFound()
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
	c.found = append(c.found, finding{l, sec, mixed})
}

// lockPhrase says what each middleware's run does with lock, as the
// findings open: "lock mu is acquired", "read lock mu is acquired",
// "semaphore sem is acquired", "the lock of helper withGIL is taken".
func lockPhrase(lock chains.LockOp) string {
	switch lock.Kind {
	case chains.RMutex:
		return "read lock " + lock.Name + " is acquired"
	case chains.Semaphore:
		return "semaphore " + lock.Name + " is acquired"
	case chains.Helper:
		return "the lock of helper " + lock.Name + " is taken"
	}
	return "lock " + lock.Name + " is acquired"
}

func (c *checker) report(l *chains.Loop, sec *section, mixed bool) {
	lock := sec.acq
	d := analysis.Diagnostic{Pos: lock.Call.Pos(), End: lock.Call.End(), Category: "chainlock"}
	if sec.list != nil {
		rel := sec.list[sec.ri]
		d.Related = []analysis.RelatedInformation{{Pos: rel.Pos(), End: rel.End(), Message: lock.Name + " released here"}}
	}
	// The message names the form the fix writes: Batched where the
	// function can defer the hold's release, else BatchedLocker (BatchedFunc
	// for a with-lock helper). Without a fix it names Batched, the form to
	// write by hand.
	batcher := "Batched"
	if lock.Kind == chains.Helper {
		batcher = "BatchedFunc"
	}
	var note string
	p, why := c.plan(l, sec, mixed)
	if why == "" {
		fix, form, err := c.fix(l, sec, p)
		if err != nil {
			why = "the rewrite failed: " + err.Error()
		} else {
			d.SuggestedFixes = []analysis.SuggestedFix{fix}
			batcher = form
			note = fixes.RequirementNote(c.pass, l.File)
		}
	}
	var msg string
	if mixed {
		msg = fmt.Sprintf("%s once per synchronous middleware of %s (a mixed chain: the lock is taken on some iterations only); "+
			"batch consecutive synchronous middlewares under one acquisition with chainruntime.%s and a blocking predicate",
			lockPhrase(lock), l.ChainName, batcher)
	} else {
		msg = fmt.Sprintf("%s once per middleware of %s (N acquisitions for an N-middleware chain); "+
			"batch consecutive synchronous middlewares under one acquisition with chainruntime.%s",
			lockPhrase(lock), l.ChainName, batcher)
	}
	msg += note
	if why != "" {
		msg += "; no fix offered: " + why
	}
	d.Message = msg
	c.r.Report(d)
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

// fix builds the suggested fix, and names the runtime iterator it ranges
// over.
func (c *checker) fix(l *chains.Loop, sec *section, p *plan) (analysis.SuggestedFix, string, error) {
	f, err := fixes.Decorate(c.pass, l.File, l.Stmt)
	if err != nil {
		return analysis.SuggestedFix{}, "", err
	}
	call, rt, hold, err := c.batchedCall(f, l, p)
	if err != nil {
		return analysis.SuggestedFix{}, "", err
	}
	form := p.fun
	msg := "Range over " + rt + "." + p.fun + " and drop the per-middleware lock calls"
	if hold {
		form = "Batched"
		msg = "Hold the lock with " + rt + ".NewHold, range over " + rt + ".Batched and drop the per-middleware lock calls"
	}
	if err := c.rewriteLoop(f, l, p, call); err != nil {
		return analysis.SuggestedFix{}, "", err
	}
	edits, err := f.Edits()
	if err != nil {
		return analysis.SuggestedFix{}, "", err
	}
	return analysis.SuggestedFix{Message: msg, TextEdits: edits}, form, nil
}

// batchedCall returns the runtime iterator call that l ranges over after
// the fix, in the fast form (after writing the Hold's statements before
// the loop; hold is true) where planHold allows, else BatchedLocker, with the
// runtime's import name in f.
func (c *checker) batchedCall(f *fixes.File, l *chains.Loop, p *plan) (call dst.Expr, rt string, hold bool, err error) {
	rt = f.AddImport(fixes.RuntimePath, fixes.RuntimeName, l.Stmt.Pos())
	lockArg := strings.ReplaceAll(p.lockArg, runtimeName, rt)
	if hp, why := c.planHold(l, p); why == "" {
		call, err = emitHold(f, rt, lockArg, p, hp)
		return call, rt, true, err
	}
	call, err = fixes.Expr(fmt.Sprintf("%s.%s(%s, %s, %s)", rt, p.fun, lockArg, p.chain, p.pred))
	return call, rt, false, err
}

// rewriteLoop rewrites l in f as p plans, ranging over call.
func (c *checker) rewriteLoop(f *fixes.File, l *chains.Loop, p *plan, call dst.Expr) error {
	for _, d := range p.deletes {
		if err := f.Replace(d.st); err != nil {
			return err
		}
	}
	if p.ifStmt != nil {
		repl := f.Node(p.unlocked).(*dst.BlockStmt).List
		if err := f.Replace(p.ifStmt, repl...); err != nil {
			return err
		}
	}
	if p.helper != nil {
		repl := f.Node(p.callback.Body).(*dst.BlockStmt).List
		if err := f.Replace(p.helper, repl...); err != nil {
			return err
		}
	}
	if p.bound != nil {
		if err := f.Replace(p.bound); err != nil {
			return err
		}
	}
	switch s := l.Stmt.(type) {
	case *ast.RangeStmt:
		ds, ok := f.Node(s).(*dst.RangeStmt)
		if !ok {
			return fmt.Errorf("no decorated range statement")
		}
		ds.X = call
	case *ast.ForStmt:
		ds, ok := f.Node(s).(*dst.ForStmt)
		if !ok {
			return fmt.Errorf("no decorated for statement")
		}
		rs := &dst.RangeStmt{Key: dst.NewIdent(p.keyName), Tok: token.DEFINE, X: call, Body: ds.Body}
		if p.bound != nil {
			rs.Value = dst.NewIdent(l.Value.Name())
		}
		if err := f.Swap(s, rs); err != nil {
			return err
		}
	}
	return nil
}
