package skipafter

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strconv"

	"github.com/dave/dst"
	"golang.org/x/tools/go/ast/astutil"
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
	br := fx.sc.Exit.(*ast.BranchStmt)
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

// isGoto reports whether st is a goto to label name (any label for "").
func isGoto(st ast.Stmt, name string) bool {
	br, ok := st.(*ast.BranchStmt)
	return ok && br.Tok == token.GOTO && (name == "" || br.Label.Name == name)
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

// hoistSteps handles a short-circuit that falls out of an if statement
// whose body runs the handler and then the skipped steps (if resp == nil
// { resp = s.handler(req); resp = s.runAfter(req, resp) }): the steps move
// out of the body, right after the if statement, so both paths run them.
// On the normal path they run in the same order as before; the fix is
// offered only when they end the body, which has no else, declares
// nothing they use, and holds nothing that leaves the body before them
// other than by return.
func (fx *fixer) hoistSteps() string {
	ifs, ok := fx.sc.Exit.(*ast.IfStmt)
	if !ok {
		return fx.exitReason()
	}
	if ifs.Else != nil {
		return "the if statement the short-circuit falls out of has an else branch"
	}
	body := ifs.Body.List
	k := len(body)
	for k > 0 && fx.isStep(body[k-1]) {
		k--
	}
	for _, s := range fx.sc.Skipped {
		if !contains(ifs.Body, s.Node.Pos()) || s.Node.Pos() < posOr(body, k, ifs.Body.Rbrace) {
			return fmt.Sprintf("%s does not end the body of the if statement the short-circuit falls out of", s.Name)
		}
	}
	if k == 0 {
		return "the body of the if statement holds nothing but the steps"
	}
	for _, o := range definedAt(fx.info, body[:k]) {
		if usesObj(fx.info, body[k:], o) {
			return fmt.Sprintf("the steps use %s, which the body of the if statement declares", o.Name())
		}
	}
	for _, st := range body[:k] {
		if leaves(st) {
			return "the body of the if statement may leave it before the steps"
		}
	}
	block, ok := fx.parentBlock(ifs)
	if !ok {
		return "the if statement is not in a plain block"
	}
	if why := fx.decorate(); why != "" {
		return why
	}
	dblock := fx.f.Node(block).(*dst.BlockStmt)
	dif := fx.f.Node(ifs).(*dst.IfStmt)
	moved := dif.Body.List[k:]
	dif.Body.List = dif.Body.List[:k:k]
	i := slices.Index(dblock.List, dst.Stmt(dif))
	list := append([]dst.Stmt(nil), dblock.List[:i+1]...)
	list = append(list, moved...)
	dblock.List = append(list, dblock.List[i+1:]...)
	fx.message = fmt.Sprintf("Run %s after the if statement, so the short-circuit response of %s goes through it too", skippedNames(fx.sc), fx.sc.SourceName)
	return ""
}

// posOr returns the position of list[k], or end when k is past the list.
func posOr(list []ast.Stmt, k int, end token.Pos) token.Pos {
	if k < len(list) {
		return list[k].Pos()
	}
	return end
}

// parentBlock returns the block whose statement st is.
func (fx *fixer) parentBlock(st ast.Stmt) (*ast.BlockStmt, bool) {
	path, _ := astutil.PathEnclosingInterval(fx.file, st.Pos(), st.End())
	for k := 0; k+1 < len(path); k++ {
		if path[k] == st {
			b, ok := path[k+1].(*ast.BlockStmt)
			return b, ok
		}
	}
	return nil, false
}

// exitReason says why a short-circuit that leaves other than by a return,
// a goto or falling out of an if statement gets no fix.
func (fx *fixer) exitReason() string {
	switch x := fx.sc.Exit.(type) {
	case *ast.BranchStmt:
		return fmt.Sprintf("the after-chain lies inside what %s leaves; set the response and let control reach the after-chain instead", x.Tok)
	case *ast.AssignStmt:
		return "the response comes from a recovered panic; run the after-chain and the finalizers in the deferred function too"
	}
	return "the after-chain runs only on the branch the short-circuit does not take; move it after the branches"
}
