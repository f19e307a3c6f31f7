//! `pedoman build` on broken input: every problem reported at once as `path:line:col: message`,
//! a non-zero exit code, no panic, nothing written outside the output folder, and the previous
//! output left exactly as it was.

mod build_support;

use build_support::*;

const HOME: (&str, &str) = ("content/_index.md", "---\ntitle: Beranda\n---\n\nSelamat datang.\n");

/// A site with a home page plus `files`, built once; the build must fail.
fn failing(files: &[(&str, &str)]) -> Run {
    let mut all = vec![HOME];
    all.extend_from_slice(files);
    let site = Site::new(&all);
    let run = site.build(&[]);
    run.assert_failed();
    assert!(!site.public().exists(), "a failed first build writes no output");
    assert_eq!(listing(&site.root()).iter().filter(|n| n.starts_with('.')).count(), 0, "no temp folders left");
    run
}

#[test]
fn bad_yaml_in_front_matter_points_at_the_line_inside_the_file() {
    let run = failing(&[(
        "content/nilai/akuntabel.md",
        "---\ntitle: \"Akuntabel\"\ndate: 2024-01-01\ndescription: jujur: dan bertanggung jawab\n---\n\nIsi.\n",
    )]);
    let d = run.diag("content/nilai/akuntabel.md", 4, "");
    assert!(d.col > 1, "column inside the line: {d:?}");
    assert!(run.stderr.contains("Build failed"), "{}", run.stderr);
}

#[test]
fn missing_title() {
    let run = failing(&[("content/tanpa-judul.md", "---\ndescription: \"Tidak ada judul\"\n---\n\nIsi.\n")]);
    run.diag("content/tanpa-judul.md", 1, "title");
}

#[test]
fn bad_dates() {
    let run = failing(&[
        ("content/a.md", "---\ntitle: A\nweight: 1\ndate: 2024-02-30\n---\n"),
        ("content/b.md", "---\ntitle: B\nupdated: 17-08-2024\n---\n"),
    ]);
    run.diag("content/a.md", 4, "2024-02-30");
    run.diag("content/b.md", 3, "17-08-2024");
}

#[test]
fn unknown_front_matter_key_suggests_the_nearest() {
    let run = failing(&[
        ("content/a.md", "---\ntitle: A\ndesciption: \"salah ketik\"\n---\n"),
        ("content/_index.md", "---\ntitle: Beranda\nsort_bye: title\n---\n"),
    ]);
    run.diag("content/a.md", 3, "desciption");
    assert!(run.hint_after("content/a.md", 3).contains("did you mean `description`"), "{}", run.stderr);
    run.diag("content/_index.md", 3, "sort_bye");
    assert!(run.hint_after("content/_index.md", 3).contains("did you mean `sort_by`"), "{}", run.stderr);
}

#[test]
fn bad_sort_by_value_names_the_choices() {
    let run = failing(&[("content/bagian/_index.md", "---\ntitle: Bagian\nsort_by: tanggal\n---\n")]);
    let d = run.diag("content/bagian/_index.md", 3, "tanggal");
    assert!(d.message.contains("weight") && d.message.contains("date") && d.message.contains("title"), "{d:?}");
}

#[test]
fn unknown_key_in_a_glossary_entry_suggests_the_nearest() {
    let run = failing(&[(
        "content/istilah.md",
        "---\ntitle: Istilah\nglossary:\n  - term: ASN\n    expansio: Aparatur Sipil Negara\n---\n",
    )]);
    run.diag("content/istilah.md", 5, "expansio");
    assert!(run.hint_after("content/istilah.md", 5).contains("did you mean `expansion`"), "{}", run.stderr);
}

