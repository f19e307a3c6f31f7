//! Indonesian stemmer: confix stripping after Nazief & Adriani (1996) with the rule
//! precedence and recoding of Asian et al. (2007, "ECS"), but without their root
//! dictionary. Where ECS asks the dictionary "is this a root?", we ask a shape test
//! (at least two syllables, an onset Indonesian allows) and, for the few cases
//! shape cannot settle, the hand-written lists in `lists.rs`.
//!
//! Order, as in ECS: particle (-lah -kah -tah -pun), possessive (-ku -mu -nya),
//! derivational suffix (-kan -an -i), then up to three prefixes (di- ke- se- ter-
//! ber- per- meN- peN-) with the nasal restored (`menulis` → `tulis`,
//! `mengirim` → `kirim`). If the prefixes cannot be removed after a suffix was
//! (`memakan`: `memak` has no root), the word is tried again without the suffix.
//!
//! `themes/pedoman/static/search-engine.js` holds a line-by-line port; keep them in step
//! (tests compare both on every word of the bundled site).

use super::lists;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Suffix {
    None,
    Kan,
    An,
    I,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Di,
    Ke,
    Se,
    Ter,
    Ber,
    Per,
    Me,
    Pe,
}

/// What a suffix candidate demands of the root it leaves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Any,
    /// `-i` after a: only for roots in AI_ROOTS (`menghargai` → `harga`).
    AiRoot,
    /// `-i` after s: only for roots in SI_ROOTS (`mengawasi` → `awas`).
    SiRoot,
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Syllables as vowel letters, a final diphthong (-ai -au -oi) counting once.
pub(super) fn syllables(w: &str) -> usize {
    let n = w.chars().filter(|&c| is_vowel(c)).count();
    let diphthong = w.len() > 2 && (w.ends_with("ai") || w.ends_with("au") || w.ends_with("oi"));
    if diphthong {
        n - 1
    } else {
        n
    }
}

/// Two consonants may open an Indonesian root only as one of these clusters
/// (`kembali` is not `ke-` + `mbali`).
pub(super) const CLUSTERS: [&str; 24] = [
    "bl", "br", "dr", "dw", "fl", "fr", "gl", "gr", "kh", "kl", "kr", "kw", "ng", "ny", "pl", "pr", "ps", "sk", "sl",
    "sp", "st", "sw", "sy", "tr",
];

/// Endings of the site's loans; after `mem-`/`men-`/`meng-` such words keep their
/// first sound (`memotivasi` → `motivasi`, `mengevaluasi` → `evaluasi`).
pub(super) const LOAN_ENDINGS: [&str; 16] =
    ["asi", "esi", "isi", "osi", "usi", "ksi", "psi", "nsi", "rsi", "sme", "tas", "al", "or", "if", "ik", "er"];

/// Particles, then possessives, removed before any suffix (one of each at most).
pub(super) const PARTICLES: [&str; 4] = ["lah", "kah", "pun", "tah"];
pub(super) const POSSESSIVES: [&str; 3] = ["nya", "ku", "mu"];

fn valid_onset(w: &str) -> bool {
    let mut it = w.chars();
    let (Some(a), Some(b)) = (it.next(), it.next()) else { return true };
    if is_vowel(a) || is_vowel(b) {
        return true;
    }
    let pair: String = [a, b].iter().collect();
    CLUSTERS.contains(&pair.as_str())
}

fn plausible(root: &str) -> bool {
    if lists::keep().contains(root) || lists::mono().contains(root) {
        return true;
    }
    // Native roots do not end in two consonants (bar -ng), a bare g, or c j q v x y:
    // `strateg`, `menpanrb`, `pelay` are not roots.
    let bad_end = ends_with_cluster(root)
        || (root.ends_with('g') && !root.ends_with("ng"))
        || root.ends_with(['c', 'j', 'q', 'v', 'x', 'y']);
    root.chars().count() >= 3 && syllables(root) >= 2 && valid_onset(root) && !bad_end
}

fn looks_loan(w: &str) -> bool {
    syllables(w) >= 3 && LOAN_ENDINGS.iter().any(|e| w.ends_with(e))
}

