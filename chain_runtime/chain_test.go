package chainruntime_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

// tReq is a test request: each before-middleware returns a new one, so a
// stale request is told apart from the latest by its id.
type tReq struct {
	id   string
	path string
}

type tResp struct {
	status int
	log    []string // what saw the response, with the request id it was given
}

type tChain = chainruntime.Chain[*tReq, *tResp]
type tBefore = chainruntime.Before[*tReq, *tResp]
type tAfter = chainruntime.After[*tReq, *tResp]

// rewrite returns a before-middleware that replaces the request with a new
// one whose id is id.
func rewrite(name, id string) tBefore {
	return tBefore{Name: name, Func: func(r *tReq) (*tReq, *tResp, bool, error) {
		return &tReq{id: id, path: r.path}, nil, false, nil
	}}
}

// deny returns a before-middleware that short-circuits with status.
func deny(name string, status int) tBefore {
	return tBefore{Name: name, Func: func(r *tReq) (*tReq, *tResp, bool, error) {
		return r, &tResp{status: status, log: []string{name + "(" + r.id + ")"}}, true, nil
	}}
}

// mark returns an after-middleware or finalizer that logs its name and the
// id of the request it received.
func mark(name string) tAfter {
	return tAfter{Name: name, Func: func(r *tReq, resp *tResp) (*tResp, error) {
		id := "<nil>"
		if r != nil {
			id = r.id
		}
		resp.log = append(resp.log, name+"("+id+")")
		return resp, nil
	}}
}

func handler(r *tReq) (*tResp, error) {
	return &tResp{status: 200, log: []string{"handler(" + r.id + ")"}}, nil
}

