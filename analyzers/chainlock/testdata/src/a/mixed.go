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
