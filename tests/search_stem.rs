//! The stemmer against hand-checked pairs, as `pedoman stem` shows them to editors.

mod common;

fn pairs() -> Vec<(String, String)> {
    let path = common::repo_root().join("tests/data/stem_pairs.tsv");
    let text = std::fs::read_to_string(&path).expect("stem_pairs.tsv");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (w, s) = l.split_once('\t').unwrap_or_else(|| panic!("no tab in line {l:?}"));
            (w.to_string(), s.to_string())
        })
        .collect()
}

#[test]
fn at_least_300_pairs() {
    assert!(pairs().len() >= 300, "only {} pairs", pairs().len());
}

#[test]
fn every_pair_stems_as_written() {
    let wrong: Vec<String> = pairs()
        .into_iter()
        .filter_map(|(w, want)| {
            let got = pedoman::search::stem(&w);
            (got != want).then(|| format!("{w}: want {want}, got {got}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{} wrong stems:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn stem_command_prints_word_tab_stem() {
    let out = common::pedoman(["stem", "melayani", "pegawai-pegawai", "KKN"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "melayani\tlayan\npegawai-pegawai\tpegawai\nKKN\tkkn\n");
}

#[test]
fn stem_command_reads_standard_input() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child =
        Command::new(common::pedoman_bin()).arg("stem").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"menulis\n\npengajaran\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "menulis\ttulis\npengajaran\tajar\n");
}
