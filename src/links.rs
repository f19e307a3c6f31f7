//! Links between pages: every internal link of every page and section checked against the
//! site's URLs and heading ids once all are known, and each placeholder the Markdown stage
//! left in an `href` replaced by its final URL.

use crate::config::site_url;
use crate::diagnostics::Diagnostic;
use crate::load::Loaded;
use crate::markdown::{self, InternalLink, LINK_PREFIX};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

/// The final URL of each internal link, by file (same order as the site's pages and sections).
pub(crate) struct Resolved {
    pub pages: Vec<Arc<[String]>>,
    pub sections: Vec<Arc<[String]>>,
}

/// Checks links, remembering each file's result: while no link target changed (every page's
/// URL and heading ids, the base path), a rebuild checks again only the files re-read.
#[derive(Default)]
pub(crate) struct Linker {
    /// Hash of the targets the results were found with.
    targets: u64,
    /// Content path → the file's URLs and broken-link errors.
    files: HashMap<String, (Arc<[String]>, Vec<Diagnostic>)>,
}

impl Linker {
    /// Checks every link of the loaded site; broken ones come back as diagnostics and resolve
    /// to `#`. Links to files that failed to load are not reported again (their own error says
    /// why); files not re-read since the last call keep their last result while no target
    /// changed.
    pub(crate) fn resolve(&mut self, loaded: &Loaded, base: &str) -> (Resolved, Vec<Diagnostic>) {
        let site = &loaded.site;
        let mut targets: HashMap<&str, Option<(&str, &[String])>> =
            loaded.unreadable.iter().map(|rel| (rel.as_str(), None)).collect();
        for (p, md) in site.pages.iter().zip(&loaded.page_md) {
            targets.insert(p.rel.as_str(), Some((p.path.as_str(), md.heading_ids.as_slice())));
        }
        for (s, md) in site.sections.iter().zip(&loaded.section_md) {
            targets.insert(s.rel.as_str(), Some((s.path.as_str(), md.heading_ids.as_slice())));
        }
        // In the site's order, the same from build to build: no sort on every save.
        let hash = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            let mut unreadable: Vec<&String> = loaded.unreadable.iter().collect();
            unreadable.sort_unstable();
            (unreadable, base).hash(&mut h);
            for (p, md) in site.pages.iter().zip(&loaded.page_md) {
                (&p.rel, &p.path, &md.heading_ids).hash(&mut h);
            }
            for (s, md) in site.sections.iter().zip(&loaded.section_md) {
                (&s.rel, &s.path, &md.heading_ids).hash(&mut h);
            }
            h.finish()
        };
        if hash != self.targets {
            self.files.clear();
            self.targets = hash;
        }
        let files =
            site.pages.iter().zip(&loaded.page_md).map(|(p, md)| (&p.rel, &p.source, p.body_line, &**md)).chain(
                site.sections.iter().zip(&loaded.section_md).map(|(s, md)| (&s.rel, &s.source, s.body_line, &**md)),
            );
        for (rel, source, body_line, md) in files {
            if loaded.reread.contains(rel) || !self.files.contains_key(rel) {
                let from = File { rel, source, body_line, own_ids: &md.heading_ids };
                let mut diags = Vec::new();
                let urls: Arc<[String]> =
                    md.links.iter().map(|link| from.url(link, &targets, base, &mut diags)).collect();
                self.files.insert(rel.clone(), (urls, diags));
            }
        }
        let mut diags = Vec::new();
        let mut urls = |rel: &String| {
            let (urls, d) = &self.files[rel];
            diags.extend(d.iter().cloned());
            Arc::clone(urls)
        };
        let pages = site.pages.iter().map(|p| urls(&p.rel)).collect();
        let sections = site.sections.iter().map(|s| urls(&s.rel)).collect();
        (Resolved { pages, sections }, diags)
    }
}

/// The file a link is in.
struct File<'a> {
    rel: &'a str,
    source: &'a Path,
    body_line: usize,
    own_ids: &'a [String],
}

