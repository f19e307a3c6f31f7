//! Machine-read files generated in code: sitemap, Atom feed, robots.txt, alias redirects.
//! No timestamps: everything derives from page dates, so builds are reproducible.

use crate::config::{site_url, Config};
use crate::content::{PageId, Site};
use crate::markdown::escape;
use crate::markdown::slugify;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::io;

pub(crate) fn sitemap(config: &Config, site: &Site) -> String {
    let mut entries: Vec<(String, Option<String>)> = Vec::new();
    for s in &site.sections {
        let newest = s.pages.iter().filter_map(|&p| page_date(site, p)).max().map(str::to_string);
        entries.push((s.path.clone(), newest));
    }
    for (i, p) in site.page_ids().zip(&site.pages) {
        entries.push((p.path.clone(), page_date(site, i).map(str::to_string)));
    }
    for taxonomy in &config.taxonomies {
        let slug = slugify(taxonomy);
        entries.push((format!("/{slug}/"), None));
        for term in site.taxonomy_terms(taxonomy).keys() {
            entries.push((format!("/{slug}/{term}/"), None));
        }
    }
    entries.sort();
    xml_document("urlset", &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")], |w| {
        for (path, lastmod) in &entries {
            w.create_element("url").write_inner_content(|w| {
                text(w, "loc", &format!("{}{path}", config.base_url))?;
                if let Some(d) = lastmod {
                    text(w, "lastmod", d)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })
}

/// An XML document: the declaration, then the element `root` holding what `body` writes,
/// indented by two spaces. quick-xml escapes every text and attribute and closes every element.
fn xml_document(
    root: &str,
    attributes: &[(&str, &str)],
    body: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>,
) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let decl = Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None));
    w.write_event(decl)
        .and_then(|()| {
            w.create_element(root).with_attributes(attributes.iter().copied()).write_inner_content(body).map(drop)
        })
        .expect("writing to memory cannot fail");
    let mut xml = String::from_utf8(w.into_inner()).expect("written from str");
    xml.push('\n');
    xml
}

/// `<name>text</name>`.
fn text(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(text))?;
    Ok(())
}

/// `<link href="href"/>`, with `rel` and `type` when given.
fn link(w: &mut Writer<Vec<u8>>, href: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
    w.create_element("link")
        .with_attribute(("href", href))
        .with_attributes(attributes.iter().copied())
        .write_empty()?;
    Ok(())
}

/// The later of `updated` and `date`.
fn page_date(site: &Site, i: PageId) -> Option<&str> {
    let m = &site.page(i).meta;
    m.updated.as_deref().max(m.date.as_deref())
}

/// Atom feed (RFC 4287) of the newest dated pages.
pub(crate) fn atom(config: &Config, site: &Site) -> String {
    let mut dated: Vec<PageId> = site.page_ids().filter(|&i| site.page(i).meta.date.is_some()).collect();
    dated.sort_by(|a, b| (page_date(site, *b), &site.page(*a).rel).cmp(&(page_date(site, *a), &site.page(*b).rel)));
    dated.truncate(config.feed.limit);
    let times = entry_times(dated.iter().map(|&i| page_date(site, i).unwrap_or("1970-01-01")));
    let updated = times.first().cloned().unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let home = format!("{}/", config.base_url);
    let root = [("xmlns", "http://www.w3.org/2005/Atom"), ("xml:lang", config.language.as_str())];
    xml_document("feed", &root, |w| {
        text(w, "title", &config.title)?;
        if !config.description.is_empty() {
            text(w, "subtitle", &config.description)?;
        }
        link(w, &format!("{}/atom.xml", config.base_url), &[("rel", "self"), ("type", "application/atom+xml")])?;
        // RFC 4287 §4.1.1: an entry without an author takes the feed's, so one here covers them all.
        w.create_element("author").write_inner_content(|w| {
            text(w, "name", config.author())?;
            text(w, "uri", &home)
        })?;
        link(w, &home, &[])?;
        text(w, "id", &home)?;
        text(w, "updated", &updated)?;
        for (&i, time) in dated.iter().zip(&times) {
            let p = site.page(i);
            let url = format!("{}{}", config.base_url, p.path);
            let published = p.meta.date.as_deref().map_or_else(|| time.clone(), |d| format!("{d}T00:00:00Z"));
            w.create_element("entry").write_inner_content(|w| {
                text(w, "title", &p.title)?;
                link(w, &url, &[])?;
                text(w, "id", &url)?;
                text(w, "published", published.min(time.clone()).as_str())?;
                text(w, "updated", time)?;
                if !p.meta.description.is_empty() {
                    text(w, "summary", &p.meta.description)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })
}

/// Timestamps for entries sorted newest first, given their dates: pages of one day are
/// spaced a second apart (the first the latest), so feed readers keep the feed's order.
fn entry_times<'a>(dates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let dates: Vec<&str> = dates.collect();
    let mut times = Vec::with_capacity(dates.len());
    let mut k = 0;
    while k < dates.len() {
        let run = dates[k..].iter().take_while(|d| **d == dates[k]).count();
        for n in 0..run {
            let s = run - 1 - n;
            times.push(format!("{}T{:02}:{:02}:{:02}Z", dates[k], s / 3600 % 24, s / 60 % 60, s % 60));
        }
        k += run;
    }
    times
}

pub(crate) fn robots(config: &Config) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n", config.base_url)
}

/// A page that sends visitors from an old URL to the new one, for browsers and crawlers.
pub(crate) fn redirect(config: &Config, target_path: &str) -> String {
    let url = escape(&site_url(&config.base_path(), target_path));
    let canonical = escape(&format!("{}{target_path}", config.base_url));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{url}</title>\
<link rel=\"canonical\" href=\"{canonical}\"><meta name=\"robots\" content=\"noindex\">\
<meta http-equiv=\"refresh\" content=\"0; url={url}\"></head>\
<body><p><a href=\"{url}\">{url}</a></p></body></html>\n",
        lang = escape(&config.language)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn entries_of_one_day_get_descending_times() {
        let t = super::entry_times(["2026-11-30", "2026-11-30", "2026-11-30", "2026-11-02"].into_iter());
        assert_eq!(t, ["2026-11-30T00:00:02Z", "2026-11-30T00:00:01Z", "2026-11-30T00:00:00Z", "2026-11-02T00:00:00Z"]);
    }
}
