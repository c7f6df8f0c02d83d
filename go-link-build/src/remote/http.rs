//! A small blocking HTTP/1.1 client: `GET`, `HEAD` and `PUT` with a
//! `Content-Length` body, keep-alive connections reused from a pool, TLS
//! through rustls. That is all the Bazel HTTP cache protocol needs.
//!
//! Why not a client crate: as a build dependency every crate is compiled in
//! the user's build script. Measured with `cargo build --timings -j2` on the
//! project's 2-core machine, from an empty target dir: this client's
//! dependencies (rustls with ring, webpki-roots; 15 crates) 22.4 s, ureq 2
//! with rustls (65 crates) 46.7 s; ureq 3 and minreq with rustls add their own
//! crates on top of the same rustls and ring. Plain `http://` caches need
//! nothing beyond std.
//!
//! Bounds: connecting gives up after [`CONNECT_TIMEOUT`]; a connection that
//! delivers no byte for [`IO_TIMEOUT`] fails; a whole request gives up after
//! [`REQUEST_TIMEOUT`]. Bodies larger than the caller's limit are refused
//! before they are read.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Idle keep-alive connections kept per client.
const POOL_MAX: usize = 8;
/// The response head (status line and headers) may not exceed this.
const HEAD_MAX: usize = 64 * 1024;

/// A parsed cache URL: `http(s)://[user:pass@]host[:port][/prefix]`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Url {
    pub https: bool,
    pub host: String,
    pub port: u16,
    /// Empty, or `/a/b` without a trailing slash.
    pub prefix: String,
    /// `user:password` from the URL, sent as Basic authentication.
    pub userinfo: Option<String>,
}

impl std::fmt::Debug for Url {
    // Never show the userinfo.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Url {
    pub(crate) fn parse(s: &str) -> Result<Url, String> {
        let (https, rest) = if let Some(r) = s.strip_prefix("http://") {
            (false, r)
        } else if let Some(r) = s.strip_prefix("https://") {
            (true, r)
        } else {
            return Err("the URL must start with http:// or https://".into());
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if path.contains(['?', '#']) {
            return Err("the URL may not have a query or fragment".into());
        }
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(i) => (Some(percent_decode(&authority[..i])?), &authority[i + 1..]),
            None => (None, authority),
        };
        let (host, port) = if let Some(r) = hostport.strip_prefix('[') {
            // [v6]:port
            let end = r.find(']').ok_or("unterminated [ in the host")?;
            let after = &r[end + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err("junk after ] in the host".into()),
            };
            (r[..end].to_string(), port)
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (hostport.to_string(), None),
            }
        };
        if host.is_empty() {
            return Err("the URL has no host".into());
        }
        let port = match port {
            Some(p) => p.parse::<u16>().map_err(|_| format!("bad port {p:?}"))?,
            None if https => 443,
            None => 80,
        };
        let prefix = path.trim_end_matches('/').to_string();
        if prefix.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err("the URL path may not contain spaces or control characters".into());
        }
        Ok(Url { https, host, port, prefix, userinfo })
    }

    /// The URL without credentials, for messages.
    pub(crate) fn redacted(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        format!("{}://{host}:{}{}", if self.https { "https" } else { "http" }, self.port, self.prefix)
    }

    fn host_header(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        let default = if self.https { 443 } else { 80 };
        if self.port == default {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    /// Whether the host is this machine, where plain HTTP exposes nothing.
    pub(crate) fn is_loopback(&self) -> bool {
        self.host == "localhost" || self.host.parse::<std::net::IpAddr>().map(|a| a.is_loopback()).unwrap_or(false)
    }
}

fn percent_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h =
                s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or("bad % escape in the URL")?;
            out.push(h);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the URL's credentials are not UTF-8".to_string())
}

