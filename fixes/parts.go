package fixes

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"sync"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
	"golang.org/x/tools/go/analysis"
)

// Analyzer shares, between the fixes of all diagnostics of a pass, what
// every fix of one file needs: the file's text, its line table and the
// names it declares. An analyzer that builds fixes requires it; without
// it (a pass built by hand) each fix computes them again, which costs a
// read and a walk of the whole file per fix.
var Analyzer = &analysis.Analyzer{
	Name:       "fixes",
	Doc:        "cache of per-file data for building suggested fixes (no diagnostics)",
	Run:        func(*analysis.Pass) (any, error) { return new(cache), nil },
	ResultType: reflect.TypeFor[*cache](),
}

// A cache holds the fileData of the files of one pass. The analyzers of a
// pass run concurrently, so it is locked.
type cache struct {
	mu    sync.Mutex
	files map[*ast.File]*fileData
}

// fileData returns the shared data of file, computing it once per pass.
func fileDataOf(pass *analysis.Pass, file *ast.File, tok *token.File) *fileData {
	c, _ := pass.ResultOf[Analyzer].(*cache)
	if c == nil {
		return newFileData(pass, file, tok)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.files[file]; d != nil {
		return d
	}
	if c.files == nil {
		c.files = make(map[*ast.File]*fileData)
	}
	d := newFileData(pass, file, tok)
	c.files[file] = d
	return d
}

// fileData is what the fixes of one file share. The edits of a fix apply
// to src, the text of the file the user edits: the pass's file itself, or,
// for a file cgo translated (its //line directives name the user's file),
// the user's file, read from disk, with a token.File of its own (target)
// that the edits are positioned in.
type fileData struct {
	err        error
	name       string      // the edited file
	src        []byte      // its text
	target     *token.File // the token.File edits are positioned in
	lineStarts []int       // byte offset of each line of src (line n at [n-1])

	namesOnce sync.Once
	names     map[string]int // see File.declared
}

func newFileData(pass *analysis.Pass, file *ast.File, tok *token.File) *fileData {
	d := &fileData{name: tok.Name(), target: tok}
	adjusted := pass.Fset.PositionFor(file.Name.Pos(), true).Filename
	if adjusted == tok.Name() {
		d.src, d.err = Source(pass, tok)
	} else {
		// A translation (cgo's x.cgo1.go, with //line directives naming
		// x.go): edit the user's file. pass.ReadFile serves only the files
		// the pass parsed, which x.go is not, so read it from disk; that
		// its text is what was translated is checked declaration by
		// declaration when a part is decorated (see decoratePart).
		d.name = adjusted
		if d.src, d.err = os.ReadFile(adjusted); d.err != nil {
			d.err = fmt.Errorf("fixes: cannot read %s, which cgo translated: %v", adjusted, errors.Unwrap(d.err))
			return d
		}
		d.target = pass.Fset.AddFile(adjusted, -1, len(d.src))
	}
	if d.err != nil {
		return d
	}
	d.lineStarts = []int{0}
	for i, b := range d.src {
		if b == '\n' {
			d.lineStarts = append(d.lineStarts, i+1)
		}
	}
	return d
}

// lineOf returns the line of src that pos (of the pass's file) stands
// on, or an error when pos is not on a line of src.
func (f *File) lineOf(pos token.Pos) (int, error) {
	p := f.pass.Fset.PositionFor(pos, true)
	if p.Filename != f.data.name || p.Line < 1 || p.Line > len(f.data.lineStarts) {
		return 0, errors.New("fixes: the code has //line directives naming another file than the one the fix would edit")
	}
	return p.Line, nil
}

// lineEnd is the offset just past line n of src (its newline included).
func (d *fileData) lineEnd(n int) int {
	if n < len(d.lineStarts) {
		return d.lineStarts[n]
	}
	return len(d.src)
}

// A part is a run of whole lines of the edited file that holds one or more
// top-level declarations (those on the same or adjacent lines together),
// decorated on its own: it is parsed again from its text, behind a package
// clause, so that a fix decorates, restores and diffs only the
// declarations it changes and its cost does not grow with the file.
type part struct {
	first, last int // indexes in the file's Decls
	start, end  int // byte offsets of the lines in the edited file
	text        string
	dec         *decorator.Decorator
	dst         *dst.File
	toCopy      map[ast.Node]ast.Node // the pass's nodes to the part's parsed copy
	fromCopy    map[ast.Node]ast.Node
}

// partHeader precedes a part's text when it is parsed.
const partHeader = "package p\n\n"

// declIndex returns the index in f.ast.Decls of the declaration holding
// pos, or -1.
func (f *File) declIndex(pos token.Pos) int {
	decls := f.ast.Decls
	i := sort.Search(len(decls), func(i int) bool { return decls[i].End() > pos })
	if i < len(decls) && declStart(decls[i]) <= pos {
		return i
	}
	return -1
}

func declStart(d ast.Decl) token.Pos {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Doc != nil {
			return d.Doc.Pos()
		}
	case *ast.GenDecl:
		if d.Doc != nil {
			return d.Doc.Pos()
		}
	}
	return d.Pos()
}

