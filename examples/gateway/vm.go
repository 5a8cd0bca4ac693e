package gateway

import (
	"fmt"
	"strings"
)

// VM is a tiny interpreter for the gateway's middleware scripts: one
// instruction per line, evaluated against the request. Like the embedded
// interpreters real gateways use (gopher-lua, goja, starlark, CPython), a VM
// keeps mutable state between calls and is not safe for concurrent use: the
// Server guards it with a mutex.
//
// Instructions:
//
//	require HEADER           respond 401 unless the request has HEADER
//	user-from HEADER         set the request's user from "Bearer NAME" in HEADER
//	rewrite FROM TO          replace the path prefix FROM with TO
//	param NAME VALUE         set a request parameter
type VM struct {
	// Steps counts the instructions executed over the VM's life.
	Steps int
	// last holds the most recent instruction, for error messages; it is the
	// kind of scratch state that makes a VM unsafe to share without a lock.
	last string
}

// Program is a compiled script.
type Program struct {
	name  string
	lines [][]string
}

// Compile parses src, one instruction per line; blank lines and lines
// starting with # are ignored.
func Compile(name, src string) (*Program, error) {
	p := &Program{name: name}
	for i, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		want := map[string]int{"require": 2, "user-from": 2, "rewrite": 3, "param": 3}[f[0]]
		if want == 0 {
			return nil, fmt.Errorf("%s:%d: unknown instruction %q", name, i+1, f[0])
		}
		if len(f) != want {
			return nil, fmt.Errorf("%s:%d: %s takes %d operands, has %d", name, i+1, f[0], want-1, len(f)-1)
		}
		p.lines = append(p.lines, f)
	}
	return p, nil
}

// Run executes p against req. It returns the (possibly rewritten) request, or
// a response when the script short-circuits the chain.
func (vm *VM) Run(p *Program, req *Request) (*Request, *Response) {
	out := req.Clone()
	for _, f := range p.lines {
		vm.Steps++
		vm.last = p.name + ": " + strings.Join(f, " ")
		switch f[0] {
		case "require":
			if out.Header.Get(f[1]) == "" {
				return req, &Response{Status: 401, Body: []byte("missing " + f[1] + "\n")}
			}
		case "user-from":
			if name, ok := strings.CutPrefix(out.Header.Get(f[1]), "Bearer "); ok {
				out.User = name
			} else {
				return req, &Response{Status: 401, Body: []byte("bad credentials\n")}
			}
		case "rewrite":
			if rest, ok := strings.CutPrefix(out.Path, f[1]); ok {
				out.Path = f[2] + rest
			}
		case "param":
			out.Params[f[1]] = f[2]
		}
	}
	return out, nil
}
