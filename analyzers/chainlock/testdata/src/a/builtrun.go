package a

// The runner of LdEngine's chain, built in built.go.
func (eng *LdEngine) Run(r *Request) {
	for _, st := range eng.steps {
		st(r)
	}
}
