package chainlock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"strings"

	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/fixes"
)

// The fix of a chain built at load time moves the lock out of the
// closures into the loops that run the chain:
//
//	for _, mw := range mws {
//		chain = append(chain, func(r *Req) { gil.Lock(); mw(r); gil.Unlock() })
//	}
//	for _, h := range chain { h(r) }
//
// becomes
//
//	for _, mw := range mws {
//		chain = append(chain, mw)
//	}
//	for _, h := range chainruntime.BatchedLocker(&gil, chain, nil) { h(r) }
//
// (or the Hold form, as for any loop). That runs every middleware under the
// lock as before, and releases it between two only when one blocks. It is
// behaviour-preserving only when the closures did nothing but that, when
// every element of the chain is such a closure, and when every run of the
// chain is a loop the fix rewrites: the checks below prove each, or say
// which fails.

// built is a chain built at load time and what its fix needs.
type built struct {
	loop  *chains.Loop     // the construction loop
	ec    *chains.ElemCall // the middleware call in the closure
	lit   *ast.FuncLit     // the closure
	as    *ast.AssignStmt  // chain = append(chain, lit)
	chain ast.Expr         // the chain as the construction writes it
	obj   types.Object     // the chain variable or field
	lock  chains.LockOp    // the closure's acquisition
	// runners are the package's loops over the chain; plans their
	// rewrites, in the same order.
	runners []*chains.Loop
	plans   []*plan
}

// builtFix returns the fix of b, or why there is none.
func (c *checker) builtFix(b *built) (analysis.SuggestedFix, bool, string) {
	for _, check := range []func(*built) string{c.wrapperWhy, c.chainUsesWhy, c.testsWhy, c.runnersWhy} {
		if why := check(b); why != "" {
			return analysis.SuggestedFix{}, false, why
		}
	}
	fix, hold, err := c.builtEdits(b)
	if err != nil {
		return analysis.SuggestedFix{}, false, "the rewrite failed: " + err.Error()
	}
	return fix, hold, ""
}

// wrapperWhy says why the closure is more than its middleware under the
// lock ("" if it is exactly that): it must call the middleware variable
// the loop binds, with its own parameters in order, and return the
// results unchanged, between an acquisition and a release of one mutex,
// read lock or Locker, and do nothing else; and the middleware's type must
// be the chain's element type, so that it can be appended itself.
func (c *checker) wrapperWhy(b *built) string {
	info := c.pass.TypesInfo
	switch b.lock.Kind {
	case chains.Mutex, chains.RMutex, chains.Locker:
	default:
		return fmt.Sprintf("the closures take %s, a %s, and the fix moves only a mutex, read lock or Locker into the runtime", b.lock.Name, b.lock.Kind)
	}
	as := b.as
	if as.Tok != token.ASSIGN || len(as.Rhs[0].(*ast.CallExpr).Args) != 2 || as.Rhs[0].(*ast.CallExpr).Ellipsis.IsValid() {
		return "the closure is not appended alone as " + c.text(b.chain) + " = append(" + c.text(b.chain) + ", func...)"
	}
	v, _ := info.Uses[ident(b.ec.Call.Fun)].(*types.Var)
	if v == nil || v != b.loop.Value {
		return "the closure calls " + c.text(b.ec.Call.Fun) + ", not the middleware variable of the loop"
	}
	if c.assignedIn(b.loop.Body)[v] {
		return "the loop assigns " + v.Name() + " after binding it, which the closure would see"
	}
	if within(v.Pos(), b.loop.Stmt) && !within(v.Pos(), b.loop.Body) {
		if fv := info.FileVersions[b.loop.File]; fv != "" && version.Compare(fv, "go1.22") < 0 {
			return "the file's Go version is " + fv + ", where all the closures share the loop's variable " + v.Name()
		}
	}
	sig, _ := info.TypeOf(b.lit).(*types.Signature)
	if sig == nil || !types.Identical(sig, v.Type().Underlying()) {
		return "the closure's signature is not the middleware's"
	}
	if elem := sliceElem(info.TypeOf(b.chain)); elem == nil || !types.Identical(elem, v.Type()) {
		return fmt.Sprintf("the middleware's type %s is not the element type of %s", v.Type(), c.text(b.chain))
	}
	if why := c.forwards(sig, b.ec.Call); why != "" {
		return why
	}
	return c.wrapperBody(b, sig)
}

// sliceElem returns the element type of a slice type, or nil.
func sliceElem(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	if s, ok := t.Underlying().(*types.Slice); ok {
		return s.Elem()
	}
	return nil
}

// forwards says why call does not pass the closure's parameters, in
// order, as they are ("" if it does).
func (c *checker) forwards(sig *types.Signature, call *ast.CallExpr) string {
	const notOwn = "the closure does not pass its own parameters, in order, to the middleware"
	if len(call.Args) != sig.Params().Len() || call.Ellipsis.IsValid() != sig.Variadic() {
		return notOwn
	}
	for i, a := range call.Args {
		if !isVar(c.pass.TypesInfo, ast.Unparen(a), sig.Params().At(i)) {
			return notOwn
		}
	}
	return ""
}

