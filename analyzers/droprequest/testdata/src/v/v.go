// Package v passes requests by value: a zero value is a made-up request.
package v

type Request struct{ Path, User string }

type Response struct{ Status int }

type After func(Request, *Response)

type Server struct {
	after   []After
	handler func(Request) *Response
}

func (s *Server) Serve(req Request) *Response {
	resp := s.handler(req)
	for _, m := range s.after {
		m(Request{}, resp) // want `the after-chain s\.after gets Request\{\} instead of the request; pass req`
	}
	return resp
}

func (s *Server) ServeZero(req Request) *Response {
	var zero Request
	resp := s.handler(req)
	for _, m := range s.after {
		m(zero, resp) // want `the after-chain s\.after gets zero \(a zero v\.Request\) instead of the request; pass req`
	}
	return resp
}

func (s *Server) ServeGood(req Request) *Response {
	resp := s.handler(req)
	for _, m := range s.after {
		m(req, resp)
	}
	return resp
}
