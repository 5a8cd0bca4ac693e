//go:build !chainlint_fixed

package httpgw

import (
	"net/http/httptest"
	"testing"
)

// Before the fix, the after hooks get the request from before WithContext.
func TestDefectAfterMissesRequestID(t *testing.T) {
	var handlerID, afterID string
	m := newMux(&handlerID, &afterID)
	m.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	if afterID != "" {
		t.Fatalf("after hook saw id %q; the defect is gone (run the chainlint_fixed tests)", afterID)
	}
}
