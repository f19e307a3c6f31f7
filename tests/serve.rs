//! `pedoman serve` as an editor meets it: a preview server on a free port over a temporary
//! site, driven by editing files and watched through HTTP and the live-reload event stream.

mod common;

use common::{http_get, http_request, write_files, EventStream};
use pedoman::serve::{start, ServeOptions, ServerHandle};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Generous for a loaded CI machine; a passing run waits ~50 ms (the quiet window) per edit.
const EVENT_TIMEOUT: Duration = Duration::from_secs(15);

const PAGE: &str = "---\ntitle: \"Halaman Uji\"\ndescription: \"Halaman untuk uji pratinjau.\"\nweight: 10\n---\n\n\
Teks awal halaman: MARKA-AWAL.\n";

fn site(root: &Path) {
    write_files(
        root,
        &[
            (
                "config.yaml",
                "title: \"Situs Uji\"\ndescription: \"Situs untuk uji pratinjau.\"\n\
                 base_url: \"https://contoh.go.id\"\nlanguage: id\n",
            ),
            ("content/_index.md", "---\ntitle: \"Beranda\"\n---\n\nSelamat datang di [panduan](panduan/_index.md).\n"),
            ("content/panduan/_index.md", "---\ntitle: \"Panduan\"\nweight: 10\n---\n\nDaftar panduan.\n"),
            ("content/panduan/halaman.md", PAGE),
            ("static/style.css", "body { color: rgb(1, 2, 3); }\n"),
        ],
    );
}

fn serve(root: &Path) -> ServerHandle {
    common::start_preview(root)
}

/// A site in a temp folder, served, with one live-reload client that has said hello.
fn fixture() -> (tempfile::TempDir, ServerHandle, EventStream) {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let server = serve(dir.path());
    let mut events = EventStream::connect(server.addr());
    events.expect("hello", EVENT_TIMEOUT);
    (dir, server, events)
}

fn assert_page(server: &ServerHandle, target: &str, status: u16, needle: &str) {
    let reply = http_get(server.addr(), target);
    assert_eq!(reply.status, status, "{target}: {}", reply.text());
    assert!(reply.text().contains(needle), "{target} lacks {needle:?}:\n{}", reply.text());
}

