package b

import "gil"

// A callee of another package that takes the VM's lock, once per hook.
func Notify(vm *gil.VM, hooks []func(string)) {
	for _, h := range hooks {
		h(vm.State()) // want `vm.State\(\) takes mutex vm.mu on every iteration of the chain loop over hooks`
	}
}

// Generic: the same through a type parameter's chain.
func NotifyAll[H ~func(string)](vm *gil.VM, hooks []H) {
	for i := range len(hooks) {
		s := vm.State() // want `vm.State\(\) takes mutex vm.mu on every iteration of the chain loop over hooks`
		hooks[i](s)
	}
}

// Per-element VMs: not one lock.
type Bound struct {
	VM   *gil.VM
	Hook func(string)
}

func NotifyBound(bs []Bound) {
	for _, b := range bs {
		b.Hook(b.VM.State())
	}
}
