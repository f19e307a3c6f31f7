//! The error catalogue: every kind of error `pedoman build` reports, as a reader sees it in the
//! terminal. Each kind is a folder under `tests/fixtures/errors/KIND/` holding
//! - a site (`config.yaml`, `content/`, … whatever it takes to cause the error),
//! - optionally `args`: extra `pedoman build` arguments, one per line, where `{site}` stands for
//!   the site's folder,
//! - optionally `symlinks`: lines `LINK -> TARGET` (relative to the site), made when the site is
//!   copied, so the repository itself holds no symlink loops,
//! - optionally `special`: lines `fifo PATH` (a named pipe) or `sparse PATH BYTES` (a file of
//!   that size that takes no disk space), files the repository cannot hold,
//! - `stderr.snap`: the expected standard error (an `insta` snapshot).
//!
//! Adding a kind is adding a folder: run `INSTA_UPDATE=always cargo test --test error_catalogue`
//! once to write its snapshot, read it, and commit the folder. A changed message shows up as a
//! snapshot diff to review.

mod build_support;

use build_support::{pedoman, Run};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    build_support::repo_root().join("tests/fixtures/errors")
}

/// Copies a fixture site, then makes the symlinks its `symlinks` file lists.
fn copy_site(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let own = ["args", "symlinks", "special"].iter().any(|n| rel.file_name() == Some(n.as_ref()));
        if own || rel.extension().is_some_and(|e| e == "snap" || e == "new") {
            continue;
        }
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(to.join(rel)).unwrap();
        } else {
            std::fs::copy(entry.path(), to.join(rel)).unwrap();
        }
    }
    let links = std::fs::read_to_string(from.join("symlinks")).unwrap_or_default();
    for line in links.lines().filter(|l| !l.trim().is_empty()) {
        let (link, target) = line.split_once(" -> ").expect("`LINK -> TARGET`");
        let link = to.join(link);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(target, link).unwrap();
        #[cfg(not(unix))]
        let _ = (target, link);
    }
    let special = std::fs::read_to_string(from.join("special")).unwrap_or_default();
    for line in special.lines().filter(|l| !l.trim().is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let path = to.join(words[1]);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        match words[0] {
            "fifo" => assert!(std::process::Command::new("mkfifo").arg(&path).status().unwrap().success()),
            "sparse" => std::fs::File::create(&path).unwrap().set_len(words[2].parse().unwrap()).unwrap(),
            other => panic!("unknown special file `{other}`"),
        }
    }
}

/// Builds the fixture `kind` in a temp folder; returns the run and the site's path there.
fn build(kind: &Path) -> (Run, PathBuf, tempfile::TempDir) {
    let tmp = tempfile::Builder::new().prefix("pedoman-errors-").tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir(&site).unwrap();
    copy_site(kind, &site);
    let site_text = site.to_str().unwrap().to_string();
    let mut args = vec!["build".to_string(), "--root".to_string(), site_text.clone()];
    if let Ok(extra) = std::fs::read_to_string(kind.join("args")) {
        args.extend(extra.lines().filter(|l| !l.is_empty()).map(|l| l.replace("{site}", &site_text)));
    }
    (Run::from(pedoman(&args)), site, tmp)
}

#[test]
fn every_error_kind_reads_as_the_catalogue_says() {
    let mut kinds: Vec<PathBuf> =
        std::fs::read_dir(fixtures()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    kinds.sort();
    assert!(kinds.len() >= 30, "the catalogue lost its fixtures: {kinds:?}");
    for kind in &kinds {
        let name = kind.file_name().unwrap().to_str().unwrap();
        let (run, site, _tmp) = build(kind);
        run.assert_failed();
        assert!(run.stdout.is_empty(), "{name}: a failed build prints nothing on stdout: {}", run.stdout);
        // Every problem starts with where it is: a file, folder or flag, then `: `.
        for line in run.stderr.lines().filter(|l| !l.starts_with(' ') && !l.starts_with("Build failed")) {
            let place = line.split_once(": ").map_or("", |(place, _)| place);
            assert!(!place.is_empty() && !place.contains(' '), "{name}: `{line}` names no place");
        }
        let stderr = run.stderr.replace(site.to_str().unwrap(), "[SITE]");
        insta::with_settings!({ snapshot_path => kind, prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("stderr", stderr);
        });
    }
}
