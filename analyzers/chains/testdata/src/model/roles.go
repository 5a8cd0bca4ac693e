package model

import (
	"net/http"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

// Loops over the runtime's batching iterators are chain loops over the
// chain argument.
func (s *Server) BatchedLocker(req *Request) *Request { // want `fact runsChain\(before=true, after=false, req=0\)`
	for _, m := range chainruntime.BatchedLocker(&s.mu, s.before, nil) { // want `batched iterator loop over s.before: before \[func\+feeds\]`
		req = m(req)
	}
	for i := range chainruntime.BatchedFuncMax(s.withLock, s.hooks, nil, 4) { // want `batched iterator loop over s.hooks: before \[method\+leaves\]`
		if r := s.hooks[i].Serve(req); r == nil {
			return r
		}
	}
	return req
}

// Loops over a Hold (chainlock's fast form) are batched iterator loops
// over the chain argument too.
func (s *Server) Batched(req *Request) *Request { // want `fact runsChain\(before=true, after=false, req=0\)`
	hold := chainruntime.NewHold(&s.mu)
	defer hold.Unlock()
	for _, m := range chainruntime.Batched(&hold, s.before, nil) { // want `batched iterator loop over s.before: before \[func\+feeds\]`
		req = m(req)
	}
	for i := range chainruntime.BatchedMax(&hold, s.hooks, nil, 4) { // want `batched iterator loop over s.hooks: before \[method\+leaves\]`
		if r := s.hooks[i].Serve(req); r == nil {
			return r
		}
	}
	return req
}

// Hooks taking (w, r) and returning a "go on?" signal, run before the
// handler and leaving the loop on it, are before-hooks.
type HTTP struct {
	hooks  []func(w http.ResponseWriter, r *http.Request) bool
	checks []func(w http.ResponseWriter, r *http.Request) error
	posts  []func(w http.ResponseWriter, r *http.Request) bool
	finals []func(req *Request, resp *Response) error
	next   http.Handler
}

func (h *HTTP) ServeHTTP(w http.ResponseWriter, r *http.Request) { // want `fact runsChain\(before=true, after=true, req=1\)`
	for _, hook := range h.hooks { // want `range loop over h.hooks: before \[func\]`
		if !hook(w, r) {
			return
		}
	}
	for _, c := range h.checks { // want `range loop over h.checks: after \[func\]`
		if err := c(w, r); err != nil {
			return // after another chain loop: not a before-chain
		}
	}
	h.next.ServeHTTP(w, r)
	for _, p := range h.posts { // want `range loop over h.posts: after \[func\]`
		if !p(w, r) {
			break // after the handler: an after-chain
		}
	}
}

// Checks alone: an error from a hook answering on w is its "go on?" signal.
func (h *HTTP) Checks(w http.ResponseWriter, r *http.Request) { // want `fact runsChain\(before=true, after=false, req=1\)`
	for _, c := range h.checks { // want `range loop over h.checks: before \[func\]`
		if err := c(w, r); err != nil {
			return
		}
	}
}

// A hook that does not stop the loop, and an error from a middleware that
// takes a response value, say nothing about the role: after.
func (h *HTTP) Posts(w http.ResponseWriter, r *http.Request, req *Request, resp *Response) error { // want `fact runsChain\(before=false, after=true, req=1\)`
	for _, p := range h.posts { // want `range loop over h.posts: after \[func\]`
		p(w, r)
	}
	for _, f := range h.finals { // want `range loop over h.finals: after \[func\+leaves\]`
		if err := f(req, resp); err != nil {
			return err
		}
	}
	return nil
}

// Runners found through calls carry their own request parameter index:
// none, or the second parameter.
func (h *HTTP) NoRequest(w http.ResponseWriter) { // want `fact runsChain\(before=true, after=false, req=-1\)`
	h.Checks(w, nil)
}

func (h *HTTP) Second(w http.ResponseWriter, r *http.Request) { // want `fact runsChain\(before=true, after=false, req=1\)`
	h.NoRequest(w)
}
