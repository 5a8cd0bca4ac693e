package a

// A mixed chain: asynchronous steps run without the lock.
func (s *Server) Mixed(req *Request) *Request {
	for _, m := range s.steps {
		if m.Async {
			req = m.Fn(req)
		} else {
			s.vmMu.Lock() // want `lock s.vmMu is acquired once per synchronous middleware of s.steps \(a mixed chain: the lock is taken on some iterations only\); batch consecutive synchronous middlewares under one acquisition with chainruntime.Batched and a blocking predicate`
			req = m.Fn(req)
			s.vmMu.Unlock()
		}
	}
	return req
}

// The lock in the then-branch: the predicate is the negated condition.
func (s *Server) MixedThen(req *Request) *Request {
	for _, m := range s.steps {
		if !m.Async {
			s.vmMu.Lock() // want `a mixed chain`
			req = m.Fn(req)
			s.vmMu.Unlock()
		} else {
			req = m.Fn(req)
		}
	}
	return req
}

// The branches differ beyond the lock calls: the if/else stays, without
// the lock calls, and its condition is the predicate.
func (s *Server) MixedDiffer(req *Request) *Request {
	for _, m := range s.steps {
		if m.Async {
			req = m.Fn(req)
		} else {
			s.vmMu.Lock() // want `a mixed chain`
			req = m.Fn(req)
			req.Path = "/locked"
			s.vmMu.Unlock()
		}
	}
	return req
}

type AsyncHook interface{ ServeAsync(*Request) }

// Decided by the element's dynamic type: asynchronous hooks run unlocked.
func (s *Server) MixedType(req *Request) *Request {
	for _, h := range s.hooks {
		if a, ok := h.(AsyncHook); ok {
			a.ServeAsync(req)
		} else {
			s.vmMu.Lock() // want `a mixed chain`
			req = h.Serve(req)
			s.vmMu.Unlock()
		}
	}
	return req
}

// The lock in the then-branch of a type test.
func (s *Server) MixedTypeThen(req *Request) *Request {
	for _, h := range s.hooks {
		if _, async := h.(AsyncHook); !async {
			s.vmMu.Lock() // want `a mixed chain`
			req = h.Serve(req)
			s.vmMu.Unlock()
		} else {
			h.(AsyncHook).ServeAsync(req)
		}
	}
	return req
}
