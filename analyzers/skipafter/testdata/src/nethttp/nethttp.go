// Package nethttp holds net/http runners: before hooks write the response
// themselves (http.Error, w.WriteHeader) and report whether to go on.
package nethttp

import "net/http"

type BeforeHook func(w http.ResponseWriter, r *http.Request) bool

type AfterHook func(w http.ResponseWriter, r *http.Request)

type Gateway struct {
	before []BeforeHook
	after  []AfterHook
	next   http.Handler
}

func setSecurityHeaders(w http.ResponseWriter) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
}

func RequireAuth(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") == "" {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return false
	}
	return true
}

// ServeHTTP returns as soon as a hook has answered: the header setters and
// the after hooks never run for that response.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, h := range g.before {
		if !h(w, r) {
			return // want `short-circuit response from g.before is returned here without running setSecurityHeaders\(w\), w.Header\(\).Set\("Vary", "Origin"\) and the after-chain g.after; no fix: the before hook has already written the response, so headers set afterwards would not reach the client; set them before the before-chain runs`
		}
	}
	setSecurityHeaders(w)
	w.Header().Set("Vary", "Origin")
	g.next.ServeHTTP(w, r)
	for _, h := range g.after {
		h(w, r)
	}
}

// Checker's before-chain only looks at the request; the runner answers
// with http.Error itself and returns before the header setter runs.
type Checker struct {
	before []func(r *http.Request) error
	next   http.Handler
}

func (c *Checker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, check := range c.before {
		if err := check(r); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return // want `short-circuit response from c.before is returned here without running setSecurityHeaders\(w\); no fix: the before hook has already written the response`
		}
	}
	setSecurityHeaders(w)
	c.next.ServeHTTP(w, r)
}

// Wrapped runs its before-chain through a runner that reports whether to
// go on.
type Wrapped struct {
	before []BeforeHook
	next   http.Handler
}

func (g *Wrapped) runBefore(w http.ResponseWriter, r *http.Request) bool {
	for _, h := range g.before {
		if !h(w, r) {
			return false
		}
	}
	return true
}

func (g *Wrapped) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.runBefore(w, r) {
		return // want `short-circuit response from g.runBefore is returned here without running setSecurityHeaders\(w\); no fix: the before hook has already written the response`
	}
	setSecurityHeaders(w)
	g.next.ServeHTTP(w, r)
}

// --- not reported ---

// ServeHeadersFirst sets the headers before the before-chain and has no
// after hooks: every response carries them.
type HeadersFirst struct {
	before []BeforeHook
	next   http.Handler
}

func (g *HeadersFirst) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w)
	for _, h := range g.before {
		if !h(w, r) {
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

// Plain has no before-chain: its early return is not a short-circuit.
func Plain(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	setSecurityHeaders(w)
	next.ServeHTTP(w, r)
}
