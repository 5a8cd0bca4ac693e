// Package chain is a small middleware-chain library. Its runners are used
// from package gateway, which chainlint judges with this package's facts.
package chain

import "strings"

// Request is immutable by convention: middlewares return a changed copy.
type Request struct {
	Path   string
	Header map[string]string
	User   string // set by Auth
}

// WithUser returns a copy of r for user.
func (r *Request) WithUser(user string) *Request {
	r2 := *r
	r2.User = user
	return &r2
}

type Response struct {
	Status int
	Header map[string]string
	Body   string
}

// Before middlewares return the (possibly rewritten) request, or a
// response that short-circuits the chain.
type Before func(*Request) (*Request, *Response)

// After middlewares see the request and the response.
type After func(*Request, *Response) *Response

type Chain struct {
	Before []Before
	After  []After
}

// RunBefore runs the before-chain and returns the request as it left it.
func (c *Chain) RunBefore(req *Request) (*Request, *Response) {
	for _, m := range c.Before {
		var resp *Response
		req, resp = m(req)
		if resp != nil {
			return req, resp
		}
	}
	return req, nil
}

// RunAfter runs the after-chain with req.
func (c *Chain) RunAfter(req *Request, resp *Response) *Response {
	for _, m := range c.After {
		resp = m(req, resp)
	}
	return resp
}

// Auth authenticates "Authorization: Bearer USER", or answers 401.
func Auth(req *Request) (*Request, *Response) {
	if user, ok := strings.CutPrefix(req.Header["Authorization"], "Bearer "); ok && user != "" {
		return req.WithUser(user), nil
	}
	return req, &Response{Status: 401, Header: map[string]string{}, Body: "unauthorized"}
}

// Audit records whom the response was for ("-" when nobody is known).
func Audit(req *Request, resp *Response) *Response {
	user := "-"
	if req != nil && req.User != "" {
		user = req.User
	}
	resp.Header["X-Audit-User"] = user
	return resp
}