/// The stem of one lower-case word without hyphens.
pub(super) fn stem_word(word: &str) -> String {
    if word.chars().count() < 4 || !word.chars().all(char::is_alphabetic) {
        return word.to_string();
    }
    if let Some(s) = lists::special(word) {
        return s.to_string();
    }
    if lists::keep().contains(word) {
        return word.to_string();
    }
    let base = strip_inflection(word);
    if lists::keep().contains(base.as_str()) {
        return base;
    }
    for (cand, suffix, need) in suffix_candidates(&base) {
        if let Some(root) = strip_prefixes(&cand, suffix) {
            // A bare word in -i is an imperative of a two-syllable root (`pahami`);
            // longer ones are loans (`ekonomi`, `kategori`).
            if suffix == Suffix::I && root == cand && syllables(&root) != 2 && !lists::keep().contains(root.as_str()) {
                continue;
            }
            let ok = match need {
                Need::Any => plausible(&root),
                Need::AiRoot => lists::ai_roots().contains(root.as_str()),
                Need::SiRoot => lists::si_roots().contains(root.as_str()),
            };
            if ok {
                return root;
            }
        }
    }
    base
}

fn protected_ending(w: &str) -> bool {
    lists::clitic_roots().iter().any(|r| w.ends_with(r))
}

/// Removes one particle, then one possessive, each only when two syllables remain
/// and the word does not end in a root that merely looks like one (`masalah`).
fn strip_inflection(word: &str) -> String {
    let mut w = word.to_string();
    if !protected_ending(&w) {
        for p in PARTICLES {
            if let Some(rest) = w.strip_suffix(p) {
                // -tah is archaic; elsewhere it ends roots (`perintah`).
                let ok = if p == "tah" { matches!(rest, "apa" | "siapa" | "mana") } else { syllables(rest) >= 2 };
                if ok {
                    w = rest.to_string();
                }
                break;
            }
        }
    }
    if !protected_ending(&w) {
        for p in POSSESSIVES {
            if let Some(rest) = w.strip_suffix(p) {
                if syllables(rest) >= 2 {
                    w = rest.to_string();
                }
                break;
            }
        }
    }
    w
}

fn ends_with_cluster(w: &str) -> bool {
    let cs: Vec<char> = w.chars().rev().take(2).collect();
    cs.len() == 2 && !is_vowel(cs[0]) && !is_vowel(cs[1]) && !w.ends_with("ng")
}

/// Suffix readings of `w`, most likely first; the last is always "no suffix".
fn suffix_candidates(w: &str) -> Vec<(String, Suffix, Need)> {
    let mut out = Vec::new();
    // A word ending in a root (of five letters or more) that merely looks suffixed keeps it
    // (`tersendiri`). Its endings are looked up, not the list scanned: this runs for every
    // distinct word of a site.
    let letters = w.chars().count();
    let mut endings = w.char_indices().take(letters.saturating_sub(4)).map(|(i, _)| &w[i..]);
    if endings.any(|ending| lists::keep().contains(ending)) {
        out.push((w.to_string(), Suffix::None, Need::Any));
        return out;
    }
    // The first prefix, when what follows it could open a root (`kerjakan` has none).
    let first = prefix_options(w, None).filter(|(_, _, c)| c.iter().any(|c| valid_onset(c))).map(|(k, _, _)| k);
    if let Some(rest) = w.strip_suffix("kan") {
        if syllables(rest) >= 2 {
            let before = rest.chars().last().unwrap_or('a');
            let with_k = &w[..w.len() - 2];
            // ke-…-an and peN-…-an are confixes, ke-/peN-…-kan are not: `kebijakan`.
            let an_first = is_vowel(before)
                && (matches!(first, Some(Kind::Ke | Kind::Pe)) || lists::k_final().iter().any(|r| with_k.ends_with(r)));
            if an_first {
                out.push((with_k.to_string(), Suffix::An, Need::Any));
                out.push((rest.to_string(), Suffix::Kan, Need::Any));
            } else {
                out.push((rest.to_string(), Suffix::Kan, Need::Any));
                if is_vowel(before) {
                    out.push((with_k.to_string(), Suffix::An, Need::Any));
                }
            }
        }
    } else if let Some(rest) = w.strip_suffix("an") {
        if syllables(rest) >= 2 {
            out.push((rest.to_string(), Suffix::An, Need::Any));
        }
    } else if let Some(rest) = w.strip_suffix('i') {
        let before = rest.chars().last().unwrap_or('a');
        if syllables(rest) >= 2 && !ends_with_cluster(rest) {
            match before {
                'a' => out.push((rest.to_string(), Suffix::I, Need::AiRoot)),
                's' => out.push((rest.to_string(), Suffix::I, Need::SiRoot)),
                'e' | 'i' | 'o' => {}
                _ => out.push((rest.to_string(), Suffix::I, Need::Any)),
            }
        }
    }
    out.push((w.to_string(), Suffix::None, Need::Any));
    out
}

