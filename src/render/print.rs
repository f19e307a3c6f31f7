//! A section's print page (`/bagian/cetak/`): every page of the section in order in one
//! document, so a unit can print the guidance for a meeting (as mdBook's print page does).

use super::{Input, Renderer};
use crate::content::{PageId, SectionId};
use crate::diagnostics::Diagnostic;
use crate::glossary::Glossary;

/// Renders `print.html` for section `s`.
pub(super) fn render(
    input: &Input,
    renderer: &Renderer,
    glossary: &Glossary,
    s: SectionId,
) -> Result<Vec<u8>, Diagnostic> {
    let site = input.site;
    let section = site.section(s);
    let url_of = |p: PageId| input.url(&site.page(p).path);
    let pages: Vec<serde_json::Value> = section
        .pages
        .iter()
        .enumerate()
        .map(|(n, &p)| {
            let page = site.page(p);
            let id = format!("_cetak-{}", n + 1);
            // Term links go to the web pages: the print page holds no glossary lists.
            let html = glossary.link_first_uses(&(input.page_body)(p).html, None, url_of);
            serde_json::json!({
                "id": id,
                "title": page.title,
                "description": page.meta.description,
                "url": url_of(p),
                "permalink": format!("{}{}", input.config.base_url, page.path),
                "updated": page.meta.updated.as_deref().or(page.meta.date.as_deref()),
                "content": scope_ids(&html, &format!("{id}-")),
            })
        })
        .collect();
    let path = section.print_path();
    let mut open = input.ancestors(Some(s));
    open.insert(s);
    let mut ctx = input.base_context("print", &path, None, &open);
    ctx.insert(
        "section",
        &serde_json::json!({
            "title": section.title,
            "description": section.meta.description,
            "url": input.url(&section.path),
            "breadcrumbs": input.breadcrumbs(Some(s)),
        }),
    );
    ctx.insert("pages", &pages);
    renderer.render("print.html", &ctx).map(String::into_bytes)
}

/// Keeps ids unique when pages share one document: `id="x"` becomes `id="PREFIXx"`, and the
/// `#x` links and `for="x"` labels that point at them follow. Rendered text never holds a raw
/// `"`, so only attributes match.
fn scope_ids(html: &str, prefix: &str) -> String {
    // One pass for the three: a section's print page holds every page of the section.
    static ATTRIBUTES: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new([" id=\"", " href=\"#", " for=\""]).expect("fixed patterns")
    });
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    ATTRIBUTES.replace_all_with(html, &mut out, |_, attribute, out| {
        out.push_str(attribute);
        out.push_str(prefix);
        true
    });
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_links_and_labels_are_scoped_together() {
        let html = "<h2 id=\"a\">A <a class=\"anchor\" href=\"#a\">#</a></h2><p>id=&quot;b&quot; <a href=\"/x/#a\">x</a></p><input type=\"checkbox\" id=\"_cek-1\"><label for=\"_cek-1\">";
        assert_eq!(
            super::scope_ids(html, "_cetak-2-"),
            "<h2 id=\"_cetak-2-a\">A <a class=\"anchor\" href=\"#_cetak-2-a\">#</a></h2><p>id=&quot;b&quot; <a href=\"/x/#a\">x</a></p><input type=\"checkbox\" id=\"_cetak-2-_cek-1\"><label for=\"_cetak-2-_cek-1\">"
        );
    }
}
