module example.com/composefixture

go 1.23

require github.com/chainlint/chainlint/chain_runtime v0.0.0

replace github.com/chainlint/chainlint/chain_runtime => ../../../chain_runtime
