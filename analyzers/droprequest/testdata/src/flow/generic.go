// Package flow holds shapes where the request is decided by what the code
// does with it, whatever its type is called: a type parameter, a named
// type no -chains.request-types hint matches, a context the handler gets
// a child of; and values the handler itself got, however they were built.
package flow

import "context"

type Response struct{ Status int }

// Server's request type is a type parameter.
type Server[Req any] struct {
	before  []func(Req) (Req, *Response)
	after   []func(Req, *Response) *Response
	handler func(Req) *Response
}

func (s *Server[Req]) Serve(req Req) *Response {
	cur := req
	for _, m := range s.before {
		var resp *Response
		if cur, resp = m(cur); resp != nil {
			return resp
		}
	}
	resp := s.handler(cur)
	for _, m := range s.after {
		resp = m(req, resp) // want `the after-chain s\.after gets the stale request req, from before the before-chain s\.before; pass cur, the request as the before-chain s\.before left it and the one s\.handler got`
	}
	return resp
}

func (s *Server[Req]) ServeGood(req Req) *Response {
	cur := req
	for _, m := range s.before {
		var resp *Response
		if cur, resp = m(cur); resp != nil {
			return resp
		}
	}
	resp := s.handler(cur)
	for _, m := range s.after {
		resp = m(cur, resp)
	}
	return resp
}

// runAfter is a generic runner: its request parameter is found by what
// its callers hand their handler.
func (s *Server[Req]) runAfter(req Req, resp *Response) *Response {
	for _, m := range s.after {
		resp = m(req, resp)
	}
	return resp
}

func (s *Server[Req]) ServeRunner(req Req, rewrite func(Req) Req) *Response {
	r2 := rewrite(req)
	resp := s.handler(r2)
	return s.runAfter(req, resp) // want `s\.runAfter gets the stale request req, from before rewrite; pass r2, the request returned by rewrite and the one s\.handler got`
}

// InitializeRequest matches no request-type hint (they name *.Request and
// *.Context); the handler receiving it makes it the request.
type InitializeRequest struct{ Client string }

type Initializer struct {
	after   []func(*InitializeRequest, *Response)
	handler func(*InitializeRequest) *Response
}

func (s *Initializer) Initialize(req *InitializeRequest) *Response {
	resp := s.handler(req)
	for _, m := range s.after {
		m(nil, resp) // want `the after-chain s\.after gets nil instead of the request; pass req, the request Initialize received and the one s\.handler got`
	}
	return resp
}

// Audit hands the after-middlewares a configuration value of a type the
// handler never gets: not a request, not judged.
type Config struct{ Verbose bool }

type Auditor struct {
	after   []func(*Config, *Response)
	handler func(*InitializeRequest) *Response
}

func (s *Auditor) Serve(req *InitializeRequest) *Response {
	resp := s.handler(req)
	for _, m := range s.after {
		m(nil, resp)
	}
	return resp
}

type key struct{}

// CtxServer's after-middlewares take the context; the handler gets a
// child of the one Serve received.
type CtxServer struct {
	opts   []func(context.Context, *Response) *Response
	handle func(context.Context) *Response
}

func (s *CtxServer) forward(ctx context.Context, resp *Response) *Response {
	for _, o := range s.opts {
		resp = o(ctx, resp)
	}
	return resp
}

func (s *CtxServer) ServeParent(ctx context.Context) *Response {
	rctx := context.WithValue(ctx, key{}, "rpc")
	resp := s.handle(rctx)
	return s.forward(ctx, resp) // want `s\.forward gets the stale context ctx, from before context\.WithValue; pass rctx, the context returned by context\.WithValue and the one s\.handle got`
}

// ServeSibling annotates ctx for the handler and, separately, with the
// response's metadata for the after-chain: neither context has both, so
// no single value can be passed.
func (s *CtxServer) ServeSibling(ctx context.Context) *Response {
	rctx := context.WithValue(ctx, key{}, "rpc")
	resp := s.handle(rctx)
	ctx = withMeta(ctx, resp)
	return s.forward(ctx, resp) // want `s\.forward gets the stale context ctx, which misses context\.WithValue: the current one is rctx, the context returned by context\.WithValue and the one s\.handle got; no fix: ctx went through withMeta instead, and passing the current context would drop what that added`
}

func withMeta(ctx context.Context, resp *Response) context.Context {
	return context.WithValue(ctx, key{}, resp.Status)
}

// ServeChild passes the handler's context on, enriched: not stale.
func (s *CtxServer) ServeChild(ctx context.Context) *Response {
	rctx := context.WithValue(ctx, key{}, "rpc")
	resp := s.handle(rctx)
	return s.forward(withMeta(rctx, resp), resp)
}

// ServeInline runs the context after-chain inline: its middlewares take
// no request, only the context.
func (s *CtxServer) ServeInline(ctx context.Context) *Response {
	rctx := context.WithValue(ctx, key{}, "rpc")
	resp := s.handle(rctx)
	for _, o := range s.opts {
		resp = o(ctx, resp) // want `the after-chain s\.opts gets the stale context ctx, from before context\.WithValue; pass rctx, the context returned by context\.WithValue and the one s\.handle got`
	}
	return resp
}

// ServeInlineGood passes the handler's context.
func (s *CtxServer) ServeInlineGood(ctx context.Context) *Response {
	rctx := context.WithValue(ctx, key{}, "rpc")
	resp := s.handle(rctx)
	for _, o := range s.opts {
		resp = o(rctx, resp)
	}
	return resp
}
