package skipafter

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"

	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/analyzers/skipafter/internal/shortcircuit"
	"github.com/chainlint/chainlint/fixes"
)

// suggestFix returns the fix for sc, or why none is offered (a non-empty
// reason). The fix turns the early return into a guard around the handler
// code so that the short-circuit response goes through the same common
// path (after-chain, finalizers, return) as every other response:
//
//	if resp := s.runBefore(req); resp != nil {     resp := s.runBefore(req)
//		return resp                                if resp == nil {
//	}                                       =>         resp = s.handler(req)
//	resp := s.handler(req)                         }
//	resp = s.runAfter(req, resp)                   resp = s.runAfter(req, resp)
//
// and for a return inside a before-chain loop, "return r" becomes
// "resp = r; break" (resp hoisted above the loop when the handler code
// declared it). On the normal path the guard holds and the handler code
// runs unchanged, so the fix is offered only when that can be seen from
// the syntax: the handler code sits between the short-circuit and the
// first common-path call in one block, carries no label or goto, and the
// common path uses no variable the handler code declares other than the
// response. In the loop form, "resp = r" must reach the hoisted resp (no
// declaration in the loop hides it), and a loop-local response that
// becomes the hoisted one must be nil whenever the loop goes on (see
// nilAfterCheck).
//
// all are the short-circuits of sc's function: a later one in the handler
// code of the runner form is fixed in the same rewrite (see chain), and
// joined returns them.
func suggestFix(pass *analysis.Pass, m *chains.Model, sc *shortcircuit.ShortCircuit, all []*shortcircuit.ShortCircuit) (fix *analysis.SuggestedFix, joined []*shortcircuit.ShortCircuit, why string) {
	defer func() {
		// A decorated node missing for an original one would be a bug
		// of the rewriting; the diagnostic stands without a fix.
		if r := recover(); r != nil {
			fix, joined, why = nil, nil, fmt.Sprintf("the rewrite failed (%v)", r)
		}
	}()
	switch sc.Kind {
	case shortcircuit.Error:
		return nil, nil, "an error return carries no response to route through the after-chain"
	case shortcircuit.Written:
		return nil, nil, "the before hook has already written the response, so headers set afterwards would not reach the client; set them before the before-chain runs"
	}
	file := chains.FileOf(pass, sc.Exit.Pos())
	if file == nil {
		return nil, nil, "the file is not part of the package"
	}
	fx := &fixer{pass: pass, m: m, sc: sc, all: all, file: file, info: pass.TypesInfo}
	switch {
	case isGoto(sc.Exit, ""):
		why = fx.retarget()
	case sc.Return == nil:
		why = fx.hoistSteps()
	case sc.Loop != nil && contains(sc.Loop.Stmt, sc.Return.Pos()):
		why = fx.inline()
	default:
		why = fx.runner()
	}
	if why != "" {
		return nil, nil, why
	}
	edits, err := fx.f.Edits()
	if err != nil {
		return nil, nil, "the rewrite could not be placed on the original lines (" + err.Error() + ")"
	}
	tok := pass.Fset.File(file.FileStart)
	src, err := fixes.Source(pass, tok)
	if err != nil {
		return nil, nil, "the file could not be read (" + err.Error() + ")"
	}
	edits = narrowEdits(tok, src, edits)
	for _, o := range all {
		if o.Return != nil && fx.chained[o.Return] {
			fx.joined = append(fx.joined, o)
		}
	}
	return &analysis.SuggestedFix{Message: fx.message, TextEdits: edits}, fx.joined, ""
}

type fixer struct {
	pass    *analysis.Pass
	m       *chains.Model
	sc      *shortcircuit.ShortCircuit
	all     []*shortcircuit.ShortCircuit
	chained map[*ast.ReturnStmt]bool     // later short-circuits the rewrite fixes too
	joined  []*shortcircuit.ShortCircuit // the others the rewrite fixes
	file    *ast.File
	info    *types.Info
	f       *fixes.File
	message string
}

