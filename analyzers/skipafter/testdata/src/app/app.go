// Package app runs a chain from package runner: the runners are recognised
// through facts.
package app

import "runner"

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
