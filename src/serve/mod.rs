//! `pedoman serve`: local preview with rebuild on save and live reload.

use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: IpAddr,
    pub drafts: bool,
    pub open: bool,
}

pub fn serve(opts: ServeOptions) -> anyhow::Result<()> {
    let _ = opts;
    anyhow::bail!("serve not implemented yet")
}
