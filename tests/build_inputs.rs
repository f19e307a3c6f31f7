//! What `pedoman build` reads and what it refuses: symbolic links out of the site, files that
//! would replace generated ones, names and folders it cannot use, editor leftovers.

mod build_support;

use build_support::*;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;

const HOME: (&str, &str) = ("content/_index.md", "---\ntitle: Beranda\n---\n\nSelamat datang.\n");

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn symlinks_out_of_the_site_are_refused_and_nothing_outside_is_copied() {
    let site = Site::new(&[HOME, ("content/a.md", "---\ntitle: A\n---\n")]);
    write_files(
        site.tmp(),
        &[("rahasia.txt", "RAHASIA"), ("luar/x.md", "---\ntitle: Luar\n---\n"), ("tema/templates/page.html", "x")],
    );
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    symlink("/etc", site.root().join("static/etc")).unwrap();
    symlink(site.tmp().join("rahasia.txt"), site.root().join("content/bocor.txt")).unwrap();
    symlink(site.tmp().join("luar"), site.root().join("content/luar")).unwrap();
    std::fs::create_dir_all(site.root().join("themes")).unwrap();
    symlink(site.tmp().join("tema"), site.root().join("themes/tema")).unwrap();
    site.write(&[("config.yaml", "title: Uji\ntheme: tema\n")]);
    let run = site.build(&[]);
    run.assert_failed();
    for link in ["static/etc", "content/bocor.txt", "content/luar", "themes/tema"] {
        let d = run.diagnostics().into_iter().find(|d| d.path == link);
        let d = d.unwrap_or_else(|| panic!("no error naming {link}:\n{}", run.stderr));
        assert!(d.message.contains("outside the site"), "{d:?}");
    }
    assert!(!site.public().exists(), "nothing written");
    assert!(!run.stderr.contains("RAHASIA"));
}

#[test]
fn symlinks_inside_the_site_are_followed() {
    let site = Site::new(&[HOME]);
    write_files(&site.root(), &[("berkas/logo.txt", "LOGO"), ("berkas/css/tambahan.css", "p{}")]);
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    symlink("../berkas/logo.txt", site.root().join("content/logo.txt")).unwrap();
    symlink("../berkas/css", site.root().join("static/css")).unwrap();
    site.build_ok(&[]);
    assert_eq!(site.read("logo.txt"), "LOGO");
    assert_eq!(site.read("css/tambahan.css"), "p{}");
}

#[test]
fn copied_files_keep_their_mode() {
    let site = Site::new(&[HOME, ("static/pribadi.txt", "p"), ("static/umum.txt", "u"), ("content/lampiran.txt", "l")]);
    set_mode(&site.root().join("static/pribadi.txt"), 0o600);
    set_mode(&site.root().join("static/umum.txt"), 0o644);
    set_mode(&site.root().join("content/lampiran.txt"), 0o640);
    site.build_ok(&[]);
    assert_eq!(mode(&site.public().join("pribadi.txt")), 0o600, "not widened");
    assert_eq!(mode(&site.public().join("umum.txt")), 0o644);
    assert_eq!(mode(&site.public().join("lampiran.txt")), 0o640);
}

#[test]
fn an_alias_or_slug_cannot_replace_a_generated_file() {
    let aliases = ["/404.html", "/sitemap.xml", "/robots.txt", "/cari/", "/tags/", "/search/meta.json", "/atom.xml"];
    let list: String = aliases.iter().map(|a| format!("  - {a}\n")).collect();
    let site = Site::new(&[
        HOME,
        ("content/a.md", &format!("---\ntitle: A\ntags: [x]\naliases:\n{list}---\n")),
        ("content/b.md", "---\ntitle: B\nslug: cari\n---\n"),
    ]);
    let run = site.build(&[]);
    run.assert_failed();
    for alias in aliases {
        let shown = format!("alias `{alias}`");
        let found =
            run.diagnostics().iter().any(|d| d.path == "content/a.md" && d.line == 4 && d.message.contains(&shown));
        assert!(found, "no error at content/a.md:4 for {alias}:\n{}", run.stderr);
    }
    run.diag("content/b.md", 3, "the search page");
    assert!(!run.stderr.contains("public"), "errors name the Markdown file, not the output: {}", run.stderr);
    assert!(!site.public().exists());
}

#[test]
fn static_files_named_like_generated_files_are_errors_reported_together() {
    let site = Site::new(&[
        HOME,
        ("content/a.md", "---\ntitle: A\n---\n\n[rusak](tidak-ada.md)\n"),
        ("static/sitemap.xml", "<urlset/>"),
        ("static/search/meta.json", "{}"),
        ("static/404.html", "x"),
        ("static/index.html", "x"),
        ("static/logo.txt", "boleh"),
    ]);
    let run = site.build(&[]);
    run.assert_failed();
    for file in ["static/sitemap.xml", "static/search/meta.json", "static/404.html", "static/index.html"] {
        assert!(run.diagnostics().iter().any(|d| d.path == file), "no error naming {file}:\n{}", run.stderr);
    }
    run.diag("content/a.md", 5, "tidak-ada.md");
}

