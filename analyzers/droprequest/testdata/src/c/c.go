// Package c holds more shapes: closures, captured requests, branches,
// loops with break, indexed and struct-field chains, context.Context,
// per-request objects, runners without parameters.
package c

import "context"

type Request struct{ User string }

type Response struct{ Status int }

type Before func(*Request) (*Request, *Response)
type After func(*Request, *Response) *Response

type key struct{}

type Server struct {
	before  []Before
	after   []After
	handler func(*Request) *Response
}

func (s *Server) runBefore(req *Request) (*Request, *Response) {
	for _, m := range s.before {
		var resp *Response
		if req, resp = m(req); resp != nil {
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

func annotate(r *Request) *Request { r2 := *r; r2.User += "+"; return &r2 }

// Handler returns a closure: the request is the literal's parameter.
func (s *Server) Handler() func(*Request) *Response {
	return func(req *Request) *Response {
		resp := s.handler(req)
		return s.runAfter(nil, resp) // want `s\.runAfter gets nil instead of the request; pass req, the request the function literal received`
	}
}

// ServeDeferred runs the after-chain in a deferred closure.
func (s *Server) ServeDeferred(req *Request) (resp *Response) {
	defer func() {
		resp = s.runAfter(nil, resp) // want `s\.runAfter gets nil instead of the request; pass req, the request ServeDeferred received`
	}()
	return s.handler(req)
}

// ServeBranch rewrites the request on one path only.
func (s *Server) ServeBranch(req *Request, admin bool) *Response {
	r := req
	if admin {
		r = annotate(req)
	}
	resp := s.handler(r)
	return s.runAfter(req, resp) // want `s\.runAfter gets the stale request req, from before annotate; pass r, the request as annotate left it and the one s\.handler got`
}

// ServeLoop breaks out of its inline before-chain: the handler runs only
// when no middleware answered, so the latest request is the loop's.
func (s *Server) ServeLoop(req *Request) *Response {
	r := req
	var resp *Response
	for _, m := range s.before {
		if r, resp = m(r); resp != nil {
			break
		}
	}
	if resp == nil {
		resp = s.handler(r)
	}
	for _, m := range s.after {
		resp = m(req, resp) // want `the after-chain s\.after gets the stale request req, from before the before-chain s\.before; pass r, the request as the before-chain s\.before left it`
	}
	return resp
}

// ServeNewer passes a request derived after the handler ran: not stale.
func (s *Server) ServeNewer(req *Request) *Response {
	resp := s.handler(req)
	return s.runAfter(annotate(req), resp)
}

// ServeCaptured assigns the request in a closure, so it lives on the heap:
// its loads are neither made up nor stale.
func (s *Server) ServeCaptured(req *Request) *Response {
	rewrite := func() { req = annotate(req) }
	rewrite()
	resp := s.handler(req)
	return s.runAfter(req, resp)
}

// ServeIter runs its before-chain through a range-over-func iterator (the
// shape chainlock's fix produces): the loop body assigns req in a closure.
func (s *Server) ServeIter(req *Request, seq func(func(Before) bool)) *Response {
	var resp *Response
	for m := range seq {
		var next *Request
		next, resp = m(req)
		if resp != nil {
			break
		}
		req = next
	}
	if resp == nil {
		resp = s.handler(req)
	}
	return s.runAfter(req, resp)
}

// ServeIndexed runs an indexed after-loop.
func (s *Server) ServeIndexed(req *Request) *Response {
	req2, resp := s.runBefore(req)
	if resp == nil {
		resp = s.handler(req2)
	}
	for i := 0; i < len(s.after); i++ {
		resp = s.after[i](req, resp) // want `the after-chain s\.after gets the stale request req, from before s\.runBefore; pass req2`
	}
	return resp
}

type hook struct {
	name string
	fn   func(*Request, *Response) *Response
}

type Hooked struct {
	hooks   []hook
	handler func(*Request) *Response
}

func (h *Hooked) Serve(req *Request) *Response {
	resp := h.handler(req)
	for _, x := range h.hooks {
		resp = x.fn(new(Request), resp) // want `the after-chain h\.hooks gets new\(Request\) instead of the request; pass req`
	}
	return resp
}

type CtxAfter func(ctx context.Context, req *Request, resp *Response) *Response

type CtxServer struct {
	after   []CtxAfter
	handler func(context.Context, *Request) *Response
}

// Serve gives the handler a child context; the after-chain the parent.
func (s *CtxServer) Serve(ctx context.Context, req *Request) *Response {
	ctx2 := context.WithValue(ctx, key{}, "trace-1")
	resp := s.handler(ctx2, req)
	for _, m := range s.after {
		resp = m(ctx, req, resp) // want `the after-chain s\.after gets the stale context ctx, from before context\.WithValue; pass ctx2, the context returned by context\.WithValue and the one s\.handler got`
	}
	return resp
}

// ServeGood passes the child context.
func (s *CtxServer) ServeGood(ctx context.Context, req *Request) *Response {
	ctx = context.WithValue(ctx, key{}, "trace-2")
	resp := s.handler(ctx, req)
	for _, m := range s.after {
		resp = m(ctx, req, resp)
	}
	return resp
}

// Ctx is a per-request object: its request is a field, not judged.
type Ctx struct {
	req   *Request
	resp  *Response
	after []After
}

func (c *Ctx) finish() {
	for _, m := range c.after {
		c.resp = m(c.req, c.resp)
	}
}

// Job's runner has no parameters at all.
type Job struct {
	after   []After
	resp    *Response
	handler func(*Request) *Response
}

func (j *Job) done() { // want done:`dropsRequest\(j\.after, \*c\.Request\)`
	for _, m := range j.after {
		j.resp = m(nil, j.resp) // want `j\.done runs the after-chain j\.after without a request: its middlewares take a \*Request but get nil; add a request parameter`
	}
}

func (j *Job) Run(req *Request) {
	j.resp = j.handler(req)
	j.done()
}

// Mixed's runner has a caller with the request and one without.
type Mixed struct {
	after   []After
	handler func(*Request) *Response
}

func (x *Mixed) finish(resp *Response) *Response { // want finish:`dropsRequest\(x\.after, \*c\.Request\)`
	for _, m := range x.after {
		resp = m(nil, resp) // want `x\.finish runs the after-chain x\.after without a request: .* \(no fix: the caller at line \d+ has no request to pass\)`
	}
	return resp
}

func (x *Mixed) Serve(req *Request) *Response {
	return x.finish(x.handler(req))
}

func (x *Mixed) replay(resp *Response) *Response { // want replay:`dropsRequest\(x\.after, \*c\.Request\)`
	return x.finish(resp)
}

// Relay's outer runner calls an inner one that has no request either.
type Relay struct {
	after   []After
	handler func(*Request) *Response
}

func (x *Relay) inner(resp *Response) *Response { // want inner:`dropsRequest\(x\.after, \*c\.Request\)`
	for _, m := range x.after {
		resp = m(nil, resp)
	}
	return resp
}

func (x *Relay) outer(resp *Response) *Response { // want outer:`dropsRequest\(x\.after, \*c\.Request\)`
	return x.inner(resp) // want `x\.outer runs the after-chain x\.after through x\.inner without a request: its middlewares take a \*Request but get none; add a request parameter \(no fix: x\.inner, which it calls, takes no request either\)`
}

func (x *Relay) Serve(req *Request) *Response {
	return x.outer(x.handler(req))
}
