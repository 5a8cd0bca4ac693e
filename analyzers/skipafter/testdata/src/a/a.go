// Package a holds runners whose before- and after-chains are run by helper
// functions (runners) of the same package.
package a

type Request struct {
	Path string
	User string
}

type Response struct {
	Status int
	Header map[string]string
}

type Before func(req *Request) *Response

type After func(req *Request, resp *Response) *Response

type Server struct {
	before  []Before
	after   []After
	handler func(req *Request) *Response
	handle2 func(req *Request) (*Response, error)
	hits    int
}

// runBefore returns the first short-circuit response. It has no after-chain
// of its own, so its own early return is not reported.
func (s *Server) runBefore(req *Request) *Response {
	for _, m := range s.before {
		if r := m(req); r != nil {
			return r
		}
	}
	return nil
}

// runBeforeErr is a before runner that can also fail.
func (s *Server) runBeforeErr(req *Request) (*Response, error) {
	for _, m := range s.before {
		if r := m(req); r != nil {
			return r, nil
		}
	}
	return nil, nil
}

func (s *Server) runAfter(req *Request, resp *Response) *Response {
	for _, m := range s.after {
		resp = m(req, resp)
	}
	return resp
}

func applyGlobalHeaders(resp *Response) {
	resp.Header["X-Frame-Options"] = "DENY"
}

func alert(resp *Response) {}

// Serve is the canonical defect: the early return skips both.
func (s *Server) Serve(req *Request) *Response {
	if resp := s.runBefore(req); resp != nil {
		return resp // want `short-circuit response from s.runBefore is returned here without running the after-chain s.runAfter and applyGlobalHeaders\(resp\)`
	}
	resp := s.handler(req)
	resp = s.runAfter(req, resp)
	applyGlobalHeaders(resp)
	return resp
}

// ServeFinalizerOnly has no after-chain; the finalizer is skipped.
func (s *Server) ServeFinalizerOnly(req *Request) *Response {
	resp := s.runBefore(req)
	if resp != nil {
		// Unauthorized requests stop here.
		return resp // want `short-circuit response from s.runBefore is returned here without running applyGlobalHeaders\(resp\)`
	}
	resp = s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}

// ServeErr: the error return carries no response and is not reported; the
// short-circuit response is. The handler's own error return stays inside
// the guard.
func (s *Server) ServeErr(req *Request) (*Response, error) {
	resp, err := s.runBeforeErr(req)
	if err != nil {
		return nil, err
	}
	if resp != nil {
		return resp, nil // want `short-circuit response from s.runBeforeErr is returned here without running the after-chain s.runAfter and applyGlobalHeaders\(resp\)`
	}
	resp, err = s.handle2(req)
	if err != nil {
		return nil, err
	}
	resp = s.runAfter(req, resp)
	applyGlobalHeaders(resp)
	return resp, nil
}

// ServeDerived returns a value derived from the short-circuit response
// (through a phi): still reported.
func (s *Server) ServeDerived(req *Request) *Response {
	resp := s.runBefore(req)
	if resp == nil && req.Path == "/healthz" {
		resp = &Response{Status: 200}
	}
	if resp != nil {
		return resp // want `short-circuit response from s.runBefore is returned here without running applyGlobalHeaders\(resp\)`
	}
	resp = s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}

// ServeDefine: the handler code declares the response together with an
// error; the guard assigns the response and declares the error inside.
func (s *Server) ServeDefine(req *Request) (*Response, error) {
	if resp := s.runBefore(req); resp != nil {
		return resp, nil // want `short-circuit response from s.runBefore is returned here without running applyGlobalHeaders\(resp\)`
	}
	resp, err := s.handle2(req)
	if err != nil {
		return nil, err
	}
	applyGlobalHeaders(resp)
	return resp, nil
}

// ServeTailUses: the common path uses a variable that only the handler code
// sets; on the short-circuit path it would be unset, so no fix.
func (s *Server) ServeTailUses(req *Request) *Response {
	if resp := s.runBefore(req); resp != nil {
		return resp // want `short-circuit response from s.runBefore is returned here without running applyGlobalHeaders\(resp\); no fix: the common path uses n, which only the handler code sets`
	}
	n := s.hits + 1
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	s.hits = n
	return resp
}

// ServeRenamed: the handler's response lives in another variable, declared
// above the if by the fix.
func (s *Server) ServeRenamed(req *Request) *Response {
	if early := s.runBefore(req); early != nil {
		return early // want `short-circuit response from s.runBefore is returned here without running applyGlobalHeaders\(out\)$`
	}
	out := s.handler(req)
	applyGlobalHeaders(out)
	return out
}

// ServeInitShadow: the if statement's init also declares out, the name of
// the handler's response; "out = early" in its body would assign that one.
func (s *Server) ServeInitShadow(req *Request) *Response {
	if early, out := s.runBefore(req), req.Path; early != nil && out != "" {
		return early // want `short-circuit response from s.runBefore is returned here without running applyGlobalHeaders\(out\); no fix: the if statement around the return declares a out of its own, which would hide the hoisted response out`
	}
	out := s.handler(req)
	applyGlobalHeaders(out)
	return out
}

