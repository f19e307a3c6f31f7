//! The output folder is Pedoman's: what `pedoman build` refuses to replace, and how it replaces
//! what it may — whole, even when the build is killed at any instant, or two builds race.

mod build_support;

use build_support::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MARKER: &str = ".pedoman-output";

fn small_site() -> Site {
    Site::new(&[
        ("content/_index.md", "---\ntitle: Beranda\n---\n\nSelamat datang.\n"),
        ("content/a.md", "---\ntitle: A\n---\n\nIsi A.\n"),
    ])
}

/// Entries beside the output that a build may have left (`.public.pedoman-new-123`, …), but
/// not the previous output it keeps for the next build to reuse (`.public.pedoman-spare`).
fn leftovers(dir: &Path, name: &str) -> Vec<String> {
    let spare = format!(".{name}.pedoman-spare");
    listing(dir).into_iter().filter(|n| n.starts_with(&format!(".{name}.")) && *n != spare).collect()
}

#[test]
fn every_output_carries_the_marker() {
    let site = small_site();
    site.build_ok(&[]);
    assert!(site.exists(MARKER), "public/{MARKER} missing");
    assert!(site.read(MARKER).contains("Pedoman"));
}

#[test]
fn an_output_inside_the_sources_is_refused_and_nothing_is_touched() {
    let site = small_site();
    site.write(&[("static/logo.txt", "logo"), ("templates/page.html", "{{ page.content }}"), ("themes/x/t.txt", "t")]);
    let before = tree(site.tmp());
    for (out, folder) in [
        ("content", "content"),
        ("content/baru", "content"),
        ("static", "static"),
        ("templates", "templates"),
        ("themes/x", "themes"),
        ("themes/lain", "themes"),
    ] {
        let run = site.build(&["--output", site.root().join(out).to_str().unwrap()]);
        run.assert_failed();
        assert!(run.stderr.contains(&format!("inside the site's `{folder}/`")), "--output {out}: {}", run.stderr);
        assert!(run.stderr.contains(out), "names the folder given: {}", run.stderr);
        assert!(tree(site.tmp()) == before, "the site changed after --output {out}");
    }
    // Reached through a symbolic link, or spelled with `..`, it is the same folder.
    std::os::unix::fs::symlink(site.root().join("content"), site.tmp().join("tautan")).unwrap();
    let before = tree(site.tmp());
    for out in [site.tmp().join("tautan"), site.root().join("public/../content/x")] {
        site.build(&["--output", out.to_str().unwrap()]).assert_failed();
        assert!(tree(site.tmp()) == before, "the site changed after --output {}", out.display());
    }
}

#[test]
fn an_output_that_is_an_existing_file_is_refused() {
    let site = small_site();
    std::fs::write(site.tmp().join("catatan.txt"), "catatan penting").unwrap();
    for (file, text) in
        [(site.root().join("config.yaml"), None), (site.tmp().join("catatan.txt"), Some("catatan penting"))]
    {
        let before = std::fs::read(&file).unwrap();
        let run = site.build(&["--output", file.to_str().unwrap()]);
        run.assert_failed();
        assert!(run.stderr.contains("is an existing file"), "{}", run.stderr);
        assert_eq!(std::fs::read(&file).unwrap(), before, "{} changed", file.display());
        if let Some(text) = text {
            assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
        }
        let dir = file.parent().unwrap();
        let name = file.file_name().unwrap().to_str().unwrap();
        assert_eq!(leftovers(dir, name), Vec::<String>::new(), "nothing left beside {name}");
    }
}

