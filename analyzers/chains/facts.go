package chains

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
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
func (m *Model) WithLockFact(fn *types.Func) (*WithLock, bool) { return objectFact(m, fn, m.withLock) }

// objectFact returns fn's fact of type *F: from local for a function of
// this package, else imported.
func objectFact[F any, P interface {
	*F
	analysis.Fact
}](m *Model, fn *types.Func, local map[*types.Func]P) (P, bool) {
	if fn == nil {
		return nil, false
	}
	fn = fn.Origin()
	if fn.Pkg() == m.Pass.Pkg {
		f, ok := local[fn]
		return f, ok
	}
	f := P(new(F))
	return f, m.importFact(fn, f)
}

// MayBlockFact returns why fn may block, from this package or an import.
func (m *Model) MayBlockFact(fn *types.Func) (string, bool) {
	if fn == nil {
		return "", false
	}
	fn = fn.Origin()
	if neverBlocks(fn) {
		return "", false
	}
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
	return objectFact(m, fn, m.runsChain)
}

// CallMayBlock reports whether call may block and why: a known blocking
// function or method, a lock acquisition, or a callee with the MayBlock
// fact. Calls through func values and interfaces (other than io.Reader,
// io.Writer and net.Conn-like methods) are assumed not to block.
func (m *Model) CallMayBlock(call *ast.CallExpr) (string, bool) {
	fn, _ := typeutil.Callee(m.Pass.TypesInfo, call).(*types.Func)
	if fn != nil && neverBlocks(fn.Origin()) {
		return "", false // sync.Once.Do is a with-lock helper too
	}
	if lo, ok := m.LockOp(call); ok && lo.Op != Release {
		return "takes lock " + lo.Name, true
	}
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
				return false
			}
			// The communications do not block; the bodies may.
			for _, c := range n.Body.List {
				for _, st := range c.(*ast.CommClause).Body {
					if r, p, ok := m.StmtMayBlock(st); ok && reason == "" {
						reason, pos = r, p
					}
				}
			}
			return false
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

// neverBlocks reports whether fn is a standard-library function that the
// walk of its body would judge blocking but that waits on no goroutine of
// the program: the runtime's own (its channel waits are GC and scheduler
// machinery that every allocation runs through implicitly, unseen by the
// walk), sync.Pool's Get and Put (a registry mutex on a P's first use of a
// pool) and sync.Map's methods (per-node mutexes held for a few
// instructions). Without it, everything that formats or reflects
// (fmt.Errorf through fmt's printer pool, reflect's type caches) "may
// block", and no fix could keep an error message under a lock.
func neverBlocks(fn *types.Func) bool {
	if fn.Pkg() == nil {
		return false
	}
	switch fn.Pkg().Path() {
	case "runtime":
		return true
	case "sync", "internal/sync":
		switch recvName(fn) {
		case "Pool":
			return fn.Name() == "Get" || fn.Name() == "Put"
		case "Map", "HashTrieMap":
			return true
		case "Once":
			return fn.Name() == "Do"
		}
	}
	return false
}