#[test]
fn unknown_key_in_config_suggests_the_nearest() {
    let site = Site::new(&[("config.yaml", "title: T\nbasse_url: \"https://x.go.id\"\n"), HOME]);
    let run = site.build(&[]);
    run.assert_failed();
    run.diag("config.yaml", 2, "basse_url");
    assert!(run.hint_after("config.yaml", 2).contains("did you mean `base_url`"), "{}", run.stderr);

    let site = Site::new(&[("config.yaml", "title: T\nfeed:\n  enabled: true\n  limt: 5\n"), HOME]);
    let run = site.build(&[]);
    run.assert_failed();
    run.diag("config.yaml", 4, "limt");
    assert!(run.hint_after("config.yaml", 4).contains("did you mean `limit`"), "{}", run.stderr);
}

#[test]
fn two_pages_claiming_the_same_url() {
    // `a.md` is /a/; `b.md` takes the same URL with its slug (on line 4).
    let run = failing(&[
        ("content/a.md", "---\ntitle: A\n---\n"),
        ("content/b.md", "---\ntitle: B\nweight: 2\nslug: a\n---\n"),
    ]);
    let d = run.diag("content/b.md", 4, "/a/");
    assert!(d.message.contains("content/a.md"), "names the other file: {d:?}");

    // A page bundle and a plain page with the same name.
    let run = failing(&[("content/x.md", "---\ntitle: X\n---\n"), ("content/x/index.md", "---\ntitle: X lagi\n---\n")]);
    let diags = run.diagnostics();
    assert!(
        diags.iter().any(|d| (d.path == "content/x.md" && d.message.contains("content/x/index.md"))
            || (d.path == "content/x/index.md" && d.message.contains("content/x.md"))),
        "{}",
        run.stderr
    );
}

#[test]
fn alias_shadowing_a_page_is_an_error() {
    let run = failing(&[
        ("content/a.md", "---\ntitle: A\n---\n"),
        ("content/b.md", "---\ntitle: B\naliases:\n  - /a/\n---\n"),
    ]);
    let d = run.diag("content/b.md", 3, "/a/");
    assert!(d.message.contains("content/a.md"), "{d:?}");
}

#[test]
fn unknown_template() {
    let run = failing(&[
        ("content/a.md", "---\ntitle: A\ndescription: x\ntemplate: tidak-ada.html\n---\n"),
        ("content/bagian/_index.md", "---\ntitle: Bagian\ntemplate: bagian-khusus.html\n---\n"),
    ]);
    run.diag("content/a.md", 4, "tidak-ada.html");
    run.diag("content/bagian/_index.md", 3, "bagian-khusus.html");
}

#[test]
fn template_error_names_the_template_and_the_variable() {
    let run = failing(&[
        ("content/a.md", "---\ntitle: A\n---\n"),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.nope.deeper }}</p>\n{% endblock content %}\n",
        ),
    ]);
    let d = run.diag("templates/page.html", 3, "nope");
    assert!(d.col > 1, "{d:?}");

    let run = failing(&[
        ("content/a.md", "---\ntitle: A\n---\n"),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n\n{{ judul_halaman }}\n{% endblock content %}\n",
        ),
    ]);
    run.diag("templates/page.html", 4, "judul_halaman");
}

#[test]
fn template_errors_found_when_loading_name_the_template() {
    // Unknown filters and blocks are found when the templates are checked together, before
    // anything renders: each is still reported against its own file and line.
    let run = failing(&[
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title | tidak_ada }}\n{% endblock content %}\n",
        ),
        ("templates/section.html", "{% extends \"base.html\" %}\n\n{% block isi %}{% endblock isi %}\n"),
    ]);
    run.diag("templates/page.html", 3, "tidak_ada");
    run.diag("templates/section.html", 3, "isi");
    let run = failing(&[("templates/page.html", "{% extends \"dasar.html\" %}\n")]);
    run.diag("templates/page.html", 1, "dasar.html");
}

#[test]
fn template_syntax_error_names_the_template() {
    let run = failing(&[("templates/section.html", "{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n")]);
    run.diag("templates/section.html", 3, "");
}

