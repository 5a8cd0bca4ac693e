package gw

import (
	"context"
	"net/http"

	"gwruntime"
)

// HandleGreeterFixed is the shape after the fix: the annotated context
// gets the metadata and goes to the forwarder.
func HandleGreeterFixed(mux *gwruntime.Mux, client GreeterClient) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		annotated, err := gwruntime.Annotate(ctx, mux, r, "/greeter.Greeter/Hello")
		if err != nil {
			gwruntime.Fail(ctx, mux, w, r, err)
			return
		}
		resp, md, err := request_Greeter_Hello(annotated, client, r)
		annotated = gwruntime.WithMetadata(annotated, md)
		if err != nil {
			gwruntime.Fail(annotated, mux, w, r, err)
			return
		}
		forward_Greeter_Hello(annotated, mux, w, r, resp, mux.Options()...)
	}
}

// HandleGreeterParent is hand-written: the forwarder gets the parent of
// the backend's context, so passing the backend's context loses nothing.
func HandleGreeterParent(mux *gwruntime.Mux, client GreeterClient) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		rctx, err := gwruntime.Annotate(ctx, mux, r, "/greeter.Greeter/Hello")
		if err != nil {
			gwruntime.Fail(ctx, mux, w, r, err)
			return
		}
		resp, _, err := request_Greeter_Hello(rctx, client, r)
		if err != nil {
			gwruntime.Fail(rctx, mux, w, r, err)
			return
		}
		gwruntime.Forward(ctx, mux, w, r, resp, mux.Options()...) // want `gwruntime\.Forward gets the stale context ctx, from before gwruntime\.Annotate; pass rctx, the context returned by gwruntime\.Annotate and the one request_Greeter_Hello got`
	}
}
