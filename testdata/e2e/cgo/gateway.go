package cgofixture

// static int status(int ok) { return ok ? 200 : 401; }
import "C"

type Response struct{ Status int }

type Gateway struct {
	before []func(*Request) (*Request, *Response)
	after  []func(*Request, *Response) *Response
}

func (g *Gateway) runBefore(req *Request) (*Request, *Response) {
	for _, m := range g.before {
		var resp *Response
		if req, resp = m(req); resp != nil {
			return req, resp
		}
	}
	return req, nil
}

func (g *Gateway) runAfter(req *Request, resp *Response) *Response {
	for _, m := range g.after {
		resp = m(req, resp)
	}
	return resp
}

// Serve gives the after-chain nil instead of the request: droprequest's
// fix, an edit made at the translation's positions, must land here.
func (g *Gateway) Serve(req *Request) *Response {
	req2, resp := g.runBefore(req)
	if resp == nil {
		resp = &Response{Status: int(C.status(C.int(len(req2.Path()))))}
	}
	return g.runAfter(nil, resp)
}
