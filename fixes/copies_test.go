package fixes

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"math/rand"
	"strings"
	"testing"

	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
)

// Two fixes decorated from the same file do not see each other's changes,
// and neither touches the pass's syntax tree.
func TestIndependentCopies(t *testing.T) {
	src := chainHeader + `func run(chain []func(int) int, req int) int {
	for _, m := range chain {
		// take the lock
		mu.Lock()
		req = m(req)
		mu.Unlock() // and release it
	}
	// print the result
	fmt.Println(req)
	return req
}
`
	pass, f := newPass(t, src)
	var before bytes.Buffer
	format.Node(&before, pass.Fset, f)

	first, err := Decorate(pass, f)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Decorate(pass, f)
	if err != nil {
		t.Fatal(err)
	}
	batch(t, pass, f, first)
	call := find(f, func(c *ast.CallExpr) bool {
		id, ok := c.Fun.(*ast.SelectorExpr)
		return ok && id.Sel.Name == "Println"
	})
	second.Node(call).(*dst.CallExpr).Args[0] = dst.NewIdent("chain")

	e1, err := first.Edits()
	if err != nil {
		t.Fatal(err)
	}
	e2, err := second.Edits()
	if err != nil {
		t.Fatal(err)
	}
	got1 := apply(t, pass.Fset, src, e1)
	got2 := apply(t, pass.Fset, src, e2)
	want1 := strings.NewReplacer(
		"\t\"sync\"\n", "\t\"sync\"\n\n\tchainruntime \"github.com/chainlint/chainlint/chain_runtime\"\n",
		"range chain {", "range chainruntime.BatchedLocker(&mu, chain, nil) {",
		"\t\t// take the lock\n\t\tmu.Lock()\n", "",
		"\t\tmu.Unlock() // and release it\n", "",
	).Replace(src)
	if got1 != want1 {
		t.Errorf("first fix:\n%s\nwant:\n%s", got1, want1)
	}
	want2 := strings.Replace(src, "fmt.Println(req)", "fmt.Println(chain)", 1)
	if got2 != want2 {
		t.Errorf("second fix:\n%s\nwant:\n%s", got2, want2)
	}
	var after bytes.Buffer
	format.Node(&after, pass.Fset, f)
	if before.String() != after.String() {
		t.Errorf("the pass's syntax tree changed:\n%s", after.String())
	}
	// Both fixes' edits can be applied together: they do not overlap.
	both := apply(t, pass.Fset, src, append(append([]analysis.TextEdit(nil), e1...), e2...))
	if !strings.Contains(both, "fmt.Println(chain)") || !strings.Contains(both, "chainruntime.BatchedLocker") {
		t.Errorf("combined fixes:\n%s", both)
	}
	if _, err := first.Edits(); err == nil {
		t.Errorf("second call to Edits succeeded")
	}
}

// The name AddImport picks depends on the file, not on where it is used, so
// that every fix of a file adds the same import: a local anywhere in the
// file takes the name out.
func TestAddImportPerFile(t *testing.T) {
	src := chainHeader + `func run(chain []func(int) int, req int) int {
	fmt.Println(1)
	{
		chainruntime := 2
		fmt.Println(chainruntime)
	}
	return req
}

func other() {
Label:
	for {
		break Label
	}
}
`
	pass, f := newPass(t, src)
	first := find(f, func(c *ast.CallExpr) bool { return true })
	for i := 0; i < 2; i++ {
		fx, err := Decorate(pass, f)
		if err != nil {
			t.Fatal(err)
		}
		if got := fx.AddImport(RuntimePath, RuntimeName, first.Pos()); got != "chainruntime2" {
			t.Errorf("AddImport = %q, want chainruntime2: a local of the file is called chainruntime", got)
		}
		if got := fx.AddImport(RuntimePath, RuntimeName); got != "chainruntime2" {
			t.Errorf("second AddImport = %q, want the pending chainruntime2", got)
		}
		if got := fx.AddImport("fmt", "fmt"); got != "fmt" {
			t.Errorf("AddImport(fmt) = %q, want the existing fmt", got)
		}
		if got := fx.AddImport("example.com/len", "len"); got != "len2" {
			t.Errorf("AddImport named after a predeclared name = %q, want len2", got)
		}
		if got := fx.AddImport("example.com/label", "Label"); got != "Label" {
			t.Errorf("AddImport named after a label = %q, want Label (labels have their own name space)", got)
		}
	}
}

