//! `pedoman serve`'s writer: the output folder updated in place, touching only files whose bytes
//! changed, each staged beside its place and renamed over it at the end, so a failed build
//! changes nothing and a reader never sees a file cut short.

use super::pool::{on_threads, write_file, Dirs, Pool};
use super::{check, write_error, Data, MARKER, MARKER_TEXT};
use crate::diagnostics::Diagnostic;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What the in-place writer remembers between builds: a fingerprint of every file it wrote.
#[derive(Default)]
pub(crate) struct InPlace {
    written: HashMap<String, Written>,
    dirs: Arc<Dirs>,
}

/// A file as last written: a hash of its bytes, and the bytes themselves when they were shared
/// ([`Data::Shared`]): handed the same shared bytes again, the writer knows them unchanged
/// without hashing them (the search index's thousands of page records, on every save).
#[derive(Clone)]
struct Written {
    fp: u64,
    shared: Option<Arc<[u8]>>,
}

/// One in-place build in progress (see [`InPlace`]).
pub(crate) struct InPlaceBuild<'a> {
    output: PathBuf,
    shown: PathBuf,
    previous: &'a mut InPlace,
    /// Files produced by this build, and whether each is staged to be renamed in.
    produced: Mutex<HashMap<String, (Written, bool)>>,
    pool: Pool,
    committed: bool,
}

impl InPlace {
    /// Starts a build into `output`, after the same checks as [`super::Swap::begin`].
    pub(crate) fn begin(&mut self, root: &Path, output: &Path, shown: &Path) -> Result<InPlaceBuild<'_>, Diagnostic> {
        check(root, output, shown, false)?;
        let fail = |what: &str, e: io::Error| Diagnostic::new(shown, 0, 0, format!("{what}: {e}"));
        std::fs::create_dir_all(output).map_err(|e| fail("cannot create the output folder", e))?;
        let pool = Pool::new().map_err(|e| fail("cannot start the writer threads", e))?;
        let build = InPlaceBuild {
            output: output.to_path_buf(),
            shown: shown.to_path_buf(),
            previous: self,
            produced: Mutex::new(HashMap::new()),
            pool,
            committed: false,
        };
        build.put(MARKER, Data::Static(MARKER_TEXT.as_bytes()))?;
        Ok(build)
    }
}

impl InPlaceBuild<'_> {
    /// Stages `rel` if its bytes differ from what was last written there.
    pub(crate) fn put(&self, rel: &str, data: Data) -> Result<(), Diagnostic> {
        let before = self.previous.written.get(rel);
        let fp = match (&data, before) {
            (Data::Shared(now), Some(Written { fp, shared: Some(then) })) if Arc::ptr_eq(now, then) => *fp,
            _ => fingerprint(&data).map_err(|e| write_error(&self.shown, rel, &e))?,
        };
        let shared = match &data {
            Data::Shared(bytes) => Some(bytes.clone()),
            _ => None,
        };
        let path = self.output.join(rel);
        let stage = before.map(|w| w.fp) != Some(fp) || !path.exists();
        if stage {
            let (dirs, shown, rel) = (self.previous.dirs.clone(), self.shown.clone(), rel.to_string());
            self.pool
                .submit(move || write_file(&staged(&path), &data, &dirs).map_err(|e| write_error(&shown, &rel, &e)));
        }
        self.produced.lock().expect("no panics while holding").insert(rel.to_string(), (Written { fp, shared }, stage));
        Ok(())
    }

    /// `rel` is produced again, unchanged since the last build (it was not rendered again).
    pub(crate) fn keep(&self, rel: &str) {
        if let Some(w) = self.previous.written.get(rel) {
            self.produced.lock().expect("no panics while holding").insert(rel.to_string(), (w.clone(), false));
        }
    }

    /// Waits for the writes, renames the staged files in and removes those no longer produced.
    /// Returns (written, removed) relative paths, sorted.
    pub(crate) fn commit(mut self) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Vec<Diagnostic>> {
        let errors = self.pool.finish();
        if !errors.is_empty() {
            return Err(errors);
        }
        let produced = std::mem::take(self.produced.get_mut().expect("no panics while holding"));
        let mut written: Vec<&String> =
            produced.iter().filter(|(_, (_, staged))| *staged).map(|(rel, _)| rel).collect();
        written.sort();
        let output = &self.output;
        on_threads(&written, |rel| std::fs::rename(staged(&output.join(rel)), output.join(rel)))
            .map_err(|e| vec![write_error(&self.shown, "", &e)])?;
        let kept: HashSet<&String> = produced.keys().collect();
        let mut removed: Vec<&String> = self.previous.written.keys().filter(|r| !kept.contains(r)).collect();
        removed.sort();
        on_threads(&removed, |rel| std::fs::remove_file(output.join(rel)))
            .map_err(|e| vec![write_error(&self.shown, "", &e)])?;
        // Folders the removed files leave empty go too, as a fresh build would not make them.
        for rel in &removed {
            for dir in Path::new(rel).ancestors().skip(1).take_while(|d| !d.as_os_str().is_empty()) {
                let dir = output.join(dir);
                if std::fs::remove_dir(&dir).is_err() {
                    break;
                }
                self.previous.dirs.forget(&dir);
            }
        }
        let written = written.into_iter().map(PathBuf::from).collect();
        let removed = removed.into_iter().map(PathBuf::from).collect();
        self.previous.written = produced.into_iter().map(|(rel, (w, _))| (rel, w)).collect();
        self.committed = true;
        Ok((written, removed))
    }
}

impl Drop for InPlaceBuild<'_> {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        self.pool.finish();
        let produced = self.produced.get_mut().expect("no panics while holding");
        for (rel, (_, staged_file)) in produced.iter() {
            if *staged_file {
                let _ = std::fs::remove_file(staged(&self.output.join(rel)));
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
        Data::Bytes(_) | Data::Shared(_) | Data::Static(_) => data.in_memory().hash(&mut h),
        // A copied file's stamp stands for its bytes: reading every asset on every save costs more.
        Data::Copy(src) => {
            let meta = std::fs::metadata(src)?;
            (src, meta.len(), meta.modified()?).hash(&mut h);
        }
    }
    Ok(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

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

    #[test]
    fn shared_bytes_handed_again_are_known_unchanged_and_new_ones_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let (out, root) = (dir.path().join("out"), dir.path().join("site"));
        let mut writer = InPlace::default();
        let record: Arc<[u8]> = Arc::from(&b"rekaman"[..]);
        let build = writer.begin(&root, &out, &out).unwrap();
        build.put("search/f/0.json", Data::Shared(record.clone())).unwrap();
        build.commit().unwrap();
        let build = writer.begin(&root, &out, &out).unwrap();
        build.put("search/f/0.json", Data::Shared(record.clone())).unwrap();
        assert_eq!(build.commit().unwrap().0, Vec::<PathBuf>::new(), "the same bytes were written again");
        let build = writer.begin(&root, &out, &out).unwrap();
        build.put("search/f/0.json", Data::Shared(Arc::from(&b"rekaman baru"[..]))).unwrap();
        assert_eq!(build.commit().unwrap().0, [PathBuf::from("search/f/0.json")]);
        assert_eq!(std::fs::read_to_string(out.join("search/f/0.json")).unwrap(), "rekaman baru");
    }
}
