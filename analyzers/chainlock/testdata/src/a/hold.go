package a

import "sync"

// The fast form (a Hold whose Unlock the function defers) and where the
// fix keeps the BatchedLocker form instead.

// A name hold is taken in the function: the fix picks hold2.
func (s *Server) HoldTaken(req *Request) *Request {
	hold := 1
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
		req = m(req)
		s.vmMu.Unlock()
	}
	_ = hold
	return req
}

// Two loops of one function, fixed one by one (a send between them may
// block), take different names.
func (s *Server) TwoLoops(req *Request, ch chan *Request) *Request {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
		req = m(req)
		s.vmMu.Unlock()
	}
	ch <- req
	for _, h := range s.hooks {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.hooks`
		req = h.Serve(req)
		s.vmMu.Unlock()
	}
	return req
}

// Inside another loop: the hold is declared before the outer loop (one
// deferred Unlock per outer iteration would pile up) and serves every
// iteration.
func (s *Server) Nested(reqs []*Request) {
	for i, req := range reqs {
		for _, m := range s.before {
			s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
			req = m(req)
			s.vmMu.Unlock()
		}
		reqs[i] = req
	}
}

// In a function literal inside a loop: the literal is the function that
// defers, once per call.
func (s *Server) LiteralInLoop(reqs []*Request) {
	for i := range reqs {
		func() {
			for _, m := range s.before {
				s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
				reqs[i] = m(reqs[i])
				s.vmMu.Unlock()
			}
		}()
	}
}

// The body defers a call, which on a panic would run before the hold's
// Unlock, with the lock held: BatchedLocker.
func (s *Server) BodyDefers(req *Request, log func(string)) *Request {
	for _, m := range s.before {
		defer log("done")
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
		req = m(req)
		s.vmMu.Unlock()
	}
	return req
}

// A goto jumps back across the loop: the hold is declared at the top of
// the function, where no goto crosses it.
func (s *Server) GotoBack(req *Request) *Request {
again:
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
		req = m(req)
		s.vmMu.Unlock()
	}
	if req == nil {
		goto again
	}
	return req
}

// A goto from the loop body to after it keeps its meaning: the iterator
// releases the lock as the loop is left.
func (s *Server) GotoOut(req *Request) *Request {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
		next := m(req)
		s.vmMu.Unlock()
		if next == nil {
			goto done
		}
		req = next
	}
done:
	return req
}

// In a case clause of a switch.
func (s *Server) InCase(req *Request, fast bool) *Request {
	switch {
	case fast:
		// run the chain
		for _, m := range s.before {
			s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
			req = m(req)
			s.vmMu.Unlock()
		}
	}
	return req
}

// Inside a loop whose iterations change the lock: a hold before the outer
// loop would lock the first server's mutex for all, so BatchedLocker.
func PerServer(servers []*Server, req *Request) *Request {
	for _, srv := range servers {
		for _, m := range srv.before {
			srv.vmMu.Lock() // want `lock srv.vmMu is acquired once per middleware of srv.before`
			req = m(req)
			srv.vmMu.Unlock()
		}
	}
	return req
}

// The outer loop is labeled and continued from the inner one: the hold
// goes before the label.
func (s *Server) Labeled(batches [][]*Request) {
outer:
	for _, reqs := range batches {
		for i, req := range reqs {
			for _, m := range s.before {
				s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before`
				req = m(req)
				s.vmMu.Unlock()
				if req == nil {
					continue outer
				}
			}
			reqs[i] = req
		}
	}
}

// A goto jumps back across the loop and the lock is chosen after the top
// of the function: BatchedLocker.
func (s *Server) GotoPicked(req *Request, pick func() *sync.Mutex) *Request {
	mu := pick()
again:
	for _, m := range s.before {
		mu.Lock() // want `lock mu is acquired once per middleware of s.before`
		req = m(req)
		mu.Unlock()
	}
	if req == nil {
		goto again
	}
	return req
}
