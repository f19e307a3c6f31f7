//! What each request path answers: routing, path safety and content types.
//!
//! The preview server answers from one folder (the preview build) plus a few files of its own
//! under `/__pedoman/`. Anything that could reach outside that folder is refused before the file
//! system is asked, and what the file system answers is checked again after symlinks resolve.

use super::reload::{OVERLAY_CSS, RELOAD_JS, SCRIPT_TAG};
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

/// Decodes `%XX` escapes. An escaped `/`, `\` or NUL is refused outright: a file name never
/// needs them, and letting them through would let `..%2f..` slip past the segment check.
fn percent_decode(raw: &str) -> Result<Vec<u8>, Refusal> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(Refusal::Malformed)?;
            let hex = std::str::from_utf8(hex).map_err(|_| Refusal::Malformed)?;
            let value = u8::from_str_radix(hex, 16).map_err(|_| Refusal::Malformed)?;
            if matches!(value, b'/' | b'\\' | 0) {
                return Err(Refusal::Forbidden);
            }
            out.push(value);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Ok(out)
}

/// The `Content-Type` for a file, by extension; unknown files are plain bytes.
pub(crate) fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        _ => "application/octet-stream",
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

/// One whole answer. The server adds `Content-Length` and the connection headers.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
}

/// What the connection should do with a request.
#[derive(Debug)]
pub(crate) enum Answer {
    Reply(Reply),
    /// Answer with the live-reload hub's event stream.
    Events,
}

/// Answers one request for `target` under `root` (canonical). GET and HEAD only.
pub(crate) fn answer(method: &str, target: &str, root: &Path) -> Answer {
    if method != "GET" && method != "HEAD" {
        let mut reply = text(405, "Method not allowed\n");
        reply.headers.push(("Allow", "GET, HEAD".into()));
        return Answer::Reply(reply);
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    if let Some(own) = path.strip_prefix("/__pedoman/") {
        return match own {
            "events" if method == "GET" => Answer::Events,
            "reload.js" => Answer::Reply(bytes(200, RELOAD_JS.as_bytes().to_vec(), "text/javascript; charset=utf-8")),
            "overlay.css" => Answer::Reply(bytes(200, OVERLAY_CSS.as_bytes().to_vec(), "text/css; charset=utf-8")),
            _ => Answer::Reply(text(404, "Not found\n")),
        };
    }
    Answer::Reply(match resolve(root, target) {
        Resolved::File(file) => serve_file(&file, 200).unwrap_or_else(|| not_found(root)),
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

fn serve_file(file: &Path, status: u16) -> Option<Reply> {
    // Files are read whole: preview sites are small, and an HTML page must be read anyway to
    // inject the reload client.
    let data = std::fs::read(file).ok()?;
    let kind = content_type(file);
    let data = if kind.starts_with("text/html") { inject_reload(data) } else { data };
    Some(bytes(status, data, kind))
}

fn not_found(root: &Path) -> Reply {
    serve_file(&root.join("404.html"), 404)
        .unwrap_or_else(|| bytes(404, inject_reload(FALLBACK_404.as_bytes().to_vec()), "text/html; charset=utf-8"))
}

fn bytes(status: u16, body: Vec<u8>, kind: &str) -> Reply {
    Reply {
        status,
        headers: vec![
            ("Content-Type", kind.to_string()),
            // Every answer may change on the next save: make the browser ask again each time.
            ("Cache-Control", "no-cache".into()),
            ("X-Content-Type-Options", "nosniff".into()),
        ],
        body,
    }
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
            ("sitemap.xml", "application/xml"),
            ("a.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.jpeg", "image/jpeg"),
            ("a.webp", "image/webp"),
            ("a.gif", "image/gif"),
            ("favicon.ico", "image/x-icon"),
            ("a.woff2", "font/woff2"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("a.pdf", "application/pdf"),
            ("a.json.gz", "application/gzip"),
            ("blob", "application/octet-stream"),
            ("a.bin", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)), kind, "{name}");
        }
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
