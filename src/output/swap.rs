//! `pedoman build`'s writer: a fresh copy of the site beside the output, swapped in at the end
//! in one atomic step, so the output is a whole old or a whole new site at every instant.

use super::pool::{remove_tree, write_file, Dirs, Pool};
use super::{check, write_error, Data, MARKER, MARKER_TEXT};
use crate::diagnostics::Diagnostic;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Writes a fresh copy of the site beside `output` and swaps it in at the end.
///
/// Builds of one output wait for each other (a lock on the output's parent folder), and each
/// starts by removing what killed builds left, restoring the old output first if a build was
/// killed in the middle of a swap without `RENAME_EXCHANGE`.
pub(crate) struct Swap {
    output: PathBuf,
    tmp: PathBuf,
    shown: PathBuf,
    dirs: Arc<Dirs>,
    pool: Pool,
    committed: bool,
    // Held until the swap is done; the lock goes with the file.
    _lock: File,
}

impl Swap {
    /// Locks, cleans up after killed builds, checks the output again (under the lock) and
    /// creates the temp folder, with the marker already in it.
    pub(crate) fn begin(root: &Path, output: &Path, shown: &Path, force: bool) -> Result<Swap, Diagnostic> {
        let fail = |what: &str, e: io::Error| Diagnostic::new(shown, 0, 0, format!("{what}: {e}"));
        let parent =
            output.parent().ok_or_else(|| fail("cannot use the output folder", io::ErrorKind::InvalidInput.into()))?;
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        std::fs::create_dir_all(parent).map_err(|e| fail("cannot create the output's parent folder", e))?;
        let lock = File::open(parent).map_err(|e| fail("cannot open the output's parent folder", e))?;
        lock.lock().map_err(|e| fail("cannot lock the output's parent folder", e))?;
        clean_leftovers(parent, &name, output);
        check(root, output, shown, force)?;
        let tmp = parent.join(format!(".{name}.pedoman-new-{}", std::process::id()));
        let _ = remove_tree(&tmp);
        std::fs::create_dir(&tmp).map_err(|e| fail("cannot create a temp folder beside the output", e))?;
        let pool = Pool::new().map_err(|e| fail("cannot start the writer threads", e))?;
        let swap = Swap {
            output: output.to_path_buf(),
            tmp,
            shown: shown.to_path_buf(),
            dirs: Arc::default(),
            pool,
            committed: false,
            _lock: lock,
        };
        swap.put(MARKER, Data::Static(MARKER_TEXT.as_bytes()));
        Ok(swap)
    }

    /// Queues one file for the new folder; errors come back from [`Swap::commit`].
    pub(crate) fn put(&self, rel: &str, data: Data) {
        let (path, dirs) = (self.tmp.join(rel), self.dirs.clone());
        let (shown, rel) = (self.shown.clone(), rel.to_string());
        self.pool.submit(move || write_file(&path, &data, &dirs).map_err(|e| write_error(&shown, &rel, &e)));
    }

    /// Waits for the writes, then swaps the new folder in. Returns warnings (the old folder
    /// could not be removed).
    pub(crate) fn commit(mut self) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let errors = self.pool.finish();
        if !errors.is_empty() {
            return Err(errors);
        }
        let fail =
            |e: io::Error| vec![Diagnostic::new(&self.shown, 0, 0, format!("cannot swap in the new output: {e}"))];
        let old = if self.output.exists() {
            exchange(&self.tmp, &self.output).map_err(fail)?
        } else {
            std::fs::rename(&self.tmp, &self.output).map_err(fail)?;
            None
        };
        self.committed = true;
        let mut warnings = Vec::new();
        if let Some(old) = old {
            if let Err(e) = remove_tree(&old) {
                warnings.push(
                    Diagnostic::new(
                        &old,
                        0,
                        0,
                        format!("the new output is in place, but the old one could not be removed: {e}"),
                    )
                    .with_hint("delete this folder by hand; the next build also tries again"),
                );
            }
        }
        Ok(warnings)
    }
}

