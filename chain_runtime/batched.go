package chainruntime

import (
	"iter"
	"sync"
)

// Batched returns an iterator over chain that holds the lock h wraps across
// every run of consecutive synchronous elements: one acquisition per run, not
// per element. Before an element for which blocking reports true, the
// iterator releases the lock, so the loop body for that element runs
// unlocked; it acquires the lock again at the next synchronous element. A nil
// blocking means every element is synchronous, so the whole chain runs under
// one acquisition; an empty or all-blocking chain never locks. The loop body
// runs with the lock held for synchronous elements, so it must not take that
// lock again (sync.Mutex is not reentrant). For a read lock, wrap
// mu.RLocker().
//
// It costs what a hand-written loop that locks once costs (the compiler
// inlines the iterator and the loop body at the range statement) and
// allocates nothing.
//
// The iterator has no defer, which is what lets it be inlined: the function
// that runs the loop must defer h.Unlock, and that deferred call releases the
// lock when the loop body panics:
//
//	h := chainruntime.NewHold(&mu)
//	defer h.Unlock()
//	for _, m := range chainruntime.Batched(&h, chain, nil) {
//		req = m(req)
//	}
//
// The loop leaves h as it found it, however it ends (normal end, break,
// return, goto, continue to an outer label): if h did not hold the lock when
// the loop started, the loop releases it; if h held it (h.Lock before the
// loop, to share one acquisition with the code around the loop), h holds it
// afterwards, re-acquired if the last element was blocking. The loop body
// must not call h.Lock or h.Unlock itself.
func Batched[M any](h *Hold, chain []M, blocking func(M) bool) iter.Seq2[int, M] {
	return heldBatches(h, chain, blocking, 0)
}

// BatchedMax is [Batched] with a cap on a batch's length: after max
// consecutive synchronous elements under one acquisition, the iterator
// releases the lock and acquires it again, so that a long chain cannot
// starve other goroutines waiting for it (see [BatchedLockerMax] on what a
// release lets in). The count runs on across loops that share one
// acquisition of h. max <= 0 means no cap.
func BatchedMax[M any](h *Hold, chain []M, blocking func(M) bool, max int) iter.Seq2[int, M] {
	return heldBatches(h, chain, blocking, max)
}

// BatchedLocker is [Batched] for a function that cannot defer a [Hold]'s
// release (a loop whose body defers calls of its own, a lock that changes
// across an outer loop): it takes the lock itself and releases it on every
// exit, panics included. It holds l across every run of consecutive
// synchronous elements: one l.Lock per run, not per element.
//
// Before an element for which blocking reports true, the iterator releases l,
// so the loop body for that element runs unlocked; it acquires l again at the
// next synchronous element. A nil blocking means every element is synchronous,
// so the whole chain runs under one acquisition. l is acquired lazily, at the
// first synchronous element: an empty or all-blocking chain never locks.
//
// l is released however the loop ends: normal end, break, return, goto out of
// the loop, continue to an outer label, or a panic in the loop body. The loop
// body itself runs with l held for synchronous elements, so it must not take l
// again (sync.Mutex is not reentrant).
//
// For a read lock pass mu.RLocker(). To bound how long one goroutine may hold l
// on a long chain, use [BatchedLockerMax].
//
// The iterator does not allocate when l is a pointer (such as &mu); the loop
// body's closure stays on the caller's stack. Its cost over a hand-written
// loop that locks once is one call of the loop body's closure per element (a
// few ns): the frame that releases l on a panic needs a defer, and the
// compiler does not inline functions that defer. [Batched] has no such
// cost: where the function that runs the loop can defer the hold's release
// itself, use it.
func BatchedLocker[M any](l sync.Locker, chain []M, blocking func(M) bool) iter.Seq2[int, M] {
	return func(yield func(int, M) bool) {
		runLocked(l, chain, blocking, 0, yield)
	}
}

// BatchedLockerMax is [BatchedLocker] with a cap on a batch's length: after max
// consecutive synchronous elements under one acquisition, the iterator
// releases l and acquires it again, so that a long chain cannot starve other
// goroutines waiting for l. max <= 0 means no cap.
//
// Releasing and re-acquiring a sync.Mutex lets a waiter in but does not force a
// hand-off: a goroutine that has waited more than 1ms puts the mutex in
// starvation mode, and then the hand-off is guaranteed.
func BatchedLockerMax[M any](l sync.Locker, chain []M, blocking func(M) bool, max int) iter.Seq2[int, M] {
	return func(yield func(int, M) bool) {
		runLocked(l, chain, blocking, max, yield)
	}
}

