package a

import (
	"errors"
	"sync"
)

// Chains built at load time: each middleware wrapped in a closure that
// takes one lock (as an embedded interpreter's global lock), run later one
// after another. The fix appends the middlewares themselves and moves the
// lock into the loops that run the chain.

var gil sync.Mutex

// A field chain under a package-level lock, built and run by methods.
type Gateway struct {
	chain []Middleware
	mu    sync.Mutex
}

func (g *Gateway) Load(mws []Middleware) {
	for _, mw := range mws {
		g.chain = append(g.chain, func(r *Request) *Request {
			gil.Lock() // want `lock gil is acquired once per middleware of mws: each closure appended to g.chain takes it around its middleware, and the loop over g.chain runs them one after another \(N acquisitions for an N-middleware chain\); append the middlewares themselves and batch consecutive synchronous middlewares under one acquisition with chainruntime.Batched where g.chain runs`
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

// A local chain, the deferred-release form, the lock in a field of the
// receiver; the same function runs it.
func (g *Gateway) Local(mws []Middleware, r *Request) *Request {
	var chain []Middleware
	for i := range mws {
		mw := mws[i]
		chain = append(chain, func(r *Request) *Request {
			g.mu.Lock() // want `lock g.mu is acquired once per middleware of mws: each closure appended to chain .*with chainruntime.Batched where chain runs`
			defer g.mu.Unlock()
			return mw(r)
		})
	}
	for _, h := range chain {
		r = h(r)
	}
	return r
}

// A package-level chain under a package-level lock, run by two functions:
// both loops are rewritten by the one fix.
var ldChain []func(string)

func LdRegister(hooks []func(string)) {
	for _, h := range hooks {
		ldChain = append(ldChain, func(s string) {
			gil.Lock() // want `lock gil is acquired once per middleware of hooks: each closure appended to ldChain`
			h(s)
			gil.Unlock()
		})
	}
}

func LdNotify(event string) {
	for _, h := range ldChain {
		h(event)
	}
}

func LdNotifyAll(events []string) {
	for _, e := range events {
		for _, h := range ldChain {
			h(e)
		}
	}
}

// The chain and the lock are fields of one value, the constructor and the
// runner methods with receivers of different names; the middlewares return
// two results, and the runner returns early on an error and stops on a
// nil request.
type LdServer struct {
	mu     sync.Mutex
	stages []func(*Request) (*Request, error)
	count  int
}

func (s *LdServer) Build(stages []func(*Request) (*Request, error)) {
	for _, st := range stages {
		s.stages = append(s.stages, func(r *Request) (*Request, error) {
			s.mu.Lock() // want `lock s.mu is acquired once per middleware of stages: each closure appended to s.stages`
			out, err := st(r)
			s.mu.Unlock()
			return out, err
		})
	}
}

func (srv *LdServer) Handle(r *Request) (*Request, error) {
	if len(srv.stages) == 0 {
		return r, nil
	}
	for _, st := range srv.stages {
		next, err := st(r)
		if err != nil {
			return nil, errors.Join(err, errors.New("stage failed"))
		}
		if next == nil {
			break
		}
		r = next
		srv.count++
	}
	return r, nil
}

// Every server's chain, run in a loop over the servers: the lock depends
// on the outer loop's server, so the inner loop ranges over BatchedLocker rather
// than a hold before the outer loop.
func LdHandleAll(srvs []*LdServer, r *Request) {
	for _, srv := range srvs {
		for _, st := range srv.stages {
			if _, err := st(r); err != nil {
				break
			}
		}
	}
}

// A generic pipeline under a read lock: the runner ranges over the read
// side's Locker.
type LdPipeline[T any] struct {
	mu     sync.RWMutex
	stages []func(T) T
}

func (p *LdPipeline[T]) Add(fns ...func(T) T) {
	for _, fn := range fns {
		p.stages = append(p.stages, func(v T) T {
			p.mu.RLock() // want `read lock p.mu is acquired once per middleware of fns: each closure appended to p.stages .*with chainruntime.Batched where p.stages runs`
			defer p.mu.RUnlock()
			return fn(v)
		})
	}
}

func (q *LdPipeline[U]) Run(v U) U {
	for i := 0; i < len(q.stages); i++ {
		v = q.stages[i](v)
	}
	return v
}

// A generic function: the lock is a parameter, in scope where the same
// function runs the chain; the runner is an integer range over its length.
func LdCompose[T any](fns []func(T) T, mu *sync.Mutex, v T) T {
	chain := make([]func(T) T, 0, len(fns))
	for _, fn := range fns {
		chain = append(chain, func(x T) T {
			mu.Lock() // want `lock mu is acquired once per middleware of fns: each closure appended to chain .*with chainruntime.Batched where chain runs`
			defer mu.Unlock()
			return fn(x)
		})
	}
	for i := range len(chain) {
		v = chain[i](v)
	}
	return v
}

// Built through a local pointer, locked through a Locker field, run by a
// method in another file (builtrun.go), which gets the runtime's import.
type LdEngine struct {
	lk    sync.Locker
	steps []func(*Request)
}

func NewLdEngine(lk sync.Locker, steps []func(*Request)) *LdEngine {
	e := &LdEngine{lk: lk}
	for _, st := range steps {
		e.steps = append(e.steps, func(r *Request) {
			e.lk.Lock() // want `lock e.lk is acquired once per middleware of steps: each closure appended to e.steps .*with chainruntime.Batched where e.steps runs`
			st(r)
			e.lk.Unlock()
		})
	}
	return e
}
