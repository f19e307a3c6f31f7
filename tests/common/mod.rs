//! Helpers shared by the integration tests: building fixture sites and driving headless Chromium.
#![allow(dead_code)]
// Shared by several test crates, each using part: `pub` is how they reach it.
#![allow(unreachable_pub)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of the built `pedoman` binary (Cargo builds it for integration tests).
pub fn pedoman_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pedoman"))
}

/// Runs `pedoman ARGS…` and returns its output.
pub fn pedoman<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(pedoman_bin()).args(args).output().expect("could not run pedoman binary")
}

/// `pedoman build` of `root` into `out` for `http://127.0.0.1{prefix}`; panics with pedoman's
/// messages when it fails.
pub fn build_site(root: &Path, out: &Path, prefix: &str) {
    let base = format!("http://127.0.0.1{prefix}");
    let args: [&OsStr; 7] = [
        "build".as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
        "--output".as_ref(),
        out.as_os_str(),
        "--base-url".as_ref(),
        base.as_ref(),
    ];
    let built = pedoman(args);
    assert!(built.status.success(), "build failed: {}", String::from_utf8_lossy(&built.stderr));
}

/// Writes `files` (relative path, contents) under `root`, creating folders.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// The repository root (where `content/` and `themes/` live).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Chromium from Debian (`apt-get install chromium`), or `$PEDOMAN_CHROMIUM`.
pub fn chromium_path() -> PathBuf {
    let path = std::env::var_os("PEDOMAN_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.exists(),
        "headless Chromium not found at {}: install it (apt-get install chromium) or set PEDOMAN_CHROMIUM",
        path.display()
    );
    path
}

/// Starts headless Chromium with flags that keep it off the network.
pub fn launch_browser() -> headless_chrome::Browser {
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let opts = headless_chrome::LaunchOptions {
        headless: true,
        sandbox: false,
        path: Some(chromium_path()),
        args,
        window_size: Some((412, 900)),
        idle_browser_timeout: std::time::Duration::from_secs(120),
        ..Default::default()
    };
    headless_chrome::Browser::new(opts).expect("could not launch headless Chromium")
}

/// A static file server on 127.0.0.1 for browser tests; stops when dropped.
/// It records every request path (without the query) so tests can measure what
/// the browser downloaded, and can delay or fail chosen paths ([`StaticServer::set_fault`]).
///
/// Each connection is a task, not a pooled thread: a browser keeps several keep-alive
/// connections idle, and none of them may ever keep a new connection waiting (tiny_http's
/// thread pool could lose the wake-up for a new connection during a burst of parallel
/// fetches, which left a search hanging at "Mencari…").
pub struct StaticServer {
    pub base_url: String,
    pub requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    faults: std::sync::Arc<std::sync::Mutex<Vec<(String, Fault)>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the static server does to requests for a path, to play a slow or broken link.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// Answer only after this long.
    Delay(std::time::Duration),
    /// Answer 503 Service Unavailable.
    Fail,
}

