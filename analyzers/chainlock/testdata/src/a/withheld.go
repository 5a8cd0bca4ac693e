package a

import (
	"context"
	"time"

	"golang.org/x/sync/semaphore"
)

func audit(r *Request) { time.Sleep(time.Millisecond) }

func notify(ch chan<- string, r *Request) { ch <- r.Path }

// Code between the release and the next acquisition may block: no fix.
func (s *Server) BlocksBetween(req *Request) *Request {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before .*; no fix offered: audit\(req\), outside the critical section, calls audit, which calls time.Sleep, which sleeps \(line \d+\); it would run under the lock`
		req = m(req)
		s.vmMu.Unlock()
		audit(req)
	}
	return req
}

// A channel send between release and acquisition: no fix.
func (s *Server) SendsBetween(req *Request, ch chan string) *Request {
	for _, m := range s.before {
		s.vmMu.Lock() // want `no fix offered: the loop body sends on a channel outside the critical section`
		req = m(req)
		s.vmMu.Unlock()
		ch <- req.Path
	}
	return req
}

// Another lock taken between: no fix.
func (s *Server) OtherLock(req *Request) *Request {
	for _, m := range s.before {
		s.vmMu.Lock() // want `no fix offered: the loop body operates lock s.cfgMu outside the critical section`
		req = m(req)
		s.vmMu.Unlock()
		s.cfgMu.Lock()
		s.cfgMu.Unlock()
	}
	return req
}

// A semaphore: reported, no adapter in the runtime.
func Semaphore(ctx context.Context, sem *semaphore.Weighted, chain []Middleware, req *Request) (*Request, error) {
	for _, m := range chain {
		if err := sem.Acquire(ctx, 1); err != nil { // want `semaphore sem is acquired once per middleware of chain .*; no fix offered: the runtime has no adapter for a semaphore`
			return nil, err
		}
		req = m(req)
		sem.Release(1)
	}
	return req, nil
}

// cgo's generated wrappers, as the type checker sees C.PyGILState_Ensure.
type _Ctype_PyGILState_STATE int

func _Cfunc_PyGILState_Ensure() _Ctype_PyGILState_STATE { return 0 }
func _Cfunc_PyGILState_Release(_Ctype_PyGILState_STATE) {}

// The configured GIL pair: reported by its C names, no fix.
func GIL(chain []Middleware, req *Request) *Request {
	for _, m := range chain {
		st := _Cfunc_PyGILState_Ensure() // want `lock C.PyGILState_Ensure/C.PyGILState_Release is acquired once per middleware of chain .*; no fix offered: the runtime has no adapter for the configured pair`
		req = m(req)
		_Cfunc_PyGILState_Release(st)
	}
	return req
}

// A reverse loop: reported, not rewritten.
func (s *Server) Reverse(req *Request) *Request {
	for i := len(s.before) - 1; i >= 0; i-- {
		s.vmMu.Lock() // want `no fix offered: the loop runs the chain in reverse`
		req = s.before[i](req)
		s.vmMu.Unlock()
	}
	return req
}

// A mixed chain whose condition calls a method: the predicate would call
// it a second time.
func (s *Server) MixedCall(req *Request) *Request {
	for _, m := range s.steps {
		if m.async() {
			req = m.Fn(req)
		} else {
			s.vmMu.Lock() // want `a mixed chain.*no fix offered: the branch condition calls m.async, which the predicate would call a second time`
			req = m.Fn(req)
			s.vmMu.Unlock()
		}
	}
	return req
}

func (st *Step) async() bool { return st.Async }

// A mixed chain whose if's init is not a type assertion of the element.
func (s *Server) MixedInit(req *Request) *Request {
	for _, m := range s.steps {
		if n := len(m.Name); n > 3 {
			req = m.Fn(req)
		} else {
			s.vmMu.Lock() // want `a mixed chain.*no fix offered: the branch's init n := len\(m.Name\) is not a type assertion of the element`
			req = m.Fn(req)
			s.vmMu.Unlock()
		}
	}
	return req
}
