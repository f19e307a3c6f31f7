//! Pedoman: a static knowledge-site generator for reform guidance.
//!
//! The build is one forward pipeline, each stage a module:
//! `content` (load: walk + front matter) → `markdown` (parse) → `render` (Tera)
//! → `search` (index) → `output` (atomic write). `build` wires the stages;
//! `serve` drives `build` for local preview.

pub mod build;
pub mod diagnostics;
pub mod init;
pub mod search;
pub mod serve;

pub use build::{BuildOptions, BuildReport, Builder, OutputMode};
pub use diagnostics::{Diagnostic, Diagnostics};