#[test]
fn a_folder_pedoman_did_not_write_is_not_wiped_unless_forced() {
    let site = small_site();
    let docs = site.tmp().join("dokumen");
    write_files(&docs, &[("laporan.txt", "laporan tahunan"), ("arsip/2023.txt", "arsip")]);
    let before = tree(&docs);
    let run = site.build(&["--output", docs.to_str().unwrap()]);
    run.assert_failed();
    assert!(run.stderr.contains("holds files Pedoman did not write"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "the hint names the way out: {}", run.stderr);
    assert!(tree(&docs) == before, "the folder was changed");

    site.build_ok(&["--output", docs.to_str().unwrap(), "--force"]);
    assert!(docs.join("a/index.html").is_file() && docs.join(MARKER).is_file());
    assert!(!docs.join("laporan.txt").exists());
    // Now it is Pedoman's: later builds need no --force.
    site.build_ok(&["--output", docs.to_str().unwrap()]);

    // An empty folder is fine too.
    let empty = site.tmp().join("kosong");
    std::fs::create_dir(&empty).unwrap();
    site.build_ok(&["--output", empty.to_str().unwrap()]);
    assert!(empty.join("index.html").is_file());
}

#[test]
fn a_symlinked_output_is_replaced_where_it_points() {
    let site = small_site();
    let real = site.tmp().join("www/situs");
    std::fs::create_dir_all(&real).unwrap();
    std::os::unix::fs::symlink(&real, site.public()).unwrap();
    site.build_ok(&[]);
    assert!(std::fs::symlink_metadata(site.public()).unwrap().file_type().is_symlink(), "the link stays a link");
    assert!(real.join("a/index.html").is_file());
    site.build_ok(&[]);
    assert_eq!(listing(&site.tmp().join("www")), [".situs.pedoman-spare", "situs"], "only the spare beside the target");
}

/// What `metadata` says of a file's identity and age: the same inode and time means the build
/// did not write it.
fn stamp(path: &Path) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (m.ino(), m.modified().unwrap())
}

#[test]
fn a_rebuild_reuses_the_previous_output_writing_only_what_changed() {
    let site = small_site();
    site.write(&[
        ("content/b.md", "---\ntitle: B\n---\n\nIsi B.\n"),
        ("content/c/d.md", "---\ntitle: D\n---\n\nIsi D.\n"),
    ]);
    site.build_ok(&[]);
    site.build_ok(&[]);
    // The first output is now the spare: ignored by version control, never part of the output.
    let spare = site.root().join(".public.pedoman-spare");
    assert!(spare.join("b/index.html").is_file(), "{:?}", listing(&site.root()));
    assert_eq!(read(&spare.join(".gitignore")).lines().last(), Some("*"));
    assert!(!site.exists(".gitignore"));
    // A page's HTML lists its neighbours, so it changes with them; the stylesheet does not.
    let unchanged = stamp(&spare.join("style.css"));

    // Things a spare may hold that the next output must not: a stale page, a link out of the
    // folder (a write through it would change a file outside), a file where a folder goes.
    let outside = site.tmp().join("luar.txt");
    std::fs::write(&outside, "jangan diubah").unwrap();
    std::fs::write(spare.join("lama.html"), "usang").unwrap();
    std::os::unix::fs::symlink(&outside, spare.join("a/index.html.tmp")).unwrap();
    std::fs::remove_file(spare.join("a/index.html")).unwrap();
    std::os::unix::fs::symlink(&outside, spare.join("a/index.html")).unwrap();
    std::os::unix::fs::symlink(site.tmp(), spare.join("tautan")).unwrap();
    std::fs::remove_dir_all(spare.join("e")).ok();
    std::fs::write(spare.join("e"), "berkas di tempat folder").unwrap();

    site.write(&[
        ("content/a.md", "---\ntitle: A\n---\n\nIsi A yang baru.\n"),
        ("content/e.md", "---\ntitle: E\n---\n\nIsi E.\n"),
    ]);
    std::fs::remove_file(site.root().join("content/c/d.md")).unwrap();
    site.build_ok(&[]);

    let fresh = site.tmp().join("segar");
    site.build_ok(&["--output", fresh.to_str().unwrap()]);
    assert!(tree(&site.public()) == tree(&fresh), "a reused folder must equal a fresh build");
    assert!(site.read("a/index.html").contains("Isi A yang baru."));
    assert!(site.exists("e/index.html") && !site.exists("c/d/index.html") && !site.exists("lama.html"));
    assert_eq!(read(&outside), "jangan diubah", "a link in the spare led a write outside");
    assert_eq!(stamp(&site.public().join("style.css")), unchanged, "an unchanged file was written again");
}

/// Bytes the build read, from `--timings` (its last stage's count of everything read).
fn bytes_read(run: &Run) -> u64 {
    let line = run.stdout.lines().last().unwrap_or_default();
    let kb = line.split("read").nth(1).and_then(|r| r.trim().strip_suffix("KB")).unwrap_or_else(|| panic!("{line}"));
    kb.trim().parse::<u64>().unwrap() * 1000
}