/// Standard base64 with padding (Basic authentication).
pub(crate) fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What went wrong with a request.
#[derive(Debug)]
pub(crate) enum HttpError {
    /// Could not reach the server at all (refused, unreachable, DNS, TLS handshake).
    Connect(String),
    /// The server accepted but did not answer in time.
    Timeout,
    /// The connection broke or the answer was not HTTP.
    Protocol(String),
    /// The body was larger than allowed.
    TooLarge,
}

impl HttpError {
    /// Whether the server should not be asked again in this build.
    pub(crate) fn is_connection_failure(&self) -> bool {
        matches!(self, HttpError::Connect(_) | HttpError::Timeout)
    }
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpError::Connect(e) => write!(f, "cannot connect: {e}"),
            HttpError::Timeout => write!(f, "no answer within the timeout"),
            HttpError::Protocol(e) => write!(f, "{e}"),
            HttpError::TooLarge => write!(f, "response too large"),
        }
    }
}

/// A response: status and body (empty for `HEAD`).
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

trait Stream: Read + Write + Send {
    fn tcp(&self) -> &TcpStream;
}

impl Stream for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Stream for rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    fn tcp(&self) -> &TcpStream {
        &self.sock
    }
}

struct Conn {
    io: BufReader<Box<dyn Stream>>,
}

/// A client for one server. Shared by threads; connections are pooled.
pub(crate) struct Client {
    url: Url,
    /// Extra headers (authentication), already formatted `Name: value\r\n`.
    headers: String,
    tls: Option<Arc<rustls::ClientConfig>>,
    pool: Mutex<Vec<Conn>>,
}

impl Client {
    /// `headers` are sent with every request and never shown anywhere.
    pub(crate) fn new(url: Url, headers: &[(String, String)]) -> Result<Client, String> {
        let mut h = String::new();
        if let Some(ui) = &url.userinfo {
            h.push_str(&format!("Authorization: Basic {}\r\n", base64(ui.as_bytes())));
        }
        for (k, v) in headers {
            h.push_str(&format!("{k}: {v}\r\n"));
        }
        let tls = if url.https { Some(tls_config()?) } else { None };
        Ok(Client { url, headers: h, tls, pool: Mutex::new(Vec::new()) })
    }

    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// Runs one request. `path` is relative to the URL's prefix (`ac/<hex>`).
    /// A response body over `max_body` bytes is an error.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
        max_body: u64,
    ) -> Result<Response, HttpError> {
        let deadline = Instant::now() + REQUEST_TIMEOUT;
        // A pooled connection the server has closed in the meantime fails
        // before any answer; such a request is retried once on a new one
        // (GET, HEAD and PUT are idempotent).
        let pooled = self.pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
        if let Some(conn) = pooled {
            match self.exchange(conn, method, path, body, max_body, deadline) {
                Err(Failure { err: _, answered: false }) => {}
                Err(f) => return Err(f.err),
                Ok(r) => return Ok(r),
            }
        }
        let conn = self.connect(deadline)?;
        self.exchange(conn, method, path, body, max_body, deadline).map_err(|f| f.err)
    }

    fn connect(&self, deadline: Instant) -> Result<Conn, HttpError> {
        let addrs: Vec<SocketAddr> = (self.url.host.as_str(), self.url.port)
            .to_socket_addrs()
            .map_err(|e| HttpError::Connect(format!("cannot resolve {}: {e}", self.url.host)))?
            .collect();
        let mut last = String::from("no address");
        let mut tcp = None;
        for a in addrs {
            match TcpStream::connect_timeout(&a, CONNECT_TIMEOUT) {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => last = "connect timed out".into(),
                Err(e) => last = e.to_string(),
            }
        }
        let tcp = tcp.ok_or(HttpError::Connect(last))?;
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Stream> = match &self.tls {
            None => Box::new(tcp),
            Some(cfg) => tls_stream(cfg, &self.url.host, tcp, deadline)?,
        };
        Ok(Conn { io: BufReader::with_capacity(64 * 1024, stream) })
    }

    fn exchange(
        &self,
        mut conn: Conn,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
        max_body: u64,
        deadline: Instant,
    ) -> Result<Response, Failure> {
        let not_answered = |err| Failure { err, answered: false };
        let answered = |err| Failure { err, answered: true };
        let mut head = format!(
            "{method} {}/{path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: go-link-build/{}\r\n{}",
            self.url.prefix,
            self.url.host_header(),
            env!("CARGO_PKG_VERSION"),
            self.headers
        );
        if let Some(b) = body {
            head.push_str(&format!("Content-Length: {}\r\nContent-Type: application/octet-stream\r\n", b.len()));
        }
        head.push_str("\r\n");
        set_timeouts(conn.io.get_ref().tcp(), deadline).map_err(not_answered)?;
        let w = conn.io.get_mut();
        w.write_all(head.as_bytes()).map_err(|e| not_answered(io_err(e)))?;
        if let Some(b) = body {
            // Written in pieces so the deadline is checked between them.
            for chunk in b.chunks(256 * 1024) {
                set_timeouts(conn.io.get_ref().tcp(), deadline).map_err(not_answered)?;
                conn.io.get_mut().write_all(chunk).map_err(|e| not_answered(io_err(e)))?;
            }
        }
        conn.io.get_mut().flush().map_err(|e| not_answered(io_err(e)))?;

        // Skip interim 1xx responses.
        let (status, headers) = loop {
            let (status, headers) =
                read_head(&mut conn.io, deadline).map_err(|(e, any)| Failure { err: e, answered: any })?;
            if !(100..200).contains(&status) {
                break (status, headers);
            }
        };
        let header =
            |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string());
        let mut keep_alive = !header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let no_body = method == "HEAD" || status == 204 || status == 304;
        let body = if no_body {
            Vec::new()
        } else if header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
            read_chunked(&mut conn.io, max_body, deadline).map_err(answered)?
        } else if let Some(len) = header("content-length") {
            let len: u64 = len.parse().map_err(|_| answered(HttpError::Protocol("bad Content-Length".into())))?;
            if len > max_body {
                return Err(answered(HttpError::TooLarge));
            }
            read_exact(&mut conn.io, len, deadline).map_err(answered)?
        } else {
            // Delimited by the end of the connection.
            keep_alive = false;
            read_to_end(&mut conn.io, max_body, deadline).map_err(answered)?
        };
        if keep_alive {
            let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
            if pool.len() < POOL_MAX {
                pool.push(conn);
            }
        }
        Ok(Response { status, body })
    }
}