impl Drop for Swap {
    fn drop(&mut self) {
        // No write may land after the folder is gone.
        self.pool.finish();
        if !self.committed {
            let _ = remove_tree(&self.tmp);
        }
    }
}

/// Puts `new` in place of the existing `output` and returns where the old output now is.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(new: &Path, output: &Path) -> io::Result<Option<PathBuf>> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, new, CWD, output, RenameFlags::EXCHANGE) {
        // The old output now has the temp folder's name.
        Ok(()) => Ok(Some(new.to_path_buf())),
        // A file system without the exchange (some network and FUSE ones).
        Err(e)
            if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS || e == rustix::io::Errno::OPNOTSUPP =>
        {
            rename_twice(new, output)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(new: &Path, output: &Path) -> io::Result<Option<PathBuf>> {
    rename_twice(new, output)
}

/// Without an atomic exchange: old output aside, new one in. A build killed between the two
/// renames leaves no output, and the next build puts the old one back (`clean_leftovers`).
fn rename_twice(new: &Path, output: &Path) -> io::Result<Option<PathBuf>> {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let old = output.with_file_name(format!(".{name}.pedoman-old-{}", std::process::id()));
    std::fs::rename(output, &old)?;
    if let Err(e) = std::fs::rename(new, output) {
        let _ = std::fs::rename(&old, output);
        return Err(e);
    }
    Ok(Some(old))
}

/// Removes the temp and old folders of killed builds of `output` (named
/// `.NAME.pedoman-new-PID`, `.NAME.pedoman-old-PID`, or `.NAME.new-PID`/`.NAME.old-PID` by
/// earlier versions). Runs under the lock, so none of them belongs to a running build. If the
/// output itself is missing, an old one is put back first.
fn clean_leftovers(parent: &Path, name: &str, output: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let mut leftovers: Vec<(bool, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let file_name = e.file_name();
            let rest = file_name.to_str()?.strip_prefix('.')?.strip_prefix(name)?.strip_prefix('.')?;
            let (kind, pid) = rest.rsplit_once('-')?;
            let old = match kind {
                "pedoman-new" | "new" => false,
                "pedoman-old" | "old" => true,
                _ => return None,
            };
            pid.bytes().all(|b| b.is_ascii_digit()).then(|| (old, e.path()))
        })
        .collect();
    leftovers.sort();
    if std::fs::symlink_metadata(output).is_err() {
        if let Some(i) = leftovers.iter().rposition(|(old, _)| *old) {
            let (_, path) = leftovers.remove(i);
            let _ = std::fs::rename(path, output);
        }
    }
    for (_, path) in leftovers {
        let _ = remove_tree(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &'static str) {
        write_file(path, &Data::Static(text.as_bytes()), &Dirs::default()).unwrap();
    }

    #[test]
    fn a_swap_killed_between_two_renames_is_undone_by_the_next_build() {
        // Without RENAME_EXCHANGE the swap is two renames; killed between them, the old output
        // waits under its temp name and the new one under its own.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&dir.path().join(".public.pedoman-old-41/index.html"), "old");
        write(&dir.path().join(".public.pedoman-new-41/index.html"), "new");
        write(&dir.path().join(".public.new-7/index.html"), "older");
        write(&dir.path().join(".public.backup/index.html"), "mine");
        clean_leftovers(dir.path(), "public", &out);
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        let mut names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, [".public.backup", "public"], "only Pedoman's leftovers are removed");
    }

    #[test]
    fn the_fallback_swap_puts_the_new_folder_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let (new, out) = (dir.path().join("new"), dir.path().join("public"));
        write(&new.join("a.txt"), "new");
        write(&out.join("a.txt"), "old");
        let old = rename_twice(&new, &out).unwrap().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(old.join("a.txt")).unwrap(), "old");
    }
}
