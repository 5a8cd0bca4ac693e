// Package runner is a chain library; its runners are known to importers by
// fact.
package runner

import "net/http"

type Request struct{ Path string }

type Response struct{ Header map[string]string }

type Chain struct {
	Before []func(req *Request) *Response
	After  []func(req *Request, resp *Response) *Response
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

// ApplyGlobalHeaders sets the headers every response carries.
func ApplyGlobalHeaders(resp *Response) {
	resp.Header["Strict-Transport-Security"] = "max-age=63072000"
}

// HTTPChain runs net/http before hooks, which answer on w themselves.
type HTTPChain struct {
	Before []func(w http.ResponseWriter, r *http.Request) bool
}

// RunBefore reports whether every hook let the request through.
func (c *HTTPChain) RunBefore(w http.ResponseWriter, r *http.Request) bool {
	for _, h := range c.Before {
		if !h(w, r) {
			return false
		}
	}
	return true
}
