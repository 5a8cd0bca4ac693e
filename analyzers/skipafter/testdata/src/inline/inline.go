// Package inline holds runners whose before- and after-chains are loops in
// the runner itself.
package inline

type Request struct{ Path string }

type Response struct {
	Status int
	Header Header
}

type Header map[string]string

func (h Header) Set(k, v string) { h[k] = v }

type Before func(req *Request) *Response

type After func(req *Request, resp *Response) *Response

type Middleware interface {
	Before(req *Request) (*Response, error)
}

type Rewrite func(req *Request) (*Request, *Response)

type Server struct {
	rewrite []Rewrite
	handle2 func(req *Request) (*Response, error)
	before  []Before
	after   []After
	mws     []Middleware
	handler func(req *Request) *Response
}

func applyGlobalHeaders(resp *Response) {
	resp.Header["Access-Control-Allow-Origin"] = "*"
}

// Serve returns a before-middleware's response from inside the loop.
func (s *Server) Serve(req *Request) *Response {
	for _, m := range s.before {
		if r := m(req); r != nil {
			return r // want `short-circuit response from s.before is returned here without running the after-chain s.after and applyGlobalHeaders\(resp\)`
		}
	}
	resp := s.handler(req)
	for _, a := range s.after {
		resp = a(req, resp)
	}
	applyGlobalHeaders(resp)
	return resp
}

// ServeIndexed: an indexed loop, the response variable declared up front.
func (s *Server) ServeIndexed(req *Request) *Response {
	var resp *Response
	for i := 0; i < len(s.before); i++ {
		resp = s.before[i](req)
		if resp != nil {
			return resp // want `short-circuit response from s.before is returned here without running the after-chain s.after`
		}
	}
	resp = s.handler(req)
	for _, a := range s.after {
		resp = a(req, resp)
	}
	return resp
}

// ServeIface: interface middlewares that may also fail. The error return is
// not reported (no response); the response return is.
func (s *Server) ServeIface(req *Request) (*Response, error) {
	for _, m := range s.mws {
		r, err := m.Before(req)
		if err != nil {
			return nil, err
		}
		if r != nil {
			return r, nil // want `short-circuit response from s.mws is returned here without running applyGlobalHeaders\(resp\)`
		}
	}
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	return resp, nil
}

// ServeNested: the return sits in a switch inside the loop, where a break
// would leave the switch, not the loop.
func (s *Server) ServeNested(req *Request) *Response {
	for _, m := range s.before {
		r := m(req)
		switch {
		case r != nil:
			return r // want `short-circuit response from s.before is returned here without running applyGlobalHeaders\(resp\); no fix: the return is inside a switch in the before-chain loop`
		}
	}
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}

// ServeShadow: the before-middlewares rewrite the request; the response
// variable in the loop has the handler's name; handler errors go to an
// error funnel that runs the after-chain itself.
func (s *Server) ServeShadow(req *Request) *Response {
	for _, m := range s.rewrite {
		next, resp := m(req)
		if resp != nil {
			return resp // want `short-circuit response from s.rewrite is returned here without running the after-chain s.after and applyGlobalHeaders\(resp\)`
		}
		req = next
	}

	resp, err := s.handle2(req)
	if err != nil {
		return s.fail(req, err)
	}
	for _, a := range s.after {
		resp = a(req, resp)
	}
	applyGlobalHeaders(resp)
	return resp
}

// fail is an error funnel: it runs the after-chain itself.
func (s *Server) fail(req *Request, err error) *Response {
	resp := &Response{Status: 502}
	for _, a := range s.after {
		resp = a(req, resp)
	}
	applyGlobalHeaders(resp)
	return resp
}

// Handler returns a runner as a function literal.
func (s *Server) Handler() func(*Request) *Response {
	return func(req *Request) *Response {
		for _, m := range s.before {
			if r := m(req); r != nil {
				return r // want `short-circuit response from s.before is returned here without running applyGlobalHeaders\(resp\)`
			}
		}
		resp := s.handler(req)
		applyGlobalHeaders(resp)
		return resp
	}
}

// ServeHeaderField sets a header through the response's Header field.
func (s *Server) ServeHeaderField(req *Request) *Response {
	for _, m := range s.before {
		if r := m(req); r != nil {
			return r // want `short-circuit response from s.before is returned here without running resp.Header.Set\("Vary", "Origin"\)`
		}
	}
	resp := s.handler(req)
	resp.Header.Set("Vary", "Origin")
	return resp
}

// ServeSameName: the loop's if statement declares the handler's name.
func (s *Server) ServeSameName(req *Request) *Response {
	for _, m := range s.before {
		if resp := m(req); resp != nil {
			return resp // want `short-circuit response from s.before is returned here without running applyGlobalHeaders\(resp\)`
		}
	}
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}

