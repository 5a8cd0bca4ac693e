package chainlock

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"go/version"
	"os"
	"path/filepath"
	"slices"
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
//	for _, h := range chainruntime.Batched(&gil, chain, nil) { h(r) }
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

// chainUsesWhy says where the package uses the chain other than in its
// construction, in the loops that run it, and where its value is
// harmless (len, cap, a reset to nil or empty): any other write could put
// an element in it that is not the wrapped middleware, and any other read
// could run the elements where no loop takes the lock after the fix.
func (c *checker) chainUsesWhy(b *built) string {
	name := c.text(b.chain)
	if b.obj.Exported() {
		return name + " is exported, so another package may run it or add to it"
	}
	if v, ok := b.obj.(*types.Var); ok && !v.IsField() && !c.declaredEmpty(v) {
		return name + " is declared at line " + c.line(v.Pos()) + " with a value, or is a parameter, whose elements the fix cannot see"
	}
	var why string
	c.insp.WithStack([]ast.Node{(*ast.Ident)(nil), (*ast.CompositeLit)(nil)}, func(n ast.Node, push bool, stack []ast.Node) bool {
		if !push || why != "" {
			return why == ""
		}
		switch n := n.(type) {
		case *ast.Ident:
			if o := c.pass.TypesInfo.Uses[n]; o != nil && origin(o) == b.obj {
				why = c.chainUse(b, n, stack)
			}
		case *ast.CompositeLit:
			if c.unkeyedField(n, b.obj) {
				why = name + " is set by the composite literal at line " + c.line(n.Pos())
			}
		}
		return why == ""
	})
	return why
}

// origin returns the generic object an instantiated field or variable
// comes from, or o.
func origin(o types.Object) types.Object {
	if v, ok := o.(*types.Var); ok {
		return v.Origin()
	}
	return o
}

// chainUse says why the use n of the chain (stack ends with n) stands in
// the way of the fix, or "".
func (c *checker) chainUse(b *built, n *ast.Ident, stack []ast.Node) string {
	var ref ast.Expr = n
	stack = stack[:len(stack)-1]
	if len(stack) == 0 {
		return ""
	}
	if sel, ok := stack[len(stack)-1].(*ast.SelectorExpr); ok && sel.Sel == n {
		ref, stack = sel, stack[:len(stack)-1]
	}
	for len(stack) > 1 {
		if p, ok := stack[len(stack)-1].(*ast.ParenExpr); ok {
			ref, stack = p, stack[:len(stack)-1]
			continue
		}
		break
	}
	if len(stack) == 0 {
		return ""
	}
	call := b.as.Rhs[0].(*ast.CallExpr)
	if ref == b.as.Lhs[0] || ref == call.Args[0] {
		return ""
	}
	for _, r := range b.runners {
		if c.runnerReads(r, ref, stack) {
			return ""
		}
	}
	parent := stack[len(stack)-1]
	switch p := parent.(type) {
	case *ast.CallExpr:
		if b, ok := c.pass.TypesInfo.Uses[ident(p.Fun)].(*types.Builtin); ok && (b.Name() == "len" || b.Name() == "cap") {
			return ""
		}
	case *ast.KeyValueExpr:
		if p.Key == ref && c.empty(p.Value) {
			return ""
		}
	case *ast.AssignStmt:
		if p.Tok == token.ASSIGN && len(p.Lhs) == 1 && p.Lhs[0] == ref && c.empty(p.Rhs[0]) {
			return ""
		}
	}
	what := "read"
	switch p := parent.(type) {
	case *ast.AssignStmt:
		if slices.Contains(p.Lhs, ref) {
			what = "written"
		}
	case *ast.KeyValueExpr:
		if p.Key == ref {
			what = "written"
		}
	case *ast.UnaryExpr:
		if p.Op == token.AND {
			what = "shared by its address"
		}
	case *ast.RangeStmt:
		if p.X == ref {
			what = "ranged over by a loop that does not run its elements as a chain"
		}
	}
	return fmt.Sprintf("%s is also %s at line %s (%s), which the fix would not rewrite", c.text(b.chain), what, c.line(ref.Pos()), c.snippet(parent))
}

// runnerReads reports whether ref, a use of the chain whose enclosing
// nodes are stack, is how the loop r reads it: its ranged chain, or an
// element chain[i] that r calls or binds.
func (c *checker) runnerReads(r *chains.Loop, ref ast.Expr, stack []ast.Node) bool {
	if ref == ast.Unparen(r.Chain) || ref == r.Chain {
		return true
	}
	if !within(ref.Pos(), r.Stmt) || len(stack) == 0 {
		return false
	}
	ix, ok := stack[len(stack)-1].(*ast.IndexExpr)
	if !ok || ix.X != ref {
		return false
	}
	for _, ec := range r.Calls {
		if ast.Unparen(ec.Call.Fun) == ix {
			return true
		}
	}
	if len(stack) >= 2 {
		if as, ok := stack[len(stack)-2].(*ast.AssignStmt); ok && r.Value != nil && len(as.Lhs) == 1 &&
			c.pass.TypesInfo.Defs[ident(as.Lhs[0])] == r.Value {
			return true
		}
	}
	return false
}

