package fixes

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
	"golang.org/x/tools/go/analysis"
)

// The bundled runtime that fixes rewrite code to use. Its import path ends
// in chain_runtime but its package name is chainruntime.
const (
	RuntimePath = "github.com/chainlint/chainlint/chain_runtime"
	RuntimeName = "chainruntime"
)

// A File is a decorated copy of the declarations of one file of a pass
// that one suggested fix changes, to be mutated for that fix and turned
// into edits on the original. Each declaration is decorated the first time
// the fix asks for one of its nodes.
type File struct {
	pass  *analysis.Pass
	ast   *ast.File
	tok   *token.File
	data  *fileData
	parts []*part
	added []newImport
	// failed is the first error of decorating a declaration for Node.
	failed error
	done   bool
}

type newImport struct {
	path, name string
}

// Decorate returns a fresh decorated copy of file, which must be one of
// pass.Files. Call it once per fix. The declarations holding the nodes at
// (the statement the fix rewrites) are decorated at once, and an error
// says if one cannot be; then Node never returns nil for a statement,
// block or declaration in them. Other declarations are decorated when Node
// is first asked for one of their nodes.
//
// A file that cgo translated (its //line directives name the user's .go
// file) is edited in the user's file: the edits are positioned in a
// token.File of that name, and a declaration whose text there is not the
// compiled code (one that uses C) gets no fix.
func Decorate(pass *analysis.Pass, file *ast.File, at ...ast.Node) (*File, error) {
	tok := pass.Fset.File(file.FileStart)
	if tok == nil {
		return nil, errors.New("fixes: file has no position information")
	}
	f := &File{pass: pass, ast: file, tok: tok, data: fileDataOf(pass, file, tok)}
	if f.data.err != nil {
		return nil, f.data.err
	}
	for _, n := range at {
		i := f.declIndex(n.Pos())
		if i < 0 {
			return nil, errors.New("fixes: the node is not in a declaration of the file")
		}
		if _, err := f.partOf(i); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Node returns the decorated node for n, a node of a top-level declaration
// of the original file, or nil if there is none (or the declaration cannot
// be decorated; Edits then says why).
func (f *File) Node(n ast.Node) dst.Node {
	i := f.declIndex(n.Pos())
	if i < 0 {
		return nil
	}
	p, err := f.partOf(i)
	if err != nil {
		f.failed = cmp.Or(f.failed, err)
		return nil
	}
	return p.dec.Dst.Nodes[p.toCopy[n]]
}

// Ast returns the original node that n was decorated from, or nil for a
// node the fix created.
func (f *File) Ast(n dst.Node) ast.Node {
	for _, p := range f.parts {
		if c := p.dec.Ast.Nodes[n]; c != nil {
			return p.fromCopy[c]
		}
	}
	return nil
}

// AddImport returns the name under which code in this file can refer to
// the package with import path p. It reuses an import of p in this file
// whose name nothing else in the file declares; otherwise it adds an import
// of p named want, or want2, want3, ...: the first that is not predeclared,
// not declared at package level, not an import of this file, and not
// declared anywhere in this file (a local, a parameter, a field), so it can
// be used anywhere in the file. The choice depends on the file only, never
// on where the name is used, so that every fix of one file adds the same
// import with the same edit, which the drivers merge. The positions at,
// where the name will be used, are accepted for documentation and ignored.
// The import spec is added by Edits, into the last import block, beside
// the other non-standard imports.
func (f *File) AddImport(p, want string, at ...token.Pos) string {
	for _, imp := range f.added {
		if imp.path == p {
			return imp.name
		}
	}
	for _, spec := range f.ast.Imports {
		if ip, err := strconv.Unquote(spec.Path.Value); err != nil || ip != p {
			continue
		}
		if spec.Name != nil && (spec.Name.Name == "_" || spec.Name.Name == ".") {
			continue
		}
		if name := importName(f.pass, spec); f.pass.TypesInfo != nil && f.declared()[name] == 1 {
			return name
		}
	}
	for i := 1; ; i++ {
		name := want
		if i > 1 {
			name = want + strconv.Itoa(i)
		}
		if f.free(name) {
			f.added = append(f.added, newImport{p, name})
			return name
		}
	}
}

// declared counts the declarations of each name in the file (imports
// included; labels, in their own name space, not), from type information,
// or, without it, every identifier of the file.
// They are computed once per file and pass (see Analyzer).
func (f *File) declared() map[string]int {
	d := f.data
	d.namesOnce.Do(func() {
		d.names = make(map[string]int)
		info := f.pass.TypesInfo
		ast.Inspect(f.ast, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				if info == nil {
					d.names[n.Name] = 1
				} else if obj := info.Defs[n]; obj != nil {
					if _, label := obj.(*types.Label); !label {
						d.names[n.Name]++
					}
				}
			case *ast.ImportSpec:
				if n.Name == nil && info != nil {
					d.names[importName(f.pass, n)]++
				}
			}
			return true
		})
	})
	return d.names
}