// runner handles the return of a runner's short-circuit response:
// "if cond { return v }" followed by the handler code H and the common
// path becomes "if !cond { H }" followed by the common path.
func (fx *fixer) runner() string {
	ret := fx.sc.Return
	path, _ := astutil.PathEnclosingInterval(fx.file, ret.Pos(), ret.End())
	if len(path) < 4 {
		return "the return is not inside an if statement"
	}
	ifs, ok := path[2].(*ast.IfStmt)
	if !ok || path[1] != ifs.Body {
		return "the return is not directly inside an if statement"
	}
	if len(ifs.Body.List) != 1 || ifs.Else != nil {
		return "the if statement around the return does more than return"
	}
	block, ok := path[3].(*ast.BlockStmt)
	if !ok {
		return "the if statement around the return is not in a plain block"
	}
	v := fx.returnedVar(ret)
	if v == nil {
		return "the returned response is not a local variable"
	}
	i := slices.Index(block.List, ast.Stmt(ifs))
	j, handler, why := fx.handlerCode(block, i)
	if why != "" {
		return why
	}
	if why := fx.chain(handler, v); why != "" {
		return why
	}
	// Names the common path continues with: the response, and what the
	// if statement's init declares (hoisted into the block).
	outer := map[string]bool{v.Name(): true}
	hoisted := definedBy(fx.info, ifs.Init)
	for _, o := range hoisted {
		outer[o.Name()] = true
	}
	// The handler's response has another name (out := s.handler(req)):
	// declare it above the if, which assigns it on both branches.
	for _, o := range definedAt(fx.info, handler) {
		if o.Name() != v.Name() && fx.m.IsResponse(o.Type()) && usesObj(fx.info, block.List[j:], o) &&
			types.Identical(o.Type(), v.Type()) {
			return fx.runnerElse(block, ifs, i, j, handler, v, o)
		}
	}
	if why := fx.checkTail(block.List[j:], handler, v.Name(), v.Name()); why != "" {
		return why
	}
	if why := fx.checkHoist(block, ifs, hoisted, append(append([]ast.Stmt(nil), handler...), block.List[j:]...)); why != "" {
		return why
	}

	if why := fx.decorate(); why != "" {
		return why
	}
	f := fx.f
	dblock := f.Node(block).(*dst.BlockStmt)
	dif := f.Node(ifs).(*dst.IfStmt)
	guardBody, why := fx.guardBody(handler, outer)
	if why != "" {
		return why
	}
	var list []dst.Stmt
	list = append(list, dblock.List[:i]...)
	if dif.Init != nil {
		init := dif.Init
		dif.Init = nil
		init.Decorations().Before = dst.NewLine
		init.Decorations().Start = dif.Decs.Start
		dif.Decs.Start = nil
		list = append(list, init)
	}
	dif.Cond = negate(dif.Cond)
	dif.Body.List = guardBody
	dif.Decs.Before = dst.NewLine
	list = append(list, dif)
	list = append(list, dblock.List[j:]...)
	dblock.List = list
	fx.message = fmt.Sprintf("Run the handler only when %s did not short-circuit, so %s also goes through %s", fx.sourceNames(), v.Name(), skippedNames(fx.sc))
	return ""
}

// runnerElse handles a short-circuit response v and a handler response w
// of different names:
//
//	if v := s.runBefore(req); v != nil {     var w *Response
//		return v                             if v := s.runBefore(req); v != nil {
//	}                                =>          w = v
//	w := s.handler(req)                      } else {
//	                                             w = s.handler(req)
//	                                         }
func (fx *fixer) runnerElse(block *ast.BlockStmt, ifs *ast.IfStmt, i, j int, handler []ast.Stmt, v, w *types.Var) string {
	if why := fx.checkTail(block.List[j:], handler, w.Name(), v.Name()); why != "" {
		return why
	}
	typ, why := fx.hoistable(block, ifs, w)
	if why != "" {
		return why
	}
	// "w = v" in the if and the handler's assignments in its else must
	// reach the hoisted w, not a w of the if statement's init.
	if o := fx.loopShadow(ifs, ifs.Body.Pos(), w.Name(), nil); o != nil {
		return fmt.Sprintf("the if statement around the return declares a %s of its own, which would hide the hoisted response %s", o.Name(), w.Name())
	}
	if why := fx.decorate(); why != "" {
		return why
	}
	f := fx.f
	dblock := f.Node(block).(*dst.BlockStmt)
	dif := f.Node(ifs).(*dst.IfStmt)
	elseBody, why := fx.guardBody(handler, map[string]bool{w.Name(): true})
	if why != "" {
		return why
	}
	assign := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(w.Name())}, Tok: token.ASSIGN, Rhs: []dst.Expr{dst.NewIdent(v.Name())}}
	dif.Body.List = []dst.Stmt{assign}
	dif.Else = &dst.BlockStmt{List: elseBody}
	decl := varDecl(w.Name(), typ)
	decl.Decs.Start = dif.Decs.Start
	decl.Decs.Before = dif.Decs.Before
	dif.Decs.Start = nil
	dif.Decs.Before = dst.NewLine
	var list []dst.Stmt
	list = append(list, dblock.List[:i]...)
	list = append(list, decl, dif)
	list = append(list, dblock.List[j:]...)
	dblock.List = list
	fx.message = fmt.Sprintf("Hand %s's short-circuit response to %s and run the handler otherwise, so it also goes through %s", fx.sc.SourceName, w.Name(), skippedNames(fx.sc))
	return ""
}

