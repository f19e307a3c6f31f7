//! What each request answers: which hosts may ask, routing, path safety, ranges and content
//! types.
//!
//! The preview server answers from one folder (the preview build) plus a few files of its own
//! under `/__pedoman/`. Anything that could reach outside that folder is refused before the file
//! system is asked, and what the file system answers is checked again after symlinks resolve.
//! Files are answered as open handles, streamed by the HTTP layer, never read whole (but HTML
//! pages, which get the reload client).

use super::reload::{OVERLAY_CSS, RELOAD_JS, SCRIPT_TAG};
use http_range_header::parse_range_header;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};

/// Where a request path leads inside the output folder.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    File(PathBuf),
    /// `/dir` is a folder: send the browser to `/dir/` so relative links resolve.
    Redirect(String),
    NotFound,
    /// Traversal, encoded separators, NUL, absolute paths, symlinks leading outside.
    Forbidden,
    /// Not a path at all (`*`, `http://…`, broken `%` escapes).
    BadRequest,
}

/// Maps a request target (`/a/b/?q`) to a file under `root`, which must be canonical.
pub(crate) fn resolve(root: &Path, target: &str) -> Resolved {
    let (raw, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let raw = raw.split('#').next().unwrap_or(raw);
    if !raw.starts_with('/') {
        return Resolved::BadRequest;
    }
    // `//host/x` and `/\x` are absolute or UNC paths to some clients and servers.
    if raw.starts_with("//") || raw.contains('\\') {
        return Resolved::Forbidden;
    }
    let decoded = match percent_decode(raw) {
        Ok(d) => d,
        Err(Refusal::Forbidden) => return Resolved::Forbidden,
        Err(Refusal::Malformed) => return Resolved::BadRequest,
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return Resolved::NotFound;
    };
    let wants_dir = decoded.ends_with('/');
    let mut candidate = root.to_path_buf();
    let inner = decoded[1..].strip_suffix('/').unwrap_or(&decoded[1..]);
    if !inner.is_empty() {
        for segment in inner.split('/') {
            // Exactly one plain component: rejects "", ".", "..", and anything `Path` would
            // read as a root or drive prefix (`C:` on Windows).
            let mut parts = Path::new(segment).components();
            match (parts.next(), parts.next()) {
                (Some(Component::Normal(_)), None) => candidate.push(segment),
                _ => return Resolved::Forbidden,
            }
        }
    }
    let Some(found) = inside(root, &candidate) else {
        return if candidate.symlink_metadata().is_ok() { Resolved::Forbidden } else { Resolved::NotFound };
    };
    if found.is_dir() {
        if !wants_dir {
            let mut location = format!("{raw}/");
            if let Some(q) = query {
                location.push('?');
                location.push_str(q);
            }
            return Resolved::Redirect(location);
        }
        let index = found.join("index.html");
        return match inside(root, &index) {
            Some(file) if file.is_file() => Resolved::File(file),
            None if index.symlink_metadata().is_ok() => Resolved::Forbidden,
            _ => Resolved::NotFound,
        };
    }
    if wants_dir {
        return Resolved::NotFound;
    }
    Resolved::File(found)
}

/// The canonical form of `path` if it exists and stays inside `root` once symlinks resolve.
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    path.canonicalize().ok().filter(|p| p.starts_with(root))
}

enum Refusal {
    Forbidden,
    Malformed,
}

/// Decodes `%XX` escapes. An escaped `/`, `\\` or NUL is refused outright: a file name never
/// needs them, and letting them through would let `..%2f..` slip past the segment check.
fn percent_decode(raw: &str) -> Result<Vec<u8>, Refusal> {
    // `percent_decode_str` passes broken escapes through as text; a broken one is refused instead.
    for (i, _) in raw.match_indices('%') {
        let hex = raw.get(i + 1..i + 3).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        match hex {
            None => return Err(Refusal::Malformed),
            Some(h) if ["2f", "5c", "00"].iter().any(|bad| h.eq_ignore_ascii_case(bad)) => {
                return Err(Refusal::Forbidden)
            }
            Some(_) => {}
        }
    }
    Ok(percent_encoding::percent_decode_str(raw).collect())
}

