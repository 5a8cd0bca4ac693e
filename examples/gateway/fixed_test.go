//go:build chainlint_fixed

package gateway

import (
	"net/http"
	"testing"
)

// What Serve must do once fixed (chainlint -fix, or by hand). Run with
// go test -tags chainlint_fixed, in a module that can build the fixed code
// (it imports the chain runtime).

func TestFixedAfterChainGetsCurrentRequest(t *testing.T) {
	var log []string
	s := newTestServer(t, &log)
	s.Serve(request("/v1/items", "Bearer alice"))
	if want := "alice /api/items 200"; len(log) != 1 || log[0] != want {
		t.Errorf("access log = %q, want [%q]", log, want)
	}
}

func TestFixedShortCircuitGetsAfterChainAndGlobalHeaders(t *testing.T) {
	var log []string
	s := newTestServer(t, &log)
	resp := s.Serve(request("/v1/items", ""))
	if resp.Status != http.StatusUnauthorized || string(resp.Body) != "missing Authorization\n" {
		t.Fatalf("got %d %q, want 401", resp.Status, resp.Body)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("X-Request-Id") != "req-1" {
		t.Errorf("401 headers = %v, want the global headers and the request id", resp.Header)
	}
	if want := "- /v1/items 401"; len(log) != 1 || log[0] != want {
		t.Errorf("access log = %q, want [%q]", log, want)
	}
	if s.vm.Steps != 1 {
		t.Errorf("VM steps = %d, want 1", s.vm.Steps)
	}
}

func TestFixedHandlerErrorKeepsRequest(t *testing.T) {
	var log []string
	s := newTestServer(t, &log)
	resp := s.Serve(request("/v1/boom", "Bearer bob"))
	if resp.Status != http.StatusBadGateway || resp.Header.Get("X-Request-Id") != "req-1" {
		t.Errorf("got %d %v, want 502 with the request id", resp.Status, resp.Header)
	}
	if want := "bob /api/boom 502"; len(log) != 1 || log[0] != want {
		t.Errorf("access log = %q, want [%q]", log, want)
	}
}