impl File<'_> {
    /// The link's final URL, or `#` for a broken one (reported in `diags`).
    fn url(
        &self,
        link: &InternalLink,
        targets: &HashMap<&str, Option<(&str, &[String])>>,
        base: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> String {
        let line = self.body_line + link.line - 1;
        let error = |msg: String, hint: String| Diagnostic::new(self.source, line, link.col, msg).with_hint(hint);
        let (path, ids) = if link.path.is_empty() {
            ("", self.own_ids)
        } else {
            let target = normalize(self.rel, &link.path);
            match target.as_deref().map(|t| targets.get(t)) {
                Some(Some(Some((path, ids)))) => (*path, *ids),
                // The target failed to load: its own error says why.
                Some(Some(None)) => return "#".to_string(),
                _ => {
                    let looked = target.map_or_else(|| "outside content/".into(), |t| format!("content/{t}"));
                    diags.push(error(
                        format!("broken link `{}`: no such page (looked for {looked})", link.path),
                        "links are relative to this file (`../bagian/halaman.md`) or start at the content root (`@/bagian/halaman.md`); drafts are not linkable".into(),
                    ));
                    return "#".to_string();
                }
            }
        };
        let url = if path.is_empty() { String::new() } else { site_url(base, path) };
        match &link.fragment {
            Some(f) if !ids.iter().any(|id| id == f) => {
                let target = if link.path.is_empty() { "this page".to_string() } else { format!("`{}`", link.path) };
                let known = if ids.is_empty() {
                    "it has no headings".to_string()
                } else {
                    format!("its headings: {}", ids.join(", "))
                };
                diags.push(error(format!("broken link: {target} has no heading `#{f}`"), known));
                url
            }
            Some(f) => format!("{url}#{f}"),
            None => url,
        }
    }
}

/// `from` = `nilai/akuntabel.md`, `link` = `../pola/x.md` → `pola/x.md`; `@/x.md` → `x.md`.
fn normalize(from: &str, link: &str) -> Option<String> {
    let joined = match link.strip_prefix("@/") {
        Some(rest) => rest.to_string(),
        None => {
            let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
            match link.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None => format!("{dir}/{link}"),
            }
        }
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Puts the final URLs in place of the placeholders the Markdown stage left in `href`s.
pub(crate) fn rewrite(html: &str, urls: &[String]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Placeholders start with NUL, which Markdown never lets through (it becomes U+FFFD): a
    // search for one byte (memchr) is several times faster than one for the whole prefix.
    while let Some(i) = rest.find('\0') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(after) = rest.strip_prefix(LINK_PREFIX) else {
            out.push('\0');
            rest = &rest[1..];
            continue;
        };
        rest = after;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: usize = rest[..digits].parse().unwrap_or(usize::MAX);
        out.push_str(&markdown::escape(urls.get(n).map_or("#", String::as_str)));
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_normalize_relative_to_the_file() {
        assert_eq!(normalize("nilai/akuntabel.md", "../pola/x.md").as_deref(), Some("pola/x.md"));
        assert_eq!(normalize("nilai/akuntabel.md", "kompeten.md").as_deref(), Some("nilai/kompeten.md"));
        assert_eq!(normalize("nilai/akuntabel.md", "@/_index.md").as_deref(), Some("_index.md"));
        assert_eq!(normalize("a.md", "../../x.md"), None);
    }

    #[test]
    fn placeholders_become_escaped_urls() {
        let html = format!(
            "<a href=\"{LINK_PREFIX}0\">a</a> <a href=\"{LINK_PREFIX}1\">b</a> <a href=\"{LINK_PREFIX}9\">c</a>"
        );
        let urls = ["/a/?x=1&y=2".to_string(), "/b/#c".to_string()];
        assert_eq!(
            rewrite(&html, &urls),
            "<a href=\"/a/?x=1&amp;y=2\">a</a> <a href=\"/b/#c\">b</a> <a href=\"#\">c</a>"
        );
        // A NUL that starts no placeholder is kept as it is.
        assert_eq!(rewrite(&format!("a\0b{LINK_PREFIX}0\0"), &urls), "a\0b/a/?x=1&amp;y=2\0");
    }
}
