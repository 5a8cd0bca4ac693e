module example.com/skipafterfixture

go 1.23