// heldBatches is [Batched] and [BatchedMax]. The closure it returns
// is inlined at the range statement (a closure called once has a large
// inlining budget), and the loop body into it: hence no defer, and exactly
// one call of yield, so that the loop body too is a closure called once (a
// second call site would cut its budget to a fifth and leave a loop body
// with an error return or two un-inlined).
//
// Where the iterator is inlined, perElement is a constant: for an all-sync,
// uncapped chain (blocking == nil, max <= 0) the per-element block vanishes,
// the lock is taken before the loop, and what remains is the hand-written
// loop. The acquisitions and the final release are written out rather than
// calls of the Hold's methods (too big to inline) so that a *sync.Mutex's
// fast paths inline: two calls per chain run are measurable on a chain of 4.
func heldBatches[M any](h *Hold, chain []M, blocking func(M) bool, max int) iter.Seq2[int, M] {
	return func(yield func(int, M) bool) {
		entry := h.held
		perElement := blocking != nil || max > 0
		if !perElement && len(chain) > 0 && !h.held {
			if h.mu != nil {
				h.mu.Lock()
			} else {
				h.l.Lock()
			}
			h.held = true // only once Lock returned: a panicking Lock leaves nothing to release
		}
		for i, m := range chain {
			if perElement {
				if blocking != nil && blocking(m) {
					h.Unlock() // a call: next to a blocking element, noise
				} else if !h.held || (max > 0 && h.n >= max) {
					h.Unlock() // at the cap: let a waiter in
					h.acquire()
					h.n = 1
				} else if max > 0 {
					h.n++
				}
			}
			if !yield(i, m) {
				break
			}
		}
		if entry == h.held {
			return
		}
		if entry {
			h.acquire()
			return
		}
		h.held = false
		if h.mu != nil {
			h.mu.Unlock()
		} else {
			h.l.Unlock()
		}
	}
}

// runLocked is the body of [BatchedLocker] and [BatchedLockerMax]. It is a plain function,
// not part of the returned closure, so that the closure stays small enough to
// be inlined at the range statement and the loop body's closure does not escape.
func runLocked[M any](l sync.Locker, chain []M, blocking func(M) bool, max int, yield func(int, M) bool) {
	if len(chain) == 0 {
		return
	}
	b := newBatch(l, max)
	// The only defer: open-coded by the compiler (no loop, one defer), it costs
	// a flag test on the way out. It is what releases l on break, return, goto
	// and panic in the loop body: all of them leave through this frame.
	defer b.release()
	if blocking == nil && max <= 0 {
		b.lock()
		b.held = true
		for i, m := range chain {
			if !yield(i, m) {
				return
			}
		}
		return
	}
	for i, m := range chain {
		// enter's fast path written out: enter is too big to inline, and a
		// call per element is most of what a mixed chain costs here.
		if blocking != nil && blocking(m) {
			b.release()
		} else if b.held && (b.max <= 0 || b.n < b.max) {
			b.n++
		} else {
			b.acquire()
		}
		if !yield(i, m) {
			return
		}
	}
}

// batch is the lock state of one chain run: whether l is held and how many
// synchronous elements ran under the current acquisition. It lives on the
// stack of the run.
type batch struct {
	l    sync.Locker
	mu   *sync.Mutex // l itself when it is a *sync.Mutex: called directly, its fast path inlines
	held bool
	n    int // synchronous elements under the current acquisition
	max  int // cap on n; <= 0: none
}

func newBatch(l sync.Locker, max int) batch {
	mu, _ := l.(*sync.Mutex)
	return batch{l: l, mu: mu, max: max}
}

func (b *batch) lock() {
	if b.mu != nil {
		b.mu.Lock()
	} else {
		b.l.Lock()
	}
}

func (b *batch) unlock() {
	if b.mu != nil {
		b.mu.Unlock()
	} else {
		b.l.Unlock()
	}
}

// enter prepares the lock for the next element: released for a blocking one,
// held (acquired if needed, re-acquired at the cap) for a synchronous one.
func (b *batch) enter(blocking bool) {
	if blocking {
		b.release()
		return
	}
	if b.held && (b.max <= 0 || b.n < b.max) {
		b.n++
		return
	}
	b.acquire()
}

