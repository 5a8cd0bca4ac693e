package chainruntime_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

// countingLocker is a sync.Locker for one goroutine that counts acquisitions
// and fails the test on a double lock or an unlock of an unlocked lock.
type countingLocker struct {
	t        testing.TB
	held     bool
	locks    int
	unlocks  int
	maxBatch int // longest run of elements seen under one acquisition
	cur      int
}

func (c *countingLocker) Lock() {
	c.t.Helper()
	if c.held {
		c.t.Fatal("Lock of a held lock")
	}
	c.held = true
	c.locks++
	c.cur = 0
}

func (c *countingLocker) Unlock() {
	c.t.Helper()
	if !c.held {
		c.t.Fatal("Unlock of a lock that is not held")
	}
	c.held = false
	c.unlocks++
}

// step records that one element ran under the current acquisition.
func (c *countingLocker) step() {
	c.cur++
	if c.cur > c.maxBatch {
		c.maxBatch = c.cur
	}
}

// with is the callback-style form of c, the shape of withGIL.
func (c *countingLocker) with(f func()) {
	c.Lock()
	defer c.Unlock()
	f()
}

// assertReleased fails unless every acquisition of c was released.
func (c *countingLocker) assertReleased(t *testing.T) {
	t.Helper()
	if c.held || c.locks != c.unlocks {
		t.Errorf("lock still held after the loop: held=%v, %d Lock, %d Unlock", c.held, c.locks, c.unlocks)
	}
}

// elem is a chain element of the tests: its name and whether it blocks.
type elem struct {
	name     string
	blocking bool
}

func elemBlocking(e elem) bool { return e.blocking }

// parseChain turns "ssbs" into a chain: s synchronous, b blocking.
func parseChain(shape string) []elem {
	chain := make([]elem, len(shape))
	for i, c := range shape {
		chain[i] = elem{name: fmt.Sprintf("%c%d", c, i), blocking: c == 'b'}
	}
	return chain
}

// loopSeq is what the iterators under test return.
type loopSeq = func(func(int, elem) bool)

// The iterators under test, each over a countingLocker. seq also returns the
// release that the function running the loop must defer: the Hold's Unlock
// for Batched, nothing for the iterators that release on a panic
// themselves.
type iterCase struct {
	name string
	seq  func(c *countingLocker, chain []elem, blocking func(elem) bool, max int) (seq loopSeq, release func())
}

func noRelease() {}

var iterCases = []iterCase{
	{"BatchedLocker", func(c *countingLocker, chain []elem, blocking func(elem) bool, max int) (loopSeq, func()) {
		if max > 0 {
			return chainruntime.BatchedLockerMax(c, chain, blocking, max), noRelease
		}
		return chainruntime.BatchedLocker(c, chain, blocking), noRelease
	}},
	{"BatchedFunc", func(c *countingLocker, chain []elem, blocking func(elem) bool, max int) (loopSeq, func()) {
		if max > 0 {
			return chainruntime.BatchedFuncMax(c.with, chain, blocking, max), noRelease
		}
		return chainruntime.BatchedFunc(c.with, chain, blocking), noRelease
	}},
	{"Batched", func(c *countingLocker, chain []elem, blocking func(elem) bool, max int) (loopSeq, func()) {
		h := chainruntime.NewHold(c)
		if max > 0 {
			return chainruntime.BatchedMax(&h, chain, blocking, max), h.Unlock
		}
		return chainruntime.Batched(&h, chain, blocking), h.Unlock
	}},
}

