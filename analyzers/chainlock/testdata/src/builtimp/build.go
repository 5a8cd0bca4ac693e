// Package builtimp builds chains under another package's lock, and runs
// them from files that import that package under another name, or not at
// all.
package builtimp

import bl "builtlock"

var hooks []func(string)

func Register(hs []func(string)) {
	for _, h := range hs {
		hooks = append(hooks, func(s string) {
			bl.Interp.Lock() // want `lock bl.Interp is acquired once per middleware of hs: each closure appended to hooks .*with chainruntime.Batched where hooks runs`
			defer bl.Interp.Unlock()
			h(s)
		})
	}
}

var steps []func(int) int

func Add(fns []func(int) int) {
	for _, fn := range fns {
		steps = append(steps, func(v int) int {
			bl.Interp.Lock() // want `no fix offered: the loop that runs steps at line \d+: its file does not import builtlock, whose variable the lock bl.Interp is`
			defer bl.Interp.Unlock()
			return fn(v)
		})
	}
}
