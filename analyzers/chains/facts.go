package chains

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// WithLock is the fact that a function calls its func parameter Param
// while holding a lock (func (vm *VM) withGIL(f func())).
type WithLock struct {
	Param int
	// Lock names the lock inside the helper, for messages.
	Lock string
}

func (*WithLock) AFact()           {}
func (f *WithLock) String() string { return fmt.Sprintf("withLock(param %d, %s)", f.Param, f.Lock) }

// MayBlock is the fact that a function may block; Reason says why, for
// messages ("sends on a channel", "calls time.Sleep").
type MayBlock struct{ Reason string }

func (*MayBlock) AFact()           {}
func (f *MayBlock) String() string { return "mayBlock(" + f.Reason + ")" }

// RunsChain is the fact that a function runs a before- and/or after-chain.
// ReqParam is the index of its first request parameter, or -1.
type RunsChain struct {
	Before, After bool
	ReqParam      int
}

func (*RunsChain) AFact() {}
func (f *RunsChain) String() string {
	return fmt.Sprintf("runsChain(before=%v, after=%v, req=%d)", f.Before, f.After, f.ReqParam)
}

// WithLockFact returns fn's WithLock fact, from this package or an import.
func (m *Model) WithLockFact(fn *types.Func) (*WithLock, bool) {
	if fn == nil {
		return nil, false
	}
	fn = fn.Origin()
	if fn.Pkg() == m.Pass.Pkg {
		f, ok := m.withLock[fn]
		return f, ok
	}
	f := new(WithLock)
	return f, m.importFact(fn, f)
}

// MayBlockFact returns why fn may block, from this package or an import.
func (m *Model) MayBlockFact(fn *types.Func) (string, bool) {
	if fn == nil {
		return "", false
	}
	fn = fn.Origin()
	if fn.Pkg() == m.Pass.Pkg {
		r, ok := m.mayBlock[fn]
		return r, ok
	}
	if r, ok := knownBlocking(fn); ok {
		return r, true
	}
	f := new(MayBlock)
	if m.importFact(fn, f) {
		return f.Reason, true
	}
	return "", false
}

// RunsChainFact returns fn's RunsChain fact, from this package or an import.
func (m *Model) RunsChainFact(fn *types.Func) (*RunsChain, bool) {
	if fn == nil {
		return nil, false
	}
	fn = fn.Origin()
	if fn.Pkg() == m.Pass.Pkg {
		f, ok := m.runsChain[fn]
		return f, ok
	}
	f := new(RunsChain)
	return f, m.importFact(fn, f)
}

// CallMayBlock reports whether call may block and why: a known blocking
// function or method, a lock acquisition, or a callee with the MayBlock
// fact. Calls through func values and interfaces (other than io.Reader,
// io.Writer and net.Conn-like methods) are assumed not to block.
func (m *Model) CallMayBlock(call *ast.CallExpr) (string, bool) {
	if lo, ok := m.LockOp(call); ok && lo.Op != Release {
		return "takes lock " + lo.Name, true
	}
	fn, _ := typeutil.Callee(m.Pass.TypesInfo, call).(*types.Func)
	if fn == nil {
		return "", false
	}
	if r, ok := m.MayBlockFact(fn); ok {
		if fn.Pkg() == m.Pass.Pkg || fn.Pkg() == nil {
			return "calls " + fn.Name() + ", which " + r, true
		}
		return "calls " + fn.Pkg().Name() + "." + fn.Name() + ", which " + r, true
	}
	return "", false
}

