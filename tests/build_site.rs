//! `pedoman build` features, checked on the produced files the way a publisher meets them.
//! Most tests read one build of the checked-in fixture `tests/fixtures/fitur/` (built once per
//! test run); tests needing other flags or files build their own site in a temp dir.

mod build_support;

use build_support::*;
use std::path::PathBuf;
use std::sync::OnceLock;

const BASE: &str = "https://uji.example.go.id";

/// The fixture built once with default flags: (output folder, the run).
fn fitur() -> &'static (PathBuf, Run) {
    static BUILT: OnceLock<(PathBuf, Run)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("build_site-fitur-public");
        // Each run starts afresh (a folder left by an older version carries no output marker).
        let _ = std::fs::remove_dir_all(&out);
        let root = repo_root().join("tests/fixtures/fitur");
        let run = Run::from(pedoman([
            "build".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
            "--output".as_ref(),
            out.as_os_str(),
        ]));
        run.assert_ok();
        (out, run)
    })
}

fn out(rel: &str) -> String {
    read(&fitur().0.join(rel))
}

fn exists(rel: &str) -> bool {
    fitur().0.join(rel).exists()
}

/// The `<main>` part of a page: what the page is about, without the navigation tree.
fn main_of(html: &str) -> String {
    between(html, "<main", "</main>").to_string()
}