// inline handles "return r" inside a before-chain loop: it becomes
// "resp = r; break" (or "break" when r is resp), and the handler code
// after the loop is guarded by "if resp == nil". A loop-local r named
// resp loses its declaration (":=" becomes "=", "var resp T = v" becomes
// "resp = v", "var resp T" goes), so that r is the hoisted resp.
func (fx *fixer) inline() string {
	ret := fx.sc.Return
	loop := fx.sc.Loop
	ifs, x, block, why := fx.inlineSite()
	if why != "" {
		return why
	}
	i := slices.Index(block.List, loop.Stmt)
	j, handler, why := fx.handlerCode(block, i)
	if why != "" {
		return why
	}
	// The response variable the common path continues with: one the
	// handler code declares (hoisted above the loop), or x itself when it
	// is declared before the loop and nil there.
	var w *types.Var
	for _, o := range definedAt(fx.info, handler) {
		if fx.m.IsResponse(o.Type()) && usesObj(fx.info, block.List[j:], o) {
			w = o
		}
	}
	hoist := w != nil
	if w == nil {
		if x.Pos() >= loop.Stmt.Pos() || !fx.nilBefore(block.List[:i], x) {
			return fmt.Sprintf("the common path does not continue with a response variable that is nil when %s does not short-circuit", loop.ChainName)
		}
		w = x
	}
	if why := fx.checkTail(block.List[j:], handler, w.Name(), x.Name()); why != "" {
		return why
	}
	if why := fx.chain(handler, w); why != "" {
		return why
	}
	// A loop-local x named like the hoisted w ("next, resp := m(req)" or
	// "var resp *Response" in the loop) would shadow it: its declaration
	// goes, so that x becomes w.
	convert := x != w && x.Name() == w.Name()
	if convert {
		if !contains(loop.Stmt, x.Pos()) {
			return fmt.Sprintf("the short-circuit response %s is declared before %s and again after it", x.Name(), loop.ChainName)
		}
		if !types.Identical(x.Type(), w.Type()) {
			return fmt.Sprintf("the short-circuit response %s has type %s, the handler's %s has type %s", x.Name(), x.Type(), w.Name(), w.Type())
		}
	}
	// What "w = x; break" (or "break") assigns must be the w the common
	// path reads: no declaration inside the loop may hide it.
	var skip types.Object
	if convert {
		skip = x
	}
	if o := fx.loopShadow(loop.Stmt, ret.Pos(), w.Name(), skip); o != nil {
		return fmt.Sprintf("the before-chain loop declares a %s of its own (line %d), which would hide the hoisted response %s",
			o.Name(), fx.pass.Fset.Position(o.Pos()).Line, w.Name())
	}
	// When x itself becomes the variable the guard tests, it must be nil
	// whenever the loop goes on or ends without a short-circuit.
	if convert || w == x {
		if why := fx.nilAfterCheck(loop, ifs, x); why != "" {
			return why
		}
	}
	var xDecl ast.Stmt
	var xBlock *ast.BlockStmt
	if convert {
		if xDecl, xBlock, why = fx.loopDecl(loop, x); why != "" {
			return why
		}
	}
	typ := ""
	if hoist {
		if typ, why = fx.hoistable(block, loop.Stmt, w); why != "" {
			return why
		}
	}
	return fx.inlineRewrite(&inlinePlan{block: block, i: i, j: j, handler: handler, ifs: ifs, x: x, w: w,
		hoist: hoist, typ: typ, xDecl: xDecl, xBlock: xBlock})
}

// inlineSite finds where inline's return sits: the if statement in the
// before-chain loop that it is the only statement of, the variable it
// returns (tested against nil by the if), and the block holding the loop.
func (fx *fixer) inlineSite() (*ast.IfStmt, *types.Var, *ast.BlockStmt, string) {
	ret := fx.sc.Return
	loop := fx.sc.Loop
	path, _ := astutil.PathEnclosingInterval(fx.file, ret.Pos(), ret.End())
	li := -1
	for k, n := range path {
		if n == loop.Stmt {
			li = k
			break
		}
		switch n.(type) {
		case *ast.SwitchStmt, *ast.TypeSwitchStmt:
			return nil, nil, nil, "the return is inside a switch in the before-chain loop"
		case *ast.SelectStmt:
			return nil, nil, nil, "the return is inside a select in the before-chain loop"
		case *ast.ForStmt, *ast.RangeStmt:
			return nil, nil, nil, "the return is inside a loop nested in the before-chain loop"
		case *ast.FuncLit:
			return nil, nil, nil, "the return is inside a function literal"
		}
	}
	if li < 0 || li+1 >= len(path) {
		return nil, nil, nil, "the return is not inside the before-chain loop"
	}
	ifs, ok := path[2].(*ast.IfStmt)
	if !ok || path[1] != ifs.Body || len(ifs.Body.List) != 1 || ifs.Else != nil {
		return nil, nil, nil, "the return is not the only statement of an if statement"
	}
	x := fx.returnedVar(ret)
	if x == nil {
		return nil, nil, nil, "the returned response is not a local variable"
	}
	if !isNilCheck(fx.info, ifs.Cond, x, token.NEQ) || !nillable(x.Type()) {
		return nil, nil, nil, fmt.Sprintf("the short-circuit condition is not %s != nil", x.Name())
	}
	block, ok := path[li+1].(*ast.BlockStmt)
	if !ok {
		return nil, nil, nil, "the before-chain loop is not in a plain block"
	}
	return ifs, x, block, ""
}

