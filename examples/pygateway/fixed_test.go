//go:build chainlint_fixed

package main

import "testing"

// After chainlint -fix ./... (run with go test -tags chainlint_fixed): run
// ranges over chainruntime.BatchedHold (or Batched) for both chains, so that
// TestGILAcquisitions expects 5 acquisitions per request rather than 19.
func TestRunIsFixed(t *testing.T) {
	if loops := runLoops(t); !loops["before"] || !loops["after"] {
		t.Errorf("run's loops batched: %v, want before and after (has chainlint -fix run?)", loops)
	}
}
