//! Writing the built site. The output folder is one Pedoman owns: it carries a marker file, and
//! a build refuses any folder inside the site's sources, a file, or a non-empty folder without
//! the marker (unless forced).
//!
//! Two writers take files as the pipeline produces them, so nothing holds the whole site:
//! - [`Swap`] (`pedoman build`) writes a fresh folder beside the output, then exchanges the two
//!   in one atomic step, so the output is a whole old or a whole new site at every instant.
//! - [`InPlace`] (`pedoman serve`) rewrites only files whose bytes changed, each staged beside
//!   its place and renamed over it at the end, so a failed build changes nothing.

use crate::diagnostics::Diagnostic;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The file that marks a folder as Pedoman's output; written into every output.
pub const MARKER: &str = ".pedoman-output";
const MARKER_TEXT: &str = "This folder is written by Pedoman (pedoman build) and replaced whole by every build.\n";

/// Bytes of one output file.
#[derive(Debug, Clone)]
pub enum Data {
    Bytes(Vec<u8>),
    /// Copied from disk (content assets, static files), keeping the source file's mode.
    Copy(PathBuf),
    Static(&'static [u8]),
}

/// Checks that `rel` stays inside the output folder: no `..`, no root, no drive.
pub fn safe_relative(rel: &str) -> bool {
    let path = Path::new(rel);
    !rel.is_empty() && !rel.contains('\\') && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// `path` made absolute with every symlink of its existing part resolved (the rest may not
/// exist yet), so two spellings of one folder compare equal.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
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
pub fn check(root: &Path, output: &Path, shown: &Path, force: bool) -> Result<(), Diagnostic> {
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

/// Writes a fresh copy of the site beside `output` and swaps it in at the end.
///
/// Builds of one output wait for each other (a lock on the output's parent folder), and each
/// starts by removing what killed builds left, restoring the old output first if a build was
/// killed in the middle of a swap without `RENAME_EXCHANGE`.
pub struct Swap {
    output: PathBuf,
    tmp: PathBuf,
    shown: PathBuf,
    dirs: Dirs,
    committed: bool,
    // Held until the swap is done; the lock goes with the file.
    _lock: File,
}

impl Swap {
    /// Locks, cleans up after killed builds, checks the output again (under the lock) and
    /// creates the temp folder, with the marker already in it.
    pub fn begin(root: &Path, output: &Path, shown: &Path, force: bool) -> Result<Swap, Diagnostic> {
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
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir(&tmp).map_err(|e| fail("cannot create a temp folder beside the output", e))?;
        let swap = Swap {
            output: output.to_path_buf(),
            tmp,
            shown: shown.to_path_buf(),
            dirs: Dirs::default(),
            committed: false,
            _lock: lock,
        };
        swap.put(MARKER, Data::Static(MARKER_TEXT.as_bytes()))?;
        Ok(swap)
    }

    /// Writes one file into the new folder.
    pub fn put(&self, rel: &str, data: Data) -> Result<(), Diagnostic> {
        let path = self.tmp.join(rel);
        write_file(&path, &data, &self.dirs).map_err(|e| write_error(&self.shown, rel, &e))
    }

    /// Swaps the new folder in. Returns warnings (the old folder could not be removed).
    pub fn commit(mut self) -> Result<Vec<Diagnostic>, Diagnostic> {
        let fail = |e: io::Error| Diagnostic::new(&self.shown, 0, 0, format!("cannot swap in the new output: {e}"));
        let old = if self.output.exists() {
            exchange(&self.tmp, &self.output).map_err(fail)?
        } else {
            std::fs::rename(&self.tmp, &self.output).map_err(fail)?;
            None
        };
        self.committed = true;
        let mut warnings = Vec::new();
        if let Some(old) = old {
            if let Err(e) = std::fs::remove_dir_all(&old) {
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
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
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
        let _ = std::fs::remove_dir_all(path);
    }
}

/// Updates the output folder in place, for the preview: files whose bytes did not change are not
/// touched (a fingerprint of each written file is kept between builds), changed ones are staged
/// beside their place and renamed over it by [`InPlace::commit`], files no longer produced are
/// removed then.
#[derive(Default)]
pub struct InPlace {
    /// Fingerprint of each file as last written.
    written: BTreeMap<String, u64>,
    dirs: Dirs,
}

/// One in-place build in progress (see [`InPlace`]).
pub struct InPlaceBuild<'a> {
    output: PathBuf,
    shown: PathBuf,
    previous: &'a mut InPlace,
    /// Files produced by this build: fingerprint, and whether it is staged to be renamed in.
    produced: Mutex<HashMap<String, (u64, bool)>>,
    committed: bool,
}

impl InPlace {
    /// Starts a build into `output`, after the same checks as [`Swap::begin`].
    pub fn begin(&mut self, root: &Path, output: &Path, shown: &Path) -> Result<InPlaceBuild<'_>, Diagnostic> {
        check(root, output, shown, false)?;
        std::fs::create_dir_all(output)
            .map_err(|e| Diagnostic::new(shown, 0, 0, format!("cannot create the output folder: {e}")))?;
        let build = InPlaceBuild {
            output: output.to_path_buf(),
            shown: shown.to_path_buf(),
            previous: self,
            produced: Mutex::new(HashMap::new()),
            committed: false,
        };
        build.put(MARKER, Data::Static(MARKER_TEXT.as_bytes()))?;
        Ok(build)
    }
}

impl InPlaceBuild<'_> {
    /// Stages `rel` if its bytes differ from what was last written there.
    pub fn put(&self, rel: &str, data: Data) -> Result<(), Diagnostic> {
        let fp = fingerprint(&data).map_err(|e| write_error(&self.shown, rel, &e))?;
        let path = self.output.join(rel);
        let stage = self.previous.written.get(rel) != Some(&fp) || !path.exists();
        if stage {
            write_file(&staged(&path), &data, &self.previous.dirs).map_err(|e| write_error(&self.shown, rel, &e))?;
        }
        self.produced.lock().expect("no panics while holding").insert(rel.to_string(), (fp, stage));
        Ok(())
    }

    /// `rel` is produced again, unchanged since the last build (it was not re-rendered).
    pub fn keep(&self, rel: &str) {
        if let Some(fp) = self.previous.written.get(rel) {
            self.produced.lock().expect("no panics while holding").insert(rel.to_string(), (*fp, false));
        }
    }

    /// Renames the staged files in and removes those no longer produced.
    /// Returns (written, removed) relative paths, sorted.
    pub fn commit(mut self) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Diagnostic> {
        let produced = std::mem::take(self.produced.get_mut().expect("no panics while holding"));
        let mut written = Vec::new();
        for (rel, (_, staged_file)) in &produced {
            if *staged_file {
                let path = self.output.join(rel);
                std::fs::rename(staged(&path), &path).map_err(|e| write_error(&self.shown, rel, &e))?;
                written.push(PathBuf::from(rel));
            }
        }
        let mut removed = Vec::new();
        for rel in self.previous.written.keys().filter(|r| !produced.contains_key(*r)) {
            match std::fs::remove_file(self.output.join(rel)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(write_error(&self.shown, rel, &e)),
            }
            removed.push(PathBuf::from(rel));
        }
        // Folders the removed files leave empty go too, as a fresh build would not make them.
        for rel in &removed {
            for dir in rel.ancestors().skip(1).take_while(|d| !d.as_os_str().is_empty()) {
                let dir = self.output.join(dir);
                if std::fs::remove_dir(&dir).is_err() {
                    break;
                }
                self.previous.dirs.forget(&dir);
            }
        }
        self.previous.written = produced.into_iter().map(|(rel, (fp, _))| (rel, fp)).collect();
        self.committed = true;
        written.sort();
        removed.sort();
        Ok((written, removed))
    }
}

impl Drop for InPlaceBuild<'_> {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let produced = self.produced.get_mut().expect("no panics while holding");
        for (rel, (_, staged_file)) in produced.iter() {
            if *staged_file {
                let _ = std::fs::remove_file(staged(&self.output.join(rel)));
            }
        }
    }
}