// inlinePlan is what inline checked, for inlineRewrite.
type inlinePlan struct {
	block   *ast.BlockStmt
	i, j    int // the loop and the first common-path statement in block
	handler []ast.Stmt
	ifs     *ast.IfStmt // the short-circuit's if statement in the loop
	x, w    *types.Var  // the returned response and the guard's variable
	hoist   bool        // w is declared above the loop, as typ
	typ     string
	xDecl   ast.Stmt       // x's declaration in the loop, to become an assignment
	xBlock  *ast.BlockStmt // its block (nil for an if statement's init)
}

// inlineRewrite makes the rewrite inline planned.
func (fx *fixer) inlineRewrite(p *inlinePlan) string {
	block, i, j, handler, ifs, x, w, hoist, typ, xDecl, xBlock := p.block, p.i, p.j, p.handler, p.ifs, p.x, p.w, p.hoist, p.typ, p.xDecl, p.xBlock
	loop := fx.sc.Loop
	if why := fx.decorate(); why != "" {
		return why
	}
	f := fx.f
	dblock := f.Node(block).(*dst.BlockStmt)
	dloop := f.Node(loop.Stmt).(dst.Stmt)
	dif := f.Node(ifs).(*dst.IfStmt)
	guardBody, why := fx.guardBody(handler, map[string]bool{w.Name(): true})
	if why != "" {
		return why
	}
	if xDecl != nil {
		var err error
		switch xd := xDecl.(type) {
		case *ast.AssignStmt:
			conv, why := fx.convertDefine(xd, map[string]bool{w.Name(): true})
			if why != "" {
				return why
			}
			if xBlock != nil { // in an if statement's init, xd is changed in place
				err = f.Replace(xd, conv...)
			}
		case *ast.DeclStmt:
			if as := fx.convertVar(xd); as != nil {
				err = f.Swap(xd, as)
			} else {
				err = f.Delete(xd) // its comments stay
			}
		}
		if err != nil {
			return "the declaration of " + x.Name() + " could not be rewritten"
		}
	}
	var body []dst.Stmt
	if w.Name() != x.Name() {
		body = append(body, &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(w.Name())}, Tok: token.ASSIGN, Rhs: []dst.Expr{dst.NewIdent(x.Name())}})
	}
	body = append(body, &dst.BranchStmt{Tok: token.BREAK})
	dif.Body.List = body

	guard := &dst.IfStmt{
		Cond: &dst.BinaryExpr{X: dst.NewIdent(w.Name()), Op: token.EQL, Y: dst.NewIdent("nil")},
		Body: &dst.BlockStmt{List: guardBody},
	}
	guard.Decs.Before = dst.NewLine
	var list []dst.Stmt
	list = append(list, dblock.List[:i]...)
	if hoist {
		decl := varDecl(w.Name(), typ)
		decl.Decs.Start = dloop.Decorations().Start
		dloop.Decorations().Start = nil
		list = append(list, decl)
	}
	list = append(list, dloop, guard)
	list = append(list, dblock.List[j:]...)
	dblock.List = list
	fx.message = fmt.Sprintf("Leave %s with a break on a short-circuit and run the handler only when there was none, so the response also goes through %s", loop.ChainName, skippedNames(fx.sc))
	return ""
}

// decorate makes the decorated copy of the file the fix edits.
func (fx *fixer) decorate() string {
	// (The exit, not the return: a short-circuit by goto or by falling
	// out of an if statement has no return.)
	f, err := fixes.Decorate(fx.pass, fx.file, fx.sc.Exit)
	if err != nil {
		return "the file could not be decorated for rewriting"
	}
	fx.f = f
	return ""
}

// hoistable checks that w can be declared just before stmt in block and
// returns its type as the file spells it.
func (fx *fixer) hoistable(block *ast.BlockStmt, stmt ast.Stmt, w *types.Var) (string, string) {
	if why := fx.checkHoist(block, stmt, []*types.Var{w}, []ast.Stmt{stmt}); why != "" {
		return "", why
	}
	typ, missing := fixes.TypeString(fx.pass, fx.file, w.Type())
	if missing != nil {
		return "", fmt.Sprintf("the type of %s needs an import the file does not have", w.Name())
	}
	return typ, ""
}

