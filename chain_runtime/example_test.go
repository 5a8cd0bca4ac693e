package chainruntime_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

// loggingLocker prints its acquisitions, to show where the lock is held.
type loggingLocker struct{ mu sync.Mutex }

func (l *loggingLocker) Lock()   { l.mu.Lock(); fmt.Println("  lock") }
func (l *loggingLocker) Unlock() { fmt.Println("  unlock"); l.mu.Unlock() }

// A chain of four synchronous middlewares runs under one acquisition instead
// of four. This is the rewrite chainlint's chainlock fix makes.
func ExampleBatchedLocker() {
	var mu loggingLocker
	chain := []func(string) string{
		func(s string) string { return s + " auth" },
		func(s string) string { return s + " cors" },
		func(s string) string { return s + " params" },
		func(s string) string { return s + " limit" },
	}
	req := "req:"
	// Before:
	//	for _, m := range chain {
	//		mu.Lock()
	//		req = m(req)
	//		mu.Unlock()
	//	}
	for _, m := range chainruntime.BatchedLocker(&mu, chain, nil) {
		req = m(req)
	}
	fmt.Println(req)
	// Output:
	//   lock
	//   unlock
	// req: auth cors params limit
}

// A mixed chain: the lock is released around the blocking middleware (here
// one that waits on another goroutine), so one acquisition per run of
// synchronous middlewares.
func ExampleBatchedLocker_mixed() {
	type middleware struct {
		name  string
		async bool
	}
	var mu loggingLocker
	chain := []middleware{{"auth", false}, {"cors", false}, {"fetch", true}, {"headers", false}}
	for _, m := range chainruntime.BatchedLocker(&mu, chain, func(m middleware) bool { return m.async }) {
		if m.async {
			done := make(chan struct{})
			go func() { close(done) }()
			<-done
		}
		fmt.Println(m.name)
	}
	// Output:
	//   lock
	// auth
	// cors
	//   unlock
	// fetch
	//   lock
	// headers
	//   unlock
}

// Breaking out of the loop (or returning, or panicking) releases the lock.
func ExampleBatchedLocker_break() {
	var mu sync.Mutex
	for i := range chainruntime.BatchedLocker(&mu, []string{"a", "b", "c"}, nil) {
		if i == 1 {
			break
		}
	}
	fmt.Println("unlocked:", mu.TryLock())
	// Output: unlocked: true
}

// A read lock: pass the RWMutex's RLocker.
func ExampleBatchedLocker_rLocker() {
	var rw sync.RWMutex
	for _, name := range chainruntime.BatchedLocker(rw.RLocker(), []string{"a", "b"}, nil) {
		fmt.Println(name, "writer can enter:", rw.TryLock())
	}
	fmt.Println("after the loop, writer can enter:", rw.TryLock())
	// Output:
	// a writer can enter: false
	// b writer can enter: false
	// after the loop, writer can enter: true
}

// A cap of two middlewares per acquisition: a chain of five takes the lock
// three times, letting waiting goroutines in between.
func ExampleBatchedLockerMax() {
	var mu loggingLocker
	for _, name := range chainruntime.BatchedLockerMax(&mu, []string{"a", "b", "c", "d", "e"}, nil, 2) {
		fmt.Println(name)
	}
	// Output:
	//   lock
	// a
	// b
	//   unlock
	//   lock
	// c
	// d
	//   unlock
	//   lock
	// e
	//   unlock
}

// server has a callback-style lock helper, as bindings to embedded
// interpreters often do.
type server struct {
	gil sync.Mutex
}

func (s *server) withGIL(f func()) {
	fmt.Println("  enter GIL")
	s.gil.Lock()
	defer func() {
		s.gil.Unlock()
		fmt.Println("  leave GIL")
	}()
	f()
}

// The callback form: withGIL is called once per run of synchronous
// middlewares, not once per middleware.
func ExampleBatchedFunc() {
	s := new(server)
	chain := []string{"auth", "cors", "io:fetch", "headers"}
	isIO := func(m string) bool { return strings.HasPrefix(m, "io:") }
	// Before:
	//	for _, m := range chain {
	//		s.withGIL(func() { run(m) })
	//	}
	for _, m := range chainruntime.BatchedFunc(s.withGIL, chain, isIO) {
		fmt.Println(m)
	}
	// Output:
	//   enter GIL
	// auth
	// cors
	//   leave GIL
	// io:fetch
	//   enter GIL
	// headers
	//   leave GIL
}

