//! The folder a preview is built into.
//!
//! It lives under the system temp folder, never in `ROOT/public/`, so a preview with drafts
//! can never leak into what gets published. It is private to the user (0700 on Unix) and
//! removed when dropped; folders left by a preview that was killed outright are removed by
//! the next one.

use std::io;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub(crate) struct PreviewDir {
    /// Removed, with everything in it, when the `PreviewDir` is dropped.
    _dir: TempDir,
    /// Canonical, so that the HTTP layer's "inside the output folder" check compares like with
    /// like when the temp folder is reached through a symlink (macOS `/tmp`).
    path: PathBuf,
}

impl PreviewDir {
    pub(crate) fn create() -> io::Result<PreviewDir> {
        let base = std::env::temp_dir();
        sweep_orphans(&base);
        // The pid in the name lets a later preview tell whether this one's process is gone;
        // tempfile adds a random part, and never reuses a folder someone else made.
        let prefix = format!("{PREFIX}{}-", std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Drafts are in there: private to the user.
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = builder.tempdir_in(&base)?;
        let path = dir.path().canonicalize()?;
        Ok(PreviewDir { _dir: dir, path })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
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
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    // No signal, only the check: ESRCH means no such process.
    kill(Pid::from_raw(pid), None) == Err(nix::errno::Errno::ESRCH)
}

#[cfg(not(unix))]
fn process_is_gone(_pid: u32) -> bool {
    false
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
        let other = PreviewDir::create().unwrap();
        assert!(live.exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(other.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "private to the user");
        }
        std::fs::remove_dir_all(live).unwrap();
    }
}
