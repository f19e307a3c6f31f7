//! `config.yaml`: the site's settings. Unknown keys are errors so typos never vanish silently.

use crate::diagnostics::Diagnostic;
use serde::{Deserialize, Serialize};
use std::path::Path;
use url::Url;

/// The site's settings, as read from `config.yaml` by [`Config::load`].
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's name, shown in every page's title and header.
    pub title: String,
    /// One-line summary for the home page's meta description and the feed.
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published under, e.g. `https://panduan.example.go.id/rb`.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Language code of the content (`id`, `en`): names the theme's `i18n/CODE.yaml`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Theme folder under `themes/`; `pedoman` is built in.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Taxonomies that get listing pages (`tags`, or any key under a page's `taxonomies:`).
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<String>,
    /// Who publishes the site: the Atom feed's `<author>` (default: the site's title).
    #[serde(default)]
    pub author: String,
    /// The Atom feed (`atom.xml`).
    #[serde(default)]
    pub feed: FeedConfig,
    /// Readable offline: a service worker caches the theme, the search engine and the pages
    /// readers open, and offers to save the whole guide.
    #[serde(default)]
    pub offline: bool,
    /// A page without `updated:` takes the date of the last git commit that changed its file.
    #[serde(default)]
    pub updated_from_git: bool,
    /// Search settings: synonyms and the thesaurus.
    #[serde(default)]
    pub search: SearchConfig,
    /// How Markdown is rendered.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Links shown in the header menu.
    #[serde(default)]
    pub menu: Vec<MenuLink>,
    /// Text shown in the footer (Markdown not interpreted).
    #[serde(default)]
    pub footer: String,
    /// Free-form values for custom templates.
    #[serde(default, deserialize_with = "crate::frontmatter::extra")]
    pub extra: serde_yaml::Mapping,
}

/// `feed:` in `config.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// Write `atom.xml`.
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

/// `search:` in `config.yaml`: what words also find.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Extra synonym groups, each member finding the others, e.g. `[[ASN, pegawai negeri]]`.
    #[serde(default)]
    pub synonyms: Vec<Vec<String>>,
    /// One-way expansions: a word or phrase readers type → what the pages say. An entry
    /// replaces every other rule for its word; an empty list removes them.
    #[serde(default)]
    pub thesaurus: std::collections::BTreeMap<String, Vec<String>>,
    /// Use Pedoman's everyday-language thesaurus (`src/search/thesaurus.txt`).
    #[serde(default = "yes")]
    pub builtin_thesaurus: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { synonyms: Vec::new(), thesaurus: Default::default(), builtin_thesaurus: true }
    }
}

impl SearchConfig {
    /// Every synonym and thesaurus member must hold a word search can match.
    fn check(&self, text: &str, shown: &Path) -> Result<(), Diagnostic> {
        let members =
            self.synonyms.iter().flatten().chain(self.thesaurus.iter().flat_map(|(k, v)| std::iter::once(k).chain(v)));
        for member in members {
            if let Some(problem) = crate::search::synonyms::check_member(member) {
                // The member's line, for the message: its first appearance after `search:`.
                let from = text.find("search:").unwrap_or(0);
                let (line, col) = text[from..].find(member.as_str()).map_or((0, 0), |at| {
                    let before = &text[..from + at];
                    (before.matches('\n').count() + 1, before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1)
                });
                return Err(Diagnostic::new(shown, line, col, format!("search: {problem}"))
                    .with_hint("give a word or phrase with at least one meaningful word, or remove it"));
            }
        }
        Ok(())
    }
}

/// `markdown:` in `config.yaml`.
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

