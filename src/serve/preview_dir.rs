//! The folder a preview is built into.
//!
//! It lives under the system temp folder, never in `ROOT/public/`, so a preview with drafts
//! can never leak into what gets published. It is private to the user (0700 on Unix) and
//! removed when dropped.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) struct PreviewDir {
    path: PathBuf,
}

impl PreviewDir {
    pub(crate) fn create() -> io::Result<PreviewDir> {
        // Several servers may run in one process (tests) and several processes at once, so the
        // name mixes the pid, a per-process counter and the clock; `create_dir` (not `_all`)
        // fails rather than reuse a folder someone else made.
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("pedoman-serve-{}-{n}-{nanos:x}", std::process::id()));
            match private_dir_builder().create(&path) {
                // Canonical, so that the HTTP layer's "inside the output folder" check compares
                // like with like when the temp folder is reached through a symlink (macOS /tmp).
                Ok(()) => return Ok(PreviewDir { path: path.canonicalize()? }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(io::ErrorKind::AlreadyExists, "could not find a free name in the temp folder"))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PreviewDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(unix)]
fn private_dir_builder() -> std::fs::DirBuilder {
    use std::os::unix::fs::DirBuilderExt;
    let mut builder = std::fs::DirBuilder::new();
    builder.mode(0o700);
    builder
}

#[cfg(not(unix))]
fn private_dir_builder() -> std::fs::DirBuilder {
    std::fs::DirBuilder::new()
}

#[cfg(test)]
mod tests {
    use super::PreviewDir;

    #[test]
    fn is_created_empty_and_removed_on_drop() {
        let dir = PreviewDir::create().unwrap();
        let path = dir.path().to_path_buf();
        assert!(path.is_dir());
        assert_eq!(std::fs::read_dir(&path).unwrap().count(), 0);
        std::fs::write(path.join("index.html"), "x").unwrap();
        let other = PreviewDir::create().unwrap();
        assert_ne!(other.path(), path);
        drop(dir);
        assert!(!path.exists());
    }
}
