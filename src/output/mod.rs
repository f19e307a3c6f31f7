//! Writing the built site. The output folder is one Pedoman owns: it carries a marker file, and
//! a build refuses any folder inside the site's sources, a file, or a non-empty folder without
//! the marker (unless forced).
//!
//! Two writers take files as the pipeline produces them, so nothing holds the whole site:
//! - [`Swap`] (`pedoman build`) writes a fresh folder beside the output, then exchanges the two
//!   in one atomic step, so the output is a whole old or a whole new site at every instant.
//! - [`InPlace`] (`pedoman serve`) rewrites only files whose bytes changed, each staged beside
//!   its place and renamed over it at the end, so a failed build changes nothing.

mod in_place;
mod manifest;
mod pool;
mod swap;

pub(crate) use in_place::{InPlace, InPlaceBuild};
pub(crate) use swap::Swap;

use crate::diagnostics::Diagnostic;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as Pedoman's output; written into every output.
pub(crate) const MARKER: &str = ".pedoman-output";
pub(crate) const MARKER_TEXT: &str =
    "This folder is written by Pedoman (pedoman build) and replaced whole by every build.\n";

/// Bytes of one output file.
#[derive(Debug, Clone)]
pub(crate) enum Data {
    Bytes(Vec<u8>),
    /// Bytes kept elsewhere too (the search index's records, kept between builds).
    Shared(std::sync::Arc<[u8]>),
    /// Copied from disk (content assets, static files), keeping the source file's mode.
    Copy(PathBuf),
    Static(&'static [u8]),
}

impl Data {
    /// The bytes, unless they are to be copied from disk.
    pub(crate) fn in_memory(&self) -> Option<&[u8]> {
        match self {
            Data::Bytes(b) => Some(b),
            Data::Shared(b) => Some(b),
            Data::Static(b) => Some(b),
            Data::Copy(_) => None,
        }
    }
}

/// Checks that `rel` stays inside the output folder: no `..`, no root, no drive.
pub(crate) fn safe_relative(rel: &str) -> bool {
    let path = Path::new(rel);
    !rel.is_empty() && !rel.contains('\\') && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// `path` made absolute with every symlink of its existing part resolved (the rest may not
/// exist yet), so two spellings of one folder compare equal.
pub(crate) fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut out = PathBuf::new();
    for part in std::path::absolute(path)?.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => {
                out.push(other);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
        }
    }
    Ok(out)
}

/// Folders of the site a build reads: an output there would replace sources.
const SOURCES: [&str; 4] = ["content", "static", "templates", "themes"];

