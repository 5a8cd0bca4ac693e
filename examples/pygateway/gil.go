package main

/*
#include <Python.h>
#include <pythread.h>
*/
import "C"

import (
	"runtime"
	"sync/atomic"
	"time"
)

// gil is the CPython global interpreter lock as a sync.Locker, so that a chain
// runner can hold it with the same Lock/Unlock calls as any Go mutex, and
// chainruntime.BatchedLocker can hold it across a run of middlewares.
//
// PyGILState_Ensure returns a per-call state that PyGILState_Release needs,
// and both must run on the same OS thread. Lock pins the goroutine to its
// thread and keeps the state; Unlock releases with it and unpins. Only the
// holder of the GIL reads or writes the state, so one field suffices (atomic
// only so that the race detector, which cannot see the GIL, agrees).
//
// The counters are the evidence for the README: how many times the GIL was
// taken, the time spent inside PyGILState_Ensure (waiting for the GIL, plus
// creating a thread state when the OS thread has none) and inside
// PyGILState_Release (destroying that thread state), and how often the GIL
// moved to a different OS thread than the previous holder's.
type gil struct {
	state  atomic.Int32 // the holder's PyGILState_STATE
	holder atomic.Uint64

	acquisitions atomic.Int64
	ensureNanos  atomic.Int64
	releaseNanos atomic.Int64
	handoffs     atomic.Int64
}

// Lock takes the GIL for the calling goroutine.
func (g *gil) Lock() {
	runtime.LockOSThread()
	t0 := time.Now()
	st := C.PyGILState_Ensure()
	g.ensureNanos.Add(int64(time.Since(t0)))
	g.state.Store(int32(st))
	g.acquisitions.Add(1)
	if tid := uint64(C.PyThread_get_thread_ident()); g.holder.Swap(tid) != tid {
		g.handoffs.Add(1)
	}
}

// Unlock releases the GIL taken by Lock on this goroutine.
func (g *gil) Unlock() {
	st := C.PyGILState_STATE(g.state.Load())
	t0 := time.Now()
	C.PyGILState_Release(st)
	g.releaseNanos.Add(int64(time.Since(t0)))
	runtime.UnlockOSThread()
}

// gilStats is a snapshot of a gil's counters.
type gilStats struct {
	Acquisitions int64 `json:"acquisitions"`
	EnsureNanos  int64 `json:"ensure_ns"`
	ReleaseNanos int64 `json:"release_ns"`
	Handoffs     int64 `json:"handoffs"`
}

func (g *gil) stats() gilStats {
	return gilStats{g.acquisitions.Load(), g.ensureNanos.Load(), g.releaseNanos.Load(), g.handoffs.Load()}
}

func (g *gil) reset() {
	g.acquisitions.Store(0)
	g.ensureNanos.Store(0)
	g.releaseNanos.Store(0)
	g.handoffs.Store(0)
}
