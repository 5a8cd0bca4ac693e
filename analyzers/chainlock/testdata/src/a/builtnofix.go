package a

import (
	"fmt"
	"sync"
)

// Chains built at load time that keep the finding without a fix: each
// case breaks one condition under which moving the lock from the closures
// into the running loops changes nothing but the batching.

// The closure does more than lock, call, unlock.
var nfLogged []Middleware

func NfLogged(mws []Middleware) {
	for _, mw := range mws {
		nfLogged = append(nfLogged, func(r *Request) *Request {
			gil.Lock() // want `lock gil is acquired once per middleware of mws: each closure appended to nfLogged .*; no fix offered: the closure does more than take gil around the middleware call`
			fmt.Println(r.Path)
			r = mw(r)
			gil.Unlock()
			return r
		})
	}
}

func NfLoggedRun(r *Request) *Request {
	for _, h := range nfLogged {
		r = h(r)
	}
	return r
}

// The closure returns something other than the middleware's result.
var nfResult []Middleware

func NfResult(mws []Middleware) {
	for _, mw := range mws {
		nfResult = append(nfResult, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: the closure does more than take gil around the middleware call`
			out := mw(r)
			gil.Unlock()
			if out == nil {
				return r
			}
			return out
		})
	}
}

func NfResultRun(r *Request) *Request {
	for _, h := range nfResult {
		r = h(r)
	}
	return r
}

// The closure passes something other than its own parameter.
var nfArgs []Middleware

func NfArgs(mws []Middleware, fallback *Request) {
	for _, mw := range mws {
		nfArgs = append(nfArgs, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: the closure does not pass its own parameters, in order, to the middleware`
			defer gil.Unlock()
			return mw(fallback)
		})
	}
}

func NfArgsRun(r *Request) *Request {
	for _, h := range nfArgs {
		r = h(r)
	}
	return r
}

// The middleware's type is not the chain's element type (a named func
// type against its literal spelling): the middleware cannot be appended
// as it is.
var nfType []Middleware

func NfType(mws []func(*Request) *Request) {
	for _, mw := range mws {
		nfType = append(nfType, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: the middleware's type func\(\*a.Request\) \*a.Request is not the element type of nfType`
			defer gil.Unlock()
			return mw(r)
		})
	}
}

func NfTypeRun(r *Request) *Request {
	for _, h := range nfType {
		r = h(r)
	}
	return r
}

// Another write appends an element that is not wrapped.
var nfMixed []Middleware

func NfMixed(mws []Middleware, last Middleware) {
	for _, mw := range mws {
		nfMixed = append(nfMixed, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: nfMixed is also written at line \d+ \(nfMixed = append\(nfMixed, last\)\), which the fix would not rewrite`
			defer gil.Unlock()
			return mw(r)
		})
	}
	nfMixed = append(nfMixed, last)
}

func NfMixedRun(r *Request) *Request {
	for _, h := range nfMixed {
		r = h(r)
	}
	return r
}

// The chain is returned: its elements may run anywhere.
var nfLeak []Middleware

func NfLeak(mws []Middleware) []Middleware {
	for _, mw := range mws {
		nfLeak = append(nfLeak, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: nfLeak is also read at line \d+ \(return nfLeak\), which the fix would not rewrite`
			defer gil.Unlock()
			return mw(r)
		})
	}
	return nfLeak
}

func NfLeakRun(r *Request) *Request {
	for _, h := range nfLeak {
		r = h(r)
	}
	return r
}

// An exported chain: another package may run it.
var NfExported []Middleware // want NfExported:`builtChain\(gil at builtnofix.go:\d+\)`