func TestAcquisitionCounts(t *testing.T) {
	tests := []struct {
		shape    string
		nilPred  bool // pass blocking == nil (the shape must be all synchronous)
		max      int
		locks    int // expected acquisitions, counted by hand
		maxBatch int
	}{
		{shape: "", locks: 0},
		{shape: "", nilPred: true, locks: 0},
		{shape: "s", nilPred: true, locks: 1, maxBatch: 1},
		{shape: "ssss", nilPred: true, locks: 1, maxBatch: 4},
		{shape: "ssssssssssssssss", nilPred: true, locks: 1, maxBatch: 16},
		{shape: "ssss", locks: 1, maxBatch: 4},
		{shape: "b", locks: 0},
		{shape: "bbb", locks: 0},
		{shape: "sbs", locks: 2, maxBatch: 1},
		{shape: "sssbsssbsssbsssb", locks: 4, maxBatch: 3}, // every 4th blocking
		{shape: "bssbbssb", locks: 2, maxBatch: 2},
		{shape: "bsbsbsb", locks: 3, maxBatch: 1},
		// capped batches
		{shape: "ssssss", nilPred: true, max: 2, locks: 3, maxBatch: 2},
		{shape: "sssssss", nilPred: true, max: 3, locks: 3, maxBatch: 3},
		{shape: "ssss", nilPred: true, max: 4, locks: 1, maxBatch: 4},
		{shape: "ssss", nilPred: true, max: 10, locks: 1, maxBatch: 4},
		{shape: "sssbsss", max: 2, locks: 4, maxBatch: 2},
		{shape: "ssbssss", max: 1, locks: 6, maxBatch: 1},
	}
	for _, ic := range iterCases {
		for _, tt := range tests {
			name := fmt.Sprintf("%s/%q/nil=%v/max=%d", ic.name, tt.shape, tt.nilPred, tt.max)
			t.Run(name, func(t *testing.T) {
				c := &countingLocker{t: t}
				chain := parseChain(tt.shape)
				var pred func(elem) bool
				if !tt.nilPred {
					pred = elemBlocking
				}
				var visited []string
				seq, _ := ic.seq(c, chain, pred, tt.max) // the loop must release by itself
				for i, e := range seq {
					if e != chain[i] {
						t.Fatalf("index %d yields %v, want %v", i, e, chain[i])
					}
					if c.held == e.blocking {
						t.Errorf("element %s runs with lock held=%v", e.name, c.held)
					}
					if c.held {
						c.step()
					}
					visited = append(visited, e.name)
				}
				if got, want := strings.Join(visited, ","), names(chain); got != want {
					t.Errorf("visited %s, want %s", got, want)
				}
				if c.locks != tt.locks {
					t.Errorf("%d acquisitions, want %d", c.locks, tt.locks)
				}
				if c.maxBatch != tt.maxBatch {
					t.Errorf("longest batch %d, want %d", c.maxBatch, tt.maxBatch)
				}
				c.assertReleased(t)
			})
		}
	}
}

func names(chain []elem) string {
	var s []string
	for _, e := range chain {
		s = append(s, e.name)
	}
	return strings.Join(s, ",")
}

// loopExits leave a loop every way Go allows once the loop body has seen the
// element at index stopAt; each returns how many elements the body saw. Each
// defers release, as the function running a loop over a Hold must.
var loopExits = []struct {
	name string
	run  func(seq loopSeq, release func(), stopAt int) (seen int)
}{
	{"break", func(seq loopSeq, release func(), stopAt int) (seen int) {
		defer release()
		for i := range seq {
			seen++
			if i == stopAt {
				break
			}
		}
		return seen
	}},
	{"return", func(seq loopSeq, release func(), stopAt int) (seen int) {
		defer release()
		for i := range seq {
			seen++
			if i == stopAt {
				return seen
			}
		}
		return -1
	}},
	{"goto", func(seq loopSeq, release func(), stopAt int) (seen int) {
		defer release()
		for i := range seq {
			seen++
			if i == stopAt {
				goto out
			}
		}
		return -1
	out:
		return seen
	}},
	{"continue outer", func(seq loopSeq, release func(), stopAt int) (seen int) {
		defer release()
	outer:
		for range 1 {
			for i := range seq {
				seen++
				if i == stopAt {
					continue outer
				}
			}
			return -1
		}
		return seen
	}},
	{"break outer", func(seq loopSeq, release func(), stopAt int) (seen int) {
		defer release()
	outer:
		for round := 0; round < 2; round++ { // a second round would show the break did not leave
			for i := range seq {
				seen++
				if i == stopAt {
					break outer
				}
			}
		}
		return seen
	}},
	{"panic", func(seq loopSeq, release func(), stopAt int) (seen int) {
		defer release()
		defer func() {
			if r := recover(); r != "stop" {
				panic(r)
			}
		}()
		for i := range seq {
			seen++
			if i == stopAt {
				panic("stop")
			}
		}
		return -1
	}},
}