// handlerCode returns the handler code, the statements of block after i
// up to j, the first that holds a common-path call; it checks that every
// skipped call lies at or after j and that the handler code can move into
// a block.
func (fx *fixer) handlerCode(block *ast.BlockStmt, i int) (int, []ast.Stmt, string) {
	j := -1
	for k := i + 1; k < len(block.List) && j < 0; k++ {
		for _, c := range fx.sc.Common {
			if contains(block.List[k], c.Node.Pos()) {
				j = k
				break
			}
		}
	}
	if j < 0 {
		return 0, nil, "the after-chain and finalizers do not follow in the same block"
	}
	for _, s := range fx.sc.Skipped {
		if s.Node.Pos() < block.List[j].Pos() || s.Node.Pos() >= block.End() {
			return 0, nil, "the skipped calls do not all follow the handler code in the same block"
		}
	}
	if j == i+1 {
		return 0, nil, "no statement lies between the short-circuit and the first common-path call to guard"
	}
	handler := block.List[i+1 : j]
	if why := checkHandler(handler); why != "" {
		return 0, nil, why
	}
	return j, handler, ""
}

// checkHandler rejects handler code that cannot move into a block.
func checkHandler(handler []ast.Stmt) string {
	why := ""
	for _, st := range handler {
		ast.Inspect(st, func(n ast.Node) bool {
			if why != "" {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.LabeledStmt:
				why = fmt.Sprintf("the handler code carries label %s, which a guard would hide", n.Label.Name)
			case *ast.BranchStmt:
				if n.Tok == token.GOTO {
					why = "the handler code jumps with goto"
				}
			}
			return true
		})
	}
	return why
}

// checkTail checks that the common path (tail) uses no variable declared
// by the handler code except the response resp (named short, in the
// message, for the short-circuit response).
func (fx *fixer) checkTail(tail, handler []ast.Stmt, resp, short string) string {
	for _, o := range definedAt(fx.info, handler) {
		if o.Name() == resp || !usesObj(fx.info, tail, o) {
			continue
		}
		if fx.m.IsResponse(o.Type()) {
			return fmt.Sprintf("the common path continues with %s, not with the short-circuit response %s", o.Name(), short)
		}
		return fmt.Sprintf("the common path uses %s, which only the handler code sets", o.Name())
	}
	return ""
}

// checkHoist checks that declaring vars in block just before stmt neither
// redeclares a name of the block nor changes what a name in the moved or
// following code refers to.
func (fx *fixer) checkHoist(block *ast.BlockStmt, stmt ast.Stmt, vars []*types.Var, after []ast.Stmt) string {
	scope := fx.info.Scopes[block]
	if scope == nil {
		scope = fx.funcScope(block)
	}
	for _, v := range vars {
		if scope != nil {
			if o := scope.Lookup(v.Name()); o != nil && o != v && o.Pos() < stmt.Pos() {
				return fmt.Sprintf("hoisting %s would redeclare it", v.Name())
			}
		}
		bad := false
		for _, st := range after {
			ast.Inspect(st, func(n ast.Node) bool {
				id, ok := n.(*ast.Ident)
				if !ok || id.Name != v.Name() {
					return !bad
				}
				// Declared before stmt, or at package level (anywhere in
				// the package): the hoisted v would hide it.
				if o := fx.info.Uses[id]; o != nil && o != v && (o.Pos() < stmt.Pos() || o.Parent() == fx.pass.Pkg.Scope()) {
					bad = true
				}
				return !bad
			})
		}
		if bad {
			return fmt.Sprintf("hoisting %s would change what %s refers to", v.Name(), v.Name())
		}
	}
	return ""
}

func (fx *fixer) funcScope(block *ast.BlockStmt) *types.Scope {
	switch fn := fx.sc.Func.(type) {
	case *ast.FuncDecl:
		if fn.Body == block {
			return fx.info.Scopes[fn.Type]
		}
	case *ast.FuncLit:
		if fn.Body == block {
			return fx.info.Scopes[fn.Type]
		}
	}
	return nil
}

// guardBody moves the handler statements into the guard. A top-level
// ":=" that declares one of the outer names becomes "=" (with "var" for
// the other names it declared), so the guard assigns the variables the
// common path continues with instead of shadowing them.
func (fx *fixer) guardBody(handler []ast.Stmt, outer map[string]bool) ([]dst.Stmt, string) {
	var out []dst.Stmt
	for k, st := range handler {
		if ifs := fx.chainedIf(st); ifs != nil {
			guard, why := fx.chainedGuard(ifs, handler[k+1:], outer)
			if why != "" {
				return nil, why
			}
			out = append(out, guard...)
			break
		}
		if ds, ok := st.(*ast.DeclStmt); ok {
			for _, o := range definedBy(fx.info, ds) {
				if outer[o.Name()] {
					return nil, fmt.Sprintf("the handler code redeclares %s", o.Name())
				}
			}
		}
		conv, why := fx.convertDefine(st, outer)
		if why != "" {
			return nil, why
		}
		out = append(out, conv...)
	}
	if len(out) > 0 {
		out[0].Decorations().Before = dst.NewLine
	}
	return out, ""
}

