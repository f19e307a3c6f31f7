//! Helpers shared by the integration tests: building fixture sites and driving headless Chromium.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of the built `pedoman` binary (Cargo builds it for integration tests).
pub fn pedoman_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pedoman"))
}

/// Runs `pedoman ARGS…` and returns its output.
pub fn pedoman<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(pedoman_bin()).args(args).output().expect("could not run pedoman binary")
}

/// Writes `files` (relative path, contents) under `root`, creating folders.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// The repository root (where `content/` and `themes/` live).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Chromium from Debian (`apt-get install chromium`), or `$PEDOMAN_CHROMIUM`.
pub fn chromium_path() -> PathBuf {
    let path =
        std::env::var_os("PEDOMAN_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "headless Chromium not found at {}: install it (apt-get install chromium) or set PEDOMAN_CHROMIUM",
        path.display()
    );
    path
}

/// Starts headless Chromium with flags that keep it off the network.
pub fn launch_browser() -> headless_chrome::Browser {
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let opts = headless_chrome::LaunchOptions {
        headless: true,
        sandbox: false,
        path: Some(chromium_path()),
        args,
        window_size: Some((412, 900)),
        idle_browser_timeout: std::time::Duration::from_secs(120),
        ..Default::default()
    };
    headless_chrome::Browser::new(opts).expect("could not launch headless Chromium")
}
