// Package chains computes the middleware-chain model that chainlint's
// analyzers (chainlock, droprequest, skipafter) share.
//
// # Analyzer chains
//
// chains: compute the middleware-chain model (chain loops, runners, requests, locks)
//
// The model is computed once per package by [Analyzer] and handed to the
// analyzers that require it as a [*Model] (pass.ResultOf[chains.Analyzer]).
// It reports no diagnostics itself.
//
// # Chain loops
//
// A chain loop ([Loop]) is a loop that calls, on each iteration, an element
// of one collection it walks: a func value, an interface method (also of
// an interface field of the element: sp.sp.OnEnd(s)), or a func field.
// Every natural loop of a Go function's control-flow graph (a back edge to
// a block that dominates it) is written as a for or range statement or is
// closed by a backward goto, so the candidates are found on the syntax
// tree, cheaply, and SSA is built only for the questions that need data
// flow. [Loop.Shape] says which loop it is ([Shape]):
//
//   - range over a slice, array or pointer to array: for _, m := range chain { m(req) }
//   - an indexed loop: for i := 0; i < len(chain); i++ (and the reverse form)
//   - an integer range indexing the chain: for i := range len(chain) { chain[i](req) }
//   - range over an iterator: slices.Values(chain), slices.All, slices.Backward
//     (a reverse chain), maps.Values, maps.All, a user-written iter.Seq or
//     iter.Seq2; go/ssa compiles the body into a synthesized yield function
//   - range over a map or a channel of elements
//   - a linked list: for n := head; n != nil; n = n.next { n.fn(req) }
//   - a counter kept in a variable or a struct field, as gin does:
//     for c.index < len(c.handlers) { c.handlers[c.index](c); c.index++ }
//   - a goto loop, advancing a counter or a list cursor.
//
// In range and indexed loops over a slice or array a concrete method of the
// element is an element call too; in the other shapes only dynamic callees
// are, so that ordinary walks over lists, maps and counters are not chains.
//
// The element is called directly (m(req), m.Serve(req), m.Fn(req),
// chain[i](req)) or through a local of the loop body that holds it or a
// part of it: a copy (p := e.plugins[i]), a pointer (p := &chain[i]), a
// type assertion (a, ok := m.(Async)), a func field read into a local
// (h := e.plugins[i].OnResp; if h != nil { h(r) }) or a method value
// (f := m.Serve); [ElemCall.Via] names that local, [ElemCall.Closure] the
// function literal of the body holding the call, if any.
//
// A range-over-func loop over the bundled runtime's batching iterators
// (chainruntime.BatchedLocker, BatchedLockerMax, BatchedFunc, BatchedFuncMax; code
// chainlock's fix leaves) is a chain loop over their chain argument, with
// [Loop.RuntimeIter] set to the iterator call. chainlock does not judge such
// loops: the runtime batches them.
//
// Each [ElemCall] records the call, how the element is called ([ElemKind]),
// and whether its result feeds the next iteration (req = m(req)) or leaves
// the loop (if resp := m(req); resp != nil { return resp }). The loop's
// [Role] (Before, After, or Unknown) comes from the called signature:
// a middleware taking a response is an after-middleware; one taking a
// request but no response is a before-middleware. A chain named like
// "before..."/"after..." settles signatures that are ambiguous. So does
// the use of a hook taking a request and a response: one that returns a
// "go on?" signal (a bool, or an error when the response is an interface
// it answers on, such as http.ResponseWriter) in a loop that returns or
// breaks on it is a before-hook, unless the loop runs after a handler
// call (a call taking a request and taking or returning a response) or
// after another chain loop of its function, or the chain is named "after".
//
// # Requests and responses
//
// [Model.IsRequest] and [Model.IsResponse] answer from the request-types and
// response-types flags. A configured name "path.T" matches the named type T
// of package path and a pointer to it; "*.T" matches a named type T in any
// package. context.Context is never a request.
//
// # Locks
//
// [Model.LockOp] classifies a call as acquiring, releasing, or running a
// callback under ([Scoped]) a lock: sync.Mutex, sync.RWMutex (Lock and
// RLock), any sync.Locker, golang.org/x/sync/semaphore.Weighted, configured
// acquire:release pairs (cgo calls match by their C name, C.PyGILState_Ensure,
// although the type-checked code calls cgo's _Cfunc_ wrappers), and helpers
// that call a func argument under a lock (the [WithLock] fact). A [LockOp]
// carries an ID for "same lock" comparison and a printable Name (s.vmMu).
// [Model.Invariant] tells whether a lock operand is loop-invariant, and
// [Model.InvariantArg] the same of any call operand: it is answered on SSA
// form, built lazily and only for the packages asked about.
//
// # Runners and facts
//
// A runner is a function that runs a before- or after-chain: it contains a
// chain loop of that role, or calls a runner. Runners are exported as
// [RunsChain] facts with the index of their request parameter, so that a
// runner in one package and its caller in another are judged together.
// The package also exports [WithLock] (a function calling its func
// parameter while holding a lock), [MayBlock] (a function that may block:
// channel operations, select, time.Sleep, network and file I/O, waiting on a
// WaitGroup, Cond or lock, or a call to a function that may block) and
// [Acquires] (a function that takes and releases a lock reached from its
// receiver, a parameter or a package-level variable, itself or through a
// call passing that on: a call per chain element is an acquisition per
// element; [LockAt] names the lock at a call site).
// Facts are computed for every package from syntax and types only.
//
// # Questions the analyzers ask
//
// Besides [Model.Loops], [Model.Runners], [Model.LockOp] and the facts:
//
//   - droprequest's request flow (its internal package reqflow) uses
//     [FuncBody], [CalledSig], [ExprName], [IdentVar] and [YieldFuncs].
//   - [LoopBlocks], [YieldFuncs], [InspectOwn], [ExprName] and [IsError], which
//     skipafter's short-circuit engine (its internal package) shares.
//   - [Model.SSA] (the SSA form of a function, built lazily for the
//     package), [Model.Invariant] and [Model.InvariantArg] (loop-invariance),
//     [Model.StmtLockOp], [Model.CallMayBlock] and [Model.StmtMayBlock]
//     (chainlock), [Model.RoleOf].
//
// # Flags
//
//	-request-types   comma-separated request types (default "net/http.Request,*.Request,*.Context")
//	-response-types  comma-separated response types (default "net/http.ResponseWriter,*.Response")
//	-lock-pairs      comma-separated acquire:release function or method names, e.g.
//	                 example.com/py.Ensure:example.com/py.Release or
//	                 example.com/py.GIL.Lock:example.com/py.GIL.Unlock
//	                 (default: the cgo CPython GIL pairs
//	                 C.PyGILState_Ensure:C.PyGILState_Release,C.PyEval_RestoreThread:C.PyEval_SaveThread)
package chains