// convertDefine returns the decorated replacement of st: st itself, or,
// when st is a ":=" declaring one of the outer names, st as "=" preceded
// by "var" declarations of the other names it declares.
func (fx *fixer) convertDefine(st ast.Stmt, outer map[string]bool) ([]dst.Stmt, string) {
	dst1 := fx.f.Node(st).(dst.Stmt)
	as, ok := st.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return []dst.Stmt{dst1}, ""
	}
	touches := false
	for _, l := range as.Lhs {
		if id, ok := l.(*ast.Ident); ok && outer[id.Name] {
			touches = true
		}
	}
	if !touches {
		return []dst.Stmt{dst1}, ""
	}
	var out []dst.Stmt
	for _, l := range as.Lhs {
		id, ok := l.(*ast.Ident)
		if !ok || id.Name == "_" || outer[id.Name] {
			continue
		}
		o, ok := fx.info.Defs[id].(*types.Var)
		if !ok || o == nil {
			continue
		}
		typ, missing := fixes.TypeString(fx.pass, fx.file, o.Type())
		if missing != nil {
			return nil, fmt.Sprintf("the type of %s needs an import the file does not have", o.Name())
		}
		out = append(out, varDecl(o.Name(), typ))
	}
	das := dst1.(*dst.AssignStmt)
	das.Tok = token.ASSIGN
	if len(out) > 0 {
		out[0].Decorations().Start = das.Decs.Start
		out[0].Decorations().Before = das.Decs.Before
		das.Decs.Start = nil
		das.Decs.Before = dst.NewLine
	}
	return append(out, das), ""
}

// returnedVar returns the local variable the return hands back as the
// response, or nil.
func (fx *fixer) returnedVar(ret *ast.ReturnStmt) *types.Var {
	for _, e := range ret.Results {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			continue
		}
		v, ok := fx.info.Uses[id].(*types.Var)
		if ok && fx.m.IsResponse(v.Type()) && v.Parent() != nil && v.Parent() != fx.pass.Pkg.Scope() {
			return v
		}
	}
	return nil
}

// nilBefore reports whether x is declared in stmts without a value (or
// with nil) and not assigned there.
func (fx *fixer) nilBefore(stmts []ast.Stmt, x *types.Var) bool {
	declared, assigned := false, false
	for _, st := range stmts {
		ast.Inspect(st, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for k, name := range n.Names {
					if fx.info.Defs[name] == x {
						declared = len(n.Values) == 0 || (k < len(n.Values) && isNil(fx.info, n.Values[k]))
					}
				}
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && (fx.info.Uses[id] == x || fx.info.Defs[id] == x) {
						assigned = true
					}
				}
			case *ast.UnaryExpr:
				if id, ok := n.X.(*ast.Ident); ok && n.Op == token.AND && fx.info.Uses[id] == x {
					assigned = true
				}
			}
			return true
		})
	}
	return declared && !assigned
}

func varDecl(name, typ string) *dst.DeclStmt {
	d := &dst.DeclStmt{Decl: &dst.GenDecl{Tok: token.VAR, Specs: []dst.Spec{
		&dst.ValueSpec{Names: []*dst.Ident{dst.NewIdent(name)}, Type: dst.NewIdent(typ)},
	}}}
	d.Decs.Before = dst.NewLine
	return d
}

// negate returns the negation of a condition: a != b => a == b, !x => x,
// x => !x, anything else => !(x).
func negate(e dst.Expr) dst.Expr {
	switch x := e.(type) {
	case *dst.BinaryExpr:
		switch x.Op {
		case token.NEQ:
			x.Op = token.EQL
			return x
		case token.EQL:
			x.Op = token.NEQ
			return x
		}
	case *dst.UnaryExpr:
		if x.Op == token.NOT {
			return x.X
		}
	case *dst.Ident, *dst.CallExpr, *dst.SelectorExpr, *dst.ParenExpr, *dst.IndexExpr:
		return &dst.UnaryExpr{Op: token.NOT, X: e}
	}
	return &dst.UnaryExpr{Op: token.NOT, X: &dst.ParenExpr{X: e}}
}

func skippedNames(sc *shortcircuit.ShortCircuit) string {
	var names []string
	for _, s := range sc.Skipped {
		names = append(names, s.Name)
	}
	return joinAnd(names)
}

// definedBy returns the variables st declares (":=" or var).
func definedBy(info *types.Info, st ast.Stmt) []*types.Var {
	var out []*types.Var
	add := func(id *ast.Ident) {
		if v, ok := info.Defs[id].(*types.Var); ok && v != nil {
			out = append(out, v)
		}
	}
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok == token.DEFINE {
			for _, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					add(id)
				}
			}
		}
	case *ast.DeclStmt:
		if gd, ok := st.Decl.(*ast.GenDecl); ok {
			for _, sp := range gd.Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok {
					for _, n := range vs.Names {
						add(n)
					}
				}
			}
		}
	}
	return out
}

