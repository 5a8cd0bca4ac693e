package custom

import "py"

type Req struct{}

type Resp struct{}

type Request struct{} // not a request: -request-types replaced the defaults

func Run(chain []func(*Req) *Req, req *Req, g *py.GIL) *Req { // want `fact runsChain\(before=true, after=false, req=1\)` `fact mayBlock`
	for _, m := range chain { // want `range loop over chain: before \[func\+feeds\]`
		st := py.Ensure() // want `acquire lock pair py.Ensure/py.Release invariant=true`
		req = m(req)
		py.Release(st) // want `release lock pair py.Ensure/py.Release invariant=true`
		g.Enter()      // want `acquire lock pair g \(py.GIL.Enter/py.GIL.Leave\) invariant=true`
		g.Leave()      // want `release lock pair g \(py.GIL.Enter/py.GIL.Leave\) invariant=true`
	}
	return req
}

func TypesCustom(a Req, b *Resp, c Request) {} // want `req:resp true:false false:true false:false`
