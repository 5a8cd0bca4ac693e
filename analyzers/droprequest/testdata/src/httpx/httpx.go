// Package httpx is the net/http form: after hooks take the response writer
// and the request.
package httpx

import (
	"context"
	"net/http"
)

type AfterFunc func(w http.ResponseWriter, r *http.Request)

type ctxKey struct{}

type Mux struct {
	next  http.Handler
	after []AfterFunc
}

func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := context.WithValue(r.Context(), ctxKey{}, "req-42")
	r2 := r.WithContext(ctx)
	m.next.ServeHTTP(w, r2)
	for _, a := range m.after {
		a(w, r) // want `the after-chain m\.after gets the stale request r, from before r\.WithContext; pass r2, the request returned by r\.WithContext and the one m\.next\.ServeHTTP got`
	}
}

type Cloning struct {
	next  http.Handler
	after []AfterFunc
}

func (c *Cloning) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	clone := r.Clone(context.WithValue(r.Context(), ctxKey{}, "x"))
	c.next.ServeHTTP(w, clone)
	for _, a := range c.after {
		a(w, nil) // want `the after-chain c\.after gets nil instead of the request; pass clone`
	}
}

// Good passes the request the handler received.
type Good struct {
	next  http.Handler
	after []AfterFunc
}

func (g *Good) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, "y"))
	g.next.ServeHTTP(w, r)
	for _, a := range g.after {
		a(w, r)
	}
}