struct Failure {
    err: HttpError,
    /// Whether any byte of an answer arrived (else a retry on a new connection is safe).
    answered: bool,
}

fn io_err(e: std::io::Error) -> HttpError {
    match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => HttpError::Timeout,
        _ => HttpError::Protocol(format!("connection error: {e}")),
    }
}

/// Per-operation timeouts: the idle bound, cut to what is left of the request's time.
fn set_timeouts(tcp: &TcpStream, deadline: Instant) -> Result<(), HttpError> {
    let left = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()).ok_or(HttpError::Timeout)?;
    let t = Some(left.min(IO_TIMEOUT));
    tcp.set_read_timeout(t).and_then(|_| tcp.set_write_timeout(t)).map_err(io_err)
}

type Headers = Vec<(String, String)>;

/// Reads the status line and headers. On error, also says whether any byte arrived.
fn read_head(r: &mut BufReader<Box<dyn Stream>>, deadline: Instant) -> Result<(u16, Headers), (HttpError, bool)> {
    let mut total = 0usize;
    let mut lines = Vec::new();
    loop {
        set_timeouts(r.get_ref().tcp(), deadline).map_err(|e| (e, total > 0))?;
        let mut line = Vec::new();
        let n = r
            .by_ref()
            .take((HEAD_MAX - total + 1) as u64)
            .read_until(b'\n', &mut line)
            .map_err(|e| (io_err(e), total > 0))?;
        if n == 0 {
            return Err((HttpError::Protocol("the server closed the connection".into()), total > 0));
        }
        total += n;
        if total > HEAD_MAX {
            return Err((HttpError::Protocol("response headers too large".into()), true));
        }
        if !line.ends_with(b"\n") {
            continue;
        }
        let text = String::from_utf8_lossy(&line).trim_end_matches(['\r', '\n']).to_string();
        if text.is_empty() {
            if lines.is_empty() {
                continue; // tolerate a stray CRLF before the status line
            }
            break;
        }
        lines.push(text);
    }
    let status_line = &lines[0];
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let status = parts.next().and_then(|s| s.parse::<u16>().ok());
    let Some(status) = status.filter(|_| version.starts_with("HTTP/1.")) else {
        return Err((HttpError::Protocol("the answer is not HTTP/1.x".into()), true));
    };
    let headers = lines[1..]
        .iter()
        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
        .collect();
    Ok((status, headers))
}