// declaredEmpty reports whether the chain variable v is declared empty
// (var chain []M, chain := []M{}, make([]M, 0, n), nil).
func (c *checker) declaredEmpty(v *types.Var) bool {
	file := chains.FileOf(c.pass, v.Pos())
	if file == nil {
		return false
	}
	var ok bool
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if c.pass.TypesInfo.Defs[id] == v {
					ok = len(n.Values) == 0 || len(n.Values) == len(n.Names) && c.empty(n.Values[i])
				}
			}
		case *ast.AssignStmt:
			for i, e := range n.Lhs {
				if id := ident(e); id != nil && c.pass.TypesInfo.Defs[id] == v {
					ok = len(n.Rhs) == len(n.Lhs) && c.empty(n.Rhs[i])
				}
			}
		}
		return !ok
	})
	return ok
}

// empty reports whether e is an empty slice: nil, T{} or make(T, 0[, n]).
func (c *checker) empty(e ast.Expr) bool {
	info := c.pass.TypesInfo
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		_, isNil := info.Uses[e].(*types.Nil)
		return isNil
	case *ast.CompositeLit:
		return len(e.Elts) == 0
	case *ast.CallExpr:
		b, ok := info.Uses[ident(e.Fun)].(*types.Builtin)
		if !ok || b.Name() != "make" || len(e.Args) < 2 {
			return false
		}
		tv := info.Types[e.Args[1]]
		return tv.Value != nil && tv.Value.String() == "0"
	}
	return false
}

// unkeyedField reports whether lit is a non-empty unkeyed literal of a
// struct type that has the field obj.
func (c *checker) unkeyedField(lit *ast.CompositeLit, obj types.Object) bool {
	if len(lit.Elts) == 0 {
		return false
	}
	if _, keyed := lit.Elts[0].(*ast.KeyValueExpr); keyed {
		return false
	}
	t := c.pass.TypesInfo.TypeOf(lit)
	if t == nil {
		return false
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := range st.NumFields() {
		if st.Field(i).Origin() == obj {
			return true
		}
	}
	return false
}

// testsWhy says why the tests of the package may use the chain where
// this analysis cannot see them: the package is analysed without its test
// files (go vet and the drivers analyse it once more with them), and a
// test file of its directory names the chain. The analysis with the test
// files then decides.
func (c *checker) testsWhy(b *built) string {
	tf := c.pass.Fset.File(b.loop.File.FileStart)
	if tf == nil {
		return ""
	}
	for _, f := range c.pass.Files {
		if ft := c.pass.Fset.File(f.FileStart); ft != nil && strings.HasSuffix(ft.Name(), "_test.go") {
			return "" // the test files are part of this analysis
		}
	}
	dir := filepath.Dir(tf.Name())
	names, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err == nil && testNames(src, c.pass.Pkg.Name(), b.obj.Name()) {
			return "the test file " + filepath.Base(name) + " may use " + c.text(b.chain) + ", which the analysis of the package without its tests cannot see (the analysis with them offers the fix)"
		}
	}
	return ""
}

// testNames reports whether src, a test file, belongs to package pkg (not
// its external test package, which cannot name unexported identifiers)
// and holds the identifier name.
func testNames(src []byte, pkg, name string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return true // cannot tell: assume it does
	}
	if f.Name.Name != pkg {
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}

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
	p := &plan{fun: "Batched", pred: "nil"}
	arg, why := c.lockArg(b.lock, lockText)
	if why != "" {
		return nil, why
	}
	p.lockArg, p.lockExpr = arg, names
	if why := c.shapeFix(r); why != "" {
		return nil, why
	}
	if r.Reverse {
		return nil, "it runs the chain in reverse and the runtime iterates forward"
	}
	if v := c.pass.TypesInfo.FileVersions[r.File]; v != "" && version.Compare(v, "go1.23") < 0 {
		return nil, fixes.GoLineNote(v, c.pass.Module)
	}
	if r.Indexed {
		if why := c.indexed(r, p); why != "" {
			return nil, why
		}
	}
	if why := c.blocksOutside(r, &section{}, p); why != "" {
		return nil, why
	}
	chain, why := c.chainArg(r)
	if why != "" {
		return nil, why
	}
	p.chain = chain
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
		return "", nil, "its file does not import " + o.Imported().Path() + " as " + root.Name + ", which the lock " + b.lock.Name + " is named by"
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
