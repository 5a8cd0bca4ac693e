// Package gwruntime is the runtime of a gateway whose handlers are
// generated (recreated, in the spirit of grpc-gateway's runtime package):
// the forwarder writes a backend's answer and runs the forward-response
// options, after-middlewares that read the request's context.
package gwruntime

import (
	"context"
	"net/http"
)

// Message is a backend's answer.
type Message interface{ String() string }

// Metadata is what the backend sent besides the message.
type Metadata struct{ Header map[string]string }

// ForwardOption is a forward-response option: it may set headers from the
// context (the method name AnnotateContext stored, say).
type ForwardOption func(context.Context, http.ResponseWriter, Message) error

type Mux struct {
	opts []ForwardOption
}

func (m *Mux) Options() []ForwardOption { return m.opts }

type methodKey struct{}
type metaKey struct{}

// Annotate returns the context the backend call must get: the method name
// and the incoming headers added.
func Annotate(ctx context.Context, m *Mux, r *http.Request, method string) (context.Context, error) {
	return context.WithValue(ctx, methodKey{}, method), nil
}

// WithMetadata returns ctx carrying the backend's metadata.
func WithMetadata(ctx context.Context, md Metadata) context.Context {
	return context.WithValue(ctx, metaKey{}, md)
}

// Forward runs the options on the answer and writes it.
func Forward(ctx context.Context, m *Mux, w http.ResponseWriter, r *http.Request, msg Message, opts ...ForwardOption) {
	for _, o := range opts {
		if err := o(ctx, w, msg); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Write([]byte(msg.String()))
}

// Fail writes an error answer.
func Fail(ctx context.Context, m *Mux, w http.ResponseWriter, r *http.Request, err error) {
	http.Error(w, err.Error(), http.StatusBadGateway)
}
