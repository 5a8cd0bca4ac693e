//go:build !unix

package chainruntime_test

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
