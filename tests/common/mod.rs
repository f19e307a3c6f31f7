//! Helpers shared by the integration tests: building fixture sites and driving headless Chromium.
#![allow(dead_code)]

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
    let path =
        std::env::var_os("PEDOMAN_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
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
/// the browser downloaded.
pub struct StaticServer {
    pub base_url: String,
    pub requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    server: std::sync::Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves `dir` under `prefix` (`""` or `/panduan`) at `http://127.0.0.1:PORT`;
/// `base_url` is that address with the prefix. `/x/` serves `x/index.html`.
pub fn static_server(dir: &Path, prefix: &str) -> StaticServer {
    use std::sync::{Arc, Mutex};
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
    let port = server.server_addr().to_ip().expect("ip address").port();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (srv, log, dir, prefix_owned) = (server.clone(), requests.clone(), dir.to_path_buf(), prefix.to_string());
    let thread = std::thread::spawn(move || {
        for req in srv.incoming_requests() {
            let path = req.url().split(['?', '#']).next().unwrap_or("/").to_string();
            log.lock().unwrap().push(path.clone());
            let file = path.strip_prefix(&prefix_owned).map(|rel| {
                let rel = rel.trim_start_matches('/');
                let mut p = dir.join(rel);
                if rel.is_empty() || rel.ends_with('/') {
                    p = p.join("index.html");
                }
                p
            });
            let safe = !path.contains("..");
            match file.filter(|p| safe && p.is_file()).map(|p| (std::fs::read(&p), p)) {
                Some((Ok(bytes), p)) => {
                    let mime = match p.extension().and_then(|e| e.to_str()) {
                        Some("html") => "text/html; charset=utf-8",
                        Some("js") => "text/javascript; charset=utf-8",
                        Some("css") => "text/css; charset=utf-8",
                        Some("json") => "application/json",
                        Some("txt") => "text/plain; charset=utf-8",
                        Some("xml") => "application/xml",
                        _ => "application/octet-stream",
                    };
                    let header = tiny_http::Header::from_bytes("Content-Type", mime).unwrap();
                    let _ = req.respond(tiny_http::Response::from_data(bytes).with_header(header));
                }
                _ => {
                    let _ = req.respond(tiny_http::Response::from_string("not found").with_status_code(404));
                }
            }
        }
    });
    StaticServer { base_url: format!("http://127.0.0.1:{port}{prefix}"), requests, server, thread: Some(thread) }
}

/// Size of `bytes` after gzip at the default level, as a server would send them.
pub fn gzipped_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap().len()
}
