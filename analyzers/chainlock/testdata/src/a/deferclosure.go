package a

// A per-iteration closure with a deferred release.
func (s *Server) Deferred(req *Request) *Request {
	for _, m := range s.before {
		func() {
			s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
			defer s.vmMu.Unlock()
			req = m(req)
		}()
	}
	return req
}
