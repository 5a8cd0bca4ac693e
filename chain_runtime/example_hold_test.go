package chainruntime_test

import (
	"fmt"
	"strings"
	"sync"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

// The fast form of ExampleBatchedLocker: the function that runs the loop holds the
// lock through a Hold and defers its Unlock, which releases the lock if a
// middleware panics. The compiler inlines the iterator and the loop body, so
// the loop costs what a hand-written loop under one Lock/Unlock costs.
func ExampleBatched() {
	var mu loggingLocker
	chain := []func(string) string{
		func(s string) string { return s + " auth" },
		func(s string) string { return s + " cors" },
		func(s string) string { return strings.ToUpper(s) },
	}
	run := func(req string) string {
		h := chainruntime.NewHold(&mu)
		defer h.Unlock()
		for _, m := range chainruntime.Batched(&h, chain, nil) {
			req = m(req)
		}
		return req
	}
	fmt.Println(run("req:"))
	// Output:
	//   lock
	//   unlock
	// REQ: AUTH CORS
}

// One acquisition per request across phases: the before-chain, the handler
// and the after-chain share the hold taken before the first loop; the lock is
// released only around the blocking middleware, and once at the end.
func ExampleHold() {
	type middleware struct {
		name  string
		async bool
	}
	var mu loggingLocker
	before := []middleware{{"auth", false}, {"fetch-session", true}, {"params", false}}
	after := []middleware{{"cors", false}, {"security-headers", false}}
	isAsync := func(m middleware) bool { return m.async }

	h := chainruntime.NewHold(&mu)
	defer h.Unlock()
	h.Lock()
	for _, m := range chainruntime.Batched(&h, before, isAsync) {
		fmt.Println(m.name)
	}
	fmt.Println("handler")
	for _, m := range chainruntime.Batched(&h, after, isAsync) {
		fmt.Println(m.name)
	}
	h.Unlock()
	fmt.Println("held after Unlock:", h.Held())
	// Output:
	//   lock
	// auth
	//   unlock
	// fetch-session
	//   lock
	// params
	// handler
	// cors
	// security-headers
	//   unlock
	// held after Unlock: false
}

// BatchedMax caps a batch as BatchedLockerMax does; over a shared hold the count
// runs on from one loop to the next.
func ExampleBatchedMax() {
	var mu loggingLocker
	h := chainruntime.NewHold(&mu)
	defer h.Unlock()
	for _, name := range chainruntime.BatchedMax(&h, []string{"a", "b", "c"}, nil, 2) {
		fmt.Println(name)
	}
	// Output:
	//   lock
	// a
	// b
	//   unlock
	//   lock
	// c
	//   unlock
}

// NewHold takes any sync.Locker; a read lock is the RWMutex's RLocker.
func ExampleNewHold() {
	var rw sync.RWMutex
	h := chainruntime.NewHold(rw.RLocker())
	defer h.Unlock()
	for _, name := range chainruntime.Batched(&h, []string{"a", "b"}, nil) {
		fmt.Println(name, "writer can enter:", rw.TryLock())
	}
	fmt.Println("after the loop, writer can enter:", rw.TryLock())
	// Output:
	// a writer can enter: false
	// b writer can enter: false
	// after the loop, writer can enter: true
}
