//! `pedoman init`: a new site that builds at once with the embedded default theme.

use std::path::Path;

pub fn scaffold(dir: &Path) -> std::io::Result<()> {
    let _ = dir;
    Ok(())
}