#[test]
fn an_over_long_slug_or_tag_names_the_markdown_file() {
    let long = "a".repeat(300);
    let site = Site::new(&[
        HOME,
        ("content/a.md", &format!("---\ntitle: A\nslug: {long}\n---\n")),
        ("content/b.md", &format!("---\ntitle: B\ntags: [\"{long}\"]\n---\n")),
    ]);
    let run = site.build(&[]);
    run.assert_failed();
    assert!(run.diag("content/a.md", 3, "").message.contains("300 bytes"), "{}", run.stderr);
    assert!(run.diag("content/b.md", 3, "").message.contains("300 bytes"), "{}", run.stderr);
    assert!(!run.stderr.contains("public"), "{}", run.stderr);
}

#[test]
fn an_unreadable_static_folder_or_file_is_an_error_reported_with_the_others() {
    for unreadable in ["static", "static/logo.txt"] {
        let site = Site::new(&[
            HOME,
            ("content/a.md", "---\ntitle: A\n---\n\n[rusak](tidak-ada.md)\n"),
            ("static/logo.txt", "x"),
        ]);
        set_mode(&site.root().join(unreadable), 0o000);
        let run = site.build_unprivileged(&[]);
        set_mode(&site.root().join(unreadable), 0o755);
        run.assert_failed();
        let d = run.diagnostics().into_iter().find(|d| d.path.starts_with("static"));
        let d = d.unwrap_or_else(|| panic!("no error naming {unreadable}:\n{}", run.stderr));
        assert!(d.message.contains("permission denied") || d.message.contains("Permission denied"), "{d:?}");
        run.diag("content/a.md", 5, "tidak-ada.md");
    }
}

#[test]
fn an_unreadable_content_folder_is_named_and_not_called_a_link() {
    let site = Site::new(&[HOME, ("content/rahasia/a.md", "---\ntitle: A\n---\n")]);
    set_mode(&site.root().join("content/rahasia"), 0o000);
    let run = site.build_unprivileged(&[]);
    set_mode(&site.root().join("content/rahasia"), 0o755);
    run.assert_failed();
    let d = run.diagnostics().into_iter().find(|d| d.path == "content/rahasia");
    let d = d.unwrap_or_else(|| panic!("no error naming content/rahasia:\n{}", run.stderr));
    assert!(d.message.contains("permission denied"), "{d:?}");
    assert!(!run.stderr.contains("link"), "{}", run.stderr);
}

#[test]
fn a_name_that_is_not_utf8_is_reported_by_name() {
    use std::os::unix::ffi::OsStrExt;
    let site = Site::new(&[HOME]);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(site.root().join("content").join(name), "---\ntitle: Kafe\n---\n").unwrap();
    let run = site.build(&[]);
    run.assert_failed();
    let d = run.diagnostics().into_iter().find(|d| d.path.starts_with("content/caf"));
    let d = d.unwrap_or_else(|| panic!("no error naming the file:\n{}", run.stderr));
    assert!(d.message.contains("not valid UTF-8"), "{d:?}");
    assert!(!run.stderr.contains("No such file"), "{}", run.stderr);
}

#[test]
fn markdown_under_other_extensions_is_warned_about_and_not_published() {
    let site = Site::new(&[
        HOME,
        ("content/Catatan.MD", "---\ntitle: Catatan\n---\n"),
        ("content/bagian/b.markdown", "---\ntitle: B\n---\n"),
    ]);
    let run = site.build_ok(&[]);
    for (file, fix) in [("content/Catatan.MD", "Catatan.md"), ("content/bagian/b.markdown", "bagian/b.md")] {
        let line = run.stderr.lines().find(|l| l.starts_with("warning: ") && l.contains(file));
        assert!(line.is_some_and(|l| l.contains("not a page")), "no warning for {file}:\n{}", run.stderr);
        assert!(run.stderr.contains(&format!("rename it to `{fix}`")), "{}", run.stderr);
    }
    assert!(!site.exists("Catatan.MD") && !site.exists("bagian/b.markdown"), "not copied as files");
}

#[test]
fn editor_temp_files_never_reach_the_output() {
    let temps = [
        "#a.md#",
        ".#a.md",
        "a.md~",
        ".a.md.swp",
        "a.md.swp",
        "4913",
        "a.md___jb_tmp___",
        "a.md___jb_old___",
        "~$laporan.docx",
        ".goutputstream-ABC123",
    ];
    let site = Site::new(&[HOME, ("content/a.md", "---\ntitle: A\n---\n"), ("static/style-tambahan.css", "p{}")]);
    for dir in ["content", "static"] {
        for name in temps {
            site.write(&[(&format!("{dir}/{name}"), "sementara")]);
        }
    }
    site.build_ok(&[]);
    let out = tree(&site.public());
    for name in temps {
        assert!(!out.keys().any(|k| k.ends_with(name)), "{name} reached the output");
    }
    assert!(out.contains_key("style-tambahan.css") && out.contains_key("a/index.html"));
}
