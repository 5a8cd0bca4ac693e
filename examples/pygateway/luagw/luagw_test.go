package luagw

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func get(g *Gateway, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	g.ServeHTTP(w, req)
	return w
}

func TestChain(t *testing.T) {
	for _, batched := range []bool{false, true} {
		g, err := Load("testdata/order.lua")
		if err != nil {
			t.Fatal(err)
		}
		g.BatchedLocker = batched
		for _, c := range []struct {
			path  string
			code  int
			trace string
		}{
			{"/x", 200, "b1,b2,b3,handler,a1,a2,"},
			{"/stop-at-b2", 403, "b1,b2,a1,a2,"},
		} {
			w := get(g, c.path)
			if w.Code != c.code || w.Header().Get("X-Trace") != c.trace {
				t.Errorf("batched=%v %s: got %d trace %q, want %d %q", batched, c.path, w.Code, w.Header().Get("X-Trace"), c.code, c.trace)
			}
		}
		w := get(g, "/raise")
		if want := "handler: testdata/order.lua:21: handler failed\n"; w.Code != 500 || w.Body.String() != want {
			t.Errorf("batched=%v: got %d %q, want 500 %q", batched, w.Code, w.Body, want)
		}
	}
}

func TestExampleMiddlewares(t *testing.T) {
	g, err := Load("../middlewares.lua")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				w := get(g, "/v1/items?a=1", "Authorization", "Bearer alice", "X-Tenant", "acme")
				if w.Code != 200 || w.Body.String() != "hello alice from acme at /items\n" || w.Header().Get("X-Flags") != "new-search,beta-billing" {
					t.Errorf("got %d %q %v", w.Code, w.Body, w.Header())
					return
				}
			}
		}()
	}
	wg.Wait()
	if w := get(g, "/v1/items"); w.Code != 401 || w.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("unauthenticated: got %d %v", w.Code, w.Header())
	}
	if w := get(g, "/boom", "Authorization", "Bearer bob"); w.Code != 500 || !strings.HasSuffix(w.Body.String(), "boom requested by bob\n") {
		t.Errorf("boom: got %d %q", w.Code, w.Body)
	}
	if s := g.Stats(); s.Requests != 202 {
		t.Errorf("requests = %d, want 202", s.Requests)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load("testdata/absent.lua"); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}
