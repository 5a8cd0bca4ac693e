module example.com/droprequestfixture

go 1.23
