// Package chainlockfixture is chainlock's end-to-end fixture: chain runners
// that take a lock once per middleware. chainlint -fix rewrites them onto
// chainruntime.BatchedLocker; the tests check that the middlewares still run in
// order with the same results, synchronous ones under the lock and
// asynchronous ones without it, and (with -tags chainlint_fixed) that the
// lock is now taken once per run of synchronous middlewares.
package chainlockfixture

import "sync"

// CountingLock is a sync.Locker that counts its acquisitions and knows
// whether it is held.
type CountingLock struct {
	mu       sync.Mutex
	acquired int
	held     bool
}

func (l *CountingLock) Lock() {
	l.mu.Lock()
	l.acquired++
	l.held = true
}

func (l *CountingLock) Unlock() {
	l.held = false
	l.mu.Unlock()
}

// Acquisitions returns how many times the lock was taken. Call it while
// the lock is not held.
func (l *CountingLock) Acquisitions() int { return l.acquired }

// Held reports whether the lock is held; middlewares call it while they run.
func (l *CountingLock) Held() bool { return l.held }

// Request is what the chain rewrites.
type Request struct {
	Path  string
	Trail []string
}

// Func is a synchronous middleware.
type Func func(*Request) *Request

// Step is a middleware that may block (Async).
type Step struct {
	Name  string
	Async bool
	Fn    func(*Request) *Request
}

// Runner runs chains under one interpreter-style lock.
type Runner struct {
	Lock    *CountingLock
	Funcs   []Func
	Steps   []Step
	Stages  [3]Func
	Handler Func
	After   []Func
}

// RunFuncs runs the all-synchronous chain, stopping at a nil request.
func (r *Runner) RunFuncs(req *Request) *Request {
	for _, m := range r.Funcs {
		r.Lock.Lock()
		req = m(req)
		r.Lock.Unlock()
		if req == nil {
			return nil
		}
	}
	return req
}

// RunStages runs a chain held in an array.
func (r *Runner) RunStages(req *Request) *Request {
	for _, m := range r.Stages {
		r.Lock.Lock()
		req = m(req)
		r.Lock.Unlock()
	}
	return req
}

// RunSteps runs the mixed chain: asynchronous steps without the lock.
func (r *Runner) RunSteps(req *Request) *Request {
	for _, s := range r.Steps {
		if s.Async {
			req = s.Fn(req)
		} else {
			r.Lock.Lock()
			req = s.Fn(req)
			r.Lock.Unlock()
		}
	}
	return req
}

// withLock runs f holding r.Lock: a callback-style lock helper.
func (r *Runner) withLock(f func()) {
	r.Lock.Lock()
	defer r.Lock.Unlock()
	f()
}

// RunFuncsHelper runs the all-synchronous chain through the helper.
func (r *Runner) RunFuncsHelper(req *Request) *Request {
	for _, m := range r.Funcs {
		r.withLock(func() {
			req = m(req)
		})
	}
	return req
}

// RunPhases runs a before-chain (Funcs), the handler and an after-chain,
// each under the lock: the phases of one call, which the fix runs under one
// acquisition.
func (r *Runner) RunPhases(req *Request) *Request {
	for _, m := range r.Funcs {
		r.Lock.Lock()
		req = m(req)
		r.Lock.Unlock()
	}
	r.Lock.Lock()
	req = r.Handler(req)
	r.Lock.Unlock()
	for _, m := range r.After {
		r.Lock.Lock()
		req = m(req)
		r.Lock.Unlock()
	}
	return req
}

// Loaded runs a chain built at load time: Load wraps each middleware in a
// closure that takes the lock around it, so running the chain takes the
// lock once per middleware.
type Loaded struct {
	Lock    *CountingLock
	wrapped []Func
}

// Load appends the middlewares to the chain, each under the lock.
func (l *Loaded) Load(mws ...Func) {
	for _, mw := range mws {
		l.wrapped = append(l.wrapped, func(r *Request) *Request {
			l.Lock.Lock()
			defer l.Lock.Unlock()
			return mw(r)
		})
	}
}

// Run runs the chain, stopping at a nil request.
func (ld *Loaded) Run(req *Request) *Request {
	for _, h := range ld.wrapped {
		if req = h(req); req == nil {
			return nil
		}
	}
	return req
}
