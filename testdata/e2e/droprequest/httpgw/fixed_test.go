//go:build chainlint_fixed

package httpgw

import (
	"net/http/httptest"
	"testing"
)

// After chainlint -fix, the after hooks see the request the handler saw.
func TestAfterSeesRequestID(t *testing.T) {
	var handlerID, afterID string
	m := newMux(&handlerID, &afterID)
	m.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	if afterID != handlerID || afterID != "id-1" {
		t.Fatalf("after hook saw id %q, handler %q", afterID, handlerID)
	}
}
