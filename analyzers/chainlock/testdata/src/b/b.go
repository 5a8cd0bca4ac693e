// Package b runs a chain through gil's helper, known by its fact.
package b

import "gil"

type Request struct{ Path string }

func Run(vm *gil.VM, chain []func(*Request) *Request, req *Request) *Request {
	for _, m := range chain {
		vm.WithGIL(func() { // want `the lock of helper vm.WithGIL is taken once per middleware of chain`
			req = m(req)
		})
	}
	return req
}

// A callee in another package that may block, between iterations: no fix.
func RunWaiting(vm *gil.VM, chain []func(*Request) *Request, req *Request, ch chan int) *Request {
	for _, m := range chain {
		vm.WithGIL(func() { // want `no fix offered: gil.Wait\(ch\), outside the critical section, calls gil.Wait, which receives from a channel`
			req = m(req)
		})
		gil.Wait(ch)
	}
	return req
}
