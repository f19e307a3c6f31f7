//! What a folder of earlier output holds, so the writer can leave an unchanged file alone
//! without reading it back. Reading it back was the price of not rewriting it: on a machine
//! whose kernel drops cold file pages early, a 50,000-page build read 850 MB from disk.
//!
//! Per file: its `stat` stamp when it was written (length, inode, change and modification
//! times) and a hash of its bytes. A file is taken as unchanged only when its stamp on disk is
//! still the one recorded (anything that writes it, even keeping its length and resetting its
//! modification time, moves the change time) and the new bytes hash alike. Anything else
//! (no list, a damaged one, a file touched since) falls back to comparing the bytes.
//!
//! The lists live in the spare folder, never in the output: `.pedoman-manifest` describes the
//! spare itself, `.pedoman-manifest-next` the output it stood beside (the next spare).

use std::collections::HashMap;
use std::hash::Hasher;
use std::io;
use std::path::Path;

/// Describes the folder it is in.
pub(super) const OWN: &str = ".pedoman-manifest";
/// Describes the output beside the folder it is in.
pub(super) const NEXT: &str = ".pedoman-manifest-next";
/// First line: the version, and the hash (std's `DefaultHasher`, SipHash-1-3 today). A list
/// written with another hash or version is not read; should std change its hash, files would
/// only hash apart and be compared by their bytes.
const HEADER: &str = "pedoman-manifest 1 sip13";

/// A file's `stat` when it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp([i64; 6]);

impl Stamp {
    #[cfg(unix)]
    pub(super) fn of(path: &Path) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(path).ok().filter(std::fs::Metadata::is_file)?;
        Some(Stamp([m.size() as i64, m.ino() as i64, m.ctime(), m.ctime_nsec(), m.mtime(), m.mtime_nsec()]))
    }

    #[cfg(not(unix))]
    pub(super) fn of(_: &Path) -> Option<Stamp> {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Entry {
    pub stamp: Stamp,
    pub hash: u64,
}

pub(super) fn hash(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// Files by path relative to the folder.
pub(super) type Manifest = HashMap<String, Entry>;

/// The list at `path`, empty when there is none or it is damaged.
pub(super) fn read(path: &Path) -> Manifest {
    // A plain file only: a link could lead the read out of the folder.
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return Manifest::new();
    }
    let Ok(text) = std::fs::read_to_string(path) else { return Manifest::new() };
    let mut lines = text.split('\n');
    if lines.next() != Some(HEADER) {
        return Manifest::new();
    }
    let mut out = Manifest::new();
    for line in lines.filter(|l| !l.is_empty()) {
        // Seven numbers, then the path (which may hold tabs, never a newline).
        let mut cols = line.splitn(8, '\t');
        let mut n = [0i64; 7];
        for slot in &mut n {
            match cols.next().and_then(|c| c.parse().ok()) {
                Some(v) => *slot = v,
                None => return Manifest::new(),
            }
        }
        let Some(rel) = cols.next() else { return Manifest::new() };
        let stamp = Stamp([n[0], n[1], n[2], n[3], n[4], n[5]]);
        out.insert(rel.to_string(), Entry { stamp, hash: n[6] as u64 });
    }
    out
}

/// Writes `manifest` to `path` (through a temp file, so a reader never meets half a list).
pub(super) fn write(manifest: &Manifest, path: &Path) -> io::Result<()> {
    let mut rels: Vec<&String> = manifest.keys().filter(|rel| !rel.contains('\n')).collect();
    rels.sort();
    let mut text = String::with_capacity(rels.len() * 96);
    text.push_str(HEADER);
    text.push('\n');
    for rel in rels {
        let Entry { stamp: Stamp(s), hash } = manifest[rel];
        let line = format!("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{rel}\n", s[0], s[1], s[2], s[3], s[4], s[5], hash as i64);
        text.push_str(&line);
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_list_reads_back_and_a_damaged_one_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a b\tc.html");
        std::fs::write(&file, "isi").unwrap();
        let entry = Entry { stamp: Stamp::of(&file).unwrap(), hash: hash(b"isi") };
        let list: Manifest = [("a b\tc.html".to_string(), entry), ("x/y.html".into(), entry)].into_iter().collect();
        let at = dir.path().join(OWN);
        write(&list, &at).unwrap();
        assert_eq!(read(&at), list);
        let text = std::fs::read_to_string(&at).unwrap();
        for damaged in
            [text.replace(HEADER, "pedoman-manifest 2 sip13"), text.replacen("\t", "\tx", 1), text[..40].into()]
        {
            std::fs::write(&at, damaged).unwrap();
            assert!(read(&at).is_empty());
        }
        assert!(read(&dir.path().join("none")).is_empty());
        std::fs::write(&at, text).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&at, &link).unwrap();
        assert!(read(&link).is_empty(), "a link is not followed");
    }

    #[test]
    fn a_rewrite_moves_the_stamp_even_with_the_same_length_and_times_set_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.html");
        std::fs::write(&file, "lama").unwrap();
        let before = Stamp::of(&file).unwrap();
        let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&file, "baru").unwrap();
        std::fs::File::options().write(true).open(&file).unwrap().set_modified(mtime).unwrap();
        assert_ne!(Stamp::of(&file), Some(before));
        assert_eq!(Stamp::of(&dir.path().join("none")), None);
        assert_eq!(Stamp::of(dir.path()), None, "a folder has no stamp");
    }
}
