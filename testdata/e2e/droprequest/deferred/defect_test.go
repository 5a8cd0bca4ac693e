//go:build !chainlint_fixed

package deferred

import "testing"

// Before the fix, the after-chain sees the request from before the
// before-chain verified it.
func TestDefectAfterSeesUnverifiedUser(t *testing.T) {
	resp := newServer().Serve(&Request{User: "alice"})
	if got := resp.Header["X-User"]; got != "alice" {
		t.Fatalf("after-chain saw user %q; the defect is gone (run the chainlint_fixed tests)", got)
	}
}
