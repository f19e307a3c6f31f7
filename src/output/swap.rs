//! `pedoman build`'s writer: a whole copy of the site beside the output, swapped in at the end
//! in one atomic step, so the output is a whole old or a whole new site at every instant.
//!
//! The copy is written into the output of the build before last, kept beside the output as
//! `.NAME.pedoman-spare` (with a `.gitignore` so version control skips it): a file whose bytes
//! did not change is left as it is (known by the spare's `manifest`, else by reading it back),
//! and only what changed is created or deleted. Creating and
//! deleting files is where a build into a fresh folder spends its system time (inode tables, and
//! a TRIM per file on a disk mounted with `discard`): on the benchmark machine a 10,000-page
//! build into a fresh folder took about 2 s longer than into memory (`/dev/shm`).

use super::manifest::{self, Manifest, Stamp};
use super::pool::{clear_way, list_tree, map_on_threads, remove_tree, update_file, write_file, Dirs, Pool};
use super::{check, write_error, Data, MARKER, MARKER_TEXT};
use crate::diagnostics::Diagnostic;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What the spare folder held when a build took it over, relative to its top.
#[derive(Default)]
struct Recycled {
    /// There was a spare (else the temp folder is new).
    taken: bool,
    /// Each file, with its `stat` when the build took the spare over.
    files: HashMap<String, Option<Stamp>>,
    dirs: Vec<PathBuf>,
    /// What the spare's files were when written (`manifest::OWN`).
    own: Manifest,
    /// What the output beside it was (`manifest::NEXT`): the next build's spare.
    next: Manifest,
}

/// Writes a fresh copy of the site beside `output` and swaps it in at the end.
///
/// Builds of one output wait for each other (a lock on the output's parent folder), and each
/// starts by removing what killed builds left, restoring the old output first if a build was
/// killed in the middle of a swap without `RENAME_EXCHANGE`.
pub(crate) struct Swap {
    output: PathBuf,
    tmp: PathBuf,
    spare: PathBuf,
    shown: PathBuf,
    dirs: Arc<Dirs>,
    recycled: Arc<Recycled>,
    /// Every file this build put, to tell which of the recycled ones are stale.
    produced: Mutex<HashSet<String>>,
    /// Stamps and hashes of the files this build wrote or kept.
    made: Arc<Mutex<Manifest>>,
    pool: Pool,
    committed: bool,
    write_failed: bool,
    // Held until the swap is done; the lock goes with the file.
    _lock: File,
}

impl Swap {
    /// Locks, cleans up after killed builds, checks the output again (under the lock) and
    /// prepares the temp folder (the spare, or a new one), with the marker already in it.
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
        let spare = parent.join(format!(".{name}.pedoman-spare"));
        let _ = remove_tree(&tmp);
        let recycled = match recycle(&spare, &tmp) {
            Some(r) => r,
            None => {
                std::fs::create_dir(&tmp).map_err(|e| fail("cannot create a temp folder beside the output", e))?;
                Recycled::default()
            }
        };
        let dirs = Dirs::default();
        dirs.know(recycled.dirs.iter().map(|d| tmp.join(d)));
        dirs.know([tmp.clone()]);
        let pool = Pool::new().map_err(|e| fail("cannot start the writer threads", e))?;
        let swap = Swap {
            output: output.to_path_buf(),
            tmp,
            spare,
            shown: shown.to_path_buf(),
            dirs: Arc::new(dirs),
            recycled: Arc::new(recycled),
            produced: Mutex::default(),
            made: Arc::default(),
            pool,
            committed: false,
            write_failed: false,
            _lock: lock,
        };
        swap.put(MARKER, Data::Static(MARKER_TEXT.as_bytes()));
        Ok(swap)
    }

    /// Queues one file for the new folder; errors come back from [`Swap::commit`].
    pub(crate) fn put(&self, rel: &str, data: Data) {
        self.produced.lock().expect("no panics while holding").insert(rel.to_string());
        let path = self.tmp.join(rel);
        let hash = data.in_memory().map(manifest::hash);
        // A file the spare's list knows, untouched since, is kept here: most files of a
        // rebuild, and handing each to a writer thread cost more than this check.
        let known = self.recycled.own.get(rel).filter(|e| Some(e.hash) == hash);
        if let Some(entry) = known.filter(|e| self.recycled.files.get(rel) == Some(&Some(e.stamp))) {
            self.made.lock().expect("no panics while holding").insert(rel.to_string(), *entry);
            return;
        }
        let (tmp, dirs, recycled) = (self.tmp.clone(), self.dirs.clone(), self.recycled.clone());
        let (shown, rel, spare, made) = (self.shown.clone(), rel.to_string(), self.spare.clone(), self.made.clone());
        self.pool.submit(move || {
            let written = if recycled.files.contains_key(&rel) {
                // A file that cannot be written over may still be replaced.
                update_file(&path, &data, &dirs)
                    .or_else(|_| std::fs::remove_file(&path).and_then(|()| write_file(&path, &data, &dirs)))
                    .map_err(|e| spare_error(&spare, &rel, &e))
            } else {
                // A stale file may stand where this one's folder goes, or a stale folder where it goes.
                write_file(&path, &data, &dirs)
                    .or_else(|_| clear_way(&tmp, &rel).and_then(|()| write_file(&path, &data, &dirs)))
                    .map_err(|e| write_error(&shown, &rel, &e))
            };
            if let (Ok(()), Some(hash), Some(stamp)) = (&written, hash, Stamp::of(&path)) {
                made.lock().expect("no panics while holding").insert(rel, manifest::Entry { stamp, hash });
            }
            written
        });
    }

    /// Waits for the writes, removes what the spare held that this build did not write, then
    /// swaps the new folder in and keeps the old one as the next build's spare. Returns
    /// warnings (the old folder could be neither kept nor removed).
    pub(crate) fn commit(mut self) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let errors = self.pool.finish();
        if !errors.is_empty() {
            self.write_failed = true;
            return Err(errors);
        }
        let produced = std::mem::take(self.produced.get_mut().expect("no panics while holding"));
        sweep(&self.tmp, &self.recycled, &produced).map_err(|e| vec![write_error(&self.shown, "", &e)])?;
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
            if keep_as_spare(&old, &self.spare).is_ok() {
                // Only a speed-up: a list that fails to be written is a slower next build.
                let made = std::mem::take(&mut *self.made.lock().expect("no panics while holding"));
                let _ = manifest::write(&self.recycled.next, &self.spare.join(manifest::OWN));
                let _ = manifest::write(&made, &self.spare.join(manifest::NEXT));
            } else {
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
        }
        Ok(warnings)
    }
}

