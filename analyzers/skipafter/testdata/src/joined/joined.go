// Package joined holds the fixes that the runner rewrite gained: the check
// right after an inline before-chain loop, and several short-circuits of
// one function fixed by one rewrite.
package joined

type Request struct{ Path string }

type Response struct {
	Status int
	Header map[string]string
}

type Server struct {
	before  []func(req *Request) *Response
	after   []func(req *Request, resp *Response) *Response
	handler func(req *Request) *Response
}

func (s *Server) auth(req *Request) *Response {
	for _, m := range s.before {
		if r := m(req); r != nil {
			return r
		}
	}
	return nil
}

func (s *Server) cors(req *Request) *Response {
	for _, m := range s.before {
		if r := m(req); r != nil {
			return r
		}
	}
	return nil
}

func (s *Server) runAfter(req *Request, resp *Response) *Response {
	for _, a := range s.after {
		resp = a(req, resp)
	}
	return resp
}

func apply(resp *Response) { resp.Header["X-Frame-Options"] = "DENY" }

// AfterLoop leaves the before-chain loop with a break and returns the
// response right after it.
func (s *Server) AfterLoop(req *Request) *Response {
	var resp *Response
	for _, m := range s.before {
		if resp = m(req); resp != nil {
			break
		}
	}
	if resp != nil {
		return resp // want `short-circuit response from s.before is returned here without running the after-chain s.after and apply\(resp\)`
	}
	resp = s.handler(req)
	for _, a := range s.after {
		resp = a(req, resp)
	}
	apply(resp)
	return resp
}

// Two short-circuits, one fix for both.
func (s *Server) Two(req *Request) *Response {
	// Authentication first.
	if resp := s.auth(req); resp != nil {
		return resp // want `short-circuit response from s.auth is returned here without running the after-chain s.runAfter and apply\(resp\)`
	}
	// Then CORS preflight.
	if resp := s.cors(req); resp != nil {
		return resp // want `short-circuit response from s.cors is returned here without running the after-chain s.runAfter and apply\(resp\)`
	}
	resp := s.handler(req)
	resp = s.runAfter(req, resp)
	apply(resp)
	return resp
}

// Three short-circuits with handler code between them.
func (s *Server) Three(req *Request) *Response {
	resp := s.auth(req)
	if resp != nil {
		return resp // want `short-circuit response from s.auth is returned here without running the after-chain s.runAfter`
	}
	req.Path = "/v2" + req.Path
	if resp = s.cors(req); resp != nil {
		return resp // want `short-circuit response from s.cors is returned here without running the after-chain s.runAfter`
	}
	if resp := s.auth(req); resp != nil {
		return resp // want `short-circuit response from s.auth is returned here without running the after-chain s.runAfter`
	}
	resp = s.handler(req)
	resp = s.runAfter(req, resp)
	return resp
}

// Renamed: the second short-circuit returns another name, so the rewrite
// cannot join it; it is fixed on its own, and the first gets no fix.
func (s *Server) Renamed(req *Request) *Response {
	if resp := s.auth(req); resp != nil {
		return resp // want `short-circuit response from s.auth is returned here without running the after-chain s.runAfter; no fix: the handler code (holds another short-circuit \(line \d+\) that the same rewrite cannot fix: it does not return a response named resp; apply its fix first|redeclares resp)`
	}
	if pre := s.cors(req); pre != nil {
		return pre // want `short-circuit response from s.cors is returned here without running the after-chain s.runAfter`
	}
	resp := s.handler(req)
	resp = s.runAfter(req, resp)
	return resp
}
