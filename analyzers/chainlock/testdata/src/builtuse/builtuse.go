package builtuse

import "builtlib"

func Serve(r *builtlib.Request) {
	for _, h := range builtlib.Hooks {
		h(r) // want `lock gil is acquired once per middleware of builtlib.Hooks: each element is a closure, appended in package builtlib \(builtlib.go:\d+\), that takes it around its middleware, and this loop runs them one after another \(N acquisitions for an N-middleware chain\); append the middlewares themselves in package builtlib and batch consecutive synchronous middlewares under one acquisition with chainruntime\.Batched where the chain runs; no fix offered: the loop runs a chain that another package builds`
	}
}

func Run(e *builtlib.Engine, r *builtlib.Request) {
	for i := range e.Steps {
		e.Steps[i](r) // want `lock e.mu is acquired once per middleware of e.Steps: each element is a closure, appended in package builtlib`
	}
}

// A chain of this package with no such fact: nothing to report.
func Plain(hooks []builtlib.Hook, r *builtlib.Request) {
	for _, h := range hooks {
		h(r)
	}
}
