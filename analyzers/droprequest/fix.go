package droprequest

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/chainlint/chainlint/analyzers/droprequest/internal/reqflow"
	"github.com/chainlint/chainlint/fixes"
)

// unreplaceable says why arg cannot simply be replaced: it calls a
// function (the call would be lost), or it is the last use of a local
// variable whose declaration cannot go with it (an unused variable does not
// compile). When the declaration can go (a statement of its own line whose
// value has no effect), the edits deleting it are returned.
func (c *checker) unreplaceable(fn ast.Node, arg ast.Expr) (string, []analysis.TextEdit) {
	info := c.pass.TypesInfo
	why := ""
	ast.Inspect(arg, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || why != "" {
			return why == ""
		}
		if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
			return true // a conversion
		}
		if b, ok := typeutil.Callee(info, call).(*types.Builtin); ok && b.Name() == "new" {
			return true
		}
		why = "replacing " + types.ExprString(arg) + " would drop the call " + types.ExprString(call.Fun)
		return false
	})
	if why != "" {
		return why, nil
	}
	id, ok := ast.Unparen(arg).(*ast.Ident)
	if !ok {
		return "", nil
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok || v.IsField() || v.Pkg() != c.pass.Pkg || v.Parent() == v.Pkg().Scope() || !within(v.Pos(), fn) {
		return "", nil // a package-level variable, or one of an enclosing function
	}
	var ft *ast.FuncType
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		ft = fn.Type
	case *ast.FuncLit:
		ft = fn.Type
	}
	if ft != nil && ft.Params != nil {
		for _, fld := range ft.Params.List {
			for _, n := range fld.Names {
				if info.Defs[n] == v {
					return "", nil // parameters may go unused
				}
			}
		}
	}
	uses := 0
	for other, obj := range info.Uses {
		if obj == v && other != id {
			uses++
		}
	}
	if uses >= c.replaced[v] {
		return "", nil // used elsewhere, by code no fix replaces
	}
	// Every use of v is an argument some diagnostic replaces: each of
	// their fixes replaces them all and deletes the declaration (identical
	// edit sets, applied once when several fixes are).
	var extra []analysis.TextEdit
	if c.replaced[v] > 1 {
		g := c.group[v]
		if len(g) != c.replaced[v] {
			return "replacing " + id.Name + " here and in its other after-chain calls would leave it unused", nil
		}
		for _, e := range g {
			if e.Pos != id.Pos() {
				extra = append(extra, e)
			}
		}
	}
	if edits := c.deleteDecl(fn, v); edits != nil {
		return "", append(extra, edits...)
	}
	return "replacing " + id.Name + " would leave it unused", nil
}

func within(pos token.Pos, n ast.Node) bool { return n.Pos() <= pos && pos < n.End() }

// deleteDecl returns the edit deleting the declaration of v, when it is a
// statement alone on its line ("v := x", "var v T", "var v = x") whose
// value has no effect (a variable, a constant, nil, &T{} or new(T)), and v
// is assigned nowhere else.
func (c *checker) deleteDecl(fn ast.Node, v *types.Var) []analysis.TextEdit {
	info := c.pass.TypesInfo
	var stmt ast.Stmt
	var value ast.Expr
	assigns := 0
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := ast.Unparen(l).(*ast.Ident); ok && (info.Defs[id] == v || info.Uses[id] == v) {
					assigns++
					if info.Defs[id] == v && len(n.Lhs) == 1 && len(n.Rhs) == 1 {
						stmt, value = n, n.Rhs[0]
					}
				}
			}
		case *ast.DeclStmt:
			gd, ok := n.Decl.(*ast.GenDecl)
			if !ok || len(gd.Specs) != 1 || gd.Lparen.IsValid() {
				return true
			}
			if vs, ok := gd.Specs[0].(*ast.ValueSpec); ok && len(vs.Names) == 1 && info.Defs[vs.Names[0]] == v && len(vs.Values) <= 1 {
				assigns++
				stmt = n
				if len(vs.Values) == 1 {
					value = vs.Values[0]
				}
			}
		case *ast.IncDecStmt:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && info.Uses[id] == v {
				assigns += 2
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok && (info.Defs[id] == v || info.Uses[id] == v) {
					assigns += 2
				}
			}
		case *ast.UnaryExpr:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND && info.Uses[id] == v {
				assigns += 2
			}
		}
		return true
	})
	if stmt == nil || assigns != 1 || (value != nil && !pure(info, value)) {
		return nil
	}
	tf := c.pass.Fset.File(stmt.Pos())
	if tf == nil {
		return nil
	}
	src, err := fixes.Source(c.pass, tf)
	if err != nil {
		return nil
	}
	line := tf.Line(stmt.Pos())
	if tf.Line(stmt.End()) != line {
		return nil
	}
	start := tf.LineStart(line)
	end := token.Pos(tf.Base() + tf.Size())
	if line < tf.LineCount() {
		end = tf.LineStart(line + 1)
	}
	off := func(p token.Pos) int { return tf.Offset(p) }
	if strings.TrimSpace(string(src[off(start):off(stmt.Pos())])) != "" ||
		strings.TrimSpace(string(src[off(stmt.End()):off(end)])) != "" {
		return nil // shares its line with other code or a comment
	}
	return []analysis.TextEdit{{Pos: start, End: end}}
}

