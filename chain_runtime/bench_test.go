package chainruntime_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

// benchReq is the request a benchmark chain passes along. Each goroutine has
// its own, padded to two cache lines so that goroutines do not share one.
type benchReq struct {
	n int
	_ [120]byte
}

// benchMW is a chain element: a middleware function and whether it blocks.
type benchMW struct {
	fn       func(*benchReq) *benchReq
	blocking bool
}

func syncMW(r *benchReq) *benchReq { r.n++; return r }

// blockingMW stands for a middleware that waits (I/O, another goroutine):
// runtime.Gosched really gives the processor away when another goroutine is
// runnable, which is what makes unlocking around it matter, and it needs no
// helper goroutine, so par=1 and par=P measure the same work.
func blockingMW(r *benchReq) *benchReq { runtime.Gosched(); r.n++; return r }

func isBlocking(m benchMW) bool { return m.blocking }

func benchChain(n int, mixed bool) []benchMW {
	chain := make([]benchMW, n)
	for i := range chain {
		chain[i] = benchMW{fn: syncMW}
		if mixed && i%4 == 3 { // every 4th blocking
			chain[i] = benchMW{fn: blockingMW, blocking: true}
		}
	}
	return chain
}

// The five ways to run a chain that the benchmark compares.

// perMiddleware is the defect chainlock reports: one acquisition per
// synchronous middleware.
func perMiddleware(mu *sync.Mutex, chain []benchMW, r *benchReq) *benchReq {
	for _, m := range chain {
		if m.blocking {
			r = m.fn(r)
			continue
		}
		mu.Lock()
		r = m.fn(r)
		mu.Unlock()
	}
	return r
}

// singleLockSync is the hand-written limit for an all-sync chain: the lock
// taken once around the whole loop.
func singleLockSync(mu *sync.Mutex, chain []benchMW, r *benchReq) *benchReq {
	mu.Lock()
	for _, m := range chain {
		r = m.fn(r)
	}
	mu.Unlock()
	return r
}

// singleLockMixed is the hand-written limit for a mixed chain: the lock held
// across runs of synchronous middlewares and released around blocking ones
// (holding it across a blocking middleware would be a different bug). Unlike
// the runtime it does not release the lock on panic.
func singleLockMixed(mu *sync.Mutex, chain []benchMW, r *benchReq) *benchReq {
	held := false
	for _, m := range chain {
		if m.blocking {
			if held {
				mu.Unlock()
				held = false
			}
			r = m.fn(r)
			continue
		}
		if !held {
			mu.Lock()
			held = true
		}
		r = m.fn(r)
	}
	if held {
		mu.Unlock()
	}
	return r
}

// lockerSync and lockerMixed are the self-releasing form, BatchedLocker,
// which chainlint's fix writes only where the function cannot defer a
// Hold's release.
func lockerSync(mu *sync.Mutex, chain []benchMW, r *benchReq) *benchReq {
	for _, m := range chainruntime.BatchedLocker(mu, chain, nil) {
		r = m.fn(r)
	}
	return r
}

func lockerMixed(mu *sync.Mutex, chain []benchMW, r *benchReq) *benchReq {
	for _, m := range chainruntime.BatchedLocker(mu, chain, isBlocking) {
		r = m.fn(r)
	}
	return r
}

// batchedSync and batchedMixed are what chainlint's fix writes: Batched
// over a Hold whose Unlock the function that runs the loop defers.
func batchedSync(mu *sync.Mutex, chain []benchMW, r *benchReq) *benchReq {
	h := chainruntime.NewHold(mu)
	defer h.Unlock()
	for _, m := range chainruntime.Batched(&h, chain, nil) {
		r = m.fn(r)
	}
	return r
}

func batchedMixed(mu *sync.Mutex, chain []benchMW, r *benchReq) *benchReq {
	h := chainruntime.NewHold(mu)
	defer h.Unlock()
	for _, m := range chainruntime.Batched(&h, chain, isBlocking) {
		r = m.fn(r)
	}
	return r
}

// noLock is the floor: no lock at all.
func noLock(_ *sync.Mutex, chain []benchMW, r *benchReq) *benchReq {
	for _, m := range chain {
		r = m.fn(r)
	}
	return r
}

type runner func(*sync.Mutex, []benchMW, *benchReq) *benchReq