/// Pairs of first prefix and suffix that Indonesian does not form (ECS's
/// "disallowed confixes"): a reading that needs one is wrong.
fn confix_ok(kind: Kind, suffix: Suffix) -> bool {
    !matches!(
        (kind, suffix),
        (Kind::Ber, Suffix::I)
            | (Kind::Di, Suffix::An)
            | (Kind::Ke, Suffix::I | Suffix::Kan)
            | (Kind::Me, Suffix::An)
            | (Kind::Se, Suffix::I | Suffix::Kan | Suffix::An)
            | (Kind::Ter, Suffix::An)
            | (Kind::Pe, Suffix::I | Suffix::Kan)
    )
}

/// Removes up to three prefixes. `None` when a strong first prefix leaves no
/// plausible root after a suffix was removed: that suffix reading is wrong.
fn strip_prefixes(word: &str, suffix: Suffix) -> Option<String> {
    let mut cur = word.to_string();
    let mut prev: Option<Kind> = None;
    for step in 0..3 {
        if lists::keep().contains(cur.as_str()) {
            break;
        }
        let Some((kind, strong, cands)) = prefix_options(&cur, prev) else { break };
        if step == 0 && suffix != Suffix::None && !confix_ok(kind, suffix) {
            return None;
        }
        let mono_ok = matches!(kind, Kind::Di | Kind::Me | Kind::Pe);
        match cands.into_iter().find(|c| plausible(c) && (mono_ok || !lists::mono().contains(c.as_str()))) {
            Some(c) => {
                cur = c;
                prev = Some(kind);
            }
            None => {
                if step == 0 && strong && suffix != Suffix::None {
                    return None;
                }
                break;
            }
        }
    }
    Some(cur)
}

fn starts_vowel(s: &str) -> bool {
    s.chars().next().is_some_and(is_vowel)
}

fn starts_any(s: &str, set: &str) -> bool {
    s.chars().next().is_some_and(|c| set.contains(c))
}

/// `first` then `second`, or the other way round when `prefer_second`.
fn pair(prefer_second: bool, first: String, second: String) -> Vec<String> {
    if prefer_second {
        vec![second, first]
    } else {
        vec![first, second]
    }
}

/// ber-/ter-/per- before a vowel: the r may belong to the root (`berupa` → `rupa`).
fn r_options(rest: &str) -> Vec<String> {
    if starts_vowel(rest) {
        let with_r = format!("r{rest}");
        pair(lists::r_roots().contains(with_r.as_str()), rest.to_string(), with_r)
    } else {
        vec![rest.to_string()]
    }
}

/// The root candidates after a nasal prefix `meN-`/`peN-`, given the text after
/// `me`/`pe` (`ngirim`, `nulis`, `makai`, `nyapu`, `layani`).
fn nasal_options(after: &str) -> Option<Vec<String>> {
    if let Some(rest) = after.strip_prefix("ng") {
        if starts_any(rest, "ghk") {
            return Some(vec![rest.to_string()]);
        }
        if !starts_vowel(rest) {
            return None;
        }
        let with_k = format!("k{rest}");
        if let Some(mono) = rest.strip_prefix('e') {
            // menge- before a one-syllable root: `mengecek` → `cek`.
            if lists::mono().contains(mono) {
                return Some(vec![mono.to_string()]);
            }
            let vowel_root = lists::e_roots().contains(rest) || looks_loan(rest);
            return Some(pair(!vowel_root, rest.to_string(), with_k));
        }
        let k_first = lists::k_roots().contains(with_k.as_str())
            || (rest.starts_with('o') && (rest.starts_with("on") || rest.starts_with("om") || rest.starts_with("oo")));
        return Some(pair(k_first, rest.to_string(), with_k));
    }
    if let Some(rest) = after.strip_prefix("ny") {
        if !starts_vowel(rest) {
            return None;
        }
        let with_ny = format!("ny{rest}");
        return Some(pair(lists::ny_roots().contains(with_ny.as_str()), format!("s{rest}"), with_ny));
    }
    if let Some(rest) = after.strip_prefix('n') {
        if starts_any(rest, "cdjstz") {
            return Some(vec![rest.to_string()]);
        }
        if !starts_vowel(rest) {
            return None;
        }
        let with_n = format!("n{rest}");
        let n_first = lists::n_roots().contains(with_n.as_str()) || looks_loan(&with_n);
        return Some(pair(n_first, format!("t{rest}"), with_n));
    }
    if let Some(rest) = after.strip_prefix('m') {
        if starts_any(rest, "bfpv") {
            return Some(vec![rest.to_string()]);
        }
        if !starts_vowel(rest) {
            return None;
        }
        let with_m = format!("m{rest}");
        let m_first = lists::m_roots().contains(with_m.as_str()) || looks_loan(&with_m);
        return Some(pair(m_first, format!("p{rest}"), with_m));
    }
    None
}

