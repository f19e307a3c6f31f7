//! A small HTTP/1.1 server on std: one thread per connection, keep-alive, GET and HEAD.
//!
//! Why not tiny_http: its connection pool can hand a new connection to a thread that is just
//! waking up to take another, and the one left in the queue waits until some thread finishes a
//! connection. Behind long-lived connections (event streams, a browser's idle keep-alive) that
//! can be forever: the 200-connection load test saw live-reload clients that never got an
//! answer. A thread per connection cannot starve, and an event stream simply keeps its thread.
//! Threads are small and their number capped.

use super::reload::Hub;
use super::routes::{self, Answer};
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Request line plus headers; browsers send a few hundred bytes.
const MAX_HEAD: usize = 16 * 1024;
/// Far above what a preview needs; past it a connection gets 503 instead of a thread.
const MAX_CONNECTIONS: usize = 1024;
/// A keep-alive connection with no new request for this long is closed.
const IDLE: Duration = Duration::from_secs(30);
/// A client that takes longer than this to accept bytes is dropped (frees its thread).
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connection threads read a request, a path and one file into the heap: little stack needed.
const STACK: usize = 256 * 1024;

/// One answer. `Content-Length` and `Connection` are added when it is written.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
}

#[derive(Debug, PartialEq, Eq)]
struct Request {
    method: String,
    target: String,
    keep_alive: bool,
    /// Bodies are never needed here and not read: the connection closes after the answer.
    has_body: bool,
}

pub(crate) struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

struct Shared {
    root: PathBuf,
    hub: Arc<Hub>,
    stopping: AtomicBool,
    /// Open connections, so stopping can close them rather than wait for their clients.
    open: Mutex<HashMap<u64, TcpStream>>,
    next_id: AtomicU64,
}

impl Server {
    /// Listens on `addr` and serves `root` (canonical) until dropped.
    pub(crate) fn start(addr: SocketAddr, root: PathBuf, hub: Arc<Hub>) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            root,
            hub,
            stopping: AtomicBool::new(false),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
        });
        let accepting = shared.clone();
        let accept = std::thread::Builder::new()
            .name("pedoman-accept".into())
            .spawn(move || accept_loop(listener, accepting))?;
        Ok(Server { addr, shared, accept: Some(accept) })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // `accept` blocks: a connection of our own wakes it to see the flag.
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        if TcpStream::connect_timeout(&SocketAddr::new(ip, self.addr.port()), Duration::from_secs(1)).is_ok() {
            if let Some(accept) = self.accept.take() {
                let _ = accept.join();
            }
        }
        for (_, stream) in self.shared.open.lock().unwrap().drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        match stream {
            Ok(stream) => open_connection(&shared, stream),
            Err(e) => {
                // Out of file descriptors and the like: pass, and let the next accept retry.
                eprintln!("warning: accepting a connection: {e}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

fn open_connection(shared: &Arc<Shared>, mut stream: TcpStream) {
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    {
        let mut open = shared.open.lock().unwrap();
        if open.len() >= MAX_CONNECTIONS {
            drop(open);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = write_reply(&mut stream, &routes::text(503, "Too many connections\n"), false, false);
            return;
        }
        match stream.try_clone() {
            Ok(clone) => open.insert(id, clone),
            Err(_) => return,
        };
    }
    let connection = shared.clone();
    let spawned = std::thread::Builder::new().name("pedoman-http".into()).stack_size(STACK).spawn(move || {
        serve_connection(&connection, stream);
        connection.open.lock().unwrap().remove(&id);
    });
    if spawned.is_err() {
        shared.open.lock().unwrap().remove(&id);
    }
}

/// Answers requests on one connection until the client closes it, goes idle, or it becomes an
/// event stream.
fn serve_connection(shared: &Shared, stream: TcpStream) {
    // Small writes (event frames) must leave at once, not wait for Nagle.
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(status) => {
                let _ = write_reply(&mut writer, &routes::text(status, "Bad request\n"), false, false);
                return;
            }
        };
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        match routes::answer(&request.method, &request.target, &shared.root) {
            Answer::Events => {
                shared.hub.stream(writer);
                return;
            }
            Answer::Reply(reply) => {
                let keep = request.keep_alive && !request.has_body;
                if write_reply(&mut writer, &reply, request.method == "HEAD", keep).is_err() || !keep {
                    return;
                }
            }
        }
    }
}

/// Reads one request head. `Ok(None)`: the connection closed or went idle. `Err(status)`: the
/// head is malformed or too large; answer with `status` and close.
fn read_request(reader: &mut impl BufRead) -> Result<Option<Request>, u16> {
    let mut lines: Vec<String> = Vec::new();
    let mut size = 0;
    loop {
        let mut line = Vec::new();
        let limit = (MAX_HEAD + 1 - size) as u64;
        match reader.by_ref().take(limit).read_until(b'\n', &mut line) {
            Ok(0) if lines.is_empty() => return Ok(None),
            Ok(0) => return Err(400),
            Ok(n) => size += n,
            Err(_) if lines.is_empty() => return Ok(None),
            Err(_) => return Err(400),
        }
        if size > MAX_HEAD {
            return Err(431);
        }
        let line = String::from_utf8(line).map_err(|_| 400u16)?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if lines.is_empty() {
                continue; // stray CRLF between requests is allowed
            }
            break;
        }
        lines.push(line.to_string());
    }
    let mut request_line = lines[0].split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (request_line.next(), request_line.next(), request_line.next(), request_line.next())
    else {
        return Err(400);
    };
    let valid_method = !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase());
    // No control characters or spaces: a target is echoed into `Location`.
    let valid_target = !target.is_empty() && target.bytes().all(|b| b.is_ascii_graphic());
    if !valid_method || !valid_target || !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return Err(400);
    }
    let mut keep_alive = version == "HTTP/1.1";
    let mut has_body = false;
    for line in &lines[1..] {
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                if token.eq_ignore_ascii_case("close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case("keep-alive") && version == "HTTP/1.0" {
                    keep_alive = true;
                }
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            has_body |= value != "0";
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            has_body = true;
        }
    }
    Ok(Some(Request { method: method.to_string(), target: target.to_string(), keep_alive, has_body }))
}