// partOf returns the decorated part holding declaration i, decorating it
// the first time.
func (f *File) partOf(i int) (*part, error) {
	for _, p := range f.parts {
		if p.first <= i && i <= p.last {
			return p, nil
		}
	}
	p, err := f.decoratePart(i)
	if err != nil {
		return nil, err
	}
	f.parts = append(f.parts, p)
	return p, nil
}

// decoratePart decorates the lines of declaration i and of the
// declarations that share a line with it.
func (f *File) decoratePart(i int) (*part, error) {
	if f.data.err != nil {
		return nil, f.data.err
	}
	decls := f.ast.Decls
	p := &part{first: i, last: i}
	startLine, err := f.lineOf(declStart(decls[i]))
	if err != nil {
		return nil, err
	}
	endLine, err := f.lineOf(decls[i].End())
	if err != nil {
		return nil, err
	}
	// Declarations on adjacent lines go together too: gofmt aligns
	// consecutive lines (one-line functions, trailing comments) across
	// declarations, so a part is only formatted right as a whole.
	for p.first > 0 {
		l, err := f.lineOf(decls[p.first-1].End())
		if err != nil || l < startLine-1 {
			break
		}
		p.first--
		if startLine, err = f.lineOf(declStart(decls[p.first])); err != nil {
			return nil, err
		}
	}
	for p.last+1 < len(decls) {
		l, err := f.lineOf(declStart(decls[p.last+1]))
		if err != nil || l > endLine+1 {
			break
		}
		p.last++
		if endLine, err = f.lineOf(decls[p.last].End()); err != nil {
			return nil, err
		}
	}
	if pkgLine, err := f.lineOf(f.ast.Name.Pos()); err != nil || pkgLine >= startLine {
		return nil, errors.New("fixes: a declaration shares its line with the package clause")
	}
	p.start, p.end = f.data.lineStarts[startLine-1], f.data.lineEnd(endLine)
	p.text = partHeader + string(f.data.src[p.start:p.end])
	fset := token.NewFileSet()
	copied, err := parser.ParseFile(fset, f.data.name, p.text, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil || len(copied.Decls) != p.last-p.first+1 {
		return nil, fmt.Errorf("fixes: the text of %s does not hold the declarations that were compiled", f.data.name)
	}
	cgo := f.data.target != f.tok
	if p.toCopy, p.fromCopy, err = pairNodes(decls[p.first:p.last+1], copied.Decls, cgo); err != nil {
		return nil, err
	}
	p.dec = decorator.NewDecorator(fset)
	if p.dst, err = p.dec.DecorateFile(copied); err != nil {
		return nil, fmt.Errorf("fixes: decorating %s: %v", f.data.name, err)
	}
	return p, nil
}

// pairNodes pairs the nodes of two parses of the same declarations, in
// the order ast.Inspect visits them, and fails if they differ in shape,
// in a name or in a literal: then the text is not the code that was type
// checked (a file changed since it was parsed). Comments are left out:
// cgo's //line directives are comments. In cgo's translation (cgo true),
// a use of C (C.f(x), C.T, C.v) stands rewritten (_Cfunc_f, _Ctype_T, a
// closure checking pointers): such an expression and its translation are
// left unpaired, and the fix cannot touch them.
func pairNodes(orig, copied []ast.Decl, cgo bool) (to, from map[ast.Node]ast.Node, err error) {
	a, aEnd := preorder(orig)
	b, bEnd := preorder(copied)
	to = make(map[ast.Node]ast.Node, len(a))
	from = make(map[ast.Node]ast.Node, len(a))
	i, j := 0, 0
	for ; i < len(a) && j < len(b); i, j = i+1, j+1 {
		switch {
		case cgo && usesC(b[j]) && (!isCall(b[j]) || isCall(a[i])):
			i, j = aEnd[i]-1, bEnd[j]-1 // skip both subtrees
		case same(a[i], b[j]):
			to[a[i]], from[b[j]] = b[j], a[i]
		default:
			return nil, nil, errUnpaired
		}
	}
	if i != len(a) || j != len(b) {
		return nil, nil, errUnpaired
	}
	return to, from, nil
}

// preorder lists the nodes of decls but comments in the order ast.Inspect
// visits them, and for each, the index just past its subtree.
func preorder(decls []ast.Decl) (nodes []ast.Node, end []int) {
	var open []int
	for _, d := range decls {
		ast.Inspect(d, func(n ast.Node) bool {
			switch n.(type) {
			case nil:
				k := open[len(open)-1]
				open = open[:len(open)-1]
				end[k] = len(nodes)
				return false
			case *ast.CommentGroup, *ast.Comment:
				return false
			}
			open = append(open, len(nodes))
			nodes = append(nodes, n)
			end = append(end, 0)
			return true
		})
	}
	return nodes, end
}

// same reports whether x and y are the same node in two parses of one
// text: the same type, name or literal.
func same(x, y ast.Node) bool {
	if reflect.TypeOf(x) != reflect.TypeOf(y) {
		return false
	}
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name == y.(*ast.Ident).Name
	case *ast.BasicLit:
		return x.Value == y.(*ast.BasicLit).Value
	}
	return true
}

