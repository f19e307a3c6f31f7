//! Pedoman: a static knowledge-site generator for reform guidance.
//!
//! A site is a folder (`config.yaml`, `content/` of Markdown with YAML front matter,
//! optional `templates/`, `static/` and `themes/`); [`Builder`] turns it into a folder of
//! HTML, and [`serve`] previews it with reload on save.
//!
//! # The pipeline
//!
//! One forward pipeline, each stage a private module that only reads what the stages
//! before it made:
//!
//! 1. **load**: [`Config`] from `config.yaml`, then every content file: its
//!    [`frontmatter`] and its body through [`markdown::render`];
//! 2. **claims** and **links**: who writes each output path, and every internal link
//!    resolved to a URL;
//! 3. **render**: the theme's Tera templates fill each page, section, taxonomy and print
//!    page, plus the sitemap, Atom feed and robots.txt;
//! 4. **index**: the [`search`] index, from each page's text cut into
//!    [`Passage`](markdown::Passage)s;
//! 5. **write**: the output replaced atomically ([`Write`]), so a failed build leaves the
//!    previous site untouched.
//!
//! Every problem found on the way is a [`Diagnostic`] (`path:line:col: message` and a
//! hint); a failed build returns them all at once as [`Diagnostics`].
//!
//! # The main types
//!
//! - [`Builder`] with [`BuildOptions`] builds a site and keeps the caches that make the
//!   next build incremental; it reports a [`BuildReport`].
//! - [`serve::start`] runs the preview server ([`serve::ServeOptions`]).
//! - [`search::Engine`] answers queries on a built site's index, as the browser does;
//!   [`search::build_index`] makes one from [`search::PageText`]s.
//! - [`scaffold`] writes a starter site.

mod build;
mod claims;
pub mod config;
mod content;
mod diagnostics;
mod feeds;
pub mod frontmatter;
mod git_dates;
mod glossary;
mod index;
mod init;
mod links;
mod load;
pub mod markdown;
mod offline;
mod output;
mod render;
mod render_budget;
mod rerender;
pub mod search;
pub mod serve;
mod theme;
mod walk;

pub use build::{BuildOptions, BuildReport, Builder, Stage, Write};
pub use config::Config;
pub use diagnostics::{Diagnostic, Diagnostics};
pub use init::scaffold;
pub use render_budget::use_small_pages;

/// The template as the render budget instruments it, for the `template` fuzz target
/// (`fuzz/`); built only under `cargo fuzz`, not part of the API.
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn fuzz_instrument_template(text: &str) -> String {
    render_budget::instrument(text).source
}