// lineHunks turns a into b, and stays small for a small change.
func TestLineHunks(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"a\n", "b\n", "c\n", "}\n", "\n"}
	randLines := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return out
	}
	check := func(a, b []string) []hunk {
		t.Helper()
		hs := lineHunks(a, b)
		var got []string
		last := 0
		for _, h := range hs {
			if h.old.lo < last || h.old.hi < h.old.lo {
				t.Fatalf("hunks out of order: %v", hs)
			}
			got = append(got, a[last:h.old.lo]...)
			got = append(got, b[h.new.lo:h.new.hi]...)
			last = h.old.hi
		}
		got = append(got, a[last:]...)
		if strings.Join(got, "") != strings.Join(b, "") {
			t.Fatalf("hunks %v turn %q into %q, want %q", hs, a, got, b)
		}
		return hs
	}
	for i := 0; i < 500; i++ {
		check(randLines(rng.Intn(30)), randLines(rng.Intn(30)))
	}
	// A one-line change in a long text is one one-line hunk.
	a := make([]string, 5000)
	for i := range a {
		a[i] = strings.Repeat("x", i%7) + "\n"
	}
	b := append([]string(nil), a...)
	b[2500] = "changed\n"
	if hs := check(a, b); len(hs) != 1 || hs[0].old != (span{2500, 2501}) {
		t.Errorf("hunks = %v, want one on line 2500", hs)
	}
	// Beyond the search bound the middle is one hunk, still correct.
	c, d := randLines(3000), randLines(3000)
	check(c, d)
}

// A declaration that //line directives place in another file than the
// one the fix would edit gets no fix.
func TestLineDirectives(t *testing.T) {
	src := "package a\n\n//line orig.go:10\nfunc f() { println() }\n"
	pass, f := newPass(t, src)
	fx, err := Decorate(pass, f)
	if err == nil {
		fd := f.Decls[0].(*ast.FuncDecl)
		if fx.Node(fd) != nil {
			t.Errorf("Node of a declaration in orig.go: got a node, want nil")
		}
		_, err = fx.Edits()
	}
	if err == nil || !strings.Contains(err.Error(), "//line") {
		t.Errorf("Decorate, Edits = %v, want an error about //line directives", err)
	}
}