// StmtMayBlock reports whether n may block: a channel operation, a select
// without default, a go statement is not blocking but runs concurrently
// (reported too, as "starts a goroutine"), a range over a channel, or a
// call that may block. Function literals that are not called in n are not
// entered.
func (m *Model) StmtMayBlock(n ast.Node) (string, token.Pos, bool) {
	var reason string
	var pos token.Pos
	ast.Inspect(n, func(n ast.Node) bool {
		if reason != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SendStmt:
			reason, pos = "sends on a channel", n.Pos()
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				reason, pos = "receives from a channel", n.Pos()
			}
		case *ast.SelectStmt:
			def := false
			for _, c := range n.Body.List {
				if cc, ok := c.(*ast.CommClause); ok && cc.Comm == nil {
					def = true
				}
			}
			if !def {
				reason, pos = "waits in a select", n.Pos()
			}
		case *ast.GoStmt:
			reason, pos = "starts a goroutine", n.Pos()
		case *ast.RangeStmt:
			if t := m.Pass.TypesInfo.TypeOf(n.X); t != nil {
				if _, ok := t.Underlying().(*types.Chan); ok {
					reason, pos = "receives from a channel", n.Pos()
				}
			}
		case *ast.CallExpr:
			if lit, ok := ast.Unparen(n.Fun).(*ast.FuncLit); ok {
				if r, p, ok := m.StmtMayBlock(lit.Body); ok {
					reason, pos = r, p
				}
				return false
			}
			if r, ok := m.CallMayBlock(n); ok {
				reason, pos = r, n.Pos()
			}
		}
		return reason == ""
	})
	return reason, pos, reason != ""
}

// knownBlocking lists standard-library functions that may block.
func knownBlocking(fn *types.Func) (string, bool) {
	if fn.Pkg() == nil {
		return "", false
	}
	path, name := fn.Pkg().Path(), fn.Name()
	recv := ""
	if r := fn.Signature().Recv(); r != nil {
		t := r.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			recv = n.Obj().Name()
		}
	}
	switch path {
	case "time":
		if name == "Sleep" {
			return "sleeps", true
		}
	case "sync":
		switch {
		case recv == "WaitGroup" && name == "Wait", recv == "Cond" && name == "Wait":
			return "waits on a sync." + recv, true
		case (recv == "Mutex" || recv == "RWMutex") && (name == "Lock" || name == "RLock"),
			recv == "Locker" && name == "Lock":
			return "waits for a lock", true
		}
	case "golang.org/x/sync/semaphore":
		if name == "Acquire" {
			return "waits for a semaphore", true
		}
	case "net", "os/exec", "database/sql", "net/rpc", "net/smtp":
		if recv != "" || name[0] >= 'A' && name[0] <= 'Z' {
			if !pureNet[name] {
				return "does network or process I/O (" + path + ")", true
			}
		}
	case "net/http":
		if recv == "Client" || recv == "" && (name == "Get" || name == "Post" || name == "Head" || name == "PostForm") ||
			recv == "Transport" && name == "RoundTrip" || recv == "Server" && name[0] == 'S' || recv == "Server" && name[0] == 'L' {
			return "does network I/O (net/http)", true
		}
	case "os":
		if recv == "File" || blockingOS[name] {
			return "does file I/O (os)", true
		}
	case "io":
		switch name {
		case "Copy", "CopyN", "CopyBuffer", "ReadAll", "ReadFull", "ReadAtLeast", "WriteString":
			return "does I/O (io." + name + ")", true
		case "Read", "Write":
			if recv == "Reader" || recv == "Writer" || recv == "ReadWriter" || recv == "ReadCloser" || recv == "WriteCloser" {
				return "does I/O (io." + recv + "." + name + ")", true
			}
		}
	}
	return "", false
}

var pureNet = map[string]bool{
	"ParseIP": true, "ParseCIDR": true, "JoinHostPort": true, "SplitHostPort": true, "ParseMAC": true,
	"IPv4": true, "IPv4Mask": true, "CIDRMask": true, "String": true, "Network": true, "Error": true,
	"Timeout": true, "Temporary": true, "Unwrap": true, "Equal": true, "To4": true, "To16": true,
	"IsLoopback": true, "Mask": true, "Contains": true, "Named": true, "Command": true, "CommandContext": true,
	"Addr": true, "LocalAddr": true, "RemoteAddr": true, "Err": true, "Stats": true, "SetMaxOpenConns": true,
}

