// Package deferred registers its after-chain with a defer statement before
// the before-chain rewrites the request: the deferred call's arguments are
// evaluated at the defer statement, so the after-middlewares get the
// request from before the rewrite.
package deferred

type Request struct{ User string }

type Response struct {
	Status int
	Header map[string]string
}

type Before func(*Request) (*Request, *Response)
type After func(*Request, *Response) *Response

type Server struct {
	Before  []Before
	After   []After
	Handler func(*Request) *Response
}

func (s *Server) runBefore(req *Request) (*Request, *Response) {
	for _, m := range s.Before {
		var resp *Response
		if req, resp = m(req); resp != nil {
			return req, resp
		}
	}
	return req, nil
}

// finish runs the after-chain on the response the server returns.
func (s *Server) finish(req *Request, resp **Response) {
	for _, a := range s.After {
		*resp = a(req, *resp)
	}
}

// Serve runs the before-chain, the handler and, on every path, the
// after-chain.
func (s *Server) Serve(req *Request) (resp *Response) {
	defer s.finish(req, &resp)
	req, resp = s.runBefore(req)
	if resp != nil {
		return resp
	}
	return s.Handler(req)
}
