package chainruntime

import (
	"errors"
	"strconv"
	"sync"
)

// A Chain runs a request through before-middlewares, a handler,
// after-middlewares and finalizers. Build it once and call [Chain.Run] from
// any number of goroutines: Run does not modify the Chain.
//
// The contract of Run:
//
//   - Each before-middleware receives the request the previous one returned
//     (the first receives Run's argument). The handler, every
//     after-middleware and every finalizer receive the latest request: the
//     one the last before-middleware that ran returned.
//   - A before-middleware that answers the request itself (an auth failure, a
//     CORS preflight, a cache hit) returns done = true with its response. The
//     remaining before-middlewares and the handler are skipped, but that
//     response still passes through the after-middlewares, unless
//     SkipAfterOnShortCircuit is set, and always through the finalizers.
//   - Finalizers run on every response Run returns.
//   - A step that returns an error ends the run: Run returns the zero Resp
//     and a [*StepError] naming the step. Synchronous and blocking steps fail
//     the same way, with the same message. A step that must answer an error
//     with a response (a 500 page that still needs the finalizers' headers)
//     returns that response instead of an error.
//   - Lock, if not nil, is held across every run of consecutive synchronous
//     steps, across phase boundaries, and released before each step marked
//     Blocking, as by [BatchedLocker]; it is released when Run returns or panics.
//   - Run allocates nothing itself, except the *StepError on failure.
type Chain[Req, Resp any] struct {
	Before  []Before[Req, Resp]
	Handler func(req Req) (Resp, error)
	// HandlerName names the handler in errors; "handler" if empty.
	HandlerName string
	// HandlerBlocking makes the handler run with Lock released.
	HandlerBlocking bool
	After           []After[Req, Resp]
	Finalizers      []After[Req, Resp]

	// Lock guards the synchronous steps; nil means no lock. For a read lock
	// use mu.RLocker(); for a lock available as two functions, [Locker].
	Lock sync.Locker
	// MaxBatch caps how many consecutive synchronous steps run under one
	// acquisition of Lock, as in [BatchedLockerMax]; <= 0 means no cap.
	MaxBatch int
	// SkipAfterOnShortCircuit opts out of running the after-middlewares on a
	// response a before-middleware short-circuited with. Finalizers still run.
	SkipAfterOnShortCircuit bool
}

// Before is a before-middleware.
type Before[Req, Resp any] struct {
	// Name names the middleware in errors; "before[i]" alone if empty.
	Name string
	// Blocking makes the middleware run with the chain's Lock released.
	Blocking bool
	// Func returns the request to pass on: req itself or a rewritten one. To
	// answer the request itself it returns done = true and the response; the
	// request it returns then is the one the after-middlewares and
	// finalizers receive, so return req, not a zero value.
	Func func(req Req) (next Req, resp Resp, done bool, err error)
}

// After is an after-middleware or a finalizer: it receives the latest request
// and the response, and returns the response to pass on.
type After[Req, Resp any] struct {
	// Name names the middleware in errors; "after[i]" or "finalizer[i]" alone
	// if empty.
	Name string
	// Blocking makes the middleware run with the chain's Lock released.
	Blocking bool
	Func     func(req Req, resp Resp) (Resp, error)
}

// Phase is the part of a chain a step belongs to.
type Phase uint8

// The phases of a chain run, in order.
const (
	PhaseBefore Phase = iota
	PhaseHandler
	PhaseAfter
	PhaseFinalizer
)

func (p Phase) String() string {
	switch p {
	case PhaseBefore:
		return "before"
	case PhaseHandler:
		return "handler"
	case PhaseAfter:
		return "after"
	case PhaseFinalizer:
		return "finalizer"
	}
	return "Phase(" + strconv.Itoa(int(p)) + ")"
}

// StepError is the error [Chain.Run] returns when a step fails. It is the same
// for synchronous and blocking steps.
type StepError struct {
	Phase Phase
	Index int    // position in its phase; 0 for the handler
	Name  string // the step's Name; may be empty
	Err   error
}

// Error reads, for example,
//
//	chainruntime: before[1] "auth": token expired
func (e *StepError) Error() string {
	s := "chainruntime: " + e.Phase.String()
	if e.Phase != PhaseHandler {
		s += "[" + strconv.Itoa(e.Index) + "]"
	}
	if e.Name != "" {
		s += " " + strconv.Quote(e.Name)
	}
	return s + ": " + e.Err.Error()
}

func (e *StepError) Unwrap() error { return e.Err }

// ErrNoHandler is the Err of the [*StepError] that Run returns when the chain
// has no Handler and no before-middleware short-circuited.
var ErrNoHandler = errors.New("chain has no handler")

// Run runs req through the chain; see [Chain] for the contract.
func (c *Chain[Req, Resp]) Run(req Req) (Resp, error) {
	var zero Resp
	b := newBatch(c.Lock, c.MaxBatch)
	if b.l != nil {
		// Like the iterators, the only defer; it releases the lock on panic.
		defer b.release()
	}
	var resp Resp
	short := false
	for i := range c.Before {
		m := &c.Before[i]
		if b.l != nil {
			b.enter(m.Blocking)
		}
		var done bool
		var err error
		req, resp, done, err = m.Func(req)
		if err != nil {
			b.release()
			return zero, &StepError{Phase: PhaseBefore, Index: i, Name: m.Name, Err: err}
		}
		if done {
			short = true
			break
		}
	}
	if !short {
		if c.Handler == nil {
			b.release()
			return zero, &StepError{Phase: PhaseHandler, Name: c.HandlerName, Err: ErrNoHandler}
		}
		if b.l != nil {
			b.enter(c.HandlerBlocking)
		}
		var err error
		resp, err = c.Handler(req)
		if err != nil {
			b.release()
			return zero, &StepError{Phase: PhaseHandler, Name: c.HandlerName, Err: err}
		}
	}
	if !short || !c.SkipAfterOnShortCircuit {
		var err error
		if resp, err = runAfter(&b, PhaseAfter, c.After, req, resp); err != nil {
			return zero, err
		}
	}
	resp, err := runAfter(&b, PhaseFinalizer, c.Finalizers, req, resp)
	if err != nil {
		return zero, err
	}
	b.release()
	return resp, nil
}

// runAfter runs the after-middlewares or the finalizers; on failure it
// releases the lock and returns the *StepError.
func runAfter[Req, Resp any](b *batch, phase Phase, steps []After[Req, Resp], req Req, resp Resp) (Resp, error) {
	for i := range steps {
		m := &steps[i]
		if b.l != nil {
			b.enter(m.Blocking)
		}
		var err error
		resp, err = m.Func(req, resp)
		if err != nil {
			b.release()
			var zero Resp
			return zero, &StepError{Phase: phase, Index: i, Name: m.Name, Err: err}
		}
	}
	return resp, nil
}
