package fixes

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
)

// Replace replaces the statement st of the original file, wherever it
// stands in a statement list (a block, a case or a select clause) or as a
// labeled statement, by with (none deletes it). The replaced statement's
// own comments go with it unless with reuses its decorated node.
func (f *File) Replace(st ast.Stmt, with ...dst.Stmt) error {
	target, ok := f.Node(st).(dst.Stmt)
	if !ok {
		return errors.New("fixes: statement not in the decorated file")
	}
	done := false
	dst.Inspect(f.dst, func(n dst.Node) bool {
		if done {
			return false
		}
		var list *[]dst.Stmt
		switch n := n.(type) {
		case *dst.BlockStmt:
			list = &n.List
		case *dst.CaseClause:
			list = &n.Body
		case *dst.CommClause:
			list = &n.Body
		case *dst.LabeledStmt:
			if n.Stmt == target {
				switch len(with) {
				case 0:
					n.Stmt = &dst.EmptyStmt{Implicit: true}
				case 1:
					n.Stmt = with[0]
				default:
					n.Stmt = &dst.BlockStmt{List: with}
				}
				done = true
			}
			return !done
		default:
			return true
		}
		for i, s := range *list {
			if s == target {
				out := append([]dst.Stmt(nil), (*list)[:i]...)
				out = append(out, with...)
				*list = append(out, (*list)[i+1:]...)
				done = true
				return false
			}
		}
		return true
	})
	if !done {
		return errors.New("fixes: statement is not in a statement list")
	}
	return nil
}

// Expr parses src, a Go expression, into a new decorated expression, for
// building code from text ("rt.Batched(&mu, chain, nil)").
func Expr(src string) (dst.Expr, error) {
	fset := token.NewFileSet()
	e, err := parser.ParseExprFrom(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	n, err := decorator.NewDecorator(fset).DecorateNode(e)
	if err != nil {
		return nil, err
	}
	return n.(dst.Expr), nil
}

// Stmts parses src, Go statements as they would stand in a function body,
// into new decorated statements.
func Stmts(src string) ([]dst.Stmt, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+src+"\n}\n", parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	df, err := decorator.NewDecorator(fset).DecorateFile(file)
	if err != nil {
		return nil, err
	}
	body := df.Decls[0].(*dst.FuncDecl).Body
	list := body.List
	body.List = nil // detach: the statements move to another tree
	return list, nil
}