func ExampleBatchedFuncMax() {
	s := new(server)
	for _, m := range chainruntime.BatchedFuncMax(s.withGIL, []string{"a", "b", "c"}, nil, 2) {
		fmt.Println(m)
	}
	// Output:
	//   enter GIL
	// a
	// b
	//   leave GIL
	//   enter GIL
	// c
	//   leave GIL
}

// A lock that exists only as two functions. Call Locker once and keep the
// result: it allocates when called, never when locking.
func ExampleLocker() {
	var depth int
	l := chainruntime.Locker(
		func() { depth++; fmt.Println("  acquire") },
		func() { depth--; fmt.Println("  release") },
	)
	for _, m := range chainruntime.BatchedLocker(l, []string{"a", "b"}, nil) {
		fmt.Println(m, "held:", depth == 1)
	}
	// Output:
	//   acquire
	// a held: true
	// b held: true
	//   release
}

type request struct {
	path string
	user string
}

type response struct {
	status  int
	headers []string
}

// A chain with a before-middleware that rewrites the request and an
// after-middleware and a finalizer that read it. Each step receives the
// latest request.
func ExampleChain() {
	var mu sync.Mutex
	c := &chainruntime.Chain[*request, *response]{
		Before: []chainruntime.Before[*request, *response]{{
			Name: "auth",
			Func: func(r *request) (*request, *response, bool, error) {
				r2 := *r
				r2.user = "ada"
				return &r2, nil, false, nil
			},
		}},
		Handler: func(r *request) (*response, error) {
			return &response{status: 200}, nil
		},
		After: []chainruntime.After[*request, *response]{{
			Name: "audit",
			Func: func(r *request, resp *response) (*response, error) {
				resp.headers = append(resp.headers, "X-User: "+r.user)
				return resp, nil
			},
		}},
		Finalizers: []chainruntime.After[*request, *response]{{
			Name: "security",
			Func: func(r *request, resp *response) (*response, error) {
				resp.headers = append(resp.headers, "X-Frame-Options: DENY")
				return resp, nil
			},
		}},
		Lock: &mu,
	}
	resp, err := c.Run(&request{path: "/"})
	fmt.Println(resp.status, resp.headers, err)
	// Output: 200 [X-User: ada X-Frame-Options: DENY] <nil>
}

// A before-middleware that answers the request itself: its response still
// gets the after-middlewares and the finalizers, the "CORS headers missing on
// 401" bug ruled out by construction.
func ExampleChain_Run() {
	c := &chainruntime.Chain[*request, *response]{
		Before: []chainruntime.Before[*request, *response]{{
			Name: "auth",
			Func: func(r *request) (*request, *response, bool, error) {
				if r.user == "" {
					return r, &response{status: 401}, true, nil
				}
				return r, nil, false, nil
			},
		}},
		Handler: func(r *request) (*response, error) { return &response{status: 200}, nil },
		After: []chainruntime.After[*request, *response]{{
			Name: "cors",
			Func: func(r *request, resp *response) (*response, error) {
				resp.headers = append(resp.headers, "Access-Control-Allow-Origin: *")
				return resp, nil
			},
		}},
	}
	resp, _ := c.Run(&request{path: "/private"})
	fmt.Println(resp.status, resp.headers)

	// Opting out explicitly skips the after-middlewares (never finalizers).
	c.SkipAfterOnShortCircuit = true
	resp, _ = c.Run(&request{path: "/private"})
	fmt.Println(resp.status, resp.headers)
	// Output:
	// 401 [Access-Control-Allow-Origin: *]
	// 401 []
}

// Every failing step, synchronous or blocking, returns a *StepError naming it.
func ExampleStepError() {
	errExpired := errors.New("token expired")
	c := &chainruntime.Chain[*request, *response]{
		Before: []chainruntime.Before[*request, *response]{
			{Name: "id", Func: func(r *request) (*request, *response, bool, error) { return r, nil, false, nil }},
			{Name: "auth", Blocking: true, Func: func(r *request) (*request, *response, bool, error) {
				return r, nil, false, errExpired
			}},
		},
		Handler: func(r *request) (*response, error) { return &response{status: 200}, nil },
	}
	_, err := c.Run(&request{})
	var se *chainruntime.StepError
	fmt.Println(err)
	fmt.Println(errors.As(err, &se), se.Phase, se.Index, errors.Is(err, errExpired))
	// Output:
	// chainruntime: before[1] "auth": token expired
	// true before 1 true
}
