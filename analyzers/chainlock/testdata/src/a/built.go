package a

import "sync"

// Chains built at load time: each middleware wrapped in a closure that
// takes one global lock (as an embedded interpreter's global lock), run
// later one after another.

var gil sync.Mutex

type Gateway struct {
	chain []Middleware
	mu    sync.Mutex
}

func (g *Gateway) Load(mws []Middleware) {
	for _, mw := range mws {
		g.chain = append(g.chain, func(r *Request) *Request {
			gil.Lock() // want `lock gil is acquired once per middleware of mws: each closure appended to g.chain takes it around its middleware, and the loop over g.chain runs them one after another \(N acquisitions for an N-middleware chain\); no fix offered: the lock would move out of the closures`
			r = mw(r)
			gil.Unlock()
			return r
		})
	}
}

func (g *Gateway) Serve(r *Request) *Request {
	for _, h := range g.chain {
		r = h(r)
	}
	return r
}

// A local chain, the deferred-release form, the lock in a field.
func (g *Gateway) Local(mws []Middleware, r *Request) *Request {
	var chain []Middleware
	for i := range mws {
		mw := mws[i]
		chain = append(chain, func(r *Request) *Request {
			g.mu.Lock() // want `lock g.mu is acquired once per middleware of mws: each closure appended to chain`
			defer g.mu.Unlock()
			return mw(r)
		})
	}
	for _, h := range chain {
		r = h(r)
	}
	return r
}

// Negatives.

// A lock per middleware: not the same lock.
func PerMiddleware(steps []*Step, r *Request) *Request {
	var chain []Middleware
	for _, st := range steps {
		chain = append(chain, func(r *Request) *Request {
			st.mu.Lock()
			defer st.mu.Unlock()
			return st.Fn(r)
		})
	}
	for _, h := range chain {
		r = h(r)
	}
	return r
}

// The middleware runs outside the closure's critical section.
func Bookkeeping(mws []Middleware, r *Request) *Request {
	var chain []Middleware
	n := 0
	for _, mw := range mws {
		chain = append(chain, func(r *Request) *Request {
			gil.Lock()
			n++
			gil.Unlock()
			return mw(r)
		})
	}
	for _, h := range chain {
		r = h(r)
	}
	return r
}

// Built but never run in a loop of the package.
func Unrun(mws []Middleware) []Middleware {
	var chain []Middleware
	for _, mw := range mws {
		chain = append(chain, func(r *Request) *Request {
			gil.Lock()
			defer gil.Unlock()
			return mw(r)
		})
	}
	return chain
}
