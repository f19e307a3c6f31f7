//! Theme resolution: the embedded default theme, then `themes/NAME/` on disk, then the site's
//! own `templates/` and `static/`, each layer overriding the one before file by file.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::walk;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// `themes/pedoman` as build.rs copied it, scripts and style sheets minified.
static DEFAULT_THEME: Dir = include_dir!("$OUT_DIR/theme");
/// `path<TAB>FNV-1a of the source` of each file build.rs minified.
const MINIFIED: &str = include_str!(concat!(env!("OUT_DIR"), "/theme-minified.tsv"));

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub(crate) enum StaticSource {
    Embedded(&'static [u8]),
    /// `path` to read, `shown` in messages (`static/logo.png`).
    Disk {
        path: PathBuf,
        shown: PathBuf,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub source: String,
    /// Path shown in messages (`themes/pedoman/templates/page.html`, `templates/page.html`).
    pub shown: PathBuf,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Theme {
    pub templates: BTreeMap<String, Template>,
    pub statics: BTreeMap<String, StaticSource>,
    /// UI strings for the site's language (English filling any gaps).
    pub strings: BTreeMap<String, String>,
}

impl Theme {
    /// Loads the three layers (`root` canonical). Problems come back beside what did load, so
    /// they are reported together with the content's.
    pub(crate) fn load(root: &Path, config: &Config) -> (Theme, Vec<Diagnostic>) {
        let mut theme = Theme::default();
        let mut diags = Vec::new();
        let mut string_layers: Vec<(PathBuf, String)> = Vec::new();
        for file in embedded_files(&DEFAULT_THEME) {
            let rel = file.path().to_string_lossy().replace('\\', "/");
            let shown = Path::new("themes/pedoman").join(&rel);
            if let Some(name) = rel.strip_prefix("templates/") {
                match std::str::from_utf8(file.contents()) {
                    Ok(s) => {
                        theme.templates.insert(name.to_string(), Template { source: s.to_string(), shown });
                    }
                    Err(_) => diags.push(Diagnostic::new(shown, 0, 0, "embedded template is not UTF-8")),
                }
            } else if let Some(name) = rel.strip_prefix("static/") {
                theme.statics.insert(name.to_string(), StaticSource::Embedded(file.contents()));
            } else if let Some(lang) = rel.strip_prefix("i18n/").and_then(|l| l.strip_suffix(".yaml")) {
                if lang == "en" || lang == config.language {
                    let text = String::from_utf8_lossy(file.contents()).to_string();
                    let layer = (shown, text);
                    if lang == "en" {
                        string_layers.insert(0, layer);
                    } else {
                        string_layers.push(layer);
                    }
                }
            }
        }
        let theme_dir = root.join("themes").join(&config.theme);
        let inside = theme_dir.canonicalize().is_ok_and(|real| real.starts_with(root));
        if theme_dir.is_dir() && !inside {
            diags.push(
                Diagnostic::new(
                    Path::new("themes").join(&config.theme),
                    0,
                    0,
                    "the theme folder is a symbolic link to outside the site: it is not followed",
                )
                .with_hint("copy the theme into the site's themes/ folder"),
            );
        } else if theme_dir.is_dir() {
            let shown = Path::new("themes").join(&config.theme);
            theme.overlay_templates(root, &shown.join("templates"), &mut diags);
            theme.overlay_statics(root, &shown.join("static"), &mut diags);
            for lang in ["en", config.language.as_str()] {
                let path = theme_dir.join("i18n").join(format!("{lang}.yaml"));
                if let Ok(text) = std::fs::read_to_string(&path) {
                    string_layers.push((shown.join("i18n").join(format!("{lang}.yaml")), text));
                }
            }
        } else if config.theme != "pedoman" {
            diags.push(
                Diagnostic::new("config.yaml", 0, 0, format!("theme `{}` not found", config.theme)).with_hint(format!(
                    "put it in themes/{}/ or remove `theme:` to use the default theme",
                    config.theme
                )),
            );
        }
        theme.overlay_templates(root, Path::new("templates"), &mut diags);
        theme.overlay_statics(root, Path::new("static"), &mut diags);
        for (shown, text) in string_layers {
            match serde_yaml::from_str::<BTreeMap<String, String>>(&text) {
                Ok(map) => theme.strings.extend(map),
                Err(e) => diags.push(Diagnostic::from_yaml(&shown, 0, &e)),
            }
        }
        (theme, diags)
    }

    /// Templates below `root/dir`, replacing those of the layers before.
    fn overlay_templates(&mut self, root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) {
        let (files, errors) = walk::files(root, &dir.to_string_lossy());
        diags.extend(errors);
        for file in files {
            let shown = dir.join(&file.rel);
            match std::fs::read_to_string(&file.path) {
                Ok(source) => {
                    self.templates.insert(file.rel, Template { source, shown });
                }
                Err(e) => diags.push(
                    Diagnostic::new(shown, 0, 0, format!("cannot read template: {e}"))
                        .with_hint("templates are text files saved as UTF-8"),
                ),
            }
        }
    }

    /// Static files below `root/dir`, replacing those of the layers before.
    fn overlay_statics(&mut self, root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) {
        let (files, errors) = walk::files(root, &dir.to_string_lossy());
        diags.extend(errors);
        for file in files {
            if is_default_source(&file.rel, &file.path) {
                continue;
            }
            let shown = dir.join(&file.rel);
            self.statics.insert(file.rel, StaticSource::Disk { path: file.path, shown });
        }
    }

    /// The URL of each static file for templates' `asset()`, with a hash of its bytes when
    /// `hashed` (`/style.css?h=1a2b3c4d`), and an error for each file that cannot be read.
    pub(crate) fn asset_urls(&self, base: &str, hashed: bool) -> (BTreeMap<String, String>, Vec<Diagnostic>) {
        let mut urls = BTreeMap::new();
        let mut diags = Vec::new();
        for (rel, src) in &self.statics {
            let url = crate::config::site_url(base, rel);
            if !hashed {
                urls.insert(rel.clone(), url);
                continue;
            }
            let hash = match src {
                StaticSource::Embedded(bytes) => Ok(crate::output::short_hash(bytes)),
                StaticSource::Disk { path, .. } => std::fs::read(path).map(|bytes| crate::output::short_hash(&bytes)),
            };
            match hash {
                Ok(hash) => {
                    urls.insert(rel.clone(), format!("{url}?h={hash}"));
                }
                Err(e) => {
                    let StaticSource::Disk { shown, .. } = src else { unreachable!("embedded files are read") };
                    diags.push(
                        Diagnostic::new(shown, 0, 0, format!("cannot read static file: {e}"))
                            .with_hint("make it readable for the user running pedoman, or remove it"),
                    );
                }
            }
        }
        (urls, diags)
    }

    /// A UI string, or the key itself when the theme has none.
    pub(crate) fn string(&self, key: &str) -> String {
        self.strings.get(key).cloned().unwrap_or_else(|| key.to_string())
    }
}

/// Whether static file `rel` on disk is byte for byte the default theme's source of a file
/// embedded minified (this repository's own `themes/pedoman`, or a copied theme's untouched
/// files): then the minified copy is served. An edited copy is served as written.
fn is_default_source(rel: &str, path: &Path) -> bool {
    use std::hash::Hasher;
    let want = MINIFIED.lines().find_map(|l| l.strip_prefix("static/")?.strip_prefix(rel)?.strip_prefix('\t'));
    let Some(want) = want else { return false };
    let Ok(bytes) = std::fs::read(path) else { return false };
    let mut hash = fnv::FnvHasher::default();
    hash.write(&bytes);
    format!("{:016x}", hash.finish()) == want
}

fn embedded_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(embedded_files(sub));
    }
    out
}
