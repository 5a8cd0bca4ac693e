//go:build !chainlint_fixed

package gateway

import (
	"testing"

	"example.com/skipafterfixture/chain"
)

// Before chainlint -fix: the 401 skips the after-chain and the global
// headers (the defect skipafter reports).
func TestShortCircuitDefect(t *testing.T) {
	for name, resp := range map[string]*chain.Response{
		"gateway": newGateway().Serve(&chain.Request{Path: "/x"}),
		"router":  newRouter(false).Serve(&chain.Request{Path: "/x"}),
		"edge":    newEdge().Serve(&chain.Request{Path: "/x"}),
		"jump":    newEdge().Jump(&chain.Request{Path: "/x"}),
	} {
		if resp.Header["Access-Control-Allow-Origin"] != "" || resp.Header["X-After"] != "" {
			t.Errorf("%s: the short-circuit response carries %v; has the fix been applied?", name, resp.Header)
		}
	}
}
