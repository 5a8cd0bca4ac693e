package a

import "sync"

type VM struct{ mu sync.Mutex }

// withGIL runs f holding the VM's lock.
func (vm *VM) withGIL(f func()) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	f()
}

// A callback-style helper of the same package, found by fact.
func (vm *VM) Run(chain []Middleware, req *Request) *Request {
	for _, m := range chain {
		vm.withGIL(func() { // want `the lock of helper vm.withGIL is taken once per middleware of chain \(N acquisitions for an N-middleware chain\); batch consecutive synchronous middlewares under one acquisition with chainruntime.BatchedFunc`
			req = m(req)
		})
	}
	return req
}