/// One link of the header menu (`menu:` in `config.yaml`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuLink {
    /// The link's text.
    pub name: String,
    /// Where it goes: a site path (`/tentang/`) or a full URL.
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
        let text = crate::frontmatter::read_limited(&path)
            .map_err(|e| {
                let hint = if e.kind() == std::io::ErrorKind::NotFound {
                    "every site needs a config.yaml at its root; `pedoman init DIR` creates one"
                } else {
                    "config.yaml must be a plain file Pedoman can read"
                };
                Diagnostic::new(shown, 0, 0, format!("cannot read config.yaml: {e}")).with_hint(hint)
            })?
            .ok_or_else(|| Diagnostic::new(shown, 0, 0, "config.yaml is larger than 16 MB"))?;
        let text = String::from_utf8(text).map_err(|_| {
            Diagnostic::new(shown, 0, 0, "config.yaml is not valid UTF-8").with_hint("save the file as UTF-8")
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if text.trim().is_empty() {
            return Err(Diagnostic::new(shown, 1, 1, "config.yaml is empty").with_hint("add at least `title: …`"));
        }
        let mut config: Config = crate::frontmatter::parse(shown, text, 0)?;
        let at = |key: &str, (message, hint): (String, String)| {
            Diagnostic::new(shown, crate::frontmatter::key_line(text, 1, key), 1, format!("{key}: {message}"))
                .with_hint(hint)
        };
        config.base_url = checked_base_url(&config.base_url).map_err(|e| at("base_url", e))?;
        check_theme(&config.theme).map_err(|e| at("theme", e))?;
        check_language(&config.language).map_err(|e| at("language", e))?;
        config.search.check(text, shown)?;
        Ok(config)
    }

    /// The feed's author: `author`, or the site's title when none is set.
    pub fn author(&self) -> &str {
        if self.author.trim().is_empty() {
            &self.title
        } else {
            &self.author
        }
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

/// `base` (a `base_path`) + `/path`, for links inside the site; a full URL stays as it is.
pub fn site_url(base: &str, path: &str) -> String {
    // A path of the site starts with `/` (and may carry `://` in its query); checked first, it
    // also spares the search on every link of every page.
    if !path.starts_with('/') && path.contains("://") {
        return path.to_string();
    }
    format!("{base}/{}", path.trim_start_matches('/'))
}

/// A theme is a folder of `themes/`: one plain name, so `theme:` cannot reach a folder outside
/// the site (`../x`, `/etc`) and publish its files.
fn check_theme(name: &str) -> Result<(), (String, String)> {
    let plain = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !name.is_empty() && !name.starts_with('.') && name.chars().all(plain) {
        return Ok(());
    }
    Err((
        format!("`{name}` is not a theme name"),
        "name a folder of themes/ (`theme: nama-tema` for themes/nama-tema/): letters, digits, `-`, `_` and `.`".into(),
    ))
}

/// A language code (`id`, `en`, `en-GB`): it names the theme's `i18n/CODE.yaml` and goes into
/// every page's `lang` attribute.
fn check_language(code: &str) -> Result<(), (String, String)> {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    let ok = (2..=8).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if ok {
        return Ok(());
    }
    Err((format!("`{code}` is not a language code"), "write a code such as `id` (Indonesian) or `en`".into()))
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
    let raw = raw.trim();
    // The url crate reads `\` as `/` and drops `..` segments; say so rather than guess.
    if raw.contains('\\') {
        return Err(("contains a backslash".into(), "separate the parts of the address with `/`".into()));
    }
    let path = raw.split_once("://").map_or("", |(_, rest)| rest.split_once('/').map_or("", |(_, p)| p));
    if path.split('/').any(|seg| matches!(seg.to_ascii_lowercase().replace("%2e", ".").as_str(), "." | "..")) {
        return Err(("has `.` or `..` in its path".into(), "write the path it leads to, without `.` and `..`".into()));
    }
    let url = Url::parse(raw).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => {
            (format!("`{raw}` has no scheme"), format!("start it with https:// or http://; {example}"))
        }
        e => (format!("`{raw}` is not a valid URL ({e})"), example.into()),
    })?;
    let problem = if !matches!(url.scheme(), "http" | "https") {
        Some(format!("the scheme must be http or https, not `{}`", url.scheme()))
    } else if !raw[url.scheme().len()..].starts_with("://") {
        Some(format!("`{raw}` lacks the `//` after `{}:`", url.scheme()))
    } else if url.host_str().is_none_or(str::is_empty) {
        Some("has no host name".to_string())
    } else if !url.username().is_empty() || url.password().is_some() {
        Some("must not hold a user name or password".to_string())
    } else if url.port() == Some(0) {
        Some("port 0 is not a port a site can be reached on".to_string())
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
    use super::{check_language, check_theme, checked_base_url, site_url};

    #[test]
    fn site_urls_prefix_the_base_and_keep_full_urls() {
        assert_eq!(site_url("/rb", "/nilai/akuntabel/"), "/rb/nilai/akuntabel/");
        assert_eq!(site_url("", "nilai/"), "/nilai/");
        assert_eq!(site_url("/rb", "https://menpan.go.id/x"), "https://menpan.go.id/x");
        // A path of the site whose query holds a URL is still a path of the site.
        assert_eq!(site_url("/rb", "/keluar/?ke=https://x.id"), "/rb/keluar/?ke=https://x.id");
    }

    #[test]
    fn theme_and_language_are_names_not_paths() {
        for ok in ["pedoman", "tema-2", "my_theme.v2"] {
            assert!(check_theme(ok).is_ok(), "{ok}");
        }
        for bad in ["", "..", "../x", "/etc", "a/b", "a\\b", ".hidden", "x\ny"] {
            assert!(check_theme(bad).is_err(), "{bad:?}");
        }
        for ok in ["id", "en", "en-GB", "zh-Hant-TW", "jv"] {
            assert!(check_language(ok).is_ok(), "{ok}");
        }
        for bad in ["", "i", "../../etc/passwd", "en_GB", "id\n", "en-", "x y"] {
            assert!(check_language(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn base_urls_are_absolute_http_without_extras() {
        assert_eq!(checked_base_url("https://rb.example.go.id/panduan/").unwrap(), "https://rb.example.go.id/panduan");
        assert_eq!(checked_base_url("http://LOCALHOST:1111").unwrap(), "http://localhost:1111");
        assert_eq!(checked_base_url(" https://x.id ").unwrap(), "https://x.id");
        assert_eq!(checked_base_url("https://bücher.example/a..b/").unwrap(), "https://xn--bcher-kva.example/a..b");
        assert_eq!(checked_base_url("http://[::1]:8080/rb").unwrap(), "http://[::1]:8080/rb");
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
            "https:x.id",
            "https:/x.id",
            "https://x.id\\evil.id/",
            "https://x.id/a/../b",
            "https://x.id/%2E%2e/b",
            "https://x.id/./b",
            "https://x.id:0/",
        ] {
            assert!(checked_base_url(bad).is_err(), "{bad:?} accepted");
        }
    }
}
