package skipafter

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/dave/dst"

	"github.com/chainlint/chainlint/analyzers/skipafter/internal/shortcircuit"
)

// chain finds the later short-circuits in the handler code of the runner
// form (if resp := s.auth(req); resp != nil { return resp } followed by
// if resp := s.cors(req); resp != nil { return resp }) and marks them for
// the same rewrite, which nests their guards:
//
//	resp := s.auth(req)
//	if resp == nil {
//		resp = s.cors(req)
//		if resp == nil {
//			resp = s.handler(req)
//		}
//	}
//
// Each is a top-level if statement of the handler code that only returns
// a response named like v, with an init that declares nothing but it. The
// fix of each is then the same, so appliers that take every fix apply it
// once, and none overlaps another. A short-circuit in the handler code in
// another shape would be rewritten by two overlapping fixes: then no fix,
// until its own is applied.
func (fx *fixer) chain(handler []ast.Stmt, v *types.Var) string {
	fx.chained = map[*ast.ReturnStmt]bool{}
	for _, o := range fx.all {
		if o == fx.sc || o.Kind != shortcircuit.Response || !handlerHolds(handler, o.Exit.Pos()) {
			// Only responses get fixes: an error or written answer
			// stays in the handler code as it is.
			continue
		}
		if why := fx.chainable(handler, o, v); why != "" {
			return fmt.Sprintf("the handler code holds another short-circuit (line %d) that the same rewrite cannot fix: %s; apply its fix first",
				fx.pass.Fset.Position(o.Exit.Pos()).Line, why)
		}
		fx.chained[o.Return] = true
	}
	return ""
}

// handlerHolds reports whether a statement of handler holds pos.
func handlerHolds(handler []ast.Stmt, pos token.Pos) bool {
	for _, st := range handler {
		if contains(st, pos) {
			return true
		}
	}
	return false
}

// chainable says why o cannot join the rewrite, or "".
func (fx *fixer) chainable(handler []ast.Stmt, o *shortcircuit.ShortCircuit, v *types.Var) string {
	if o.Return == nil {
		return "it " + o.How
	}
	var ifs *ast.IfStmt
	for _, st := range handler {
		if s, ok := st.(*ast.IfStmt); ok && len(s.Body.List) == 1 && s.Body.List[0] == ast.Stmt(o.Return) {
			ifs = s
		}
	}
	if ifs == nil || ifs.Else != nil {
		return "the return is not the only statement of an if statement of the handler code"
	}
	w := fx.returnedVar(o.Return)
	if w == nil || w.Name() != v.Name() || !types.Identical(w.Type(), v.Type()) {
		return fmt.Sprintf("it does not return a response named %s", v.Name())
	}
	for _, d := range definedBy(fx.info, ifs.Init) {
		if d.Name() != v.Name() {
			return fmt.Sprintf("its if statement declares %s", d.Name())
		}
	}
	return ""
}

// chainedIf returns st when it is the if statement of a short-circuit
// joined to the rewrite, or nil.
func (fx *fixer) chainedIf(st ast.Stmt) *ast.IfStmt {
	ifs, ok := st.(*ast.IfStmt)
	if !ok || len(ifs.Body.List) != 1 {
		return nil
	}
	if ret, ok := ifs.Body.List[0].(*ast.ReturnStmt); ok && fx.chained[ret] {
		return ifs
	}
	return nil
}

// chainedGuard rewrites a joined short-circuit "if init; cond { return
// resp }" followed by rest into "init' ; if !cond { rest }", init' assigning
// the outer response rather than declaring one.
func (fx *fixer) chainedGuard(ifs *ast.IfStmt, rest []ast.Stmt, outer map[string]bool) ([]dst.Stmt, string) {
	var out []dst.Stmt
	dif := fx.f.Node(ifs).(*dst.IfStmt)
	if ifs.Init != nil {
		init, why := fx.convertDefine(ifs.Init, outer)
		if why != "" {
			return nil, why
		}
		dif.Init = nil
		init[0].Decorations().Before = dst.NewLine
		init[0].Decorations().Start = dif.Decs.Start
		dif.Decs.Start = nil
		out = append(out, init...)
	}
	body, why := fx.guardBody(rest, outer)
	if why != "" {
		return nil, why
	}
	dif.Cond = negate(dif.Cond)
	dif.Body.List = body
	dif.Decs.Before = dst.NewLine
	return append(out, dif), ""
}

// sourceNames names the before-chains whose short-circuits the rewrite
// routes: sc's and those of the joined ones.
func (fx *fixer) sourceNames() string {
	names := []string{fx.sc.SourceName}
	for _, o := range fx.all {
		if o.Return != nil && fx.chained[o.Return] && !slices.Contains(names, o.SourceName) {
			names = append(names, o.SourceName)
		}
	}
	return joinAnd(names)
}
