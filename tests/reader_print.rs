//! Printing in headless Chromium: A4 pages, and external links followed by their address.

mod common;
mod reader_support;

use reader_support::{eval, open};

/// The width and height (points) of the first page's MediaBox in a PDF.
fn media_box(pdf: &[u8]) -> (f64, f64) {
    let text = String::from_utf8_lossy(pdf);
    let at = text.find("/MediaBox").expect("the PDF has a MediaBox");
    let inside = text[at..].split('[').nth(1).unwrap().split(']').next().unwrap();
    let n: Vec<f64> = inside.split_whitespace().map(|v| v.parse().unwrap()).collect();
    (n[2] - n[0], n[3] - n[1])
}

#[test]
fn pages_print_on_a4_with_link_addresses() {
    let src = tempfile::tempdir().unwrap();
    let long = "Paragraf panjang tentang pelayanan publik yang baik. ".repeat(60);
    common::write_files(
        src.path(),
        &[
            ("config.yaml", "title: Uji cetak\n"),
            ("content/_index.md", "---\ntitle: Beranda\n---\n"),
            ("content/bagian/_index.md", "---\ntitle: Bagian\n---\n"),
            ("content/bagian/satu.md", &format!("---\ntitle: Satu\nweight: 1\n---\n\nLihat [JDIH](https://jdih.example.go.id/uu-20-2023).\n\n{long}\n")),
            ("content/bagian/dua.md", &format!("---\ntitle: Dua\nweight: 2\n---\n\n## Cek diri\n\n- [x] Sudah\n- [ ] Belum\n\n{long}\n")),
        ],
    );
    let site = reader_support::build_and_serve(src.path(), "");
    let browser = common::launch_browser();
    let tab = browser.new_tab().unwrap();
    open(&tab, &format!("{}/bagian/cetak/", site.server.base_url));
    let pdf = tab
        .print_to_pdf(Some(headless_chrome::types::PrintToPdfOptions {
            prefer_css_page_size: Some(true),
            print_background: Some(false),
            ..Default::default()
        }))
        .unwrap();
    let (w, h) = media_box(&pdf);
    // A4 is 210 × 297 mm: 595.3 × 841.9 points.
    assert!((w - 595.3).abs() < 2.0 && (h - 841.9).abs() < 2.0, "page is {w} × {h} pt, not A4");
    let pages = String::from_utf8_lossy(&pdf).matches("/Type /Page").count()
        - String::from_utf8_lossy(&pdf).matches("/Type /Pages").count();
    assert!(pages >= 2, "each page of the section starts a printed page: {pages}");

    // In print, an external link is followed by its address; the screen-only parts are hidden.
    tab.call_method(headless_chrome::protocol::cdp::Emulation::SetEmulatedMedia {
        media: Some("print".into()),
        features: None,
    })
    .unwrap();
    open(&tab, &format!("{}/bagian/satu/", site.server.base_url));
    let after = eval(
        &tab,
        "(a => a ? getComputedStyle(a, '::after').content : 'no external link')(document.querySelector('.content a[href^=\"http\"]'))",
    );
    assert!(after.as_str().unwrap().contains("http"), "external link address printed: {after}");
    assert_eq!(eval(&tab, "getComputedStyle(document.querySelector('.site-header')).display"), "none");
    let _ = tab.close(false);
}