/// The `Content-Type` for a file, by extension; unknown files are plain bytes.
pub(crate) fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT || mime.subtype() == mime_guess::mime::JAVASCRIPT;
    if textual {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

/// Whether a request's `Host` names this server: the address it is bound to (any IP address of
/// the machine when bound to all of them) or `localhost`, with the server's port. A page on
/// another site that re-points its own domain name at this machine (DNS rebinding) sends its
/// own name, and is refused.
pub(crate) fn host_allowed(host: Option<&str>, bound: SocketAddr) -> bool {
    // A `Host` names a host and port, never a user (`user@127.0.0.1`).
    let Some(host) = host.filter(|h| !h.is_empty() && !h.contains('@')) else {
        return false;
    };
    let Ok(authority) = host.parse::<hyper::http::uri::Authority>() else {
        return false;
    };
    if authority.port_u16().unwrap_or(80) != bound.port() {
        return false;
    }
    let name = authority.host().trim_start_matches('[').trim_end_matches(']');
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => bound.ip().is_unspecified() || ip == bound.ip(),
        Err(_) => false,
    }
}

/// Puts the reload client just before the last `</body>` (or at the end when there is none).
/// A `<script src>` rather than inline code, so it runs under the theme's `script-src 'self'`.
pub(crate) fn inject_reload(mut html: Vec<u8>) -> Vec<u8> {
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    html.splice(at..at, SCRIPT_TAG.bytes());
    html
}

/// Shown when the site has no `404.html` (the first build failed, say): it carries the reload
/// client so the error overlay appears and the page recovers once the build succeeds.
const FALLBACK_404: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Not found</title></head><body><h1>Not found</h1>\
<p>No page at this address (yet). <a href=\"/\">Home</a></p></body></html>\n";

/// HTML pages larger than this are streamed as they are, without the reload client.
const INJECT_LIMIT: u64 = 16 << 20;

/// An answer's bytes.
#[derive(Debug)]
pub(crate) enum Content {
    Bytes(Vec<u8>),
    /// `len` bytes of an open file, from where it is positioned.
    File {
        file: File,
        len: u64,
    },
}

/// One answer. The server adds `Content-Length` and the connection headers.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Content,
}

/// What the connection should do with a request.
#[derive(Debug)]
pub(crate) enum Answer {
    Reply(Reply),
    /// Answer with the live-reload hub's event stream.
    Events,
}

/// One request, as far as answering it goes.
pub(crate) struct Request<'a> {
    pub(crate) method: &'a str,
    pub(crate) target: &'a str,
    pub(crate) host: Option<&'a str>,
    pub(crate) range: Option<&'a str>,
}

/// Answers `request` from `root` (canonical) for a server bound to `bound`. GET and HEAD only.
pub(crate) fn answer(request: &Request, root: &Path, bound: SocketAddr) -> Answer {
    if !host_allowed(request.host, bound) {
        return Answer::Reply(text(
            421,
            &format!(
                "This preview answers only to http://{bound} and http://localhost:{}: open one of those addresses.\n\
                 (Requests naming another host are refused, so other web pages cannot read the preview.)\n",
                bound.port()
            ),
        ));
    }
    if request.method != "GET" && request.method != "HEAD" {
        let mut reply = text(405, "Method not allowed\n");
        reply.headers.push(("Allow", "GET, HEAD".into()));
        return Answer::Reply(reply);
    }
    let path = request.target.split(['?', '#']).next().unwrap_or("");
    if let Some(own) = path.strip_prefix("/__pedoman/") {
        return match own {
            "events" if request.method == "GET" => Answer::Events,
            "reload.js" => Answer::Reply(bytes(200, RELOAD_JS.as_bytes().to_vec(), "text/javascript; charset=utf-8")),
            "overlay.css" => Answer::Reply(bytes(200, OVERLAY_CSS.as_bytes().to_vec(), "text/css; charset=utf-8")),
            _ => Answer::Reply(text(404, "Not found\n")),
        };
    }
    Answer::Reply(match resolve(root, request.target) {
        Resolved::File(file) => serve_file(&file, request.range).unwrap_or_else(|| not_found(root)),
        Resolved::Redirect(location) => {
            let mut reply = text(302, "Moved\n");
            reply.headers.push(("Location", location));
            reply
        }
        Resolved::NotFound => not_found(root),
        Resolved::Forbidden => text(403, "Forbidden\n"),
        Resolved::BadRequest => text(400, "Bad request\n"),
    })
}