func TestRunLatestRequest(t *testing.T) {
	c := &tChain{
		Before:     []tBefore{rewrite("auth", "r1"), rewrite("params", "r2")},
		Handler:    handler,
		After:      []tAfter{mark("headers"), mark("log")},
		Finalizers: []tAfter{mark("security")},
	}
	resp, err := c.Run(&tReq{id: "r0"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(resp.log, " "), "handler(r2) headers(r2) log(r2) security(r2)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRunShortCircuit(t *testing.T) {
	handlerRan := false
	c := &tChain{
		Before: []tBefore{rewrite("id", "r1"), deny("auth", 401), rewrite("never", "r9")},
		Handler: func(r *tReq) (*tResp, error) {
			handlerRan = true
			return handler(r)
		},
		After:      []tAfter{mark("cors")},
		Finalizers: []tAfter{mark("security")},
	}
	resp, err := c.Run(&tReq{id: "r0"})
	if err != nil {
		t.Fatal(err)
	}
	if handlerRan {
		t.Error("handler ran after a short-circuit")
	}
	if got, want := strings.Join(resp.log, " "), "auth(r1) cors(r1) security(r1)"; resp.status != 401 || got != want {
		t.Errorf("got %d %q, want 401 %q", resp.status, got, want)
	}

	// The explicit opt-out skips the after-middlewares, never the finalizers.
	c.SkipAfterOnShortCircuit = true
	resp, err = c.Run(&tReq{id: "r0"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(resp.log, " "), "auth(r1) security(r1)"; got != want {
		t.Errorf("with SkipAfterOnShortCircuit: got %q, want %q", got, want)
	}
	// It does not affect a response from the handler.
	c.Before = c.Before[:1]
	resp, err = c.Run(&tReq{id: "r0"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(resp.log, " "), "handler(r1) cors(r1) security(r1)"; got != want {
		t.Errorf("with SkipAfterOnShortCircuit, no short-circuit: got %q, want %q", got, want)
	}
}

// TestRunErrors checks that a failing step gives the same error whether it
// is synchronous or blocking, names the step, unwraps, and ends the run.
func TestRunErrors(t *testing.T) {
	errBoom := errors.New("boom")
	failBefore := tBefore{Name: "auth", Func: func(r *tReq) (*tReq, *tResp, bool, error) { return r, nil, false, errBoom }}
	failAfter := tAfter{Name: "gzip", Func: func(*tReq, *tResp) (*tResp, error) { return nil, errBoom }}
	tests := []struct {
		name  string
		chain func(blocking bool) *tChain
		want  string
	}{
		{"before", func(blocking bool) *tChain {
			b := failBefore
			b.Blocking = blocking
			return &tChain{Before: []tBefore{rewrite("a", "r1"), b}, Handler: handler, Finalizers: []tAfter{mark("f")}}
		}, `chainruntime: before[1] "auth": boom`},
		{"handler", func(blocking bool) *tChain {
			return &tChain{HandlerName: "api", HandlerBlocking: blocking, Handler: func(*tReq) (*tResp, error) { return nil, errBoom }}
		}, `chainruntime: handler "api": boom`},
		{"after", func(blocking bool) *tChain {
			a := failAfter
			a.Blocking = blocking
			return &tChain{Handler: handler, After: []tAfter{mark("x"), mark("y"), a}, Finalizers: []tAfter{mark("f")}}
		}, `chainruntime: after[2] "gzip": boom`},
		{"finalizer unnamed", func(blocking bool) *tChain {
			a := failAfter
			a.Name = ""
			a.Blocking = blocking
			return &tChain{Handler: handler, Finalizers: []tAfter{a}}
		}, `chainruntime: finalizer[0]: boom`},
		{"no handler", func(bool) *tChain { return &tChain{} }, `chainruntime: handler: chain has no handler`},
	}
	for _, tt := range tests {
		for _, blocking := range []bool{false, true} {
			c := tt.chain(blocking)
			cl := &countingLocker{t: t}
			c.Lock = cl
			resp, err := c.Run(&tReq{id: "r0"})
			if resp != nil {
				t.Errorf("%s blocking=%v: a failed run returned a response", tt.name, blocking)
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("%s blocking=%v: error %v, want %s", tt.name, blocking, err, tt.want)
			}
			var se *chainruntime.StepError
			if !errors.As(err, &se) {
				t.Errorf("%s: error is not a *StepError", tt.name)
			}
			if tt.name != "no handler" && !errors.Is(err, errBoom) {
				t.Errorf("%s: error does not unwrap to the step's error", tt.name)
			}
			cl.assertReleased(t)
		}
	}
}

// TestRunLockDiscipline checks where the lock is held and how often it is
// taken across the phases of a run.
func TestRunLockDiscipline(t *testing.T) {
	cl := &countingLocker{t: t}
	var trace []string
	step := func(name string) {
		trace = append(trace, name+map[bool]string{true: "+", false: "-"}[cl.held])
	}
	before := func(name string, blocking bool) tBefore {
		return tBefore{Name: name, Blocking: blocking, Func: func(r *tReq) (*tReq, *tResp, bool, error) {
			step(name)
			return r, nil, false, nil
		}}
	}
	after := func(name string, blocking bool) tAfter {
		return tAfter{Name: name, Blocking: blocking, Func: func(r *tReq, resp *tResp) (*tResp, error) {
			step(name)
			return resp, nil
		}}
	}
	c := &tChain{
		Before:     []tBefore{before("b0", false), before("b1", false)},
		Handler:    func(r *tReq) (*tResp, error) { step("h"); return &tResp{}, nil },
		After:      []tAfter{after("a0", false)},
		Finalizers: []tAfter{after("f0", false)},
		Lock:       cl,
	}
	run := func() string {
		trace = trace[:0]
		if _, err := c.Run(&tReq{}); err != nil {
			t.Fatal(err)
		}
		cl.assertReleased(t)
		return strings.Join(trace, " ")
	}
	// All synchronous: one acquisition for the whole run, across phases.
	if got, want := run(), "b0+ b1+ h+ a0+ f0+"; got != want || cl.locks != 1 {
		t.Errorf("all sync: %q with %d acquisitions, want %q with 1", got, cl.locks, want)
	}
	// A blocking before-middleware and handler: released around each.
	c.Before[1].Blocking = true
	c.HandlerBlocking = true
	cl.locks, cl.unlocks = 0, 0
	if got, want := run(), "b0+ b1- h- a0+ f0+"; got != want || cl.locks != 2 {
		t.Errorf("mixed: %q with %d acquisitions, want %q with 2", got, cl.locks, want)
	}
	// Capped batches.
	c.Before[1].Blocking = false
	c.HandlerBlocking = false
	c.MaxBatch = 2
	cl.locks, cl.unlocks = 0, 0
	if got, want := run(), "b0+ b1+ h+ a0+ f0+"; got != want || cl.locks != 3 {
		t.Errorf("MaxBatch 2: %q with %d acquisitions, want %q with 3", got, cl.locks, want)
	}
}

func TestRunReleasesOnPanic(t *testing.T) {
	for _, phase := range []string{"before", "handler", "after", "finalizer"} {
		cl := &countingLocker{t: t}
		boom := func() { panic("boom in " + phase) }
		c := &tChain{
			Before: []tBefore{{Func: func(r *tReq) (*tReq, *tResp, bool, error) {
				if phase == "before" {
					boom()
				}
				return r, nil, false, nil
			}}},
			Handler: func(r *tReq) (*tResp, error) {
				if phase == "handler" {
					boom()
				}
				return &tResp{}, nil
			},
			After: []tAfter{{Func: func(r *tReq, resp *tResp) (*tResp, error) {
				if phase == "after" {
					boom()
				}
				return resp, nil
			}}},
			Finalizers: []tAfter{{Func: func(r *tReq, resp *tResp) (*tResp, error) {
				if phase == "finalizer" {
					boom()
				}
				return resp, nil
			}}},
			Lock: cl,
		}
		func() {
			defer func() {
				if r := recover(); r != "boom in "+phase {
					t.Errorf("%s: recovered %v", phase, r)
				}
			}()
			_, _ = c.Run(&tReq{})
		}()
		cl.assertReleased(t)
	}
}

func TestRunAllocs(t *testing.T) {
	var mu sync.Mutex
	c := benchRunnerChain(&mu)
	r := new(benchReq)
	if a := testing.AllocsPerRun(100, func() { _, _ = c.Run(r) }); a != 0 {
		t.Errorf("Run: %v allocations, want 0", a)
	}
	c.Before[1].Blocking = true
	c.MaxBatch = 1
	if a := testing.AllocsPerRun(100, func() { _, _ = c.Run(r) }); a != 0 {
		t.Errorf("Run, mixed and capped: %v allocations, want 0", a)
	}
}

// TestRunRace runs one Chain from many goroutines under one mutex; the
// synchronous steps write a counter guarded only by that mutex.
func TestRunRace(t *testing.T) {
	var mu sync.Mutex
	guarded := 0
	before := func(r *benchReq) (*benchReq, benchResp, bool, error) { guarded++; return r, benchResp{}, false, nil }
	blockingBefore := func(r *benchReq) (*benchReq, benchResp, bool, error) { r.n++; return r, benchResp{}, false, nil }
	after := func(r *benchReq, resp benchResp) (benchResp, error) { guarded++; return resp, nil }
	c := &chainruntime.Chain[*benchReq, benchResp]{
		Before: []chainruntime.Before[*benchReq, benchResp]{
			{Func: before}, {Func: blockingBefore, Blocking: true}, {Func: before},
		},
		Handler:    func(r *benchReq) (benchResp, error) { guarded++; return benchResp{status: 200}, nil },
		After:      []chainruntime.After[*benchReq, benchResp]{{Func: after}},
		Finalizers: []chainruntime.After[*benchReq, benchResp]{{Func: after}},
		Lock:       &mu,
		MaxBatch:   2,
	}
	const goroutines, runs = 8, 300
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := new(benchReq)
			for range runs {
				if _, err := c.Run(r); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if want := goroutines * runs * 5; guarded != want {
		t.Errorf("guarded counter %d, want %d", guarded, want)
	}
}
