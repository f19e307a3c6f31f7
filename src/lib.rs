//! Pedoman: a static knowledge-site generator for reform guidance.
//!
//! The build is one forward pipeline, each stage a module:
//! `content` (load: walk + `frontmatter`) → `markdown` (parse) → `render` (Tera, with `theme`)
//! → `search` (index) → `output` (atomic write), plus `feeds` (sitemap, Atom, robots).
//! `build` wires the stages; `serve` drives `build` for local preview.

pub mod build;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod feeds;
pub mod frontmatter;
pub mod git_dates;
pub mod glossary;
pub mod init;
pub mod markdown;
pub mod offline;
pub mod output;
pub mod render;
pub mod render_budget;
pub mod search;
pub mod serve;
pub mod theme;

pub use build::{BuildOptions, BuildReport, Builder, OutputMode};
pub use diagnostics::{Diagnostic, Diagnostics};
