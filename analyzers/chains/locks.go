package chains

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// LockKind says what kind of lock a [LockOp] operates.
type LockKind int

const (
	// Mutex: sync.Mutex Lock/Unlock, or sync.RWMutex Lock/Unlock.
	Mutex LockKind = iota
	// RMutex: sync.RWMutex RLock/RUnlock.
	RMutex
	// Locker: Lock/Unlock of any other type implementing sync.Locker
	// (including the sync.Locker interface itself).
	Locker
	// Semaphore: golang.org/x/sync/semaphore.Weighted Acquire/Release.
	Semaphore
	// Pair: a configured acquire:release pair (-lock-pairs).
	Pair
	// Helper: a function that calls its func argument under a lock
	// (the WithLock fact).
	Helper
)

func (k LockKind) String() string {
	return [...]string{"mutex", "read lock", "locker", "semaphore", "lock pair", "with-lock helper"}[k]
}

// Op is what a lock call does.
type Op int

const (
	// Acquire takes the lock.
	Acquire Op = iota
	// Release releases it.
	Release
	// Scoped runs a callback argument while holding it (Helper).
	Scoped
)

// A LockOp describes a call that operates a lock.
type LockOp struct {
	Op   Op
	Kind LockKind
	Call *ast.CallExpr
	// Lock is the lock operand: the receiver (mu in mu.Lock()), the
	// helper expression (s.withGIL) for Helper, or nil for a pair of
	// plain functions. For Helper, Callback is the func argument and
	// Param its index.
	Lock     ast.Expr
	Callback ast.Expr
	Param    int
	// Callee is the called function (nil for unresolved cgo calls).
	Callee *types.Func
	// Name prints the lock: "s.vmMu", "C.PyGILState_Ensure/C.PyGILState_Release",
	// "s.withGIL".
	Name string
	// ID identifies the lock: two operations work on the same lock
	// (syntactically) when their IDs are equal. Acquire and release of
	// one RWMutex's read side share the ID of its write side; compare
	// Kind as well to pair RLock with RUnlock.
	ID string
	// Pair is the configured pair (Kind == Pair).
	Pair LockPair
}

// LockOp classifies call. It returns false for calls that operate no lock.
func (m *Model) LockOp(call *ast.CallExpr) (LockOp, bool) {
	info := m.Pass.TypesInfo
	fun := ast.Unparen(call.Fun)
	var recv ast.Expr
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		if s := info.Selections[sel]; s != nil && (s.Kind() == types.MethodVal) {
			recv = sel.X
		}
	}
	callee, _ := typeutil.Callee(info, call).(*types.Func)
	qname := cgoName(info, fun)
	if callee != nil && qname == "" && m.cfg.pairNames[strings.TrimPrefix(callee.Name(), "_Cfunc_")] {
		qname = funcName(callee)
	}
	// Configured pairs first: they may name methods of any type.
	if qname != "" {
		for _, p := range m.cfg.pairs {
			var op Op
			switch qname {
			case p.Acquire:
				op = Acquire
			case p.Release:
				op = Release
			default:
				continue
			}
			lo := LockOp{Op: op, Kind: Pair, Call: call, Lock: recv, Callee: callee, Pair: p,
				Name: shortName(p.Acquire) + "/" + shortName(p.Release)}
			lo.ID = "pair:" + p.Acquire
			if recv != nil {
				lo.Name = exprName(recv) + " (" + lo.Name + ")"
				lo.ID += ":" + m.exprID(recv)
			}
			return lo, true
		}
	}
	if callee == nil {
		return LockOp{}, false
	}
	sig := callee.Signature()
	if recv != nil && sig.Recv() != nil {
		name := callee.Name()
		rt := sig.Recv().Type()
		mk := func(op Op, kind LockKind) (LockOp, bool) {
			return LockOp{Op: op, Kind: kind, Call: call, Lock: recv, Callee: callee,
				Name: exprName(recv), ID: "lock:" + m.exprID(recv)}, true
		}
		switch {
		case isNamed(rt, "sync", "Mutex") || isNamed(rt, "sync", "RWMutex"):
			switch name {
			case "Lock":
				return mk(Acquire, Mutex)
			case "Unlock":
				return mk(Release, Mutex)
			case "RLock":
				return mk(Acquire, RMutex)
			case "RUnlock":
				return mk(Release, RMutex)
			}
		case isNamed(rt, "golang.org/x/sync/semaphore", "Weighted"):
			switch name {
			case "Acquire":
				return mk(Acquire, Semaphore)
			case "Release":
				return mk(Release, Semaphore)
			}
		case (name == "Lock" || name == "Unlock") && sig.Params().Len() == 0 && sig.Results().Len() == 0 && isLocker(rt):
			if name == "Lock" {
				return mk(Acquire, Locker)
			}
			return mk(Release, Locker)
		}
	}
	if !hasFuncParam(sig) {
		return LockOp{}, false
	}
	if wl, ok := m.WithLockFact(callee); ok && wl.Param < len(call.Args) {
		return LockOp{Op: Scoped, Kind: Helper, Call: call, Lock: fun, Callee: callee,
			Callback: call.Args[wl.Param], Param: wl.Param,
			Name: exprName(fun), ID: "helper:" + m.exprID(fun)}, true
	}
	return LockOp{}, false
}