func TestReplaceExprStmts(t *testing.T) {
	src := chainHeader + `func run(chain []func(int) int, req int) int {
	switch req {
	case 1:
		// gone with its statement
		mu.Lock()
		fmt.Println(1) // kept
	}
loop:
	for range chain {
		break loop
	}
	return req
}
`
	pass, f := newPass(t, src)
	fx, err := Decorate(pass, f)
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.Replace(callTo(pass, f, "mu.Lock()")); err != nil {
		t.Fatal(err)
	}
	loop := find(f, func(*ast.RangeStmt) bool { return true })
	stmts, err := Stmts("// counted\nfor _, m := range chain {\n\treq = m(req)\n\tbreak loop\n}")
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.Replace(loop, stmts...); err != nil {
		t.Fatal(err)
	}
	ret := find(f, func(*ast.ReturnStmt) bool { return true })
	e, err := Expr("req * 2")
	if err != nil {
		t.Fatal(err)
	}
	fx.Node(ret).(*dst.ReturnStmt).Results[0] = e
	if err := fx.Replace(&ast.EmptyStmt{}); err == nil {
		t.Errorf("Replace of a statement not in the file succeeded")
	}
	edits, err := fx.Edits()
	if err != nil {
		t.Fatal(err)
	}
	got := apply(t, pass.Fset, src, edits)
	want := chainHeader + `func run(chain []func(int) int, req int) int {
	switch req {
	case 1:
		fmt.Println(1) // kept
	}
loop:
	// counted
	for _, m := range chain {
		req = m(req)
		break loop
	}
	return req * 2
}
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	newPass(t, got) // it type-checks
}

// Swap hands all of the statement's decorations to its replacement, in a
// statement list and under a label.
func TestSwap(t *testing.T) {
	src := chainHeader + `func run(chain []func(int) int, req int) int {

	// section

	// counts
	for i := 0; i < len(chain); i++ { // each
		req += i
	}
	// after
outer:
	for i := 0; i < len(chain); i++ {
		_ = i
		break outer
	}
	fmt.Println(req)
	return req
}
`
	pass, f := newPass(t, src)
	fx, err := Decorate(pass, f)
	if err != nil {
		t.Fatal(err)
	}
	var loops []*ast.ForStmt
	ast.Inspect(f, func(n ast.Node) bool {
		if s, ok := n.(*ast.ForStmt); ok {
			loops = append(loops, s)
		}
		return true
	})
	for _, loop := range loops {
		x, err := Expr("chain")
		if err != nil {
			t.Fatal(err)
		}
		rs := &dst.RangeStmt{Key: dst.NewIdent("i"), Tok: token.DEFINE, X: x, Body: fx.Node(loop).(*dst.ForStmt).Body}
		if err := fx.Swap(loop, rs); err != nil {
			t.Fatal(err)
		}
	}
	if err := fx.Swap(&ast.EmptyStmt{}, &dst.EmptyStmt{}); err == nil {
		t.Errorf("Swap of a statement not in the file succeeded")
	}
	edits, err := fx.Edits()
	if err != nil {
		t.Fatal(err)
	}
	got := apply(t, pass.Fset, src, edits)
	want := chainHeader + `func run(chain []func(int) int, req int) int {

	// section

	// counts
	for i := range chain { // each
		req += i
	}
	// after
outer:
	for i := range chain {
		_ = i
		break outer
	}
	fmt.Println(req)
	return req
}
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	newPass(t, got) // it type-checks
}

