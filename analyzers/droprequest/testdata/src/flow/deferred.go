package flow

// Deferred after-chains: a defer statement evaluates its arguments when
// it runs, so a request rewritten after it reaches the after-chain stale.

type Mux struct {
	before  []func(*Request) (*Request, *Response)
	after   []func(*Request, *Response) *Response
	handler func(*Request) *Response
}

func (s *Mux) runBefore(req *Request) (*Request, *Response) {
	for _, m := range s.before {
		var resp *Response
		if req, resp = m(req); resp != nil {
			return req, resp
		}
	}
	return req, nil
}

// finish runs the after-chain on the response the function returns.
func (s *Mux) finish(req *Request, resp **Response) {
	for _, m := range s.after {
		*resp = m(req, *resp)
	}
}

// Serve registers the after-chain before the before-chain rewrites req:
// the deferred call keeps the request as it came in.
func (s *Mux) Serve(req *Request) (resp *Response) {
	defer s.finish(req, &resp) // want `s\.finish gets the stale request req, from before s\.runBefore; pass req, the request returned by s\.runBefore at the function's exit \(the defer statement evaluates its arguments when it runs\)`
	req, resp = s.runBefore(req)
	if resp != nil {
		return resp
	}
	resp = s.handler(req)
	return resp
}

// ServeNewVar hands the handler a new variable, declared after the defer
// statement: no closure there can name it.
func (s *Mux) ServeNewVar(req *Request) (resp *Response) {
	defer s.finish(req, &resp) // want `s\.finish gets the stale request req, from before s\.runBefore; pass next, .* at the function's exit .*; no fix: next is declared after the defer statement`
	next, resp := s.runBefore(req)
	if resp != nil {
		return resp
	}
	return s.handler(next)
}

// ServeAfterRewrite defers after the rewrite: nothing to report.
func (s *Mux) ServeAfterRewrite(req *Request) (resp *Response) {
	req, resp = s.runBefore(req)
	defer s.finish(req, &resp)
	if resp != nil {
		return resp
	}
	return s.handler(req)
}

// ServeClosure already defers a closure: it sees req at the exit.
func (s *Mux) ServeClosure(req *Request) (resp *Response) {
	defer func() { s.finish(req, &resp) }()
	req, resp = s.runBefore(req)
	if resp != nil {
		return resp
	}
	return s.handler(req)
}

// ServeSwapped reassigns the runner's receiver after the defer statement:
// a closure would call the other one, so no fix.
func (s *Mux) ServeSwapped(req *Request, other *Mux) (resp *Response) {
	defer s.finish(req, &resp) // want `s\.finish gets the stale request req, from before s\.runBefore; .*; no fix: s is assigned after the defer statement, so the deferred call would see its new value`
	req, resp = s.runBefore(req)
	s = other
	if resp != nil {
		return resp
	}
	return s.handler(req)
}

// finishRecover recovers a panic of the handler into a 500: wrapping the
// deferred call in a closure would stop recover from working.
func (s *Mux) finishRecover(req *Request, resp **Response) {
	if recover() != nil {
		*resp = &Response{Status: 500}
	}
	s.finish(req, resp)
}

func (s *Mux) ServeRecover(req *Request) (resp *Response) {
	defer s.finishRecover(req, &resp) // want `s\.finishRecover gets the stale request req, from before s\.runBefore; .*; no fix: s\.finishRecover calls recover, which would stop working in a deferred closure`
	req, resp = s.runBefore(req)
	if resp != nil {
		return resp
	}
	return s.handler(req)
}
