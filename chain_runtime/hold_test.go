package chainruntime_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

// runHeld runs chain through BatchedMax over h, checking that every
// synchronous element runs under the lock and every blocking one without it.
func runHeld(t *testing.T, c *countingLocker, h *chainruntime.Hold, shape string, max int) {
	t.Helper()
	chain := parseChain(shape)
	n := 0
	for i, e := range chainruntime.BatchedMax(h, chain, elemBlocking, max) {
		if e != chain[i] {
			t.Fatalf("index %d yields %v, want %v", i, e, chain[i])
		}
		if c.held == e.blocking || h.Held() != c.held {
			t.Errorf("%s: lock held=%v, hold held=%v", e.name, c.held, h.Held())
		}
		if c.held {
			c.step()
		}
		n++
	}
	if n != len(chain) {
		t.Errorf("%q: ran %d elements, want %d", shape, n, len(chain))
	}
}

// TestHoldPhases runs a before-chain, a handler and an after-chain over one
// Hold, the lock taken before the first loop (entry=true) or not, and counts
// the acquisitions: one per request when all is synchronous, one more after
// each blocking element. Each loop leaves the hold as it found it.
func TestHoldPhases(t *testing.T) {
	tests := []struct {
		entry         bool // h.Lock() before the before-chain
		before, after string
		max           int
		locks         int // counted by hand
		maxBatch      int
	}{
		{entry: true, before: "ss", after: "ss", locks: 1, maxBatch: 5}, // + the handler
		{entry: true, before: "", after: "", locks: 1, maxBatch: 1},
		{entry: true, before: "sb", after: "ss", locks: 2, maxBatch: 3}, // re-acquired at the end of before
		{entry: true, before: "bs", after: "sb", locks: 3, maxBatch: 3},
		{entry: true, before: "b", after: "b", locks: 3, maxBatch: 1},
		// the cap counts loop elements across loops, not the handler: s0 s1 | s2 s3 h s0' | s1'
		{entry: true, before: "ssss", after: "ss", max: 2, locks: 3, maxBatch: 3},
		// the before-chain releases at its end, the handler's h.Lock takes it again
		{entry: false, before: "ss", after: "ss", locks: 2, maxBatch: 3},
		{entry: false, before: "bb", after: "", locks: 1, maxBatch: 1},
		{entry: false, before: "sbs", after: "s", locks: 3, maxBatch: 2},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("entry=%v/%q+h+%q/max=%d", tt.entry, tt.before, tt.after, tt.max)
		t.Run(name, func(t *testing.T) {
			c := &countingLocker{t: t}
			h := chainruntime.NewHold(c)
			defer h.Unlock()
			if tt.entry {
				h.Lock()
			}
			runHeld(t, c, &h, tt.before, tt.max)
			if h.Held() != tt.entry || c.held != tt.entry {
				t.Errorf("after the before-chain: hold held=%v, lock held=%v, want %v", h.Held(), c.held, tt.entry)
			}
			h.Lock() // the handler runs under the lock
			c.step()
			runHeld(t, c, &h, tt.after, tt.max)
			if !h.Held() || !c.held {
				t.Errorf("after the after-chain: hold held=%v, lock held=%v, want true", h.Held(), c.held)
			}
			h.Unlock()
			c.assertReleased(t)
			if c.locks != tt.locks {
				t.Errorf("%d acquisitions, want %d", c.locks, tt.locks)
			}
			if c.maxBatch != tt.maxBatch {
				t.Errorf("longest batch %d, want %d", c.maxBatch, tt.maxBatch)
			}
		})
	}
}

// TestHoldExitsKeepEntryState leaves a loop over a held Hold every way but a
// panic, at a synchronous and at a blocking element: the hold holds the lock
// afterwards, and the deferred Unlock releases it.
func TestHoldExitsKeepEntryState(t *testing.T) {
	for _, exit := range loopExits {
		if exit.name == "panic" {
			continue // the loop does not end: the function's deferred Unlock releases (TestReleasedOnExit)
		}
		for _, stopAt := range []int{1, 2} { // held, blocking
			t.Run(fmt.Sprintf("%s/at=%d", exit.name, stopAt), func(t *testing.T) {
				c := &countingLocker{t: t}
				func() {
					h := chainruntime.NewHold(c)
					defer h.Unlock()
					h.Lock()
					seq := chainruntime.Batched(&h, parseChain("ssbss"), elemBlocking)
					if seen := exit.run(seq, noRelease, stopAt); seen != stopAt+1 {
						t.Fatalf("loop body ran %d times, want %d", seen, stopAt+1)
					}
					if !h.Held() || !c.held {
						t.Errorf("after the loop: hold held=%v, lock held=%v, want true", h.Held(), c.held)
					}
				}()
				c.assertReleased(t)
				wantLocks := 1
				if stopAt == 2 { // released for the blocking element, re-acquired at the exit
					wantLocks = 2
				}
				if c.locks != wantLocks {
					t.Errorf("%d acquisitions, want %d", c.locks, wantLocks)
				}
			})
		}
	}
}

