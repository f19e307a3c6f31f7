//! Helpers for the `pedoman build` integration tests: fixture sites in temp dirs, running the
//! real binary, reading output trees and parsing `path:line:col: message` diagnostics.
#![allow(dead_code)]
// Shared by several test crates, each using part: `pub` is how they reach it.
#![allow(unreachable_pub)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

#[path = "../common/mod.rs"]
mod common;

#[allow(unused_imports)] // only some test files measure gzipped sizes
pub use common::gzipped_len;
pub use common::{pedoman, pedoman_bin, repo_root, write_files};

/// The config used when a fixture gives none.
pub const DEFAULT_CONFIG: &str = "title: \"Situs Uji\"\nbase_url: \"https://uji.example.go.id\"\n";

/// A site in a fresh temp dir: `<tmp>/site/` is the root, so tests can check that nothing is
/// written beside it.
pub struct Site {
    tmp: TempDir,
}

impl Site {
    /// A site with `files`; `config.yaml` gets [`DEFAULT_CONFIG`] unless `files` has one.
    pub fn new(files: &[(&str, &str)]) -> Site {
        let tmp = tempfile::Builder::new().prefix("pedoman-test-").tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("site")).unwrap();
        let site = Site { tmp };
        if !files.iter().any(|(p, _)| *p == "config.yaml") {
            site.write(&[("config.yaml", DEFAULT_CONFIG)]);
        }
        site.write(files);
        site
    }

    /// A copy of the checked-in fixture `tests/fixtures/NAME/`.
    pub fn fixture(name: &str) -> Site {
        let site = Site::new(&[]);
        copy_tree(&repo_root().join("tests/fixtures").join(name), &site.root());
        site
    }

    /// The temp dir holding the site root (and nothing else, unless a test puts it there).
    pub fn tmp(&self) -> &Path {
        self.tmp.path()
    }

    pub fn root(&self) -> PathBuf {
        self.tmp.path().join("site")
    }

    /// The default output folder.
    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn write(&self, files: &[(&str, &str)]) {
        write_files(&self.root(), files);
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// `pedoman build --root ROOT EXTRA…`.
    pub fn build(&self, extra: &[&str]) -> Run {
        let root = self.root();
        let mut args: Vec<std::ffi::OsString> = vec!["build".into(), "--root".into(), root.into()];
        args.extend(extra.iter().map(Into::into));
        Run::from(pedoman(args))
    }

    /// `pedoman build --root ROOT EXTRA…` as an unprivileged user, so file permissions apply as
    /// they do to an editor: when the tests run as root, the temp dir is handed to `nobody` and
    /// the build runs as `nobody`.
    pub fn build_unprivileged(&self, extra: &[&str]) -> Run {
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::process::CommandExt;
        let mut command = std::process::Command::new(pedoman_bin());
        command.args(["build", "--root"]).arg(self.root()).args(extra);
        if std::fs::metadata(self.tmp()).unwrap().uid() == 0 {
            const NOBODY: u32 = 65534;
            for entry in walkdir::WalkDir::new(self.tmp()) {
                std::os::unix::fs::lchown(entry.unwrap().path(), Some(NOBODY), Some(NOBODY)).unwrap();
            }
            command.uid(NOBODY).gid(NOBODY);
        }
        Run::from(command.output().expect("could not run pedoman"))
    }

    /// Builds and insists it worked.
    pub fn build_ok(&self, extra: &[&str]) -> Run {
        let run = self.build(extra);
        run.assert_ok();
        run
    }

    /// A file of the default output folder as text.
    pub fn read(&self, rel: &str) -> String {
        read(&self.public().join(rel))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        let run = Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
            "pedoman panicked:\n{}",
            run.stderr
        );
        run
    }
}

