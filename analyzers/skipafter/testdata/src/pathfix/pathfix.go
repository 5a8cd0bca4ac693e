// Package pathfix holds short-circuits that leave by a path past the
// after-chain, fixed by taking the after-chain on the way: a goto jumps to
// it, and steps at the end of an if statement that the short-circuit falls
// out of move after it. Its golden draws no diagnostic at all (see
// TestIdempotent).
package pathfix

type Request struct {
	Path    string
	aborted bool
	resp    *Response
}

type Response struct {
	Status int
	Header map[string]string
}

type Server struct {
	use     []func(req *Request)
	before  []func(req *Request) *Response
	after   []func(req *Request, resp *Response) *Response
	handler func(req *Request) *Response
}

func (s *Server) runBefore(req *Request) *Response {
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

// Goto jumps past the after-chain and the finalizer to the final return.
func (s *Server) Goto(req *Request) *Response {
	resp := s.runBefore(req)
	if resp != nil {
		goto done // want `short-circuit response from s.runBefore leaves here by goto done without running the after-chain s.runAfter and apply\(resp\)$`
	}
	resp = s.handler(req)
	resp = s.runAfter(req, resp)
	apply(resp)
done:
	return resp
}

// GotoShared: an error path jumps to the same label and must not run
// the after-chain; the short-circuit jumps to a new label instead.
func (s *Server) GotoShared(req *Request) *Response {
	resp := s.runBefore(req)
	if resp != nil {
		goto done // want `short-circuit response from s.runBefore leaves here by goto done without running the after-chain s.runAfter and apply\(resp\)$`
	}
	resp = s.handler(req)
	if resp == nil {
		goto done
	}
	resp = s.runAfter(req, resp)
	apply(resp)
done:
	return resp
}

// AbortedFlag reads the flag itself and leaves by goto.
func (s *Server) AbortedFlag(req *Request) *Response {
	var resp *Response
	for _, m := range s.use {
		m(req)
		if req.aborted {
			resp = req.resp
			goto out // want `short-circuit response from s.use \(signalled by req.aborted\) leaves here by goto out without running the after-chain s.runAfter$`
		}
	}
	resp = s.handler(req)
	resp = s.runAfter(req, resp)
out:
	return resp
}

// FallOut runs the handler and the after-chain only when nothing
// short-circuited: the short-circuit response falls out past the
// after-chain.
func (s *Server) FallOut(req *Request) *Response {
	resp := s.runBefore(req)
	if resp == nil { // want `short-circuit response from s.runBefore falls out of this if statement without running the after-chain s.runAfter$`
		resp = s.handler(req)
		resp = s.runAfter(req, resp)
	}
	apply(resp)
	return resp
}
