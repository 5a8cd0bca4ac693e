//go:build chainlint_fixed

package chainlockfixture

import "testing"

// After chainlint -fix: one acquisition per run of synchronous middlewares.
func TestAcquisitionsAfterFix(t *testing.T) {
	r := newFuncs(t)
	r.RunFuncs(&Request{})
	if got := r.Lock.Acquisitions(); got != 1 {
		t.Errorf("all-sync chain of 3: %d acquisitions, want 1", got)
	}
	a := newStages(t)
	a.RunStages(&Request{})
	if got := a.Lock.Acquisitions(); got != 1 {
		t.Errorf("chain of 3 in an array: %d acquisitions, want 1", got)
	}
	s := newSteps(t)
	s.RunSteps(&Request{})
	if got := s.Lock.Acquisitions(); got != 2 {
		t.Errorf("mixed chain sync,sync,async,sync,sync: %d acquisitions, want 2 (one per synchronous run)", got)
	}
	h := newFuncs(t)
	h.RunFuncsHelper(&Request{})
	if got := h.Lock.Acquisitions(); got != 1 {
		t.Errorf("all-sync chain of 3 through a with-lock helper: %d acquisitions, want 1", got)
	}
	p := newPhases(t)
	p.RunPhases(&Request{})
	if got := p.Lock.Acquisitions(); got != 1 {
		t.Errorf("before-chain of 3, handler, after-chain of 2: %d acquisitions, want 1 (one for all the phases)", got)
	}
	ld := newLoaded(t)
	ld.Run(&Request{})
	if got := ld.Lock.Acquisitions(); got != 1 {
		t.Errorf("chain of 3 built at load time: %d acquisitions, want 1", got)
	}
}