// usesC reports whether n is C.x, or a call or conversion C.x(...).
func usesC(n ast.Node) bool {
	if call, ok := n.(*ast.CallExpr); ok {
		n = call.Fun
	}
	sel, ok := n.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == "C"
}

func isCall(n ast.Node) bool {
	_, ok := n.(*ast.CallExpr)
	return ok
}

var errUnpaired = errors.New("fixes: the source text differs from the compiled code here (code that uses C through cgo, or a file changed since it was parsed)")

// Translate returns edits positioned in the files the user edits: an edit
// of a file that cgo translated, made at the pass's positions (an analyzer
// that edits the syntax tree's text directly rather than through File), is
// moved to the user's file, through the translation's //line directives.
// The moved edit must replace the same text in the user's file as in the
// translation, with the same byte on either side, and must not write
// cgo's names for uses of C; otherwise there is no fix, and the error says
// why. Edits of other files are returned as they are.
func Translate(pass *analysis.Pass, edits []analysis.TextEdit) ([]analysis.TextEdit, error) {
	out := make([]analysis.TextEdit, len(edits))
	for i, e := range edits {
		tf := pass.Fset.File(e.Pos)
		if tf == nil {
			return nil, errors.New("fixes: an edit has no position")
		}
		if pass.Fset.PositionFor(e.Pos, true).Filename == tf.Name() {
			out[i] = e
			continue
		}
		moved, err := translate(pass, tf, e)
		if err != nil {
			return nil, err
		}
		out[i] = moved
	}
	return out, nil
}

// translate moves e, an edit of tf, a translated file, to the user's file.
func translate(pass *analysis.Pass, tf *token.File, e analysis.TextEdit) (analysis.TextEdit, error) {
	var file *ast.File
	for _, f := range pass.Files {
		if pass.Fset.File(f.FileStart) == tf {
			file = f
		}
	}
	if file == nil {
		return e, errors.New("fixes: an edit is not in a file of the pass")
	}
	d := fileDataOf(pass, file, tf)
	if d.err != nil {
		return e, d.err
	}
	compiled, err := Source(pass, tf)
	if err != nil {
		return e, err
	}
	end := e.End
	if !end.IsValid() {
		end = e.Pos
	}
	offset := func(pos token.Pos) int {
		p := pass.Fset.PositionFor(pos, true)
		if p.Filename != d.name || p.Line < 1 || p.Line > len(d.lineStarts) || p.Column < 1 {
			return -1
		}
		return d.lineStarts[p.Line-1] + p.Column - 1
	}
	from, to := offset(e.Pos), offset(end)
	cfrom, cto := tf.Offset(e.Pos), tf.Offset(end)
	around := func(src []byte, i int) byte {
		if i < 0 || i >= len(src) {
			return 0
		}
		return src[i]
	}
	if from < 0 || to < from || to > len(d.src) ||
		string(d.src[from:to]) != string(compiled[cfrom:cto]) ||
		around(d.src, from-1) != around(compiled, cfrom-1) || around(d.src, to) != around(compiled, cto) {
		return e, fmt.Errorf("fixes: the edit does not map onto %s (cgo translated it)", filepath.Base(d.name))
	}
	if cgoTranslation(string(e.NewText)) {
		return e, errCgoText
	}
	return analysis.TextEdit{Pos: d.target.Pos(from), End: d.target.Pos(to), NewText: e.NewText}, nil
}
