// Command pygateway is an HTTP gateway whose middlewares are Python
// functions run by an embedded CPython (or, for comparison, Lua functions run
// by gopher-lua). See README.md.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"

	"github.com/chainlint/chainlint/examples/pygateway/luagw"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	engine := flag.String("engine", "python", "middleware engine: python or lua")
	file := flag.String("middlewares", "", "middleware file (default middlewares.py or middlewares.lua)")
	batched := flag.Bool("batched", false, "use the hand-batched serveBatched instead of serve")
	flag.Parse()

	mux := http.NewServeMux()
	switch *engine {
	case "python":
		if *file == "" {
			*file = "middlewares.py"
		}
		g, err := Load(*file)
		if err != nil {
			log.Fatal(err)
		}
		g.BatchedLocker = *batched
		mux.Handle("/", g)
		mux.Handle("/debug/gil", statsHandler(func() any { return g.Stats() }, g.ResetStats))
	case "lua":
		if *file == "" {
			*file = "middlewares.lua"
		}
		g, err := luagw.Load(*file)
		if err != nil {
			log.Fatal(err)
		}
		g.BatchedLocker = *batched
		mux.Handle("/", g)
		mux.Handle("/debug/gil", statsHandler(func() any { return g.Stats() }, g.ResetStats))
	default:
		log.Fatalf("unknown -engine %q", *engine)
	}
	log.Printf("pygateway (%s) listening on %s", *engine, *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}

// statsHandler serves stats() as JSON; with ?reset=1 it then calls reset, so
// that a benchmark can read and zero the counters in one request.
func statsHandler(stats func() any, reset func()) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(stats())
		if r.URL.Query().Get("reset") != "" {
			reset()
		}
	})
}
