//! `config.yaml`: the site's settings. Unknown keys are errors so typos never vanish silently.

use crate::diagnostics::Diagnostic;
use crate::frontmatter::yaml_diagnostic;
use serde::{Deserialize, Serialize};
use std::path::Path;
use url::Url;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published under, e.g. `https://panduan.example.go.id/rb`.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<String>,
    #[serde(default)]
    pub feed: FeedConfig,
    #[serde(default)]
    pub search: SearchConfig,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Links shown in the header menu.
    #[serde(default)]
    pub menu: Vec<MenuLink>,
    /// Text shown in the footer (Markdown not interpreted).
    #[serde(default)]
    pub footer: String,
    /// Free-form values for custom templates.
    #[serde(default)]
    pub extra: serde_yaml::Mapping,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// How many of the newest pages the feed lists.
    #[serde(default = "default_feed_limit")]
    pub limit: usize,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig { enabled: true, limit: default_feed_limit() }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Extra synonym groups, e.g. `[[ASN, pegawai negeri]]`.
    #[serde(default)]
    pub synonyms: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// What happens to HTML written inside Markdown.
    #[serde(default)]
    pub raw_html: RawHtml,
}

/// How raw HTML in Markdown (`<script>`, `<div onclick=…>`) reaches the page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Passed through as written: for sites whose editors are trusted.
    #[default]
    Allow,
    /// Shown as text (`<b>` appears as `<b>`).
    Escape,
    /// Removed; the text between tags stays. `javascript:`/`data:`/`vbscript:` links lose their target.
    Strip,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuLink {
    pub name: String,
    pub url: String,
}

fn default_base_url() -> String {
    "http://localhost".into()
}
fn default_language() -> String {
    "id".into()
}
fn default_theme() -> String {
    "pedoman".into()
}
fn default_taxonomies() -> Vec<String> {
    vec!["tags".into()]
}
fn default_feed_limit() -> usize {
    20
}
fn yes() -> bool {
    true
}

impl Config {
    /// Reads `ROOT/config.yaml`; diagnostics name it `config.yaml`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join("config.yaml");
        let shown = Path::new("config.yaml");
        let text = std::fs::read(&path).map_err(|e| {
            Diagnostic::new(shown, 0, 0, format!("cannot read config.yaml: {e}"))
                .with_hint("every site needs a config.yaml at its root; `pedoman init DIR` creates one")
        })?;
        let text = String::from_utf8(text).map_err(|_| {
            Diagnostic::new(shown, 0, 0, "config.yaml is not valid UTF-8").with_hint("save the file as UTF-8")
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if text.trim().is_empty() {
            return Err(Diagnostic::new(shown, 1, 1, "config.yaml is empty").with_hint("add at least `title: …`"));
        }
        let mut config: Config = serde_yaml::from_str(text).map_err(|e| yaml_diagnostic(shown, 0, &e))?;
        let line = crate::frontmatter::key_line(text, 1, "base_url");
        config.base_url = checked_base_url(&config.base_url).map_err(|(message, hint)| {
            Diagnostic::new(shown, line, 1, format!("base_url: {message}")).with_hint(hint)
        })?;
        Ok(config)
    }

    /// Replaces `base_url` with the value of the `--base-url` flag, checked as strictly.
    pub fn override_base_url(&mut self, url: &str) -> Result<(), Diagnostic> {
        self.base_url = checked_base_url(url).map_err(|(message, hint)| {
            Diagnostic::new("--base-url", 0, 0, format!("`{}`: {message}", url.escape_debug())).with_hint(hint)
        })?;
        Ok(())
    }

    /// The path part of `base_url` without a trailing slash (`""` or `/rb`), prefixed to every link.
    pub fn base_path(&self) -> String {
        Url::parse(&self.base_url).map(|u| u.path().trim_end_matches('/').to_string()).unwrap_or_default()
    }
}

/// `base_url` as every link, the sitemap and robots.txt will use it: an absolute http(s) URL
/// with no query, fragment, credentials or control characters, without a trailing slash.
/// Errors come as (what is wrong, what to do).
fn checked_base_url(raw: &str) -> Result<String, (String, String)> {
    let example = "write the address readers will use, e.g. https://rb.example.go.id/panduan";
    // `Url::parse` silently drops tabs and newlines; refuse them instead, they never belong here.
    if raw.chars().any(char::is_control) {
        return Err(("contains a control character (a line break or tab?)".into(), example.into()));
    }
    let url = Url::parse(raw.trim()).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => {
            (format!("`{raw}` has no scheme"), format!("start it with https:// or http://; {example}"))
        }
        e => (format!("`{raw}` is not a valid URL ({e})"), example.into()),
    })?;
    let problem = if !matches!(url.scheme(), "http" | "https") {
        Some(format!("the scheme must be http or https, not `{}`", url.scheme()))
    } else if url.host_str().is_none_or(str::is_empty) {
        Some("has no host name".to_string())
    } else if !url.username().is_empty() || url.password().is_some() {
        Some("must not hold a user name or password".to_string())
    } else if url.query().is_some() {
        Some("must not have a query (`?…`): it would end up inside every link".to_string())
    } else if url.fragment().is_some() {
        Some("must not have a fragment (`#…`)".to_string())
    } else {
        None
    };
    match problem {
        Some(p) => Err((p, example.into())),
        None => Ok(url.as_str().trim_end_matches('/').to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::checked_base_url;

    #[test]
    fn base_urls_are_absolute_http_without_extras() {
        assert_eq!(checked_base_url("https://rb.example.go.id/panduan/").unwrap(), "https://rb.example.go.id/panduan");
        assert_eq!(checked_base_url("http://LOCALHOST:1111").unwrap(), "http://localhost:1111");
        assert_eq!(checked_base_url(" https://x.id ").unwrap(), "https://x.id");
        for bad in [
            "rb.example.go.id",
            "/panduan",
            "ftp://x.id",
            "javascript:alert(1)",
            "https://x.id/?a=b",
            "https://x.id/#top",
            "https://user:pw@x.id/",
            "https://x.id/\nDisallow: /",
            "https://x.id/\t",
            "https://",
            "",
        ] {
            assert!(checked_base_url(bad).is_err(), "{bad:?} accepted");
        }
    }
}
