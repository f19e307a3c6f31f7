//! Writing the built site: a fresh folder swapped in at the end (so a failed build leaves the old
//! output untouched), or an in-place update that touches only changed files (for `serve`).

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Component, Path, PathBuf};

/// Bytes of one output file.
#[derive(Debug, Clone)]
pub enum Data {
    Bytes(Vec<u8>),
    /// Copied from disk (content assets, static files).
    Copy(PathBuf),
    Static(&'static [u8]),
    /// Unchanged since the last in-place build: leave the file as it is.
    Keep,
}

/// Every file of the site, by path relative to the output folder.
pub type Files = BTreeMap<String, Data>;

/// Checks that `rel` stays inside the output folder: no `..`, no root, no drive.
pub fn safe_relative(rel: &str) -> bool {
    let path = Path::new(rel);
    !rel.is_empty() && !rel.contains('\\') && path.components().all(|c| matches!(c, Component::Normal(_)))
}

fn write_one(dir: &Path, rel: &str, data: &Data) -> io::Result<()> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    match data {
        Data::Bytes(b) => std::fs::write(&path, b),
        Data::Static(b) => std::fs::write(&path, b),
        Data::Copy(src) => std::fs::copy(src, &path).map(|_| ()),
        Data::Keep => Err(io::Error::other("internal: a kept file has no bytes to write")),
    }
    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

/// Writes one file beside its final place, then renames it over: a reader (the preview server
/// answering during a rebuild) sees the old bytes or the new, never a file cut short.
fn replace_one(dir: &Path, rel: &str, data: &Data) -> io::Result<()> {
    let path = dir.join(rel);
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp_rel = Path::new(rel).with_file_name(format!(".{name}.pedoman-new"));
    let tmp_rel = tmp_rel.to_string_lossy();
    write_one(dir, &tmp_rel, data)?;
    let tmp = dir.join(&*tmp_rel);
    std::fs::rename(&tmp, &path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io::Error::new(e.kind(), format!("{}: {e}", path.display()))
    })
}

/// Writes `files` into a sibling temp folder, then swaps it in place of `output`.
pub fn write_atomic(output: &Path, files: &Files) -> io::Result<()> {
    use rayon::prelude::*;
    let name = output.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "public".into());
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.new-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let result: io::Result<()> = files.par_iter().try_for_each(|(rel, data)| write_one(&tmp, rel, data));
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if output.exists() {
        std::fs::rename(output, &old)?;
        if let Err(e) = std::fs::rename(&tmp, output) {
            let _ = std::fs::rename(&old, output);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)?;
    } else {
        std::fs::rename(&tmp, output)?;
    }
    Ok(())
}

/// Fingerprint of what was last written for each file, kept between in-place builds.
pub type Written = BTreeMap<String, u64>;

fn fingerprint(data: &Data) -> io::Result<u64> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match data {
        Data::Bytes(b) => b.hash(&mut h),
        Data::Static(b) => b.hash(&mut h),
        Data::Copy(src) => std::fs::read(src)?.hash(&mut h),
        Data::Keep => return Err(io::Error::other("internal: a kept file was never written")),
    }
    Ok(h.finish())
}

/// Updates `output` in place: writes new or changed files (each replaced whole, see
/// `replace_one`), removes files no longer produced.
/// Returns (written, removed) relative paths.
pub fn write_in_place(
    output: &Path,
    files: &Files,
    previous: &mut Written,
) -> io::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    std::fs::create_dir_all(output)?;
    let mut written = Vec::new();
    let mut next = Written::new();
    for (rel, data) in files {
        if let (Data::Keep, Some(fp)) = (data, previous.get(rel)) {
            next.insert(rel.clone(), *fp);
            continue;
        }
        let fp = fingerprint(data)?;
        if previous.get(rel) != Some(&fp) || !output.join(rel).exists() {
            replace_one(output, rel, data)?;
            written.push(PathBuf::from(rel));
        }
        next.insert(rel.clone(), fp);
    }
    let keep: BTreeSet<&String> = files.keys().collect();
    let mut removed = Vec::new();
    for rel in previous.keys().filter(|r| !keep.contains(r)) {
        let path = output.join(rel);
        if path.exists() {
            std::fs::remove_file(&path)?;
        }
        removed.push(PathBuf::from(rel));
    }
    *previous = next;
    Ok((written, removed))
}

/// A short content hash for cache-busting asset URLs.
pub fn short_hash(bytes: &[u8]) -> String {
    // FNV-1a (the search index's hash): stable across Rust versions, unlike DefaultHasher.
    let h = crate::search::format::fnv64(bytes, crate::search::format::FNV_START);
    format!("{:08x}", h as u32)
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
    fn in_place_updates_replace_files_whole_and_leave_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut written = Written::new();
        let mut files = Files::new();
        files.insert("a/index.html".into(), Data::Bytes(b"old".to_vec()));
        files.insert("b.txt".into(), Data::Static(b"b"));
        write_in_place(dir.path(), &files, &mut written).unwrap();
        // A reader holding the old file keeps the old bytes: the new file is a new inode.
        let held = std::fs::File::open(dir.path().join("a/index.html")).unwrap();
        files.insert("a/index.html".into(), Data::Bytes(b"new text".to_vec()));
        let (changed, removed) = write_in_place(dir.path(), &files, &mut written).unwrap();
        assert_eq!((changed, removed), (vec![PathBuf::from("a/index.html")], vec![]));
        assert_eq!(std::io::read_to_string(held).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(dir.path().join("a/index.html")).unwrap(), "new text");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("a")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["index.html"]);
    }
}
