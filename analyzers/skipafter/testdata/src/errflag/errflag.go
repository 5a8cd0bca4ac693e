// Package errflag is analysed with -skipafter.errors: returns of the
// before-chain's error bypassing the after-chain are reported too.
package errflag

import "errors"

type Request struct{ Path string }

type Response struct{ Header map[string]string }

type Before func(req *Request) (*Response, error)

type After func(req *Request, resp *Response) *Response

type Server struct {
	before  []Before
	after   []After
	handler func(req *Request) *Response
}

var errDenied = errors.New("denied")

func applyGlobalHeaders(resp *Response) { resp.Header["X-Frame-Options"] = "DENY" }

func (s *Server) runBefore(req *Request) (*Response, error) {
	for _, m := range s.before {
		if r, err := m(req); r != nil || err != nil {
			return r, err
		}
	}
	return nil, nil
}

func (s *Server) runAfter(req *Request, resp *Response) *Response {
	for _, a := range s.after {
		resp = a(req, resp)
	}
	return resp
}

func (s *Server) Serve(req *Request) (*Response, error) {
	resp, err := s.runBefore(req)
	if err != nil {
		return nil, err // want `error from s.runBefore is returned here without running the after-chain s.runAfter and applyGlobalHeaders\(resp\); no fix: an error return carries no response to route through the after-chain`
	}
	if resp == nil {
		resp = s.handler(req)
	}
	resp = s.runAfter(req, resp)
	applyGlobalHeaders(resp)
	return resp, nil
}

// An error that does not come from the before-chain is not reported.
func (s *Server) ServeOther(req *Request) (*Response, error) {
	if req.Path == "" {
		return nil, errDenied
	}
	resp := s.runAfter(req, s.handler(req))
	applyGlobalHeaders(resp)
	return resp, nil
}

// ServeGoto jumps to its exit on the before-chain's error.
func (s *Server) ServeGoto(req *Request) (resp *Response, err error) {
	resp, err = s.runBefore(req)
	if err != nil {
		goto out // want `error from s.runBefore leaves here by goto out without running the after-chain s.runAfter and applyGlobalHeaders\(resp\); no fix: an error return carries no response to route through the after-chain`
	}
	if resp == nil {
		resp = s.handler(req)
	}
	resp = s.runAfter(req, resp)
	applyGlobalHeaders(resp)
out:
	return resp, err
}