fn spare_error(spare: &Path, rel: &str, e: &io::Error) -> Diagnostic {
    let message = format!("cannot write over this file of the previous output, which the build reuses: {e}");
    Diagnostic::new(spare.join(rel), 0, 0, message)
        .with_hint(format!("delete {} (a copy of the previous output) and build again", spare.display()))
}

/// Takes the spare folder over as the temp folder: what it holds, with anything that is not a
/// plain file or folder (a symbolic link could lead a write out of the folder) removed. `None`
/// when there is no usable spare; then the temp folder does not exist.
fn recycle(spare: &Path, tmp: &Path) -> Option<Recycled> {
    let meta = std::fs::symlink_metadata(spare).ok()?;
    if !meta.is_dir() || !spare.join(MARKER).is_file() {
        let _ = if meta.is_dir() { remove_tree(spare) } else { std::fs::remove_file(spare) };
        return None;
    }
    std::fs::rename(spare, tmp).ok()?;
    let (own, next) = (manifest::read(&tmp.join(manifest::OWN)), manifest::read(&tmp.join(manifest::NEXT)));
    // Never published: the lists go before anything is written.
    for list in [manifest::OWN, manifest::NEXT] {
        match std::fs::remove_file(tmp.join(list)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                let _ = remove_tree(tmp);
                return None;
            }
            _ => {}
        }
    }
    let mut recycled = Recycled { taken: true, own, next, ..Recycled::default() };
    let Ok(listed) = list_tree(tmp) else {
        let _ = remove_tree(tmp);
        return None;
    };
    let mut files = Vec::new();
    for (rel, kind) in listed {
        match (kind, rel.to_str()) {
            (t, Some(name)) if t.is_file() => files.push(name.to_string()),
            (t, Some(_)) if t.is_dir() => recycled.dirs.push(rel),
            (t, _) if t.is_dir() => {
                let _ = remove_tree(&tmp.join(rel));
            }
            _ => {
                let _ = std::fs::remove_file(tmp.join(rel));
            }
        }
    }
    // Read now, on many threads, rather than one by one as the build reaches each file.
    let stamps = map_on_threads(&files, |rel| Stamp::of(&tmp.join(rel)));
    recycled.files = files.into_iter().zip(stamps).collect();
    Some(recycled)
}

/// Removes the recycled files this build did not write, then the folders left empty.
fn sweep(tmp: &Path, recycled: &Recycled, produced: &HashSet<String>) -> io::Result<()> {
    let stale: Vec<&String> = recycled.files.keys().filter(|rel| !produced.contains(*rel)).collect();
    super::pool::on_threads(&stale, |rel| {
        let path = tmp.join(rel);
        // A folder of this build may stand there now (see `clear_way`).
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => std::fs::remove_file(path),
            _ => Ok(()),
        }
    })?;
    let used: HashSet<&Path> = produced.iter().flat_map(|rel| Path::new(rel).ancestors().skip(1)).collect();
    let mut unused: Vec<&PathBuf> = recycled.dirs.iter().filter(|d| !used.contains(d.as_path())).collect();
    // Deepest first, so each is empty when its turn comes; one still holding something stays.
    unused.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for dir in unused {
        let _ = std::fs::remove_dir(tmp.join(dir));
    }
    Ok(())
}

/// Puts the old output where the next build finds it, marked for version control to skip.
fn keep_as_spare(old: &Path, spare: &Path) -> io::Result<()> {
    std::fs::rename(old, spare)?;
    std::fs::write(spare.join(".gitignore"), "# Pedoman's previous output, reused by the next build.\n*\n")
}

impl Drop for Swap {
    fn drop(&mut self) {
        // No write may land after the folder is gone.
        let clean = self.pool.finish().is_empty() && !self.write_failed;
        if self.committed {
            return;
        }
        // A build that failed for its content puts the spare it took back, for the next one, with
        // its lists (an entry of a file this build rewrote no longer matches its stamp); one whose
        // writes failed does not, lest the next build meet the same files.
        if clean && self.recycled.taken {
            let _ = manifest::write(&self.recycled.own, &self.tmp.join(manifest::OWN));
            let _ = manifest::write(&self.recycled.next, &self.tmp.join(manifest::NEXT));
        }
        if !(clean && self.recycled.taken && std::fs::rename(&self.tmp, &self.spare).is_ok()) {
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
