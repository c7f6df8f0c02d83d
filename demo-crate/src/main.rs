//! The demo: Rust calling Go through a C archive built by go-link-build, and
//! running a Go sidecar program it built too (both without `go build`).

use std::ffi::{c_char, c_void, CStr, CString};
use std::process::Command;

/// Where the build script put the sidecar (`cargo:rustc-env` from go-link-build).
const HELLO: &str = env!("GO_LINK_BUILD_BIN_HELLO");

/// The exports of go/ffi, declared by go-link-build from the header cgo wrote
/// for this target (`$OUT_DIR/go-link-build/include/goffi.rs`): no
/// hand-written `extern` block, no guessed C types. Strings returned by Go
/// are malloc'd by Go and released with GoFree.
mod goffi {
    include!(env!("GO_LINK_BUILD_RS_GOFFI"));
}

use goffi::{GoAdd, GoChecksum, GoFree, GoGreet, GoParsePort, GoSystemInfo, GoVisitPrimes};

/// Takes ownership of a string Go returned.
fn go_string(p: *mut c_char) -> String {
    // SAFETY: Go returned a NUL-terminated string from C.CString, which we
    // read once and hand back to GoFree exactly once.
    unsafe {
        let s = CStr::from_ptr(p).to_string_lossy().into_owned();
        GoFree(p);
        s
    }
}

fn parse_port(s: &str) -> Result<i32, String> {
    let c = CString::new(s).map_err(|e| e.to_string())?;
    let (mut port, mut err) = (0i32, std::ptr::null_mut());
    // SAFETY: valid pointers for the duration of the call.
    match unsafe { GoParsePort(c.as_ptr().cast_mut(), &mut port, &mut err) } {
        0 => Ok(port),
        _ => Err(go_string(err)),
    }
}

extern "C" fn collect(ctx: *mut c_void, value: i32) {
    // SAFETY: ctx is the &mut Vec<i32> passed to GoVisitPrimes below.
    let primes = unsafe { &mut *(ctx as *mut Vec<i32>) };
    primes.push(value);
}

fn main() {
    println!("Rust -> Go through the C archive:");
    // SAFETY (all calls below): plain values and pointers valid for the call.
    println!("  GoAdd(40, 2) = {}", unsafe { GoAdd(40, 2) });
    let name = CString::new("Ferris").unwrap();
    println!("  GoGreet: {}", go_string(unsafe { GoGreet(name.as_ptr().cast_mut()) }));
    let bytes = b"hello, go";
    println!("  GoChecksum(b\"hello, go\") = {}", unsafe { GoChecksum(bytes.as_ptr().cast_mut(), bytes.len()) });
    println!("  GoParsePort(\"8080\") = {:?}", parse_port("8080"));
    println!("  GoParsePort(\"99999\") = {:?}", parse_port("99999"));
    let mut primes: Vec<i32> = Vec::new();
    unsafe { GoVisitPrimes(30, Some(collect), &mut primes as *mut Vec<i32> as *mut c_void) };
    println!("  GoVisitPrimes(30) called back into Rust with {primes:?}");
    println!("  GoSystemInfo: {}", go_string(unsafe { GoSystemInfo() }));
    let sums: Vec<i32> = (0..4)
        .map(|t| std::thread::spawn(move || (0..1000).map(|i| unsafe { GoAdd(t, i) } - i).sum::<i32>()))
        .map(|h| h.join().unwrap())
        .collect();
    println!("  4 Rust threads x 1000 calls each: {sums:?}");

    println!("Rust: running the Go sidecar at {HELLO}");
    let out = Command::new(HELLO).arg("Rust").arg("demo").output().unwrap_or_else(|e| {
        eprintln!("error: could not run {HELLO}: {e}");
        std::process::exit(1);
    });
    if !out.status.success() {
        eprintln!("error: the sidecar failed with {}: {}", out.status, String::from_utf8_lossy(&out.stderr));
        std::process::exit(1);
    }
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        println!("  go> {line}");
    }
}
