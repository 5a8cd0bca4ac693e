package a

// A read lock: fixed with RLocker.
func (s *Server) ReadLocked(req *Request) *Request {
	for _, m := range s.before {
		s.cfgMu.RLock() // want `read lock s.cfgMu is acquired once per middleware of s.before`
		req = m(req)
		s.cfgMu.RUnlock()
	}
	return req
}