// free reports whether a new file-level import may be called name.
func (f *File) free(name string) bool {
	if !token.IsIdentifier(name) || name == "_" || types.Universe.Lookup(name) != nil {
		return false
	}
	for _, imp := range f.added {
		if imp.name == name {
			return false
		}
	}
	if f.pass.Pkg != nil && f.pass.Pkg.Scope().Lookup(name) != nil {
		return false
	}
	return f.declared()[name] == 0
}

// importName is the name spec declares in its file, from type information
// (the package name may differ from the path's last element), else from
// the path.
func importName(pass *analysis.Pass, spec *ast.ImportSpec) string {
	if spec.Name != nil {
		return spec.Name.Name
	}
	if pass.TypesInfo != nil {
		if pn := pass.TypesInfo.PkgNameOf(spec); pn != nil {
			return pn.Name()
		}
	}
	p, _ := strconv.Unquote(spec.Path.Value)
	if pass.Pkg != nil {
		for _, imp := range pass.Pkg.Imports() {
			if imp.Path() == p {
				return imp.Name()
			}
		}
	}
	return path.Base(p)
}

// Source returns the text of tf, a file of pass, as the pass reads it
// (pass.ReadFile, or the file system when the pass has no ReadFile), and an
// error when it cannot be read or is no longer the text that was parsed.
func Source(pass *analysis.Pass, tf *token.File) ([]byte, error) {
	name := tf.Name()
	var src []byte
	var err error
	if pass.ReadFile != nil {
		src, err = pass.ReadFile(name)
	} else {
		src, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, fmt.Errorf("fixes: %v", err)
	}
	if len(src) != tf.Size() {
		return nil, fmt.Errorf("fixes: %s changed since it was parsed", name)
	}
	return src, nil
}

// Edits returns the edits that turn the original file into the decorated
// one, with the imports AddImport asked for. It can be called once.
func (f *File) Edits() ([]analysis.TextEdit, error) {
	if f.done {
		return nil, errors.New("fixes: Edits called twice")
	}
	f.done = true
	for _, imp := range f.added {
		if err := f.insertImport(imp); err != nil {
			return nil, err
		}
	}
	if f.failed != nil {
		return nil, f.failed
	}
	slices.SortFunc(f.parts, func(a, b *part) int { return a.start - b.start })
	var edits []analysis.TextEdit
	for _, p := range f.parts {
		pe, err := f.partEdits(p)
		if err != nil {
			return nil, err
		}
		edits = append(edits, pe...)
	}
	return edits, nil
}

// partEdits returns the edits of one decorated part, positioned on the
// edited file.
func (f *File) partEdits(p *part) ([]analysis.TextEdit, error) {
	src := p.text
	after, err := restore(p.dst)
	if err != nil {
		return nil, err
	}
	if _, err := parser.ParseFile(token.NewFileSet(), f.data.name, after, parser.SkipObjectResolution); err != nil {
		return nil, fmt.Errorf("fixes: the fixed file does not parse: %v", err)
	}
	// The baseline is the unmodified part as dst prints it. Diffing the
	// fixed part against it isolates the fix from whatever dst and gofmt
	// would change anyway; the hunks are then placed on the original lines.
	base := after
	if !bytes.Equal(after, []byte(src)) {
		fset := token.NewFileSet()
		copied, err := parser.ParseFile(fset, f.data.name, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("fixes: parsing %s: %v", f.data.name, err)
		}
		orig, err := decorator.NewDecorator(fset).DecorateFile(copied)
		if err != nil {
			return nil, fmt.Errorf("fixes: decorating %s: %v", f.data.name, err)
		}
		if base, err = restore(orig); err != nil {
			return nil, err
		}
	}
	if strings.Contains(src, "\r\n") {
		// Keep a file's CRLF line endings: compare and edit in them.
		base = bytes.ReplaceAll(base, []byte("\n"), []byte("\r\n"))
		after = bytes.ReplaceAll(after, []byte("\n"), []byte("\r\n"))
	}
	offs, err := placeEdits(src, string(base), string(after))
	if err != nil {
		return nil, err
	}
	edits := make([]analysis.TextEdit, len(offs))
	for i, e := range offs {
		if f.data.target != f.tok && cgoTranslation(e.text) {
			return nil, errCgoText
		}
		if e.start < len(partHeader) {
			return nil, errors.New("fixes: the fix changes the file outside its declarations")
		}
		at := p.start - len(partHeader)
		edits[i] = analysis.TextEdit{Pos: f.data.target.Pos(at + e.start), End: f.data.target.Pos(at + e.end), NewText: []byte(e.text)}
	}
	return edits, nil
}

