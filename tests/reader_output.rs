//! What the reader's browser is sent, checked on the built output: valid HTML (Nu Html
//! Checker), an Atom feed that meets RFC 4287, the weight budget, noindex where it belongs,
//! the glossary A–Z and its term links, print pages, the manifest and icons, the service
//! worker's file list, and dates from git.

mod common;
mod reader_support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The bundled site, built once for this file (no server needed).
fn bundled() -> &'static (tempfile::TempDir, PathBuf) {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        common::build_site(&common::repo_root(), &out, "");
        (dir, out)
    })
}

fn read(rel: &str) -> String {
    let path = bundled().1.join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn html_files(out: &Path) -> Vec<String> {
    reader_support::page_paths(out)
        .into_iter()
        .map(|p| if p.ends_with('/') { format!("{}index.html", p.trim_start_matches('/')) } else { p[1..].to_string() })
        .collect()
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    let jar = common::repo_root().join("tests/npm/node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(jar.is_file(), "{} missing: run tests/run (npm ci in tests/npm)", jar.display());
    let run = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--skip-non-html", "--errors-only", "--format", "json"])
        .arg(&bundled().1)
        .output()
        .expect("java not found: the Nu Html Checker needs a Java runtime (Debian: default-jre-headless)");
    let report: serde_json::Value = serde_json::from_slice(&run.stderr)
        .unwrap_or_else(|_| panic!("no JSON from vnu: {}", String::from_utf8_lossy(&run.stderr)));
    let mut errors = Vec::new();
    for m in report["messages"].as_array().unwrap() {
        let text = m["message"].as_str().unwrap_or("");
        let file = m["url"].as_str().unwrap_or("").rsplit("/public/").next().unwrap_or("").to_string();
        errors.push(format!("{file}:{}: {text}", m["lastLine"]));
    }
    assert!(errors.is_empty(), "Nu Html Checker errors:\n{}", errors.join("\n"));
}

#[test]
fn the_atom_feed_meets_rfc_4287() {
    let xml = read("atom.xml");
    let doc = roxmltree::Document::parse(&xml).expect("atom.xml is well-formed XML");
    let ns = "http://www.w3.org/2005/Atom";
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ns, "feed")));
    let children = |n: roxmltree::Node<'_, '_>, name: &str| -> Vec<String> {
        n.children().filter(|c| c.has_tag_name((ns, name))).map(|c| c.text().unwrap_or("").trim().to_string()).collect()
    };
    // §4.1.1: exactly one id, title, updated; an author (here on the feed, covering every entry).
    for name in ["id", "title", "updated"] {
        assert_eq!(children(feed, name).len(), 1, "feed has one atom:{name}");
    }
    let author = feed.children().find(|c| c.has_tag_name((ns, "author"))).expect("the feed names its author");
    let name = children(author, "name");
    assert_eq!(name, ["Pedoman Reformasi Birokrasi"], "author defaults to the site title");
    assert!(feed.children().any(|c| c.has_tag_name((ns, "link")) && c.attribute("rel") == Some("self")));
    let rfc3339 = |s: &str| {
        let b = s.as_bytes();
        s.len() == 20
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && s.ends_with('Z')
    };
    let mut ids = HashSet::new();
    let mut previous: Option<String> = None;
    let entries: Vec<_> = feed.children().filter(|c| c.has_tag_name((ns, "entry"))).collect();
    assert!(entries.len() >= 10, "the bundled guide has dated pages");
    for e in entries {
        for name in ["id", "title", "updated"] {
            assert_eq!(children(e, name).len(), 1, "entry has one atom:{name}");
        }
        let id = children(e, "id").remove(0);
        assert!(ids.insert(id.clone()), "entry ids are unique: {id}");
        let updated = children(e, "updated").remove(0);
        assert!(rfc3339(&updated), "{updated} is an RFC 3339 date-time");
        let published = children(e, "published");
        assert!(
            published.iter().all(|p| rfc3339(p) && *p <= updated),
            "published {published:?} after updated {updated}"
        );
        // §4.1.2: without content, an entry needs a link to it (and here has a summary).
        assert!(e.children().any(|c| c.has_tag_name((ns, "link")) && c.attribute("href").is_some()));
        if let Some(p) = &previous {
            assert!(*p > updated, "entries are ordered by distinct times: {p} then {updated}");
        }
        previous = Some(updated);
    }
    assert_eq!(
        children(feed, "updated")[0],
        children(feed.children().find(|c| c.has_tag_name((ns, "entry"))).unwrap(), "updated")[0]
    );
}

#[test]
fn the_feed_author_comes_from_config() {
    let src = tempfile::tempdir().unwrap();
    common::write_files(
        src.path(),
        &[
            ("config.yaml", "title: Situs\nauthor: \"Biro Organisasi & Tata Laksana\"\n"),
            ("content/_index.md", "---\ntitle: Beranda\n---\n"),
            ("content/a.md", "---\ntitle: A\ndate: 2026-01-02\n---\nIsi.\n"),
        ],
    );
    let out = src.path().join("public");
    common::build_site(src.path(), &out, "");
    let atom = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(atom.contains("<name>Biro Organisasi &amp; Tata Laksana</name>"), "{atom}");
}