var blockingOS = map[string]bool{
	"Open": true, "OpenFile": true, "Create": true, "ReadFile": true, "WriteFile": true, "ReadDir": true,
	"Remove": true, "RemoveAll": true, "Rename": true, "Mkdir": true, "MkdirAll": true, "Stat": true, "Lstat": true,
	"Chmod": true, "Chown": true, "Truncate": true, "Link": true, "Symlink": true, "Readlink": true, "MkdirTemp": true,
	"CreateTemp": true, "Chdir": true, "StartProcess": true, "Pipe": true,
}

// computeFacts computes MayBlock, WithLock and RunsChain for the package's
// function declarations (to a fixed point over calls within the package)
// and exports them in source order, and builds Runners.
func (m *Model) computeFacts() {
	var decls []*ast.FuncDecl
	var objs []*types.Func
	for _, f := range m.Pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if obj, ok := m.Pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					decls = append(decls, fd)
					objs = append(objs, obj)
				}
			}
		}
	}

	// Runners: functions (declarations and literals) with chain loops.
	for _, l := range m.Loops {
		r := m.runnerOf[l.Func]
		if r == nil {
			r = &Runner{Func: l.Func, ReqParam: -1}
			if fd, ok := l.Func.(*ast.FuncDecl); ok {
				r.Obj, _ = m.Pass.TypesInfo.Defs[fd.Name].(*types.Func)
			}
			r.ReqParam = m.reqParam(l.Func)
			m.runnerOf[l.Func] = r
		}
		r.Loops = append(r.Loops, l)
		r.Before = r.Before || l.Role == Before
		r.After = r.After || l.Role == After
	}

	for changed := true; changed; {
		changed = false
		for i, fd := range decls {
			obj := objs[i]
			if _, ok := m.mayBlock[obj]; !ok {
				if r, _, ok := m.StmtMayBlock(fd.Body); ok {
					m.mayBlock[obj] = r
					changed = true
				}
			}
			if _, ok := m.withLock[obj]; !ok {
				if wl := m.findWithLock(fd, obj); wl != nil {
					m.withLock[obj] = wl
					changed = true
				}
			}
			if m.runnerCalls(fd, obj) {
				changed = true
			}
		}
	}
	for _, r := range m.runnerOf {
		if r.Obj != nil && (r.Before || r.After) {
			m.runsChain[r.Obj] = &RunsChain{Before: r.Before, After: r.After, ReqParam: r.ReqParam}
		}
	}
	// Runners in source order.
	for _, f := range m.Pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if r := m.runnerOf[n]; r != nil {
				m.Runners = append(m.Runners, r)
			}
			return true
		})
	}
	for i, obj := range objs {
		_ = decls[i]
		if r, ok := m.mayBlock[obj]; ok {
			m.Pass.ExportObjectFact(obj, &MayBlock{Reason: r})
		}
		if wl, ok := m.withLock[obj]; ok {
			m.Pass.ExportObjectFact(obj, wl)
		}
		if rc, ok := m.runsChain[obj]; ok {
			m.Pass.ExportObjectFact(obj, rc)
		}
	}
}

// reqParam returns the index of fn's first request parameter, or -1.
func (m *Model) reqParam(fn ast.Node) int {
	var ft *ast.FuncType
	switch f := fn.(type) {
	case *ast.FuncDecl:
		ft = f.Type
	case *ast.FuncLit:
		ft = f.Type
	}
	i := 0
	for _, field := range ft.Params.List {
		n := max(len(field.Names), 1)
		if m.IsRequest(m.Pass.TypesInfo.TypeOf(field.Type)) {
			return i
		}
		i += n
	}
	return -1
}

// runnerCalls makes fd a runner when it calls runners; it reports change.
func (m *Model) runnerCalls(fd *ast.FuncDecl, obj *types.Func) bool {
	changed := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		callee, _ := typeutil.Callee(m.Pass.TypesInfo, call).(*types.Func)
		if callee == nil || callee.Origin() == obj {
			return true
		}
		rc, ok := m.RunsChainFact(callee)
		if !ok && callee.Pkg() == m.Pass.Pkg {
			// Not yet exported: use the runner being computed.
			for _, r := range m.runnerOf {
				if r.Obj == callee.Origin() && (r.Before || r.After) {
					rc, ok = &RunsChain{Before: r.Before, After: r.After}, true
				}
			}
		}
		if !ok {
			return true
		}
		r := m.runnerOf[fd]
		if r == nil {
			r = &Runner{Func: fd, Obj: obj, ReqParam: m.reqParam(fd)}
			m.runnerOf[fd] = r
		}
		for _, c := range r.Calls {
			if c == call {
				return true
			}
		}
		r.Calls = append(r.Calls, call)
		if (rc.Before && !r.Before) || (rc.After && !r.After) {
			changed = true
		}
		r.Before = r.Before || rc.Before
		r.After = r.After || rc.After
		changed = true
		return true
	})
	return changed
}

