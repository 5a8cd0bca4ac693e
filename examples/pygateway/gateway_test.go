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

// runners are the two serving functions every behaviour test runs against:
// serve (as written, or as chainlint -fix rewrote it) and the hand-batched
// serveBatched must not differ.
var runners = []struct {
	name    string
	batched bool
}{{"serve", false}, {"serveBatched", true}}

func load(t *testing.T, path string, batched bool) *Gateway {
	t.Helper()
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	g.BatchedLocker = batched
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

// TestGILAcquisitions checks the counters the README's explanation rests on,
// per request on the path where every middleware runs. Which form each
// serving function has is read from gateway.go, so that the test holds before
// and after chainlint -fix ./... and fails if the fix changes the count in
// any other way than the form says.
func TestGILAcquisitions(t *testing.T) {
	// perRequest is the exact count for each form and script.
	perRequest := map[form]map[string]int64{
		// The request conversion, each before-middleware, the handler,
		// each after-middleware, the response conversion.
		asWritten: {"middlewares.py": 1 + 10 + 1 + 6 + 1, "testdata/order.py": 1 + 3 + 1 + 2 + 1},
		// One acquisition per chain: the conversions, the before-chain,
		// the handler, the after-chain.
		eachChain: {"middlewares.py": 5, "testdata/order.py": 5},
		// One hold for the chains and the handler, the conversions apart.
		holdChains: {"middlewares.py": 3, "testdata/order.py": 3},
		// One hold for the whole request.
		holdAll: {"middlewares.py": 1, "testdata/order.py": 1},
	}
	for _, r := range runners {
		fn := r.name
		f := formOf(t, fn)
		for _, script := range []string{"middlewares.py", "testdata/order.py"} {
			want := perRequest[f][script]
			g := load(t, script, r.batched)
			const n = 20
			for i := 0; i < n; i++ {
				if w := get(g, "/v1/items", "Authorization", "Bearer alice"); w.Code != 200 {
					t.Fatalf("%s: got %d %q", script, w.Code, w.Body)
				}
			}
			s := g.Stats()
			if s.Requests != n || s.Acquisitions != n*want {
				t.Errorf("%s, %s (%s): %d requests, %d acquisitions; want %d, %d (%d per request)",
					script, fn, f, s.Requests, s.Acquisitions, n, n*want, want)
			}
			if s.Handoffs > s.Acquisitions || s.EnsureNanos <= 0 {
				t.Errorf("%s, %s: implausible counters %+v", script, fn, s)
			}
		}
		// The figures the README quotes.
		t.Logf("%s is %s: %d GIL acquisitions per request with middlewares.py", fn, f, perRequest[f]["middlewares.py"])
	}
}

// A form is how a serving function takes the GIL.
type form string

const (
	asWritten  form = "as written"                     // around each step
	eachChain  form = "each chain batched"             // a BatchedLocker loop per chain, the other steps as written
	holdChains form = "one hold for the chains"        // the chains and the handler under one hold, the conversions apart
	holdAll    form = "one hold for the whole request" // conversions included
)

// formOf reads the method fn of gateway.go and tells its form from its
// GIL statements: g.gil.Lock() calls, loops over g.before and g.after
// ranging over the chain itself or over chainruntime.BatchedLocker/Batched,
// and a hold's Lock() before them. Any other shape fails the test: the test
// no longer knows the runner.
func formOf(t *testing.T, fn string) form {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "gateway.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var body *ast.BlockStmt
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == fn && fd.Recv != nil {
			body = fd.Body
		}
	}
	if body == nil {
		t.Fatalf("gateway.go: no method %s", fn)
	}
	var gilLocks, plain, batched int
	holds, holdLocked := map[string]bool{}, false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if call, ok := n.Rhs[0].(*ast.CallExpr); ok && len(n.Lhs) == 1 && selName(call.Fun) == "NewHold" {
				holds[types.ExprString(n.Lhs[0])] = true
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Lock" {
				switch x := types.ExprString(sel.X); {
				case x == "g.gil":
					gilLocks++
				case holds[x]:
					holdLocked = true
				}
			}
		case *ast.RangeStmt:
			x := n.X
			if call, ok := x.(*ast.CallExpr); ok && len(call.Args) > 1 && (selName(call.Fun) == "BatchedLocker" || selName(call.Fun) == "Batched") {
				x = call.Args[1]
				if isChain(x) {
					batched++
				}
			} else if isChain(x) {
				plain++
			}
		}
		return true
	})
	switch {
	case plain == 2 && batched == 0 && !holdLocked && gilLocks == 5: // 2 conversions, the handler, 2 loops
		return asWritten
	case plain == 0 && batched == 2 && !holdLocked && gilLocks == 3:
		return eachChain
	case plain == 0 && batched == 2 && holdLocked && gilLocks == 2:
		return holdChains
	case plain == 0 && batched == 2 && holdLocked && gilLocks == 0:
		return holdAll
	}
	t.Fatalf("gateway.go: %s has %d loops over the chains, %d over BatchedLocker, %d g.gil.Lock() calls, a hold locked: %v: a form the test does not know",
		fn, plain, batched, gilLocks, holdLocked)
	return ""
}

// selName returns the selected name of x.Sel, or "".
func selName(x ast.Expr) string {
	if sel, ok := x.(*ast.SelectorExpr); ok {
		return sel.Sel.Name
	}
	return ""
}

// isChain reports whether x is g.before or g.after.
func isChain(x ast.Expr) bool {
	s := types.ExprString(x)
	return s == "g.before" || s == "g.after"
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
