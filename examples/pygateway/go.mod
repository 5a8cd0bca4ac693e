module github.com/chainlint/chainlint/examples/pygateway

go 1.23

require (
	github.com/chainlint/chainlint/chain_runtime v0.0.0
	github.com/yuin/gopher-lua v1.1.2
)

replace github.com/chainlint/chainlint/chain_runtime => ../../chain_runtime