// TestReleasedOnExit leaves the loop every way Go allows, at a synchronous
// element (lock held) and at a blocking one (lock not held), and checks the
// lock is released and was acquired exactly as often as the elements seen
// require.
func TestReleasedOnExit(t *testing.T) {
	const shape = "ssbss"
	for _, ic := range iterCases {
		for _, exit := range loopExits {
			for _, stopAt := range []int{0, 1, 2, 3} { // held, held, not held (blocking), held again
				t.Run(fmt.Sprintf("%s/%s/at=%d", ic.name, exit.name, stopAt), func(t *testing.T) {
					c := &countingLocker{t: t}
					seq, release := ic.seq(c, parseChain(shape), elemBlocking, 0)
					if seen := exit.run(seq, release, stopAt); seen != stopAt+1 {
						t.Fatalf("loop body ran %d times, want %d", seen, stopAt+1)
					}
					c.assertReleased(t)
					wantLocks := 1
					if stopAt == 3 {
						wantLocks = 2
					}
					if c.locks != wantLocks {
						t.Errorf("%d acquisitions, want %d", c.locks, wantLocks)
					}
				})
			}
		}
	}
}

// TestReleasedOnPanicAllSync covers the fast path of BatchedLocker (nil blocking,
// no cap).
func TestReleasedOnPanicAllSync(t *testing.T) {
	var mu sync.Mutex
	func() {
		defer func() { _ = recover() }()
		for i := range chainruntime.BatchedLocker(&mu, parseChain("sss"), nil) {
			if i == 1 {
				panic("boom")
			}
		}
	}()
	if !mu.TryLock() {
		t.Fatal("mutex still locked after a panic in the loop body")
	}
	mu.Unlock()
}

func TestRLocker(t *testing.T) {
	var rw sync.RWMutex
	n := 0
	for _, e := range chainruntime.BatchedLocker(rw.RLocker(), parseChain("ssbs"), elemBlocking) {
		n++
		if e.blocking {
			if !rw.TryLock() {
				t.Errorf("%s: read lock held at a blocking element", e.name)
			} else {
				rw.Unlock()
			}
			continue
		}
		if rw.TryLock() {
			rw.Unlock()
			t.Errorf("%s: no read lock held at a synchronous element", e.name)
		}
		if !rw.TryRLock() {
			t.Errorf("%s: a second reader cannot enter", e.name)
		} else {
			rw.RUnlock()
		}
	}
	if n != 4 {
		t.Errorf("ran %d elements, want 4", n)
	}
	if !rw.TryLock() {
		t.Fatal("read lock still held after the loop")
	}
}

func TestBatchedFuncWithMustCall(t *testing.T) {
	lazy := func(func()) {} // never calls its function
	defer func() {
		r := recover()
		if s, _ := r.(string); !strings.Contains(s, "with returned without calling its function") {
			t.Errorf("recovered %v, want the BatchedFunc panic", r)
		}
	}()
	for range chainruntime.BatchedFunc(lazy, parseChain("ss"), nil) {
		t.Error("loop body ran although with never called its function")
	}
	t.Error("loop ended normally")
}

