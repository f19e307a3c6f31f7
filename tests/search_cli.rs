//! `pedoman search` as a user meets it: a fixture site built by the real binary, searched
//! from the terminal, and damaged on purpose.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};

const CONFIG: &str = "title: Uji\nsearch:\n  thesaurus:\n    curhat: [grup percakapan]\n";

fn site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    common::write_files(
        dir.path(),
        &[
            ("config.yaml", CONFIG),
            ("content/_index.md", "---\ntitle: Beranda\n---\nSelamat datang.\n"),
            ("content/etika/_index.md", "---\ntitle: Etika\n---\nEtika pegawai.\n"),
            (
                "content/etika/medsos.md",
                "---\ntitle: Media sosial\n---\nPegawai menjaga sikap di media sosial dan grup percakapan kantor.\n",
            ),
            (
                "content/etika/cuti.md",
                "---\ntitle: Cuti pegawai\n---\nPegawai mengajukan cuti tahunan kepada atasan. Pelayanan tetap jalan.\n",
            ),
        ],
    );
    let out = dir.path().join("public");
    let built = common::pedoman([
        "build".as_ref(),
        "--root".as_ref(),
        dir.path().as_os_str(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    (dir, out)
}

fn search(out: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["search", "--output", out.to_str().unwrap()];
    all.extend(args);
    common::pedoman(all)
}

fn json(out: &Path, q: &str) -> Value {
    let o = search(out, &["--json", "--", q]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn json_says_how_each_word_matched() {
    let (_dir, out) = site();
    let r = json(&out, "medsos");
    let hit = &r["hits"][0];
    assert_eq!(hit["url"], "/etika/medsos/");
    assert_eq!(hit["via"][0], serde_json::json!({"word": "medsos", "matched": "media sosial", "kind": "synonym"}));
    assert_eq!(hit["partial"], false);
    // A site's own thesaurus entry, from config.yaml.
    assert_eq!(json(&out, "curhat")["hits"][0]["via"][0]["matched"], "grup percakapan");
    // A typo: the correction is suggested and shown.
    let r = json(&out, "pelayaan");
    assert_eq!(r["suggestion"], "pelayanan");
    assert_eq!(r["hits"][0]["via"][0]["kind"], "typo");
}

#[test]
fn json_flags_partial_hits_and_words_no_page_is_about() {
    let (_dir, out) = site();
    let r = json(&out, "cuti melahirkan");
    assert_eq!(r["absent"], serde_json::json!(["melahirkan"]));
    let hit = &r["hits"][0];
    assert_eq!((hit["url"].as_str(), hit["partial"].as_bool()), (Some("/etika/cuti/"), Some(true)));
    assert_eq!(hit["missing"], serde_json::json!(["melahirkan"]));
}

#[test]
fn the_terminal_says_what_it_corrected_and_what_no_page_is_about() {
    let (_dir, out) = site();
    let o = search(&out, &["cuti melahirkan"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("No page is about: melahirkan"), "{text}");
    assert!(text.contains("(partial: no melahirkan)"), "{text}");
    let o = search(&out, &["pelayaan"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("Did you mean: pelayanan\n"));
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Runs `pedoman search` after replacing `file` under `search/` (every file of a folder
/// `file/`); returns exit code and stderr.
fn damaged(file: &str, bytes: &[u8]) -> (Option<i32>, String) {
    let (_dir, out) = site();
    let path = out.join("search").join(file);
    let files = match file.strip_suffix('/') {
        Some(_) => std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()).collect(),
        None => vec![path],
    };
    for f in files {
        std::fs::write(f, bytes).unwrap();
    }
    let o = search(&out, &["pegawai"]);
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn a_damaged_index_is_an_error_never_a_crash_or_a_huge_allocation() {
    // Issue 8's case: a 12-byte postings chunk whose page count is four billion, stored
    // packed and, as a host that unpacks `.gz` files would hand it, unpacked.
    let chunk = [1, b'a', 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 1, 1];
    for bytes in [gzip(&chunk), chunk.to_vec()] {
        let (code, err) = damaged("p/0.bin.gz", &bytes);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains("the search index is damaged") && err.contains("p/0.bin"), "{err}");
    }
    // A key longer than the file, a never-ending number, bytes that are not UTF-8.
    for bytes in [&[0xff, 0xff, 0xff, 0x7f, b'a'][..], &[0x80; 12][..], &[2, 0xc3, 0x28, 0][..]] {
        let (code, err) = damaged("p/0.bin.gz", &gzip(bytes));
        assert_eq!(code, Some(1), "{bytes:?}: {err}");
        assert!(err.contains("damaged"), "{err}");
    }
    let (code, err) = damaged("pages.bin.gz", &gzip(&[1, 2, 3]));
    assert_eq!(code, Some(1));
    assert!(err.contains("pages.bin"), "{err}");
    // Page records cut short, and records that claim to unpack to 2 GB.
    let mut record = gzip(br#"{"u":"/x/","t":"X","b":[],"d":"","s":[]}"#);
    let (code, err) = damaged("f/", &record[..record.len() - 6]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(".json.gz does not unpack"), "{err}");
    let n = record.len();
    record[n - 4..].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    let (code, err) = damaged("f/", &record);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(".json.gz does not unpack"), "{err}");
    let (code, err) = damaged("meta.json", b"{\"format\": 1}");
    assert_eq!(code, Some(1));
    assert!(err.contains("another version of pedoman"), "{err}");
}

#[test]
fn a_thesaurus_entry_with_no_searchable_word_fails_the_build_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = "title: Uji\nsearch:\n  thesaurus:\n    medsos: [media sosial]\n    dan: [yang]\n";
    common::write_files(dir.path(), &[("config.yaml", config), ("content/_index.md", "---\ntitle: Beranda\n---\n")]);
    let o = common::pedoman(["build".as_ref(), "--root".as_ref(), dir.path().as_os_str()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("config.yaml:5:5: search: \"dan\" has no word search can match"), "{err}");
}
