//! The folder a preview is built into.
//!
//! It lives under the system temp folder, never in `ROOT/public/`, so a preview with drafts
//! can never leak into what gets published. It is private to the user (0700 on Unix) and
//! removed when dropped; folders left by a preview that was killed outright are removed by
//! the next one.

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
        sweep_orphans(&base);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("{PREFIX}{}-{n}-{nanos:x}", std::process::id()));
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

const PREFIX: &str = "pedoman-serve-";

/// Removes preview folders whose process is gone (killed with SIGKILL, a crash, a power cut).
/// A folder whose pid is alive, or reused by another process, is left alone; so is one owned by
/// another user, which we may not remove anyway.
fn sweep_orphans(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)).and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if pid.parse::<u32>().is_ok_and(|pid| pid != std::process::id() && process_is_gone(pid)) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_is_gone(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // Signal 0 only checks: ESRCH means no such process.
    // SAFETY: kill with signal 0 sends nothing.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    !alive && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_is_gone(_pid: u32) -> bool {
    false
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

    #[cfg(unix)]
    #[test]
    fn folders_of_dead_previews_are_swept() {
        // A pid above the kernel's maximum (4194304 on Linux) belongs to no process.
        let orphan = std::env::temp_dir().join("pedoman-serve-4999999-0-abc");
        std::fs::create_dir_all(orphan.join("sub")).unwrap();
        let mine = PreviewDir::create().unwrap();
        assert!(!orphan.exists(), "orphan left");
        assert!(mine.path().exists());
        // A folder of a live process (this one) stays.
        let live = std::env::temp_dir().join(format!("pedoman-serve-{}-x", std::process::id()));
        std::fs::create_dir_all(&live).unwrap();
        let _other = PreviewDir::create().unwrap();
        assert!(live.exists());
        std::fs::remove_dir_all(live).unwrap();
    }
}
