module example.com/requirementfixture

go 1.23