impl StaticServer {
    /// From now on, requests whose path ends with `suffix` meet `fault` (`None` clears it).
    pub fn set_fault(&self, suffix: &str, fault: Option<Fault>) {
        let mut faults = self.faults.lock().unwrap();
        faults.retain(|(s, _)| s != suffix);
        if let Some(f) = fault {
            faults.push((suffix.to_string(), f));
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves `dir` under `prefix` (`""` or `/panduan`) at `http://127.0.0.1:PORT`;
/// `base_url` is that address with the prefix. `/x/` serves `x/index.html`.
pub fn static_server(dir: &Path, prefix: &str) -> StaticServer {
    static_server_with(dir, prefix, &[])
}

/// [`static_server`] that adds `headers` to every answer (e.g. a Content-Security-Policy).
pub fn static_server_with(dir: &Path, prefix: &str, headers: &[(&str, &str)]) -> StaticServer {
    use std::sync::{Arc, Mutex};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let site = Arc::new(ServedSite {
        dir: dir.to_path_buf(),
        prefix: prefix.to_string(),
        headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        requests: Arc::new(Mutex::new(Vec::new())),
        faults: Arc::new(Mutex::new(Vec::new())),
    });
    let (requests, faults) = (site.requests.clone(), site.faults.clone());
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let stream = tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => stream,
                        Err(_) => continue,
                    },
                };
                let site = site.clone();
                let service = hyper::service::service_fn(move |req| answer_static(req, site.clone()));
                tokio::spawn(async move {
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
        // Dropping the runtime ends the connections still open.
    });
    StaticServer {
        base_url: format!("http://127.0.0.1:{port}{prefix}"),
        requests,
        faults,
        stop: Some(stop),
        thread: Some(thread),
    }
}

struct ServedSite {
    dir: PathBuf,
    prefix: String,
    headers: Vec<(String, String)>,
    requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    faults: std::sync::Arc<std::sync::Mutex<Vec<(String, Fault)>>>,
}

async fn answer_static(
    req: hyper::Request<hyper::body::Incoming>,
    site: std::sync::Arc<ServedSite>,
) -> Result<hyper::Response<http_body_util::Full<hyper::body::Bytes>>, std::convert::Infallible> {
    let path = req.uri().path().to_string();
    let gzip_ok =
        req.headers().get("accept-encoding").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("gzip"));
    site.requests.lock().unwrap().push(path.clone());
    let fault = site.faults.lock().unwrap().iter().find(|(s, _)| path.ends_with(s.as_str())).map(|(_, f)| *f);
    let (status, mime, body) = match fault {
        Some(Fault::Fail) => (503, "text/plain; charset=utf-8", b"unavailable".to_vec()),
        _ => {
            if let Some(Fault::Delay(d)) = fault {
                tokio::time::sleep(d).await;
            }
            let file = path.strip_prefix(&site.prefix).filter(|_| !path.contains("..")).map(|rel| {
                let rel = rel.trim_start_matches('/');
                let p = site.dir.join(rel);
                if rel.is_empty() || rel.ends_with('/') {
                    p.join("index.html")
                } else {
                    p
                }
            });
            match file.and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
                Some((p, bytes)) => {
                    let mime = match p.extension().and_then(|e| e.to_str()) {
                        Some("html") => "text/html; charset=utf-8",
                        Some("js") => "text/javascript; charset=utf-8",
                        Some("css") => "text/css; charset=utf-8",
                        Some("json") => "application/json",
                        Some("txt") => "text/plain; charset=utf-8",
                        Some("xml") => "application/xml",
                        _ => "application/octet-stream",
                    };
                    (200, mime, bytes)
                }
                None => (404, "text/plain; charset=utf-8", b"not found".to_vec()),
            }
        }
    };
    let mut response = hyper::Response::builder().status(status).header("Content-Type", mime);
    // Text goes gzipped, as any static host sends it (what slow-link timings must reflect).
    let body = if gzip_ok && (mime.starts_with("text/") || mime == "application/json") {
        response = response.header("Content-Encoding", "gzip").header("Vary", "Accept-Encoding");
        gzip(&body)
    } else {
        body
    };
    for (k, v) in &site.headers {
        response = response.header(k.as_str(), v.as_str());
    }
    Ok(response.body(http_body_util::Full::new(hyper::body::Bytes::from(body))).unwrap())
}

/// Size of `bytes` after gzip at the default level, as a server would send them.
pub fn gzipped_len(bytes: &[u8]) -> usize {
    gzip(bytes).len()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

// ---- `pedoman serve` helpers (tests/serve*.rs) ----

/// One HTTP answer read off a raw socket.
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `GET target` sent byte for byte as given (no client-side normalisation of `..` or `%2e`), so
/// traversal attempts reach the server exactly as an attacker would send them.
pub fn http_get(addr: std::net::SocketAddr, target: &str) -> HttpReply {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the preview server");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    parse_http_reply(&raw).unwrap_or_else(|| panic!("malformed answer to {target}: {}", String::from_utf8_lossy(&raw)))
}

/// Splits a raw HTTP/1.1 answer into status, headers and body (`Content-Length` bodies only).
pub fn parse_http_reply(raw: &[u8]) -> Option<HttpReply> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    Some(HttpReply { status, headers, body: raw[end + 4..].to_vec() })
}

/// A live-reload client on `/__pedoman/events`, reading Server-Sent Events off a raw socket.
pub struct EventStream {
    reader: std::io::BufReader<std::net::TcpStream>,
    /// Bytes of a line cut short by a read timeout, kept for the next read.
    partial: Vec<u8>,
    /// Every event seen so far, for failure messages.
    pub seen: Vec<(String, String)>,
}

