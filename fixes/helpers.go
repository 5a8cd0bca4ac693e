package fixes

import (
	"cmp"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
	"golang.org/x/tools/go/analysis"
)

// Replace replaces the statement st of the original file, wherever it
// stands in a statement list (a block, a case or a select clause) or as a
// labeled statement, by with (none deletes it). The statement's own
// comments go with it: those directly above it and the one trailing it on
// its line. Comments that only happen to be decorations of it stay: a
// section comment separated from it by a blank line, and comments on the
// lines after it (such as an Example's "// Output:").
func (f *File) Replace(st ast.Stmt, with ...dst.Stmt) error {
	return f.replace(st, with, keepOthers)
}

// Delete deletes the statement st of the original file, wherever Replace
// would find it, and the statement after it in its list moves up into its
// place: it takes st's line break before and all the comments above st,
// st's own included (a deleted declaration whose comment still speaks of
// the variable). The comment trailing st on its line goes. When nothing
// follows st in its list, Delete is Replace(st).
func (f *File) Delete(st ast.Stmt) error {
	return f.replace(st, nil, moveUp)
}

// Swap replaces the statement st of the original file, wherever Replace
// would find it, by with, a statement built to stand for it (a for loop
// rewritten as a range loop): with takes over all of st's decorations,
// the comments above it, on its line and after it, and its line breaks,
// which it must not have of its own.
func (f *File) Swap(st ast.Stmt, with dst.Stmt) error {
	target, ok := f.Node(st).(dst.Stmt)
	if !ok {
		return cmp.Or(f.failed, errors.New("fixes: statement not in the decorated file"))
	}
	*with.Decorations() = *target.Decorations()
	return f.replace(st, []dst.Stmt{with}, takeAll)
}

// InsertBefore inserts with into the statement list holding st, a
// statement of the original file, before st. The comments above st and
// its line break before go to the first inserted statement, so that a
// comment on st now heads the group.
func (f *File) InsertBefore(st ast.Stmt, with ...dst.Stmt) error {
	if len(with) == 0 {
		return nil
	}
	for _, s := range with[1:] {
		s.Decorations().Before = dst.NewLine
	}
	return f.replace(st, with, insert)
}

// What becomes of the comments of a replaced statement.
type comments int

const (
	keepOthers comments = iota // those not its own move to its neighbours (Replace)
	takeAll                    // the replacement already carries them all (Swap)
	moveUp                     // the next statement takes those above it (Delete)
	insert                     // st stays, after with, which takes those above it (InsertBefore)
)

// replace puts with in the place of st, dealing with st's comments as
// mode says.
func (f *File) replace(st ast.Stmt, with []dst.Stmt, mode comments) error {
	target, ok := f.Node(st).(dst.Stmt)
	if !ok {
		return cmp.Or(f.failed, errors.New("fixes: statement not in the decorated file"))
	}
	p, err := f.partOf(f.declIndex(st.Pos()))
	if err != nil {
		return err
	}
	done := false
	dst.Inspect(p.dst, func(n dst.Node) bool {
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
			if n.Stmt == target && mode != insert {
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
				switch {
				case mode == moveUp && i+1 < len(*list):
					d, next := s.Decorations(), (*list)[i+1].Decorations()
					next.Start = append(append(dst.Decorations(nil), d.Start...), next.Start...)
					next.Before = d.Before
				case mode == insert:
					d, first := s.Decorations(), with[0].Decorations()
					first.Before, first.Start = d.Before, d.Start
					d.Before, d.Start = dst.NewLine, nil
				case mode != takeAll:
					keepComments(n, *list, i, with)
				}
				out := append([]dst.Stmt(nil), (*list)[:i]...)
				out = append(out, with...)
				rest := i + 1
				if mode == insert {
					rest = i
				}
				*list = append(out, (*list)[rest:]...)
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
// building code from text ("rt.BatchedLocker(&mu, chain, nil)").
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

// keepComments moves the decorations of list[i] that are not its own (see
// Replace) to the statements around it, before it is replaced by with.
func keepComments(owner dst.Node, list []dst.Stmt, i int, with []dst.Stmt) {
	d := list[i].Decorations()
	if len(with) == 0 && i == 0 && len(list) > 1 {
		// The new first statement starts where the deleted one did, not
		// after a blank line.
		list[1].Decorations().Before = d.Before
	}
	var start, end []string
	if k := lastIndex(d.Start, "\n"); k >= 0 {
		start = append(start, d.Start[:k+1]...)
	}
	if len(d.End) > 0 {
		if isComment(d.End[0]) {
			if len(d.End) > 1 {
				end = append([]string{"\n"}, d.End[1:]...)
			}
		} else {
			end = append(end, d.End...)
		}
	}
	if len(start) == 0 && len(end) == 0 {
		return
	}
	if len(with) > 0 && with[0] == list[i] {
		return // reused: it keeps its decorations
	}
	var prev, next dst.Stmt
	if i > 0 {
		prev = list[i-1]
	}
	if i+1 < len(list) {
		next = list[i+1]
	}
	if len(with) > 0 {
		prev, next = with[len(with)-1], with[0]
	}
	switch {
	case prev == nil && next == nil:
		all := append(start, end...)
		switch o := owner.(type) {
		case *dst.BlockStmt:
			o.Decs.Lbrace.Append(all...)
		case *dst.CaseClause:
			o.Decs.Colon.Append(all...)
		case *dst.CommClause:
			o.Decs.Colon.Append(all...)
		}
	case prev == nil:
		next.Decorations().Start.Prepend(append(start, trimLeadingNL(end)...)...)
	case next == nil:
		if len(start) > 0 {
			prev.Decorations().End.Append(append([]string{"\n"}, start...)...)
		}
		prev.Decorations().End.Append(end...)
	default:
		next.Decorations().Start.Prepend(start...)
		prev.Decorations().End.Append(end...)
	}
}

func isComment(s string) bool {
	return strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/*")
}

func lastIndex(d dst.Decorations, s string) int {
	for k := len(d) - 1; k >= 0; k-- {
		if d[k] == s {
			return k
		}
	}
	return -1
}

func trimLeadingNL(d []string) []string {
	for len(d) > 0 && d[0] == "\n" {
		d = d[1:]
	}
	if len(d) > 0 {
		d = append(d, "\n")
	}
	return d
}

// TypeString spells t as code in file, a file of pass, can: the pass's own
// package unqualified, another package by the name file imports it under
// (an import named _ or . does not count). missing is the first package t
// names that file does not import, nil when there is none; the string then
// qualifies it by its package name and is not for use.
func TypeString(pass *analysis.Pass, file *ast.File, t types.Type) (s string, missing *types.Package) {
	s = types.TypeString(t, func(p *types.Package) string {
		if p == pass.Pkg {
			return ""
		}
		for _, spec := range file.Imports {
			if pn := pass.TypesInfo.PkgNameOf(spec); pn != nil && pn.Imported() == p && pn.Name() != "_" && pn.Name() != "." {
				return pn.Name()
			}
		}
		if missing == nil {
			missing = p
		}
		return p.Name()
	})
	return s, missing
}
