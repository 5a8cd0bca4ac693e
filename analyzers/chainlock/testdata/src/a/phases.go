package a

import "errors"

// Phases of one request under one lock: a before-chain, the handler and
// an after-chain. Reported once, fixed with one hold.
func (s *Server) Phases(req *Request, handle func(*Request) (*Response, error)) (*Response, error) {
	var resp *Response
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before and s.after, phases of one call under one lock`
		next := m(req)
		s.vmMu.Unlock()
		if next == nil {
			return nil, errors.New("dropped")
		}
		req = next
	}
	if resp == nil {
		s.vmMu.Lock()
		r, err := handle(req)
		s.vmMu.Unlock()
		if err != nil {
			return nil, err
		}
		resp = r
	}
	for _, m := range s.after {
		s.vmMu.Lock()
		m(req, resp)
		s.vmMu.Unlock()
	}
	return resp, nil
}

// The handler's lock taken at the top level, between the phases.
func (s *Server) PhasesFlat(req *Request, handle func(*Request) *Response) *Response {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before and s.after, phases`
		req = m(req)
		s.vmMu.Unlock()
	}
	s.vmMu.Lock()
	resp := handle(req)
	s.vmMu.Unlock()
	for _, m := range s.after {
		s.vmMu.Lock()
		m(req, resp)
		s.vmMu.Unlock()
	}
	return resp
}

// Code between the phases that blocks: the loops are fixed one by one.
func (s *Server) PhasesBlocking(req *Request, ch chan *Request) *Response {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
	ch <- req
	resp := &Response{}
	for _, m := range s.after {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.after \(N acquisitions`
		m(req, resp)
		s.vmMu.Unlock()
	}
	return resp
}

// Different locks: one by one.
func (s *Server) PhasesTwoLocks(req *Request) *Response {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
	resp := &Response{}
	for _, m := range s.after {
		s.pmu.Lock() // want `lock s.pmu is acquired once per middleware of s.after \(N acquisitions`
		m(req, resp)
		s.pmu.Unlock()
	}
	return resp
}

// snapshot takes the lock itself.
func (s *Server) snapshot() int {
	s.vmMu.Lock()
	defer s.vmMu.Unlock()
	return len(s.before)
}

// A call between the phases takes the lock (it would deadlock under the
// hold): one by one.
func (s *Server) PhasesSnapshot(req *Request) *Response {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
	resp := &Response{Code: s.snapshot()}
	for _, m := range s.after {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.after \(N acquisitions`
		m(req, resp)
		s.vmMu.Unlock()
	}
	return resp
}
