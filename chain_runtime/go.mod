module github.com/chainlint/chainlint/chain_runtime

go 1.23