#[test]
fn serves_the_built_site_with_the_reload_client() {
    let (dir, server, _events) = fixture();
    let script = r#"<script src="/__pedoman/reload.js" defer></script>"#;

    let home = http_get(server.addr(), "/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(home.text().contains("Situs Uji"));
    let body = home.text();
    let at = body.find(script).expect("reload client injected");
    assert_eq!(body[at + script.len()..].trim_start().get(..7), Some("</body>"), "script just before </body>");
    assert!(!body.contains("<script>"), "no inline script (CSP)");
    // Links point at the preview, not the published site.
    assert!(body.contains(&format!("http://{}", server.addr())), "base_url follows the preview address");

    assert_page(&server, "/panduan/halaman/", 200, "MARKA-AWAL");
    let redirect = http_get(server.addr(), "/panduan?x=1");
    assert_eq!((redirect.status, redirect.header("Location")), (302, Some("/panduan/?x=1")));

    for (target, kind) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/sitemap.xml", "text/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/__pedoman/reload.js", "text/javascript; charset=utf-8"),
        ("/__pedoman/overlay.css", "text/css; charset=utf-8"),
    ] {
        let reply = http_get(server.addr(), target);
        assert_eq!((reply.status, reply.header("Content-Type")), (200, Some(kind)), "{target}");
    }
    assert!(http_get(server.addr(), "/__pedoman/reload.js").text().contains("EventSource"));

    let missing = http_get(server.addr(), "/tidak-ada/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("Content-Type"), Some("text/html; charset=utf-8"));
    let not_found_page = std::fs::read_to_string(server.output_dir().join("404.html")).unwrap();
    let title = common::texts(&not_found_page, "title");
    assert_eq!(common::texts(&missing.text(), "title"), title, "the site's 404.html is served");
    assert!(missing.text().contains(script), "404 pages reload too, so a page that appears shows up");

    // Serve never writes into ROOT/public.
    assert!(!dir.path().join("public").exists());
    assert!(!server.output_dir().starts_with(dir.path()));
}

#[test]
fn editing_a_page_reloads_and_serves_the_new_text() {
    let (dir, server, mut events) = fixture();
    let page = dir.path().join("content/panduan/halaman.md");
    std::fs::write(&page, PAGE.replace("MARKA-AWAL", "MARKA-BARU")).unwrap();
    let data = events.expect("reload", EVENT_TIMEOUT);
    assert!(data.contains("\"build_ms\""), "{data}");
    assert_page(&server, "/panduan/halaman/", 200, "MARKA-BARU");

    // An editor's temp files alone do not rebuild.
    write_files(dir.path(), &[("content/panduan/.halaman.md.swp", "x"), ("content/panduan/halaman.md~", "x")]);
    assert_eq!(events.next_event(Duration::from_millis(400)), None, "temp files caused an event");
}

#[test]
fn a_save_as_rename_is_one_reload() {
    let (dir, server, mut events) = fixture();
    // How many editors save: write a temp file, then rename it over the original.
    let page = dir.path().join("content/panduan/halaman.md");
    let temp = dir.path().join("content/panduan/.halaman.md.tmp~");
    std::fs::write(&temp, PAGE.replace("MARKA-AWAL", "MARKA-GANTI")).unwrap();
    std::fs::rename(&temp, &page).unwrap();
    events.expect("reload", EVENT_TIMEOUT);
    assert_page(&server, "/panduan/halaman/", 200, "MARKA-GANTI");
    assert_eq!(events.next_event(Duration::from_millis(400)), None, "one save, one reload");
}

#[test]
fn broken_front_matter_shows_the_error_keeps_the_last_good_page_and_recovers() {
    let (dir, server, mut events) = fixture();
    let page = dir.path().join("content/panduan/halaman.md");
    std::fs::write(&page, "---\ntitle: \"Halaman Uji\"\nweight: sepuluh\n---\n\nTeks rusak.\n").unwrap();

    let data = events.expect("build-error", EVENT_TIMEOUT);
    let error: serde_json::Value = serde_json::from_str(&data).unwrap();
    let first = &error["diagnostics"][0];
    assert_eq!(first["path"], "content/panduan/halaman.md", "{data}");
    let text = first["text"].as_str().unwrap();
    assert!(text.starts_with("content/panduan/halaman.md:3:"), "path:line:col first: {text}");
    // The last good page is still served, and the server still answers.
    assert_page(&server, "/panduan/halaman/", 200, "MARKA-AWAL");

    // A page opened now learns about the error at once.
    let mut late = EventStream::connect(server.addr());
    late.expect("hello", EVENT_TIMEOUT);
    let again = late.expect("build-error", Duration::from_secs(2));
    assert_eq!(again, data);

    std::fs::write(&page, PAGE.replace("MARKA-AWAL", "MARKA-PULIH")).unwrap();
    events.expect("reload", EVENT_TIMEOUT);
    late.expect("reload", EVENT_TIMEOUT);
    assert_page(&server, "/panduan/halaman/", 200, "MARKA-PULIH");
    let mut later = EventStream::connect(server.addr());
    later.expect("hello", EVENT_TIMEOUT);
    assert_eq!(later.next_event(Duration::from_millis(300)), None, "the error is gone for new pages");
}

#[test]
fn fixing_back_to_the_last_good_text_clears_the_overlay() {
    let (dir, _server, mut events) = fixture();
    let page = dir.path().join("content/panduan/halaman.md");
    std::fs::write(&page, "---\ntitle: [\n---\n").unwrap();
    events.expect("build-error", EVENT_TIMEOUT);
    // Undo in the editor: the output is what it was, so nothing to reload, but the error is gone.
    std::fs::write(&page, PAGE).unwrap();
    events.expect("clear", EVENT_TIMEOUT);
}

#[test]
fn pages_follow_files_that_appear_move_and_disappear() {
    let (dir, server, mut events) = fixture();
    let content = dir.path().join("content/panduan");

    write_files(dir.path(), &[("content/panduan/baru.md", "---\ntitle: \"Halaman Baru\"\n---\n\nMARKA-BARU.\n")]);
    events.expect("reload", EVENT_TIMEOUT);
    assert_page(&server, "/panduan/baru/", 200, "MARKA-BARU");

    std::fs::rename(content.join("halaman.md"), content.join("pindah.md")).unwrap();
    events.expect("reload", EVENT_TIMEOUT);
    assert_page(&server, "/panduan/pindah/", 200, "MARKA-AWAL");
    assert_eq!(http_get(server.addr(), "/panduan/halaman/").status, 404);

    std::fs::remove_file(content.join("pindah.md")).unwrap();
    events.expect("reload", EVENT_TIMEOUT);
    assert_eq!(http_get(server.addr(), "/panduan/pindah/").status, 404);
    assert!(!server.output_dir().join("panduan/pindah/index.html").exists());
}

#[test]
fn a_stylesheet_edit_swaps_styles_without_a_reload() {
    let (dir, server, mut events) = fixture();
    write_files(dir.path(), &[("static/style.css", "body { color: rgb(4, 5, 6); }\n")]);
    let (name, _) = events.next_event(EVENT_TIMEOUT).expect("an event after a CSS edit");
    assert_eq!(name, "css", "saw {:?}", events.seen);
    assert!(http_get(server.addr(), "/style.css?pedoman-reload=1").text().contains("rgb(4, 5, 6)"));
}

#[test]
fn config_changes_rebuild_every_page() {
    let (dir, server, mut events) = fixture();
    let config = dir.path().join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("Situs Uji", "Situs Diganti")).unwrap();
    events.expect("reload", EVENT_TIMEOUT);
    assert_page(&server, "/panduan/halaman/", 200, "Situs Diganti");
}

