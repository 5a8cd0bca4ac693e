package a

import (
	"errors"
	"strings"
	"time"
)

// Plain lock regions of the same lock next to the phases join their hold.

func convert(path string) *Request { return &Request{Path: strings.TrimPrefix(path, "/v1")} }

func encode(resp *Response) int { return resp.Code * 10 }

// A region before the phases: the request is converted under the lock.
func (s *Server) RegionBefore(path string, handle func(*Request) *Response) *Response {
	s.vmMu.Lock() // converts under the lock
	req := convert(path)
	s.vmMu.Unlock()
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before and s.after, and around the code before them, phases of one call under one lock`
		req = m(req)
		s.vmMu.Unlock()
	}
	resp := handle(req)
	for _, m := range s.after {
		s.vmMu.Lock()
		m(req, resp)
		s.vmMu.Unlock()
	}
	return resp
}

// A region after the phases, with non-blocking code between the last loop
// and it (which joins the hold too).
func (s *Server) RegionAfter(req *Request) int {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before and s.after, and around the code after them, phases`
		req = m(req)
		s.vmMu.Unlock()
	}
	resp := &Response{Code: 200}
	for _, m := range s.after {
		s.vmMu.Lock()
		m(req, resp)
		s.vmMu.Unlock()
	}
	if resp.Code == 0 {
		resp.Code = 204
	}
	s.vmMu.Lock()
	code := encode(resp)
	s.vmMu.Unlock()
	return code
}

// Regions before and after, and the handler's region between the phases:
// the whole request takes the lock once.
func (s *Server) RegionsBoth(path string, handle func(*Request) (*Response, error)) (int, error) {
	s.vmMu.Lock()
	req := convert(path)
	s.vmMu.Unlock()
	var err error
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before and s.after, and around the code before and after them, phases`
		req = m(req)
		s.vmMu.Unlock()
	}
	s.vmMu.Lock()
	resp, err := handle(req)
	s.vmMu.Unlock()
	if err != nil {
		return 0, err // after the region: the hold's deferred Unlock releases
	}
	for _, m := range s.after {
		s.vmMu.Lock()
		m(req, resp)
		s.vmMu.Unlock()
	}
	s.vmMu.Lock()
	code := encode(resp)
	s.vmMu.Unlock()
	return code, nil
}

// Two regions before one loop, and one after: one chain loop with regions
// next to it is a group of its own (one acquisition instead of N + 3).
func (s *Server) RegionsOneChain(path string) int {
	s.vmMu.Lock()
	req := convert(path)
	s.vmMu.Unlock()
	req.Path += "/"
	s.vmMu.Lock()
	req = convert(req.Path)
	s.vmMu.Unlock()
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before, and around the code before and after it, phases of one call under one lock`
		req = m(req)
		s.vmMu.Unlock()
	}
	s.vmMu.Lock()
	code := len(req.Path)
	s.vmMu.Unlock()
	return code
}

// A region on the read side of an RWMutex joins a hold on its write side.
func (s *Server) RegionReadUnderWrite(req *Request) *Request {
	s.cfgMu.RLock()
	req = convert(req.Path)
	s.cfgMu.RUnlock()
	for _, m := range s.before {
		s.cfgMu.Lock() // want `lock s.cfgMu is acquired once per middleware of s.before, and around the code before it, phases`
		req = m(req)
		s.cfgMu.Unlock()
	}
	return req
}

// Negatives: the regions below stay as written.

// A region that blocks: it keeps its own acquisition.
func (s *Server) RegionBlocking(path string) *Request {
	s.vmMu.Lock()
	time.Sleep(time.Millisecond)
	req := convert(path)
	s.vmMu.Unlock()
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
	return req
}

// Code between the region and the loop that blocks.
func (s *Server) RegionGapBlocks(path string, ch chan *Request) *Request {
	s.vmMu.Lock()
	req := convert(path)
	s.vmMu.Unlock()
	ch <- req
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
	return req
}

// A region on another lock.
func (s *Server) RegionOtherLock(path string) *Request {
	s.pmu.Lock()
	req := convert(path)
	s.pmu.Unlock()
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
	return req
}