// BenchmarkChain compares the five loops: go test -bench=Chain -count=6 | benchstat -col /impl -
func BenchmarkChain(b *testing.B) {
	impls := []struct {
		name        string
		sync, mixed runner
	}{
		{"perMiddleware", perMiddleware, perMiddleware},
		{"singleLock", singleLockSync, singleLockMixed},
		{"batched", batchedSync, batchedMixed},
		{"batchedLocker", lockerSync, lockerMixed},
		{"noLock", noLock, noLock},
	}
	for _, impl := range impls {
		for _, shape := range []string{"sync", "mixed"} {
			run := impl.sync
			if shape == "mixed" {
				run = impl.mixed
			}
			for _, n := range []int{1, 4, 16, 64} {
				chain := benchChain(n, shape == "mixed")
				for _, par := range []string{"1", "P"} {
					name := fmt.Sprintf("impl=%s/shape=%s/n=%d/par=%s", impl.name, shape, n, par)
					b.Run(name, func(b *testing.B) {
						benchRun(b, run, chain, par == "P")
					})
				}
			}
		}
	}
}

func benchRun(b *testing.B, run runner, chain []benchMW, parallel bool) {
	var mu sync.Mutex
	b.ReportAllocs()
	defer reportCPU(b)()
	if !parallel {
		r := new(benchReq)
		for range b.N {
			r = run(&mu, chain, r)
		}
		checkRuns(b, r, chain)
		return
	}
	b.RunParallel(func(pb *testing.PB) {
		r := new(benchReq)
		for pb.Next() {
			r = run(&mu, chain, r)
		}
		checkRuns(b, r, chain)
	})
}

// reportCPU adds a cpu-ns/op metric: the process's CPU time (all threads)
// per chain run. On a shared, loaded machine, wall time (sec/op) counts the
// time this benchmark waited for a CPU; CPU time does not, so it is the
// steadier figure there. With par=P it sums both goroutines' CPU, spinning
// on the mutex included. Call as defer reportCPU(b)().
func reportCPU(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		end, _ := processCPU()
		if ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// checkRuns verifies that every middleware ran on every iteration.
func checkRuns(b *testing.B, r *benchReq, chain []benchMW) {
	if r.n%len(chain) != 0 {
		b.Errorf("request passed %d middlewares, not a multiple of the chain's %d", r.n, len(chain))
	}
}

// BenchmarkRunner measures Chain.Run: 2 before-middlewares, a handler,
// 2 after-middlewares and 1 finalizer under one mutex, all synchronous.
func BenchmarkRunner(b *testing.B) {
	for _, par := range []string{"1", "P"} {
		b.Run("par="+par, func(b *testing.B) {
			var mu sync.Mutex
			c := benchRunnerChain(&mu)
			b.ReportAllocs()
			if par == "1" {
				r := new(benchReq)
				for range b.N {
					if _, err := c.Run(r); err != nil {
						b.Fatal(err)
					}
				}
				return
			}
			b.RunParallel(func(pb *testing.PB) {
				r := new(benchReq)
				for pb.Next() {
					if _, err := c.Run(r); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

type benchResp struct{ status int }

func benchRunnerChain(mu *sync.Mutex) *chainruntime.Chain[*benchReq, benchResp] {
	before := func(r *benchReq) (*benchReq, benchResp, bool, error) {
		r.n++
		return r, benchResp{}, false, nil
	}
	after := func(r *benchReq, resp benchResp) (benchResp, error) {
		resp.status += r.n & 1
		return resp, nil
	}
	return &chainruntime.Chain[*benchReq, benchResp]{
		Before:     []chainruntime.Before[*benchReq, benchResp]{{Name: "a", Func: before}, {Name: "b", Func: before}},
		Handler:    func(r *benchReq) (benchResp, error) { return benchResp{status: 200}, nil },
		After:      []chainruntime.After[*benchReq, benchResp]{{Name: "c", Func: after}, {Name: "d", Func: after}},
		Finalizers: []chainruntime.After[*benchReq, benchResp]{{Name: "e", Func: after}},
		Lock:       mu,
	}
}

// benchGIL is a callback-style lock helper, the shape of withGIL.
type benchGIL struct{ mu sync.Mutex }

func (g *benchGIL) with(f func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f()
}

// BenchmarkCallbackLock compares, for a callback-style lock on an all-sync
// chain, a call of with per middleware (the defect) with BatchedFunc. Both
// allocate: a closure handed to a function value escapes.
func BenchmarkCallbackLock(b *testing.B) {
	for _, n := range []int{4, 16} {
		chain := benchChain(n, false)
		b.Run(fmt.Sprintf("impl=perMiddleware/n=%d", n), func(b *testing.B) {
			g := new(benchGIL)
			r := new(benchReq)
			b.ReportAllocs()
			for range b.N {
				for _, m := range chain {
					g.with(func() { r = m.fn(r) })
				}
			}
			checkRuns(b, r, chain)
		})
		b.Run(fmt.Sprintf("impl=batched/n=%d", n), func(b *testing.B) {
			g := new(benchGIL)
			r := new(benchReq)
			b.ReportAllocs()
			for range b.N {
				for _, m := range chainruntime.BatchedFunc(g.with, chain, nil) {
					r = m.fn(r)
				}
			}
			checkRuns(b, r, chain)
		})
	}
}