// Delete leaves every comment above the statement, its own too, above the
// statement after it, which takes its place; with none after it, it is
// Replace.
func TestDelete(t *testing.T) {
	for _, tt := range []struct{ name, body, del, want string }{
		{"own comments stay", `
	fmt.Println(1)

	// take it
	mu.Lock() // now
	fmt.Println(2)
`, "mu.Lock()", `
	fmt.Println(1)

	// take it
	fmt.Println(2)
`},
		{"first statement", `
	// take it
	mu.Lock()

	fmt.Println(2)
`, "mu.Lock()", `
	// take it
	fmt.Println(2)
`},
		{"last statement", `
	fmt.Println(1)
	// take it
	mu.Lock() // own

	// Output:
	// 1
`, "mu.Lock()", `
	fmt.Println(1)

	// Output:
	// 1
`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := chainHeader + "func f() {" + tt.body + "}\n\nvar _ = fmt.Sprint\n"
			pass, f := newPass(t, src)
			fx, err := Decorate(pass, f)
			if err != nil {
				t.Fatal(err)
			}
			if err := fx.Delete(callTo(pass, f, tt.del)); err != nil {
				t.Fatal(err)
			}
			edits, err := fx.Edits()
			if err != nil {
				t.Fatal(err)
			}
			got := apply(t, pass.Fset, src, edits)
			want := chainHeader + "func f() {" + tt.want + "}\n\nvar _ = fmt.Sprint\n"
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// Replace keeps the comments that are not the deleted statement's own.
func TestReplaceKeepsComments(t *testing.T) {
	for _, tt := range []struct{ name, body, del, want string }{
		{"own comments go", `
	fmt.Println(1)
	// take it
	mu.Lock() // now
	fmt.Println(2)
`, "mu.Lock()", `
	fmt.Println(1)
	fmt.Println(2)
`},
		{"section comment above a blank line stays", `
	fmt.Println(1)

	// Section.

	mu.Lock()
	fmt.Println(2)
`, "mu.Lock()", `
	fmt.Println(1)

	// Section.

	fmt.Println(2)
`},
		{"comments after the last statement stay", `
	fmt.Println(1)
	mu.Lock() // own

	// Output:
	// 1
`, "mu.Lock()", `
	fmt.Println(1)

	// Output:
	// 1
`},
		{"sole statement", `
	mu.Lock()

	// Output:
	// nothing
`, "mu.Lock()", `

	// Output:
	// nothing
`},
		{"first statement, comment after it", `
	mu.Lock()
	// about the lock

	fmt.Println(2)
`, "mu.Lock()", `
	// about the lock

	fmt.Println(2)
`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := chainHeader + "func f() {" + tt.body + "}\n\nvar _ = fmt.Sprint\n"
			pass, f := newPass(t, src)
			fx, err := Decorate(pass, f)
			if err != nil {
				t.Fatal(err)
			}
			if err := fx.Replace(callTo(pass, f, tt.del)); err != nil {
				t.Fatal(err)
			}
			edits, err := fx.Edits()
			if err != nil {
				t.Fatal(err)
			}
			got := apply(t, pass.Fset, src, edits)
			want := chainHeader + "func f() {" + tt.want + "}\n\nvar _ = fmt.Sprint\n"
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// Without per-node type information, an unnamed import's name still comes
// from the imported package (chainruntime), not its path (chain_runtime).
func TestImportNameFromPackage(t *testing.T) {
	src := `package a

import "github.com/chainlint/chainlint/chain_runtime"

var _ = chainruntime.BatchedLocker[int]
`
	pass, f := newPass(t, src)
	pass.TypesInfo = nil
	fx, err := Decorate(pass, f)
	if err != nil {
		t.Fatal(err)
	}
	if got := fx.AddImport("example.com/other/chainruntime", "chainruntime"); got != "chainruntime2" {
		t.Errorf("AddImport = %q, want chainruntime2 (chainruntime is taken)", got)
	}
}

// A file with CRLF line endings keeps them, and only the change is edited.
func TestCRLF(t *testing.T) {
	lf := chainHeader + `func run(chain []func(int) int, req int) int {
	for _, m := range chain {
		mu.Lock()
		req = m(req)
		mu.Unlock()
	}
	fmt.Println(req)
	return req
}
`
	src := strings.ReplaceAll(lf, "\n", "\r\n")
	pass, f := newPass(t, src)
	fx, err := Decorate(pass, f)
	if err != nil {
		t.Fatal(err)
	}
	batch(t, pass, f, fx)
	edits, err := fx.Edits()
	if err != nil {
		t.Fatal(err)
	}
	if len(edits) > 3 {
		t.Errorf("%d edits, want at most 3", len(edits))
	}
	got := apply(t, pass.Fset, src, edits)
	want := strings.ReplaceAll(strings.NewReplacer(
		"\t\"sync\"\n", "\t\"sync\"\n\n\tchainruntime \"github.com/chainlint/chainlint/chain_runtime\"\n",
		"range chain {", "range chainruntime.BatchedLocker(&mu, chain, nil) {",
		"\t\tmu.Lock()\n", "",
		"\t\tmu.Unlock()\n", "",
	).Replace(lf), "\n", "\r\n")
	if got != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
}

// Two fixes of one file that both need the runtime add the identical import
// edit, which drivers coalesce: together they give one import.
func TestTwoFixesOneImport(t *testing.T) {
	loop := `	for _, m := range chain {
		mu.Lock()
		req = m(req)
		mu.Unlock()
	}
	return req
}
`
	src := "package a\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\n" +
		"func run(chain []func(int) int, req int) int {\n" + loop + "\n" +
		"func run2(chain []func(int) int, req int) int {\n\tchainruntime := 1\n\t_ = chainruntime\n" + loop
	pass, f := newPass(t, src)
	var all []analysis.TextEdit
	var loops []*ast.RangeStmt
	ast.Inspect(f, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok {
			loops = append(loops, r)
		}
		return true
	})
	for _, l := range loops {
		fx, err := Decorate(pass, f)
		if err != nil {
			t.Fatal(err)
		}
		name := fx.AddImport(RuntimePath, RuntimeName, l.Pos())
		dl := fx.Node(l).(*dst.RangeStmt)
		dl.X = &dst.CallExpr{
			Fun:  &dst.SelectorExpr{X: dst.NewIdent(name), Sel: dst.NewIdent("BatchedLocker")},
			Args: []dst.Expr{&dst.UnaryExpr{Op: token.AND, X: dst.NewIdent("mu")}, dl.X, dst.NewIdent("nil")},
		}
		for _, s := range l.Body.List {
			if es, ok := s.(*ast.ExprStmt); ok {
				if c, ok := es.X.(*ast.CallExpr); ok && len(c.Args) == 0 {
					if err := fx.Replace(s); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		edits, err := fx.Edits()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, edits...)
	}
	// Coalesce identical edits, as the drivers do.
	var merged []analysis.TextEdit
	for _, e := range all {
		dup := false
		for _, m := range merged {
			if m.Pos == e.Pos && m.End == e.End && string(m.NewText) == string(e.NewText) {
				dup = true
			}
		}
		if !dup {
			merged = append(merged, e)
		}
	}
	got := apply(t, pass.Fset, src, merged)
	if n := strings.Count(got, "chain_runtime\""); n != 1 {
		t.Errorf("%d imports of the runtime, want 1:\n%s", n, got)
	}
	if n := strings.Count(got, "chainruntime2.BatchedLocker(&mu, chain, nil)"); n != 2 {
		t.Errorf("%d loops batched through chainruntime2, want 2:\n%s", n, got)
	}
	newPass(t, got) // it type-checks
}

// TypeString names packages as the file imports them, passing over
// imports named _ or ., and says which package it does not import.
func TestTypeString(t *testing.T) {
	src := `package a

import (
	_ "strings"
	str "strings"
	. "bytes"
	"sync"
)

type T struct{}

var (
	t1 *T
	t2 map[string]*str.Builder
	t3 *sync.Mutex
	t4 []Buffer
	t5 func(*T) *str.Reader
)
`
	pass, f := newPass(t, src)
	for _, tt := range []struct{ v, want, missing string }{
		{"t1", "*T", ""},
		{"t2", "map[string]*str.Builder", ""},
		{"t3", "*sync.Mutex", ""},
		{"t4", "[]bytes.Buffer", "bytes"},
		{"t5", "func(*T) *str.Reader", ""},
	} {
		s, missing := TypeString(pass, f, pass.Pkg.Scope().Lookup(tt.v).Type())
		m := ""
		if missing != nil {
			m = missing.Path()
		}
		if s != tt.want || m != tt.missing {
			t.Errorf("TypeString(%s) = %q, missing %q; want %q, missing %q", tt.v, s, m, tt.want, tt.missing)
		}
	}
}

// Source reads a file as the pass does and refuses one that changed.
func TestSource(t *testing.T) {
	src := chainHeader + "func f() { mu.Lock() }\n\nvar _ = fmt.Sprint\n"
	pass, f := newPass(t, src)
	tf := pass.Fset.File(f.FileStart)
	got, err := Source(pass, tf)
	if err != nil || string(got) != src {
		t.Fatalf("Source = %q, %v; want the file's text", got, err)
	}
	pass.ReadFile = func(string) ([]byte, error) { return []byte(src + "\n"), nil }
	if _, err := Source(pass, tf); err == nil || !strings.Contains(err.Error(), "changed since it was parsed") {
		t.Errorf("Source of a changed file: %v, want an error", err)
	}
	pass.ReadFile = func(name string) ([]byte, error) { return nil, fmt.Errorf("no %s", name) }
	if _, err := Source(pass, tf); err == nil {
		t.Errorf("Source of an unreadable file succeeded")
	}
}
