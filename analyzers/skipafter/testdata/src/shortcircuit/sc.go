package shortcircuit

import (
	"errors"
	"net/http"
	"sync"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

type Request struct{}

type Response struct{ Header http.Header }

type Server struct {
	before  []func(*Request) (*Response, error)
	after   []func(*Request, *Response) *Response
	handler func(*Request) *Response
	hooks   []func(w http.ResponseWriter, r *http.Request) bool
	beforeH []func(w http.ResponseWriter, r *http.Request) bool
	next    http.Handler
	mu      sync.Mutex
}

func apply(resp *Response) {}

func (s *Server) runBefore(req *Request) (*Response, error) {
	for _, m := range s.before {
		if r, err := m(req); r != nil || err != nil {
			return r, err
		}
	}
	return nil, nil
}

func (s *Server) Response(req *Request) *Response {
	r, _ := s.runBefore(req)
	if r != nil {
		return r // want `response from s.runBefore is returned here: skips \[the after-chain s.after\(after\);apply\(resp\);resp.Header.Set\(...\)\] of \[the after-chain s.after\(after\);apply\(resp\);resp.Header.Set\(...\)\]`
	}
	resp := s.handler(req)
	for _, a := range s.after {
		resp = a(req, resp)
	}
	apply(resp)
	resp.Header.Set("Strict-Transport-Security", "max-age=63072000")
	return resp
}

var errNo = errors.New("no")

func (s *Server) Error(req *Request) (*Response, error) {
	r, err := s.runBefore(req)
	if err != nil {
		return nil, err // want `error from s.runBefore is returned here: skips \[apply\(resp\)\] of \[apply\(resp\)\]`
	}
	if r == nil {
		r = s.handler(req)
	}
	resp := r
	apply(resp)
	return resp, nil
}

func (s *Server) Deferred(req *Request) (resp *Response) {
	if r, _ := s.runBefore(req); r != nil {
		return r // want `response from s.runBefore is returned here: skips \[the deferred apply\(resp\)\] of \[the deferred apply\(resp\)\]`
	}
	defer apply(resp)
	return s.handler(req)
}

func (s *Server) Equivalent(req *Request) *Response {
	if r, _ := s.runBefore(req); r != nil {
		apply(r)
		return r // want `response from s.runBefore is returned here: skips \[the after-chain s.after\(after\)\] of \[the after-chain s.after\(after\);apply\(resp\)\]`
	}
	resp := s.handler(req)
	for _, a := range s.after {
		resp = a(req, resp)
	}
	apply(resp)
	return resp
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, h := range s.beforeH {
		if !h(w, r) {
			return // want `written from s.beforeH is returned here: skips \[w.Header\(\).Set\("Vary", "Origin"\)\] of \[w.Header\(\).Set\("Vary", "Origin"\)\]`
		}
	}
	w.Header().Set("Vary", "Origin")
	s.next.ServeHTTP(w, r)
}

// Hooks taking (w, r) and returning a "go on?" signal that the loop stops
// on, run before the handler, are before-hooks whatever the chain's name.
func (s *Server) Hooks(w http.ResponseWriter, r *http.Request) {
	for _, h := range s.hooks {
		if !h(w, r) {
			return // want `written from s.hooks is returned here: skips \[w.Header\(\).Set\("Vary", "Origin"\)\] of \[w.Header\(\).Set\("Vary", "Origin"\)\]`
		}
	}
	w.Header().Set("Vary", "Origin")
	s.next.ServeHTTP(w, r)
}

// Not short-circuits: the response goes through the common path.
func (s *Server) Routed(req *Request) *Response {
	resp, _ := s.runBefore(req)
	if resp == nil {
		resp = s.handler(req)
	}
	for _, a := range s.after {
		resp = a(req, resp)
	}
	apply(resp)
	return resp
}

// A before-chain and an after-chain run through the runtime's batching
// iterator: the return inside the range-over-func body (compiled into the
// yield function) hands back the short-circuit response.
func (s *Server) BatchedLocker(req *Request) (*Response, error) {
	for _, m := range chainruntime.BatchedLocker(&s.mu, s.before, nil) {
		r, err := m(req)
		if err != nil {
			return nil, err // want `error from s.before is returned here: skips \[the after-chain s.after\(after\);apply\(resp\)\] of \[the after-chain s.after\(after\);apply\(resp\)\]`
		}
		if r != nil {
			return r, nil // want `response from s.before is returned here: skips \[the after-chain s.after\(after\);apply\(resp\)\] of \[the after-chain s.after\(after\);apply\(resp\)\]`
		}
	}
	resp := s.handler(req)
	for _, a := range chainruntime.BatchedLocker(&s.mu, s.after, nil) {
		resp = a(req, resp)
	}
	apply(resp)
	return resp, nil
}

// The short-circuit response leaves the range-over-func loop by break and
// goes through the common path: nothing to report.
func (s *Server) BatchedRouted(req *Request) *Response {
	var resp *Response
	for _, m := range chainruntime.BatchedLocker(&s.mu, s.before, nil) {
		if r, _ := m(req); r != nil {
			resp = r
			break
		}
	}
	if resp == nil {
		resp = s.handler(req)
	}
	for _, a := range chainruntime.BatchedLocker(&s.mu, s.after, nil) {
		resp = a(req, resp)
	}
	apply(resp)
	return resp
}

// net/http hooks through the runtime's iterator.
func (s *Server) BatchedHooks(w http.ResponseWriter, r *http.Request) {
	for _, h := range chainruntime.BatchedFunc(func(f func()) { s.mu.Lock(); defer s.mu.Unlock(); f() }, s.hooks, nil) {
		if !h(w, r) {
			return // want `written from s.hooks is returned here: skips \[w.Header\(\).Set\("Vary", "Origin"\)\] of \[w.Header\(\).Set\("Vary", "Origin"\)\]`
		}
	}
	w.Header().Set("Vary", "Origin")
	s.next.ServeHTTP(w, r)
}
