package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// runners are the two chain runners every behaviour test runs against: the
// per-middleware-GIL run and the batched runBatched must not differ.
var runners = []struct {
	name    string
	batched bool
}{{"run", false}, {"runBatched", true}}

func load(t *testing.T, path string, batched bool) *Gateway {
	t.Helper()
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	g.Batched = batched
	return g
}

func get(g http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	g.ServeHTTP(w, req)
	return w
}

func TestMiddlewaresRunInOrder(t *testing.T) {
	for _, r := range runners {
		t.Run(r.name, func(t *testing.T) {
			g := load(t, "testdata/order.py", r.batched)
			w := get(g, "/x")
			if w.Code != 200 || w.Body.String() != "at /x" {
				t.Fatalf("got %d %q", w.Code, w.Body)
			}
			if got, want := w.Header().Get("X-Trace"), "b1,b2,b3,handler,a1,a2"; got != want {
				t.Errorf("trace = %q, want %q", got, want)
			}
		})
	}
}

func TestShortCircuitRunsAfterChain(t *testing.T) {
	for _, r := range runners {
		t.Run(r.name, func(t *testing.T) {
			g := load(t, "testdata/order.py", r.batched)
			w := get(g, "/stop-at-b2")
			if w.Code != 403 || w.Header().Get("X-Stopped-By") != "b2" {
				t.Fatalf("got %d %v", w.Code, w.Header())
			}
			// b3 and the handler are skipped; the after-chain still runs.
			if got, want := w.Header().Get("X-Trace"), "b1,b2,a1,a2"; got != want {
				t.Errorf("trace = %q, want %q", got, want)
			}
		})
	}
}

func TestPythonErrorsAre500s(t *testing.T) {
	cases := []struct{ path, want string }{
		{"/raise", "before-middleware check: ValueError: bad token for carol\n"},
		{"/custom", "before-middleware check: QuotaError: quota exceeded\n"},
		{"/noarg", "before-middleware check: RuntimeError\n"},
		{"/wrong-type", "before-middleware check returned a int, want dict or None\n"},
		{"/handler-raise", "handler handler: KeyError: 'missing'\n"},
		{"/handler-none", "handler handler returned a NoneType, want dict\n"},
		{"/after-raise", "after-middleware after: KeyError: 'x-missing'\n"},
		{"/after-wrong-type", "after-middleware after returned a str, want dict or None\n"},
		{"/bad-status", "response status is a str, want int\n"},
		{"/bad-headers", "response headers must map str to str\n"},
	}
	for _, r := range runners {
		t.Run(r.name, func(t *testing.T) {
			g := load(t, "testdata/errors.py", r.batched)
			for _, c := range cases {
				w := get(g, c.path, "X-User", "carol")
				if w.Code != 500 || w.Body.String() != c.want {
					t.Errorf("%s: got %d %q, want 500 %q", c.path, w.Code, w.Body, c.want)
				}
			}
			// The interpreter is still healthy: no exception left pending.
			if w := get(g, "/bytes"); w.Code != 201 || w.Body.String() != "raw\x00bytes" {
				t.Errorf("after errors: got %d %q", w.Code, w.Body)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	for _, c := range []struct{ path, want string }{
		{"testdata/syntax.py", "SyntaxError"},
		{"testdata/notlist.py", "BEFORE is a str, want a list of functions"},
		{"testdata/nohandler.py", "no function handler(req)"},
		{"testdata/absent.py", "no such file"},
	} {
		if _, err := Load(c.path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load(%s) error = %v, want one containing %q", c.path, err, c.want)
		}
	}
}

// TestGILAcquisitions checks the counters the README's explanation rests on:
// run as written takes the GIL around each middleware, 2 + 10 + 1 + 6 = 19
// times per request with the example's 10 before- and 6 after-middlewares;
// runBatched, and run once chainlint -fix has rewritten it, take it once per
// chain, 2 + 1 + 1 + 1 = 5 times. Which form run has is read from its source,
// so the test holds before and after chainlint -fix ./... and fails if the
// fix changes the count in any other way.
func TestGILAcquisitions(t *testing.T) {
	runForm := runLoops(t)
	for _, c := range []struct {
		script        string
		before, after int // the script's chain lengths
	}{{"middlewares.py", 10, 6}, {"testdata/order.py", 3, 2}} {
		for _, r := range runners {
			perChain := func(chain string, n int) int64 {
				if r.batched || runForm[chain] {
					return 1 // one acquisition for the whole chain
				}
				return int64(n) // one per middleware
			}
			// ServeHTTP's two conversions, the handler, and the chains;
			// run fixed with one hold for its phases takes the GIL once.
			want := 2 + perChain("before", c.before) + 1 + perChain("after", c.after)
			if !r.batched && runForm[sharedHold] {
				want = 2 + 1
			}
			g := load(t, c.script, r.batched)
			const n = 20
			for i := 0; i < n; i++ {
				if w := get(g, "/v1/items", "Authorization", "Bearer alice"); w.Code != 200 {
					t.Fatalf("%s: got %d %q", c.script, w.Code, w.Body)
				}
			}
			s := g.Stats()
			if s.Requests != n || s.Acquisitions != n*want {
				t.Errorf("%s, %s (run batched: %v): %d requests, %d acquisitions; want %d, %d (%d per request)",
					c.script, r.name, runForm, s.Requests, s.Acquisitions, n, n*want, want)
			}
			if s.Handoffs > s.Acquisitions || s.EnsureNanos <= 0 {
				t.Errorf("%s, %s: implausible counters %+v", c.script, r.name, s)
			}
		}
	}
	// The figures the README quotes.
	if runForm[sharedHold] {
		t.Log("run as chainlint -fix rewrote it, its phases under one hold: 3 acquisitions per request with middlewares.py")
	} else if !runForm["before"] && !runForm["after"] {
		t.Log("run as written: 19 acquisitions per request with middlewares.py")
	} else {
		t.Log("run as chainlint -fix rewrote it: 5 acquisitions per request with middlewares.py")
	}
}

// sharedHold is the key of runLoops's result that says run takes one hold
// for all its phases (hold := chainruntime.NewHold(...); hold.Lock()).
const sharedHold = "shared hold"

// runLoops reads gateway.go and reports, for run's loops over g.before and
// g.after, whether each ranges over chainruntime.Batched or BatchedHold (as
// chainlint -fix rewrites it) rather than over the chain itself (as
// written), and under sharedHold whether run locks a hold before them.
func runLoops(t *testing.T) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "gateway.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	batched := make(map[string]bool)
	found := 0
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != "run" || fd.Recv == nil {
			continue
		}
		holds := map[string]bool{}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 {
				if call, ok := as.Rhs[0].(*ast.CallExpr); ok {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "NewHold" {
						holds[types.ExprString(as.Lhs[0])] = true
					}
				}
			}
			if es, ok := n.(*ast.ExprStmt); ok {
				if call, ok := es.X.(*ast.CallExpr); ok {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Lock" && holds[types.ExprString(sel.X)] {
						batched[sharedHold] = true
					}
				}
			}
			rs, ok := n.(*ast.RangeStmt)
			if !ok {
				return true
			}
			x := rs.X
			if call, ok := x.(*ast.CallExpr); ok && len(call.Args) > 1 {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Batched" || sel.Sel.Name == "BatchedHold") {
					x = call.Args[1]
					if chain, ok := x.(*ast.SelectorExpr); ok {
						batched[chain.Sel.Name] = true
					}
				}
			}
			if chain, ok := x.(*ast.SelectorExpr); ok && (chain.Sel.Name == "before" || chain.Sel.Name == "after") {
				found++
			}
			return true
		})
	}
	if found != 2 {
		t.Fatalf("gateway.go: found %d loops over g.before and g.after in run, want 2: the test no longer knows the runner", found)
	}
	return batched
}

