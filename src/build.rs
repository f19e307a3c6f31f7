//! The pipeline: load → parse → render → index → write.

use crate::diagnostics::Diagnostics;
use std::path::PathBuf;
use std::time::Duration;

/// How results reach the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// Render into a fresh sibling folder and swap it in at the end (`pedoman build`).
    AtomicSwap,
    /// Update the folder in place, writing only files whose bytes changed (`pedoman serve`).
    InPlace,
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Site root: holds `config.yaml`, `content/`, optionally `templates/`, `static/`, `themes/`.
    pub root: PathBuf,
    /// Output folder (default `ROOT/public`).
    pub output: PathBuf,
    /// Overrides `base_url` from the config (serve uses `http://127.0.0.1:PORT`).
    pub base_url: Option<String>,
    pub drafts: bool,
    pub mode: OutputMode,
}

/// What one successful build did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub elapsed: Duration,
    /// Output files (relative to the output folder) created or changed by this build.
    pub written: Vec<PathBuf>,
    /// Output files removed by this build.
    pub removed: Vec<PathBuf>,
}

/// Keeps what a build learned so the next one can redo only what changed.
pub struct Builder {
    opts: BuildOptions,
}

impl Builder {
    pub fn new(opts: BuildOptions) -> Self {
        Builder { opts }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// Builds the site. `changed` lists input files changed since the last successful
    /// build (`None`: treat everything as changed). On error nothing is written.
    pub fn build(&mut self, changed: Option<&[PathBuf]>) -> Result<BuildReport, Diagnostics> {
        let _ = changed;
        Ok(BuildReport::default())
    }
}