/// The writer of one build.
pub enum Writer<'a> {
    Swap(Swap),
    InPlace(InPlaceBuild<'a>),
}

/// What a build's writing did.
#[derive(Debug, Default)]
pub struct Committed {
    /// Files created or changed (in place), or every file (swapped in); relative paths.
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
}

impl Writer<'_> {
    /// Writes (or, in place, stages) one file; `None`: not rendered again, keep what is there.
    pub fn put(&self, rel: &str, data: Option<Data>) -> Result<(), Diagnostic> {
        if !safe_relative(rel) {
            return Err(Diagnostic::new(
                "content",
                0,
                0,
                format!("refusing to write `{rel}` outside the output folder"),
            ));
        }
        match (self, data) {
            (Writer::Swap(w), Some(data)) => w.put(rel, data),
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

    pub fn commit(self) -> Result<Committed, Diagnostic> {
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

/// Where a file is written before it is renamed over `path`: beside it, hidden.
fn staged(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.pedoman-new"))
}

fn fingerprint(data: &Data) -> io::Result<u64> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match data {
        Data::Bytes(b) => b.hash(&mut h),
        Data::Static(b) => b.hash(&mut h),
        // A copied file's stamp stands for its bytes: reading every asset on every save costs more.
        Data::Copy(src) => {
            let meta = std::fs::metadata(src)?;
            (src, meta.len(), meta.modified()?).hash(&mut h);
        }
    }
    Ok(h.finish())
}

/// Folders known to exist below an output, so each is created once rather than per file.
#[derive(Default)]
struct Dirs(Mutex<BTreeSet<PathBuf>>);

impl Dirs {
    fn forget(&self, dir: &Path) {
        self.0.lock().expect("no panics while holding").remove(dir);
    }

    fn ensure(&self, dir: &Path) -> io::Result<()> {
        if self.0.lock().expect("no panics while holding").contains(dir) {
            return Ok(());
        }
        std::fs::create_dir_all(dir)?;
        self.0.lock().expect("no panics while holding").insert(dir.to_path_buf());
        Ok(())
    }
}

fn write_file(path: &Path, data: &Data, dirs: &Dirs) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        dirs.ensure(parent)?;
    }
    match data {
        Data::Bytes(b) => std::fs::write(path, b),
        Data::Static(b) => std::fs::write(path, b),
        Data::Copy(src) => std::fs::copy(src, path).map(|_| ()),
    }
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

    #[test]
    fn a_swap_killed_between_two_renames_is_undone_by_the_next_build() {
        // Without RENAME_EXCHANGE the swap is two renames; killed between them, the old output
        // waits under its temp name and the new one under its own.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_file(&dir.path().join(".public.pedoman-old-41/index.html"), &Data::Static(b"old"), &Dirs::default())
            .unwrap();
        write_file(&dir.path().join(".public.pedoman-new-41/index.html"), &Data::Static(b"new"), &Dirs::default())
            .unwrap();
        write_file(&dir.path().join(".public.new-7/index.html"), &Data::Static(b"older"), &Dirs::default()).unwrap();
        write_file(&dir.path().join(".public.backup/index.html"), &Data::Static(b"mine"), &Dirs::default()).unwrap();
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
        write_file(&new.join("a.txt"), &Data::Static(b"new"), &Dirs::default()).unwrap();
        write_file(&out.join("a.txt"), &Data::Static(b"old"), &Dirs::default()).unwrap();
        let old = rename_twice(&new, &out).unwrap().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(old.join("a.txt")).unwrap(), "old");
    }

    #[test]
    fn in_place_updates_replace_files_whole_only_at_commit() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let root = dir.path().join("site");
        let mut writer = InPlace::default();
        let build = writer.begin(&root, &out, &out).unwrap();
        build.put("a/index.html", Data::Bytes(b"old".to_vec())).unwrap();
        build.put("b.txt", Data::Static(b"b")).unwrap();
        build.commit().unwrap();
        // A reader holding the old file keeps the old bytes: the new file is a new inode.
        let held = File::open(out.join("a/index.html")).unwrap();
        let build = writer.begin(&root, &out, &out).unwrap();
        build.put("a/index.html", Data::Bytes(b"new text".to_vec())).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "old", "nothing moves before commit");
        let (changed, removed) = build.commit().unwrap();
        assert_eq!((changed, removed), (vec![PathBuf::from("a/index.html")], vec![PathBuf::from("b.txt")]));
        assert_eq!(io::read_to_string(held).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "new text");
        let names: Vec<_> = std::fs::read_dir(out.join("a")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["index.html"]);
        // A build dropped without commit leaves the folder as it was.
        let build = writer.begin(&root, &out, &out).unwrap();
        build.put("a/index.html", Data::Bytes(b"never".to_vec())).unwrap();
        drop(build);
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "new text");
        let names: Vec<_> = std::fs::read_dir(out.join("a")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["index.html"]);
    }
}