func TestHoldLockUnlockIdempotent(t *testing.T) {
	c := &countingLocker{t: t}
	h := chainruntime.NewHold(c)
	if h.Held() {
		t.Fatal("a new Hold holds its lock")
	}
	h.Unlock() // nothing to release
	h.Lock()
	h.Lock()
	if !h.Held() || c.locks != 1 {
		t.Errorf("after Lock twice: held=%v, %d acquisitions, want true, 1", h.Held(), c.locks)
	}
	h.Unlock()
	h.Unlock()
	if h.Held() {
		t.Error("Hold still held after Unlock")
	}
	c.assertReleased(t)
}

// TestHoldReleasedOnPanic panics in a loop body and in the code between two
// loops that share the hold, with a sync.Mutex, and checks the mutex is free
// once the panic is recovered.
func TestHoldReleasedOnPanic(t *testing.T) {
	chain := parseChain("ssbs")
	for _, where := range []string{"before", "handler", "after", "blocking"} {
		t.Run(where, func(t *testing.T) {
			var mu sync.Mutex
			func() {
				defer func() {
					if r := recover(); r != where {
						t.Errorf("recovered %v, want %q", r, where)
					}
				}()
				h := chainruntime.NewHold(&mu)
				defer h.Unlock()
				h.Lock()
				for _, e := range chainruntime.Batched(&h, chain, elemBlocking) {
					if where == "before" && e.name == "s1" || where == "blocking" && e.blocking {
						panic(where)
					}
				}
				if where == "handler" {
					panic(where)
				}
				for _, e := range chainruntime.Batched(&h, chain, nil) {
					if where == "after" && e.name == "s3" {
						panic(where)
					}
				}
				t.Error("no panic")
			}()
			if !mu.TryLock() {
				t.Fatal("mutex still locked after the panic was recovered")
			}
			mu.Unlock()
		})
	}
}

func TestHoldAllocs(t *testing.T) {
	var mu sync.Mutex
	chain := benchChain(16, true)
	r := new(benchReq)
	cases := map[string]func(){
		"Batched nil": func() {
			h := chainruntime.NewHold(&mu)
			defer h.Unlock()
			for _, m := range chainruntime.Batched(&h, chain, nil) {
				r = m.fn(r)
			}
		},
		"Batched mixed": func() {
			h := chainruntime.NewHold(&mu)
			defer h.Unlock()
			for _, m := range chainruntime.Batched(&h, chain, isBlocking) {
				r = m.fn(r)
			}
		},
		"BatchedMax": func() {
			h := chainruntime.NewHold(&mu)
			defer h.Unlock()
			for _, m := range chainruntime.BatchedMax(&h, chain, isBlocking, 2) {
				r = m.fn(r)
			}
		},
		"phases": func() {
			h := chainruntime.NewHold(&mu)
			defer h.Unlock()
			h.Lock()
			for _, m := range chainruntime.Batched(&h, chain, isBlocking) {
				r = m.fn(r)
			}
			r = syncMW(r)
			for _, m := range chainruntime.Batched(&h, chain, nil) {
				r = m.fn(r)
			}
			h.Unlock()
		},
	}
	for name, f := range cases {
		if a := testing.AllocsPerRun(100, f); a != 0 {
			t.Errorf("%s: %v allocations per run, want 0", name, a)
		}
	}
}