/// A file as a 200, or the part a `Range` header asks for as a 206 (416 when it lies past the
/// end). HTML is read whole to carry the reload client, so it is never answered in parts.
fn serve_file(path: &Path, range: Option<&str>) -> Option<Reply> {
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let kind = content_type(path);
    if kind.starts_with("text/html") && len <= INJECT_LIMIT {
        let mut html = Vec::with_capacity(len as usize);
        file.read_to_end(&mut html).ok()?;
        return Some(bytes(200, inject_reload(html), &kind));
    }
    // A malformed header is ignored (RFC 9110 §14.2): the whole file is a valid answer. So is
    // the whole file for several ranges, which would need a multipart answer.
    let wanted = range.and_then(|r| parse_range_header(r).ok()).map(|parsed| parsed.validate(len));
    let mut reply = match wanted {
        Some(Ok(parts)) if parts.len() == 1 => {
            let (start, end) = (*parts[0].start(), *parts[0].end());
            file.seek(SeekFrom::Start(start)).ok()?;
            let mut reply = streamed(206, file, end - start + 1, &kind);
            reply.headers.push(("Content-Range", format!("bytes {start}-{end}/{len}")));
            reply
        }
        Some(Err(_)) => {
            let mut reply = text(416, "Range not satisfiable\n");
            reply.headers.push(("Content-Range", format!("bytes */{len}")));
            reply
        }
        _ => streamed(200, file, len, &kind),
    };
    reply.headers.push(("Accept-Ranges", "bytes".into()));
    Some(reply)
}

fn not_found(root: &Path) -> Reply {
    let page = std::fs::read(root.join("404.html")).unwrap_or_else(|_| FALLBACK_404.as_bytes().to_vec());
    bytes(404, inject_reload(page), "text/html; charset=utf-8")
}

fn headers(kind: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", kind.to_string()),
        // Every answer may change on the next save: make the browser ask again each time.
        ("Cache-Control", "no-cache".into()),
        ("X-Content-Type-Options", "nosniff".into()),
    ]
}

fn streamed(status: u16, file: File, len: u64, kind: &str) -> Reply {
    Reply { status, headers: headers(kind), body: Content::File { file, len } }
}

fn bytes(status: u16, body: Vec<u8>, kind: &str) -> Reply {
    Reply { status, headers: headers(kind), body: Content::Bytes(body) }
}

