package a

import (
	rt "github.com/chainlint/chainlint/chain_runtime"
)

var _ = rt.BatchedLocker[Middleware]

// The runtime is already imported under another name: the fix reuses it.
// Comments in the body stay; labels keep working.
func (s *Server) Reuse(req *Request) *Request {
outer:
	for i := 0; i < len(s.before); i++ {
		// Take the interpreter lock.
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
		next := s.before[i](req) // run the middleware
		s.vmMu.Unlock()
		if next == nil {
			break outer
		}
		req = next
	}
	return req
}
