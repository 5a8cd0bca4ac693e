//go:build go1.21

package old

// Before go1.22 a range variable is one variable for the whole loop: every
// closure calls the last middleware, which appending the middlewares
// themselves would change.
var chain []func(int) int

func Load(mws []func(int) int) {
	for _, mw := range mws {
		chain = append(chain, func(v int) int {
			mu.Lock() // want `lock mu is acquired once per middleware of mws: each closure appended to chain .*; no fix offered: the file's Go version is go1.21, where all the closures share the loop's variable mw`
			defer mu.Unlock()
			return mw(v)
		})
	}
}

func RunChain(v int) int {
	for _, h := range chain {
		v = h(v)
	}
	return v
}
