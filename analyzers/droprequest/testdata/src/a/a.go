// Package a holds droprequest's same-package cases: runners, inline
// chains, nil/empty/stale requests, a runner without a request parameter.
package a

import "context"

type Request struct {
	Path string
	ctx  context.Context
}

func (r *Request) Context() context.Context {
	if r.ctx == nil {
		return context.Background()
	}
	return r.ctx
}

func (r *Request) WithContext(ctx context.Context) *Request {
	r2 := *r
	r2.ctx = ctx
	return &r2
}

type Response struct{ Status int }

type Before func(*Request) (*Request, *Response)
type After func(*Request, *Response) *Response
type Hook func(*Response) *Response

type userKey struct{}

type Server struct {
	before  []Before
	after   []After
	hooks   []Hook
	handler func(*Request) *Response
}

func (s *Server) runBefore(req *Request) (*Request, *Response) {
	for _, m := range s.before {
		var resp *Response
		req, resp = m(req)
		if resp != nil {
			return req, resp
		}
	}
	return req, nil
}

func (s *Server) runAfter(req *Request, resp *Response) *Response {
	for _, m := range s.after {
		resp = m(req, resp)
	}
	return resp
}

// Serve passes the latest request: nothing to report.
func (s *Server) Serve(req *Request) *Response {
	req2, resp := s.runBefore(req)
	if resp == nil {
		resp = s.handler(req2)
	}
	return s.runAfter(req2, resp)
}

func (s *Server) ServeNil(req *Request) *Response {
	req2, resp := s.runBefore(req)
	if resp == nil {
		resp = s.handler(req2)
	}
	return s.runAfter(nil, resp) // want `s\.runAfter gets nil instead of the request; pass req2, the request returned by s\.runBefore`
}

func (s *Server) ServeEmpty(req *Request) *Response {
	resp := s.handler(req)
	// The after-chain logs the path.
	return s.runAfter(&Request{}, resp) // want `s\.runAfter gets &Request\{\} instead of the request; pass req, the request ServeEmpty received`
}

func (s *Server) ServeNew(req *Request) *Response {
	resp := s.handler(req)
	return s.runAfter(new(Request), resp) // want `s\.runAfter gets new\(Request\) instead of the request; pass req`
}

// ServeStale hands the after-chain the request as it was before the
// before-chain rewrote it, on both paths.
func (s *Server) ServeStale(req *Request) *Response {
	req2, resp := s.runBefore(req)
	if resp != nil {
		return s.runAfter(req, resp) // want `s\.runAfter gets the stale request req, from before s\.runBefore; pass req2, the request returned by s\.runBefore`
	}
	resp = s.handler(req2)
	return s.runAfter(req, resp) /* keep me */ // want `s\.runAfter gets the stale request req, from before s\.runBefore; pass req2, the request returned by s\.runBefore and the one s\.handler got`
}

// ServeVars goes through intermediate variables.
func (s *Server) ServeVars(req *Request) *Response {
	orig := req
	cur, resp := s.runBefore(orig)
	if resp == nil {
		resp = s.handler(cur)
	}
	resp = s.runAfter(orig, resp) // want `s\.runAfter gets the stale request orig, from before s\.runBefore; pass cur`
	return resp
}

// ServeInline runs both chains inline.
func (s *Server) ServeInline(req *Request) *Response {
	r := req
	for _, m := range s.before {
		var resp *Response
		if r, resp = m(r); resp != nil {
			return resp
		}
	}
	resp := s.handler(r)
	for _, m := range s.after {
		resp = m(req, resp) // want `the after-chain s\.after gets the stale request req, from before the before-chain s\.before; pass r`
	}
	return resp
}

func (s *Server) ServeInlineNil(req *Request) *Response {
	resp := s.handler(req)
	for _, m := range s.after {
		resp = m(nil, resp) // want `the after-chain s\.after gets nil instead of the request; pass req`
	}
	return resp
}

// ServeWithContext: the handler got the request with the user in its
// context; the after-chain must see it too.
func (s *Server) ServeWithContext(req *Request) *Response {
	ctx := context.WithValue(req.Context(), userKey{}, "alice")
	withUser := req.WithContext(ctx)
	resp := s.handler(withUser)
	return s.runAfter(req, resp) // want `s\.runAfter gets the stale request req, from before req\.WithContext; pass withUser`
}

// ServeHooks runs response-only hooks: they take no request.
func (s *Server) ServeHooks(req *Request) *Response {
	resp := s.handler(req)
	for _, h := range s.hooks {
		resp = h(resp)
	}
	return resp
}

