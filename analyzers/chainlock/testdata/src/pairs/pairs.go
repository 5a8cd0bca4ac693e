package pairs

import "interp"

// A stateless configured pair: fixed through chainruntime.Locker.
func Stateless(chain []func(int) int, v int) int {
	for _, m := range chain {
		interp.Enter() // want `lock interp.Enter/interp.Leave is acquired once per middleware of chain`
		v = m(v)
		interp.Leave()
	}
	return v
}

// A pair whose release needs the acquisition's state: no fix.
func Stateful(chain []func(int) int, v int) int {
	for _, m := range chain {
		st := interp.Save() // want `lock interp.Save/interp.Restore is acquired once per middleware of chain .*no fix offered: the runtime has no adapter for the configured pair interp.Save:interp.Restore when the release needs the acquisition's state`
		v = m(v)
		interp.Restore(st)
	}
	return v
}

// A non-constant argument to the acquisition: no fix.
func NonConst(chain []func(int) int, v, id int) int {
	for _, m := range chain {
		interp.Acquire(id) // want `no fix offered: the acquisition interp.Acquire\(id\) takes a non-constant argument`
		v = m(v)
		interp.ReleaseAll()
	}
	return v
}