// definedAt returns the variables the statements declare at their level.
func definedAt(info *types.Info, stmts []ast.Stmt) []*types.Var {
	var out []*types.Var
	for _, st := range stmts {
		out = append(out, definedBy(info, st)...)
	}
	return out
}

func usesObj(info *types.Info, stmts []ast.Stmt, o types.Object) bool {
	found := false
	for _, st := range stmts {
		ast.Inspect(st, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && info.Uses[id] == o {
				found = true
			}
			return !found
		})
	}
	return found
}

// isNilCheck reports whether cond is "x op nil" (or "nil op x").
func isNilCheck(info *types.Info, cond ast.Expr, x *types.Var, op token.Token) bool {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || b.Op != op {
		return false
	}
	is := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && info.Uses[id] == x
	}
	return is(b.X) && isNil(info, b.Y) || is(b.Y) && isNil(info, b.X)
}

func isNil(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[ast.Unparen(e)]
	return ok && tv.IsNil()
}

func nillable(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Pointer, *types.Interface, *types.Map, *types.Slice, *types.Signature, *types.Chan:
		return true
	}
	return false
}

func contains(n ast.Node, pos token.Pos) bool { return n.Pos() <= pos && pos < n.End() }

// loopShadow returns a variable named name that a scope inside stmt (a
// loop or an if statement), from the one at pos outwards, declares before
// pos (other than skip), or nil: an assignment to name at pos would assign
// it instead of the variable the fix declares just above stmt.
func (fx *fixer) loopShadow(stmt ast.Stmt, pos token.Pos, name string, skip types.Object) types.Object {
	for s := fx.pass.Pkg.Scope().Innermost(pos); s != nil && contains(stmt, s.Pos()); s = s.Parent() {
		if o := s.Lookup(name); o != nil && o != skip && o.Pos() < pos {
			return o
		}
	}
	return nil
}

// nilAfterCheck checks that x, which the fix turns into the variable the
// guard after the loop tests, is nil whenever the loop goes on or ends
// without a short-circuit. That holds when x is nil on entry to the loop
// (the caller knows), the loop assigns it in one place A only, and A is
// followed in its block by the nil check ifs (or is its init) with no
// branch in between: x is nil everywhere in the loop except between A and
// ifs, which leaves the loop (by the fix's break) when x is not nil. It
// also rules out what would tell one x per iteration from one hoisted x:
// its address taken, or a function literal referring to it.
func (fx *fixer) nilAfterCheck(loop *chains.Loop, ifs *ast.IfStmt, x *types.Var) string {
	var sites []ast.Node // where the loop assigns x
	why := ""
	refersTo := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && (fx.info.Uses[id] == x || fx.info.Defs[id] == x)
	}
	ast.Inspect(loop.Stmt, func(n ast.Node) bool {
		if why != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			if usesObj(fx.info, n.Body.List, x) {
				why = fmt.Sprintf("a function literal in the before-chain loop refers to %s, so it cannot become the hoisted variable", x.Name())
			}
			return false
		case *ast.UnaryExpr:
			if n.Op == token.AND && refersTo(n.X) {
				why = fmt.Sprintf("the before-chain loop takes the address of %s, so it cannot become the hoisted variable", x.Name())
			}
		case *ast.SelectorExpr:
			if sel, ok := fx.info.Selections[n]; ok && refersTo(n.X) && sel.Kind() == types.MethodVal {
				if fn, ok := sel.Obj().(*types.Func); ok && fn.Signature().Recv() != nil {
					_, ptrRecv := fn.Signature().Recv().Type().(*types.Pointer)
					_, ptrVar := x.Type().Underlying().(*types.Pointer)
					if ptrRecv && !ptrVar {
						why = fmt.Sprintf("the before-chain loop calls a pointer method on %s, so it cannot become the hoisted variable", x.Name())
					}
				}
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if refersTo(l) {
					sites = append(sites, n)
					break
				}
			}
		case *ast.IncDecStmt:
			if refersTo(n.X) {
				sites = append(sites, n)
			}
		case *ast.RangeStmt:
			if n != loop.Stmt && (n.Key != nil && refersTo(n.Key) || n.Value != nil && refersTo(n.Value)) {
				sites = append(sites, n)
			}
		case *ast.ValueSpec:
			for _, name := range n.Names {
				if fx.info.Defs[name] == x && len(n.Values) > 0 {
					sites = append(sites, n)
				}
			}
		}
		return true
	})
	if why != "" {
		return why
	}
	if rs, ok := loop.Stmt.(*ast.RangeStmt); ok && (rs.Key != nil && refersTo(rs.Key) || rs.Value != nil && refersTo(rs.Value)) {
		return fmt.Sprintf("the before-chain loop ranges into %s", x.Name())
	}
	switch len(sites) {
	case 0:
		return fmt.Sprintf("the before-chain loop does not assign %s where the fix can see it", x.Name())
	case 1:
	default:
		var lines []string
		for _, n := range sites {
			lines = append(lines, strconv.Itoa(fx.pass.Fset.Position(n.Pos()).Line))
		}
		return fmt.Sprintf("the before-chain loop can go on with %s set (it is assigned at lines %s), so a guard on it could skip the handler", x.Name(), joinAnd(lines))
	}
	a := sites[0]
	line := fx.pass.Fset.Position(a.Pos()).Line
	if ifs.Init != nil && ifs.Init == a {
		return ""
	}
	path, _ := astutil.PathEnclosingInterval(fx.file, ifs.Pos(), ifs.End())
	var list []ast.Stmt
	if len(path) > 1 {
		if b, ok := path[1].(*ast.BlockStmt); ok && path[0] == ifs {
			list = b.List
		}
	}
	k := slices.Index(list, ast.Stmt(ifs))
	ai := -1
	for i := 0; i < k; i++ {
		if contains(list[i], a.Pos()) {
			ai = i
		}
	}
	if ai < 0 || !isStmtAt(list[ai], a) {
		return fmt.Sprintf("the before-chain loop can go on with %s set (its assignment at line %d is not in the block of the nil check), so a guard on it could skip the handler", x.Name(), line)
	}
	for _, st := range list[ai+1 : k] {
		if leaves(st) {
			return fmt.Sprintf("the before-chain loop can go on with %s set (a branch between its assignment at line %d and the nil check), so a guard on it could skip the handler", x.Name(), line)
		}
	}
	return ""
}

