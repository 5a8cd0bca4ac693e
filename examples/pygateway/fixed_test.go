//go:build chainlint_fixed

package main

import "testing"

// After chainlint -fix ./... (run with go test -tags chainlint_fixed): serve
// takes the GIL once per request, its conversions, chains and handler under
// one hold, so that TestGILAcquisitions expects 1 acquisition per request
// rather than 19. A fix that joins less (3 with the conversions apart, 5 with
// a hold per chain) fails here.
func TestServeIsFixed(t *testing.T) {
	if f := formOf(t, "serve"); f != holdAll {
		t.Errorf("serve is %s, want %s (has chainlint -fix run?)", f, holdAll)
	}
}
