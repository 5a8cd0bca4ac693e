//go:build !chainlint_fixed

package gateway

import (
	"net/http"
	"testing"
)

// These tests pin the gateway's behaviour as written, defects included: each
// assertion marked "defect" is one chainlint reports. After the fix, run
// go test -tags chainlint_fixed instead (fixed_test.go).

func TestAfterChainGetsStaleRequest(t *testing.T) {
	var log []string
	s := newTestServer(t, &log)
	s.Serve(request("/v1/items", "Bearer alice"))
	// defect (droprequest): the access log sees the request from before the
	// before-chain ran, so no user and the original path. Fixed, this line
	// reads "alice /api/items 200".
	if want := []string{"- /v1/items 200"}; len(log) != 1 || log[0] != want[0] {
		t.Errorf("access log = %q, want %q", log, want)
	}
}

func TestShortCircuitSkipsAfterChainAndGlobalHeaders(t *testing.T) {
	var log []string
	s := newTestServer(t, &log)
	resp := s.Serve(request("/v1/items", ""))
	if resp.Status != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401", resp.Status)
	}
	if got := string(resp.Body); got != "missing Authorization\n" {
		t.Errorf("body = %q", got)
	}
	// defect (skipafter): the 401 is returned straight from the before loop,
	// so it has no CORS/security headers, no request id, and is not logged.
	if resp.Header.Get("Access-Control-Allow-Origin") != "" || resp.Header.Get("X-Request-Id") != "" {
		t.Errorf("401 has headers %v; as written the short-circuit skips them", resp.Header)
	}
	if len(log) != 0 {
		t.Errorf("access log = %q; as written the short-circuit skips the after-chain", log)
	}
	// Only the auth script's first instruction ran.
	if s.vm.Steps != 1 {
		t.Errorf("VM steps = %d, want 1", s.vm.Steps)
	}
}

func TestHandlerErrorIs502(t *testing.T) {
	var log []string
	s := newTestServer(t, &log)
	resp := s.Serve(request("/v1/boom", "Bearer bob"))
	if resp.Status != http.StatusBadGateway || string(resp.Body) != "backend unavailable\n" {
		t.Fatalf("got %d %q, want 502 backend unavailable", resp.Status, resp.Body)
	}
	if got := resp.Header.Get("Strict-Transport-Security"); got == "" {
		t.Error("502 lacks the global headers")
	}
	// defect (droprequest): the error path passes a nil request to the
	// after-chain: no request id, and the log line has no user or path.
	if got := resp.Header.Get("X-Request-Id"); got != "" {
		t.Errorf("X-Request-Id = %q; as written the error path drops the request", got)
	}
	if want := "- - 502"; len(log) != 1 || log[0] != want {
		t.Errorf("access log = %q, want [%q]", log, want)
	}
}