#[test]
fn an_input_folder_made_while_serving_is_watched() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    std::fs::remove_dir_all(dir.path().join("static")).unwrap();
    let server = serve(dir.path());
    let mut events = EventStream::connect(server.addr());
    events.expect("hello", EVENT_TIMEOUT);

    write_files(dir.path(), &[("static/catatan.txt", "MARKA-SATU")]);
    events.expect("reload", EVENT_TIMEOUT);
    assert_page(&server, "/catatan.txt", 200, "MARKA-SATU");
    // A second edit inside the new folder proves it is watched, not just noticed once.
    write_files(dir.path(), &[("static/catatan.txt", "MARKA-DUA")]);
    events.expect("reload", EVENT_TIMEOUT);
    assert_page(&server, "/catatan.txt", 200, "MARKA-DUA");
}

#[test]
fn requests_outside_the_output_folder_are_refused() {
    let (_dir, server, _events) = fixture();
    let out = server.output_dir();
    // A secret beside the output folder, and in it a symlink that points at the secret.
    let secret = tempfile::NamedTempFile::new_in(out.parent().unwrap()).unwrap();
    std::fs::write(secret.path(), "MARKA-RAHASIA").unwrap();
    let name = secret.path().file_name().unwrap().to_str().unwrap().to_string();
    #[cfg(unix)]
    std::os::unix::fs::symlink(secret.path(), out.join("bocor.txt")).unwrap();

    let attempts = [
        format!("/../{name}"),
        format!("/panduan/../../{name}"),
        format!("/%2e%2e/{name}"),
        format!("/%2E%2E/{name}"),
        format!("/..%2f{name}"),
        format!("/%2e%2e%2f{name}"),
        format!("/..%5c{name}"),
        format!("/..\\{name}"),
        format!("/.%2e/{name}"),
        format!("//{}", secret.path().display()),
        format!("/%2f{}", secret.path().display().to_string().trim_start_matches('/')),
        format!("{}", secret.path().display()),
        "/index.html%00.txt".to_string(),
        "/bocor.txt".to_string(),
        "/../../../../../../etc/passwd".to_string(),
    ];
    for target in &attempts {
        let reply = http_get(server.addr(), target);
        assert!(matches!(reply.status, 400 | 403 | 404), "{target} answered {}", reply.status);
        assert!(!reply.text().contains("MARKA-RAHASIA"), "{target} leaked the secret");
        assert!(!reply.text().contains("root:"), "{target} leaked /etc/passwd");
    }
    assert_eq!(http_get(server.addr(), "/../index.html").status, 403);
    assert_eq!(http_get(server.addr(), "/bocor.txt").status, if cfg!(unix) { 403 } else { 404 });
    // Only GET and HEAD.
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    write!(stream, "DELETE / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", server.addr()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 405"), "{raw}");
}

#[test]
fn a_broken_site_at_start_still_serves_and_shows_the_error() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    write_files(dir.path(), &[("content/panduan/halaman.md", "---\ntitle: [\n---\n")]);
    let server = serve(dir.path());
    let mut events = EventStream::connect(server.addr());
    events.expect("hello", EVENT_TIMEOUT);
    let data = events.expect("build-error", Duration::from_secs(2));
    assert!(data.contains("content/panduan/halaman.md:2:"), "{data}");
    // Nothing built yet: a 404 page that still carries the reload client (and so the overlay).
    let home = http_get(server.addr(), "/");
    assert_eq!(home.status, 404);
    assert!(home.text().contains("/__pedoman/reload.js"));

    write_files(dir.path(), &[("content/panduan/halaman.md", PAGE)]);
    events.expect("reload", EVENT_TIMEOUT);
    assert_page(&server, "/", 200, "Situs Uji");
}

