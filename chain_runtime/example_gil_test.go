package chainruntime_test

import (
	"fmt"
	"runtime"
	"sync"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

// This file shows how to batch chains that run under an embedded CPython
// interpreter's GIL. A real binding uses cgo:
//
//	// #include <Python.h>
//	import "C"
//
//	func gilEnsure() C.PyGILState_STATE   { return C.PyGILState_Ensure() }
//	func gilRelease(s C.PyGILState_STATE) { C.PyGILState_Release(s) }
//
// The test below fakes them (no cgo here) with a mutex and a trace.

type pyGILState int

const (
	pyGILStateLocked   pyGILState = iota // the thread already held the GIL
	pyGILStateUnlocked                   // Ensure took it; Release gives it back
)

var (
	fakeGIL   sync.Mutex
	fakeTrace []string // guarded by fakeGIL
)

func fakeEnsure() pyGILState {
	fakeGIL.Lock()
	fakeTrace = append(fakeTrace, "PyGILState_Ensure")
	return pyGILStateUnlocked
}

func fakeRelease(s pyGILState) {
	if s != pyGILStateUnlocked {
		return
	}
	fakeTrace = append(fakeTrace, "PyGILState_Release")
	fakeGIL.Unlock()
}

// GIL is a sync.Locker over PyGILState_Ensure and PyGILState_Release.
//
// Release needs the state Ensure returned, so the adapter keeps it: a GIL
// value belongs to one goroutine at a time (one per worker goroutine, or one
// per request); never share one between goroutines that may hold it at once.
//
// CPython's thread state belongs to the OS thread that called Ensure, and a
// goroutine may move to another thread whenever it is not locked to its
// thread, so Lock pins the goroutine with runtime.LockOSThread until Unlock.
// (LockOSThread nests, so a goroutine that is already locked stays locked.)
type GIL struct {
	state pyGILState
}

func (g *GIL) Lock() {
	runtime.LockOSThread()
	g.state = fakeEnsure() // C.PyGILState_Ensure()
}

func (g *GIL) Unlock() {
	fakeRelease(g.state) // C.PyGILState_Release(g.state)
	runtime.UnlockOSThread()
}

// A Python-backed chain with one blocking (Go-side I/O) middleware: two GIL
// acquisitions instead of four, and the GIL is released while the blocking
// middleware waits, so other goroutines can run Python meanwhile.
func Example_gil() {
	type middleware struct {
		name string
		io   bool // runs Go-side I/O and must not hold the GIL
	}
	chain := []middleware{{"py_auth", false}, {"py_cors", false}, {"go_fetch", true}, {"py_headers", false}}

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a worker goroutine with its own GIL value
		defer wg.Done()
		var gil GIL
		for _, m := range chainruntime.BatchedLocker(&gil, chain, func(m middleware) bool { return m.io }) {
			fakeTrace = append(fakeTrace, "  "+m.name) // one worker: the trace needs no lock of its own
		}
	}()
	wg.Wait()

	fakeGIL.Lock()
	defer fakeGIL.Unlock()
	for _, s := range fakeTrace {
		fmt.Println(s)
	}
	// Output:
	// PyGILState_Ensure
	//   py_auth
	//   py_cors
	// PyGILState_Release
	//   go_fetch
	// PyGILState_Ensure
	//   py_headers
	// PyGILState_Release
}