// ServeLabel: a label in the handler code could not be moved into a guard.
func (s *Server) ServeLabel(req *Request) *Response {
	resp := s.runBefore(req)
	if resp != nil {
		return resp // want `short-circuit response from s.runBefore is returned here without running applyGlobalHeaders\(resp\); no fix: the handler code carries label retry, which a guard would hide`
	}
retry:
	resp = s.handler(req)
	if resp == nil {
		goto retry
	}
	applyGlobalHeaders(resp)
	return resp
}

// runBeforeOK reports whether the before-chain answered.
func (s *Server) runBeforeOK(req *Request) (*Response, bool) {
	for _, m := range s.before {
		if r := m(req); r != nil {
			return r, true
		}
	}
	return nil, false
}

// ServeDone: the short-circuit is signalled by a flag; the guard negates it.
func (s *Server) ServeDone(req *Request) *Response {
	resp, done := s.runBeforeOK(req)
	if done {
		return resp // want `short-circuit response from s.runBeforeOK is returned here without running applyGlobalHeaders\(resp\)`
	}
	resp = s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}

// ServeLateDefer registers its finalizer only after the short-circuit.
func (s *Server) ServeLateDefer(req *Request) (resp *Response) {
	if r := s.runBefore(req); r != nil {
		return r // want `short-circuit response from s.runBefore is returned here without running the deferred applyGlobalHeaders\(resp\); no fix: no statement lies between the short-circuit and the first common-path call to guard`
	}
	defer func() { applyGlobalHeaders(resp) }()
	resp = s.handler(req)
	return resp
}

// Handle builds a runner as a function literal calling the runners.
func (s *Server) Handle() func(*Request) *Response {
	return func(req *Request) *Response {
		if resp := s.runBefore(req); resp != nil {
			return resp // want `short-circuit response from s.runBefore is returned here without running applyGlobalHeaders\(resp\)`
		}
		resp := s.handler(req)
		applyGlobalHeaders(resp)
		return resp
	}
}

// ServePartial: the short-circuit branch applies the headers itself but
// skips the after-chain.
func (s *Server) ServePartial(req *Request) *Response {
	if r := s.runBefore(req); r != nil {
		applyGlobalHeaders(r)
		return r // want `short-circuit response from s.runBefore is returned here without running the after-chain s.runAfter; no fix: the if statement around the return does more than return`
	}
	resp := s.handler(req)
	resp = s.runAfter(req, resp)
	applyGlobalHeaders(resp)
	return resp
}

// --- not reported ---

// ServeFixed routes the short-circuit response through the common path.
func (s *Server) ServeFixed(req *Request) *Response {
	resp := s.runBefore(req)
	if resp == nil {
		resp = s.handler(req)
	}
	resp = s.runAfter(req, resp)
	applyGlobalHeaders(resp)
	return resp
}

// ServeBare has no after-chain and no finalizer.
func (s *Server) ServeBare(req *Request) *Response {
	if resp := s.runBefore(req); resp != nil {
		return resp
	}
	return s.handler(req)
}

// ServeDeferred registers its finalizers with defer before the short-circuit.
func (s *Server) ServeDeferred(req *Request) (resp *Response) {
	defer func() {
		resp = s.runAfter(req, resp)
		applyGlobalHeaders(resp)
	}()
	if r := s.runBefore(req); r != nil {
		return r
	}
	return s.handler(req)
}

// finish is an error funnel: it runs the after-hooks itself.
func (s *Server) finish(req *Request, resp *Response) *Response {
	resp = s.runAfter(req, resp)
	applyGlobalHeaders(resp)
	return resp
}

func (s *Server) ServeFunnel(req *Request) *Response {
	if resp := s.runBefore(req); resp != nil {
		return s.finish(req, resp)
	}
	return s.finish(req, s.handler(req))
}

// ServeNested: the handler call sits inside the common-path statement.
func (s *Server) ServeNested(req *Request) *Response {
	if resp := s.runBefore(req); resp != nil {
		return resp // want `short-circuit response from s.runBefore is returned here without running the after-chain s.finish; no fix: no statement lies between the short-circuit and the first common-path call to guard`
	}
	return s.finish(req, s.handler(req))
}

// ServeConditional: the alert is not something every response gets.
func (s *Server) ServeConditional(req *Request) *Response {
	if resp := s.runBefore(req); resp != nil {
		return resp
	}
	resp := s.handler(req)
	if resp.Status >= 500 {
		alert(resp)
	}
	return resp
}

// ServeErrOnly: the before-chain's error return carries no response.
func (s *Server) ServeErrOnly(req *Request) (*Response, error) {
	if _, err := s.runBeforeErr(req); err != nil {
		return nil, err
	}
	resp := s.runAfter(req, s.handler(req))
	applyGlobalHeaders(resp)
	return resp, nil
}

// ServePreflight skips the after-chain on purpose and says so.
func (s *Server) ServePreflight(req *Request) *Response {
	if resp := s.runBefore(req); resp != nil {
		//chainlint:ignore skipafter CORS preflight answers must not carry application headers
		return resp
	}
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}
