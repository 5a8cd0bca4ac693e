// Package chain is a small middleware-chain library: before-middlewares may
// answer a request themselves (short-circuit), after-middlewares see the
// request and the response.
package chain

// Request is an incoming request.
type Request struct {
	Path   string
	Header map[string]string
}

// Response is an outgoing response.
type Response struct {
	Status int
	Header map[string]string
	Body   string
}

// NewResponse returns a response with an empty header.
func NewResponse(status int, body string) *Response {
	return &Response{Status: status, Header: map[string]string{}, Body: body}
}

// BeforeFunc is a before-middleware: it returns a response to answer the
// request itself, or nil to go on.
type BeforeFunc func(req *Request) *Response

// AfterFunc is an after-middleware.
type AfterFunc func(req *Request, resp *Response) *Response

// Chain holds the middlewares of a server.
type Chain struct {
	Before []BeforeFunc
	After  []AfterFunc
}

// RunBefore runs the before-chain and returns the first short-circuit
// response, or nil.
func (c *Chain) RunBefore(req *Request) *Response {
	for _, m := range c.Before {
		if r := m(req); r != nil {
			return r
		}
	}
	return nil
}

// RunAfter runs the after-chain.
func (c *Chain) RunAfter(req *Request, resp *Response) *Response {
	for _, m := range c.After {
		resp = m(req, resp)
	}
	return resp
}

// ApplyGlobalHeaders sets the headers every response must carry.
func ApplyGlobalHeaders(resp *Response) {
	resp.Header["Access-Control-Allow-Origin"] = "*"
	resp.Header["X-Content-Type-Options"] = "nosniff"
}

// RequireAuth answers 401 to requests without an Authorization header.
func RequireAuth(req *Request) *Response {
	if req.Header["Authorization"] == "" {
		return NewResponse(401, "unauthorized")
	}
	return nil
}

// Stamp is an after-middleware that records that the after-chain ran.
func Stamp(req *Request, resp *Response) *Response {
	resp.Header["X-After"] = req.Path
	return resp
}