#[test]
fn an_unchanged_file_is_known_by_the_spares_list_and_one_changed_behind_its_back_is_rewritten() {
    let site = small_site();
    site.write(&[("content/b.md", "---\ntitle: B\n---\n\nIsi B.\n")]);
    // A spare holds a list of its own files from the fourth build on: it is the output of the
    // build before last, and the list of an output is made when the output is.
    for _ in 0..4 {
        site.build_ok(&[]);
    }
    let spare = site.root().join(".public.pedoman-spare");
    assert!(spare.join(".pedoman-manifest").is_file(), "{:?}", listing(&spare));
    let output_bytes: u64 = tree(&site.public()).values().map(|b| b.len() as u64).sum();
    // With the list, nothing of the spare is read back: the build reads about its sources only.
    let listed = bytes_read(&site.build_ok(&["--timings"]));
    std::fs::remove_file(site.root().join(".public.pedoman-spare/.pedoman-manifest")).unwrap();
    let unlisted = bytes_read(&site.build_ok(&["--timings"]));
    assert!(
        unlisted >= listed + output_bytes / 2,
        "read {listed} bytes with the list, {unlisted} without, for an output of {output_bytes}"
    );
    // Two more builds, and the spare has its list again. A file changed behind the builds'
    // back keeps its length and gets its time set back, and is still written anew.
    site.build_ok(&[]);
    site.build_ok(&[]);
    let changed = spare.join("a/index.html");
    let (text, mtime) = (read(&changed), std::fs::metadata(&changed).unwrap().modified().unwrap());
    assert!(text.contains("Isi A."));
    std::fs::write(&changed, text.replace("Isi A.", "Isi X.")).unwrap();
    std::fs::File::options().write(true).open(&changed).unwrap().set_modified(mtime).unwrap();
    site.build_ok(&[]);
    assert!(site.read("a/index.html").contains("Isi A."), "{}", site.read("a/index.html"));
    let fresh = site.tmp().join("segar");
    site.build_ok(&["--output", fresh.to_str().unwrap()]);
    assert!(tree(&site.public()) == tree(&fresh), "a reused folder must equal a fresh build");
    assert!(
        !listing(&site.public()).iter().any(|n| n.starts_with(".pedoman-manifest")),
        "{:?}",
        listing(&site.public())
    );
}

/// Makes `path` impossible to write over or delete, or possible again: immutable as root
/// (`chattr +i`), else read-only in a read-only folder.
fn set_unwritable(path: &Path, on: bool) {
    use std::os::unix::fs::PermissionsExt;
    let flag = if on { "+i" } else { "-i" };
    if Command::new("chattr").arg(flag).arg(path).status().is_ok_and(|s| s.success()) {
        return;
    }
    let (file, dir) = if on { (0o444, 0o555) } else { (0o644, 0o755) };
    let folder = path.parent().unwrap();
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(dir)).unwrap();
    if on {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(file)).unwrap();
    }
}

#[test]
fn a_spare_that_cannot_be_written_fails_clearly_and_loses_nothing() {
    let site = small_site();
    site.build_ok(&[]);
    site.build_ok(&[]);
    let stuck = site.root().join(".public.pedoman-spare/a/index.html");
    set_unwritable(&stuck, true);
    site.write(&[("content/a.md", "---\ntitle: A baru\n---\n\nIsi baru.\n")]);
    let before = tree(&site.public());
    let run = site.build(&[]);
    let after_failure = tree(&site.public());
    let next = site.build(&[]);
    // Whatever the build left with the stuck file in it, free it so the test can clean up.
    for dir in listing(&site.root()).into_iter().filter(|n| n.starts_with(".public.")) {
        let file = site.root().join(dir).join("a/index.html");
        if file.exists() {
            set_unwritable(&file, false);
        }
    }
    run.assert_failed();
    assert!(run.stderr.contains(".public.pedoman-spare") && run.stderr.contains("delete"), "{}", run.stderr);
    assert!(after_failure == before, "a failed build changed the output");
    // The next build does not meet the stuck file again.
    next.assert_ok();
    assert!(site.read("a/index.html").contains("Isi baru."), "the new output is in place");
    site.build_ok(&[]);
    assert_eq!(leftovers(&site.root(), "public"), Vec::<String>::new());
}

#[test]
fn a_mount_point_output_fails_clearly_and_leaves_nothing_behind() {
    let site = small_site();
    std::fs::create_dir(site.public()).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "tmpfs"]).arg(site.public()).status();
    if !mounted.is_ok_and(|s| s.success()) {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    std::fs::write(site.public().join(MARKER), "").unwrap();
    let run = site.build(&[]);
    let listed = listing(&site.root());
    let inside = listing(&site.public());
    Command::new("umount").arg(site.public()).status().unwrap();
    run.assert_failed();
    assert!(run.stderr.contains("mount point"), "{}", run.stderr);
    assert!(run.stderr.contains("--output"), "the hint says what to do: {}", run.stderr);
    assert_eq!(listed, ["config.yaml", "content", "public"], "no temp copy beside the output");
    assert_eq!(inside, [MARKER], "the mounted folder is untouched");
}

