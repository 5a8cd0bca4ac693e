// Package gil is a with-lock helper in another package than its callers.
package gil

import "sync"

type VM struct{ mu sync.Mutex }

// WithGIL runs f holding the VM's lock.
func (vm *VM) WithGIL(f func()) { // want WithGIL:`withLock\(param 0, vm.mu\)` WithGIL:`mayBlock\(takes lock vm.mu\)` WithGIL:`acquires\(receiver.mu: mutex vm.mu\)`
	vm.mu.Lock()
	f()
	vm.mu.Unlock()
}

// Wait may block.
func Wait(ch chan int) int { // want Wait:`mayBlock\(receives from a channel\)`
	return <-ch
}

type Request struct{ Path string }

type Response struct{ Code int }

// RunAfter runs an after-chain; it takes the request as parameter 1.
func RunAfter(resp *Response, req *Request, after []func(*Request, *Response)) { // want RunAfter:`runsChain\(before=false, after=true, req=1\)`
	for _, m := range after {
		m(req, resp)
	}
}

// Serve runs a chain through a runner: it is a runner too.
func Serve(req *Request, after []func(*Request, *Response)) *Response { // want Serve:`runsChain\(before=false, after=true, req=0\)`
	resp := &Response{}
	RunAfter(resp, req, after)
	return resp
}

// State copies the VM's state under its lock: each call takes vm.mu.
func (vm *VM) State() string { // want State:`acquires\(receiver.mu: mutex vm.mu\)` State:`mayBlock\(takes lock vm.mu\)`
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return "state"
}
