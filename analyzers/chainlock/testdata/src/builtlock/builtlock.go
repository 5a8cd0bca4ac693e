// Package builtlock holds a lock that package builtimp's closures take.
package builtlock

import "sync"

// Interp guards an embedded interpreter.
var Interp sync.Mutex
