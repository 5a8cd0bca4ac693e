// Package gateway serves requests through chains of middlewares.
package gateway

import "example.com/skipafterfixture/chain"

// Gateway runs its chain through the chain package's runners.
type Gateway struct {
	Chain   *chain.Chain
	Handler func(req *chain.Request) *chain.Response
}

// Serve answers req.
func (g *Gateway) Serve(req *chain.Request) *chain.Response {
	// A before-middleware may answer the request itself.
	if resp := g.Chain.RunBefore(req); resp != nil {
		return resp
	}
	resp := g.Handler(req)
	resp = g.Chain.RunAfter(req, resp)
	chain.ApplyGlobalHeaders(resp)
	return resp
}

// Router runs its own chain loops.
type Router struct {
	Before  []chain.BeforeFunc
	After   []chain.AfterFunc
	Handler func(req *chain.Request) (*chain.Response, error)
}

// Serve answers req; handler errors become 500 responses.
func (rt *Router) Serve(req *chain.Request) *chain.Response {
	for _, m := range rt.Before {
		if r := m(req); r != nil {
			return r
		}
	}
	resp, err := rt.Handler(req)
	if err != nil {
		resp = chain.NewResponse(500, err.Error())
	}
	for _, a := range rt.After {
		resp = a(req, resp)
	}
	chain.ApplyGlobalHeaders(resp)
	return resp
}

// Edge answers req at the edge: a preflight chain, then the gateway's own,
// may answer it first.
type Edge struct {
	Preflight *chain.Chain
	Chain     *chain.Chain
	Handler   func(req *chain.Request) *chain.Response
}

// Serve answers req.
func (e *Edge) Serve(req *chain.Request) *chain.Response {
	if resp := e.Preflight.RunBefore(req); resp != nil {
		return resp
	}
	if resp := e.Chain.RunBefore(req); resp != nil {
		return resp
	}
	resp := e.Handler(req)
	resp = e.Chain.RunAfter(req, resp)
	chain.ApplyGlobalHeaders(resp)
	return resp
}

// Jump answers req, jumping to its single exit when the chain answered.
func (e *Edge) Jump(req *chain.Request) *chain.Response {
	resp := e.Chain.RunBefore(req)
	if resp != nil {
		goto out
	}
	resp = e.Handler(req)
	resp = e.Chain.RunAfter(req, resp)
	chain.ApplyGlobalHeaders(resp)
out:
	return resp
}