/// Refuses an output folder that is not Pedoman's to replace. `root` and `output` are resolved
/// ([`resolve`]); `shown` is the output as the user wrote it.
pub(crate) fn check(root: &Path, output: &Path, shown: &Path, force: bool) -> Result<(), Diagnostic> {
    let refuse = |message: String, hint: &str| Err(Diagnostic::new(shown, 0, 0, message).with_hint(hint));
    let elsewhere = "choose a folder outside the site's sources, such as the default ROOT/public";
    if root.starts_with(output) {
        return refuse(
            "the output folder is the site itself, or holds it: building would delete the sources".into(),
            elsewhere,
        );
    }
    if let Some(dir) = SOURCES.iter().find(|d| output.starts_with(root.join(d))) {
        return refuse(
            format!("the output folder is inside the site's `{dir}/`: building would replace sources"),
            elsewhere,
        );
    }
    let meta = match std::fs::metadata(output) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return refuse(format!("cannot use the output folder: {e}"), "check the path and its permissions"),
    };
    if !meta.is_dir() {
        return refuse(
            "the output is an existing file, not a folder: building would replace it".into(),
            "pass --output with a folder name",
        );
    }
    if is_mount_point(output) {
        return refuse(
            "the output folder is a mount point: Pedoman replaces the output folder whole, which a mount point does not allow".into(),
            "write to a folder inside the mount instead, e.g. --output public/site",
        );
    }
    if !force && !output.join(MARKER).is_file() {
        let mut entries = std::fs::read_dir(output).map_err(|e| {
            Diagnostic::new(shown, 0, 0, format!("cannot read the output folder: {e}"))
                .with_hint("check the folder's permissions")
        })?;
        if entries.next().is_some() {
            return refuse(
                format!("the output folder holds files Pedoman did not write (it has no `{MARKER}` file): building would delete them"),
                "choose an empty or new folder, or pass --force to replace this one and everything in it",
            );
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_mount_point(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(dir), dir.parent().map(std::fs::metadata)) {
        (Ok(d), Some(Ok(p))) => d.dev() != p.dev(),
        // `/` itself.
        (Ok(_), None) => true,
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount_point(_dir: &Path) -> bool {
    false
}

/// The writer of one build.
pub(crate) enum Writer<'a> {
    Swap(Swap),
    InPlace(InPlaceBuild<'a>),
}

/// What a build's writing did.
#[derive(Debug, Default)]
pub(crate) struct Committed {
    /// Files created or changed (in place), or every file (swapped in); relative paths.
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
}

impl Writer<'_> {
    /// Writes (or, in place, stages) one file; `None`: not rendered again, keep what is there.
    /// Errors of the write itself come back from [`Writer::commit`], all together.
    pub(crate) fn put(&self, rel: &str, data: Option<Data>) -> Result<(), Diagnostic> {
        if !safe_relative(rel) {
            return Err(Diagnostic::new(
                "content",
                0,
                0,
                format!("refusing to write `{rel}` outside the output folder"),
            ));
        }
        match (self, data) {
            (Writer::Swap(w), Some(data)) => {
                w.put(rel, data);
                Ok(())
            }
            (Writer::InPlace(w), Some(data)) => w.put(rel, data),
            (Writer::InPlace(w), None) => {
                w.keep(rel);
                Ok(())
            }
            (Writer::Swap(_), None) => {
                Err(Diagnostic::new(rel, 0, 0, "internal error: a file left out of a fresh output folder"))
            }
        }
    }

    pub(crate) fn commit(self) -> Result<Committed, Vec<Diagnostic>> {
        match self {
            Writer::Swap(w) => {
                let warnings = w.commit()?;
                Ok(Committed { warnings, ..Committed::default() })
            }
            Writer::InPlace(w) => {
                let (written, removed) = w.commit()?;
                Ok(Committed { written, removed, warnings: Vec::new() })
            }
        }
    }
}

/// A short content hash: asset URLs' cache-busting part, the service worker's fingerprint.
pub(crate) fn short_hash(bytes: &[u8]) -> String {
    // FNV-1a: stable across Rust versions, unlike DefaultHasher.
    let mut hasher = fnv::FnvHasher::default();
    std::hash::Hasher::write(&mut hasher, bytes);
    format!("{:08x}", std::hash::Hasher::finish(&hasher) as u32)
}

fn write_error(shown: &Path, rel: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::new(shown.join(rel), 0, 0, format!("cannot write this output file: {e}"))
        .with_hint("check free disk space and the output folder's permissions")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_escape() {
        assert!(safe_relative("a/b/index.html"));
        assert!(!safe_relative("../x"));
        assert!(!safe_relative("/etc/passwd"));
        assert!(!safe_relative("a/../../x"));
        assert!(!safe_relative("a\\..\\x"));
    }

    #[test]
    fn paths_resolve_through_symlinks_and_dots() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("site")).unwrap();
        std::os::unix::fs::symlink(real.join("site"), real.join("link")).unwrap();
        assert_eq!(resolve(&real.join("link/content/../public")).unwrap(), real.join("site/public"));
        assert_eq!(resolve(&real.join("nope/../site/./x")).unwrap(), real.join("site/x"));
    }
}
