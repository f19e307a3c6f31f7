//! `pedoman serve` in a real browser (headless Chromium): an open page follows the editor's
//! saves with no action of its own, shows build errors in an overlay, and swaps stylesheets in
//! place. The pages run under a strict Content-Security-Policy, as a theme may set one.

mod common;

use common::{launch_browser, repo_root, write_files};
use headless_chrome::Tab;
use pedoman::serve::ServerHandle;
use std::path::Path;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(20);

fn page(marker: &str) -> String {
    // Long enough to scroll.
    let filler: String = (1..=60).map(|i| format!("Paragraf pengisi nomor {i} tentang budaya kerja.\n\n")).collect();
    format!("---\ntitle: \"Halaman Uji\"\nweight: 10\n---\n\nTeks halaman: {marker}.\n\n{filler}")
}

/// A small site whose pages carry `script-src 'self'; style-src 'self'`: the theme's base
/// template with one meta tag added.
fn site(root: &Path) {
    let base = std::fs::read_to_string(repo_root().join("themes/pedoman/templates/base.html")).unwrap();
    let csp = "<meta http-equiv=\"Content-Security-Policy\" \
               content=\"default-src 'self'; script-src 'self'; style-src 'self'\">";
    let base = base.replacen("<meta charset=\"utf-8\">", &format!("<meta charset=\"utf-8\">\n{csp}"), 1);
    assert!(base.contains(csp), "the theme's base.html changed shape: update this test");
    write_files(
        root,
        &[
            ("config.yaml", "title: \"Situs Uji\"\nbase_url: \"https://contoh.go.id\"\nlanguage: id\n"),
            ("content/_index.md", "---\ntitle: \"Beranda\"\n---\n\nHalo.\n"),
            ("content/panduan/_index.md", "---\ntitle: \"Panduan\"\n---\n\nDaftar.\n"),
            ("content/panduan/halaman.md", &page("MARKA-AWAL")),
            ("templates/base.html", &base),
            ("static/style.css", "body { color: rgb(1, 2, 3); }\n"),
        ],
    );
}

fn serve(root: &Path) -> ServerHandle {
    common::start_preview(root)
}

/// Evaluates `js` until it returns something truthy; evaluation errors (a reload under way)
/// count as not yet.
fn wait_for(tab: &Tab, js: &str, what: &str) -> serde_json::Value {
    let deadline = Instant::now() + TIMEOUT;
    let mut last = None;
    while Instant::now() < deadline {
        if let Ok(result) = tab.evaluate(js, false) {
            match result.value {
                Some(v) if !(v.is_null() || v == false || v == "" || v == 0) => return v,
                other => last = other,
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what}: not within {TIMEOUT:?} (last value {last:?})");
}

/// Opens `url` and waits until its live-reload client is connected.
fn open(tab: &Tab, url: &str) {
    tab.navigate_to(url).unwrap().wait_until_navigated().unwrap();
    wait_for(tab, "window.__pedomanReload && window.__pedomanReload.connected", "live reload connected");
}

fn text(tab: &Tab) -> String {
    tab.evaluate("document.body.innerText", false).unwrap().value.unwrap().as_str().unwrap().to_string()
}

#[test]
fn an_open_page_follows_saves_and_shows_errors_in_an_overlay() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let server = serve(dir.path());
    let browser = launch_browser();
    let tab = browser.new_tab().unwrap();
    let file = dir.path().join("content/panduan/halaman.md");

    open(&tab, &format!("{}/panduan/halaman/", server.url()));
    assert!(text(&tab).contains("MARKA-AWAL"));

    // Save an edit: the page shows it with no action of its own.
    std::fs::write(&file, page("MARKA-BARU")).unwrap();
    wait_for(&tab, "document.body.innerText.includes('MARKA-BARU')", "the edit shows up");

    // Break the front matter: an overlay names the file and line; the last good page stays.
    wait_for(&tab, "window.__pedomanReload && window.__pedomanReload.connected", "reconnected after reload");
    std::fs::write(&file, page("MARKA-RUSAK").replace("weight: 10", "weight: sepuluh")).unwrap();
    let overlay =
        wait_for(&tab, "(document.getElementById('pedoman-overlay') || {}).innerText", "the error overlay appears");
    let overlay = overlay.as_str().unwrap();
    assert!(overlay.contains("content/panduan/halaman.md:3:"), "overlay lacks path:line: {overlay}");
    assert!(overlay.contains("hint:"), "overlay lacks the hint: {overlay}");
    assert!(overlay.contains("Pedoman gagal membangun ulang situs: 1 masalah"), "in the site's language: {overlay}");
    // Styled from /__pedoman/overlay.css, which the page's CSP allows (inline styles it would not).
    wait_for(
        &tab,
        "getComputedStyle(document.getElementById('pedoman-overlay')).position === 'fixed'",
        "the overlay is styled",
    );
    let body = text(&tab);
    assert!(body.contains("MARKA-BARU") && !body.contains("MARKA-RUSAK"), "last good page kept");

    // Fix it: the overlay goes and the page shows the fixed text.
    std::fs::write(&file, page("MARKA-PULIH")).unwrap();
    wait_for(
        &tab,
        "document.body.innerText.includes('MARKA-PULIH') && !document.getElementById('pedoman-overlay')",
        "recovery clears the overlay",
    );

    // A page opened while an error stands shows the overlay at once.
    std::fs::write(&file, "---\ntitle: [\n---\n").unwrap();
    wait_for(&tab, "!!document.getElementById('pedoman-overlay')", "the second error shows");
    let other = browser.new_tab().unwrap();
    other.navigate_to(&format!("{}/panduan/", server.url())).unwrap().wait_until_navigated().unwrap();
    wait_for(&other, "!!document.getElementById('pedoman-overlay')", "the overlay on a freshly opened page");
}

#[test]
fn a_stylesheet_edit_applies_in_place_and_keeps_the_scroll_position() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let server = serve(dir.path());
    let browser = launch_browser();
    let tab = browser.new_tab().unwrap();

    open(&tab, &format!("{}/panduan/halaman/", server.url()));
    assert_eq!(tab.evaluate("getComputedStyle(document.body).color", false).unwrap().value.unwrap(), "rgb(1, 2, 3)");
    tab.evaluate("window.__sameDocument = true; window.scrollTo(0, 400); window.scrollY", false).unwrap();
    let scrolled = tab.evaluate("window.scrollY", false).unwrap().value.unwrap().as_f64().unwrap();
    assert!(scrolled > 100.0, "the page is long enough to scroll ({scrolled})");

    write_files(dir.path(), &[("static/style.css", "body { color: rgb(4, 5, 6); }\n")]);
    wait_for(&tab, "getComputedStyle(document.body).color === 'rgb(4, 5, 6)'", "the new stylesheet applies");
    let same = tab.evaluate("window.__sameDocument === true", false).unwrap().value.unwrap();
    assert_eq!(same, true, "the page reloaded instead of swapping the stylesheet");
    let now = tab.evaluate("window.scrollY", false).unwrap().value.unwrap().as_f64().unwrap();
    assert_eq!(now, scrolled, "scroll position kept");
    let sheets = tab.evaluate("document.querySelectorAll('link[rel=stylesheet]').length", false).unwrap();
    assert_eq!(sheets.value.unwrap(), 1, "the old stylesheet link is removed once the new one loads");
}
