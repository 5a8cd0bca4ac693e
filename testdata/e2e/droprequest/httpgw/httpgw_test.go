package httpgw

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// newMux returns a mux whose handler and after hook record the request id
// they saw.
func newMux(handlerID, afterID *string) *Mux {
	n := 0
	return &Mux{
		Next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			*handlerID = RequestID(r)
			w.WriteHeader(http.StatusTeapot)
		}),
		After: []AfterFunc{func(w http.ResponseWriter, r *http.Request) {
			*afterID = RequestID(r)
		}},
		NewID: func() string { n++; return "id-" + string(rune('0'+n)) },
	}
}

// Holds before and after the fix: the handler gets the request with its id.
func TestHandlerSeesRequestID(t *testing.T) {
	var handlerID, afterID string
	m := newMux(&handlerID, &afterID)
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != http.StatusTeapot || handlerID != "id-1" {
		t.Fatalf("status %d, handler saw id %q", rec.Code, handlerID)
	}
}
