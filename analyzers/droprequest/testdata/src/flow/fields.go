package flow

import "context"

// Ctx carries the request and the response in fields, as gin's Context
// does; the handler gets the Ctx and reads c.Request.
type Ctx struct {
	Request *Req
	Writer  *Response
}

type Req struct{ ctx context.Context }

func (r *Req) Context() context.Context {
	if r.ctx == nil {
		return context.Background()
	}
	return r.ctx
}

func (r *Req) WithContext(ctx context.Context) *Req { return &Req{ctx: ctx} }

type Engine struct {
	after   []func(*Req, *Response)
	handler func(*Ctx)
}

func (e *Engine) Serve(c *Ctx) {
	req := c.Request
	ctx := context.WithValue(req.Context(), key{}, "user")
	c.Request = req.WithContext(ctx)
	e.handler(c)
	for _, a := range e.after {
		a(req, c.Writer) // want `the after-chain e\.after gets the stale request req, from before req\.WithContext; pass c\.Request, the request returned by req\.WithContext and the one e\.handler got`
	}
}

// ServeField passes the field itself: what the handler read (or left).
func (e *Engine) ServeField(c *Ctx) {
	c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), key{}, "user"))
	e.handler(c)
	for _, a := range e.after {
		a(c.Request, c.Writer)
	}
}

// ServeOrig reads the field twice before rewriting it: both reads are the
// request from before the rewrite.
func (e *Engine) ServeOrig(c *Ctx) {
	orig := c.Request
	c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), key{}, "user"))
	e.handler(c)
	for _, a := range e.after {
		a(orig, c.Writer) // want `the after-chain e\.after gets the stale request orig, from before c\.Request\.WithContext; pass c\.Request, .*; no fix: replacing orig would leave it unused`
	}
}

// ServeUnknown lets the before-middlewares, which get c, change the
// field: what the handler reads is not known, so nothing is reported.
func (e *Engine) ServeUnknown(c *Ctx, before []func(*Ctx)) {
	orig := c.Request
	for _, m := range before {
		m(c)
	}
	e.handler(c)
	for _, a := range e.after {
		a(orig, c.Writer)
	}
}