var errCgoText = errors.New("fixes: the fix would write cgo's translation of a use of C (code built from the compiled file), not the code in the user's file")

// cgoTranslation reports whether text holds a name cgo's translation uses
// for a use of C (_Cfunc_f for C.f, _Ctype_T for C.T, ...), which an
// analyzer may have printed from the compiled file into new code.
func cgoTranslation(text string) bool {
	for _, prefix := range []string{"_Cfunc_", "_Ctype_", "_Cvar_", "_Cmacro_", "_Cgo_", "_cgo"} {
		if strings.Contains(text, prefix) {
			return true
		}
	}
	return false
}

func restore(df *dst.File) ([]byte, error) {
	var buf bytes.Buffer
	if err := decorator.NewRestorer().Fprint(&buf, df); err != nil {
		return nil, fmt.Errorf("fixes: restoring the file: %v", err)
	}
	return buf.Bytes(), nil
}

// An offsetEdit replaces src[start:end] by text.
type offsetEdit struct {
	start, end int
	text       string
}

// placeEdits diffs base against after and places each changed region on
// the matching lines of src, which base is a reformatting of.
func placeEdits(src, base, after string) ([]offsetEdit, error) {
	srcLines, baseLines, afterLines := splitLines(src), splitLines(base), splitLines(after)
	// toSrc[i] is the src line that base line i is, or -1.
	toSrc := make([]int, len(baseLines)+1)
	for i := range toSrc {
		toSrc[i] = i
	}
	if src != base {
		for i := range toSrc {
			toSrc[i] = -1
		}
		x, y := 0, 0
		for _, h := range lineHunks(srcLines, baseLines) {
			for ; y < h.new.lo; x, y = x+1, y+1 {
				toSrc[y] = x
			}
			x, y = h.old.hi, h.new.hi
		}
		for ; y < len(baseLines); x, y = x+1, y+1 {
			toSrc[y] = x
		}
		toSrc[len(baseLines)] = len(srcLines)
	}
	offsets := make([]int, len(srcLines)+1)
	for i, l := range srcLines {
		offsets[i+1] = offsets[i] + len(l)
	}
	// Place each hunk on src. A hunk whose base lines are src lines (or,
	// for an insertion, that has a src line beside it) keeps its extent;
	// one that touches reformatted lines is widened to the nearest src
	// lines around it, and the edit formats what lies between. Hunks that
	// then meet are merged.
	type region struct {
		hunk
		lo, hi int // src lines
	}
	var regions []region
	for _, h := range lineHunks(baseLines, afterLines) {
		lo, hi, ok := -1, -1, true
		for i := h.old.lo; i < h.old.hi; i++ {
			if toSrc[i] < 0 || (i > h.old.lo && toSrc[i] != toSrc[i-1]+1) {
				ok = false
			}
		}
		switch {
		case !ok:
		case h.old.hi > h.old.lo:
			lo, hi = toSrc[h.old.lo], toSrc[h.old.hi-1]+1
		case h.old.lo > 0 && toSrc[h.old.lo-1] >= 0:
			lo = toSrc[h.old.lo-1] + 1
			hi = lo
		case toSrc[h.old.lo] >= 0:
			lo = toSrc[h.old.lo]
			hi = lo
		default:
			ok = false
		}
		if !ok {
			for h.old.lo > 0 && toSrc[h.old.lo-1] < 0 {
				h.old.lo--
				h.new.lo--
			}
			for toSrc[h.old.hi] < 0 {
				h.old.hi++
				h.new.hi++
			}
			lo = 0
			if h.old.lo > 0 {
				lo = toSrc[h.old.lo-1] + 1
			}
			hi = toSrc[h.old.hi]
		}
		if n := len(regions); n > 0 && regions[n-1].hi >= lo {
			r := &regions[n-1]
			r.old.hi, r.new.hi, r.hi = h.old.hi, h.new.hi, max(r.hi, hi)
			continue
		}
		regions = append(regions, region{h, lo, hi})
	}
	var edits []offsetEdit
	for _, r := range regions {
		lo, hi, h := r.lo, r.hi, r.hunk
		start, end := offsets[lo], offsets[hi]
		text := strings.Join(afterLines[h.new.lo:h.new.hi], "")
		old := src[start:end]
		// Trim what the old and new text share at either end, so the
		// edit covers only what changes.
		p := 0
		for p < len(old) && p < len(text) && old[p] == text[p] {
			p++
		}
		s := 0
		for s < len(old)-p && s < len(text)-p && old[len(old)-1-s] == text[len(text)-1-s] {
			s++
		}
		edits = append(edits, offsetEdit{start + p, end - s, text[p : len(text)-s]})
	}
	if src != base {
		// Lines were matched by text, not by syntax: check that the
		// edited file formats to exactly the fixed file.
		var b strings.Builder
		last := 0
		for _, e := range edits {
			b.WriteString(src[last:e.start])
			b.WriteString(e.text)
			last = e.end
		}
		b.WriteString(src[last:])
		if got, err := format.Source([]byte(b.String())); err != nil || string(got) != strings.ReplaceAll(after, "\r\n", "\n") {
			return nil, errors.New("fixes: cannot place the change on the original lines; gofmt the file first")
		}
	}
	return edits, nil
}