#[test]
fn pages_stay_within_the_weight_budget() {
    let out = &bundled().1;
    let css = common::gzipped_len(&std::fs::read(out.join("style.css")).unwrap());
    let mut heaviest = (0, String::new());
    for rel in html_files(out) {
        let html = std::fs::read(out.join(&rel)).unwrap();
        let total = common::gzipped_len(&html) + css;
        assert!(total <= 30 * 1024, "{rel}: HTML + CSS is {total} bytes gzipped (budget 30 KB)");
        heaviest = heaviest.max((total, rel));
    }
    // Scripts every page loads: what the <script> tags of the home page name.
    let home = read("index.html");
    let mut scripts = 0;
    for src in common::attrs(&home, "script[src]", "src") {
        let file = src.split('?').next().unwrap().trim_start_matches('/');
        scripts += common::gzipped_len(&std::fs::read(out.join(file)).unwrap());
    }
    assert!(scripts <= 5 * 1024, "scripts on every page: {scripts} bytes gzipped (budget 5 KB)");
    eprintln!(
        "heaviest page: {} ({} bytes gzipped with CSS); scripts on every page: {scripts} bytes",
        heaviest.1, heaviest.0
    );
}

#[test]
fn search_and_print_pages_are_noindex_and_left_out_of_the_sitemap() {
    let sitemap = read("sitemap.xml");
    for rel in ["cari/index.html", "berakhlak/cetak/index.html", "404.html", "offline.html"] {
        assert!(read(rel).contains("<meta name=\"robots\" content=\"noindex\">"), "{rel} is noindex");
        let dir = rel.trim_end_matches("index.html");
        assert!(!sitemap.contains(&format!("/{dir}</loc>")), "{rel} is not in the sitemap");
    }
    assert!(!read("berakhlak/akuntabel/index.html").contains("noindex"));
    for rel in html_files(&bundled().1) {
        let html = read(&rel);
        let title = common::texts(&html, "title").concat();
        assert!(title.chars().count() <= 70, "{rel}: <title> of {} characters: {title}", title.chars().count());
    }
}

#[test]
fn the_glossary_is_a_to_z_listed_in_the_toc_and_first_uses_link_to_it() {
    let html = read("glosarium/istilah/index.html");
    assert!(common::attrs(&html, "nav.toc a", "href").contains(&"#_istilah".into()), "the glossary is in the TOC");
    let jumps = common::attrs(&html, "nav.az a", "href");
    // A term is its <dt>'s own text, without the expansion in its <span>.
    let terms: Vec<String> = common::select(&html, "dl.glossary dt", |dt| {
        dt.children().filter_map(|n| n.value().as_text()).map(|t| t.trim().to_lowercase()).collect()
    });
    assert!(terms.len() >= 20, "{terms:?}");
    let mut sorted = terms.clone();
    sorted.sort();
    assert_eq!(terms, sorted, "terms are in alphabetical order");
    let letters = common::attrs(&html, ".az-letter", "id");
    assert!(letters.len() >= 10, "{letters:?}");
    for id in letters {
        assert!(id.starts_with("_huruf-") && jumps.contains(&format!("#{id}")), "{id} is in the jump row {jumps:?}");
    }
    // A page that uses ASN without defining it links its first use to the glossary page.
    let page = read("berakhlak/akuntabel/index.html");
    let links = common::texts(&page, r#"div.content a[href="/glosarium/istilah/#_istilah-asn"]"#);
    assert_eq!(links, ["ASN"], "the first use of ASN, and only it, links to its definition");
    let abbr = common::attrs(&page, "div.content a.term abbr", "title");
    assert!(abbr.contains(&"Aparatur Sipil Negara".into()), "{abbr:?}");
}

#[test]
fn each_section_has_a_print_page_with_all_its_pages_in_order() {
    let section = read("berakhlak/index.html");
    assert!(section.contains("href=\"/berakhlak/cetak/\""), "the section links to its print page");
    let print = read("berakhlak/cetak/index.html");
    let order = common::attrs(&section, "ol.cards > li > a", "href");
    assert_eq!(order.len(), 8, "{order:?}");
    let links = common::attrs(&print, "a", "href");
    let mut at = 0;
    for url in &order {
        let found =
            links[at..].iter().position(|l| l == url).unwrap_or_else(|| panic!("{url} missing or out of order"));
        at += found + 1;
    }
    let ids = common::attrs(&print, "[id]", "id");
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "ids stay unique with every page in one document");
}

