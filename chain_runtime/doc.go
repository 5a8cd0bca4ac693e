// Package chainruntime runs middleware chains correctly and cheaply. It is
// the runtime that chainlint's suggested fixes rewrite code onto, and it
// depends on nothing but the standard library.
//
// [Batched] (and [BatchedMax]) is a range-over-func iterator that replaces a
// lock taken once per middleware with one acquisition per run of consecutive
// synchronous middlewares. It runs over a [Hold], one call's hold on the
// lock, whose Unlock the calling function defers:
//
//	// before: n acquisitions for n middlewares
//	for _, m := range chain {
//		mu.Lock()
//		req = m(req)
//		mu.Unlock()
//	}
//
//	// after: one acquisition; released on break, return, goto, and by the
//	// deferred Unlock on a panic
//	h := chainruntime.NewHold(&mu)
//	defer h.Unlock()
//	for _, m := range chainruntime.Batched(&h, chain, nil) {
//		req = m(req)
//	}
//
// Batched has no defer of its own, so the compiler inlines it and the loop
// body, and it costs what a hand-written loop under one Lock/Unlock costs.
// Several loops and the code between them (a before-chain, a handler, an
// after-chain) can share one acquisition. Middlewares that block (I/O,
// waiting on another goroutine) run with the lock released: pass a
// predicate that reports them as the third argument.
//
// [BatchedLocker] (and [BatchedLockerMax]) takes the [sync.Locker] itself
// and releases it on every exit, panics included, for a function that
// cannot defer a Hold's release; it costs a closure call per element more.
// [BatchedFunc] and [BatchedFuncMax] do the same for callback-style locks
// (a withGIL(func()) helper).
//
// [Chain] is a runner for before-middlewares, a handler, after-middlewares
// and finalizers whose contract rules out the defects chainlint reports:
// after-middlewares and finalizers receive the latest request with the
// response; a response with which a before-middleware short-circuits still
// passes through the after-middlewares (unless the chain opts out) and always
// through the finalizers; every failing step returns the same [*StepError],
// whether it ran under the lock or not; and the lock is batched as by
// [BatchedLocker] across the whole run and released on every exit.
//
// Neither the iterators over a [sync.Locker] or a [Hold] nor [Chain.Run]
// allocate per run.
package chainruntime
