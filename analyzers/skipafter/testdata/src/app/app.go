// Package app runs a chain from package runner: the runners are recognised
// through facts.
package app

import (
	"net/http"

	"runner"
)

type App struct {
	chain   *runner.Chain
	handler func(*runner.Request) *runner.Response
}

func (a *App) Serve(req *runner.Request) *runner.Response {
	if resp := a.chain.RunBefore(req); resp != nil {
		return resp // want `short-circuit response from a.chain.RunBefore is returned here without running the after-chain a.chain.RunAfter and runner.ApplyGlobalHeaders\(resp\)`
	}
	resp := a.handler(req)
	resp = a.chain.RunAfter(req, resp)
	runner.ApplyGlobalHeaders(resp)
	return resp
}

// ServeHTTP runs an HTTPChain from package runner (known by fact).
func ServeHTTP(c *runner.HTTPChain, next http.Handler, w http.ResponseWriter, r *http.Request) {
	if !c.RunBefore(w, r) {
		return // want `short-circuit response from c.RunBefore is returned here without running w.Header\(\).Set\("Cache-Control", "no-store"\); no fix: the before hook has already written the response`
	}
	w.Header().Set("Cache-Control", "no-store")
	next.ServeHTTP(w, r)
}
