package a

// The name chainruntime is taken by a local variable at the loop.
func (s *Server) Clash(req *Request) *Request {
	chainruntime := 0
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
		req = m(req)
		s.vmMu.Unlock()
		chainruntime++
	}
	_ = chainruntime
	return req
}
