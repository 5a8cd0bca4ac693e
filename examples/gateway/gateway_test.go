package gateway

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// The tests in this file hold before and after the fix. defects_test.go pins
// the three defects chainlint reports in Serve, as written; fixed_test.go
// (go test -tags chainlint_fixed) states what the fixed code must do.

func mustCompile(t *testing.T, name, src string) *Program {
	t.Helper()
	p, err := Compile(name, src)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newTestServer(t *testing.T, log *[]string) *Server {
	t.Helper()
	auth := mustCompile(t, "auth", "require Authorization\nuser-from Authorization")
	rewrite := mustCompile(t, "rewrite", "# v1 is served by the api backend\nrewrite /v1/ /api/")
	tag := mustCompile(t, "tag", "param backend api")
	h := func(req *Request) (*Response, error) {
		if req.Path == "/api/boom" {
			return nil, errors.New("backend unavailable")
		}
		body := "hello " + req.User + " at " + req.Path + " via " + req.Params["backend"] + "\n"
		return &Response{Status: http.StatusOK, Body: []byte(body)}, nil
	}
	s := NewServer(h, auth, rewrite, tag)
	s.Use(AccessLog(log), RequestID)
	return s
}

func request(path, auth string) *Request {
	h := http.Header{}
	if auth != "" {
		h.Set("Authorization", auth)
	}
	return &Request{ID: "req-1", Method: "GET", Path: path, Header: h, Params: map[string]string{}}
}

func TestServeRunsChainInOrder(t *testing.T) {
	var log []string
	s := newTestServer(t, &log)
	req := request("/v1/items", "Bearer alice")
	resp := s.Serve(req)
	if resp.Status != 200 {
		t.Fatalf("status = %d, want 200", resp.Status)
	}
	// The handler sees every script's rewrite: user, path, param.
	if got, want := string(resp.Body), "hello alice at /api/items via api\n"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("CORS header = %q, want *", got)
	}
	if got := resp.Header.Get("X-Request-Id"); got != "req-1" {
		t.Errorf("X-Request-Id = %q, want req-1", got)
	}
	// Scripts never mutate the caller's request.
	if req.Path != "/v1/items" || req.User != "" {
		t.Errorf("caller's request was mutated: %+v", req)
	}
	// auth (2 instructions) + rewrite (1) + tag (1).
	if s.vm.Steps != 4 {
		t.Errorf("VM steps = %d, want 4", s.vm.Steps)
	}
}

func TestServeHTTP(t *testing.T) {
	var log []string
	srv := httptest.NewServer(newTestServer(t, &log))
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/v1/users", nil)
	req.Header.Set("Authorization", "Bearer carol")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || string(body) != "hello carol at /api/users via api\n" {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("missing global headers: %v", resp.Header)
	}
}

// TestConcurrentServe checks that the VM is only used under vmMu (run with
// -race).
func TestConcurrentServe(t *testing.T) {
	var (
		logMu sync.Mutex
		log   []string
	)
	s := newTestServer(t, new([]string))
	s.after = []After{func(req *Request, resp *Response) *Response {
		logMu.Lock()
		log = append(log, "x")
		logMu.Unlock()
		return resp
	}}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				if resp := s.Serve(request("/v1/x", "Bearer dave")); resp.Status != 200 {
					t.Errorf("status %d", resp.Status)
					return
				}
			}
		}()
	}
	wg.Wait()
	if s.vm.Steps != 8*50*4 || len(log) != 8*50 {
		t.Errorf("steps = %d, after calls = %d; want %d, %d", s.vm.Steps, len(log), 8*50*4, 8*50)
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"frobnicate x", `bad:1: unknown instruction "frobnicate"`},
		{"\nrewrite /a", "bad:2: rewrite takes 2 operands, has 1"},
	} {
		if _, err := Compile("bad", tc.src); err == nil || err.Error() != tc.want {
			t.Errorf("Compile(%q) error = %v, want %s", tc.src, err, tc.want)
		}
	}
}