// findWithLock recognises a function calling its func parameter p while
// holding a lock: in one statement list, an acquisition of L before the
// call of p and a release of L after it (or a deferred release before
// it); or p passed as the callback of another with-lock helper.
func (m *Model) findWithLock(fd *ast.FuncDecl, obj *types.Func) *WithLock {
	sig := obj.Signature()
	params := map[*types.Var]int{}
	for i := 0; i < sig.Params().Len(); i++ {
		if _, ok := sig.Params().At(i).Type().Underlying().(*types.Signature); ok {
			params[sig.Params().At(i)] = i
		}
	}
	if len(params) == 0 {
		return nil
	}
	info := m.Pass.TypesInfo
	paramCalled := func(st ast.Stmt) (int, bool) {
		idx, found := -1, false
		ast.Inspect(st, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			if call, ok := n.(*ast.CallExpr); ok {
				if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok {
						if i, ok := params[v]; ok {
							idx, found = i, true
						}
					}
				}
			}
			return !found
		})
		return idx, found
	}
	var res *WithLock
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if res != nil {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			// p passed to another helper as its callback.
			if lo, ok := m.LockOp(call); ok && lo.Op == Scoped {
				if id, ok := ast.Unparen(lo.Callback).(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok {
						if i, ok := params[v]; ok && lo.Callee.Origin() != obj {
							res = &WithLock{Param: i, Lock: lo.Name}
						}
					}
				}
			}
		}
		list := StmtList(n)
		for ci, st := range list {
			pi, ok := paramCalled(st)
			if !ok {
				continue
			}
			for ai := 0; ai < ci; ai++ {
				acq, ok := m.StmtLockOp(list[ai])
				if !ok || acq.Op != Acquire {
					continue
				}
				for ri, st2 := range list {
					rel, ok := m.StmtLockOp(st2)
					if !ok || rel.Op != Release || rel.ID != acq.ID {
						continue
					}
					_, deferred := st2.(*ast.DeferStmt)
					if ri > ci || deferred && ai < ri && ri < ci {
						res = &WithLock{Param: pi, Lock: acq.Name}
						return false
					}
				}
			}
		}
		return true
	})
	return res
}

// StmtList returns the statement list of a *ast.BlockStmt, *ast.CaseClause
// or *ast.CommClause, and nil for any other node.
func StmtList(n ast.Node) []ast.Stmt {
	switch n := n.(type) {
	case *ast.BlockStmt:
		return n.List
	case *ast.CaseClause:
		return n.Body
	case *ast.CommClause:
		return n.Body
	}
	return nil
}

// StmtLockOp returns the lock operation a statement performs at its top
// level: mu.Lock(), defer mu.Unlock(), state := C.PyGILState_Ensure(),
// _ = sem.Acquire(ctx, 1), if err := sem.Acquire(ctx, 1); err != nil {...}.
func (m *Model) StmtLockOp(st ast.Stmt) (LockOp, bool) {
	var call *ast.CallExpr
	switch s := st.(type) {
	case *ast.ExprStmt:
		call, _ = ast.Unparen(s.X).(*ast.CallExpr)
	case *ast.DeferStmt:
		call = s.Call
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			call, _ = ast.Unparen(s.Rhs[0]).(*ast.CallExpr)
		}
	case *ast.IfStmt:
		if s.Init != nil {
			return m.StmtLockOp(s.Init)
		}
	}
	if call == nil {
		return LockOp{}, false
	}
	return m.LockOp(call)
}