#[test]
fn clean_urls_for_home_sections_and_pages() {
    for rel in [
        "index.html",
        "nilai/index.html",
        "nilai/akuntabel/index.html",
        "nilai/kompeten/index.html",
        "pola/index.html",
        "pola/dalam/index.html",
        "pola/dalam/merit/index.html",
    ] {
        assert!(exists(rel), "{rel} missing");
    }
    for wrong in ["nilai/akuntabel.html", "nilai/akuntabel.md", "nilai/_index/index.html", "_index/index.html"] {
        assert!(!exists(wrong), "{wrong} should not exist");
    }
    let home = out("index.html");
    assert!(home.contains("<h1>Beranda Uji</h1>"), "home title");
    assert!(home.contains("Selamat datang di situs uji."), "home body");
    let nilai = main_of(&out("nilai/index.html"));
    assert!(nilai.contains("<h1>Nilai</h1>") && nilai.contains("Pengantar bagian nilai."));
    let page = out("nilai/akuntabel/index.html");
    assert!(page.contains("<title>Akuntabel · Situs Uji Pedoman</title>"));
    assert!(page.contains(r#"<html lang="id">"#));
}

#[test]
fn nested_sections_are_listed_and_linked() {
    let pola = main_of(&out("pola/index.html"));
    assert!(pola.contains(r#"href="/pola/dalam/""#), "parent lists its subsection:\n{pola}");
    let home = main_of(&out("index.html"));
    assert!(home.contains(r#"href="/nilai/""#) && home.contains(r#"href="/pola/""#));
    // The nested section's pages sit under its URL and name it in their breadcrumbs.
    let merit = out("pola/dalam/merit/index.html");
    let crumbs = between(&merit, r#"<nav class="breadcrumbs""#, "</nav>");
    assert_in_order(crumbs, &[r#"href="/""#, r#"href="/pola/""#, r#"href="/pola/dalam/""#]);
    assert!(crumbs.contains(">Dalam<"));
}

#[test]
fn sections_sort_pages_by_weight_date_or_title() {
    // nilai: default sort_by weight (kompeten 1, akuntabel 2, loyal 3, bundle 4).
    let nilai = main_of(&out("nilai/index.html"));
    assert_in_order(
        &nilai,
        &[
            r#"href="/nilai/kompeten/""#,
            r#"href="/nilai/akuntabel/""#,
            r#"href="/nilai/setia/""#,
            r#"href="/nilai/foto-kegiatan/""#,
        ],
    );
    // pola: sort_by title, although the weights say the opposite.
    let pola = main_of(&out("pola/index.html"));
    assert_in_order(&pola, &[r#"href="/pola/apel/""#, r#"href="/pola/mangga/""#, r#"href="/pola/zebra/""#]);
    // pola/dalam: sort_by date, newest first (like Zola and Hugo), weights ignored.
    let dalam = main_of(&out("pola/dalam/index.html"));
    assert_in_order(
        &dalam,
        &[r#"href="/pola/dalam/baru/""#, r#"href="/pola/dalam/merit/""#, r#"href="/pola/dalam/lama/""#],
    );
}

#[test]
fn previous_and_next_follow_the_section_order() {
    let pager = |rel: &str| {
        let html = out(rel);
        let prev = tags(&html, "a").into_iter().find(|t| t.contains(r#"rel="prev""#)).and_then(|t| tag_attr(t, "href"));
        let next = tags(&html, "a").into_iter().find(|t| t.contains(r#"rel="next""#)).and_then(|t| tag_attr(t, "href"));
        (prev, next)
    };
    assert_eq!(pager("nilai/kompeten/index.html"), (None, Some("/nilai/akuntabel/".into())));
    assert_eq!(pager("nilai/akuntabel/index.html"), (Some("/nilai/kompeten/".into()), Some("/nilai/setia/".into())));
    assert_eq!(pager("nilai/foto-kegiatan/index.html"), (Some("/nilai/setia/".into()), None));
    // Title order in pola, date order in pola/dalam.
    assert_eq!(pager("pola/mangga/index.html"), (Some("/pola/apel/".into()), Some("/pola/zebra/".into())));
    assert_eq!(
        pager("pola/dalam/merit/index.html"),
        (Some("/pola/dalam/baru/".into()), Some("/pola/dalam/lama/".into()))
    );
}

#[test]
fn breadcrumbs_lead_from_home_to_the_section() {
    let page = out("nilai/akuntabel/index.html");
    let crumbs = between(&page, r#"<nav class="breadcrumbs""#, "</nav>");
    assert_in_order(crumbs, &[r#"<a href="/">Beranda Uji</a>"#, r#"<a href="/nilai/">Nilai</a>"#]);
}

#[test]
fn page_bundle_files_are_copied_beside_the_page() {
    let src = repo_root().join("tests/fixtures/fitur/content/nilai/foto-kegiatan");
    assert_eq!(
        std::fs::read(fitur().0.join("nilai/foto-kegiatan/foto.png")).unwrap(),
        std::fs::read(src.join("foto.png")).unwrap(),
        "image copied byte for byte beside the page"
    );
    assert_eq!(out("nilai/foto-kegiatan/lampiran/surat.txt"), "Surat edaran uji.\n");
    assert!(!exists("nilai/foto-kegiatan/index.md"), "the bundle's Markdown is not copied");
    // The page's relative references therefore resolve.
    let page = out("nilai/foto-kegiatan/index.html");
    assert!(page.contains(r#"src="foto.png""#), "{}", main_of(&page));
    assert!(page.contains(r#"href="lampiran/surat.txt""#));
}

#[test]
fn bundle_files_follow_the_pages_slug() {
    let site = Site::new(&[
        ("content/galeri/index.md", "---\ntitle: \"Galeri\"\nslug: foto-foto\n---\n\n![x](gambar.png)\n"),
        ("content/galeri/gambar.png", "PNG"),
    ]);
    site.build_ok(&[]);
    assert!(site.exists("foto-foto/index.html"));
    assert_eq!(site.read("foto-foto/gambar.png"), "PNG");
    assert!(!site.exists("galeri"), "nothing left at the folder's own name");
}

#[test]
fn drafts_are_left_out_by_default() {
    assert!(!exists("nilai/draf/index.html"));
    assert!(!exists("tags/rahasia/index.html"), "a draft's tags make no term page");
    for rel in ["sitemap.xml", "atom.xml", "nilai/index.html", "nilai/akuntabel/index.html", "tags/index.html"] {
        let text = out(rel);
        assert!(!text.contains("/nilai/draf/") && !text.contains("Halaman Draf"), "{rel} mentions the draft");
    }
    assert!(fitur().1.stdout.starts_with("Built 10 pages, 4 sections in "), "{}", fitur().1.stdout);
}

#[test]
fn drafts_flag_includes_drafts() {
    let site = Site::fixture("fitur");
    let run = site.build_ok(&["--drafts"]);
    assert!(run.stdout.starts_with("Built 11 pages, 4 sections in "), "{}", run.stdout);
    assert!(site.read("nilai/draf/index.html").contains("<h1>Halaman Draf</h1>"));
    assert!(site.exists("tags/rahasia/index.html"));
    assert!(site.read("sitemap.xml").contains(&format!("<loc>{BASE}/nilai/draf/</loc>")));
    assert_in_order(
        &main_of(&site.read("nilai/index.html")),
        &[r#"href="/nilai/foto-kegiatan/""#, r#"href="/nilai/draf/""#],
    );
}

#[test]
fn slug_replaces_the_file_name_in_the_url() {
    assert!(exists("nilai/setia/index.html"));
    assert!(!exists("nilai/loyal/index.html"));
    assert!(out("nilai/setia/index.html").contains("<h1>Loyal</h1>"));
}

#[test]
fn aliases_make_redirect_pages() {
    for rel in ["lama/loyal/index.html", "nilai-lama/loyal.html"] {
        let html = out(rel);
        let refresh = tags(&html, "meta")
            .into_iter()
            .find(|t| t.contains(r#"http-equiv="refresh""#))
            .unwrap_or_else(|| panic!("{rel}: no meta refresh:\n{html}"));
        assert_eq!(tag_attr(refresh, "content").as_deref(), Some("0; url=/nilai/setia/"), "{rel}");
        let canonical = tags(&html, "link").into_iter().find(|t| t.contains(r#"rel="canonical""#)).unwrap();
        assert_eq!(tag_attr(canonical, "href"), Some(format!("{BASE}/nilai/setia/")), "{rel}");
        assert!(html.contains(r#"href="/nilai/setia/""#), "{rel}: a plain link for browsers without refresh");
    }
    // Redirect stubs are not pages of the site.
    assert!(!out("sitemap.xml").contains("/lama/loyal/"));
}

#[test]
fn table_of_contents_nests_and_can_be_turned_off() {
    let page = out("nilai/akuntabel/index.html");
    let toc = between(&page, r#"<nav class="toc""#, "</details>");
    assert_in_order(
        toc,
        &[
            r##"href="#indikator""##,
            r##"href="#bebas-dari-kkn""##,
            r##"href="#bebas-dari-kkn-1""##,
            "<ol>", // Cek diri (h3) is nested under the second h2
            r##"href="#cek-diri""##,
            "</ol>",
            r##"href="#khusus""##,
        ],
    );
    let kompeten = out("nilai/kompeten/index.html");
    assert!(!kompeten.contains(r#"class="toc""#), "toc: false hides the table of contents");
    assert!(kompeten.contains(r#"<h2 id="perilaku">"#), "headings keep their ids without a toc");
}

#[test]
fn heading_ids_are_readable_unique_and_have_anchor_links() {
    let page = out("nilai/akuntabel/index.html");
    assert!(page.contains(r#"<h2 id="bebas-dari-kkn">"#), "{}", main_of(&page));
    assert!(page.contains(r#"<h2 id="bebas-dari-kkn-1">"#));
    assert!(page.contains(r#"<h3 id="cek-diri">"#));
    assert!(page.contains(r#"<h2 id="khusus">"#), "explicit {{#id}} heading attribute wins");
    assert!(!page.contains("{#khusus}"));
    for id in ["indikator", "bebas-dari-kkn", "bebas-dari-kkn-1", "cek-diri", "khusus"] {
        let heading = between(&page, &format!(r#" id="{id}">"#), "</h");
        assert!(
            heading.contains(&format!(r##"<a class="anchor" href="#{id}""##)),
            "visible anchor for #{id}: {heading}"
        );
    }
    // Ids are unique on the page.
    let ids = attr_values(&page, "id");
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "duplicate ids: {ids:?}");
}

#[test]
fn markdown_extensions_render() {
    let page = main_of(&out("nilai/akuntabel/index.html"));
    assert!(page.contains("<table>") && page.contains("<th>Indikator</th>"), "table");
    assert!(page.contains("<del>tidak</del>"), "strikethrough");
    assert!(page.contains(r#"class="footnote-reference""#) && page.contains("Sumber catatan kaki."), "footnote");
    let checkboxes = tags(&page, "input");
    assert_eq!(checkboxes.len(), 2, "task list: {checkboxes:?}");
    assert!(checkboxes[0].contains("checked") && !checkboxes[1].contains("checked"));
    assert!(page.contains("“Kutipan” – dan … pegawai’s."), "smart punctuation");
}

#[test]
fn callouts_are_boxes_with_indonesian_labels() {
    let page = main_of(&out("nilai/akuntabel/index.html"));
    for (kind, label, text) in [
        ("note", "Catatan", "Isi catatan."),
        ("tip", "Tips", "Isi tips."),
        ("important", "Penting", "Isi penting."),
        ("warning", "Peringatan", "Isi peringatan."),
        ("caution", "Hati-hati", "Isi hati-hati."),
    ] {
        let block = between(&page, &format!(r#"class="callout callout-{kind}""#), "</div>");
        assert!(block.contains(&format!(">{label}</p>")), "{kind} label: {block}");
        assert!(block.contains(text), "{kind} body: {block}");
    }
    assert!(!page.contains("[!"), "callout markers are not shown");
}

#[test]
fn internal_links_are_rewritten_to_final_urls() {
    let page = main_of(&out("nilai/akuntabel/index.html"));
    let hrefs = attr_values(between(&page, r#"<div class="content">"#, "</p>"), "href");
    assert_eq!(
        hrefs,
        [
            "/nilai/kompeten/#perilaku",       // relative .md with #fragment
            "/",                               // @/_index.md (the home section)
            "/pola/dalam/merit/",              // ../ relative
            "/pola/dalam/merit/#langkah",      // @/ with #fragment
            "/nilai/setia/",                   // the target's slug, not its file name
            "#indikator",                      // a heading on this page
            "https://contoh.go.id/halaman.md", // external links are left alone
        ]
    );
    assert_eq!(attr_values(&main_of(&out("index.html")), "href").iter().filter(|h| *h == "/nilai/").count(), 2);
    for rel in html_files(&fitur().0) {
        for href in attr_values(&out(&rel), "href") {
            assert!(href.starts_with("http") || !href.contains(".md"), "{rel}: unrewritten link {href}");
        }
    }
}

#[test]
fn tags_get_list_and_term_pages() {
    let list = main_of(&out("tags/index.html"));
    assert!(list.contains(r#"href="/tags/integritas/""#) && list.contains(r#"href="/tags/nilai-dasar/""#), "{list}");
    let term = main_of(&out("tags/nilai-dasar/index.html"));
    assert!(term.contains(">Nilai Dasar<"), "term keeps its written name: {term}");
    assert_in_order(&term, &[r#"href="/nilai/akuntabel/""#, r#"href="/nilai/kompeten/""#]);
    assert!(!term.contains("/pola/"));
    assert!(out("nilai/akuntabel/index.html").contains(r#"href="/tags/integritas/""#), "pages link their tags");
}

#[test]
fn not_found_page() {
    let html = out("404.html");
    assert!(html.contains("Halaman tidak ditemukan"), "{html}");
    assert!(html.contains(r#"href="/""#), "links home");
    assert!(html.contains(r#"href="/style.css"#), "styled with root-relative links, since it is served anywhere");
}

#[test]
fn sitemap_lists_every_page_with_absolute_urls_and_lastmod() {
    let xml = out("sitemap.xml");
    assert!(xml.starts_with("<?xml") && xml.contains("<urlset"), "{xml}");
    let locs: Vec<&str> = xml.split("<loc>").skip(1).map(|s| &s[..s.find("</loc>").unwrap()]).collect();
    for loc in &locs {
        assert!(loc.starts_with(&format!("{BASE}/")), "absolute: {loc}");
    }
    for path in ["/", "/nilai/", "/nilai/akuntabel/", "/nilai/setia/", "/pola/dalam/merit/", "/tags/integritas/"] {
        assert!(locs.contains(&format!("{BASE}{path}").as_str()), "{path} missing from sitemap:\n{xml}");
    }
    let entry = |path: &str| between(&xml, &format!("<loc>{BASE}{path}</loc>"), "</url>").to_string();
    assert!(entry("/nilai/akuntabel/").contains("<lastmod>2024-03-01</lastmod>"));
    assert!(entry("/nilai/kompeten/").contains("<lastmod>2024-05-01</lastmod>"), "updated beats date");
    assert!(!entry("/nilai/setia/").contains("<lastmod>"), "no date, no lastmod");
    assert!(!xml.contains("404"));
}

#[test]
fn atom_feed_lists_newest_dated_pages() {
    let xml = out("atom.xml");
    assert!(xml.contains(r#"<feed xmlns="http://www.w3.org/2005/Atom""#), "{xml}");
    assert!(xml.contains("<title>Situs Uji Pedoman</title>"));
    assert!(xml.contains(&format!(r#"<link href="{BASE}/atom.xml" rel="self""#)));
    let entries: Vec<&str> = xml.split("<entry>").skip(1).collect();
    assert_eq!(entries.len(), 4, "feed.limit: 4 of the 5 dated pages");
    assert!(entries[0].contains(&format!(r#"<link href="{BASE}/pola/dalam/baru/"/>"#)), "newest first");
    assert!(!xml.contains("/pola/dalam/lama/"), "the oldest page falls off the limit");
    assert!(xml.contains("<updated>2024-06-01T00:00:00Z</updated>"));
    // Linked from every page head.
    assert!(out("nilai/akuntabel/index.html").contains(r#"type="application/atom+xml""#));
}

#[test]
fn robots_txt_points_at_the_sitemap() {
    let robots = out("robots.txt");
    assert!(robots.lines().any(|l| l == format!("Sitemap: {BASE}/sitemap.xml")), "{robots}");
    assert!(robots.contains("User-agent: *"));
}

#[test]
fn menu_and_footer_from_config_are_shown() {
    for rel in ["index.html", "nilai/akuntabel/index.html", "tags/index.html", "404.html"] {
        let html = out(rel);
        assert!(html.contains(r#"<a href="/nilai/">Menu Nilai</a>"#), "{rel}: menu");
        assert!(html.contains(r#"<a href="https://induk.example.go.id/">Situs Induk</a>"#), "{rel}: external menu");
        assert!(html.contains("Teks kaki situs uji."), "{rel}: footer");
    }
}

#[test]
fn base_url_with_a_sub_path_prefixes_every_link() {
    let site = Site::fixture("fitur");
    site.build_ok(&["--base-url", "https://contoh.go.id/rb/"]);
    for rel in html_files(&site.public()) {
        let html = site.read(&rel);
        for v in attr_values(&html, "href").into_iter().chain(attr_values(&html, "src")) {
            if v.starts_with('/') {
                assert!(v.starts_with("/rb/"), "{rel}: `{v}` lacks the /rb prefix");
            }
        }
    }
    let page = site.read("nilai/akuntabel/index.html");
    assert!(page.contains(r##"href="/rb/nilai/kompeten/#perilaku""##), "content links");
    assert!(page.contains(r#"href="/rb/style.css"#), "assets");
    assert!(page.contains(r#"<link rel="canonical" href="https://contoh.go.id/rb/nilai/akuntabel/">"#));
    assert!(site.read("index.html").contains(r#"<a href="/rb/nilai/">Menu Nilai</a>"#), "menu");
    assert!(site.read("sitemap.xml").contains("<loc>https://contoh.go.id/rb/nilai/akuntabel/</loc>"));
    assert!(site.read("robots.txt").contains("Sitemap: https://contoh.go.id/rb/sitemap.xml"));
    assert!(site.read("atom.xml").contains(r#"<link href="https://contoh.go.id/rb/pola/dalam/baru/"/>"#));
    assert!(site.read("lama/loyal/index.html").contains("url=/rb/nilai/setia/"), "alias redirect");
    // The output layout does not change: the sub-path is where the folder is served.
    assert!(site.exists("nilai/akuntabel/index.html") && !site.exists("rb"));
}

#[test]
fn output_flag_chooses_the_folder() {
    let site = Site::fixture("fitur");
    let dest = site.tmp().join("hasil/situs");
    site.build_ok(&["--output", dest.to_str().unwrap()]);
    assert!(dest.join("nilai/akuntabel/index.html").is_file());
    assert!(!site.public().exists(), "nothing in ROOT/public");
    assert_eq!(listing(&site.tmp().join("hasil")), ["situs"], "no temp folders left beside the output");
    // Building again replaces the old output: stale files disappear.
    std::fs::write(dest.join("basi.txt"), "lama").unwrap();
    site.build_ok(&["--output", dest.to_str().unwrap()]);
    assert!(!dest.join("basi.txt").exists());
    // The old output is kept beside the new one, for the next build to reuse.
    assert_eq!(listing(&site.tmp().join("hasil")), [".situs.pedoman-spare", "situs"]);
    site.build_ok(&["--output", dest.to_str().unwrap()]);
    assert!(!dest.join("basi.txt").exists(), "a stale file came back from the spare");
    assert_eq!(listing(&site.tmp().join("hasil")), [".situs.pedoman-spare", "situs"]);
}

#[test]
fn default_output_is_root_public_and_leaves_no_temp_folders() {
    let site = Site::fixture("fitur");
    site.build_ok(&[]);
    assert!(site.exists("index.html"));
    site.build_ok(&[]);
    assert_eq!(listing(&site.root()), [".public.pedoman-spare", "config.yaml", "content", "public"]);
    assert_eq!(listing(site.tmp()), ["site"]);
}

#[test]
fn summary_line_counts_pages_and_sections() {
    let stdout = &fitur().1.stdout;
    let line = stdout.trim_end();
    assert_eq!(line.lines().count(), 1, "one summary line: {stdout:?}");
    let rest = line.strip_prefix("Built 10 pages, 4 sections in ").unwrap_or_else(|| panic!("{line}"));
    let ms = rest.strip_suffix(" ms").unwrap_or_else(|| panic!("{line}"));
    assert!(ms.parse::<u64>().is_ok(), "{line}");
    assert!(fitur().1.stderr.is_empty(), "no warnings: {}", fitur().1.stderr);
}

#[test]
fn site_templates_and_static_override_the_theme_file_by_file() {
    let site = Site::new(&[
        ("content/_index.md", "---\ntitle: Beranda\n---\n"),
        ("content/bagian/_index.md", "---\ntitle: Bagian\n---\n"),
        ("content/bagian/halaman.md", "---\ntitle: Halaman\n---\n\nIsi halaman.\n"),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}<p class=\"milik-situs\">{{ page.title }} / {{ page.section.title }}</p>{{ page.content | safe }}{% endblock content %}",
        ),
        ("static/berkas/unduhan.txt", "Berkas statis situs."),
    ]);
    site.build_ok(&[]);
    let page = site.read("bagian/halaman/index.html");
    assert!(page.contains(r#"<p class="milik-situs">Halaman / Bagian</p>"#), "{page}");
    assert!(page.contains("Isi halaman."));
    assert!(page.contains(r#"class="skip-link""#), "the theme's base.html is still used");
    let section = site.read("bagian/index.html");
    assert!(!section.contains("milik-situs") && section.contains("<h1>Bagian</h1>"), "section.html from theme");
    assert_eq!(site.read("berkas/unduhan.txt"), "Berkas statis situs.");
    assert!(site.exists("style.css"), "the theme's static files stay");
}

#[test]
fn site_static_file_replaces_the_themes() {
    let site = Site::new(&[("content/_index.md", "---\ntitle: Beranda\n---\n"), ("static/style.css", "body{}")]);
    site.build_ok(&[]);
    assert_eq!(site.read("style.css"), "body{}");
}

#[test]
fn the_default_themes_scripts_and_styles_ship_minified_and_an_edited_copy_as_written() {
    let source = |name: &str| std::fs::read_to_string(repo_root().join("themes/pedoman/static").join(name)).unwrap();
    let site = Site::new(&[("content/_index.md", "---\ntitle: Beranda\n---\n")]);
    site.build_ok(&[]);
    for name in ["search-engine.js", "search.js", "search-loader.js", "reader.js", "style.css", "search.css"] {
        let (shipped, written) = (site.read(name).len(), source(name).len());
        assert!(shipped * 10 < written * 9, "{name}: {shipped} bytes shipped of {written} in the source");
    }
    let engine = site.read("search-engine.js");
    assert!(!engine.contains("BEGIN GENERATED") && engine.contains("PedomanSearchEngine"), "comments go, code stays");
    let minified = site.read("search.js");
    // A copy of the theme on disk (this repository's own) ships minified while untouched;
    // an edited file ships as written, and so does a site's own static file.
    let edited = format!("{}\n// diubah oleh situs\n", source("reader.js"));
    site.write(&[
        ("themes/pedoman/static/search.js", &source("search.js")),
        ("themes/pedoman/static/reader.js", &edited),
        ("static/style.css", &source("style.css")),
        ("static/checklist.js", "/* milik situs */ var x = 1;"),
    ]);
    site.build_ok(&[]);
    assert_eq!(site.read("search.js"), minified);
    assert_eq!(site.read("reader.js"), edited);
    assert!(site.read("style.css").len() < source("style.css").len(), "an untouched copy in static/ too");
    assert_eq!(site.read("checklist.js"), "/* milik situs */ var x = 1;");
}

#[test]
fn custom_theme_selected_in_config() {
    let site = Site::new(&[
        ("config.yaml", "title: \"Situs Bertema\"\nbase_url: \"https://uji.example.go.id\"\ntheme: kustom\n"),
        ("content/_index.md", "---\ntitle: Beranda\n---\n"),
        ("content/halaman.md", "---\ntitle: Halaman\n---\n\n> [!NOTE]\n> Isi.\n"),
        (
            "themes/kustom/templates/base.html",
            "<!DOCTYPE html><html lang=\"{{ site.language }}\"><head><title>{% block title %}{% endblock title %}</title><meta name=\"description\" content=\"{% block description %}{% endblock description %}\"><link rel=\"stylesheet\" href=\"{{ asset(path='kustom.css') }}\"></head><body class=\"tema-kustom\">{% block content %}{% endblock content %}</body></html>",
        ),
        ("themes/kustom/static/kustom.css", "main{}"),
        ("themes/kustom/i18n/id.yaml", "callout_note: \"Nota\"\n"),
    ]);
    site.build_ok(&[]);
    let page = site.read("halaman/index.html");
    assert!(page.contains(r#"<body class="tema-kustom">"#), "{page}");
    assert!(page.contains("<h1>Halaman</h1>"), "templates the theme lacks come from the default theme");
    assert!(page.contains(">Nota</p>"), "the theme's UI strings are used: {page}");
    assert!(page.contains(r#"href="/kustom.css?"#), "cache-busted asset link: {page}");
    assert_eq!(site.read("kustom.css"), "main{}");
    assert!(site.read("index.html").contains(r#"<body class="tema-kustom">"#));
}

#[test]
fn missing_theme_is_an_error() {
    let site = Site::new(&[
        ("config.yaml", "title: T\ntheme: tidak-ada\n"),
        ("content/_index.md", "---\ntitle: Beranda\n---\n"),
    ]);
    let run = site.build(&[]);
    run.assert_failed();
    assert!(run.stderr.contains("config.yaml") && run.stderr.contains("tidak-ada"), "{}", run.stderr);
}

#[test]
fn init_then_build_works_without_a_themes_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("situs-baru");
    let run = Run::from(pedoman(["init".as_ref(), dir.as_os_str()]));
    run.assert_ok();
    assert!(dir.join("config.yaml").is_file() && dir.join("content").is_dir());
    assert!(!dir.join("themes").exists(), "the default theme is embedded");
    let built = Run::from(pedoman(["build".as_ref(), "--root".as_ref(), dir.as_os_str()]));
    built.assert_ok();
    assert!(built.stdout.starts_with("Built "), "{}", built.stdout);
    assert!(built.stderr.is_empty(), "a fresh site builds without warnings: {}", built.stderr);
    let public = dir.join("public");
    assert!(public.join("index.html").is_file() && public.join("style.css").is_file());
    let pages = html_files(&public);
    assert!(pages.iter().filter(|p| p.ends_with("/index.html") && !p.starts_with("tags/")).count() >= 2, "{pages:?}");
    // init refuses to scaffold over an existing site.
    let again = Run::from(pedoman(["init".as_ref(), dir.as_os_str()]));
    again.assert_failed();
}

#[test]
fn no_inline_scripts_and_nothing_from_other_hosts() {
    let dir = &fitur().0;
    for rel in html_files(dir) {
        let html = out(&rel);
        for script in tags(&html, "script") {
            let src = tag_attr(script, "src").unwrap_or_default();
            assert!(!src.is_empty(), "{rel}: inline script {script}");
            let body_start = html.find(script).unwrap() + script.len();
            assert!(html[body_start..].starts_with("</script>"), "{rel}: script with a body");
        }
        assert!(!has_event_handler(&html), "{rel}: inline event handler");
        for tag in tags(&html, "link").into_iter().chain(tags(&html, "script")).chain(tags(&html, "img")) {
            for v in [tag_attr(tag, "href"), tag_attr(tag, "src")].into_iter().flatten() {
                let external = v.starts_with("//") || v.contains("://");
                assert!(!external || v.starts_with(&format!("{BASE}/")), "{rel}: loads from another host: {tag}");
            }
        }
    }
    let css = out("style.css");
    assert!(!css.contains("@import") && !css.contains("url(http") && !css.contains("url(//"), "CSS loads nothing");
}

/// `onclick="…"` and friends would also break `script-src 'self'`.
fn has_event_handler(html: &str) -> bool {
    html.split('<').skip(1).any(|tag| {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        tag.split_whitespace().skip(1).any(|a| a.starts_with("on") && a.contains('='))
    })
}

#[test]
fn output_does_not_depend_on_the_output_folder() {
    let site = Site::fixture("fitur");
    let a = site.tmp().join("a");
    let b = site.tmp().join("lain/b");
    site.build_ok(&["--output", a.to_str().unwrap()]);
    site.build_ok(&["--output", b.to_str().unwrap()]);
    assert!(tree(&a) == tree(&b), "two builds differ");
    assert!(tree(&a) == tree(&fitur().0), "differs from the shared build");
}
