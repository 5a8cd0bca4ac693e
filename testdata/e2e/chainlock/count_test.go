//go:build !chainlint_fixed

package chainlockfixture

import "testing"

// Before the fix: one acquisition per synchronous middleware.
func TestAcquisitionsBeforeFix(t *testing.T) {
	r := newFuncs(t)
	r.RunFuncs(&Request{})
	if got := r.Lock.Acquisitions(); got != 3 {
		t.Errorf("all-sync chain of 3: %d acquisitions, want 3 (one per middleware)", got)
	}
	a := newStages(t)
	a.RunStages(&Request{})
	if got := a.Lock.Acquisitions(); got != 3 {
		t.Errorf("chain of 3 in an array: %d acquisitions, want 3 (one per stage)", got)
	}
	s := newSteps(t)
	s.RunSteps(&Request{})
	if got := s.Lock.Acquisitions(); got != 4 {
		t.Errorf("mixed chain sync,sync,async,sync,sync: %d acquisitions, want 4", got)
	}
	h := newFuncs(t)
	h.RunFuncsHelper(&Request{})
	if got := h.Lock.Acquisitions(); got != 3 {
		t.Errorf("all-sync chain of 3 through a with-lock helper: %d acquisitions, want 3", got)
	}
	p := newPhases(t)
	p.RunPhases(&Request{})
	if got := p.Lock.Acquisitions(); got != 6 {
		t.Errorf("before-chain of 3, handler, after-chain of 2: %d acquisitions, want 6 (one per middleware and one for the handler)", got)
	}
	ld := newLoaded(t)
	ld.Run(&Request{})
	if got := ld.Lock.Acquisitions(); got != 3 {
		t.Errorf("chain of 3 built at load time: %d acquisitions, want 3 (one per middleware)", got)
	}
}
