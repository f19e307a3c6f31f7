//! Pedoman: a static knowledge-site generator for reform guidance.
//!
//! The build is one forward pipeline, each stage a module:
//! `load` (`walk` + `content` + `frontmatter` + `markdown`) → `claims` (who writes each output
//! path) → `links` → `render` (Tera, with `theme`; `rerender` decides what a rebuild renders)
//! → `index` (`search`) → `output` (atomic swap or in-place writes), plus `feeds` (sitemap,
//! Atom, robots). `build` calls the stages in order; `serve` drives `build` for local preview.

pub mod build;
pub mod claims;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod feeds;
pub mod frontmatter;
pub mod git_dates;
pub mod glossary;
pub mod index;
pub mod init;
pub mod links;
pub mod load;
pub mod markdown;
pub mod offline;
pub mod output;
pub mod render;
pub mod render_budget;
pub mod rerender;
pub mod search;
pub mod serve;
pub mod theme;
pub mod walk;

pub use build::{BuildOptions, BuildReport, Builder, Stage, Write};
pub use diagnostics::{Diagnostic, Diagnostics};
