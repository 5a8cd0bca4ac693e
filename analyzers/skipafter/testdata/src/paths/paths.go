// Package paths holds short-circuits that leave by a path rather than by a
// return of the short-circuit response: goto, labeled break, a switch
// case, falling out of an if statement, an abort flag or method, a
// recovered panic.
package paths

type Request struct {
	Path    string
	aborted bool
	resp    *Response
}

// IsAborted reports whether a middleware stopped the chain.
func (r *Request) IsAborted() bool { return r.aborted }

// IsWebSocket is a property of the request, not an abort signal.
func (r *Request) IsWebSocket() bool { return r.Path == "/ws" }

type Response struct {
	Status int
	Header map[string]string
}

type Server struct {
	before  []func(req *Request) *Response
	after   []func(req *Request, resp *Response) *Response
	groups  []Group
	use     []func(req *Request)
	handler func(req *Request) *Response
	hits    int
}

func (s *Server) runBeforeErr(req *Request) (*Response, error) {
	for _, m := range s.before {
		if r := m(req); r != nil {
			return r, nil
		}
	}
	return nil, nil
}

// ErrorGoto jumps to its exit on the before-chain's error only: an
// error-only short-circuit, reported with -skipafter.errors alone.
func (s *Server) ErrorGoto(req *Request) (resp *Response, err error) {
	resp, err = s.runBeforeErr(req)
	if err != nil {
		goto out
	}
	if resp == nil {
		resp = s.handler(req)
	}
	resp = s.runAfter(req, resp)
	apply(resp)
out:
	return resp, err
}

