package a

// Indexed loop with the element bound at the top of the body.
func (s *Server) Indexed(req *Request) *Request {
	for i := 0; i < len(s.before); i++ {
		m := s.before[i]
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
		req = m(req)
		s.vmMu.Unlock()
	}
	return req
}

// Indexed loop calling chain[i] directly and using the index.
func (s *Server) IndexedDirect(req *Request) (*Request, int) {
	last := -1
	for i := 0; i < len(s.before); i++ {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
		req = s.before[i](req)
		s.vmMu.Unlock()
		last = i
	}
	return req, last
}
