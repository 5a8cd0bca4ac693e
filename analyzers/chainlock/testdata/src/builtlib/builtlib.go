// Package builtlib builds exported chains from closures that each take a
// lock; package builtuse runs them.
package builtlib

import "sync"

type Request struct{ Path string }

type Hook func(*Request)

var gil sync.Mutex

// Hooks is run by another package: this package cannot rewrite that loop.
var Hooks []Hook // want Hooks:`builtChain\(gil at builtlib.go:\d+\)`

func Register(hs ...Hook) {
	for _, h := range hs {
		Hooks = append(Hooks, func(r *Request) {
			gil.Lock()
			defer gil.Unlock()
			h(r)
		})
	}
}

type Engine struct {
	mu    sync.Mutex
	Steps []Hook // want Steps:`builtChain\(e.mu at builtlib.go:\d+\)`
}

func (e *Engine) Use(hs []Hook) {
	for _, h := range hs {
		e.Steps = append(e.Steps, func(r *Request) {
			e.mu.Lock()
			h(r)
			e.mu.Unlock()
		})
	}
}

// Unexported: no fact, and no loop of this package runs it.
var quiet []Hook

func Quiet(hs []Hook) []Hook {
	for _, h := range hs {
		quiet = append(quiet, func(r *Request) {
			gil.Lock()
			defer gil.Unlock()
			h(r)
		})
	}
	return quiet
}
