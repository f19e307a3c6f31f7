//! Theme resolution: the embedded default theme, then `themes/NAME/` on disk, then the site's
//! own `templates/` and `static/`, each layer overriding the one before file by file.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

static DEFAULT_THEME: Dir = include_dir!("$CARGO_MANIFEST_DIR/themes/pedoman");

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Template {
    pub source: String,
    /// Path shown in messages (`themes/pedoman/templates/page.html`, `templates/page.html`).
    pub shown: PathBuf,
}

#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, Template>,
    pub statics: BTreeMap<String, StaticSource>,
    /// UI strings for the site's language (English filling any gaps).
    pub strings: BTreeMap<String, String>,
}

impl Theme {
    pub fn load(root: &Path, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
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
        if theme_dir.is_dir() {
            let shown = Path::new("themes").join(&config.theme);
            theme.overlay_dir(&theme_dir.join("templates"), &shown.join("templates"), &mut diags);
            theme.overlay_statics(&theme_dir.join("static"));
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
        theme.overlay_dir(&root.join("templates"), Path::new("templates"), &mut diags);
        theme.overlay_statics(&root.join("static"));
        for (shown, text) in string_layers {
            match serde_yaml::from_str::<BTreeMap<String, String>>(&text) {
                Ok(map) => theme.strings.extend(map),
                Err(e) => diags.push(crate::frontmatter::yaml_diagnostic(&shown, 0, &e)),
            }
        }
        if diags.is_empty() {
            Ok(theme)
        } else {
            Err(diags)
        }
    }

    fn overlay_dir(&mut self, dir: &Path, shown: &Path, diags: &mut Vec<Diagnostic>) {
        for (rel, path) in files_under(dir) {
            let shown = shown.join(&rel);
            match std::fs::read_to_string(&path) {
                Ok(source) => {
                    self.templates.insert(rel, Template { source, shown });
                }
                Err(e) => diags.push(
                    Diagnostic::new(shown, 0, 0, format!("cannot read template: {e}"))
                        .with_hint("templates are text files saved as UTF-8"),
                ),
            }
        }
    }

    fn overlay_statics(&mut self, dir: &Path) {
        for (rel, path) in files_under(dir) {
            self.statics.insert(rel, StaticSource::Disk(path));
        }
    }

    /// A UI string, or the key itself when the theme has none.
    pub fn string(&self, key: &str) -> String {
        self.strings.get(key).cloned().unwrap_or_else(|| key.to_string())
    }
}

fn embedded_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(embedded_files(sub));
    }
    out
}

/// Files below `dir` as (relative path with `/`, full path), sorted; hidden files skipped.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"), e.path().to_path_buf()))
        .collect()
}
