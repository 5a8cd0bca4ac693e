package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chainlint/chainlint/examples/pygateway/luagw"
)

// TestLuaIsTheSameChain checks that the counter-example really runs the same
// chain: middlewares.lua answers every request as middlewares.py does.
func TestLuaIsTheSameChain(t *testing.T) {
	py := load(t, "middlewares.py", false)
	lg, err := luagw.Load("middlewares.lua")
	if err != nil {
		t.Fatal(err)
	}
	reqs := []struct{ path, auth, tenant string }{
		{"/v1/items?a=1&b=2", "Bearer alice", "acme"},
		{"/v1/items", "Bearer bob", ""},
		{"/other", "Bearer carol", "nope"},
		{"/v1/items", "", ""},
		{"/v1/items", "Basic xyz", ""},
	}
	for _, r := range reqs {
		h := []string{"Authorization", r.auth, "X-Request-Id", "fixed-id"}
		if r.tenant != "" {
			h = append(h, "X-Tenant", r.tenant)
		}
		a, b := get(py, r.path, h...), get(lg, r.path, h...)
		if a.Code != b.Code || a.Body.String() != b.Body.String() {
			t.Errorf("%+v: python %d %q, lua %d %q", r, a.Code, a.Body, b.Code, b.Body)
		}
		for _, k := range []string{"X-User", "X-Flags", "X-Request-Id", "Access-Control-Allow-Origin", "X-Frame-Options", "Strict-Transport-Security"} {
			if a.Header().Get(k) != b.Header().Get(k) {
				t.Errorf("%+v: %s: python %q, lua %q", r, k, a.Header().Get(k), b.Header().Get(k))
			}
		}
	}
}

// BenchmarkGateway compares the per-middleware runner with the batched one
// (serveBatched, the code chainlint -fix produces), in process: each op is one
// request through ServeHTTP with 10 before- and 6 after-middlewares, the
// request and response conversions included, the network not. "par1" is one
// goroutine; "parallel" is 8 goroutines per GOMAXPROCS, contending for the
// lock as concurrent connections do. The python rows report, per request, GIL
// acquisitions, hand-offs to another OS thread, and nanoseconds inside
// PyGILState_Ensure and PyGILState_Release (summed over goroutines); the lua rows (one gopher-lua state behind a sync.Mutex) are the
// counter-example.
func BenchmarkGateway(b *testing.B) {
	type gw interface {
		http.Handler
	}
	engines := []struct {
		name string
		load func(batched bool) (gw, func() (acq, handoffs, ensureNs, releaseNs int64), error)
	}{
		{"python", func(batched bool) (gw, func() (int64, int64, int64, int64), error) {
			g, err := Load("middlewares.py")
			if err != nil {
				return nil, nil, err
			}
			g.BatchedLocker = batched
			return g, func() (int64, int64, int64, int64) {
				s := g.Stats()
				return s.Acquisitions, s.Handoffs, s.EnsureNanos, s.ReleaseNanos
			}, nil
		}},
		{"lua", func(batched bool) (gw, func() (int64, int64, int64, int64), error) {
			g, err := luagw.Load("middlewares.lua")
			if err != nil {
				return nil, nil, err
			}
			g.BatchedLocker = batched
			return g, nil, nil
		}},
	}
	for _, e := range engines {
		for _, runner := range []string{"loop", "batched"} {
			for _, par := range []string{"par1", "parallel"} {
				b.Run(e.name+"/"+runner+"/"+par, func(b *testing.B) {
					g, stats, err := e.load(runner == "batched")
					if err != nil {
						b.Fatal(err)
					}
					req := httptest.NewRequest("GET", "/v1/items?a=1", nil)
					req.Header.Set("Authorization", "Bearer alice")
					serve := func() {
						w := httptest.NewRecorder()
						g.ServeHTTP(w, req)
						if w.Code != 200 {
							b.Fatalf("status %d: %s", w.Code, w.Body)
						}
					}
					var a0, h0, e0, r0 int64
					if stats != nil {
						a0, h0, e0, r0 = stats()
					}
					b.ReportAllocs()
					b.ResetTimer()
					if par == "par1" {
						for i := 0; i < b.N; i++ {
							serve()
						}
					} else {
						b.SetParallelism(8)
						b.RunParallel(func(pb *testing.PB) {
							for pb.Next() {
								serve()
							}
						})
					}
					b.StopTimer()
					if stats != nil {
						a, h, e, r := stats()
						n := float64(b.N)
						b.ReportMetric(float64(a-a0)/n, "gil-acq/op")
						b.ReportMetric(float64(h-h0)/n, "handoffs/op")
						b.ReportMetric(float64(e-e0)/n, "ensure-ns/op")
						b.ReportMetric(float64(r-r0)/n, "release-ns/op")
					}
				})
			}
		}
	}
}
