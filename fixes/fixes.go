package fixes

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path"
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

// A File is a decorated copy of one file of a pass, to be mutated for one
// suggested fix and turned into edits on the original.
type File struct {
	pass  *analysis.Pass
	ast   *ast.File
	tok   *token.File
	dec   *decorator.Decorator
	dst   *dst.File
	added []newImport
	names map[string]int // see declared
	done  bool
}

type newImport struct {
	path, name string
}

// Decorate returns a fresh decorated copy of file, which must be one of
// pass.Files. Call it once per fix.
func Decorate(pass *analysis.Pass, file *ast.File) (*File, error) {
	tok := pass.Fset.File(file.FileStart)
	if tok == nil {
		return nil, errors.New("fixes: file has no position information")
	}
	// Positions in a file with //line directives (a cgo translation of the
	// user's file, or generated code) do not map onto the file the user
	// edits: offer no fix there.
	for _, cg := range file.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//line ") || strings.HasPrefix(c.Text, "/*line ") {
				return nil, fmt.Errorf("fixes: %s has //line directives (cgo or generated code); no fix", tok.Name())
			}
		}
	}
	dec := decorator.NewDecorator(pass.Fset)
	df, err := dec.DecorateFile(file)
	if err != nil {
		return nil, fmt.Errorf("fixes: decorating %s: %v", tok.Name(), err)
	}
	return &File{pass: pass, ast: file, tok: tok, dec: dec, dst: df}, nil
}

// File returns the decorated file.
func (f *File) File() *dst.File { return f.dst }

// Node returns the decorated node for n, a node of the original file, or
// nil if there is none.
func (f *File) Node(n ast.Node) dst.Node {
	return f.dec.Dst.Nodes[n]
}

// Ast returns the original node that n was decorated from, or nil for a
// node the fix created.
func (f *File) Ast(n dst.Node) ast.Node {
	return f.dec.Ast.Nodes[n]
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
func (f *File) declared() map[string]int {
	if f.names != nil {
		return f.names
	}
	f.names = make(map[string]int)
	info := f.pass.TypesInfo
	ast.Inspect(f.ast, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if info == nil {
				f.names[n.Name] = 1
			} else if obj := info.Defs[n]; obj != nil {
				if _, label := obj.(*types.Label); !label {
					f.names[n.Name]++
				}
			}
		case *ast.ImportSpec:
			if n.Name == nil && info != nil {
				f.names[importName(f.pass, n)]++
			}
		}
		return true
	})
	return f.names
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
	name := f.tok.Name()
	src, err := Source(f.pass, f.tok)
	if err != nil {
		return nil, err
	}
	for _, imp := range f.added {
		f.insertImport(imp)
	}
	after, err := restore(f.dst)
	if err != nil {
		return nil, err
	}
	if _, err := parser.ParseFile(token.NewFileSet(), name, after, parser.SkipObjectResolution); err != nil {
		return nil, fmt.Errorf("fixes: the fixed file does not parse: %v", err)
	}
	// The baseline is the unmodified file as dst prints it. Diffing the
	// fixed file against it isolates the fix from whatever dst and gofmt
	// would change anyway; the hunks are then placed on the original lines.
	base := after
	if !bytes.Equal(after, src) {
		orig, err := decorator.NewDecorator(f.pass.Fset).DecorateFile(f.ast)
		if err != nil {
			return nil, fmt.Errorf("fixes: decorating %s: %v", name, err)
		}
		if base, err = restore(orig); err != nil {
			return nil, err
		}
	}
	if bytes.Contains(src, []byte("\r\n")) {
		// Keep a file's CRLF line endings: compare and edit in them.
		base = bytes.ReplaceAll(base, []byte("\n"), []byte("\r\n"))
		after = bytes.ReplaceAll(after, []byte("\n"), []byte("\r\n"))
	}
	return placeEdits(f.tok, string(src), string(base), string(after))
}

func restore(df *dst.File) ([]byte, error) {
	var buf bytes.Buffer
	if err := decorator.NewRestorer().Fprint(&buf, df); err != nil {
		return nil, fmt.Errorf("fixes: restoring the file: %v", err)
	}
	return buf.Bytes(), nil
}

// placeEdits diffs base against after and places each changed region on
// the matching lines of src, which base is a reformatting of.
func placeEdits(tok *token.File, src, base, after string) ([]analysis.TextEdit, error) {
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
	var edits []analysis.TextEdit
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
		edits = append(edits, analysis.TextEdit{
			Pos:     tok.Pos(start + p),
			End:     tok.Pos(end - s),
			NewText: []byte(text[p : len(text)-s]),
		})
	}
	if src != base {
		// Lines were matched by text, not by syntax: check that the
		// edited file formats to exactly the fixed file.
		var b strings.Builder
		last := 0
		for _, e := range edits {
			b.WriteString(src[last:tok.Offset(e.Pos)])
			b.Write(e.NewText)
			last = tok.Offset(e.End)
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
// package clause when the file imports nothing.
func (f *File) insertImport(imp newImport) {
	spec := &dst.ImportSpec{Path: &dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(imp.path)}}
	if imp.name != path.Base(imp.path) {
		spec.Name = dst.NewIdent(imp.name)
	}
	spec.Decs.Before = dst.NewLine
	spec.Decs.After = dst.NewLine
	var decl *dst.GenDecl
	for _, d := range f.dst.Decls {
		gd, ok := d.(*dst.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if len(gd.Specs) == 1 && gd.Specs[0].(*dst.ImportSpec).Path.Value == `"C"` {
			continue // the cgo preamble's import must stay alone
		}
		if decl == nil || gd.Lparen || !decl.Lparen {
			decl = gd
		}
	}
	if decl == nil {
		decl = &dst.GenDecl{Tok: token.IMPORT, Specs: []dst.Spec{spec}}
		decl.Decs.Before = dst.EmptyLine
		decl.Decs.After = dst.EmptyLine
		i := 0
		for i < len(f.dst.Decls) {
			if gd, ok := f.dst.Decls[i].(*dst.GenDecl); !ok || gd.Tok != token.IMPORT {
				break
			}
			i++
		}
		f.dst.Decls = append(f.dst.Decls[:i], append([]dst.Decl{decl}, f.dst.Decls[i:]...)...)
		return
	}
	if !decl.Lparen {
		decl.Lparen = true
		decl.Specs[0].(*dst.ImportSpec).Decs.Before = dst.NewLine
		decl.Specs[0].(*dst.ImportSpec).Decs.After = dst.NewLine
	}
	at := -1
	for i, s := range decl.Specs {
		p, _ := strconv.Unquote(s.(*dst.ImportSpec).Path.Value)
		if elem, _, _ := strings.Cut(p, "/"); strings.Contains(elem, ".") {
			at = i
		}
	}
	if at < 0 {
		at = len(decl.Specs) - 1
		spec.Decs.Before = dst.EmptyLine
	}
	decl.Specs = append(decl.Specs[:at+1], append([]dst.Spec{spec}, decl.Specs[at+1:]...)...)
}