type Group struct {
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

// GotoBusy: a statement that is not a step lies between the after-chain
// and the label; it would run on the short-circuit path too.
func (s *Server) GotoBusy(req *Request) *Response {
	resp := s.runBefore(req)
	if resp != nil {
		goto done // want `short-circuit response from s.runBefore leaves here by goto done without running the after-chain s.runAfter; no fix: line \d+ lies between the after-chain s.runAfter and label done and would run on the short-circuit path too`
	}
	resp = s.handler(req)
	resp = s.runAfter(req, resp)
	s.hits++
done:
	return resp
}

// GotoBeforeAfter jumps to a label before the after-chain: routed.
func (s *Server) GotoBeforeAfter(req *Request) *Response {
	resp := s.runBefore(req)
	if resp != nil {
		goto after
	}
	resp = s.handler(req)
after:
	resp = s.runAfter(req, resp)
	apply(resp)
	return resp
}

// LabeledSwitch leaves the route switch with a labeled break past the
// after-chain its case runs.
func (s *Server) LabeledSwitch(req *Request) (resp *Response) {
route:
	switch req.Path {
	case "/api":
		for _, m := range s.before {
			if r := m(req); r != nil {
				resp = r
				break route // want `short-circuit response from s.before leaves here by break route without running the after-chain s.runAfter; no fix: the after-chain lies inside what break leaves; set the response and let control reach the after-chain instead`
			}
		}
		resp = s.handler(req)
		resp = s.runAfter(req, resp)
	}
	return resp
}

// Groups breaks out of nested group loops to the common path: routed.
func (s *Server) Groups(req *Request) *Response {
	var resp *Response
groups:
	for _, g := range s.groups {
		for _, m := range g.before {
			if r := m(req); r != nil {
				resp = r
				break groups
			}
		}
	}
	if resp == nil {
		resp = s.handler(req)
	}
	resp = s.runAfter(req, resp)
	apply(resp)
	return resp
}

// GroupsFallOut serves each group in turn; a short-circuit falls out of
// the group loops with a break, past the group's after-chain.
func (s *Server) GroupsFallOut(req *Request) *Response {
	var resp *Response
	for _, g := range s.groups {
		for _, m := range g.before {
			if r := m(req); r != nil {
				resp = r
				break
			}
		}
		if resp != nil {
			break // want `short-circuit response from (g.before|s.groups) leaves here by break without running the after-chain g.after; no fix: the after-chain lies inside what break leaves`
		}
		resp = g.handler(req)
		for _, a := range g.after {
			resp = a(req, resp)
		}
	}
	return resp
}

// GroupsReturn returns from inside nested group loops.
func (s *Server) GroupsReturn(req *Request) *Response {
	for _, g := range s.groups {
		for _, m := range g.before {
			if r := m(req); r != nil {
				return r // want `short-circuit response from g.before is returned here without running the after-chain s.runAfter and apply\(resp\)`
			}
		}
	}
	resp := s.handler(req)
	resp = s.runAfter(req, resp)
	apply(resp)
	return resp
}

// Switch answers in one case and runs the handler and the after-chain in
// another: the short-circuit response falls out of its case past them.
func (s *Server) Switch(req *Request) *Response {
	resp := s.runBefore(req)
	switch {
	case resp != nil: // want `short-circuit response from s.runBefore falls out of this case without running the after-chain s.runAfter; no fix: the after-chain runs only on the branch the short-circuit does not take; move it after the branches`
	default:
		resp = s.handler(req)
		resp = s.runAfter(req, resp)
	}
	apply(resp)
	return resp
}

// Guarded is the fixed form: the guard holds only the handler.
func (s *Server) Guarded(req *Request) *Response {
	resp := s.runBefore(req)
	if resp == nil {
		resp = s.handler(req)
	}
	resp = s.runAfter(req, resp)
	apply(resp)
	return resp
}

// Conditional finalizers (run on some normal paths only) are not the
// common path.
func (s *Server) Conditional(req *Request) *Response {
	resp := s.runBefore(req)
	if resp != nil {
		goto done
	}
	resp = s.handler(req)
	if resp.Status >= 500 {
		apply(resp)
	}
done:
	return resp
}

// Aborted: the middlewares take the request and set its abort flag.
func (s *Server) Aborted(req *Request) *Response {
	for _, m := range s.use {
		m(req)
		if req.IsAborted() {
			return req.resp // want `short-circuit response from s.use \(signalled by req.IsAborted\(\)\) is returned here without running the after-chain s.runAfter and apply\(resp\); no fix: `
		}
	}
	resp := s.handler(req)
	resp = s.runAfter(req, resp)
	apply(resp)
	return resp
}

// WebSocket tests another boolean method of the request in the chain
// (an upgrade answered elsewhere): not an abort signal.
func (s *Server) WebSocket(req *Request) *Response {
	for _, m := range s.use {
		m(req)
		if req.IsWebSocket() {
			return req.resp
		}
	}
	resp := s.handler(req)
	resp = s.runAfter(req, resp)
	apply(resp)
	return resp
}

// AbortedRouted breaks out of the chain on the flag: the response goes
// through the common path.
func (s *Server) AbortedRouted(req *Request) *Response {
	for _, m := range s.use {
		m(req)
		if req.aborted {
			break
		}
	}
	resp := req.resp
	if !req.aborted {
		resp = s.handler(req)
	}
	resp = s.runAfter(req, resp)
	apply(resp)
	return resp
}

func errorResponse(p any) *Response { return &Response{Status: 500} }

// Recovered turns a panic of the before-chain into a response that skips
// the after-chain and the finalizer.
func (s *Server) Recovered(req *Request) (resp *Response) {
	defer func() {
		if p := recover(); p != nil {
			resp = errorResponse(p) // want `short-circuit response from s.runBefore is set here from a recovered panic and returned without running the after-chain s.runAfter and apply\(resp\); no fix: the response comes from a recovered panic; run the after-chain and the finalizers in the deferred function too`
		}
	}()
	if resp = s.runBefore(req); resp == nil {
		resp = s.handler(req)
	}
	resp = s.runAfter(req, resp)
	apply(resp)
	return resp
}

// RecoveredFinal runs the finalizer in the deferred function too: only
// the after-chain is skipped.
func (s *Server) RecoveredFinal(req *Request) (resp *Response) {
	defer func() {
		if p := recover(); p != nil {
			resp = errorResponse(p) // want `short-circuit response from s.runBefore is set here from a recovered panic and returned without running the after-chain s.runAfter; no fix: `
		}
		apply(resp)
	}()
	if resp = s.runBefore(req); resp == nil {
		resp = s.handler(req)
	}
	resp = s.runAfter(req, resp)
	return resp
}

// RecoveredRouted recovers into the after-chain.
func (s *Server) RecoveredRouted(req *Request) (resp *Response) {
	defer func() {
		if p := recover(); p != nil {
			resp = s.runAfter(req, errorResponse(p))
			apply(resp)
		}
	}()
	if resp = s.runBefore(req); resp == nil {
		resp = s.handler(req)
	}
	resp = s.runAfter(req, resp)
	apply(resp)
	return resp
}
