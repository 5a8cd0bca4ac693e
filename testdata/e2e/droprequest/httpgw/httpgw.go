// Package httpgw is the net/http form: a mux that gives each request an id
// in its context and runs after hooks.
package httpgw

import (
	"context"
	"net/http"
)

type ctxKey struct{}

// RequestID returns the id the Mux stored in r's context, or "".
func RequestID(r *http.Request) string {
	id, _ := r.Context().Value(ctxKey{}).(string)
	return id
}

// AfterFunc runs after the handler.
type AfterFunc func(w http.ResponseWriter, r *http.Request)

type Mux struct {
	Next  http.Handler
	After []AfterFunc
	NewID func() string
}

func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r2 := r.WithContext(context.WithValue(r.Context(), ctxKey{}, m.NewID()))
	m.Next.ServeHTTP(w, r2)
	for _, a := range m.After {
		a(w, r)
	}
}
