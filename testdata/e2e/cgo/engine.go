// Package cgofixture has lock loops in a file that imports "C": cgo
// translates it, and the fixes must edit this file, not the translation.
package cgofixture

// static int twice(int x) { return 2 * x; }
import "C"

import "sync"

type Request struct{ N int }

// Path is the request's path.
func (r *Request) Path() string { return "/" }

type Engine struct {
	mu    sync.Mutex
	chain []func(*Request) *Request
}

// Twice doubles n in C.
func Twice(n int) int { return int(C.twice(C.int(n))) }

// Run runs the chain, taking the lock once per middleware.
func (e *Engine) Run(req *Request) *Request {
	for _, m := range e.chain {
		e.mu.Lock()
		req = m(req)
		e.mu.Unlock()
	}
	return req
}

// RunDoubled doubles the request in C, then runs the chain the same way:
// the fix rewrites the loop and leaves the use of C as it is.
func (e *Engine) RunDoubled(req *Request) *Request {
	req.N = int(C.twice(C.int(req.N)))
	for _, m := range e.chain {
		e.mu.Lock()
		req = m(req)
		e.mu.Unlock()
	}
	return req
}