// insertImport adds an import spec for imp to the decorated file without
// touching the other specs: into the last parenthesized import block (or
// the last import declaration, which it parenthesizes), after the last
// non-standard import, or as a new group; or as a new declaration after the
// imports when the file has none to add to.
func (f *File) insertImport(imp newImport) error {
	spec := &dst.ImportSpec{Path: &dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(imp.path)}}
	if imp.name != path.Base(imp.path) {
		spec.Name = dst.NewIdent(imp.name)
	}
	spec.Decs.Before = dst.NewLine
	spec.Decs.After = dst.NewLine
	var decl *ast.GenDecl
	firstOther := len(f.ast.Decls)
	for i, d := range f.ast.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			firstOther = i
			break
		}
		if cgoImport(gd) {
			continue // the cgo preamble's import must stay alone
		}
		if decl == nil || gd.Lparen.IsValid() || !decl.Lparen.IsValid() {
			decl = gd
		}
	}
	if decl == nil {
		return f.insertImportDecl(firstOther, spec)
	}
	dd, ok := f.Node(decl).(*dst.GenDecl)
	if !ok {
		return cmp.Or(f.failed, errors.New("fixes: import declaration not decorated"))
	}
	if !dd.Lparen {
		dd.Lparen = true
		dd.Specs[0].(*dst.ImportSpec).Decs.Before = dst.NewLine
		dd.Specs[0].(*dst.ImportSpec).Decs.After = dst.NewLine
	}
	at := -1
	for i, s := range dd.Specs {
		p, _ := strconv.Unquote(s.(*dst.ImportSpec).Path.Value)
		if elem, _, _ := strings.Cut(p, "/"); strings.Contains(elem, ".") {
			at = i
		}
	}
	if at < 0 {
		at = len(dd.Specs) - 1
		spec.Decs.Before = dst.EmptyLine
	}
	dd.Specs = slices.Insert(dd.Specs, at+1, dst.Spec(spec))
	return nil
}

// insertImportDecl adds a declaration importing spec before declaration
// i, the first that is not an import declaration.
func (f *File) insertImportDecl(i int, spec *dst.ImportSpec) error {
	if i == len(f.ast.Decls) {
		return errors.New("fixes: nothing but imports in the file")
	}
	p, err := f.partOf(i)
	if err != nil {
		return err
	}
	decl := &dst.GenDecl{Tok: token.IMPORT, Specs: []dst.Spec{spec}}
	decl.Decs.Before = dst.EmptyLine
	decl.Decs.After = dst.EmptyLine
	p.dst.Decls = slices.Insert(p.dst.Decls, i-p.first, dst.Decl(decl))
	return nil
}

// cgoImport reports whether d is a lone import of "C", or the blank import
// of "unsafe" that cgo's translation puts in its place.
func cgoImport(d *ast.GenDecl) bool {
	if len(d.Specs) != 1 {
		return false
	}
	spec := d.Specs[0].(*ast.ImportSpec)
	return spec.Path.Value == `"C"` || (spec.Path.Value == `"unsafe"` && spec.Name != nil && spec.Name.Name == "_" && !d.Lparen.IsValid())
}
