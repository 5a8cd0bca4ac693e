package chainlock

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// The uses of a built chain in its package: the fix is safe only when
// nothing but its construction writes it and nothing but the loops the fix
// rewrites runs its elements.

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
