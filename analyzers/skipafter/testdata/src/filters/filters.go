// Package filters recreates, in its own words, the shape of a router whose
// filters run at fixed positions (beego's ControllerRegister.serveHttp):
// one execFilter runs the filters of the position it is given, before the
// router (BeforeRouter) and after the controller (AfterExec,
// FinishRouter). When a BeforeRouter filter has written the response, the
// router jumps with goto past the AfterExec and FinishRouter filters.
package filters

import (
	"net/http"
	"time"
)

// Context is what every filter and controller gets.
type Context struct {
	Request  *http.Request
	Writer   http.ResponseWriter
	Started  bool
	Finished time.Time
}

type FilterFunc func(ctx *Context)

type filterRouter struct {
	pattern        string
	filterFunc     FilterFunc
	returnOnOutput bool
}

const (
	BeforeStatic = iota
	BeforeRouter
	BeforeExec
	AfterExec
	FinishRouter
)

type Router struct {
	filters [FinishRouter + 1][]*filterRouter
	routes  map[string]func(ctx *Context)
	stats   map[string]time.Duration
}

// execFilter runs the filters registered at pos and reports whether one of
// them wrote the response (then the request is finished).
func (p *Router) execFilter(ctx *Context, urlPath string, pos int) (started bool) {
	for _, f := range p.filters[pos] {
		if f.returnOnOutput && ctx.Started {
			return true
		}
		f.filterFunc(ctx)
		if f.returnOnOutput && ctx.Started {
			return true
		}
	}
	return false
}

func (p *Router) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	p.serve(&Context{Request: r, Writer: rw})
}

// serve answers on the context's writer.
func (p *Router) serve(ctx *Context) {
	start := time.Now()
	r, rw := ctx.Request, ctx.Writer
	urlPath := r.URL.Path
	var h func(ctx *Context)

	if len(p.filters[BeforeRouter]) > 0 && p.execFilter(ctx, urlPath, BeforeRouter) {
		goto Admin // want `short-circuit response from p.execFilter\(BeforeRouter\) leaves here by goto Admin without running the after-chain p.execFilter\(AfterExec\) and the after-chain p.execFilter\(FinishRouter\); no fix: `
	}
	h = p.routes[urlPath]
	if h == nil {
		http.NotFound(rw, r)
		goto Admin
	}
	h(ctx)
	if len(p.filters[AfterExec]) > 0 && p.execFilter(ctx, urlPath, AfterExec) {
		goto Admin
	}
	if len(p.filters[FinishRouter]) > 0 {
		p.execFilter(ctx, urlPath, FinishRouter)
	}

Admin:
	p.stats[urlPath] += time.Since(start)
}

// Exec runs the filters at pos for another package's router (known there
// by the RunsChain fact).
func (p *Router) Exec(ctx *Context, pos int) bool {
	return p.execFilter(ctx, ctx.Request.URL.Path, pos)
}

// ServeRouted jumps to the after filters instead: nothing is skipped.
func (p *Router) ServeRouted(rw http.ResponseWriter, r *http.Request) {
	ctx := &Context{Request: r, Writer: rw}
	urlPath := r.URL.Path
	if len(p.filters[BeforeRouter]) > 0 && p.execFilter(ctx, urlPath, BeforeRouter) {
		goto After
	}
	if h := p.routes[urlPath]; h != nil {
		h(ctx)
	}
After:
	if len(p.filters[AfterExec]) > 0 {
		p.execFilter(ctx, urlPath, AfterExec)
	}
	if len(p.filters[FinishRouter]) > 0 {
		p.execFilter(ctx, urlPath, FinishRouter)
	}
}
