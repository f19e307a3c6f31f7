//! Offline reading and installing: the web manifest, and the service worker that caches
//! this build's theme files, search index and pages. Written last, since the worker lists
//! every file the build wrote: a [`Ledger`] notes each file's hash and size as it goes to the
//! writer, so the files themselves are not held.

use crate::config::site_url;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::output::{short_hash, Data};
use crate::render::{short_title, Renderer};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The web manifest's output path; a site's own `static/manifest.webmanifest` replaces Pedoman's.
pub(crate) const MANIFEST: &str = "manifest.webmanifest";

/// Static files worth having before the first page is opened offline; other static files
/// (PDFs, photos) are cached when a reader opens them.
const PRECACHED_STATICS: &[&str] = &["css", "js", "svg", "png", "ico", "webmanifest", "woff2"];

/// `manifest.webmanifest`: the guide's name, start page and icons, for "Add to home screen".
pub(crate) fn manifest(config: &Config, base: &str) -> Vec<u8> {
    let url = |p: &str| site_url(base, p);
    let manifest = json!({
        "name": config.title,
        "short_name": short_title(&config.title),
        "description": config.description,
        "lang": config.language,
        "start_url": url("/"),
        "scope": url("/"),
        "display": "standalone",
        "background_color": "#fdfdfc",
        "theme_color": "#0b5cad",
        "icons": [
            { "src": url("/icon.svg"), "sizes": "any", "type": "image/svg+xml" },
            { "src": url("/icon-192.png"), "sizes": "192x192", "type": "image/png" },
            { "src": url("/icon-512.png"), "sizes": "512x512", "type": "image/png" },
            { "src": url("/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable" },
        ],
    });
    serde_json::to_vec_pretty(&manifest).expect("a JSON value serializes")
}

/// Each file written so far, by output path: its content hash and its size in bytes.
#[derive(Default)]
pub(crate) struct Ledger(Mutex<BTreeMap<String, (String, u64)>>);

impl Ledger {
    /// Notes `rel`, about to be written with `data` (read from disk for a copied file).
    pub(crate) fn record(&self, rel: &str, data: &Data) -> Result<(), Diagnostic> {
        let content: std::borrow::Cow<[u8]> = match data {
            Data::Copy(path) => {
                std::fs::read(path).map_err(|e| Diagnostic::new(path, 0, 0, format!("cannot read file: {e}")))?.into()
            }
            _ => data.in_memory().unwrap_or_default().into(),
        };
        let entry = (short_hash(&content), content.len() as u64);
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(rel.to_string(), entry);
        Ok(())
    }
}

/// `sw.js` for this build: the theme's `sw.js` template given the build's hash, the files to
/// cache at install (theme files, home, offline and search pages), the files cached after the
/// first search (the search scripts and the whole index under `search/`), and every page for
/// "save the whole guide".
pub(crate) fn service_worker(
    renderer: &Renderer,
    base: &str,
    ledger: Ledger,
    assets: &BTreeMap<String, String>,
) -> Result<Vec<u8>, Diagnostic> {
    let files = ledger.0.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let url = |rel: &str| site_url(base, rel);
    let mut precache = Vec::new();
    let mut search = Vec::new();
    for (rel, u) in assets {
        if !rel.rsplit('.').next().is_some_and(|ext| PRECACHED_STATICS.contains(&ext)) {
            continue;
        }
        // What the page loads only when the reader searches waits for the first search.
        let on_search = rel.starts_with("search") && rel != "search-loader.js";
        if on_search { &mut search } else { &mut precache }.push(u.clone());
    }
    precache.extend(["/", "/offline.html", "/cari/"].map(url));
    search.extend(files.keys().filter(|rel| rel.starts_with("search/")).map(|rel| url(rel)));
    let pages: Vec<String> = files
        .keys()
        .filter(|rel| rel.ends_with("index.html"))
        .map(|rel| url(rel.trim_end_matches("index.html")))
        .collect();
    let mut fingerprint = Vec::new();
    let mut bytes = 0u64;
    for (rel, (hash, len)) in &files {
        fingerprint.extend_from_slice(rel.as_bytes());
        fingerprint.extend_from_slice(hash.as_bytes());
        let cached = rel.ends_with(".html") || rel.starts_with("search/") || assets.contains_key(rel.as_str());
        if cached {
            bytes += len;
        }
    }
    let config = json!({
        "build": short_hash(&fingerprint),
        "scope": url("/"),
        "offline": url("/offline.html"),
        "precache": precache,
        "search": search,
        "pages": pages,
        "bytes": bytes,
    });
    let mut ctx = tera::Context::new();
    ctx.insert("config", &config.to_string());
    renderer.render("sw.js", &ctx).map(String::into_bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_titles_keep_whole_words() {
        use crate::render::short_title;
        assert_eq!(short_title("Pedoman Reformasi Birokrasi"), "Pedoman");
        assert_eq!(short_title("Panduan ASN"), "Panduan ASN");
        assert_eq!(short_title("Keterbukaan"), "Keterbukaan");
    }
}