#[test]
fn broken_internal_links_name_file_and_line() {
    let run = failing(&[
        ("content/nilai/akuntabel.md", "---\ntitle: Akuntabel\n---\n\n## Indikator\n\nIsi.\n"),
        (
            "content/nilai/kompeten.md",
            "---\ntitle: Kompeten\n---\n\nParagraf pertama.\n\nLihat [hilang](hilang.md) dulu.\n\nLalu [indikator](akuntabel.md#indikator),\ndan [bagian lain](@/nilai/akuntabel.md#tidak-ada).\n\n[ke sini](#tidak-ada-juga)\n",
        ),
    ]);
    let d = run.diag("content/nilai/kompeten.md", 7, "hilang.md");
    assert_eq!(d.col, 7, "{d:?}");
    run.diag("content/nilai/kompeten.md", 10, "#tidak-ada");
    run.diag("content/nilai/kompeten.md", 12, "#tidak-ada-juga");
    let broken: Vec<Diag> = run.diagnostics().into_iter().filter(|d| d.path.ends_with("kompeten.md")).collect();
    assert_eq!(broken.len(), 3, "the good link is not reported: {}", run.stderr);
    assert!(run.stderr.contains("indikator"), "the hint lists the headings that exist: {}", run.stderr);
}

#[test]
fn links_to_drafts_and_outside_content_are_broken() {
    let run = failing(&[
        ("content/draf.md", "---\ntitle: Draf\ndraft: true\n---\n"),
        ("content/a.md", "---\ntitle: A\n---\n\n[draf](draf.md)\n\n[luar](../../rahasia.md)\n"),
    ]);
    run.diag("content/a.md", 5, "draf.md");
    run.diag("content/a.md", 7, "rahasia.md");
}

#[test]
fn unsafe_slug_is_rejected_and_nothing_is_written_outside() {
    let site = Site::new(&[
        HOME,
        ("content/a/b/jahat.md", "---\ntitle: Jahat\ndescription: x\nslug: ../../x\n---\n"),
        ("content/alias.md", "---\ntitle: Alias\naliases: [\"../../../y/\"]\n---\n"),
    ]);
    let run = site.build(&[]);
    run.assert_failed();
    run.diag("content/a/b/jahat.md", 4, "../../x");
    run.diag("content/alias.md", 3, "../../../y/");
    assert_eq!(listing(site.tmp()), ["site"], "nothing beside the site");
    assert_eq!(listing(&site.root()), ["config.yaml", "content"], "nothing in the site root");
    assert!(!site.root().join("content/x").exists() && !site.root().join("content/a/x").exists());
}

