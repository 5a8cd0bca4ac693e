//go:build go1.22

// Package old is below go1.23: range over func is unavailable, no fix.
package old

import "sync"

var mu sync.Mutex

func Run(chain []func(int) int, v int) int {
	for _, m := range chain {
		mu.Lock() // want `lock mu is acquired once per middleware of chain .*; no fix offered: the file's Go version is go1.22 and the fix ranges over a func, which needs go1.23`
		v = m(v)
		mu.Unlock()
	}
	return v
}
