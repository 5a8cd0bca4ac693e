// Package gateway has two runners whose after-chains do not get the
// current request.
package gateway

import "example.com/droprequestfixture/chain"

// Gateway runs its chain with the runners of package chain.
type Gateway struct {
	Chain   *chain.Chain
	Handler func(*chain.Request) *chain.Response
}

// Serve hands the after-chain the request from before authentication.
func (g *Gateway) Serve(req *chain.Request) *chain.Response {
	cur, resp := g.Chain.RunBefore(req)
	if resp == nil {
		resp = g.Handler(cur)
	}
	// Every response goes through the after-chain.
	return g.Chain.RunAfter(req, resp)
}

// Drain runs the after-chain for responses of a background job: there is
// no request, and nil is right.
func (g *Gateway) Drain(resps []*chain.Response) {
	for _, resp := range resps {
		g.Chain.RunAfter(nil, resp)
	}
}

// Legacy runs its chains inline; its after-chain runner has no request.
type Legacy struct {
	Before  []chain.Before
	After   []chain.After
	Handler func(*chain.Request) *chain.Response
}

func (l *Legacy) Serve(req *chain.Request) *chain.Response {
	r := req
	var resp *chain.Response
	for _, m := range l.Before {
		if r, resp = m(r); resp != nil {
			break
		}
	}
	if resp == nil {
		resp = l.Handler(r)
	}
	return l.finish(resp)
}

// finish runs the after-chain.
func (l *Legacy) finish(resp *chain.Response) *chain.Response {
	for _, m := range l.After {
		resp = m(nil, resp) // each after-middleware in turn
	}
	return resp
}