#[test]
fn stopping_removes_the_preview_folder() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let server = serve(dir.path());
    let out = server.output_dir().to_path_buf();
    let addr = server.addr();
    assert!(out.join("index.html").is_file());
    drop(server);
    assert!(!out.exists(), "preview folder left behind");
    assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err(), "still listening");
}

/// 200 connections at once: 40 live-reload clients and 160 keep-alive page clients making 5
/// requests each, with a page edited halfway. Every answer must be right, and every
/// live-reload client must still get its reload.
#[test]
fn holds_200_concurrent_connections() {
    const STREAMS: usize = 40;
    const PAGE_CLIENTS: usize = 160;
    const REQUESTS: usize = 5;
    let started = Instant::now();
    let (dir, server, _events) = fixture();
    let addr = server.addr();
    let all = Arc::new(Gate::default());

    let mut streams = Vec::new();
    for _ in 0..STREAMS {
        let all = all.clone();
        streams.push(std::thread::spawn(move || {
            let mut events = EventStream::connect(addr);
            events.expect("hello", EVENT_TIMEOUT);
            all.arrive_and_wait();
            events.expect("reload", Duration::from_secs(30));
        }));
    }
    let targets = [
        ("/", 200, "Situs Uji"),
        ("/panduan/", 200, "Halaman Uji"),
        ("/panduan/halaman/", 200, "Halaman Uji"),
        ("/style.css", 200, "body"),
        ("/tidak-ada/", 404, "reload.js"),
    ];
    let mut pages = Vec::new();
    for client in 0..PAGE_CLIENTS {
        let all = all.clone();
        pages.push(std::thread::spawn(move || {
            let stream = TcpStream::connect(addr).expect("connect");
            stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut writer = stream;
            all.arrive_and_wait();
            for i in 0..REQUESTS {
                let (target, status, needle) = targets[(client + i) % targets.len()];
                write!(writer, "GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
                let (got, body) = read_reply(&mut reader);
                assert_eq!(got, status, "{target}");
                assert!(body.contains(needle), "{target} lacks {needle:?}");
            }
        }));
    }
    all.open_when(STREAMS + PAGE_CLIENTS);
    // Everyone is connected at once: 200 sockets plus the fixture's own stream.
    let page = dir.path().join("content/panduan/halaman.md");
    std::fs::write(&page, PAGE.replace("MARKA-AWAL", "MARKA-BEBAN")).unwrap();
    for (i, t) in pages.into_iter().enumerate() {
        t.join().unwrap_or_else(|_| panic!("page client {i} failed"));
    }
    for (i, t) in streams.into_iter().enumerate() {
        t.join().unwrap_or_else(|_| panic!("live-reload client {i} got no reload"));
    }
    assert_page(&server, "/panduan/halaman/", 200, "MARKA-BEBAN");
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
}

/// A barrier that gives up: if a client fails before it arrives, the test fails within a
/// bounded time instead of waiting forever.
#[derive(Default)]
struct Gate {
    state: Mutex<(usize, bool)>,
    changed: Condvar,
}

impl Gate {
    const LIMIT: Duration = Duration::from_secs(30);

    fn arrive_and_wait(&self) {
        let mut state = self.state.lock().unwrap();
        state.0 += 1;
        self.changed.notify_all();
        let (state, timeout) = self.changed.wait_timeout_while(state, Self::LIMIT, |s| !s.1).unwrap();
        assert!(!timeout.timed_out(), "the others never connected ({} did)", state.0);
    }

    fn open_when(&self, count: usize) {
        let state = self.state.lock().unwrap();
        let (mut state, timeout) = self.changed.wait_timeout_while(state, Self::LIMIT, |s| s.0 < count).unwrap();
        assert!(!timeout.timed_out(), "only {} of {count} clients connected", state.0);
        state.1 = true;
        self.changed.notify_all();
    }
}

/// Reads one keep-alive answer: status and body (by `Content-Length`).
fn read_reply(reader: &mut BufReader<TcpStream>) -> (u16, String) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("status line");
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header");
        if line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("body");
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[test]
fn drafts_are_previewed_only_when_asked_and_never_published() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    write_files(dir.path(), &[("content/panduan/draf.md", "---\ntitle: \"Draf\"\ndraft: true\n---\n\nMARKA-DRAF.\n")]);
    let plain = serve(dir.path());
    assert_eq!(http_get(plain.addr(), "/panduan/draf/").status, 404);
    let with_drafts = start(ServeOptions {
        root: dir.path().to_path_buf(),
        port: 0,
        bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        drafts: true,
        open: false,
    })
    .unwrap();
    assert_page(&with_drafts, "/panduan/draf/", 200, "MARKA-DRAF");
    assert!(!dir.path().join("public").exists(), "a preview with drafts wrote into public/");
}