func TestExampleMiddlewares(t *testing.T) {
	for _, r := range runners {
		t.Run(r.name, func(t *testing.T) {
			g := load(t, "middlewares.py", r.batched)
			w := get(g, "/v1/items?a=1", "Authorization", "Bearer alice", "X-Tenant", "acme")
			if w.Code != 200 || w.Body.String() != "hello alice from acme at /items\n" {
				t.Fatalf("got %d %q", w.Code, w.Body)
			}
			h := w.Header()
			if h.Get("X-User") != "alice" || h.Get("X-Flags") != "new-search,beta-billing" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("headers %v", h)
			}
			w = get(g, "/v1/items")
			if w.Code != 401 || w.Header().Get("Strict-Transport-Security") == "" {
				t.Errorf("unauthenticated: got %d %v", w.Code, w.Header())
			}
			w = get(g, "/boom", "Authorization", "Bearer bob")
			if w.Code != 500 || w.Body.String() != "before-middleware fail_on_demand: ValueError: boom requested by bob\n" {
				t.Errorf("boom: got %d %q", w.Code, w.Body)
			}
		})
	}
}

// TestConcurrentRequests serves from many goroutines over real HTTP: the GIL
// is the only thing serialising Python, so this is where a missing Lock or a
// thread-state mix-up would crash.
func TestConcurrentRequests(t *testing.T) {
	for _, r := range runners {
		t.Run(r.name, func(t *testing.T) {
			g := load(t, "middlewares.py", r.batched)
			srv := httptest.NewServer(g)
			defer srv.Close()
			var wg sync.WaitGroup
			for i := 0; i < 8; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := 0; j < 25; j++ {
						req, _ := http.NewRequest("GET", srv.URL+"/v1/x", nil)
						req.Header.Set("Authorization", "Bearer dave")
						resp, err := srv.Client().Do(req)
						if err != nil {
							t.Error(err)
							return
						}
						body, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 || string(body) != "hello dave from default at /x\n" {
							t.Errorf("got %d %q", resp.StatusCode, body)
							return
						}
					}
				}()
			}
			wg.Wait()
			if s := g.Stats(); s.Requests != 200 {
				t.Errorf("requests = %d, want 200", s.Requests)
			}
		})
	}
}