func NfExport(mws []Middleware) {
	for _, mw := range mws {
		NfExported = append(NfExported, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: NfExported is exported, so another package may run it or add to it`
			defer gil.Unlock()
			return mw(r)
		})
	}
}

func NfExportedRun(r *Request) *Request {
	for _, h := range NfExported {
		r = h(r)
	}
	return r
}

// The lock is a local of the constructor: the runner cannot name it.
type NfLocal struct{ chain []Middleware }

func (n *NfLocal) Load(mws []Middleware) {
	var mu sync.Mutex
	for _, mw := range mws {
		n.chain = append(n.chain, func(r *Request) *Request {
			mu.Lock() // want `no fix offered: the loop that runs n.chain at line \d+: it cannot name the lock mu, which is neither a package-level variable nor a field of the value whose chain it runs`
			defer mu.Unlock()
			return mw(r)
		})
	}
}

func (n *NfLocal) Run(r *Request) *Request {
	for _, h := range n.chain {
		r = h(r)
	}
	return r
}

// The runner's body takes the same lock itself (for bookkeeping).
var nfSelf []Middleware
var nfRuns int

func NfSelf(mws []Middleware) {
	for _, mw := range mws {
		nfSelf = append(nfSelf, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: the loop that runs nfSelf at line \d+: its body takes gil itself \(line \d+\), which would deadlock under the batched lock`
			defer gil.Unlock()
			return mw(r)
		})
	}
}

func NfSelfRun(r *Request) *Request {
	for _, h := range nfSelf {
		gil.Lock()
		nfRuns++
		gil.Unlock()
		r = h(r)
	}
	return r
}

// A runner starts a middleware in a goroutine: it would run without the
// lock.
var nfGo []func(*Request)

func NfGo(hooks []func(*Request)) {
	for _, h := range hooks {
		nfGo = append(nfGo, func(r *Request) {
			gil.Lock() // want `no fix offered: the loop that runs nfGo at line \d+: it calls a middleware in a go or defer statement, which would run it without the lock`
			h(r)
			gil.Unlock()
		})
	}
}

func NfGoRun(r *Request) {
	for _, h := range nfGo {
		h(r)
	}
	for _, h := range nfGo {
		go h(r)
	}
}

// A loop over the chain that passes its elements on instead of calling
// them.
var nfPass []func(*Request)

func NfPass(hooks []func(*Request)) {
	for _, h := range hooks {
		nfPass = append(nfPass, func(r *Request) {
			gil.Lock() // want `no fix offered: nfPass is also ranged over by a loop that does not run its elements as a chain at line \d+`
			defer gil.Unlock()
			h(r)
		})
	}
}

func NfPassRun(r *Request, later func(func(*Request))) {
	for _, h := range nfPass {
		h(r)
	}
	for _, h := range nfPass {
		later(h)
	}
}

// The runner blocks between middlewares: that would run under the lock.
var nfBlocks []Middleware

func NfBlocks(mws []Middleware) {
	for _, mw := range mws {
		nfBlocks = append(nfBlocks, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: the loop that runs nfBlocks at line \d+: the loop body sends on a channel outside the critical section`
			defer gil.Unlock()
			return mw(r)
		})
	}
}

func NfBlocksRun(r *Request, trace chan<- *Request) *Request {
	for _, h := range nfBlocks {
		r = h(r)
		trace <- r
	}
	return r
}

// The runner runs the chain in reverse.
var nfReverse []Middleware

func NfReverse(mws []Middleware) {
	for _, mw := range mws {
		nfReverse = append(nfReverse, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: the loop that runs nfReverse at line \d+: the loop runs the chain in reverse`
			defer gil.Unlock()
			return mw(r)
		})
	}
}

func NfReverseRun(r *Request) *Request {
	for i := len(nfReverse) - 1; i >= 0; i-- {
		r = nfReverse[i](r)
	}
	return r
}