func TestLocker(t *testing.T) {
	var ops []string
	l := chainruntime.Locker(func() { ops = append(ops, "lock") }, func() { ops = append(ops, "unlock") })
	for range chainruntime.BatchedLocker(l, parseChain("sbs"), elemBlocking) {
		ops = append(ops, "m")
	}
	if got, want := strings.Join(ops, " "), "lock m unlock m lock m unlock"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAllocs(t *testing.T) {
	var (
		mu sync.Mutex
		rw sync.RWMutex
	)
	chain := benchChain(16, true)
	r := new(benchReq)
	cases := map[string]func(){
		"BatchedLocker nil": func() {
			for _, m := range chainruntime.BatchedLocker(&mu, chain, nil) {
				r = m.fn(r)
			}
		},
		"BatchedLocker mixed": func() {
			for _, m := range chainruntime.BatchedLocker(&mu, chain, isBlocking) {
				r = m.fn(r)
			}
		},
		"BatchedLockerMax": func() {
			for _, m := range chainruntime.BatchedLockerMax(&mu, chain, isBlocking, 2) {
				r = m.fn(r)
			}
		},
		"BatchedLocker RLocker": func() {
			for _, m := range chainruntime.BatchedLocker(rw.RLocker(), chain, isBlocking) {
				r = m.fn(r)
			}
		},
	}
	for name, f := range cases {
		if a := testing.AllocsPerRun(100, f); a != 0 {
			t.Errorf("%s: %v allocations per loop, want 0", name, a)
		}
	}
}

// concurrently runs f(g, i) for i in [0, rounds) on each of goroutines
// goroutines g, and waits for them.
func concurrently(goroutines, rounds int, f func(g, i int)) {
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				f(g, i)
			}
		}()
	}
	wg.Wait()
}

// TestRace runs one chain with one mutex from many goroutines. The
// synchronous middlewares update a plain counter guarded only by the mutex
// held by the iterator: the race detector (go test -race) reports any
// element that runs without it.
func TestRace(t *testing.T) {
	var (
		mu      sync.Mutex
		guarded int // written only under mu
	)
	chain := parseChain("sssbsssbsssbsssbss")
	syncPerLoop := strings.Count("sssbsssbsssbsssbss", "s")
	const goroutines, loops = 8, 300
	concurrently(goroutines, loops, func(g, l int) {
		var seq loopSeq
		if (g+l)%2 == 0 {
			seq = chainruntime.BatchedLocker(&mu, chain, elemBlocking)
		} else {
			seq = chainruntime.BatchedLockerMax(&mu, chain, elemBlocking, 2)
		}
		for _, e := range seq {
			if !e.blocking {
				guarded++
			}
		}
	})
	if want := goroutines * loops * syncPerLoop; guarded != want {
		t.Errorf("guarded counter %d, want %d", guarded, want)
	}
}

// TestBatchedFuncWithSwallowsPanic: a with that recovers the loop body's
// panic must not make the iterator carry on with the next elements; the
// runtime then reports the swallowed panic.
func TestBatchedFuncWithSwallowsPanic(t *testing.T) {
	c := &countingLocker{t: t}
	swallowing := func(f func()) {
		c.Lock()
		defer c.Unlock()
		defer func() { _ = recover() }()
		f()
	}
	var ran []string
	func() {
		defer func() {
			r := recover()
			if r == nil {
				t.Error("a loop body panic swallowed by with went unreported")
			}
		}()
		for _, e := range chainruntime.BatchedFunc(swallowing, parseChain("ssbs"), elemBlocking) {
			ran = append(ran, e.name)
			if e.name == "s0" {
				panic("boom")
			}
		}
	}()
	if got := strings.Join(ran, ","); got != "s0" {
		t.Errorf("ran %s after the panic, want only s0", got)
	}
	if c.locks != 1 {
		t.Errorf("with called %d times, want 1: the iterator went on after the swallowed panic", c.locks)
	}
	c.assertReleased(t)
}
