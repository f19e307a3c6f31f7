//! `pedoman build` against input written to break it, each test the way the hole was found:
//! a fixture site built by the real binary, which must end in a clear `path:line:col` error or a
//! correct site, in bounded time, never in a panic, a hang or a machine out of memory.

mod build_support;

use build_support::*;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const HOME: (&str, &str) = ("content/_index.md", "---\ntitle: Beranda\n---\n\nSelamat datang.\n");

/// `pedoman build --root SITE`, killed (and the test failed) if it runs past `limit`.
fn build_within(root: &Path, limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pedoman"))
        .args(["build", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipes = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipes.1.read_to_string(&mut text);
        let mut out = String::new();
        let _ = pipes.0.read_to_string(&mut out);
        (out, text)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pedoman build still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = stderr.join().unwrap();
    let run = Run { code: status.code(), stdout, stderr };
    assert!(!run.stderr.contains("panicked"), "pedoman panicked:\n{}", run.stderr);
    run
}

/// A site with a home page and `files`.
fn site(files: &[(&str, &str)]) -> Site {
    Site::new(&[&[HOME][..], files].concat())
}

/// `extra:` keys that are null, decimal numbers, lists or maps made Tera panic while rendering
/// every page (exit 101). Now each is an error at the map holding it.
#[test]
fn extra_keys_templates_cannot_use_are_errors_not_panics() {
    let site = Site::new(&[
        ("config.yaml", "title: T\nextra:\n  warna:\n    [1, 2]: merah\n"),
        ("content/_index.md", "---\ntitle: Beranda\nextra:\n  1.5: x\n---\n"),
        ("content/a.md", "---\ntitle: A\nextra:\n  ok: 1\n  ~: kosong\n---\n"),
        ("content/b.md", "---\ntitle: B\nextra:\n  2024: tahun\n  true: ya\n  nested: {c: [1, {d: e}]}\n---\n"),
    ]);
    let run = build_within(&site.root(), Duration::from_secs(60));
    run.assert_failed();
    run.diag("config.yaml", 4, "a list");
    // A broken config.yaml stops the build before the pages are read.
    site.write(&[("config.yaml", "title: T\nextra:\n  warna:\n    \"[1, 2]\": merah\n")]);
    let run = build_within(&site.root(), Duration::from_secs(60));
    run.assert_failed();
    run.diag("content/_index.md", 4, "a decimal number");
    run.diag("content/a.md", 4, "null");
    assert!(!run.stderr.contains("content/b.md"), "whole numbers and true/false are fine keys:\n{}", run.stderr);
    // Fixed, the same site builds.
    site.write(&[("content/_index.md", "---\ntitle: Beranda\n---\n"), ("content/a.md", "---\ntitle: A\n---\n")]);
    site.build_ok(&[]);
}

/// 200 KB of `[` in front matter kept libyaml busy for over a minute (time grows with depth ×
/// length); 20,000 levels took 1.7 s. Deep flow nesting is now refused at once, with its place.
#[test]
fn deeply_nested_yaml_is_refused_at_once() {
    let deep = |n: usize| format!("x: {}1{}\n", "[".repeat(n), "]".repeat(n));
    let wide = format!("x: {}{}{}\n", "{a: ".repeat(40), "1, ".repeat(200_000), "}".repeat(40));
    let site = site(&[
        ("config.yaml", &format!("title: T\nextra:\n  {}", deep(100_000))),
        ("content/a.md", &format!("---\ntitle: A\nextra:\n  {}---\n", deep(100_000))),
        ("content/b.md", &format!("---\ntitle: B\nextra:\n  {wide}---\n")),
    ]);
    let run = build_within(&site.root(), Duration::from_secs(30));
    run.assert_failed();
    assert!(run.diag("config.yaml", 3, "nested more than 32 levels").col > 1, "{}", run.stderr);
    site.write(&[("config.yaml", DEFAULT_CONFIG)]);
    let run = build_within(&site.root(), Duration::from_secs(30));
    run.diag("content/a.md", 4, "nested more than 32 levels");
    run.diag("content/b.md", 4, "nested more than 32 levels");
    // Brackets inside quoted, plain and block text are text, however many.
    let opens = "[{".repeat(5000);
    site.write(&[
        ("content/a.md", &format!("---\ntitle: \"A {opens}\"\ndescription: |\n  {opens}\n---\n")),
        ("content/b.md", &format!("---\ntitle: B {opens}\ntags: ['{opens}']\n---\n")),
    ]);
    build_within(&site.root(), Duration::from_secs(30)).assert_ok();
}

/// A sparse 20 GB page was read into memory ("out of memory" under a 4 GB limit, the machine's
/// memory without one); a `config.yaml` that is a named pipe blocked the build forever.
#[test]
fn oversized_and_special_files_are_refused_before_reading() {
    let site = site(&[("content/a.md", "---\ntitle: A\n---\n")]);
    let big = std::fs::File::create(site.root().join("content/besar.md")).unwrap();
    big.set_len(20 << 30).unwrap();
    let run = build_within(&site.root(), Duration::from_secs(30));
    run.assert_failed();
    assert!(run.stderr.contains("content/besar.md: file is larger than 16 MB"), "{}", run.stderr);
    std::fs::remove_file(site.root().join("content/besar.md")).unwrap();
    #[cfg(unix)]
    {
        std::fs::remove_file(site.root().join("config.yaml")).unwrap();
        let made = Command::new("mkfifo").arg(site.root().join("config.yaml")).status().unwrap();
        assert!(made.success());
        let run = build_within(&site.root(), Duration::from_secs(30));
        run.assert_failed();
        assert!(run.stderr.contains("config.yaml: cannot read config.yaml: not a regular file"), "{}", run.stderr);
    }
}

/// `theme: ../../outside` (or an absolute path) published the static files of any folder on the
/// machine; `language` reached any `.yaml` file through the theme's `i18n/`.
#[test]
fn theme_and_language_cannot_name_folders_outside_the_site() {
    let site = site(&[("content/a.md", "---\ntitle: A\n---\n")]);
    let outside = site.tmp().join("outside");
    std::fs::create_dir_all(outside.join("static")).unwrap();
    std::fs::create_dir_all(outside.join("templates")).unwrap();
    std::fs::write(outside.join("static/rahasia.txt"), "rahasia").unwrap();
    std::fs::create_dir_all(site.root().join("themes/pedoman/i18n")).unwrap();
    for (key, value) in [
        ("theme", "../outside"),
        ("theme", outside.to_str().unwrap()),
        ("theme", ".."),
        ("language", "../../../outside/x"),
        ("language", "id\nx"),
    ] {
        site.write(&[("config.yaml", &format!("title: T\n{key}: {value:?}\n"))]);
        let run = site.build(&[]);
        run.assert_failed();
        run.diag("config.yaml", 2, key);
        assert!(!site.public().exists(), "{key}: {value}");
    }
    site.write(&[("config.yaml", "title: T\nlanguage: en-GB\n")]);
    site.build_ok(&[]);
    assert!(!site.exists("rahasia.txt"));
}

/// Internal links were written as `pedoman-link:N` and every such text on the page was rewritten
/// afterwards: prose or code mentioning `pedoman-link:0` turned into a link target or `#`.
#[test]
fn page_text_is_never_taken_for_a_link_placeholder() {
    let page =
        "---\ntitle: A\n---\n\nLihat [B](b.md). Teks pedoman-link:0 dan `pedoman-link:7` serta %00pedoman-link:0.\n";
    let site = site(&[("content/a.md", page), ("content/b.md", "---\ntitle: B\n---\n")]);
    site.build_ok(&[]);
    let html = site.read("a/index.html");
    assert!(html.contains(r#"<a href="/b/">B</a>"#), "{html}");
    assert!(html.contains("Teks pedoman-link:0 dan <code>pedoman-link:7</code> serta %00pedoman-link:0."), "{html}");
    assert!(!html.contains('\0'));
}

/// Footnote ids were the labels as written: `[^_cari-q]` took the search box's id, `[^satu]` a
/// heading's, `[^x y]` made an id with a space.
#[test]
fn footnote_ids_never_collide_or_break() {
    let page = "---\ntitle: A\n---\n\n## Satu\n\nA[^_cari-q] b[^satu] c[^x y] d[^SATU].\n\n\
                [^_cari-q]: Catatan q.\n\n[^satu]: Catatan satu.\n\n[^x y]: Catatan xy.\n";
    let site = site(&[("content/a.md", page)]);
    site.build_ok(&[]);
    let html = site.read("a/index.html");
    let ids = attr_values(&html, "id");
    let mut seen = std::collections::HashSet::new();
    assert!(ids.iter().all(|id| seen.insert(id)), "ids used twice: {ids:?}");
    assert!(ids.iter().all(|id| !id.contains(' ')), "{ids:?}");
    for href in attr_values(&html, "href").iter().filter_map(|h| h.strip_prefix('#')) {
        assert!(ids.iter().any(|id| id == href), "#{href} leads nowhere: {ids:?}");
    }
    assert_eq!(html.matches("class=\"footnote-definition\"").count(), 3, "{html}");
}

/// A file name or a value holding terminal escapes (`ESC [31m`, a line break, bidi overrides)
/// reached the terminal as is: it could recolour or retitle it, or print a fake diagnostic line.
#[cfg(unix)]
#[test]
fn diagnostics_cannot_drive_the_terminal() {
    let name = "content/a\u{1b}[31mmerah\u{1b}]0;judul\u{7}\nfake.md:1:1: ok\u{202e}.md";
    let site = site(&[
        (name, "---\ntitle: [\n---\n"),
        ("content/b.md", "---\ntitle: B\n---\n\n## X {#a\u{1b}b}\n"),
        ("content/c.md", &format!("---\ntitle: C\n---\n\n## X {{#{}!}}\n", "a".repeat(100_000))),
    ]);
    let run = site.build(&[]);
    run.assert_failed();
    assert!(!run.stderr.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{:?}", run.stderr);
    assert!(run.stderr.contains(r"content/a\u{1b}[31mmerah\u{1b}]0;judul\u{7}\u{a}fake.md:1:1: ok\u{202e}.md:2:8:"));
    // Every line is a diagnostic of a real file, an indented line under one, or the summary.
    for line in run.stderr.lines() {
        let real = ["content/a\\u{1b}", "content/b.md:", "content/c.md:"].iter().any(|p| line.starts_with(p));
        assert!(real || line.starts_with(' ') || line.starts_with("Build failed"), "{line:?}");
    }
    assert!(run.stderr.len() < 5000, "a 100,000-character id is cut: {} bytes", run.stderr.len());
}

/// `base_url` values the url crate quietly rewrote: a backslash became `/`, `..` segments
/// vanished, `https:x.id` gained its `//`.
#[test]
fn base_url_is_taken_as_written_or_refused() {
    for (value, needle) in [
        ("https://x.go.id\\\\lain.id/", "backslash"),
        ("https://x.go.id/a/../b", "`..`"),
        ("https://x.go.id/%2e%2E/b", "`..`"),
        ("https:x.go.id", "//"),
        ("https://x.go.id:0/", "port 0"),
    ] {
        let site = site(&[("config.yaml", &format!("title: T\nbase_url: \"{value}\"\n"))]);
        let run = site.build(&[]);
        run.assert_failed();
        let d = run.diag("config.yaml", 2, "base_url");
        assert!(d.message.contains(needle), "{value}: {d:?}");
    }
    let site = site(&[("config.yaml", "title: T\nbase_url: \"https://bücher.example/a..b/\"\n")]);
    site.build_ok(&[]);
    assert!(site.read("robots.txt").contains("https://xn--bcher-kva.example/a..b/sitemap.xml"));
}

/// A 3 MB template of 100,000 loops took 59 s to prepare (checkpoints were placed by rescanning
/// the template from its start for each one); 100,000 list comprehensions over a minute.
#[test]
fn huge_templates_are_prepared_in_linear_time() {
    for body in ["{% for a in [1] %}{% endfor %}", "{{ [x for x in [1]] | length }}"] {
        let template = format!(
            "{{% extends \"base.html\" %}}{{% block content %}}{}{{% endblock content %}}",
            body.repeat(100_000)
        );
        let site = site(&[("content/a.md", "---\ntitle: A\n---\n"), ("templates/page.html", &template)]);
        build_within(&site.root(), Duration::from_secs(40)).assert_ok();
    }
}

/// `{% set_global s = s ~ s %}` forty times needs a terabyte: the build ran until the allocator
/// failed (abort, exit 134) or the machine ran out of memory. The budget now counts memory.
#[test]
fn templates_that_grow_values_are_stopped() {
    let grow = "{% set_global s = \"xxxxxxxxxx\" %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}";
    let site = site(&[("content/a.md", "---\ntitle: A\n---\n"), ("templates/page.html", grow)]);
    let run = build_within(&site.root(), Duration::from_secs(60));
    run.assert_failed();
    let d = run.diag("templates/page.html", 1, "template stopped");
    assert!(d.message.contains("512 MB of memory"), "{d:?}");
    assert!(!site.public().exists());
    // Grown inside one expression, past any checkpoint (a 128 KB text with each letter replaced
    // by the whole text is 16 GB): the process ends with a message. (A list holding itself twice
    // per iteration, printed, is stopped the same way.)
    let one_expression = "{% set_global s = \"x\" %}{% for i in range(end=17) %}{% set_global s = s ~ s %}{% endfor %}\
                          {{ s | replace(from=\"x\", to=s) | length }}";
    site.write(&[("templates/page.html", one_expression)]);
    let run = build_within(&site.root(), Duration::from_secs(60));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.starts_with("templates/page.html: template stopped: it held more than 2048 MB of memory"),
        "{}",
        run.stderr
    );
    assert!(!site.public().exists());
}
