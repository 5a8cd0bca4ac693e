package a

import (
	"sync"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

type Guarded struct {
	mu sync.Mutex
	Fn func(*Request) *Request
}

// Per-element lock: not the same lock on every iteration.
func PerElement(chain []*Guarded, req *Request) *Request {
	for _, g := range chain {
		g.mu.Lock()
		req = g.Fn(req)
		g.mu.Unlock()
	}
	return req
}

// Striped lock: depends on the index.
func Striped(chain []Middleware, locks *[8]sync.Mutex, req *Request) *Request {
	for i, m := range chain {
		locks[i%8].Lock()
		req = m(req)
		locks[i%8].Unlock()
	}
	return req
}

// A lock looked up in a map per element.
func FromMap(chain []Step, locks map[string]*sync.Mutex, req *Request) *Request {
	for _, m := range chain {
		l := locks[m.Name]
		l.Lock()
		req = m.Fn(req)
		l.Unlock()
	}
	return req
}

// The lock is held around the whole loop.
func (s *Server) HeldAround(req *Request) *Request {
	s.vmMu.Lock()
	defer s.vmMu.Unlock()
	for _, m := range s.before {
		req = m(req)
	}
	return req
}

// Copy under the lock, then iterate unlocked.
func (s *Server) CopyThenIterate(req *Request) *Request {
	s.vmMu.Lock()
	chain := append([]Middleware(nil), s.before...)
	s.vmMu.Unlock()
	for _, m := range chain {
		req = m(req)
	}
	return req
}

// The middleware call runs outside the critical section: the lock only
// guards bookkeeping.
func (s *Server) Bookkeeping(req *Request) (*Request, int) {
	calls := 0
	for _, m := range s.before {
		s.vmMu.Lock()
		calls++
		s.vmMu.Unlock()
		req = m(req)
	}
	return req, calls
}

// The lock is released around the call (held around the loop).
func (s *Server) ReleasedAround(req *Request) *Request {
	s.vmMu.Lock()
	defer s.vmMu.Unlock()
	for _, m := range s.before {
		s.vmMu.Unlock()
		req = m(req)
		s.vmMu.Lock()
	}
	return req
}

// A loop over data that calls no element.
func (s *Server) NoCall(names []string) int {
	n := 0
	for _, name := range names {
		s.vmMu.Lock()
		n += len(name)
		s.vmMu.Unlock()
	}
	return n
}

// Code that already uses the runtime.
func (s *Server) AlreadyBatched(req *Request) *Request {
	for _, m := range chainruntime.BatchedLocker(&s.vmMu, s.before, nil) {
		req = m(req)
	}
	return req
}

// A lock declared inside the loop is a new lock per iteration.
func FreshLock(chain []Middleware, req *Request) *Request {
	for _, m := range chain {
		var mu sync.Mutex
		mu.Lock()
		req = m(req)
		mu.Unlock()
	}
	return req
}

// Suppressed with a reason.
func (s *Server) Suppressed(req *Request) *Request {
	for _, m := range s.before {
		//chainlint:ignore chainlock the interpreter lock must be handed off between middlewares here
		s.vmMu.Lock()
		req = m(req)
		s.vmMu.Unlock()
	}
	return req
}