// A region in a branch, another statement list than the loops'.
func (s *Server) RegionInBranch(path string, fresh bool) *Request {
	req := &Request{Path: path}
	if fresh {
		s.vmMu.Lock()
		req = convert(path)
		s.vmMu.Unlock()
	}
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before and s.after, phases of one call`
		req = m(req)
		s.vmMu.Unlock()
	}
	resp := &Response{}
	for _, m := range s.after {
		s.vmMu.Lock()
		m(req, resp)
		s.vmMu.Unlock()
	}
	return req
}

// A region that returns with the lock held (its caller unlocks): under the
// hold, the deferred Unlock would release it.
func (s *Server) RegionReturnsLocked(path string) (*Request, error) {
	s.vmMu.Lock()
	req := convert(path)
	if req.Path == "" {
		return nil, errors.New("empty path; s.vmMu left held for the caller")
	}
	s.vmMu.Unlock()
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
	return req, nil
}

// The handler's region between the phases returns with the lock held: the
// phases are fixed one by one.
func (s *Server) RegionBetweenReturnsLocked(req *Request, handle func(*Request) (*Response, error)) (*Response, error) {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
	s.vmMu.Lock()
	resp, err := handle(req)
	if err != nil {
		return nil, err
	}
	s.vmMu.Unlock()
	for _, m := range s.after {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.after \(N acquisitions`
		m(req, resp)
		s.vmMu.Unlock()
	}
	return resp, nil
}

// A region with a defer: it would run with the lock held on the way out.
func (s *Server) RegionDefers(path string, done func()) *Request {
	s.vmMu.Lock()
	defer done()
	req := convert(path)
	s.vmMu.Unlock()
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
	return req
}

// A goto out of the region.
func (s *Server) RegionGoto(path string) *Request {
	s.vmMu.Lock()
	req := convert(path)
	if req.Path == "" {
		s.vmMu.Unlock()
		goto out
	}
	s.vmMu.Unlock()
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
out:
	return req
}

// A write region under a read hold would lose its exclusion.
func (s *Server) RegionWriteUnderRead(req *Request) *Request {
	s.cfgMu.Lock()
	req = convert(req.Path)
	s.cfgMu.Unlock()
	for _, m := range s.before {
		s.cfgMu.RLock() // want `read lock s.cfgMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.cfgMu.RUnlock()
	}
	return req
}

// Two loops that cannot share a hold (a send between them), each with a
// region next to it on its side of the send: each region joins its own
// loop's hold, and the send stays outside both.
func (s *Server) RegionBetweenSplitPhases(req *Request, ch chan *Request) *Response {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before, and around the code after it, phases`
		req = m(req)
		s.vmMu.Unlock()
	}
	s.vmMu.Lock()
	req = convert(req.Path)
	s.vmMu.Unlock()
	ch <- req
	s.vmMu.Lock()
	resp := &Response{Code: len(req.Path)}
	s.vmMu.Unlock()
	for _, m := range s.after {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.after, and around the code before it, phases`
		m(req, resp)
		s.vmMu.Unlock()
	}
	return resp
}

// Two loops that cannot share a hold (the second's label would stand
// between them) with a region between them: the region joins one hold
// only, the first loop's.
func (s *Server) RegionBetweenLabeled(req *Request) *Response {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before, and around the code after it, phases`
		req = m(req)
		s.vmMu.Unlock()
	}
	s.vmMu.Lock()
	resp := &Response{Code: len(req.Path)}
	s.vmMu.Unlock()
after:
	for _, m := range s.after {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.after \(N acquisitions`
		if resp.Code < 0 {
			s.vmMu.Unlock()
			break after
		}
		m(req, resp)
		s.vmMu.Unlock()
	}
	return resp
}

// A region on a variable of the same name in a nested block is another
// lock's: the phases are fixed one by one.
func (s *Server) RegionShadowed(req *Request, other *Server) *Response {
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
	{
		s := other
		s.vmMu.Lock()
		req = convert(req.Path)
		s.vmMu.Unlock()
	}
	resp := &Response{}
	for _, m := range s.after {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.after \(N acquisitions`
		m(req, resp)
		s.vmMu.Unlock()
	}
	return resp
}

// The lock's expression assigned between the region and the loop: the
// region was another lock's.
func (s *Server) RegionRebound(req *Request, other *Server) *Request {
	s.vmMu.Lock()
	req = convert(req.Path)
	s.vmMu.Unlock()
	s = other
	for _, m := range s.before {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before \(N acquisitions`
		req = m(req)
		s.vmMu.Unlock()
	}
	return req
}
