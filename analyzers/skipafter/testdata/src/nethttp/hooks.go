package nethttp

import "net/http"

// Hooks' before-chain is not named "before": its hooks take (w, r) and
// return whether to go on, the loop returns when one says stop, and the
// handler runs after it, so it is a before-chain all the same.
type Hooks struct {
	hooks []func(w http.ResponseWriter, r *http.Request) bool
	next  http.Handler
}

func (g *Hooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, h := range g.hooks {
		if !h(w, r) {
			return // want `short-circuit response from g.hooks is returned here without running setSecurityHeaders\(w\); no fix: the before hook has already written the response`
		}
	}
	setSecurityHeaders(w)
	g.next.ServeHTTP(w, r)
}

// Post runs the same kind of hooks after the handler: an after-chain,
// which a stop signal ends early without skipping anything.
func (g *Hooks) Post(w http.ResponseWriter, r *http.Request) {
	g.next.ServeHTTP(w, r)
	for _, h := range g.hooks {
		if !h(w, r) {
			return
		}
	}
	setSecurityHeaders(w)
}
