// Package filterapp runs the filters package's positions from another
// package: the roles come from the constants it passes, across the
// package boundary.
package filterapp

import "filters"

type App struct {
	R       *filters.Router
	Handler func(ctx *filters.Context)
}

func (a *App) Serve(ctx *filters.Context) {
	if a.R.Exec(ctx, filters.BeforeRouter) {
		return // want `short-circuit response from a.R.Exec\(BeforeRouter\) is returned here without running the after-chain a.R.Exec\(AfterExec\); no fix: the before hook has already written the response`
	}
	a.Handler(ctx)
	a.R.Exec(ctx, filters.AfterExec)
}

// ServeAll runs the after filters on both paths.
func (a *App) ServeAll(ctx *filters.Context) {
	if !a.R.Exec(ctx, filters.BeforeRouter) {
		a.Handler(ctx)
	}
	a.R.Exec(ctx, filters.AfterExec)
}