fn read_exact(r: &mut BufReader<Box<dyn Stream>>, len: u64, deadline: Instant) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::with_capacity(len.min(64 << 20) as usize);
    while (out.len() as u64) < len {
        set_timeouts(r.get_ref().tcp(), deadline)?;
        let want = (len - out.len() as u64).min(256 * 1024);
        let n = r.by_ref().take(want).read_to_end(&mut out).map_err(io_err)?;
        if n == 0 {
            return Err(HttpError::Protocol("the body ended early".into()));
        }
    }
    Ok(out)
}

fn read_to_end(r: &mut BufReader<Box<dyn Stream>>, max: u64, deadline: Instant) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::new();
    loop {
        set_timeouts(r.get_ref().tcp(), deadline)?;
        let n = r.by_ref().take(256 * 1024).read_to_end(&mut out).map_err(io_err)?;
        if n == 0 {
            return Ok(out);
        }
        if out.len() as u64 > max {
            return Err(HttpError::TooLarge);
        }
    }
}

fn read_chunked(r: &mut BufReader<Box<dyn Stream>>, max: u64, deadline: Instant) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::new();
    let line = |r: &mut BufReader<Box<dyn Stream>>| -> Result<String, HttpError> {
        set_timeouts(r.get_ref().tcp(), deadline)?;
        let mut l = Vec::new();
        r.by_ref().take(4096).read_until(b'\n', &mut l).map_err(io_err)?;
        if !l.ends_with(b"\n") {
            return Err(HttpError::Protocol("bad chunked encoding".into()));
        }
        Ok(String::from_utf8_lossy(&l).trim().to_string())
    };
    loop {
        let size_line = line(r)?;
        let hex = size_line.split(';').next().unwrap_or("").trim();
        let size = u64::from_str_radix(hex, 16).map_err(|_| HttpError::Protocol("bad chunk size".into()))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !line(r)?.is_empty() {}
            return Ok(out);
        }
        if out.len() as u64 + size > max {
            return Err(HttpError::TooLarge);
        }
        out.extend(read_exact(r, size, deadline)?);
        if !line(r)?.is_empty() {
            return Err(HttpError::Protocol("bad chunked encoding".into()));
        }
    }
}

fn tls_config() -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(cfg))
}

