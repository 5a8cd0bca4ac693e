// Package builttest builds a chain that its test file runs too: the
// analysis of the package without its tests withholds the fix, the one
// with them rewrites the test's loop as well.
package builttest

import "sync"

var mu sync.Mutex

var chain []func(int) int

func Load(fns []func(int) int) {
	for _, fn := range fns {
		chain = append(chain, func(v int) int {
			mu.Lock() // want `lock mu is acquired once per middleware of fns: .*; (no fix offered: the test file builttest_test.go may use chain, which the analysis of the package without its tests cannot see|append the middlewares themselves)`
			defer mu.Unlock()
			return fn(v)
		})
	}
}

func Run(v int) int {
	for _, f := range chain {
		v = f(v)
	}
	return v
}