// recvName returns the name of fn's receiver's named type, or "".
func recvName(fn *types.Func) string {
	recv := fn.Signature().Recv()
	if recv == nil {
		return ""
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
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

// fnFacts is what one walk over a function declaration's body finds.
type fnFacts struct {
	decl *ast.FuncDecl
	obj  *types.Func
	// block is the direct reason the function may block ("" if none).
	block string
	// callees are the package-local functions it calls statically outside
	// function literals that do not run in it (for MayBlock).
	callees []*types.Func
	// sites are its calls (anywhere in its body) of package-local
	// functions and of imported runners (for RunsChain).
	sites []callSite
	// locks are the lock operations that run in it (for Acquires).
	locks []LockOp
}

type callSite struct {
	call   *ast.CallExpr
	callee *types.Func
	runs   bool // the call runs when the function does
}

// computeFacts computes MayBlock, WithLock, Acquires and RunsChain for
// the package's function declarations and exports them in source order,
// and builds Runners. Each body is walked once; MayBlock, Acquires and
// RunsChain then propagate over the package's static call graph by
// worklist, WithLock (rare: it needs a func parameter) by a fixed point
// over the functions that have one.
func (m *Model) computeFacts() {
	fns, byObj := m.funcDecls()
	// WithLock first: LockOp (used below) recognises helpers by it.
	m.computeWithLock(fns)
	for _, ff := range fns {
		m.scanBody(ff, byObj)
	}
	m.findAcquires(fns)
	m.propagateMayBlock(fns)
	m.loopRunners()
	m.propagateRunners(fns)
	m.runnerCalls(fns, byObj)
	m.exportFacts(fns)
}

// funcDecls lists the package's function declarations with bodies.
func (m *Model) funcDecls() ([]*fnFacts, map[*types.Func]*fnFacts) {
	var fns []*fnFacts
	byObj := map[*types.Func]*fnFacts{}
	for _, f := range m.Pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if obj, ok := m.Pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					ff := &fnFacts{decl: fd, obj: obj}
					fns = append(fns, ff)
					byObj[obj] = ff
				}
			}
		}
	}
	return fns, byObj
}

// computeWithLock finds the with-lock helpers, to a fixed point (a helper
// may call another).
func (m *Model) computeWithLock(fns []*fnFacts) {
	var withParams []*fnFacts
	for _, ff := range fns {
		if hasFuncParam(ff.obj.Signature()) {
			withParams = append(withParams, ff)
		}
	}
	for changed := true; changed; {
		changed = false
		for _, ff := range withParams {
			if _, ok := m.withLock[ff.obj]; !ok {
				if wl := m.findWithLock(ff.decl, ff.obj); wl != nil {
					m.withLock[ff.obj] = wl
					changed = true
				}
			}
		}
	}
}

// propagateMayBlock spreads MayBlock from the direct reasons up the
// reverse call graph.
func (m *Model) propagateMayBlock(fns []*fnFacts) {
	callers := map[*types.Func][]*fnFacts{}
	for _, ff := range fns {
		for _, c := range ff.callees {
			callers[c] = append(callers[c], ff)
		}
	}
	var work []*fnFacts
	for _, ff := range fns {
		if ff.block != "" {
			m.mayBlock[ff.obj] = ff.block
			work = append(work, ff)
		}
	}
	for len(work) > 0 {
		ff := work[0]
		work = work[1:]
		for _, caller := range callers[ff.obj] {
			if _, done := m.mayBlock[caller.obj]; done {
				continue
			}
			m.mayBlock[caller.obj] = "calls " + ff.obj.Name() + ", which " + shortReason(m.mayBlock[ff.obj])
			work = append(work, caller)
		}
	}
}

// exportFacts sorts the runners and exports the facts in source order.
func (m *Model) exportFacts(fns []*fnFacts) {
	// Runners in source order.
	for _, r := range m.runnerOf {
		m.Runners = append(m.Runners, r)
	}
	sort.Slice(m.Runners, func(i, j int) bool { return m.Runners[i].Func.Pos() < m.Runners[j].Func.Pos() })
	for _, ff := range fns {
		if r, ok := m.mayBlock[ff.obj]; ok {
			m.Pass.ExportObjectFact(ff.obj, &MayBlock{Reason: r})
		}
		if wl, ok := m.withLock[ff.obj]; ok {
			m.Pass.ExportObjectFact(ff.obj, wl)
		}
		if rc, ok := m.runsChain[ff.obj]; ok {
			m.Pass.ExportObjectFact(ff.obj, rc)
		}
		if aq, ok := m.acquires[ff.obj]; ok {
			m.Pass.ExportObjectFact(ff.obj, aq)
		}
	}
}

