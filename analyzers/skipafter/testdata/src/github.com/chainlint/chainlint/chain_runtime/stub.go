// Package chainruntime is a type-checking stub of the runtime's batching
// iterators (the real runtime is the chain_runtime module at the
// repository root).
package chainruntime

import (
	"iter"
	"sync"
)

func Batched[M any](l sync.Locker, chain []M, blocking func(M) bool) iter.Seq2[int, M] { return nil }

type Hold struct{ l sync.Locker }

func NewHold(l sync.Locker) Hold { return Hold{l: l} }

func (h *Hold) Lock()   {}
func (h *Hold) Unlock() {}

func BatchedHold[M any](h *Hold, chain []M, blocking func(M) bool) iter.Seq2[int, M] { return nil }

func BatchedHoldMax[M any](h *Hold, chain []M, blocking func(M) bool, max int) iter.Seq2[int, M] {
	return nil
}

func BatchedMax[M any](l sync.Locker, chain []M, blocking func(M) bool, max int) iter.Seq2[int, M] {
	return nil
}

func BatchedFunc[M any](with func(func()), chain []M, blocking func(M) bool) iter.Seq2[int, M] {
	return nil
}

func BatchedFuncMax[M any](with func(func()), chain []M, blocking func(M) bool, max int) iter.Seq2[int, M] {
	return nil
}