impl Run {
    pub fn assert_ok(&self) {
        assert_eq!(self.code, Some(0), "build failed\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
    }

    pub fn assert_failed(&self) {
        assert!(
            self.code.is_some_and(|c| c != 0),
            "expected a failed build, got {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code,
            self.stdout,
            self.stderr
        );
    }

    /// The `path:line:col: message` lines of stderr.
    pub fn diagnostics(&self) -> Vec<Diag> {
        self.stderr.lines().filter_map(Diag::parse).collect()
    }

    /// The diagnostic at `path:line` whose message contains `needle` (panics with stderr if none).
    pub fn diag(&self, path: &str, line: usize, needle: &str) -> Diag {
        self.diagnostics()
            .into_iter()
            .find(|d| d.path == path && d.line == line && d.message.contains(needle))
            .unwrap_or_else(|| {
                panic!("no diagnostic `{path}:{line}:…: …{needle}…` in stderr:\n{}", self.stderr);
            })
    }

    /// The hint printed under the diagnostic at `path:line` (the `  hint: …` line after it).
    pub fn hint_after(&self, path: &str, line: usize) -> String {
        let lines: Vec<&str> = self.stderr.lines().collect();
        let i = lines
            .iter()
            .position(|l| Diag::parse(l).is_some_and(|d| d.path == path && d.line == line))
            .unwrap_or_else(|| panic!("no diagnostic at {path}:{line} in:\n{}", self.stderr));
        lines.get(i + 1).and_then(|l| l.trim_start().strip_prefix("hint:")).unwrap_or("").trim().to_string()
    }
}

/// One `path:line:col: message` (or `path: message`) line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Diag {
    /// `path:line:col: message`, or `path: message` for a problem with a whole file or folder
    /// (line and column 0). Indented lines (hints) are not diagnostics.
    pub fn parse(text: &str) -> Option<Diag> {
        if text.starts_with(char::is_whitespace) {
            return None;
        }
        // The path may itself hold `:` only in theory; split from the left at the first `:N:N: `.
        let mut search = 0;
        while let Some(i) = text[search..].find(':').map(|i| i + search) {
            let rest = &text[i + 1..];
            let mut parts = rest.splitn(3, ':');
            let (l, c, m) = (parts.next()?, parts.next(), parts.next());
            if let (Ok(line), Some(Ok(col)), Some(message)) = (l.parse(), c.map(str::parse), m) {
                if let Some(message) = message.strip_prefix(' ') {
                    return Some(Diag { path: text[..i].to_string(), line, col, message: message.to_string() });
                }
            }
            search = i + 1;
        }
        // A place never holds a space (`Build failed: …` and `warning: …` are not diagnostics).
        let (path, message) = text.split_once(": ").filter(|(p, _)| !p.is_empty() && !p.contains(' '))?;
        (path != "warning").then(|| Diag { path: path.to_string(), line: 0, col: 0, message: message.to_string() })
    }
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every file below `dir`: relative path (with `/`) → bytes. Symlinks are recorded by target.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        if entry.file_type().is_file() {
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        } else if entry.file_type().is_dir() && entry.depth() > 0 {
            out.insert(format!("{rel}/"), Vec::new());
        }
    }
    out
}

/// Names directly inside `dir`, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every `.html` file below `dir`, relative paths.
pub fn html_files(dir: &Path) -> Vec<String> {
    tree(dir).into_keys().filter(|k| k.ends_with(".html")).collect()
}

/// The values of `attr="…"` in `html`, in order (the default theme always uses double quotes).
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(unescape(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// Every tag `<NAME …>` in `html`, whole.
pub fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        if after.starts_with([' ', '>', '\n', '/']) {
            let end = after.find('>').map_or(rest.len(), |e| i + open.len() + e + 1);
            out.push(&rest[i..end]);
            rest = &rest[end..];
        } else {
            rest = after;
        }
    }
    out
}

/// The value of `attr` in one tag.
pub fn tag_attr(tag: &str, attr: &str) -> Option<String> {
    attr_values(tag, attr).into_iter().next()
}

pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The part of `html` between the first `start` and the next `end` after it.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html.find(start).unwrap_or_else(|| panic!("`{start}` not found in:\n{html}"));
    let rest = &html[i..];
    let j = rest.find(end).unwrap_or(rest.len());
    &rest[..j]
}

/// Asserts that `needles` occur in `haystack` in this order.
pub fn assert_in_order(haystack: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        match haystack[from..].find(n) {
            Some(i) => from += i + n.len(),
            None => panic!("`{n}` missing or out of order (wanted {needles:?}) in:\n{haystack}"),
        }
    }
}
