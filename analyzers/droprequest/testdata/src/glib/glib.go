// Package glib is a generic chain library: its request type is a type
// parameter, so no request-type hint names it; its callers' handlers do.
package glib

type Response struct{ Status int }

type Chain[Req any] struct {
	After []func(Req, *Response) *Response
}

// RunAfter passes its request to every after-middleware.
func (c *Chain[Req]) RunAfter(req Req, resp *Response) *Response {
	for _, m := range c.After {
		resp = m(req, resp)
	}
	return resp
}
