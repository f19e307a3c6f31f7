//! Machine-read files generated in code: sitemap, Atom feed, robots.txt, alias redirects.
//! No timestamps: everything derives from page dates, so builds are reproducible.

use crate::config::Config;
use crate::content::Site;
use crate::markdown::escape;
use crate::markdown::slugify;
use crate::render::{site_url, taxonomy_terms};

pub fn sitemap(config: &Config, site: &Site) -> String {
    let mut entries: Vec<(String, Option<String>)> = Vec::new();
    for s in &site.sections {
        let newest = s.pages.iter().filter_map(|&p| page_date(site, p)).max().map(str::to_string);
        entries.push((s.path.clone(), newest));
    }
    for (i, p) in site.pages.iter().enumerate() {
        entries.push((p.path.clone(), page_date(site, i).map(str::to_string)));
    }
    for taxonomy in &config.taxonomies {
        let slug = slugify(taxonomy);
        entries.push((format!("/{slug}/"), None));
        for term in taxonomy_terms(site, taxonomy).keys() {
            entries.push((format!("/{slug}/{term}/"), None));
        }
    }
    entries.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, lastmod) in entries {
        xml.push_str(&format!("  <url>\n    <loc>{}</loc>\n", escape(&format!("{}{path}", config.base_url))));
        if let Some(d) = lastmod {
            xml.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The later of `updated` and `date`.
fn page_date(site: &Site, i: usize) -> Option<&str> {
    let m = &site.pages[i].meta;
    m.updated.as_deref().max(m.date.as_deref())
}

/// Atom feed of the newest dated pages; `summaries` holds each page's description or excerpt.
pub fn atom(config: &Config, site: &Site) -> String {
    let mut dated: Vec<usize> = (0..site.pages.len()).filter(|&i| site.pages[i].meta.date.is_some()).collect();
    dated.sort_by(|a, b| (page_date(site, *b), &site.pages[*a].rel).cmp(&(page_date(site, *a), &site.pages[*b].rel)));
    dated.truncate(config.feed.limit);
    let updated = dated.iter().filter_map(|&i| page_date(site, i)).max().unwrap_or("1970-01-01");
    let home = format!("{}/", config.base_url);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n", escape(&config.language)));
    xml.push_str(&format!("  <title>{}</title>\n", escape(&config.title)));
    if !config.description.is_empty() {
        xml.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(&config.description)));
    }
    xml.push_str(&format!(
        "  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>\n",
        escape(&format!("{}/atom.xml", config.base_url))
    ));
    xml.push_str(&format!(
        "  <link href=\"{}\"/>\n  <id>{}</id>\n  <updated>{updated}T00:00:00Z</updated>\n",
        escape(&home),
        escape(&home)
    ));
    for i in dated {
        let p = &site.pages[i];
        let link = format!("{}{}", config.base_url, p.path);
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escape(&p.title)));
        xml.push_str(&format!("    <link href=\"{}\"/>\n    <id>{}</id>\n", escape(&link), escape(&link)));
        xml.push_str(&format!("    <published>{}T00:00:00Z</published>\n", p.meta.date.as_deref().unwrap_or(updated)));
        xml.push_str(&format!("    <updated>{}T00:00:00Z</updated>\n", page_date(site, i).unwrap_or(updated)));
        if !p.meta.description.is_empty() {
            xml.push_str(&format!("    <summary>{}</summary>\n", escape(&p.meta.description)));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

pub fn robots(config: &Config) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n", config.base_url)
}

/// A page that sends visitors from an old URL to the new one, for browsers and crawlers.
pub fn redirect(config: &Config, target_path: &str) -> String {
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