// cgoName returns "C.F" for a call of cgo function F: either C.F
// unresolved (types.Config.FakeImportC) or cgo's generated _Cfunc_F.
func cgoName(info *types.Info, fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && x.Name == "C" {
			if pn, ok := info.Uses[x].(*types.PkgName); !ok || pn.Imported().Path() == "C" {
				return "C." + f.Sel.Name
			}
		}
	case *ast.Ident:
		if n, ok := strings.CutPrefix(f.Name, "_Cfunc_"); ok {
			return "C." + n
		}
	}
	return ""
}

// funcName returns "path.F" for a function and "path.T.M" for a method.
func funcName(fn *types.Func) string {
	if n, ok := strings.CutPrefix(fn.Name(), "_Cfunc_"); ok {
		return "C." + n
	}
	if fn.Pkg() == nil {
		return fn.Name()
	}
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			return fn.Pkg().Path() + "." + n.Obj().Name() + "." + fn.Name()
		}
		return fn.Pkg().Path() + "." + fn.Name()
	}
	return fn.Pkg().Path() + "." + fn.Name()
}

func shortName(q string) string {
	if i := strings.LastIndex(q, "/"); i >= 0 {
		return q[i+1:]
	}
	return q
}

func isNamed(t types.Type, path, name string) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == path && n.Obj().Name() == name
}

// isLocker reports whether t (a receiver type) has Lock() and Unlock().
func isLocker(t types.Type) bool {
	has := func(name string) bool {
		obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
		f, ok := obj.(*types.Func)
		if !ok {
			return false
		}
		sig := f.Signature()
		return sig.Params().Len() == 0 && sig.Results().Len() == 0
	}
	return has("Lock") && has("Unlock")
}

// exprID prints e with the declaring position of its root identifier, so
// that equal IDs denote the same variable path.
func (m *Model) exprID(e ast.Expr) string {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	root := e
	for {
		switch x := root.(type) {
		case *ast.SelectorExpr:
			if _, ok := m.Pass.TypesInfo.Uses[x.Sel].(*types.PkgName); ok {
				break
			}
			root = x.X
			continue
		case *ast.IndexExpr:
			root = x.X
			continue
		case *ast.StarExpr:
			root = x.X
			continue
		case *ast.ParenExpr:
			root = x.X
			continue
		}
		break
	}
	s := types.ExprString(e)
	if id, ok := root.(*ast.Ident); ok {
		if obj := m.Pass.TypesInfo.Uses[id]; obj != nil {
			return fmt.Sprintf("%s@%d", s, obj.Pos())
		}
	}
	return s
}