#[test]
fn every_broken_file_is_reported_in_one_build() {
    let run = failing(&[
        ("content/satu.md", "---\ntitle: Satu\ntags: [a, b\n---\n"),
        ("content/dua.md", "---\ndescription: tanpa judul\n---\n"),
        ("content/tiga.md", "---\ntitle: Tiga\ndate: kemarin\n---\n"),
        ("content/empat.md", "---\ntitle: Empat\nwieght: 1\n---\n"),
        ("content/lima.md", "---\ntitle: Lima\n---\n\n[x](tidak-ada.md)\n"),
        ("content/enam.md", "---\ntitle: Enam\nslug: satu\n---\n"),
        ("content/satu-lagi.md", "---\ntitle: Satu lagi\nslug: lima\n---\n"),
    ]);
    let diags = run.diagnostics();
    for file in ["satu", "dua", "tiga", "empat", "lima", "satu-lagi"] {
        let path = format!("content/{file}.md");
        assert!(diags.iter().any(|d| d.path == path), "{path} not reported:\n{}", run.stderr);
    }
    assert!(!diags.iter().any(|d| d.path == "content/enam.md"), "a good file is not reported:\n{}", run.stderr);
    run.diag("content/dua.md", 1, "title");
    run.diag("content/tiga.md", 3, "kemarin");
    run.diag("content/empat.md", 3, "wieght");
    run.diag("content/lima.md", 5, "tidak-ada.md");
    assert!(run.stderr.contains(&format!("{} error(s)", diags.len())), "{}", run.stderr);
    // Sorted by file, so the report reads top to bottom.
    let paths: Vec<&str> = diags.iter().map(|d| d.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let good: &[(&str, &str)] = &[
        HOME,
        ("content/nilai/_index.md", "---\ntitle: Nilai\n---\n"),
        ("content/nilai/akuntabel.md", "---\ntitle: Akuntabel\ntags: [integritas]\n---\n\n## Indikator\n"),
        ("content/nilai/kompeten.md", "---\ntitle: Kompeten\n---\n\n[a](akuntabel.md#indikator)\n"),
    ];
    let breakages: &[(&str, &[(&str, &str)])] = &[
        ("bad yaml", &[("content/nilai/akuntabel.md", "---\ntitle: [\n---\n")]),
        ("missing title", &[("content/nilai/baru.md", "---\n---\n")]),
        ("broken link", &[("content/nilai/kompeten.md", "---\ntitle: Kompeten\n---\n\n[a](akuntabel.md#hilang)\n")]),
        ("same URL", &[("content/nilai/lain.md", "---\ntitle: Lain\nslug: kompeten\n---\n")]),
        ("unknown template", &[("content/nilai/kompeten.md", "---\ntitle: Kompeten\ntemplate: x.html\n---\n")]),
        ("template error", &[("templates/page.html", "{{ page.tidak.ada }}")]),
        ("config", &[("config.yaml", "title: T\nbahasa: id\n")]),
        ("invalid utf-8", &[]),
    ];
    for (what, files) in breakages {
        let site = Site::new(good);
        site.build_ok(&[]);
        let before = tree(&site.public());
        assert!(before.contains_key("nilai/akuntabel/index.html"));
        site.write(files);
        if *what == "invalid utf-8" {
            site.write_bytes("content/nilai/akuntabel.md", b"---\ntitle: A\n---\n\xff\n");
        }
        let run = site.build(&[]);
        run.assert_failed();
        assert!(run.stderr.contains("the previous output was left untouched"), "{what}: {}", run.stderr);
        assert!(tree(&site.public()) == before, "{what}: public/ changed after a failed build");
        let extra: Vec<String> = listing(&site.root())
            .into_iter()
            .filter(|n| !["config.yaml", "content", "public", "templates"].contains(&n.as_str()))
            .collect();
        assert!(extra.is_empty(), "{what}: left {extra:?} in the site root");
    }
}

#[test]
fn missing_config_or_content_is_an_error_not_a_panic() {
    let site = Site::new(&[HOME]);
    std::fs::remove_file(site.root().join("config.yaml")).unwrap();
    let run = site.build(&[]);
    run.assert_failed();
    assert!(run.stderr.contains("config.yaml"), "{}", run.stderr);

    let site = Site::new(&[]);
    let run = site.build(&[]);
    run.assert_failed();
    assert!(run.stderr.contains("content"), "{}", run.stderr);

    let site = Site::new(&[("config.yaml", ""), HOME]);
    site.build(&[]).assert_failed();
}

// ---- Inputs that must never make it panic. ----

#[test]
fn empty_files_do_not_panic() {
    let site = Site::new(&[HOME, ("content/kosong.md", ""), ("content/bagian/_index.md", "")]);
    let run = site.build(&[]);
    // An empty page has no title, which is reported against the file; an empty _index.md is a
    // section named after its folder (as in Zola, where front matter is optional for sections).
    run.assert_failed();
    run.diag("content/kosong.md", 1, "title");
    assert!(!run.stderr.contains("content/bagian/_index.md"), "{}", run.stderr);
}

#[test]
fn unclosed_front_matter_is_reported() {
    let run = failing(&[("content/a.md", "---\ntitle: A\n\nIsi tanpa penutup.\n")]);
    run.diag("content/a.md", 1, "---");
    let run = failing(&[("content/b.md", "---")]);
    run.diag("content/b.md", 1, "");
}

#[test]
fn utf8_bom_is_accepted() {
    let site = Site::new(&[HOME]);
    site.write_bytes("content/bom.md", "\u{feff}---\ntitle: \"Dengan BOM\"\n---\n\n## Bagian\n".as_bytes());
    site.write_bytes("config.yaml", "\u{feff}title: \"Situs BOM\"\n".as_bytes());
    site.build_ok(&[]);
    let html = site.read("bom/index.html");
    assert!(html.contains("<h1>Dengan BOM</h1>") && html.contains(r#"id="bagian""#), "{html}");
    assert!(!html.contains('\u{feff}'));
    assert!(html.contains("Situs BOM"));
}

#[test]
fn crlf_line_endings_build_correctly() {
    let crlf = |s: &str| s.replace('\n', "\r\n");
    let site = Site::new(&[
        ("config.yaml", &crlf("title: \"Situs CRLF\"\nbase_url: \"https://uji.example.go.id\"\nfooter: \"Kaki\"\n")),
        ("content/_index.md", &crlf("---\ntitle: Beranda\n---\n\n[akuntabel](nilai/akuntabel.md#bebas-dari-kkn)\n")),
        ("content/nilai/_index.md", &crlf("---\ntitle: Nilai\nsort_by: title\n---\n")),
        (
            "content/nilai/akuntabel.md",
            &crlf("---\ntitle: \"Akuntabel\"\ndate: 2024-01-02\ntags:\n  - integritas\n---\n\nBaris satu\nbaris dua.\n\n## Bebas dari KKN\n\n> [!TIP]\n> Isi tips.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"),
        ),
    ]);
    let run = site.build_ok(&[]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let html = site.read("nilai/akuntabel/index.html");
    assert!(html.contains("<h1>Akuntabel</h1>"));
    assert!(html.contains(r#"<h2 id="bebas-dari-kkn">"#), "{html}");
    assert!(html.contains(">Tips</p>") && html.contains("<td>2</td>"));
    assert!(html.contains(r#"datetime="2024-01-02""#));
    assert!(html.contains(r#"href="/tags/integritas/""#));
    assert!(!html.contains('\r'), "no carriage returns leak into the output");
    assert!(site.read("index.html").contains(r##"href="/nilai/akuntabel/#bebas-dari-kkn""##));

    // Errors in CRLF files still point at the right line.
    site.write(&[("content/nilai/salah.md", &crlf("---\ntitle: Salah\n\nwieght: 1\n---\n\n\n[x](hilang.md)\n"))]);
    let run = site.build(&[]);
    run.assert_failed();
    run.diag("content/nilai/salah.md", 4, "wieght");
    site.write(&[("content/nilai/salah.md", &crlf("---\ntitle: Salah\n---\n\n\n[x](hilang.md)\n"))]);
    let run = site.build(&[]);
    run.assert_failed();
    run.diag("content/nilai/salah.md", 6, "hilang.md");
}

#[test]
fn invalid_utf8_is_reported_with_its_line() {
    let site = Site::new(&[HOME]);
    site.write_bytes("content/rusak.md", b"---\ntitle: Rusak\n---\n\nBaik.\nBuruk \xff\xfe di sini.\n");
    site.write_bytes("content/biner.md", &[0u8, 159, 146, 150, 0xc3, 0x28, 0, 1, 2, 255]);
    let run = site.build(&[]);
    run.assert_failed();
    let d = run.diag("content/rusak.md", 6, "UTF-8");
    assert_eq!(d.col, 7, "{d:?}");
    run.diag("content/biner.md", 1, "UTF-8");
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_content_does_not_hang_or_panic() {
    let site = Site::new(&[HOME, ("content/nilai/akuntabel.md", "---\ntitle: A\n---\n")]);
    std::os::unix::fs::symlink("..", site.root().join("content/nilai/putaran")).unwrap();
    std::os::unix::fs::symlink("sendiri", site.root().join("content/sendiri")).unwrap();
    let run = site.build(&[]);
    // Like Zola, a loop is reported rather than silently skipped.
    run.assert_failed();
    assert!(run.stderr.contains("content/nilai/putaran"), "{}", run.stderr);
    assert!(!site.public().exists());
}

#[test]
fn odd_inputs_are_reported_not_panicked_on() {
    let files: &[(&str, &str)] = &[
        ("content/hanya-pembuka.md", "---\n"),
        ("content/dua-garis.md", "---\n---\n"),
        ("content/daftar.md", "---\n- a\n- b\n---\n"),
        ("content/skalar.md", "---\njust a string\n---\n"),
        ("content/judul-daftar.md", "---\ntitle: [1, 2]\n---\n"),
        ("content/judul-kosong.md", "---\ntitle: \"   \"\n---\n"),
        ("content/tab.md", "---\ntitle: A\n\tdescription: x\n---\n"),
        ("content/bobot.md", "---\ntitle: A\nweight: berat\n---\n"),
        ("content/dalam.md", "---\ntitle: A\nextra:\n  a: {b: [c, {d: e}]}\n---\n\n# \n\n## !!!\n\n###### ...\n"),
        ("content/nul.md", "---\ntitle: \"A\0B\"\n---\n\u{0}\n"),
        ("content/tautan-aneh.md", "---\ntitle: A\n---\n\n[a](.md) [b](@/) [c](#) [d](@/../x.md) [e](/.md#)\n"),
        ("content/taksonomi.md", "---\ntitle: A\ntaxonomies:\n  kategori: [x]\n---\n"),
        ("content/alias-kosong.md", "---\ntitle: A\naliases: [\"\", \"/\", \"https://x.id/\"]\n---\n"),
        ("content/slug-kosong.md", "---\ntitle: A\nslug: \"\"\n---\n"),
        ("content/ekor-panjang.md", &format!("---\ntitle: A\n---\n\n{}\n", "x".repeat(200_000))),
    ];
    let site = Site::new(&[&[HOME][..], files].concat());
    let run = site.build(&[]);
    run.assert_failed();
    // Every build error names a file.
    for d in run.diagnostics() {
        assert!(d.path.starts_with("content/"), "{d:?}");
    }
    for file in ["hanya-pembuka", "daftar", "skalar", "judul-daftar", "judul-kosong", "tab", "bobot", "taksonomi"] {
        let path = format!("content/{file}.md");
        assert!(run.stderr.contains(&path), "{path} not reported:\n{}", run.stderr);
    }
}

#[test]
fn output_folder_holding_the_site_is_refused() {
    // The atomic swap replaces the output folder wholesale; pointed at the site root (or a folder
    // holding it) that would delete the sources. Such an output must be refused.
    let site = Site::new(&[HOME, ("content/a.md", "---\ntitle: A\n---\n")]);
    let before = tree(site.tmp());
    for out in [site.root(), site.tmp().to_path_buf(), site.root().join("content/..")] {
        let run = site.build(&["--output", out.to_str().unwrap()]);
        run.assert_failed();
        assert!(run.stderr.contains("output"), "{}", run.stderr);
        assert!(tree(site.tmp()) == before, "the site changed after --output {}", out.display());
    }
    // Relative to the working directory, as a user would type it.
    let run = Run::from(
        std::process::Command::new(env!("CARGO_BIN_EXE_pedoman"))
            .current_dir(site.root())
            .args(["build", "--output", "."])
            .output()
            .unwrap(),
    );
    run.assert_failed();
    assert!(tree(site.tmp()) == before, "the site changed after --output .");
}

#[test]
fn a_broken_page_is_reported_once_not_again_by_every_link_to_it() {
    let run = failing(&[
        ("content/rusak.md", "---\ntitle: \"Rusak\"\nweight: sepuluh\n---\n\nIsi.\n"),
        (
            "content/penaut.md",
            "---\ntitle: \"Penaut\"\n---\n\nLihat [halaman rusak](rusak.md) dan [yang hilang](hilang.md).\n",
        ),
    ]);
    run.diag("content/rusak.md", 3, "");
    let diags = run.diagnostics();
    // The link to the broken page is a consequence; the link to a missing file is a real error.
    assert_eq!(diags.iter().filter(|d| d.path == "content/penaut.md").count(), 1, "{}", run.stderr);
    run.diag("content/penaut.md", 5, "hilang.md");
}

#[test]
fn a_template_whose_loops_never_end_is_stopped_and_named() {
    let loops = [
        // Nested loops that write nothing: only the checkpoints see them.
        "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}",
        // Nested loops that write.
        "{% for a in range(end=100000) %}{% for b in range(end=100000) -%}\n x {%- endfor %}{% endfor %}",
        // A comprehension inside a comprehension.
        "{{ [[1 for c in range(end=100000)] for b in range(end=100000)] | length }}",
    ];
    for body in loops {
        let started = std::time::Instant::now();
        let run = failing(&[
            ("content/a.md", "---\ntitle: A\n---\n"),
            (
                "templates/page.html",
                &format!("{{% extends \"base.html\" %}}\n{{% block content %}}\n{body}\n{{% endblock content %}}\n"),
            ),
        ]);
        let d = run.diag("templates/page.html", 3, "template stopped");
        assert!(d.message.contains("loop iterations") && d.message.contains("page.html"), "{d:?}");
        assert!(run.hint_after("templates/page.html", 3).contains("never ends"), "{}", run.stderr);
        assert_eq!(run.diagnostics().len(), 1, "reported once: {}", run.stderr);
        // Generous: the point is that it ends at all (it ran for hours before).
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "{body}: took {:?}", started.elapsed());
    }
}

#[test]
fn base_url_must_be_an_absolute_http_url() {
    for (value, needle) in [
        ("rb.example.go.id/panduan", "no scheme"),
        ("https://rb.example.go.id/?a=b", "query"),
        ("https://rb.example.go.id/#atas", "fragment"),
        ("https://admin:rahasia@rb.example.go.id/", "password"),
        ("ftp://rb.example.go.id/", "http or https"),
    ] {
        let site = Site::new(&[("config.yaml", &format!("title: T\nlanguage: id\nbase_url: \"{value}\"\n")), HOME]);
        let run = site.build(&[]);
        run.assert_failed();
        let d = run.diag("config.yaml", 3, "base_url");
        assert!(d.message.contains(needle), "{value}: {d:?}");
    }
    // The flag is checked as strictly, and a line break cannot reach robots.txt.
    let site = Site::new(&[HOME]);
    let run = site.build(&["--base-url", "https://x.go.id/\nDisallow: /"]);
    run.assert_failed();
    assert!(run.stderr.starts_with("--base-url: "), "{}", run.stderr);
    assert!(run.stderr.contains("control character"), "{}", run.stderr);
    assert!(!site.public().exists());
    site.build_ok(&["--base-url", "https://x.go.id/panduan/"]);
    assert!(site.read("robots.txt").contains("Sitemap: https://x.go.id/panduan/sitemap.xml"));
}

#[test]
fn heading_ids_starting_with_an_underscore_are_refused() {
    let run = failing(&[("content/a.md", "---\ntitle: A\n---\n\nTeks.\n\n## Cari {#_cari-q}\n")]);
    let d = run.diag("content/a.md", 7, "_cari-q");
    assert_eq!(d.col, 1, "{d:?}");
    assert!(run.hint_after("content/a.md", 7).contains("{#cari-q}"), "{}", run.stderr);
}

#[test]
fn cr_only_line_endings_build_correctly() {
    let cr = |s: &str| s.replace('\n', "\r");
    let site = Site::new(&[
        ("config.yaml", &cr("title: \"Situs CR\"\nbase_url: \"https://uji.example.go.id\"\n")),
        ("content/_index.md", &cr("---\ntitle: Beranda\n---\n\nHalo.\n")),
        ("content/a.md", &cr("---\ntitle: \"Akuntabel\"\n---\n\n## Bebas dari KKN\n\nIsi.\n")),
    ]);
    site.build_ok(&[]);
    let html = site.read("a/index.html");
    assert!(html.contains("<h1>Akuntabel</h1>") && html.contains(r#"id="bebas-dari-kkn""#), "{html}");
    assert!(!html.contains('\r'));
    site.write(&[("content/b.md", &cr("---\ntitle: B\n\nwieght: 1\n---\n"))]);
    site.build(&[]).diag("content/b.md", 4, "wieght");
}

/// `markdown.raw_html` decides what HTML written in Markdown becomes; NUL never gets through.
#[test]
fn raw_html_follows_the_config() {
    let page = "---\ntitle: A\n---\n\n<script>alert(1)</script>\n\nTeks <img src=x onerror=alert(2)> dan [klik](javascript:alert(3)) \u{0}.\n";
    for (mode, kept) in [("allow", true), ("escape", false), ("strip", false)] {
        let config = format!("title: T\nbase_url: \"https://x.go.id\"\nmarkdown:\n  raw_html: {mode}\n");
        let site = Site::new(&[("config.yaml", &config), HOME, ("content/a.md", page)]);
        site.build_ok(&[]);
        let html = site.read("a/index.html");
        let content = between(&html, "<h1>", "</main>");
        assert_eq!(content.contains("<script>alert(1)"), kept, "{mode}: {content}");
        assert_eq!(content.contains("onerror=alert(2)>"), kept, "{mode}: {content}");
        assert_eq!(content.contains("href=\"javascript:"), kept, "{mode}: {content}");
        assert!(!html.contains('\0') && content.contains('\u{FFFD}'), "{mode}");
    }
    let site = Site::new(&[("config.yaml", "title: T\nmarkdown:\n  raw_html: sanitize\n"), HOME]);
    let run = site.build(&[]);
    run.assert_failed();
    let d = run.diag("config.yaml", 3, "sanitize");
    assert!(d.message.contains("allow") && d.message.contains("strip"), "{d:?}");
}

/// Headings that read like the theme's own ids ("Search Q" → `search-q`, "Istilah ASN" →
/// `istilah-asn` beside a glossary entry for ASN) must not give the page two elements with one id:
/// the theme's ids start with `_`, and a heading's never do.
#[test]
fn heading_ids_never_collide_with_the_themes_ids() {
    let page = "---\ntitle: Istilah\nglossary:\n  - term: ASN\n    expansion: Aparatur Sipil Negara\n    definition: Pegawai negeri.\n---\n\n\
## Search Q\n\n## Search results\n\n## Istilah ASN\n\n## Cari Q\n\n## Cari hasil\n\n## Isi\n\n## Navigasi\n\n## Istilah\n";
    let site = Site::new(&[HOME, ("content/istilah.md", page)]);
    site.build_ok(&[]);
    let html = site.read("istilah/index.html");
    let ids = attr_values(&html, "id");
    assert!(ids.contains(&"istilah-asn".to_string()) && ids.contains(&"search-q".to_string()), "{ids:?}");
    let mut seen = std::collections::HashSet::new();
    let repeated: Vec<&String> = ids.iter().filter(|id| !seen.insert(*id)).collect();
    assert!(repeated.is_empty(), "ids used twice: {repeated:?}");
}