/// A site big enough that a build takes a while: `pages` pages of a few paragraphs. `version`
/// changes every page, so two versions' outputs differ in every page.
fn big_site_files(pages: usize, version: usize) -> Vec<(String, String)> {
    let mut files =
        vec![("content/_index.md".to_string(), format!("---\ntitle: Beranda {version}\n---\n\nVersi {version}.\n"))];
    for s in 0..4 {
        files.push((format!("content/bagian-{s}/_index.md"), format!("---\ntitle: Bagian {s}\n---\n")));
    }
    let para = "Pegawai melayani warga dengan ramah, cepat dan tuntas; setiap keluhan dicatat dan ditindaklanjuti. ";
    for i in 0..pages {
        let body: String = (0..6).map(|p| format!("## Bagian {p}\n\n{}\n\n", para.repeat(4))).collect();
        files.push((
            format!("content/bagian-{}/halaman-{i:04}.md", i % 4),
            format!("---\ntitle: Halaman {i} versi {version}\ntags: [t{}]\n---\n\n{body}", i % 7),
        ));
    }
    files
}

fn write_version(site: &Site, pages: usize, version: usize) {
    for (rel, text) in big_site_files(pages, version) {
        site.write(&[(&rel, &text)]);
    }
}

/// xorshift: random enough for kill times, no dependency, reproducible from the printed seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
fn a_build_killed_at_any_instant_leaves_a_whole_old_or_new_output() {
    const PAGES: usize = 400;
    const KILLS: usize = 24;
    let site = small_site();
    // Reference outputs of both versions, built whole.
    let mut expected = Vec::new();
    let mut full = Duration::ZERO;
    for version in 0..2 {
        write_version(&site, PAGES, version);
        let out = site.tmp().join(format!("ref-{version}"));
        let start = Instant::now();
        site.build_ok(&["--output", out.to_str().unwrap()]);
        full = full.max(start.elapsed());
        expected.push(tree(&out));
    }
    assert!(expected[0] != expected[1]);
    site.build_ok(&[]);
    assert!(tree(&site.public()) == expected[1]);

    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    eprintln!("kill test: seed {seed}, full build {} ms", full.as_millis());
    let mut rng = Rng(seed);
    let (mut old, mut new) = (0, 0);
    // `current`: the version public/ holds; `sources`: the version last written to content/.
    let (mut current, mut sources) = (1, 1);
    for round in 0..KILLS {
        let target = 1 - current;
        write_version(&site, PAGES, target);
        sources = target;
        // Kill anywhere from the start to a little past the usual end.
        let delay = Duration::from_millis(rng.below(full.as_millis() as u64 * 11 / 10));
        let mut child = Command::new(pedoman_bin())
            .args(["build", "--root"])
            .arg(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().ok();
        child.wait().unwrap();
        let now = tree(&site.public());
        if now == expected[current] {
            old += 1;
        } else if now == expected[target] {
            new += 1;
            current = target;
        } else {
            panic!(
                "round {round} (seed {seed}, killed after {} ms): public/ is neither the old nor the new site",
                delay.as_millis()
            );
        }
    }
    eprintln!("kill test: {KILLS} kills, {old} left the old output, {new} the new one");
    // A build after the kills finishes the job and removes every temp folder left.
    site.build_ok(&[]);
    assert!(tree(&site.public()) == expected[sources]);
    assert_eq!(leftovers(&site.root(), "public"), Vec::<String>::new());
}

#[test]
fn concurrent_builds_of_one_site_do_not_corrupt_each_other() {
    let site = small_site();
    write_version(&site, 60, 0);
    let reference = site.tmp().join("ref");
    site.build_ok(&["--output", reference.to_str().unwrap()]);
    let expected = tree(&reference);
    for round in 0..8 {
        let children: Vec<_> = (0..2)
            .map(|_| {
                Command::new(pedoman_bin())
                    .args(["build", "--root"])
                    .arg(site.root())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
        }
        assert!(tree(&site.public()) == expected, "round {round}: public/ differs from a lone build");
        assert_eq!(leftovers(&site.root(), "public"), Vec::<String>::new(), "round {round}");
    }
}
