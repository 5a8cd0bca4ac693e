package a

import "sync"

// Locked has its own Lock and Unlock around a mutex it keeps.
type Locked struct {
	mu    sync.Mutex
	holds int
}

func (l *Locked) Lock()   { l.mu.Lock(); l.holds++ }
func (l *Locked) Unlock() { l.mu.Unlock() }

// Loops the model finds by what they do, with a fix.

// Go 1.22 integer range over len(chain).
func (s *Server) IntRangeLen(req *Request) *Request {
	for i := range len(s.before) {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
		req = s.before[i](req)
		s.vmMu.Unlock()
	}
	return req
}

// The element bound in the body of an integer range.
func IntRangeBound(chain []Hook, mu *Locked, req *Request) *Request {
	for i := range len(chain) {
		h := chain[i]
		mu.Lock() // want `lock mu is acquired once per middleware of chain`
		req = h.Serve(req)
		mu.Unlock()
	}
	return req
}

// A chain held in an array: the runtime gets a slice of it.
func (s *Server) Array(req *Request) *Request {
	for _, m := range s.arr {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.arr`
		req = m(req)
		s.vmMu.Unlock()
	}
	return req
}

// A pointer to an array, indexed.
func ArrayPtr(chain *[3]Middleware, s *Server, req *Request) *Request {
	for i := 0; i < len(chain); i++ {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of chain`
		req = chain[i](req)
		s.vmMu.Unlock()
	}
	return req
}

type Plugin struct {
	OnReq  func(*Request) *Request
	OnResp func(*Request, *Response)
}

type Engine struct {
	Server
	plugins []Plugin
}

// The hook read into a local first.
func (e *Engine) Local(req *Request, resp *Response) {
	for i := range e.plugins {
		if h := e.plugins[i].OnResp; h != nil {
			e.vmMu.Lock() // want `lock e.vmMu is acquired once per middleware of e.plugins`
			h(req, resp)
			e.vmMu.Unlock()
		}
	}
}

// A copied element and a method value.
func (e *Engine) Copied(req *Request, hooks []Hook) *Request {
	for i := range e.plugins {
		p := e.plugins[i]
		e.vmMu.Lock() // want `lock e.vmMu is acquired once per middleware of e.plugins and hooks, phases of one call under one lock`
		req = p.OnReq(req)
		e.vmMu.Unlock()
	}
	for _, h := range hooks {
		serve := h.Serve
		e.vmMu.Lock()
		req = serve(req)
		e.vmMu.Unlock()
	}
	return req
}

// A per-iteration closure with a deferred release, in an integer range.
func IntRangeClosure(mu *Locked, chain []Middleware, req *Request) *Request {
	for i := range len(chain) {
		func() {
			mu.Lock() // want `lock mu is acquired once per middleware of chain`
			defer mu.Unlock()
			req = chain[i](req)
		}()
	}
	return req
}