// replay has no request in reach: a background job replaying responses.
func (s *Server) replay(resps []*Response) { // want replay:`dropsRequest\(s\.runAfter, \*a\.Request\)`
	for _, resp := range resps {
		s.runAfter(nil, resp)
	}
}

// ServeIgnored is documented to drop the request.
func (s *Server) ServeIgnored(req *Request) *Response {
	resp := s.handler(req)
	return s.runAfter(nil, resp) //chainlint:ignore droprequest the after-chain must not see replayed requests
}

// ServeAmbiguous has two rewrites of the request and no handler that
// settles which one is current.
func (s *Server) ServeAmbiguous(req *Request, resp *Response) *Response {
	a := req.WithContext(context.WithValue(req.Context(), userKey{}, "a"))
	b := req.WithContext(context.WithValue(req.Context(), userKey{}, "b"))
	s.audit(a, b)
	return s.runAfter(nil, resp) // want `s\.runAfter gets nil instead of the request; no fix: several requests are in reach \(a, b\)`
}

func (s *Server) audit(a, b *Request) {}

// ServeUnusedVar: replacing empty leaves it unused, so the fix deletes it.
func (s *Server) ServeUnusedVar(req *Request) *Response {
	var empty *Request
	resp := s.handler(req)
	return s.runAfter(empty, resp) // want `s\.runAfter gets empty \(nil\) instead of the request; pass req, the request ServeUnusedVar received and the one s\.handler got$`
}

// ServeUnusedCall: empty's initializer calls a method, so its declaration
// cannot go and the argument cannot be replaced.
func (s *Server) ServeUnusedCall(req *Request) *Response {
	empty := &Request{Path: s.defaultPath()}
	resp := s.handler(req)
	return s.runAfter(empty, resp) // want `s\.runAfter gets empty \(a new a\.Request\) instead of the request; pass req, .*; no fix: replacing empty would leave it unused`
}

func (s *Server) defaultPath() string { return "/" }

// ServeOrigTwice names the stale request in two after-chain calls and
// nowhere else: each fix replaces both and deletes orig.
func (s *Server) ServeOrigTwice(req *Request) *Response {
	orig := req
	req2, resp := s.runBefore(req)
	if resp != nil {
		return s.runAfter(orig, resp) // want `s\.runAfter gets the stale request orig, from before s\.runBefore; pass req2, the request returned by s\.runBefore( and the one s\.handler got)?$`
	}
	resp = s.handler(req2)
	return s.runAfter(orig, resp) // want `s\.runAfter gets the stale request orig, from before s\.runBefore; pass req2, the request returned by s\.runBefore( and the one s\.handler got)?$`
}

// Legacy's runner has no request to pass; its callers have one.
type Legacy struct {
	after   []After
	handler func(*Request) *Response
}

func (l *Legacy) runAfter(resp *Response) *Response { // want runAfter:`dropsRequest\(l\.after, \*a\.Request\)`
	for _, m := range l.after {
		resp = m(nil, resp) // want `l\.runAfter runs the after-chain l\.after without a request: its middlewares take a \*Request but get nil; add a request parameter`
	}
	return resp
}

func (l *Legacy) Serve(req *Request) *Response {
	resp := l.handler(req)
	return l.runAfter(resp)
}

func (l *Legacy) ServeRewritten(req *Request) *Response {
	r2 := req.WithContext(context.WithValue(req.Context(), userKey{}, "bob"))
	resp := l.handler(r2)
	resp = l.runAfter(resp)
	return resp
}

// Batch runs after-middlewares for a background job: no request anywhere.
type Batch struct{ after []After }

func (b *Batch) drain(resps []*Response) { // want drain:`dropsRequest\(b\.after, \*a\.Request\)`
	for _, resp := range resps {
		b.finish(resp)
	}
}

func (b *Batch) finish(resp *Response) { // want finish:`dropsRequest\(b\.after, \*a\.Request\)`
	for _, m := range b.after {
		m(nil, resp)
	}
}

// AfterMW is an interface after-middleware.
type AfterMW interface {
	After(*Request, *Response) *Response
}

type Chain struct {
	mws     []AfterMW
	handler func(*Request) *Response
}

func (c *Chain) Serve(req *Request) *Response {
	traced := req.WithContext(context.WithValue(req.Context(), userKey{}, "trace"))
	resp := c.handler(traced)
	for _, m := range c.mws {
		resp = m.After(req, resp) // want `the after-chain c\.mws gets the stale request req, from before req\.WithContext; pass traced`
	}
	return resp
}
