// Package chainlock defines an Analyzer that reports a middleware-chain loop
// that acquires and releases the same lock once per middleware.
//
// # Analyzer chainlock
//
// chainlock: report a chain loop that takes the same lock once per middleware
//
// See [Doc] for the full text that `chainlint help chainlock` prints.
package chainlock

// Doc is the analyzer's documentation: a one-sentence summary, then the
// defect, a bad and a fixed example, what is not reported, and the flags.
const Doc = `report a chain loop that takes the same lock once per middleware

A chain loop that acquires and releases one loop-invariant lock around
every middleware call (a mutex guarding an embedded interpreter, a cgo
GIL, a shared config) pays N acquire/release pairs, and N chances of
contention and hand-off, for an N-middleware chain. Consecutive
synchronous middlewares can run under one acquisition; middlewares that
block must run with the lock released. The runtime's batching iterator,
chainruntime.Batched, does exactly that: one acquisition per run of
consecutive synchronous middlewares, released around each blocking one and
on every way out of the loop (break, return, panic).

Bad:

	for _, m := range s.before {
		s.vmMu.Lock()
		req = m(req)
		s.vmMu.Unlock()
	}

Fixed (what the suggested fix writes):

	hold := chainruntime.NewHold(&s.vmMu)
	defer hold.Unlock()
	for _, m := range chainruntime.Batched(&hold, s.before, nil) {
		req = m(req)
	}

Batched has no defer of its own, so the compiler inlines it and the
loop body: the loop runs at the speed of a hand-written one under one
lock, and the deferred Unlock releases the lock if a middleware panics.
A loop inside another loop gets its hold before the outermost loop of
its function (a deferred call per round would pile up; one hold serves
every round, and each run of the chain still releases the lock as it
ends); a loop a goto jumps across gets it at the top of the function (Go
rejects a jump over the declaration, and a jump back would defer again).
Both need the lock expression to mean there what it means at the loop:
its variables are package-level, or declared before that point and never
assigned again. Otherwise the fix ranges over
chainruntime.BatchedLocker(&s.vmMu, s.before, nil), as it does for a loop body
with a defer statement (on a panic, its deferred calls would run before
the hold's Unlock, with the lock held); a with-lock helper gets
chainruntime.BatchedFunc. The message names the iterator the fix writes.

The phases of one call under one lock (a before-chain, a handler that
takes the lock itself, an after-chain, in one statement list of one
function) are reported together, at the first loop with the others as
related, and fixed with one hold taken before the first loop
(hold.Lock() after the deferred Unlock), every loop ranging over
Batched(&hold, ...), the handler's own Lock and Unlock deleted, and
hold.Unlock() after the last loop. This is offered only when the code
between the phases cannot block and operates the lock only by plain
Lock/Unlock statements, paired in their block; otherwise each loop is
fixed on its own. Plain mu.Lock(); ...; mu.Unlock() regions of the same
lock just before the first loop or after the last (converting the request
and the response, say) join the hold on the same terms, also next to a
single loop: the hold is then taken before the first region and released
in place of the last region's Unlock. A region that may block, defers,
jumps out (goto, break, continue) or returns with the lock held stays as
written.

Recognised: sync.Mutex, sync.RWMutex (RLock is fixed with mu.RLocker()),
any sync.Locker (also a type with its own Lock and Unlock), golang.org/x/sync/semaphore.Weighted, acquire:release
pairs configured with -chains.lock-pairs (by default the cgo CPython GIL
calls), and helpers that call a func argument under a lock, in this package
or another (withGIL(func() { ... }), fixed with chainruntime.BatchedFunc);
per-iteration closures with a deferred release
(func() { mu.Lock(); defer mu.Unlock(); m(req) }()). Chains are the chain
loops of the chains analyzer, in every shape: range and indexed loops over
slices and arrays, integer ranges (for i := range len(chain)), iterators
(slices.Values, slices.Backward, maps.Values, a user iter.Seq), linked
lists, an index kept in a field (gin's c.index), map and channel ranges,
goto loops; the element called directly, through a local, a copy, a method
value or a type assertion.

A loop that takes the lock on only some iterations, by a branch on the
element (if m.Async { m.Fn(req) } else { mu.Lock(); m.Fn(req); mu.Unlock() }),
is a mixed chain; the fix passes the branch condition as the blocking
predicate (func(m T) bool { return m.Async }). When the branches differ
beyond the lock calls (if a, ok := m.(Async); ok { a.ServeAsync(req) } else
{ ... }), the if/else stays without the lock calls and the predicate repeats
the condition, which must have no effect (no call).

Two shapes take the lock outside the loop body:

  - A per-iteration call of a function that takes a loop-invariant lock
    itself (the Acquires fact, across packages), whose result goes to the
    middleware: for _, sp := range sps { sp.sp.OnEnd(s.snapshot()) } where
    snapshot takes s.mu. Reported at the call; no fix: hoisting the call
    needs proof that no middleware changes what it reads, which dynamic
    calls do not give, and would run it for an empty chain too.
  - A chain built at load time from closures that each take the same lock
    around their middleware, run by another loop of the package:
    for _, mw := range mws { chain = append(chain, func(r *Req) { gil.Lock(); mw(r); gil.Unlock() }) }.
    Reported at the construction site with the running loops as related
    information. The fix, one edit set for construction and runners,
    appends the middleware itself (chain = append(chain, mw)) and makes
    every loop of the package that runs the chain range over the runtime
    (the Hold form, or chainruntime.BatchedLocker(&gil, chain, nil)), so the lock
    is taken once per run of synchronous middlewares. It is offered only
    when that changes nothing else: the closure is exactly lock, a call of
    the captured middleware with the closure's own parameters in order
    (its results returned unchanged), unlock (or lock; defer unlock;
    call), with a mutex, read lock or Locker; the middleware's type is the
    chain's element type; the chain is unexported and nothing in the
    package writes it but this construction (a reset to nil or empty
    aside) or reads it but loops that call its elements directly in the
    iteration (len and cap aside); every such loop can name the lock (a
    package-level variable, a variable in scope, or the same field of the
    value whose chain it runs, for closures that lock a field of the value
    they are appended to) and does not take it itself; and each loop
    passes the checks of the loop fix below. An exported chain is marked
    with a fact (BuiltChain), and a loop of another package that runs it
    is reported there, without a fix.

Not reported: a per-element or striped lock (m.mu.Lock(), locks[i%8],
a lock looked up in a map per element: the lock must be loop-invariant,
which is decided on SSA form); a function taking its receiver's lock called
on each element (sp.snapshot()); a lock held around the whole loop; a chain
copied under the lock and run unlocked; a loop whose middleware call runs
outside the critical section; loops that call no element; loops already
ranging over the runtime's iterators; generated files.

The fix is offered only when it is safe: the code that would newly run
under the lock (everything in the loop body outside the critical section)
must not block or operate a lock (no channel operation, select, go
statement, or call that may block by fact); the file's Go version must be
at least go1.23 (range over func); the lock must be one the runtime can
take: a stateless configured pair (interp.Enter()/interp.Leave()) is adapted
with chainruntime.Locker, while semaphores and pairs whose release needs the
acquisition's state (the GIL's PyGILState_Ensure/PyGILState_Release) are
reported without a fix (wrap them in a type with Lock and Unlock methods);
a reverse loop is not rewritten; the loop must run every element of a slice
or array once, in order (an array is sliced: a[:]; an integer range only as
range len(chain)): iterator, list, map, channel, field-index and goto loops
are reported with the reason and no fix.
Otherwise the message says what stands in the way.

Flags: those of the chains analyzer (-chains.lock-pairs,
-chains.request-types, -chains.response-types).`