// acquire is the slow path of enter: take l (again, at the cap) and start
// counting a new batch.
func (b *batch) acquire() {
	if b.held {
		b.held = false
		b.unlock()
	}
	b.lock()
	b.held = true // only once Lock returned: a panicking Lock leaves nothing to release
	b.n = 1
}

// release unlocks l if it is held. held is cleared before Unlock so that a
// panicking Unlock is not retried by the deferred release.
func (b *batch) release() {
	if b.held {
		b.held = false
		b.unlock()
	}
}

// BatchedFunc is [BatchedLocker] for callback-style locks, the shape of a helper
// such as
//
//	func (s *Server) withGIL(f func()) { s.gil.Lock(); defer s.gil.Unlock(); f() }
//
// It calls with once per run of consecutive synchronous elements and runs the
// loop body for those elements inside that call; blocking elements run
// outside it. with must call its argument exactly once, synchronously, on the
// calling goroutine, and must not retain it; it is what releases the lock, so
// for the lock to be released when the loop body panics, with must release it
// in a defer (as above). with is never called for an empty or all-blocking
// chain.
//
// If with returns without calling its argument, the iterator panics rather
// than skip the chain's remaining elements silently.
//
// Allocation: with is a function value the compiler cannot see into, so the
// closure handed to it, and with it the loop body's closure, escape to the
// heap: a few small allocations per loop (not per element). Where the lock can
// be expressed as a [sync.Locker] (see the GIL example), [BatchedLocker] allocates
// nothing.
func BatchedFunc[M any](with func(func()), chain []M, blocking func(M) bool) iter.Seq2[int, M] {
	return BatchedFuncMax(with, chain, blocking, 0)
}

// BatchedFuncMax is [BatchedFunc] with a cap on a batch's length, as in
// [BatchedLockerMax]: at most max consecutive synchronous elements run inside one
// call of with. max <= 0 means no cap.
func BatchedFuncMax[M any](with func(func()), chain []M, blocking func(M) bool, max int) iter.Seq2[int, M] {
	return func(yield func(int, M) bool) {
		if len(chain) == 0 {
			return
		}
		s := &withRun[M]{chain: chain, blocking: blocking, max: max, yield: yield}
		s.loop(with)
	}
}

// withRun is the state of one [BatchedFunc] loop, shared between the iterator
// and the callback it hands to with.
type withRun[M any] struct {
	chain    []M
	blocking func(M) bool
	max      int
	yield    func(int, M) bool
	i        int  // next element
	stop     bool // the loop body ended the loop (break, return, ...)
	inBody   bool // a yield has not returned: the body panicked inside with
}

func (s *withRun[M]) loop(with func(func())) {
	batch := s.batch
	for s.i < len(s.chain) && !s.stop {
		m := s.chain[s.i]
		if s.blocking != nil && s.blocking(m) {
			i := s.i
			s.i++
			if !s.yield(i, m) {
				return
			}
			continue
		}
		start := s.i
		with(batch)
		if s.inBody {
			// with recovered a panic of the loop body and returned: do not
			// resume the loop (the runtime reports the swallowed panic).
			return
		}
		if s.i == start && !s.stop {
			panic("chainruntime: BatchedFunc: with returned without calling its function")
		}
	}
}

// batch runs the loop body for one run of synchronous elements; with calls it
// while holding the lock.
func (s *withRun[M]) batch() {
	n := 0
	for s.i < len(s.chain) && !s.stop {
		m := s.chain[s.i]
		if (s.blocking != nil && s.blocking(m)) || (s.max > 0 && n == s.max) {
			return
		}
		n++
		i := s.i
		s.i++
		s.inBody = true
		s.stop = !s.yield(i, m)
		s.inBody = false
	}
}

// Locker adapts a lock/unlock pair of functions to a [sync.Locker], for use
// with [BatchedLocker] and [Chain] when a lock is only available as two functions.
//
// Locker allocates once, when called (the returned interface holds a pointer
// to the pair); Lock and Unlock allocate nothing. Call it once and keep the
// result, not once per chain run. When the unlock needs a value that the lock
// returned (PyGILState_Ensure / PyGILState_Release), write a small type with
// Lock and Unlock methods instead; see the GIL example.
func Locker(lock, unlock func()) sync.Locker {
	return &funcLocker{lock: lock, unlock: unlock}
}

type funcLocker struct{ lock, unlock func() }

func (f *funcLocker) Lock()   { f.lock() }
func (f *funcLocker) Unlock() { f.unlock() }