// isStmtAt reports whether the assignment site a is the statement st
// itself (or, for a var, the only spec of st).
func isStmtAt(st ast.Stmt, a ast.Node) bool {
	if st == a {
		return true
	}
	ds, ok := st.(*ast.DeclStmt)
	if !ok {
		return false
	}
	gd, ok := ds.Decl.(*ast.GenDecl)
	return ok && len(gd.Specs) == 1 && gd.Specs[0] == a
}

// leaves reports whether st holds a break, continue or goto that may take
// control out of st other than by a return.
func leaves(st ast.Stmt) bool {
	found := false
	shortcircuit.Leaving(st, func(x ast.Stmt) bool {
		_, found = x.(*ast.BranchStmt)
		return !found
	})
	return found
}

// loopDecl returns the statement in the loop that declares x and the block
// holding it (nil when it is the init of an if statement).
func (fx *fixer) loopDecl(loop *chains.Loop, x *types.Var) (ast.Stmt, *ast.BlockStmt, string) {
	var decl ast.Stmt
	ast.Inspect(loop.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, v := range definedBy(fx.info, n) {
					if v == x {
						decl = n
					}
				}
			}
		case *ast.DeclStmt:
			for _, v := range definedBy(fx.info, n) {
				if v == x {
					decl = n
				}
			}
		}
		return decl == nil
	})
	if decl == nil {
		return nil, nil, fmt.Sprintf("the short-circuit response %s is declared in a way the fix cannot turn into an assignment", x.Name())
	}
	if ds, ok := decl.(*ast.DeclStmt); ok {
		gd := ds.Decl.(*ast.GenDecl)
		if len(gd.Specs) != 1 || len(gd.Specs[0].(*ast.ValueSpec).Names) != 1 {
			return nil, nil, fmt.Sprintf("the declaration of %s in the before-chain loop declares more", x.Name())
		}
	}
	// The path may start below decl (a DeclStmt's GenDecl has its extent).
	p, _ := astutil.PathEnclosingInterval(fx.file, decl.Pos(), decl.End())
	var parent ast.Node
	for k := 0; k+1 < len(p); k++ {
		if p[k] == decl {
			parent = p[k+1]
			break
		}
	}
	switch parent := parent.(type) {
	case *ast.BlockStmt:
		return decl, parent, ""
	case *ast.IfStmt:
		if parent.Init == decl && len(definedBy(fx.info, decl)) == 1 {
			return decl, nil, ""
		}
		return nil, nil, fmt.Sprintf("the if statement that declares %s declares more", x.Name())
	}
	return nil, nil, fmt.Sprintf("the short-circuit response %s is declared in a way the fix cannot turn into an assignment", x.Name())
}

// convertVar returns the replacement of "var x [T] = v", x = v, to take
// the declaration's place with its comments (fixes.File.Swap), or nil for
// "var x T", which goes (x is nil there, see nilAfterCheck).
func (fx *fixer) convertVar(ds *ast.DeclStmt) dst.Stmt {
	spec := ds.Decl.(*ast.GenDecl).Specs[0].(*ast.ValueSpec)
	if len(spec.Values) == 0 {
		return nil
	}
	dspec := fx.f.Node(spec).(*dst.ValueSpec)
	return &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(spec.Names[0].Name)}, Tok: token.ASSIGN, Rhs: dspec.Values}
}
