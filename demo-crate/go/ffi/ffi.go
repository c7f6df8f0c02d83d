// Package main is the demo's C archive: Go functions exported to Rust.
//
// Memory rule: strings returned to Rust are allocated by Go with C.CString
// (C malloc) and must be released with GoFree; strings passed in are owned by
// the caller and only read during the call.
package main

/*
#include <stdint.h>
#include <stdlib.h>

typedef void (*visit_fn)(void *ctx, int32_t value);

static inline void call_visit(visit_fn f, void *ctx, int32_t value) { f(ctx, value); }
*/
import "C"

import (
	"fmt"
	"net"
	"os/user"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"example.com/demo/internal/greet"
)

//export GoAdd
func GoAdd(a, b C.int32_t) C.int32_t { return a + b }

//export GoGreet
func GoGreet(name *C.char) *C.char {
	return C.CString(greet.Hello(C.GoString(name)))
}

//export GoFree
func GoFree(p *C.char) { C.free(unsafe.Pointer(p)) }

//export GoChecksum
func GoChecksum(data *C.uint8_t, n C.size_t) C.uint64_t {
	var sum uint64
	for i, b := range unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n)) {
		sum += uint64(b) * uint64(i+1)
	}
	return C.uint64_t(sum)
}

// GoParsePort parses a TCP port. It returns 0 and stores the port, or a
// non-zero code and stores a message that the caller frees with GoFree.
//
//export GoParsePort
func GoParsePort(s *C.char, port *C.int32_t, errmsg **C.char) C.int32_t {
	n, err := strconv.Atoi(strings.TrimSpace(C.GoString(s)))
	if err == nil && (n < 1 || n > 65535) {
		err = fmt.Errorf("port %d out of range 1..65535", n)
	}
	if err != nil {
		*errmsg = C.CString(err.Error())
		return 1
	}
	*port = C.int32_t(n)
	return 0
}

// GoVisitPrimes calls visit(ctx, p) for every prime p below limit: Go
// calling back into Rust.
//
//export GoVisitPrimes
func GoVisitPrimes(limit C.int32_t, visit C.visit_fn, ctx unsafe.Pointer) {
	for n := int32(2); n < int32(limit); n++ {
		prime := true
		for d := int32(2); d*d <= n; d++ {
			if n%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			C.call_visit(visit, ctx, C.int32_t(n))
		}
	}
}

// GoSystemInfo uses the standard library's cgo side (os/user, net's
// resolver) and returns a summary; free it with GoFree.
//
//export GoSystemInfo
func GoSystemInfo() *C.char {
	var parts []string
	if u, err := user.Current(); err == nil {
		parts = append(parts, "user lookup ok (uid "+u.Uid+")")
	} else {
		parts = append(parts, "user lookup failed: "+err.Error())
	}
	if addrs, err := net.LookupHost("localhost"); err == nil && len(addrs) > 0 {
		sort.Strings(addrs)
		parts = append(parts, "localhost resolves")
	} else {
		parts = append(parts, fmt.Sprintf("localhost lookup: %v", err))
	}
	return C.CString(strings.Join(parts, "; "))
}

func main() {}