pub(crate) fn text(status: u16, body: &str) -> Reply {
    bytes(status, body.as_bytes().to_vec(), "text/plain; charset=utf-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        std::fs::create_dir_all(root.join("panduan/bagian")).unwrap();
        std::fs::write(root.join("index.html"), "<html><body>home</body></html>").unwrap();
        std::fs::write(root.join("panduan/index.html"), "guide").unwrap();
        std::fs::write(root.join("panduan/bagian/index.html"), "part").unwrap();
        std::fs::write(root.join("style.css"), "body{}").unwrap();
        std::fs::write(root.join("file name.txt"), "spaced").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        std::fs::create_dir(root.join("empty")).unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn maps_files_folders_and_redirects() {
        let (_dir, root) = site();
        assert_eq!(resolve(&root, "/"), Resolved::File(root.join("index.html")));
        assert_eq!(resolve(&root, "/?x=1"), Resolved::File(root.join("index.html")));
        assert_eq!(resolve(&root, "/panduan/"), Resolved::File(root.join("panduan/index.html")));
        assert_eq!(resolve(&root, "/panduan/bagian/"), Resolved::File(root.join("panduan/bagian/index.html")));
        assert_eq!(resolve(&root, "/style.css?pedoman-reload=1"), Resolved::File(root.join("style.css")));
        assert_eq!(resolve(&root, "/file%20name.txt"), Resolved::File(root.join("file name.txt")));
        assert_eq!(resolve(&root, "/panduan"), Resolved::Redirect("/panduan/".into()));
        assert_eq!(resolve(&root, "/panduan?a=b"), Resolved::Redirect("/panduan/?a=b".into()));
        assert_eq!(resolve(&root, "/missing/"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/empty/"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/style.css/"), Resolved::NotFound);
    }

    #[test]
    fn refuses_anything_that_leaves_the_folder() {
        let (_dir, root) = site();
        for target in [
            "/../secret.txt",
            "/panduan/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/.%2e/secret.txt",
            "/..%2fsecret.txt",
            "/%2e%2e%2fsecret.txt",
            "/..%5csecret.txt",
            "/..\\secret.txt",
            "/\\secret.txt",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/index.html%00.txt",
            "/./index.html",
            "/panduan//index.html",
        ] {
            assert_eq!(resolve(&root, target), Resolved::Forbidden, "{target}");
        }
        for target in ["*", "http://example.com/", "etc/passwd", "/%zz", "/%2"] {
            assert_eq!(resolve(&root, target), Resolved::BadRequest, "{target}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_that_point_outside() {
        let (dir, root) = site();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        std::os::unix::fs::symlink(root.join("style.css"), root.join("alias.css")).unwrap();
        assert_eq!(resolve(&root, "/leak.txt"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/up/secret.txt"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/up/"), Resolved::Forbidden);
        assert_eq!(resolve(&root, "/alias.css"), Resolved::File(root.join("style.css")));
    }

    #[test]
    fn content_types_by_extension() {
        for (name, kind) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.CSS", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.json", "application/json"),
            ("sitemap.xml", "text/xml; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.webp", "image/webp"),
            ("a.woff2", "font/woff2"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("a.pdf", "application/pdf"),
            ("blob", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)), kind, "{name}");
        }
    }

    #[test]
    fn only_hosts_naming_this_server_are_answered() {
        let loopback: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        for host in ["127.0.0.1:1111", "localhost:1111", "LOCALHOST:1111"] {
            assert!(host_allowed(Some(host), loopback), "{host}");
        }
        for host in [
            "evil.example:1111",
            "127.0.0.1",
            "127.0.0.1:80",
            "localhost",
            "10.0.0.2:1111",
            "",
            "a b",
            "user@127.0.0.1:1111",
            "localhost.:1111",
            "127.1:1111",
        ] {
            assert!(!host_allowed(Some(host), loopback), "{host}");
        }
        assert!(!host_allowed(None, loopback));
        let everywhere: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.20:8080"), everywhere));
        assert!(host_allowed(Some("[fe80::1]:8080"), everywhere));
        assert!(!host_allowed(Some("laptop.rebind.example:8080"), everywhere));
        let v6: SocketAddr = "[::1]:80".parse().unwrap();
        assert!(host_allowed(Some("[::1]"), v6) && host_allowed(Some("localhost"), v6));
        assert!(!host_allowed(Some("127.0.0.1"), v6));
    }

    #[test]
    fn reload_client_goes_before_the_last_body_close() {
        let html = b"<html><body><p>x</p></BODY></html>".to_vec();
        let out = String::from_utf8(inject_reload(html)).unwrap();
        assert_eq!(out, format!("<html><body><p>x</p>{SCRIPT_TAG}</BODY></html>"));
        let out = String::from_utf8(inject_reload(b"<p>fragment</p>".to_vec())).unwrap();
        assert_eq!(out, format!("<p>fragment</p>{SCRIPT_TAG}"));
    }
}
