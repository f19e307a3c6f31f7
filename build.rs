//! Build script: the default theme is embedded (include_dir, from `$OUT_DIR/theme`) with its
//! scripts and style sheets minified, since every reader's phone downloads them; the sources
//! in `themes/pedoman` stay readable. `$OUT_DIR/theme-minified.tsv` lists each minified file
//! with the hash of its source (`theme.rs`: a copy of that source on disk is served minified).

use std::hash::Hasher;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=themes/pedoman");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let theme = out.join("theme");
    if theme.exists() {
        std::fs::remove_dir_all(&theme).expect("remove the previous embedded theme");
    }
    let mut list = String::new();
    copy(Path::new("themes/pedoman"), &theme, "", &mut list);
    std::fs::write(out.join("theme-minified.tsv"), list).expect("write theme-minified.tsv");
}

/// Copies `from` to `to`, minifying `.js` and `.css`; `rel` is `from` inside the theme.
fn copy(from: &Path, to: &Path, rel: &str, list: &mut String) {
    std::fs::create_dir_all(to).expect("create the embedded theme's folder");
    let mut entries: Vec<_> = std::fs::read_dir(from).expect("read the theme").map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_str().expect("theme file names are UTF-8");
        let (target, rel) = (to.join(name), format!("{rel}{name}"));
        if path.is_dir() {
            copy(&path, &target, &format!("{rel}/"), list);
            continue;
        }
        let source = std::fs::read(&path).expect("read a theme file");
        let text = || String::from_utf8(source.clone()).unwrap_or_else(|_| panic!("{rel} is not UTF-8"));
        let minified = match path.extension().and_then(|e| e.to_str()) {
            Some("js") => minifier::js::minify(&text()).to_string(),
            Some("css") => match minifier::css::minify(&text()) {
                Ok(css) => css.to_string(),
                Err(e) => panic!("themes/pedoman/{rel}: cannot minify: {e}"),
            },
            _ => {
                std::fs::write(&target, &source).expect("write the embedded theme");
                continue;
            }
        };
        let mut hash = fnv::FnvHasher::default();
        hash.write(&source);
        list.push_str(&format!("{rel}\t{:016x}\n", hash.finish()));
        std::fs::write(&target, minified).expect("write the embedded theme");
    }
}