#[test]
fn a_busy_port_is_reported_plainly() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let err = start(ServeOptions {
        root: dir.path().to_path_buf(),
        port,
        bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        drafts: false,
        open: false,
    })
    .err()
    .expect("a taken port is an error");
    assert!(err.to_string().contains("already in use"), "{err}");
}

/// The command as typed: prints where it serves, answers, and on Ctrl+C exits cleanly and
/// removes its preview folder.
#[cfg(unix)]
#[test]
fn the_command_serves_until_ctrl_c() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let mut child = common::spawn_serve(dir.path());
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut url = None;
    for _ in 0..10 {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.strip_prefix("Serving at ") {
            assert!(rest.trim_end().ends_with("(Ctrl+C to stop)"), "{line}");
            url = rest.split(' ').next().map(str::to_string);
            break;
        }
    }
    let url = url.expect("a `Serving at` line");
    let addr: SocketAddr = url.strip_prefix("http://").unwrap().parse().unwrap();
    assert!(addr.ip().is_loopback(), "binds 127.0.0.1 by default");
    assert_eq!(http_get(addr, "/").status, 200);

    let pid = child.id();
    let preview = |pid: u32| {
        std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .filter_map(std::result::Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with(&format!("pedoman-serve-{pid}-")))
    };
    assert!(preview(pid), "builds into the temp folder");
    Command::new("kill").args(["-INT", &pid.to_string()]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running 10 s after Ctrl+C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    assert!(!preview(pid), "preview folder left behind");
}

