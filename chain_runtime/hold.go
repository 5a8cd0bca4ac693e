package chainruntime

import "sync"

// A Hold is one goroutine's hold on a lock, for the batched loops of one
// function call and the code between them. [Batched] over a Hold runs at
// the speed of a hand-written loop that locks once (the compiler inlines the
// iterator and the loop body), and several loops and the code between them
// can share one acquisition.
//
// The function that creates a Hold must defer its Unlock: that deferred call
// is what releases the lock when a loop body panics (the iterators over a
// Hold have no defer of their own, which is what lets the compiler inline
// them):
//
//	h := chainruntime.NewHold(&mu)
//	defer h.Unlock()
//	for _, m := range chainruntime.Batched(&h, chain, isBlocking) {
//		req = m(req)
//	}
//
// To run a before-chain, a synchronous handler and an after-chain under one
// acquisition, take the hold before the first loop; each loop leaves it held,
// and releases it only around blocking elements:
//
//	h := chainruntime.NewHold(&mu)
//	defer h.Unlock()
//	h.Lock()
//	for _, m := range chainruntime.Batched(&h, before, isBlocking) {
//		req = m(req)
//	}
//	resp := handle(req) // under the lock
//	for _, m := range chainruntime.Batched(&h, after, isBlocking) {
//		resp = m(req, resp)
//	}
//	h.Unlock()
//
// A Hold belongs to one goroutine and one call: declare it as a local
// variable, do not copy it once used, and do not share it between goroutines
// (the lock it wraps is what goroutines share). Deferred calls registered
// after h.Unlock's defer (for example by a defer statement inside a loop
// body) run before it, so on a panic they run with the lock still held.
//
// Unlike a mutex's, its Lock and Unlock are idempotent: Lock does nothing if h
// already holds the lock, Unlock does nothing if it does not. Pass &h to
// [Batched], not to [BatchedLocker]: as a [sync.Locker] it would move to the
// heap, and BatchedLocker would not be any faster.
type Hold struct {
	l    sync.Locker
	mu   *sync.Mutex // l itself when it is a *sync.Mutex: called directly, its fast path inlines
	held bool
	n    int // synchronous elements run under the current acquisition, counted for a cap
}

// NewHold returns a Hold on l, not yet holding it. l must not be nil; for a
// read lock pass mu.RLocker().
func NewHold(l sync.Locker) Hold {
	mu, _ := l.(*sync.Mutex)
	return Hold{l: l, mu: mu}
}

// Lock acquires the lock unless h already holds it.
func (h *Hold) Lock() {
	if !h.held {
		h.acquire()
	}
}

// Unlock releases the lock if h holds it, and does nothing otherwise, so that
// it can be deferred and also called on the way.
func (h *Hold) Unlock() {
	if h.held {
		h.held = false // before unlock: a panicking Unlock is not retried by the deferred one
		h.unlock()
	}
}

// Held reports whether h holds its lock.
func (h *Hold) Held() bool {
	return h.held
}

// acquire takes the lock, which h does not hold, and starts a batch of no
// elements yet.
func (h *Hold) acquire() {
	if h.mu != nil {
		h.mu.Lock()
	} else {
		h.l.Lock()
	}
	h.held = true // only once Lock returned: a panicking Lock leaves nothing to release
	h.n = 0
}

func (h *Hold) unlock() {
	if h.mu != nil {
		h.mu.Unlock()
	} else {
		h.l.Unlock()
	}
}