fn tls_stream(
    cfg: &Arc<rustls::ClientConfig>,
    host: &str,
    tcp: TcpStream,
    deadline: Instant,
) -> Result<Box<dyn Stream>, HttpError> {
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|_| HttpError::Connect(format!("{host} is not a valid TLS server name")))?;
    let conn = rustls::ClientConnection::new(cfg.clone(), name).map_err(|e| HttpError::Connect(format!("TLS: {e}")))?;
    let mut s = rustls::StreamOwned::new(conn, tcp);
    // Handshake now, so a certificate problem is a connection failure.
    set_timeouts(&s.sock, deadline)?;
    while s.conn.is_handshaking() {
        s.conn.complete_io(&mut s.sock).map_err(|e| match e.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => HttpError::Timeout,
            _ => HttpError::Connect(format!("TLS handshake with {host}: {e}")),
        })?;
    }
    Ok(Box::new(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = Url::parse("http://localhost:8080/cache/").unwrap();
        assert_eq!((u.https, u.host.as_str(), u.port, u.prefix.as_str()), (false, "localhost", 8080, "/cache"));
        assert!(u.is_loopback());
        let u = Url::parse("https://u%40x:p%3Ass@cache.example.com").unwrap();
        assert_eq!((u.port, u.prefix.as_str(), u.userinfo.as_deref()), (443, "", Some("u@x:p:ss")));
        assert_eq!(format!("{u:?}"), "https://cache.example.com:443", "no credentials in Debug");
        let u = Url::parse("http://[::1]:9/p").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.host_header()), ("::1", 9, "[::1]:9".to_string()));
        assert!(u.is_loopback());
        for bad in ["ftp://x", "http://", "http://h:99999", "http://h/a?b", "http://h:x"] {
            assert!(Url::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base64_rfc4648_vectors() {
        for (i, o) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    /// A one-shot server on a free loopback port that answers each accepted
    /// connection with the given raw bytes (after reading the request head).
    fn serve(answers: Vec<&'static [u8]>) -> (Url, std::thread::JoinHandle<Vec<String>>) {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let h = std::thread::spawn(move || {
            let mut heads = Vec::new();
            let (s, _) = l.accept().unwrap();
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut w = s;
            for a in answers {
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                if let Some(len) = head.lines().find_map(|l| l.strip_prefix("Content-Length: ")) {
                    let mut b = vec![0; len.trim().parse().unwrap()];
                    r.read_exact(&mut b).unwrap();
                }
                heads.push(head);
                w.write_all(a).unwrap();
            }
            heads
        });
        (Url::parse(&format!("http://127.0.0.1:{port}/pre")).unwrap(), h)
    }

    #[test]
    fn keep_alive_chunked_and_headers() {
        let (url, h) = serve(vec![
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n1;x=y\r\nf\r\n0\r\n\r\n",
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
        ]);
        let c = Client::new(url, &[("Authorization".into(), "Bearer t0k".into())]).unwrap();
        let r = c.request("GET", "ac/01", None, 100).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"abc"[..]));
        let r = c.request("GET", "cas/02", None, 100).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"def"[..]));
        assert_eq!(c.request("GET", "cas/03", None, 100).unwrap().status, 404);
        assert_eq!(c.request("PUT", "cas/04", Some(b"xyz"), 100).unwrap().status, 201);
        // HEAD: Content-Length describes a body that is not sent.
        assert_eq!(c.request("HEAD", "cas/05", None, 100).unwrap().status, 200);
        let heads = h.join().unwrap();
        assert_eq!(heads.len(), 5, "one connection served every request");
        assert!(heads[0].starts_with("GET /pre/ac/01 HTTP/1.1\r\n"), "{}", heads[0]);
        assert!(heads[0].contains("Authorization: Bearer t0k\r\n"));
        assert!(heads[3].contains("Content-Length: 3\r\n"), "{}", heads[3]);
    }

    #[test]
    fn limits_and_garbage() {
        let (url, _h) = serve(vec![b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"]);
        let c = Client::new(url, &[]).unwrap();
        assert!(matches!(c.request("GET", "ac/1", None, 10), Err(HttpError::TooLarge)));
        let (url, _h) = serve(vec![b"SSH-2.0-OpenSSH\r\n\r\n"]);
        let c = Client::new(url, &[]).unwrap();
        assert!(matches!(c.request("GET", "ac/1", None, 10), Err(HttpError::Protocol(_))));
    }

    #[test]
    fn refused_is_a_connection_failure() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let c = Client::new(Url::parse(&format!("http://127.0.0.1:{port}")).unwrap(), &[]).unwrap();
        let e = c.request("GET", "ac/1", None, 10).unwrap_err();
        assert!(e.is_connection_failure(), "{e}");
    }
}
