package a

import (
	"sync"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

// Chains run through the runtime's batching iterator (as chainlock's fix
// leaves them): the loop body is a yield function to SSA.
type BatchedServer struct {
	mu      sync.Mutex
	before  []Before
	after   []After
	handler func(*Request) *Response
}

func (s *BatchedServer) ServeStale(req *Request) *Response {
	r := req
	for _, m := range chainruntime.BatchedLocker(&s.mu, s.before, nil) {
		var resp *Response
		if r, resp = m(r); resp != nil {
			return resp
		}
	}
	resp := s.handler(r)
	for _, m := range s.after {
		resp = m(req, resp) // want `the after-chain s\.after gets the stale request req, from before the before-chain s\.before; pass r, the request as the before-chain s\.before left it and the one s\.handler got`
	}
	return resp
}

func (s *BatchedServer) ServeLatest(req *Request) *Response {
	r := req
	for _, m := range chainruntime.BatchedLocker(&s.mu, s.before, nil) {
		var resp *Response
		if r, resp = m(r); resp != nil {
			return resp
		}
	}
	resp := s.handler(r)
	for _, m := range chainruntime.BatchedLocker(&s.mu, s.after, nil) {
		resp = m(r, resp)
	}
	return resp
}

func (s *BatchedServer) ServeNil(req *Request) *Response {
	resp := s.handler(req)
	for _, m := range chainruntime.BatchedLocker(&s.mu, s.after, nil) {
		resp = m(nil, resp) // want `the after-chain s\.after gets nil instead of the request; pass req, the request ServeNil received and the one s\.handler got`
	}
	return resp
}

// ServeOrig keeps the request from before the before-chain, which assigns
// the parameter itself (as examples/gateway does).
func (s *BatchedServer) ServeOrig(req *Request) *Response {
	orig := req
	for _, m := range chainruntime.BatchedLocker(&s.mu, s.before, nil) {
		next, resp := m(req)
		if resp != nil {
			return resp
		}
		req = next
	}
	resp := s.handler(req)
	for _, m := range s.after {
		resp = m(orig, resp) // want `the after-chain s\.after gets the stale request orig, from before the before-chain s\.before; pass req, the request as the before-chain s\.before left it and the one s\.handler got`
	}
	return resp
}

// Over a Hold (chainlock's fast form), the yield function is followed the
// same way.
func (s *BatchedServer) ServeHoldStale(req *Request) *Response {
	hold := chainruntime.NewHold(&s.mu)
	defer hold.Unlock()
	r := req
	for _, m := range chainruntime.Batched(&hold, s.before, nil) {
		var resp *Response
		if r, resp = m(r); resp != nil {
			return resp
		}
	}
	resp := s.handler(r)
	for _, m := range s.after {
		resp = m(req, resp) // want `the after-chain s\.after gets the stale request req, from before the before-chain s\.before; pass r, the request as the before-chain s\.before left it and the one s\.handler got`
	}
	return resp
}

func (s *BatchedServer) ServeHoldLatest(req *Request) *Response {
	hold := chainruntime.NewHold(&s.mu)
	defer hold.Unlock()
	hold.Lock()
	r := req
	for _, m := range chainruntime.Batched(&hold, s.before, nil) {
		var resp *Response
		if r, resp = m(r); resp != nil {
			return resp
		}
	}
	resp := s.handler(r)
	for _, m := range chainruntime.Batched(&hold, s.after, nil) {
		resp = m(r, resp)
	}
	hold.Unlock()
	return resp
}

// ServeHoldBreak is the shape chainlock's and skipafter's fixes leave when
// applied one after the other: the short-circuit leaves the loop by break,
// the handler runs only without a response, and the after-chain still gets
// the request from before the before-chain. After the loop, req holds the
// latest request on both ways out (the break leaves the one the
// short-circuiting middleware received).
func (s *BatchedServer) ServeHoldBreak(req *Request) *Response {
	orig := req
	var resp *Response
	hold := chainruntime.NewHold(&s.mu)
	defer hold.Unlock()
	for _, m := range chainruntime.Batched(&hold, s.before, nil) {
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
	for _, m := range s.after {
		resp = m(orig, resp) // want `the after-chain s\.after gets the stale request orig, from before the before-chain s\.before; pass req, the request as the before-chain s\.before left it`
	}
	return resp
}

// ServeHoldBreakReassigned assigns req after the loop: req no longer holds
// what the loop left, so no fix names it.
func (s *BatchedServer) ServeHoldBreakReassigned(req *Request) *Response {
	orig := req
	var resp *Response
	hold := chainruntime.NewHold(&s.mu)
	defer hold.Unlock()
	for _, m := range chainruntime.Batched(&hold, s.before, nil) {
		var next *Request
		next, resp = m(req)
		if resp != nil {
			break
		}
		req = next
	}
	if resp == nil {
		resp = s.handler(req)
		req = nil
	}
	for _, m := range s.after {
		resp = m(orig, resp) // want `the after-chain s\.after gets the stale request orig, from before the before-chain s\.before; pass the request as the before-chain s\.before left it; no fix: no variable in scope is known to hold the request as the before-chain s\.before left it`
	}
	return resp
}