/// The prefix `w` may start with (given the prefix removed before it), whether it
/// is strong evidence of affixation, and the root candidates it leaves.
fn prefix_options(w: &str, prev: Option<Kind>) -> Option<(Kind, bool, Vec<String>)> {
    use Kind::*;
    let after = |p: Option<Kind>, allowed: &[Kind]| p.is_none_or(|k| allowed.contains(&k));
    if let Some(rest) = w.strip_prefix("di") {
        if prev.is_none() {
            return Some((Di, true, vec![rest.to_string()]));
        }
    }
    if let Some(rest) = w.strip_prefix("ke") {
        if after(prev, &[Ber, Di, Se, Ter, Per]) {
            return Some((Ke, false, vec![rest.to_string()]));
        }
    }
    if let Some(rest) = w.strip_prefix("se") {
        if after(prev, &[Ke]) {
            return Some((Se, false, vec![rest.to_string()]));
        }
    }
    if let Some(rest) = w.strip_prefix("ter") {
        if after(prev, &[Ke]) {
            return Some((Ter, true, r_options(rest)));
        }
    }
    if w.starts_with("be") && after(prev, &[Ke, Me, Pe, Di]) {
        if let Some(rest) = w.strip_prefix("bel").filter(|r| r.starts_with("ajar")) {
            return Some((Ber, true, vec![rest.to_string()]));
        }
        if let Some(rest) = w.strip_prefix("ber") {
            return Some((Ber, true, r_options(rest)));
        }
        // be- before a syllable in -er-: `bekerja` → `kerja`.
        let rest = &w[2..];
        let mut cs = rest.chars();
        if cs.next().is_some_and(|c| !is_vowel(c)) && cs.as_str().starts_with("er") {
            return Some((Ber, false, vec![rest.to_string()]));
        }
    }
    if w.starts_with("pe") && after(prev, &[Di, Me, Pe, Ke, Se, Ter, Ber]) {
        if let Some(rest) = w.strip_prefix("pel").filter(|r| r.starts_with("ajar")) {
            return Some((Per, true, vec![rest.to_string()]));
        }
        if let Some(rest) = w.strip_prefix("per") {
            return Some((Per, true, r_options(rest)));
        }
    }
    if let Some(after_me) = w.strip_prefix("me") {
        if prev.is_none() {
            if let Some(c) = nasal_options(after_me) {
                return Some((Me, true, c));
            }
            if starts_any(after_me, "lrwy") {
                return Some((Me, true, vec![after_me.to_string()]));
            }
        }
    }
    if let Some(after_pe) = w.strip_prefix("pe") {
        if after(prev, &[Ke, Ber, Di, Me]) {
            if let Some(c) = nasal_options(after_pe) {
                return Some((Pe, true, c));
            }
            if starts_any(after_pe, "lwy") {
                return Some((Pe, false, vec![after_pe.to_string()]));
            }
            // pe- before other consonants: `petugas`, `pekerja`, `pejabat`.
            if starts_any(after_pe, "cdghjkst") {
                return Some((Pe, false, vec![after_pe.to_string()]));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_count_final_diphthong_once() {
        assert_eq!(syllables("nilai"), 2);
        assert_eq!(syllables("kait"), 2);
        assert_eq!(syllables("pulau"), 2);
        assert_eq!(syllables("layan"), 2);
    }

    #[test]
    fn onset_rejects_impossible_clusters() {
        assert!(!valid_onset("mbali"));
        assert!(valid_onset("struktur"));
        assert!(valid_onset("kirim"));
    }
}