#[test]
fn a_folder_that_is_not_a_site_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::pedoman(["serve", "--port", "0", "--root", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no config.yaml") && err.contains("pedoman init"), "{err}");
}

/// A page elsewhere that points its own domain name at 127.0.0.1 (DNS rebinding) sends that
/// name as `Host`: the preview must not answer it.
#[test]
fn requests_for_another_host_are_refused() {
    let (_dir, server, _events) = fixture();
    let addr = server.addr();
    for host in ["evil.example", &format!("evil.example:{}", addr.port()), "127.0.0.1:1", ""] {
        let reply =
            http_request(addr, &format!("GET /panduan/halaman/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert_eq!(reply.status, 421, "Host: {host}");
        assert!(!reply.text().contains("MARKA-AWAL"), "Host: {host} got the page");
        assert!(reply.text().contains(&format!("http://{addr}")), "the refusal says where to go: {}", reply.text());
    }
    // The live-reload stream too.
    let reply = http_request(addr, "GET /__pedoman/events HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    assert_eq!(reply.status, 421);
    for host in [addr.to_string(), format!("localhost:{}", addr.port())] {
        let reply =
            http_request(addr, &format!("GET /panduan/halaman/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert_eq!(reply.status, 200, "Host: {host}");
        assert!(reply.text().contains("MARKA-AWAL"));
    }
}

#[test]
fn files_are_answered_in_ranges() {
    let (dir, server, mut events) = fixture();
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.path().join("static/data.bin"), &data).unwrap();
    events.expect("reload", EVENT_TIMEOUT);
    let addr = server.addr();
    let get = |range: &str| {
        http_request(
            addr,
            &format!("GET /data.bin HTTP/1.1\r\nHost: {addr}\r\nRange: {range}\r\nConnection: close\r\n\r\n"),
        )
    };
    let whole = http_get(addr, "/data.bin");
    assert_eq!((whole.status, whole.header("accept-ranges")), (200, Some("bytes")));
    assert_eq!(whole.body, data);

    let part = get("bytes=10-19");
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-range"), Some("bytes 10-19/100000"));
    assert_eq!(part.header("content-length"), Some("10"));
    assert_eq!(part.body, &data[10..20]);
    let tail = get("bytes=-5");
    assert_eq!((tail.status, &tail.body[..]), (206, &data[99_995..]));
    let rest = get("bytes=99990-");
    assert_eq!((rest.status, &rest.body[..]), (206, &data[99_990..]));
    let beyond = get("bytes=100000-");
    assert_eq!(beyond.status, 416);
    assert_eq!(beyond.header("content-range"), Some("bytes */100000"));
    // A header that is not a range is ignored: the whole file.
    let odd = get("pages=1-2");
    assert_eq!((odd.status, odd.body.len()), (200, data.len()));
}

/// Ten clients download a 50 MB file at once, reading slowly: the preview sends each in chunks
/// as it is read, so its memory stays far below the 500 MB that reading each whole took.
#[cfg(target_os = "linux")]
#[test]
fn ten_downloads_of_a_large_file_keep_memory_small() {
    use std::process::Command;
    const SIZE: usize = 50 << 20;
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let blob: Vec<u8> = (0..SIZE).map(|i| (i % 253) as u8).collect();
    std::fs::write(dir.path().join("static/besar.bin"), &blob).unwrap();
    drop(blob);
    let mut child = common::spawn_serve(dir.path());
    let addr = common::serving_addr(&mut child);
    let before = common::proc_status_mb(child.id(), "VmHWM");
    let downloads: Vec<_> = (0..10)
        .map(|_| {
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(addr).unwrap();
                write!(stream, "GET /besar.bin HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
                let mut total = 0usize;
                let mut buf = vec![0; 256 * 1024];
                loop {
                    match stream.read(&mut buf).unwrap() {
                        0 => break total,
                        n => total += n,
                    }
                    // A slow reader: the server must wait for it, not buffer the file.
                    std::thread::sleep(Duration::from_millis(2));
                }
            })
        })
        .collect();
    for download in downloads {
        assert!(download.join().unwrap() > SIZE, "a download came back short");
    }
    let after = common::proc_status_mb(child.id(), "VmHWM");
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let _ = child.wait();
    println!("peak RSS of the preview: {before} MB after the first build, {after} MB after 10 x 50 MB downloads");
    assert!(after < before + 60, "peak RSS grew from {before} MB to {after} MB");
}

/// Pedoman's memory comes in small pages (`use_small_pages`): with mimalloc's transparent huge
/// pages a 1,000-page build held twice the memory. The kernel says so in the process status.
#[cfg(target_os = "linux")]
#[test]
fn the_preview_asks_the_kernel_for_small_pages() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let mut child = common::spawn_serve(dir.path());
    common::serving_addr(&mut child);
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let _ = child.wait();
    let thp = status.lines().find(|l| l.starts_with("THP_enabled:"));
    // Kernels before 5.0 do not report it.
    if let Some(line) = thp {
        assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
    }
}

#[cfg(unix)]
#[test]
fn binding_beyond_loopback_warns_that_the_network_sees_the_preview() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let mut child = Command::new(common::pedoman_bin())
        .args(["serve", "--port", "0", "--bind", "0.0.0.0", "--root"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The address to open is the loopback one, not `0.0.0.0`, and pages link to it.
    let addr = common::serving_addr(&mut child);
    assert_eq!(addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST), "{addr}");
    let home = http_get(addr, "/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains(&format!("http://{addr}/")), "{}", home.text());
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: listening on 0.0.0.0") && stderr.contains("drafts"), "{stderr}");
}

/// A page template whose every loop iteration is slow: it would run far past the 10 s time
/// budget of one page, so anything faster than that is the preview stopping it on purpose.
const SLOW_TEMPLATE: &str = "{% extends \"base.html\" %}\n{% block content %}\
{% for a in range(end=100000) %}{% set s = range(end=50000) | join(sep=\",\") %}{% endfor %}\
{% endblock content %}\n";

#[test]
fn saving_a_fixed_template_stops_the_runaway_render_at_once() {
    let (dir, server, mut events) = fixture();
    write_files(dir.path(), &[("templates/page.html", SLOW_TEMPLATE)]);
    // Let the slow build get going, then save the fix.
    std::thread::sleep(Duration::from_millis(700));
    let fixed = "{% extends \"base.html\" %}\n{% block content %}MARKA-PERBAIKAN{% endblock content %}\n";
    let saved = Instant::now();
    write_files(dir.path(), &[("templates/page.html", fixed)]);
    events.expect("reload", Duration::from_secs(8));
    assert!(saved.elapsed() < Duration::from_secs(8), "the fix waited {:?}", saved.elapsed());
    assert!(
        !events.seen.iter().any(|(name, _)| name == "build-error"),
        "a cancelled build is no error: {:?}",
        events.seen
    );
    assert_page(&server, "/panduan/halaman/", 200, "MARKA-PERBAIKAN");
}

#[test]
fn a_runaway_template_fails_the_build_and_names_the_template() {
    let (dir, _server, mut events) = fixture();
    write_files(
        dir.path(),
        &[(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}\n{% endblock content %}\n",
        )],
    );
    let data = events.expect("build-error", EVENT_TIMEOUT);
    assert!(data.contains("templates/page.html:3:") && data.contains("template stopped"), "{data}");
}

/// Ctrl+C while a template loops: the preview stops without waiting for the render.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_preview_that_is_rendering_a_runaway_template() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let mut child = common::spawn_serve(dir.path());
    common::serving_addr(&mut child);
    write_files(dir.path(), &[("templates/page.html", SLOW_TEMPLATE)]);
    std::thread::sleep(Duration::from_millis(700));
    let asked = Instant::now();
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(asked.elapsed() < Duration::from_secs(5), "still running 5 s after Ctrl+C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}