// shortReason keeps propagated reasons to one level of "calls X, which".
func shortReason(r string) string {
	if strings.HasPrefix(r, "calls ") && strings.Count(r, ", which ") >= 1 {
		return "calls " + strings.TrimPrefix(strings.SplitN(r, ", which ", 2)[0], "calls ") + ", which may block"
	}
	return r
}

func hasFuncParam(sig *types.Signature) bool {
	for v := range sig.Params().Variables() {
		if _, ok := v.Type().Underlying().(*types.Signature); ok {
			return true
		}
	}
	return false
}

// scanBody walks ff's body once, for its direct blocking reason, its
// package-local callees and its call sites.
func (m *Model) scanBody(ff *fnFacts, byObj map[*types.Func]*fnFacts) {
	info := m.Pass.TypesInfo
	invoked := map[*ast.FuncLit]bool{}
	seenCallee := map[*types.Func]bool{}
	var visit func(n ast.Node, runs bool) bool
	visit = func(n ast.Node, runs bool) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			if runs && !invoked[n] {
				// Not run here: its calls still count as call sites.
				ast.Inspect(n.Body, func(n ast.Node) bool { return visit(n, false) })
				return false
			}
		case *ast.GoStmt:
			if runs {
				ast.Inspect(n.Call, func(n ast.Node) bool { return visit(n, false) })
				return false
			}
		case *ast.SendStmt:
			if runs && ff.block == "" {
				ff.block = "sends on a channel"
			}
		case *ast.UnaryExpr:
			if runs && n.Op == token.ARROW && ff.block == "" {
				ff.block = "receives from a channel"
			}
		case *ast.SelectStmt:
			if runs && ff.block == "" && !hasDefault(n) {
				ff.block = "waits in a select"
			}
			if hasDefault(n) {
				// The communications do not block; the bodies may.
				for _, c := range n.Body.List {
					for _, st := range c.(*ast.CommClause).Body {
						ast.Inspect(st, func(n ast.Node) bool { return visit(n, runs) })
					}
				}
				return false
			}
		case *ast.RangeStmt:
			if runs && ff.block == "" {
				if t := info.TypeOf(n.X); t != nil {
					if _, ok := t.Underlying().(*types.Chan); ok {
						ff.block = "receives from a channel"
					}
				}
			}
		case *ast.CallExpr:
			if lit, ok := ast.Unparen(n.Fun).(*ast.FuncLit); ok {
				invoked[lit] = true
				return true
			}
			callee, _ := typeutil.Callee(info, n).(*types.Func)
			if callee != nil {
				callee = callee.Origin()
			}
			if callee != nil && callee.Pkg() == m.Pass.Pkg && byObj[callee] != nil {
				ff.sites = append(ff.sites, callSite{n, callee, runs})
				if runs && !seenCallee[callee] {
					seenCallee[callee] = true
					ff.callees = append(ff.callees, callee)
				}
				if lo, ok := m.LockOp(n); runs && ok {
					ff.locks = append(ff.locks, lo)
					if lo.Op != Release && ff.block == "" && lo.Kind != Helper {
						ff.block = "takes lock " + lo.Name
					}
				}
				return true
			}
			if callee != nil && callee.Pkg() != nil && callee.Pkg() != m.Pass.Pkg {
				ff.sites = append(ff.sites, callSite{n, callee, runs})
			}
			if lo, ok := m.LockOp(n); runs && ok {
				ff.locks = append(ff.locks, lo)
			}
			if runs && ff.block == "" {
				if r, ok := m.CallMayBlock(n); ok {
					ff.block = r
				}
			}
		}
		return true
	}
	ast.Inspect(ff.decl.Body, func(n ast.Node) bool { return visit(n, true) })
}

func hasDefault(s *ast.SelectStmt) bool {
	for _, c := range s.Body.List {
		if cc, ok := c.(*ast.CommClause); ok && cc.Comm == nil {
			return true
		}
	}
	return false
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
