// Package lib is a chain library whose runners other packages call.
package lib

type Request struct{ ID string }

type Response struct{ Status int }

type Before func(*Request) *Request
type After func(*Request, *Response) *Response

type Chain struct {
	Before  []Before
	After   []After
	Handler func(*Request) *Response
}

// RunBefore returns the request as the before-chain rewrote it.
func (c *Chain) RunBefore(req *Request) *Request {
	for _, m := range c.Before {
		req = m(req)
	}
	return req
}

// RunAfter passes its request to every after-middleware.
func (c *Chain) RunAfter(req *Request, resp *Response) *Response {
	for _, m := range c.After {
		resp = m(req, resp)
	}
	return resp
}

// Finish runs the after-chain but has no request to pass. It is exported,
// so adding a parameter would break its callers in other packages.
func (c *Chain) Finish(resp *Response) *Response { // want Finish:`dropsRequest\(c\.After, \*lib\.Request\)`
	for _, m := range c.After {
		resp = m(nil, resp) // want `c\.Finish runs the after-chain c\.After without a request: its middlewares take a \*Request but get nil; add a request parameter \(no fix: Finish is exported`
	}
	return resp
}

// Serve is Finish's caller with a request.
func (c *Chain) Serve(req *Request) *Response {
	req = c.RunBefore(req)
	return c.Finish(c.Handler(req))
}

// Finished runs no chain itself; RunAfter does.
func Finished(c *Chain, req *Request, resp *Response) *Response {
	return c.RunAfter(req, resp)
}

// Close runs the after-chain through Finish: no request either.
func (c *Chain) Close(resp *Response) *Response { // want Close:`dropsRequest\(c\.After, \*lib\.Request\)`
	return c.Finish(resp)
}
