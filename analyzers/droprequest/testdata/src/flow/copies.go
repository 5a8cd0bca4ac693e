package flow

// Copier's after-middlewares take the request by value: the runner copies
// it from a pointer.
type Copier struct {
	before  []func(*InitializeRequest) *InitializeRequest
	after   []func(InitializeRequest, *Response) *Response
	handler func(*InitializeRequest) *Response
}

func (s *Copier) Serve(in *InitializeRequest) *Response {
	cur := in
	for _, m := range s.before {
		cur = m(cur)
	}
	resp := s.handler(cur)
	for _, a := range s.after {
		resp = a(*in, resp) // want `the after-chain s\.after gets the stale request \*in, from before the before-chain s\.before; pass \*cur, the request as the before-chain s\.before left it and the one s\.handler got`
	}
	return resp
}

func (s *Copier) ServeGood(in *InitializeRequest) *Response {
	cur := in
	for _, m := range s.before {
		cur = m(cur)
	}
	resp := s.handler(cur)
	for _, a := range s.after {
		resp = a(*cur, resp)
	}
	return resp
}

// ServeSnapshot copies the request before the handler may change it and
// passes the copy: a value of its own, not judged.
func (s *Copier) ServeSnapshot(in *InitializeRequest) *Response {
	snap := *in
	resp := s.handler(in)
	for _, a := range s.after {
		resp = a(snap, resp)
	}
	return resp
}