/// Writes `reply` in one piece. `head_only` answers HEAD: the same headers, no body.
fn write_reply(writer: &mut impl Write, reply: &Reply, head_only: bool, keep_alive: bool) -> io::Result<()> {
    let mut out = Vec::with_capacity(256 + if head_only { 0 } else { reply.body.len() });
    write!(out, "HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status))?;
    for (name, value) in &reply.headers {
        write!(out, "{name}: {value}\r\n")?;
    }
    let connection = if keep_alive { "keep-alive" } else { "close" };
    write!(out, "Content-Length: {}\r\nConnection: {connection}\r\n\r\n", reply.body.len())?;
    if !head_only {
        out.extend_from_slice(&reply.body);
    }
    writer.write_all(&out)?;
    writer.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Option<Request>, u16> {
        read_request(&mut BufReader::new(raw.as_bytes()))
    }

    fn request(method: &str, target: &str, keep_alive: bool, has_body: bool) -> Request {
        Request { method: method.into(), target: target.into(), keep_alive, has_body }
    }

    #[test]
    fn parses_request_heads() {
        assert_eq!(parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), Ok(Some(request("GET", "/", true, false))));
        assert_eq!(parse("\r\nHEAD /a?b HTTP/1.1\r\n\r\n"), Ok(Some(request("HEAD", "/a?b", true, false))));
        assert_eq!(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), Ok(Some(request("GET", "/", false, false))));
        assert_eq!(parse("GET / HTTP/1.0\r\n\r\n"), Ok(Some(request("GET", "/", false, false))));
        assert_eq!(
            parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"),
            Ok(Some(request("GET", "/", true, false)))
        );
        assert_eq!(
            parse("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"),
            Ok(Some(request("POST", "/", true, true)))
        );
        assert_eq!(parse(""), Ok(None));
        for bad in [
            "GET /\r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "get / HTTP/1.1\r\n\r\n",
            "GET /a b HTTP/1.1\r\n\r\n",
            "GET /a\x01 HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\n",
        ] {
            assert_eq!(parse(bad), Err(400), "{bad:?}");
        }
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(parse(&huge), Err(431));
    }

    #[test]
    fn pipelined_requests_are_read_one_by_one() {
        let mut reader = BufReader::new("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n".as_bytes());
        assert_eq!(read_request(&mut reader).unwrap().unwrap().target, "/a");
        assert_eq!(read_request(&mut reader).unwrap().unwrap().target, "/b");
        assert_eq!(read_request(&mut reader), Ok(None));
    }

    #[test]
    fn writes_length_and_connection_and_no_body_for_head() {
        let reply = Reply { status: 404, headers: vec![("Content-Type", "text/plain".into())], body: b"nope".to_vec() };
        let mut out = Vec::new();
        write_reply(&mut out, &reply, false, true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 4\r\nConnection: keep-alive\r\n\r\nnope"
        );
        let mut out = Vec::new();
        write_reply(&mut out, &reply, true, false).unwrap();
        assert!(String::from_utf8(out).unwrap().ends_with("Content-Length: 4\r\nConnection: close\r\n\r\n"));
    }
}