#[test]
fn manifest_icons_and_service_worker_are_published() {
    let out = &bundled().1;
    let manifest: serde_json::Value = serde_json::from_str(&read("manifest.webmanifest")).unwrap();
    assert_eq!(manifest["start_url"], "/");
    for icon in manifest["icons"].as_array().unwrap() {
        let src = icon["src"].as_str().unwrap().trim_start_matches('/');
        assert!(out.join(src).is_file(), "{src}");
    }
    let home = read("index.html");
    assert!(home.contains("<link rel=\"icon\" href=\"/icon.svg?h="), "a favicon, so no request for /favicon.ico");
    assert!(home.contains("rel=\"manifest\""));
    // The worker installs the theme and the home, offline and search pages; it caches the
    // search scripts and the whole index as written, whatever its layout, after a first search.
    let sw = read("sw.js");
    let config: serde_json::Value =
        serde_json::from_str(sw.split("var CONFIG = ").nth(1).unwrap().split(";\n").next().unwrap()).unwrap();
    let list = |key: &str| -> HashSet<String> {
        config[key].as_array().unwrap().iter().map(|u| u.as_str().unwrap().to_string()).collect()
    };
    let (precache, search) = (list("precache"), list("search"));
    let mut index_files = 0;
    for entry in reader_support::files_under(&out.join("search")) {
        let rel = format!("/{}", entry.strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/"));
        assert!(search.contains(&rel), "{rel} is not cached after a search");
        assert!(!precache.contains(&rel), "{rel} is downloaded at install, before any search");
        index_files += 1;
    }
    assert!(index_files > 5);
    for theme_file in ["/offline.html", "/", "/cari/"] {
        assert!(precache.contains(theme_file), "{theme_file}");
    }
    assert!(precache.iter().any(|u| u.starts_with("/style.css?h=")), "the theme is precached");
    assert!(precache.iter().any(|u| u.starts_with("/search-loader.js?h=")), "the search box's loader is precached");
    assert!(search.iter().any(|u| u.starts_with("/search-engine.js?h=")), "the search engine is cached with the index");
    // Every page (alias redirects too, so old links work offline); not 404.html or offline.html.
    let index_pages = reader_support::files_under(out).iter().filter(|p| p.ends_with("index.html")).count();
    assert_eq!(config["pages"].as_array().unwrap().len(), index_pages, "the worker can save every page");
}

#[test]
fn offline_is_opt_in_and_a_site_overrides_the_icons() {
    let src = tempfile::tempdir().unwrap();
    common::write_files(
        src.path(),
        &[
            ("config.yaml", "title: Situs\n"),
            ("content/_index.md", "---\ntitle: Beranda\n---\n"),
            ("static/icon-192.png", "ikon instansi"),
        ],
    );
    let out = src.path().join("public");
    common::build_site(src.path(), &out, "");
    assert!(!out.join("sw.js").exists(), "no service worker unless `offline: true`");
    assert!(!std::fs::read_to_string(out.join("index.html")).unwrap().contains("data-sw="));
    assert_eq!(std::fs::read_to_string(out.join("icon-192.png")).unwrap(), "ikon instansi");
}

#[test]
fn pages_without_updated_take_their_last_commit_date_when_asked() {
    let src = tempfile::tempdir().unwrap();
    let root = src.path();
    common::write_files(
        root,
        &[
            ("config.yaml", "title: Situs\nupdated_from_git: true\n"),
            ("content/_index.md", "---\ntitle: Beranda\n---\n"),
            ("content/a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nIsi.\n"),
            ("content/b.md", "---\ntitle: B\ndate: 2025-01-01\nupdated: 2025-03-04\n---\nIsi.\n"),
        ],
    );
    let git = |args: &[&str], date: &str| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_NAME", "Uji")
            .env("GIT_AUTHOR_EMAIL", "uji@example.go.id")
            .env("GIT_COMMITTER_NAME", "Uji")
            .env("GIT_COMMITTER_EMAIL", "uji@example.go.id")
            .status()
            .expect("git is installed")
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"], "2025-05-01T10:00:00Z");
    git(&["add", "."], "2025-05-01T10:00:00Z");
    git(&["commit", "-qm", "satu"], "2025-05-01T10:00:00Z");
    common::write_files(root, &[("content/a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nIsi baru.\n")]);
    git(&["commit", "-qam", "dua"], "2025-06-15T10:00:00Z");
    let out = root.join("public");
    common::build_site(root, &out, "");
    let a = std::fs::read_to_string(out.join("a/index.html")).unwrap();
    assert!(a.contains("Diperbarui <time datetime=\"2025-06-15\">15 Juni 2025</time>"), "{a}");
    let b = std::fs::read_to_string(out.join("b/index.html")).unwrap();
    assert!(b.contains("datetime=\"2025-03-04\""), "an `updated:` in front matter wins");
    assert!(std::fs::read_to_string(out.join("sitemap.xml")).unwrap().contains("<lastmod>2025-06-15</lastmod>"));

    // Outside a git repository the build says what is wrong instead of guessing.
    let plain = tempfile::tempdir().unwrap();
    common::write_files(
        plain.path(),
        &[("config.yaml", "title: Situs\nupdated_from_git: true\n"), ("content/_index.md", "---\ntitle: B\n---\n")],
    );
    let run = common::pedoman(["build".as_ref(), "--root".as_ref(), plain.path().as_os_str()]);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("config.yaml") && err.contains("updated_from_git"), "{err}");
}
