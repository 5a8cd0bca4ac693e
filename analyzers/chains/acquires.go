package chains

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Acquires is the fact that a function takes (and releases again) a lock
// reachable from its receiver, one of its parameters or a package-level
// variable: each call takes that lock once, so a call per element of a
// chain takes it once per element. Exactly one of Recv, Param >= 0 and
// Global says where the lock is reached from; Path is the field path from
// there (".mu", ".state.mu", or "" when the root is the lock).
type Acquires struct {
	Recv   bool
	Param  int
	Global string // "path.name" of a package-level variable
	Path   string
	// Lock prints the lock as the function names it ("s.mu"), Kind says
	// what it is.
	Lock string
	Kind LockKind
}

func (*Acquires) AFact() {}
func (f *Acquires) String() string {
	root := "global " + f.Global
	switch {
	case f.Recv:
		root = "receiver"
	case f.Param >= 0:
		root = fmt.Sprintf("param %d", f.Param)
	}
	return fmt.Sprintf("acquires(%s%s: %s %s)", root, f.Path, f.Kind, f.Lock)
}

// AcquiresFact returns fn's Acquires fact, from this package or an import.
func (m *Model) AcquiresFact(fn *types.Func) (*Acquires, bool) { return objectFact(m, fn, m.acquires) }

// LockAt returns the expression, at call, of the lock that the callee's
// Acquires fact names (s.mu for s.snapshot() whose receiver's .mu it
// takes); for a package-level lock it returns nil and true.
func LockAt(call *ast.CallExpr, aq *Acquires) (root ast.Expr, ok bool) {
	switch {
	case aq.Recv:
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return nil, false
		}
		return sel.X, true
	case aq.Param >= 0:
		if aq.Param >= len(call.Args) || call.Ellipsis.IsValid() {
			return nil, false
		}
		return call.Args[aq.Param], true
	}
	return nil, true
}

// findAcquires computes the Acquires facts: a function's own balanced
// acquisition (a lock it acquires and releases) of a lock reached from its
// receiver, a parameter or a package-level variable, then up the call
// graph: a function whose call of such a function passes its own
// receiver, parameter or global (or a field path of it) acquires too.
//
// Only what every call does counts: the acquisition, or the call passing
// the lock on, must be unconditional (in a statement of the function's
// body itself, not under an if, a loop, a switch or a function literal),
// so that a lock taken on a slow path (sync.Pool's pinSlow) is not taken
// "on every call".
func (m *Model) findAcquires(fns []*fnFacts) {
	always := map[*fnFacts]map[*ast.CallExpr]bool{}
	for _, ff := range fns {
		if len(ff.locks) > 0 || len(ff.sites) > 0 {
			always[ff] = unconditionalCalls(ff.decl.Body)
		}
	}
	for _, ff := range fns {
		if aq := m.ownAcquires(ff, always[ff]); aq != nil {
			m.acquires[ff.obj] = aq
		}
	}
	for changed := true; changed; {
		changed = false
		for _, ff := range fns {
			if _, done := m.acquires[ff.obj]; done {
				continue
			}
			for _, s := range ff.sites {
				if !s.runs || !always[ff][s.call] || s.callee.Origin() == ff.obj {
					continue
				}
				aq, ok := m.AcquiresFact(s.callee)
				if !ok {
					continue
				}
				if got := m.acquiresVia(ff, s.call, aq); got != nil {
					m.acquires[ff.obj] = got
					changed = true
					break
				}
			}
		}
	}
}

// ownAcquires finds ff's first unconditional acquisition that it also
// releases.
func (m *Model) ownAcquires(ff *fnFacts, always map[*ast.CallExpr]bool) *Acquires {
	released := map[string]bool{}
	for _, lo := range ff.locks {
		if lo.Op == Release {
			released[lo.ID] = true
		}
	}
	for _, lo := range ff.locks {
		if lo.Op != Acquire || lo.Lock == nil || !released[lo.ID] || !always[lo.Call] {
			continue
		}
		if aq := m.rootedAt(ff, lo.Lock, ""); aq != nil {
			aq.Lock, aq.Kind = lo.Name, lo.Kind
			return aq
		}
	}
	return nil
}