// ServeLocalVar: the loop declares the response with var in its body (the
// name the handler's response has too). The fix drops the loop-local
// declaration, which is nil there on every iteration, so that the break
// leaves the response in the hoisted variable.
func (s *Server) ServeLocalVar(req *Request) *Response {
	r := req
	for _, m := range s.rewrite {
		var resp *Response
		if r, resp = m(r); resp != nil {
			return resp // want `short-circuit response from s.rewrite is returned here without running the after-chain s.after and applyGlobalHeaders\(resp\)$`
		}
	}
	resp := s.handler(r)
	for _, a := range s.after {
		resp = a(r, resp)
	}
	applyGlobalHeaders(resp)
	return resp
}

// ServeLocalVarValue: a loop-local var with a value becomes an assignment.
func (s *Server) ServeLocalVarValue(req *Request) *Response {
	for _, m := range s.before {
		var resp = m(req)
		if resp != nil {
			return resp // want `short-circuit response from s.before is returned here without running applyGlobalHeaders\(resp\)$`
		}
	}
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}

// ServeLocalErr: a return of the error lies between the loop-local
// response and its check; it leaves the function, so the response is nil
// whenever the loop goes on.
func (s *Server) ServeLocalErr(req *Request) (*Response, error) {
	for _, m := range s.mws {
		resp, err := m.Before(req)
		if err != nil {
			return nil, err
		}
		if resp != nil {
			return resp, nil // want `short-circuit response from s.mws is returned here without running applyGlobalHeaders\(resp\)$`
		}
	}
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	return resp, nil
}

// ServeLocalOther: the loop has a resp of its own that is not the returned
// response; "resp = r" there would assign it, and the handler's response
// would stay nil.
func (s *Server) ServeLocalOther(req *Request) *Response {
	for _, m := range s.before {
		resp := m(req)
		r := resp
		if r != nil {
			return r // want `short-circuit response from s.before is returned here without running applyGlobalHeaders\(resp\); no fix: the before-chain loop declares a resp of its own \(line \d+\), which would hide the hoisted response resp`
		}
	}
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}

// ServeLocalSkip: the loop can go on with a non-nil resp (continue before
// the check), so after the fix the handler would not run on the normal path.
func (s *Server) ServeLocalSkip(req *Request, skip func(Before) bool) *Response {
	for _, m := range s.before {
		resp := m(req)
		if skip(m) {
			continue
		}
		if resp != nil {
			return resp // want `short-circuit response from s.before is returned here without running applyGlobalHeaders\(resp\); no fix: the before-chain loop can go on with resp set \(a branch between its assignment at line \d+ and the nil check\), so a guard on it could skip the handler`
		}
	}
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}

// ServeLocalTwice: resp is assigned again after the check.
func (s *Server) ServeLocalTwice(req *Request) *Response {
	for _, m := range s.before {
		resp := m(req)
		if resp != nil {
			return resp // want `short-circuit response from s.before is returned here without running applyGlobalHeaders\(resp\); no fix: the before-chain loop can go on with resp set \(it is assigned at lines \d+ and \d+\), so a guard on it could skip the handler`
		}
		resp = &Response{}
		_ = resp
	}
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}

// ServeLocalCaptured: a function literal captures the loop-local response;
// hoisting it would share one variable across iterations.
func (s *Server) ServeLocalCaptured(req *Request, later func(func() *Response)) *Response {
	for _, m := range s.before {
		resp := m(req)
		later(func() *Response { return resp })
		if resp != nil {
			return resp // want `short-circuit response from s.before is returned here without running applyGlobalHeaders\(resp\); no fix: a function literal in the before-chain loop refers to resp, so it cannot become the hoisted variable`
		}
	}
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}

// ServePkgName: the loop reads a package-level resp (declared below), which
// a resp hoisted above the loop would hide.
func (s *Server) ServePkgName(req *Request) *Response {
	for _, m := range s.before {
		if r := m(req); r != nil {
			return r // want `short-circuit response from s.before is returned here without running applyGlobalHeaders\(resp\); no fix: hoisting resp would change what resp refers to`
		}
		resp.Status++
	}
	resp := s.handler(req)
	applyGlobalHeaders(resp)
	return resp
}

var resp = &Response{Status: 204}

// --- not reported ---

// ServeRouted breaks out of the before-chain and lets the short-circuit
// response go through the after-chain.
func (s *Server) ServeRouted(req *Request) *Response {
	var resp *Response
	for _, m := range s.before {
		if resp = m(req); resp != nil {
			break
		}
	}
	if resp == nil {
		resp = s.handler(req)
	}
	for _, a := range s.after {
		resp = a(req, resp)
	}
	applyGlobalHeaders(resp)
	return resp
}

// ServeNoAfter has neither an after-chain nor a finalizer.
func (s *Server) ServeNoAfter(req *Request) *Response {
	for _, m := range s.before {
		if r := m(req); r != nil {
			return r
		}
	}
	return s.handler(req)
}