// TestHoldRace runs requests from many goroutines, each with its own Hold on
// one shared mutex, through a before-chain, a handler and an after-chain
// sharing the hold. Synchronous elements and the handler update a counter
// guarded only by the mutex: the race detector (go test -race) reports any
// that runs without it.
func TestHoldRace(t *testing.T) {
	const shape = "ssbsssbs"
	var (
		mu      sync.Mutex
		guarded int
	)
	chain := parseChain(shape)
	request := func(max int) {
		h := chainruntime.NewHold(&mu)
		defer h.Unlock()
		h.Lock()
		for _, e := range chainruntime.BatchedMax(&h, chain, elemBlocking, max) {
			if !e.blocking {
				guarded++
			}
		}
		guarded++ // the handler
		for _, e := range chainruntime.Batched(&h, chain, elemBlocking) {
			if !e.blocking {
				guarded++
			}
		}
	}
	const goroutines, requests = 8, 300
	concurrently(goroutines, requests, func(g, i int) {
		request((g + i) % 3) // no cap, cap 1, cap 2
	})
	if want := goroutines * requests * (2*strings.Count(shape, "s") + 1); guarded != want {
		t.Errorf("guarded counter %d, want %d", guarded, want)
	}
}

// bodyFrame reports the function name of its caller's frame and whether that
// frame was inlined (a frame of an inlined call has no *runtime.Func).
func bodyFrame() (name string, inlined bool) {
	pcs := make([]uintptr, 1)
	runtime.Callers(2, pcs) // skip Callers and bodyFrame
	f, _ := runtime.CallersFrames(pcs).Next()
	return f.Function, f.Func == nil
}

// inlinedProbe is small enough for any inlining build to inline.
func inlinedProbe() bool {
	_, inlined := bodyFrame()
	return inlined
}

// TestBatchedInlined checks what the speed of Batched rests on: the
// compiler inlines the iterator and the loop body into the function that
// ranges over it, so the loop body's frame is an inlined one. Builds that do
// not inline (-gcflags=-l) skip it.
func TestBatchedInlined(t *testing.T) {
	if !inlinedProbe() {
		t.Skip("this build does not inline")
	}
	var mu sync.Mutex
	chain := benchChain(4, true)
	r := new(benchReq)
	check := func(form string, name string, inlined bool) {
		t.Helper()
		if !inlined {
			t.Errorf("%s: the loop body runs in its own frame (%s), not inlined into the ranging function", form, name)
		}
	}
	h := chainruntime.NewHold(&mu)
	defer h.Unlock()
	for _, m := range chainruntime.Batched(&h, chain, nil) {
		name, inlined := bodyFrame()
		check("Batched(&h, chain, nil)", name, inlined)
		r = m.fn(r)
	}
	for _, m := range chainruntime.Batched(&h, chain, isBlocking) {
		name, inlined := bodyFrame()
		check("Batched(&h, chain, isBlocking)", name, inlined)
		r = m.fn(r)
	}
}

// TestHoldServesOuterLoop is the form chainlock's fix writes for a chain
// loop inside another loop: one Hold, declared and its Unlock deferred
// before the outer loop, serves every run of the inner one. Each run
// leaves the lock released (so the code of the outer loop runs unlocked,
// as before the fix), however it ends, and a panic in a later round is
// released by the one deferred Unlock.
func TestHoldServesOuterLoop(t *testing.T) {
	chain := parseChain("ssbs")
	c := &countingLocker{t: t}
	rounds := 0
	func() {
		defer func() {
			if r := recover(); r != "stop" {
				t.Errorf("recovered %v, want the loop body's panic", r)
			}
		}()
		h := chainruntime.NewHold(c)
		defer h.Unlock()
	outer:
		for round := range 4 {
			rounds++
			for i, e := range chainruntime.Batched(&h, chain, elemBlocking) {
				if c.held == e.blocking {
					t.Errorf("round %d, %s: lock held=%v", round, e.name, c.held)
				}
				if round == 1 && i == 1 {
					break
				}
				if round == 2 && i == 0 {
					continue outer
				}
				if round == 3 && i == 3 {
					panic("stop")
				}
			}
			if h.Held() || c.held {
				t.Errorf("after round %d: hold held=%v, lock held=%v, want both false", round, h.Held(), c.held)
			}
		}
	}()
	c.assertReleased(t)
	// round 0: s s | b | s = 2; round 1: s s, break = 1; round 2: s, continue = 1; round 3: s s | b | s, panic = 2.
	if rounds != 4 || c.locks != 6 {
		t.Errorf("%d rounds, %d acquisitions; want 4, 6", rounds, c.locks)
	}
}