// acquiresVia maps a callee's Acquires fact through call into ff's terms.
func (m *Model) acquiresVia(ff *fnFacts, call *ast.CallExpr, aq *Acquires) *Acquires {
	if aq.Global != "" {
		return &Acquires{Param: -1, Global: aq.Global, Path: aq.Path, Lock: aq.Lock, Kind: aq.Kind}
	}
	root, ok := LockAt(call, aq)
	if !ok || root == nil {
		return nil
	}
	got := m.rootedAt(ff, root, aq.Path)
	if got != nil {
		got.Lock, got.Kind = exprName(root)+aq.Path, aq.Kind
	}
	return got
}

// rootedAt returns where e (followed by the field path suffix) is reached
// from in ff: its receiver, a parameter or a package-level variable, by
// fields only (pointer dereferences and & allowed); nil otherwise.
func (m *Model) rootedAt(ff *fnFacts, e ast.Expr, suffix string) *Acquires {
	info := m.Pass.TypesInfo
	var path []string
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.UnaryExpr:
			if x.Op != token.AND {
				return nil
			}
			e = x.X
			continue
		case *ast.StarExpr:
			e = x.X
			continue
		case *ast.SelectorExpr:
			if sel := info.Selections[x]; sel == nil || sel.Kind() != types.FieldVal {
				if v, ok := info.Uses[x.Sel].(*types.Var); ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
					return &Acquires{Param: -1, Global: v.Pkg().Path() + "." + v.Name(), Path: joinPath(path) + suffix}
				}
				return nil
			}
			path = append(path, x.Sel.Name)
			e = x.X
			continue
		case *ast.Ident:
			v, ok := info.Uses[x].(*types.Var)
			if !ok {
				return nil
			}
			p := joinPath(path) + suffix
			sig := ff.obj.Signature()
			if sig.Recv() == v {
				return &Acquires{Recv: true, Param: -1, Path: p}
			}
			for i := range sig.Params().Len() {
				if sig.Params().At(i) == v {
					return &Acquires{Param: i, Path: p}
				}
			}
			if v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
				return &Acquires{Param: -1, Global: v.Pkg().Path() + "." + v.Name(), Path: p}
			}
		}
		return nil
	}
}

// joinPath prints reversed selector names as ".a.b".
func joinPath(rev []string) string {
	var b strings.Builder
	for i := len(rev) - 1; i >= 0; i-- {
		b.WriteString("." + rev[i])
	}
	return b.String()
}

// unconditionalCalls returns the calls that run whenever body runs: those
// in the statements of body itself up to the first that may return,
// outside nested blocks, branches, loop bodies, clauses and function
// literals (an if's init and condition and a for's init run).
func unconditionalCalls(body *ast.BlockStmt) map[*ast.CallExpr]bool {
	out := map[*ast.CallExpr]bool{}
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt, *ast.FuncLit, *ast.CaseClause, *ast.CommClause:
			return false
		case *ast.IfStmt:
			for _, part := range []ast.Node{n.Init, n.Cond} {
				if part != nil {
					ast.Inspect(part, visit)
				}
			}
			return false
		case *ast.ForStmt:
			if n.Init != nil {
				ast.Inspect(n.Init, visit)
			}
			return false
		case *ast.BinaryExpr:
			if n.Op == token.LAND || n.Op == token.LOR {
				ast.Inspect(n.X, visit) // the right operand may not run
				return false
			}
		case *ast.CallExpr:
			out[n] = true
		}
		return true
	}
	for _, st := range body.List {
		ast.Inspect(st, visit)
		if mayLeave(st) {
			break // what follows an early return may not run
		}
	}
	return out
}

// mayLeave reports whether st may leave the function: a return or goto
// (or a break: conservatively), or a panic call.
func mayLeave(st ast.Stmt) bool {
	if exits(st) {
		return true
	}
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && id.Name == "panic" {
				found = true
			}
		}
		_, lit := n.(*ast.FuncLit)
		return !found && !lit
	})
	return found
}
