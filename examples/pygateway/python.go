package main

/*
#cgo pkg-config: python3-embed
#define PY_SSIZE_T_CLEAN
#include <Python.h>

// Macros and variadic functions cgo cannot call directly.
static void pg_decref(PyObject *o) { Py_XDECREF(o); }
static void pg_incref(PyObject *o) { Py_XINCREF(o); }
static int pg_is_none(PyObject *o) { return o == Py_None; }
static int pg_is_dict(PyObject *o) { return PyDict_Check(o); }
static int pg_is_list(PyObject *o) { return PyList_Check(o); }
static int pg_is_str(PyObject *o) { return PyUnicode_Check(o); }
static int pg_is_bytes(PyObject *o) { return PyBytes_Check(o); }
static int pg_is_int(PyObject *o) { return PyLong_Check(o); }
static const char *pg_type_name(PyObject *o) { return Py_TYPE(o)->tp_name; }
static PyObject *pg_call2(PyObject *f, PyObject *a, PyObject *b) {
	return PyObject_CallFunctionObjArgs(f, a, b, NULL);
}

// pg_error returns "Type: message" for the pending exception, as a new str
// reference, and clears the exception. NULL if there was none.
static PyObject *pg_error(void) {
	PyObject *type, *value, *tb, *msg = NULL;
	PyErr_Fetch(&type, &value, &tb);
	if (type == NULL) return NULL;
	PyErr_NormalizeException(&type, &value, &tb);
	PyObject *s = value ? PyObject_Str(value) : NULL;
	const char *name = PyType_Check(type) ? ((PyTypeObject *)type)->tp_name : "Exception";
	if (s != NULL && PyUnicode_GetLength(s) > 0) {
		msg = PyUnicode_FromFormat("%s: %U", name, s);
	} else {
		msg = PyUnicode_FromString(name);
	}
	Py_XDECREF(s);
	Py_XDECREF(type); Py_XDECREF(value); Py_XDECREF(tb);
	PyErr_Clear();
	return msg;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// The embedded interpreter. Every function here whose comment says "GIL
// held" must be called by a goroutine holding the GIL (gil.Lock).

var (
	initOnce sync.Once
	initErr  error
)

// initPython starts the interpreter once per process and releases the GIL
// from the initialising thread (PyEval_SaveThread), so that request
// goroutines take it with PyGILState_Ensure.
func initPython() error {
	initOnce.Do(func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		C.Py_InitializeEx(0) // no signal handlers: Go owns signals
		if C.Py_IsInitialized() == 0 {
			initErr = errors.New("python: Py_InitializeEx failed")
			return
		}
		C.PyEval_SaveThread()
	})
	return initErr
}

// pyErr converts the pending Python exception into a Go error. GIL held.
func pyErr(context string) error {
	msg := C.pg_error()
	if msg == nil {
		return fmt.Errorf("%s: failed without a Python exception", context)
	}
	defer C.pg_decref(msg)
	return &PythonError{Where: context, Msg: goString(msg)}
}

// A PythonError is an exception raised by Python code.
type PythonError struct {
	Where string // "before-middleware auth"
	Msg   string // "ValueError: bad token"
}

func (e *PythonError) Error() string { return e.Where + ": " + e.Msg }

// goString returns the Go string for a Python str. GIL held.
func goString(o *C.PyObject) string {
	var n C.Py_ssize_t
	p := C.PyUnicode_AsUTF8AndSize(o, &n)
	if p == nil {
		C.PyErr_Clear()
		return "<unprintable " + C.GoString(C.pg_type_name(o)) + ">"
	}
	return C.GoStringN(p, C.int(n))
}

// pyStr returns a new Python str for s. GIL held.
func pyStr(s string) *C.PyObject {
	return C.PyUnicode_FromStringAndSize((*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.Py_ssize_t(len(s)))
}

// setItem sets d[k] = v and releases the caller's reference to v. GIL held.
func setItem(d *C.PyObject, k string, v *C.PyObject) {
	ck := pyStr(k)
	C.PyDict_SetItem(d, ck, v)
	C.pg_decref(ck)
	C.pg_decref(v)
}

// loadModule executes the Python file at path as a module named name. GIL
// held.
func loadModule(name, path string) (*C.PyObject, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	csrc, cpath, cname := C.CString(string(src)), C.CString(path), C.CString(name)
	defer C.free(unsafe.Pointer(csrc))
	defer C.free(unsafe.Pointer(cpath))
	defer C.free(unsafe.Pointer(cname))
	code := C.Py_CompileString(csrc, cpath, C.Py_file_input)
	if code == nil {
		return nil, pyErr(path)
	}
	defer C.pg_decref(code)
	mod := C.PyImport_ExecCodeModuleEx(cname, code, cpath)
	if mod == nil {
		return nil, pyErr(path)
	}
	return mod, nil
}

// callable is a Python function with the name it is reported by.
type callable struct {
	name string
	fn   *C.PyObject
}

// attrCallables returns the callables in the list mod.attr. GIL held.
func attrCallables(mod *C.PyObject, attr string) ([]callable, error) {
	cattr := C.CString(attr)
	defer C.free(unsafe.Pointer(cattr))
	list := C.PyObject_GetAttrString(mod, cattr)
	if list == nil {
		C.PyErr_Clear()
		return nil, nil // no such list: empty chain
	}
	defer C.pg_decref(list)
	if C.pg_is_list(list) == 0 {
		return nil, fmt.Errorf("%s is a %s, want a list of functions", attr, C.GoString(C.pg_type_name(list)))
	}
	var out []callable
	for i := C.Py_ssize_t(0); i < C.PyList_Size(list); i++ {
		f := C.PyList_GetItem(list, i) // borrowed
		if C.PyCallable_Check(f) == 0 {
			return nil, fmt.Errorf("%s[%d] is a %s, not callable", attr, i, C.GoString(C.pg_type_name(f)))
		}
		C.pg_incref(f)
		out = append(out, callable{name: funcName(f), fn: f})
	}
	return out, nil
}

// funcName returns f.__name__, or its type name. GIL held.
func funcName(f *C.PyObject) string {
	cname := C.CString("__name__")
	defer C.free(unsafe.Pointer(cname))
	n := C.PyObject_GetAttrString(f, cname)
	if n == nil || C.pg_is_str(n) == 0 {
		C.PyErr_Clear()
		C.pg_decref(n)
		return C.GoString(C.pg_type_name(f))
	}
	defer C.pg_decref(n)
	return goString(n)
}

// newPyRequest converts r (with its body already read) to the dict the
// middlewares see:
//
//	{"method": str, "path": str, "query": str, "headers": {lowercase name: str}, "body": bytes}
//
// GIL held.
func newPyRequest(r *http.Request, body []byte) *C.PyObject {
	d := C.PyDict_New()
	setItem(d, "method", pyStr(r.Method))
	setItem(d, "path", pyStr(r.URL.Path))
	setItem(d, "query", pyStr(r.URL.RawQuery))
	h := C.PyDict_New()
	for k, vs := range r.Header {
		setItem(h, strings.ToLower(k), pyStr(strings.Join(vs, ", ")))
	}
	setItem(d, "headers", h)
	var p *C.char
	if len(body) > 0 {
		p = (*C.char)(unsafe.Pointer(&body[0]))
	}
	setItem(d, "body", C.PyBytes_FromStringAndSize(p, C.Py_ssize_t(len(body))))
	return d
}

// written is a response converted back to Go.
type written struct {
	status int
	header http.Header
	body   []byte
}

// goResponse converts a response dict {"status": int, "headers": dict, "body":
// str or bytes} to Go; missing keys default to 200, no headers, empty body.
// GIL held.
func goResponse(d *C.PyObject) (written, error) {
	out := written{status: http.StatusOK, header: http.Header{}}
	if st := item(d, "status"); st != nil {
		if C.pg_is_int(st) == 0 {
			return out, fmt.Errorf("response status is a %s, want int", C.GoString(C.pg_type_name(st)))
		}
		out.status = int(C.PyLong_AsLong(st))
		if out.status < 100 || out.status > 999 {
			return out, fmt.Errorf("response status %d out of range", out.status)
		}
	}
	if h := item(d, "headers"); h != nil {
		if C.pg_is_dict(h) == 0 {
			return out, fmt.Errorf("response headers is a %s, want dict", C.GoString(C.pg_type_name(h)))
		}
		var pos C.Py_ssize_t
		var k, v *C.PyObject
		for C.PyDict_Next(h, &pos, &k, &v) != 0 {
			if C.pg_is_str(k) == 0 || C.pg_is_str(v) == 0 {
				return out, errors.New("response headers must map str to str")
			}
			out.header.Set(goString(k), goString(v))
		}
	}
	if b := item(d, "body"); b != nil {
		switch {
		case C.pg_is_str(b) != 0:
			out.body = []byte(goString(b))
		case C.pg_is_bytes(b) != 0:
			out.body = C.GoBytes(unsafe.Pointer(C.PyBytes_AsString(b)), C.int(C.PyBytes_Size(b)))
		default:
			return out, fmt.Errorf("response body is a %s, want str or bytes", C.GoString(C.pg_type_name(b)))
		}
	}
	return out, nil
}

// item returns d[k] (borrowed) or nil. GIL held.
func item(d *C.PyObject, k string) *C.PyObject {
	ck := pyStr(k)
	defer C.pg_decref(ck)
	return C.PyDict_GetItem(d, ck)
}

// pyObject lets the cgo-free files hold Python objects.
type pyObject = C.PyObject

// pyBefore wraps a Python before-middleware, def f(req) -> None | dict. None
// continues the chain; a dict is a response that ends it. GIL held when
// called.
func pyBefore(c callable) Before {
	return func(req *Request) (*Response, error) {
		r := C.PyObject_CallOneArg(c.fn, req.dict)
		if r == nil {
			return nil, pyErr("before-middleware " + c.name)
		}
		if C.pg_is_none(r) != 0 {
			C.pg_decref(r)
			return nil, nil
		}
		if C.pg_is_dict(r) == 0 {
			defer C.pg_decref(r)
			return nil, fmt.Errorf("before-middleware %s returned a %s, want dict or None", c.name, C.GoString(C.pg_type_name(r)))
		}
		return &Response{dict: r}, nil
	}
}

// pyHandler wraps the Python handler, def handler(req) -> dict. GIL held when
// called.
func pyHandler(c callable) Handler {
	return func(req *Request) (*Response, error) {
		r := C.PyObject_CallOneArg(c.fn, req.dict)
		if r == nil {
			return nil, pyErr("handler " + c.name)
		}
		if C.pg_is_dict(r) == 0 {
			defer C.pg_decref(r)
			return nil, fmt.Errorf("handler %s returned a %s, want dict", c.name, C.GoString(C.pg_type_name(r)))
		}
		return &Response{dict: r}, nil
	}
}

// pyAfter wraps a Python after-middleware, def f(req, resp) -> None | dict.
// None keeps resp (possibly changed in place); a dict replaces it. The
// wrapper consumes resp: on error it has released it. GIL held when called.
func pyAfter(c callable) After {
	return func(req *Request, resp *Response) (*Response, error) {
		r := C.pg_call2(c.fn, req.dict, resp.dict)
		if r == nil {
			resp.free()
			return nil, pyErr("after-middleware " + c.name)
		}
		if C.pg_is_none(r) != 0 {
			C.pg_decref(r)
			return resp, nil
		}
		if C.pg_is_dict(r) == 0 {
			defer C.pg_decref(r)
			resp.free()
			return nil, fmt.Errorf("after-middleware %s returned a %s, want dict or None", c.name, C.GoString(C.pg_type_name(r)))
		}
		resp.free()
		return &Response{dict: r}, nil
	}
}

// free releases the request dict. GIL held.
func (r *Request) free() {
	if r != nil {
		C.pg_decref(r.dict)
		r.dict = nil
	}
}

// free releases the response dict. GIL held.
func (r *Response) free() {
	if r != nil {
		C.pg_decref(r.dict)
		r.dict = nil
	}
}

// loadChains loads the Python file at path and returns its BEFORE and AFTER
// lists and its handler function. GIL held.
func loadChains(path string) (before []Before, after []After, h Handler, err error) {
	modSeq++
	mod, err := loadModule(fmt.Sprintf("pygateway_mw%d", modSeq), path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer C.pg_decref(mod)
	bs, err := attrCallables(mod, "BEFORE")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	as, err := attrCallables(mod, "AFTER")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	ch := C.CString("handler")
	defer C.free(unsafe.Pointer(ch))
	hf := C.PyObject_GetAttrString(mod, ch)
	if hf == nil || C.PyCallable_Check(hf) == 0 {
		C.PyErr_Clear()
		C.pg_decref(hf)
		return nil, nil, nil, fmt.Errorf("%s: no function handler(req)", path)
	}
	for _, c := range bs {
		before = append(before, pyBefore(c))
	}
	for _, c := range as {
		after = append(after, pyAfter(c))
	}
	return before, after, pyHandler(callable{name: funcName(hf), fn: hf}), nil
}

// modSeq numbers loaded modules; written with the GIL held.
var modSeq int