// A local chain that starts with an element that is not wrapped.
func NfSeeded(first Middleware, mws []Middleware, r *Request) *Request {
	chain := []Middleware{first}
	for _, mw := range mws {
		chain = append(chain, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: chain is declared at line \d+ with a value, or is a parameter, whose elements the fix cannot see`
			defer gil.Unlock()
			return mw(r)
		})
	}
	for _, h := range chain {
		r = h(r)
	}
	return r
}

// A field chain also set by a composite literal.
type NfLit struct {
	chain []Middleware
	mu    sync.Mutex
}

func NewNfLit(defaults []Middleware) *NfLit { return &NfLit{chain: defaults} }

func (n *NfLit) Load(mws []Middleware) {
	for _, mw := range mws {
		n.chain = append(n.chain, func(r *Request) *Request {
			n.mu.Lock() // want `no fix offered: n.chain is also written at line \d+ \(chain: defaults\)`
			defer n.mu.Unlock()
			return mw(r)
		})
	}
}

func (n *NfLit) Run(r *Request) *Request {
	for _, h := range n.chain {
		r = h(r)
	}
	return r
}

// The loop reassigns the middleware after the closure captured it.
var nfReassign []Middleware

func NfReassign(mws []Middleware, wrap func(Middleware) Middleware) {
	for _, mw := range mws {
		nfReassign = append(nfReassign, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: the loop assigns mw after binding it, which the closure would see`
			defer gil.Unlock()
			return mw(r)
		})
		mw = wrap(mw)
	}
}

func NfReassignRun(r *Request) *Request {
	for _, h := range nfReassign {
		r = h(r)
	}
	return r
}

// A package-level chain that starts with an element that is not wrapped.
var nfInit = []Middleware{func(r *Request) *Request { return r }}

func NfInit(mws []Middleware) {
	for _, mw := range mws {
		nfInit = append(nfInit, func(r *Request) *Request {
			gil.Lock() // want `no fix offered: nfInit is declared at line \d+ with a value, or is a parameter, whose elements the fix cannot see`
			defer gil.Unlock()
			return mw(r)
		})
	}
}

func NfInitRun(r *Request) *Request {
	for _, h := range nfInit {
		r = h(r)
	}
	return r
}

// The closures take the lock through a with-lock helper: the finding, no
// fix (the fix moves only a mutex, read lock or Locker).
var nfHelperVM VM
var nfHelper []Middleware

func NfHelper(mws []Middleware) {
	for _, mw := range mws {
		nfHelper = append(nfHelper, func(r *Request) *Request {
			nfHelperVM.withGIL(func() { // want `the lock of helper nfHelperVM.withGIL is taken once per middleware of mws: each closure appended to nfHelper takes it around its middleware, and the loop over nfHelper runs them one after another \(N acquisitions for an N-middleware chain\); append the middlewares themselves and batch consecutive synchronous middlewares under one acquisition with chainruntime\.BatchedFunc where nfHelper runs; no fix offered: the closures take nfHelperVM.withGIL, a with-lock helper, and the fix moves only a mutex, read lock or Locker into the runtime`
				r = mw(r)
			})
			return r
		})
	}
}

func NfHelperRun(r *Request) *Request {
	for _, h := range nfHelper {
		r = h(r)
	}
	return r
}

// Negative: the helper's callback does not call the middleware, which
// runs outside the lock.
var nfHelperOutside []Middleware

func NfHelperOutside(mws []Middleware) {
	for _, mw := range mws {
		nfHelperOutside = append(nfHelperOutside, func(r *Request) *Request {
			nfHelperVM.withGIL(func() { fmt.Println(r.Path) })
			return mw(r)
		})
	}
}

func NfHelperOutsideRun(r *Request) *Request {
	for _, h := range nfHelperOutside {
		r = h(r)
	}
	return r
}

// Negative: a callback helper that takes no lock.
func nfNoLock(f func()) { f() }

var nfHelperNoLock []Middleware

func NfHelperNoLock(mws []Middleware) {
	for _, mw := range mws {
		nfHelperNoLock = append(nfHelperNoLock, func(r *Request) *Request {
			nfNoLock(func() { r = mw(r) })
			return r
		})
	}
}

func NfHelperNoLockRun(r *Request) *Request {
	for _, h := range nfHelperNoLock {
		r = h(r)
	}
	return r
}