// pure reports whether evaluating e has no effect and cannot panic.
func pure(info *types.Info, e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.UnaryExpr:
		if cl, ok := ast.Unparen(e.X).(*ast.CompositeLit); ok && e.Op == token.AND {
			return pure(info, cl)
		}
	case *ast.CompositeLit:
		for _, el := range e.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			if !pure(info, el) {
				return false
			}
		}
		return true
	case *ast.CallExpr:
		if tv, ok := info.Types[e.Fun]; ok && tv.IsType() && len(e.Args) == 1 {
			return pure(info, e.Args[0]) // a conversion
		}
		if b, ok := typeutil.Callee(info, e).(*types.Builtin); ok && b.Name() == "new" {
			return true
		}
	}
	return false
}

// deferFix returns the edits that make a deferred after-call see the
// request current at the function's exit: the call moves into a deferred
// closure (defer func() { s.runAfter(req, &resp) }()), so its arguments
// are evaluated when it runs, and the request argument becomes the
// variable holding the current request, when that variable is in scope at
// the defer statement. It says why not when the closure would change what
// another part of the call evaluates to: a variable it reads is assigned
// after the defer statement, or it calls a function.
func (c *checker) deferFix(fn ast.Node, ac *reqflow.AfterCall, v *reqflow.Verdict) (string, []analysis.TextEdit) {
	info := c.pass.TypesInfo
	l := v.Latest
	cur := c.lookup(ac.Call.Pos(), l.Expr)
	if cur == nil || cur.Pos() > ac.Call.Pos() {
		return l.Expr + " is declared after the defer statement", nil
	}
	if why := c.mayRecover(ac.Call); why != "" {
		return why, nil
	}
	later := c.assignedAfter(fn, ac.Call.End())
	why := ""
	ast.Inspect(ac.Call, func(n ast.Node) bool {
		if why != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if _, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND {
				return false // &resp: the same address at the exit
			}
		case *ast.CallExpr:
			if n != ac.Call {
				why = "the deferred call's arguments call " + types.ExprString(n.Fun) + ", which would run at the exit instead"
			}
		case *ast.Ident:
			if x, ok := info.Uses[n].(*types.Var); ok && x != cur && later[x] && !within(n.Pos(), v.Arg) {
				why = n.Name + " is assigned after the defer statement, so the deferred call would see its new value"
			}
		}
		return true
	})
	if why != "" {
		return why, nil
	}
	var edits []analysis.TextEdit
	if id, ok := ast.Unparen(v.Arg).(*ast.Ident); !ok || info.Uses[id] != cur {
		edits = append(edits, analysis.TextEdit{Pos: v.Arg.Pos(), End: v.Arg.End(), NewText: []byte(l.Expr)})
	}
	edits = append(edits,
		analysis.TextEdit{Pos: ac.Call.Pos(), End: ac.Call.Pos(), NewText: []byte("func() { ")},
		analysis.TextEdit{Pos: ac.Call.End(), End: ac.Call.End(), NewText: []byte(" }()")})
	return "", edits
}

// lookup returns the variable name denotes at pos, or nil.
func (c *checker) lookup(pos token.Pos, name string) *types.Var {
	scope := c.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return nil
	}
	_, obj := scope.LookupParent(name, pos)
	v, _ := obj.(*types.Var)
	return v
}

// assignedAfter returns the variables that fn assigns (or takes the
// address of) after pos.
func (c *checker) assignedAfter(fn ast.Node, pos token.Pos) map[*types.Var]bool {
	info := c.pass.TypesInfo
	out := map[*types.Var]bool{}
	mark := func(e ast.Expr) {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok && id.Pos() > pos {
			if v, ok := info.Uses[id].(*types.Var); ok {
				out[v] = true
			}
		}
	}
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				mark(l)
			}
		case *ast.IncDecStmt:
			mark(n.X)
		case *ast.RangeStmt:
			mark(n.Key)
			mark(n.Value)
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				mark(n.X)
			}
		}
		return true
	})
	return out
}

// mayRecover says why the deferred call may call recover, which stops a
// panic only when called by the deferred function itself, not by one a
// deferred closure calls: a callee of another package, or not known
// statically, or whose body calls recover.
func (c *checker) mayRecover(call *ast.CallExpr) string {
	info := c.pass.TypesInfo
	name := types.ExprString(call.Fun)
	callee, _ := typeutil.Callee(info, call).(*types.Func)
	if callee == nil || callee.Pkg() != c.pass.Pkg {
		return name + " may call recover, which works only in the deferred function itself, and its body is not in this package"
	}
	var decl *ast.FuncDecl
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && info.Defs[fd.Name] == callee.Origin() {
				decl = fd
			}
		}
	}
	if decl == nil || decl.Body == nil {
		return name + " may call recover, which works only in the deferred function itself"
	}
	calls := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if b, ok := typeutil.Callee(info, call).(*types.Builtin); ok && b.Name() == "recover" {
				calls = true
			}
		}
		return !calls
	})
	if calls {
		return name + " calls recover, which would stop working in a deferred closure"
	}
	return ""
}
