// Package chainruntime is a type-checking stub of the runtime's batching
// iterator (the real runtime is the chain_runtime module at the repository
// root).
package chainruntime

import (
	"iter"
	"sync"
)

func Batched[M any](l sync.Locker, chain []M, blocking func(M) bool) iter.Seq2[int, M] { return nil }
