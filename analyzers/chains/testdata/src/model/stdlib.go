package model

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sync"
)

// Standard-library calls that take only the library's own short-lived
// locks (sync.Pool, sync.Map, sync.Once, the runtime) do not block.

func Format(n int) error { return fmt.Errorf("n = %d", n) }

func Header(h http.Header) { h.Set("x-id", "1") }

func Kind(v any) string { return reflect.TypeOf(v).String() }

var cache sync.Map

func Cached(k string) (any, bool) { return cache.Load(k) }

var initOnce sync.Once

func Init() { initOnce.Do(func() {}) }

var bufs = sync.Pool{New: func() any { return new([]byte) }}

func Buffer() *[]byte { return bufs.Get().(*[]byte) }

// Negatives: these still block.

func Pipe(r *io.PipeReader, b []byte) (int, error) { return r.Read(b) } // want `fact mayBlock`

func WaitAll(wg *sync.WaitGroup) error { wg.Wait(); return errors.New("done") } // want `fact mayBlock\(calls sync.Wait, which waits on a sync.WaitGroup\)`
