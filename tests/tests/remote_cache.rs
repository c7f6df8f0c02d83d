//! The remote cache against a real server: nginx with WebDAV PUT (see
//! `go_link_build_tests::nginx`), started by each test on a free port.

use std::io::{Read, Write};

use go_link_build_tests::nginx::{Nginx, NginxOptions};

/// One raw HTTP/1.1 request; returns the status code and the response text.
fn raw_request(port: u16, method: &str, path: &str, headers: &str, body: &[u8]) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, out)
}

/// The harness itself: PUT creates the nested path in the data dir, GET and
/// HEAD find it, a missing key is a 404, and the auth variant refuses a
/// request without the right header.
#[test]
fn nginx_harness_speaks_webdav_put() {
    let Some(server) = Nginx::start(&NginxOptions::default()) else { return };
    let key = "ab".repeat(32);
    let (st, _) = raw_request(server.port(), "PUT", &format!("/pre/cas/{key}"), "", b"blob");
    assert!((200..300).contains(&st), "PUT: {st}");
    assert_eq!(std::fs::read(server.data_dir().join("pre/cas").join(&key)).unwrap(), b"blob");
    let (st, text) = raw_request(server.port(), "GET", &format!("/pre/cas/{key}"), "", b"");
    assert_eq!(st, 200);
    assert!(text.ends_with("\r\n\r\nblob"), "{text}");
    assert_eq!(raw_request(server.port(), "GET", &format!("/pre/ac/{key}"), "", b"").0, 404);

    let Some(auth) = Nginx::start(&NginxOptions { require_authorization: Some("Bearer s3cret".into()) }) else {
        return;
    };
    assert_eq!(raw_request(auth.port(), "PUT", &format!("/cas/{key}"), "", b"x").0, 401);
    let (st, _) = raw_request(auth.port(), "PUT", &format!("/cas/{key}"), "Authorization: Bearer s3cret\r\n", b"x");
    assert!((200..300).contains(&st), "authorized PUT: {st}");
}
