package skipafter

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strconv"

	"github.com/dave/dst"
)

// retarget handles a short-circuit that jumps with goto to a label L past
// the skipped steps: the jump goes instead to the first of them, so that
// the short-circuit response goes through them on its way to L. That is
// the same program on every other path only when nothing but the steps
// lies between there and L, in L's block, and the goto jumps forward in
// that block. When every jump to L is a reported short-circuit's goto,
// the label itself moves (the fix is the same for all of them);
// otherwise a new label goes before the first step and this goto jumps
// to it.
func (fx *fixer) retarget() string {
	br, ok := fx.sc.Exit.(*ast.BranchStmt)
	if !ok || br.Tok != token.GOTO {
		return "the fix rewrites a return or a goto of the short-circuit response, and this one " + fx.sc.How
	}
	name := br.Label.Name
	lab, block := fx.labeled(name)
	if lab == nil {
		return fmt.Sprintf("label %s is not a statement of a plain block", name)
	}
	li := slices.Index(block.List, ast.Stmt(lab))
	k := -1
	for idx := li - 1; idx >= 0; idx-- {
		if !fx.isStep(block.List[idx]) {
			break
		}
		k = idx
	}
	for _, s := range fx.sc.Skipped {
		if k < 0 || !contains(block, s.Node.Pos()) || s.Node.Pos() < block.List[k].Pos() || s.Node.Pos() >= lab.Pos() {
			gap := li - 1 // the statement that is not a step
			if k >= 0 {
				gap = k - 1
			}
			if gap >= 0 && contains(block, s.Node.Pos()) && s.Node.Pos() < block.List[gap].Pos() {
				line := fx.pass.Fset.Position(block.List[gap].Pos()).Line
				return fmt.Sprintf("line %d lies between %s and label %s and would run on the short-circuit path too", line, s.Name, name)
			}
			return fmt.Sprintf("%s does not lie before label %s in its block", s.Name, name)
		}
	}
	if !contains(block, br.Pos()) || br.Pos() >= block.List[k].Pos() {
		return fmt.Sprintf("the goto does not jump forward to label %s in its block", name)
	}
	if why := fx.decorate(); why != "" {
		return why
	}
	dblock := fx.f.Node(block).(*dst.BlockStmt)
	first := dblock.List[k]
	if fx.onlyShortCircuits(name) {
		dlab := dblock.List[li].(*dst.LabeledStmt)
		inner := dlab.Stmt
		inner.Decorations().Before = dlab.Decs.Before
		inner.Decorations().Start = append(dlab.Decs.Start, inner.Decorations().Start...)
		dblock.List[li] = inner
		dblock.List[k] = labeledStmt(name, first)
		for _, o := range fx.all {
			if o.Exit != fx.sc.Exit && isGoto(o.Exit, name) {
				fx.joined = append(fx.joined, o)
			}
		}
		fx.message = fmt.Sprintf("Move label %s before %s, so the short-circuit response of %s goes through it", name, skippedNames(fx.sc), fx.sc.SourceName)
		return ""
	}
	fresh := fx.freshLabel("after")
	dblock.List[k] = labeledStmt(fresh, first)
	fx.f.Node(br).(*dst.BranchStmt).Label = dst.NewIdent(fresh)
	fx.message = fmt.Sprintf("Jump to a new label %s before %s, so the short-circuit response of %s goes through it", fresh, skippedNames(fx.sc), fx.sc.SourceName)
	return ""
}

func labeledStmt(name string, st dst.Stmt) *dst.LabeledStmt {
	l := &dst.LabeledStmt{Label: dst.NewIdent(name), Stmt: st}
	l.Decs.Before = st.Decorations().Before
	l.Decs.Start = st.Decorations().Start
	st.Decorations().Start = nil
	st.Decorations().Before = dst.NewLine
	return l
}

// labeled returns the statement labeled name in the function and the
// block that holds it, or nil.
func (fx *fixer) labeled(name string) (*ast.LabeledStmt, *ast.BlockStmt) {
	var lab *ast.LabeledStmt
	var block *ast.BlockStmt
	ast.Inspect(fx.sc.Func, func(n ast.Node) bool {
		if b, ok := n.(*ast.BlockStmt); ok {
			for _, st := range b.List {
				if l, ok := st.(*ast.LabeledStmt); ok && l.Label.Name == name {
					lab, block = l, b
				}
			}
		}
		_, lit := n.(*ast.FuncLit)
		return lab == nil && !lit
	})
	return lab, block
}

// isStep reports whether st is the statement of a step of the common path.
func (fx *fixer) isStep(st ast.Stmt) bool {
	for _, c := range fx.sc.Common {
		if c.Stmt == st && !c.Deferred {
			return true
		}
	}
	return false
}

// onlyShortCircuits reports whether every jump to label name in the
// function is the goto of a reported short-circuit.
func (fx *fixer) onlyShortCircuits(name string) bool {
	only := true
	ast.Inspect(fx.sc.Func, func(n ast.Node) bool {
		br, ok := n.(*ast.BranchStmt)
		if ok && br.Label != nil && br.Label.Name == name {
			found := false
			for _, o := range fx.all {
				found = found || o.Exit == ast.Stmt(br) && o.Kind == fx.sc.Kind
			}
			only = only && found
		}
		return only
	})
	return only
}

func isGoto(st ast.Stmt, name string) bool {
	br, ok := st.(*ast.BranchStmt)
	return ok && br.Tok == token.GOTO && br.Label.Name == name
}

// freshLabel returns base, or base2, base3, ...: a label the function does
// not have.
func (fx *fixer) freshLabel(base string) string {
	used := map[string]bool{}
	ast.Inspect(fx.sc.Func, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			used[l.Label.Name] = true
		}
		return true
	})
	name := base
	for i := 2; used[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	return name
}
