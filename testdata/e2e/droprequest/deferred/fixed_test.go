//go:build chainlint_fixed

package deferred

import "testing"

// After chainlint -fix, the after-chain sees the request the handler saw.
func TestAfterSeesVerifiedUser(t *testing.T) {
	resp := newServer().Serve(&Request{User: "alice"})
	if got := resp.Header["X-User"]; got != "alice (verified)" {
		t.Fatalf("after-chain saw user %q, want the verified one", got)
	}
}
