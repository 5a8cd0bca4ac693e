package a

import "sync"

func (s *Server) RunBefore(req *Request) *Request {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions for an N-middleware chain\); batch consecutive synchronous middlewares under one acquisition with chainruntime.Batched`
		req = m(req)
		s.vmMu.Unlock()
	}
	return req
}

// Interface chain, pointer lock, early return inside the critical section.
func (s *Server) RunHooks(req *Request) *Request {
	for _, h := range s.hooks {
		s.pmu.Lock() // want `lock s.pmu is acquired once per middleware of s.hooks`
		next := h.Serve(req)
		if next == nil {
			s.pmu.Unlock()
			return nil
		}
		req = next
		s.pmu.Unlock()
	}
	return req
}

// A struct chain with a func field, a sync.Locker, and bookkeeping after.
func (s *Server) RunSteps(req *Request) (*Request, int) {
	n := 0
	for _, st := range s.steps {
		s.locker.Lock() // want `lock s.locker is acquired once per middleware of s.steps`
		req = st.Fn(req)
		s.locker.Unlock()
		n++
	}
	return req, n
}

// A local mutex and an after-chain.
func RunAfter(chain []func(*Request, *Response), req *Request, resp *Response) {
	var mu sync.Mutex
	for _, m := range chain {
		mu.Lock() // want `lock mu is acquired once per middleware of chain`
		m(req, resp)
		mu.Unlock()
	}
}