impl EventStream {
    /// Connects and checks that the answer is an event stream.
    pub fn connect(addr: std::net::SocketAddr) -> EventStream {
        use std::io::{BufRead, Write};
        let mut stream = std::net::TcpStream::connect(addr).expect("connect to the preview server");
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        write!(stream, "GET /__pedoman/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        let mut reader = std::io::BufReader::new(stream);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("read the event stream's headers");
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        assert!(head.starts_with("HTTP/1.1 200"), "event stream refused: {head}");
        assert!(head.to_ascii_lowercase().contains("content-type: text/event-stream"), "not an event stream: {head}");
        EventStream { reader, partial: Vec::new(), seen: Vec::new() }
    }

    /// The next event as (name, data), or `None` if none arrives within `timeout`.
    pub fn next_event(&mut self, timeout: std::time::Duration) -> Option<(String, String)> {
        use std::io::BufRead;
        let deadline = std::time::Instant::now() + timeout;
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let left = deadline.checked_duration_since(std::time::Instant::now()).filter(|d| !d.is_zero())?;
            self.reader.get_ref().set_read_timeout(Some(left)).unwrap();
            match self.reader.read_until(b'\n', &mut self.partial) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    return None
                }
                Err(e) => panic!("event stream broke: {e}"),
            }
            let line = String::from_utf8(std::mem::take(&mut self.partial)).expect("UTF-8 event stream");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !name.is_empty() || !data.is_empty() {
                    let event = (if name.is_empty() { "message".to_string() } else { name }, data);
                    self.seen.push(event.clone());
                    return Some(event);
                }
            } else if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(v.trim_start());
            }
            // `retry:` and `: comments` are skipped.
        }
    }

    /// Waits for the event called `name`, skipping others; panics with what came instead.
    pub fn expect(&mut self, name: &str, timeout: std::time::Duration) -> String {
        let deadline = std::time::Instant::now() + timeout;
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.next_event(left) {
                Some((n, data)) if n == name => return data,
                Some(_) => continue,
                None => break,
            }
        }
        panic!("no `{name}` event within {timeout:?}; saw {:?}", self.seen);
    }
}

/// Starts `pedoman serve` on the site at `root`, on a free loopback port.
pub fn start_preview(root: &Path) -> pedoman::serve::ServerHandle {
    pedoman::serve::start(pedoman::serve::ServeOptions {
        root: root.to_path_buf(),
        port: 0,
        bind: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        drafts: false,
        open: false,
    })
    .expect("start the preview server")
}

/// Sends `head` (a whole request: request line, headers, blank line) as given and reads the
/// answer, for requests `http_get` cannot make (another `Host`, a `Range`).
pub fn http_request(addr: std::net::SocketAddr, head: &str) -> HttpReply {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the preview server");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    parse_http_reply(&raw).unwrap_or_else(|| panic!("malformed answer to {head:?}: {}", String::from_utf8_lossy(&raw)))
}

/// `pedoman serve --port 0 --root ROOT` as a child process: stdout piped (read it with
/// [`serving_addr`]), stderr discarded.
pub fn spawn_serve(root: &Path) -> std::process::Child {
    std::process::Command::new(pedoman_bin())
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// A memory figure of process `pid` from `/proc/PID/status` (`VmRSS`, `VmHWM`…), in MB.
pub fn proc_status_mb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(&format!("{field}:"))).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
}

/// Reads a `pedoman serve` child's stdout up to its `Serving at http://ADDR` line.
pub fn serving_addr(child: &mut std::process::Child) -> std::net::SocketAddr {
    use std::io::BufRead;
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout piped"));
    let mut line = String::new();
    while stdout.read_line(&mut line).expect("read stdout") > 0 {
        if let Some(rest) = line.strip_prefix("Serving at http://") {
            let addr = rest.split(' ').next().unwrap().parse().expect("an address");
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
            return addr;
        }
        line.clear();
    }
    panic!("pedoman serve printed no `Serving at` line");
}

// ---- Reading HTML as a browser parses it (scraper), instead of searching its text ----

/// The parsed elements of `html` matching the CSS `selector`, each as `f` reads it.
pub fn select<T>(html: &str, selector: &str, f: impl Fn(scraper::ElementRef<'_>) -> T) -> Vec<T> {
    let selector = scraper::Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e}"));
    scraper::Html::parse_document(html).select(&selector).map(f).collect()
}

/// The text of each element matching `selector`, as a reader sees it (tags dropped).
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    select(html, selector, |e| e.text().collect())
}

/// The value of `attr` on each element matching `selector` that has it.
pub fn attrs(html: &str, selector: &str, attr: &str) -> Vec<String> {
    select(html, selector, |e| e.value().attr(attr).map(str::to_string)).into_iter().flatten().collect()
}

/// Emulates a screen `width`×`height` CSS pixels at device scale 1 (a phone when `mobile`).
pub fn set_viewport(tab: &headless_chrome::Tab, width: u32, height: u32, mobile: bool) {
    use headless_chrome::protocol::cdp::Emulation;
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width,
        height,
        device_scale_factor: 1.0,
        mobile,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
}

/// Emulates the reader's colour scheme and, with `reduce_motion`, reduced motion (no smooth
/// scrolling: a jump is over when the click returns).
pub fn set_media(tab: &headless_chrome::Tab, dark: bool, reduce_motion: bool) {
    use headless_chrome::protocol::cdp::Emulation;
    let mut features = vec![Emulation::MediaFeature {
        name: "prefers-color-scheme".into(),
        value: if dark { "dark" } else { "light" }.into(),
    }];
    if reduce_motion {
        features.push(Emulation::MediaFeature { name: "prefers-reduced-motion".into(), value: "reduce".into() });
    }
    tab.call_method(Emulation::SetEmulatedMedia { media: None, features: Some(features) }).unwrap();
}