// wrapperBody says why the closure's body is not one of
//
//	acquire; mw(p...); release
//	acquire; defer release; mw(p...)        (or return mw(p...))
//	acquire; a, b := mw(p...); release; return a, b
//
// ("" if it is one).
func (c *checker) wrapperBody(b *built, sig *types.Signature) string {
	list := b.lit.Body.List
	why := "the closure does more than take " + b.lock.Name + " around the middleware call"
	if len(list) < 3 || len(list) > 4 || !c.isLockStmt(list[0], b.lock, chains.Acquire) {
		return why
	}
	isCall := func(e ast.Expr) bool { return ast.Unparen(e) == b.ec.Call }
	results := sig.Results().Len()
	switch {
	case len(list) == 3 && c.isLockStmt(list[2], b.lock, chains.Release):
		if es, ok := list[1].(*ast.ExprStmt); ok && results == 0 && isCall(es.X) {
			return ""
		}
	case len(list) == 3:
		if ds, ok := list[1].(*ast.DeferStmt); !ok || !c.releases(ds, b.lock) {
			return why
		}
		switch s := list[2].(type) {
		case *ast.ExprStmt:
			if results == 0 && isCall(s.X) {
				return ""
			}
		case *ast.ReturnStmt:
			if results > 0 && len(s.Results) == 1 && isCall(s.Results[0]) {
				return ""
			}
		}
	default:
		as, ok := list[1].(*ast.AssignStmt)
		ret, ok2 := list[3].(*ast.ReturnStmt)
		if ok && ok2 && len(as.Rhs) == 1 && isCall(as.Rhs[0]) && c.isLockStmt(list[2], b.lock, chains.Release) &&
			len(as.Lhs) == results && c.returnsResults(b.lit, as, ret) {
			return ""
		}
	}
	return why
}

// isLockStmt reports whether st is a plain call that acquires (or
// releases) the lock of acq.
func (c *checker) isLockStmt(st ast.Stmt, acq chains.LockOp, op chains.Op) bool {
	if _, ok := st.(*ast.ExprStmt); !ok {
		return false
	}
	lo, ok := c.m.StmtLockOp(st)
	return ok && lo.Op == op && lo.ID == acq.ID && lo.Kind == acq.Kind
}

// returnsResults reports whether as assigns the call's results to
// distinct variables of the closure (its parameters or results, or new
// ones) that ret returns, in order.
func (c *checker) returnsResults(lit *ast.FuncLit, as *ast.AssignStmt, ret *ast.ReturnStmt) bool {
	info := c.pass.TypesInfo
	if len(ret.Results) != len(as.Lhs) {
		return false
	}
	seen := map[types.Object]bool{}
	for i, lhs := range as.Lhs {
		id := ident(lhs)
		if id == nil {
			return false
		}
		v, _ := info.ObjectOf(id).(*types.Var)
		if v == nil || seen[v] || !within(v.Pos(), lit) || !isVar(info, ast.Unparen(ret.Results[i]), v) {
			return false
		}
		seen[v] = true
	}
	return true
}

// builtEdits builds the one fix of b: the construction appends the
// middleware itself, and every runner ranges over the runtime's iterator.
// It reports whether a runner holds the lock with a Hold.
func (c *checker) builtEdits(b *built) (analysis.SuggestedFix, bool, error) {
	files := map[*ast.File]*fixes.File{}
	var order []*fixes.File
	decorated := func(file *ast.File, at ast.Node) (*fixes.File, error) {
		if f := files[file]; f != nil {
			return f, nil
		}
		f, err := fixes.Decorate(c.pass, file, at)
		if err != nil {
			return nil, err
		}
		files[file] = f
		order = append(order, f)
		return f, nil
	}
	f, err := decorated(b.loop.File, b.as)
	if err != nil {
		return analysis.SuggestedFix{}, false, err
	}
	das, ok := f.Node(b.as).(*dst.AssignStmt)
	if !ok {
		return analysis.SuggestedFix{}, false, fmt.Errorf("no decorated append")
	}
	call, ok := das.Rhs[0].(*dst.CallExpr)
	if !ok || len(call.Args) != 2 {
		return analysis.SuggestedFix{}, false, fmt.Errorf("no decorated append call")
	}
	call.Args[1] = dst.NewIdent(b.loop.Value.Name())
	held := false
	for i, r := range b.runners {
		f, err := decorated(r.File, r.Stmt)
		if err != nil {
			return analysis.SuggestedFix{}, false, err
		}
		iter, _, hold, err := c.batchedCall(f, r, b.plans[i])
		if err != nil {
			return analysis.SuggestedFix{}, false, err
		}
		held = held || hold
		if err := c.rewriteLoop(f, r, b.plans[i], iter); err != nil {
			return analysis.SuggestedFix{}, false, err
		}
	}
	var edits []analysis.TextEdit
	for _, f := range order {
		e, err := f.Edits()
		if err != nil {
			return analysis.SuggestedFix{}, false, err
		}
		edits = append(edits, e...)
	}
	msg := "Append the middlewares themselves and take the lock once per run of synchronous middlewares where " + c.text(b.chain) + " runs"
	return analysis.SuggestedFix{Message: msg, TextEdits: edits}, held, nil
}

// line returns the line of pos.
func (c *checker) line(pos token.Pos) string {
	return fmt.Sprint(c.pass.Fset.Position(pos).Line)
}

// snippet returns the first line of n's text, shortened.
func (c *checker) snippet(n ast.Node) string {
	s := c.text(n)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " ..."
	}
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}
