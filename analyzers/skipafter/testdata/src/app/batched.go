package app

import (
	"sync"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"

	"runner"
)

// BatchedLocker runs its before-chain through the runtime's batching iterator
// (as chainlock's fix leaves it): the return inside the range-over-func
// body skips the after-chain all the same.
type BatchedLocker struct {
	mu      sync.Mutex
	chain   *runner.Chain
	handler func(*runner.Request) *runner.Response
	handle2 func(*runner.Request) (*runner.Response, error)
}

func (b *BatchedLocker) Serve(req *runner.Request) *runner.Response {
	for _, m := range chainruntime.BatchedLocker(&b.mu, b.chain.Before, nil) {
		if r := m(req); r != nil {
			return r // want `short-circuit response from b.chain.Before is returned here without running the after-chain b.chain.RunAfter and runner.ApplyGlobalHeaders\(resp\)`
		}
	}
	resp := b.handler(req)
	resp = b.chain.RunAfter(req, resp)
	runner.ApplyGlobalHeaders(resp)
	return resp
}

// fail is an error funnel: it runs the after-chain itself.
func (b *BatchedLocker) fail(req *runner.Request, err error) *runner.Response {
	return b.chain.RunAfter(req, &runner.Response{})
}

// ServeFunnel: the funnel's return does not hide the common path (every
// return of a function whose range-over-func body returns goes through its
// result variables).
func (b *BatchedLocker) ServeFunnel(req *runner.Request) *runner.Response {
	for _, m := range chainruntime.BatchedLocker(&b.mu, b.chain.Before, nil) {
		if r := m(req); r != nil {
			return r // want `short-circuit response from b.chain.Before is returned here without running the after-chain b.chain.RunAfter and runner.ApplyGlobalHeaders\(resp\)`
		}
	}
	resp, err := b.handle2(req)
	if err != nil {
		return b.fail(req, err)
	}
	resp = b.chain.RunAfter(req, resp)
	runner.ApplyGlobalHeaders(resp)
	return resp
}

// ServeHold runs its before-chain over a Hold (chainlock's fast form): the
// return inside the loop body skips the after-chain all the same.
func (b *BatchedLocker) ServeHold(req *runner.Request) *runner.Response {
	hold := chainruntime.NewHold(&b.mu)
	defer hold.Unlock()
	for _, m := range chainruntime.Batched(&hold, b.chain.Before, nil) {
		if r := m(req); r != nil {
			return r // want `short-circuit response from b.chain.Before is returned here without running the after-chain b.chain.RunAfter and runner.ApplyGlobalHeaders\(resp\)`
		}
	}
	resp := b.handler(req)
	resp = b.chain.RunAfter(req, resp)
	runner.ApplyGlobalHeaders(resp)
	return resp
}

// ServeHoldShared shares one acquisition between the before-chain and the
// handler (chainlock's cross-phase form); the short-circuit still skips
// the after-chain.
func (b *BatchedLocker) ServeHoldShared(req *runner.Request) *runner.Response {
	hold := chainruntime.NewHold(&b.mu)
	defer hold.Unlock()
	hold.Lock()
	for _, m := range chainruntime.BatchedMax(&hold, b.chain.Before, nil, 8) {
		if r := m(req); r != nil {
			return r // want `short-circuit response from b.chain.Before is returned here without running the after-chain b.chain.RunAfter and runner.ApplyGlobalHeaders\(resp\)`
		}
	}
	resp := b.handler(req)
	resp = b.chain.RunAfter(req, resp)
	hold.Unlock()
	runner.ApplyGlobalHeaders(resp)
	return resp
}
