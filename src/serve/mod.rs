//! `pedoman serve`: local preview with rebuild on save and live reload.
//!
//! Threads, and what each holds:
//! - the HTTP server (`http`): hyper on a two-worker tokio runtime with a thread of its own,
//!   one task per connection, answering from the preview folder (`routes`, on tokio's blocking
//!   pool); live-reload event streams (`reload`) are tasks too, so open tabs never hold up page
//!   requests;
//! - the watcher thread (`watch`), which turns notify events into batches once files are quiet;
//! - the rebuild thread (`rebuild`), which owns the `Builder` and the watcher.
//!
//! The preview is built into its own temp folder (`preview_dir`), never `ROOT/public/`.

mod http;
mod interrupt;
mod preview_dir;
mod rebuild;
mod reload;
mod routes;
mod watch;

use crate::render_budget::Cancel;
use crate::BuildOptions;
use anyhow::{bail, Context};
use preview_dir::PreviewDir;
use rebuild::{Msg, Rebuilder};
use reload::Hub;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use watch::Watcher;

/// What `pedoman serve` previews, and where it listens.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site's root folder.
    pub root: PathBuf,
    /// 0 picks a free port (tests); [`ServerHandle::addr`] tells which.
    pub port: u16,
    /// Address to listen on (`127.0.0.1`).
    pub bind: IpAddr,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// Open the preview in the default browser.
    pub open: bool,
}

/// Runs the preview until Ctrl+C.
pub fn serve(opts: ServeOptions) -> anyhow::Result<()> {
    let open = opts.open;
    // Before the first build, so a Ctrl+C during it still removes the preview folder.
    let interrupts = interrupt::install()?;
    let server = start(opts)?;
    let url = server.url();
    if !server.addr().ip().is_loopback() {
        eprintln!(
            "warning: listening on {}, so every machine that can reach this one sees the preview, drafts included \
             when --drafts is given. Use --bind 127.0.0.1 to keep it to this computer.",
            server.addr().ip()
        );
    }
    println!("Serving at {url} (Ctrl+C to stop)");
    if open {
        if let Err(e) = opener::open_browser(&url) {
            eprintln!("Could not open a browser ({e}): open {url} yourself.");
        }
    }
    interrupts.wait();
    println!("Stopping…");
    drop(server);
    Ok(())
}

/// A running preview server. Dropping it stops the server and removes the preview folder.
pub struct ServerHandle {
    hub: Arc<Hub>,
    /// Stops a build in progress, so stopping never waits for a runaway template.
    cancel: Cancel,
    rebuild_tx: Sender<Msg>,
    rebuild: Option<JoinHandle<()>>,
    // Fields drop in this order: the server (closing every connection), then the folder.
    server: http::Server,
    preview: PreviewDir,
}

impl ServerHandle {
    /// The address the server listens on (with the real port when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://127.0.0.1:1111`; the loopback address when bound to all addresses (`0.0.0.0` is
    /// no address a browser should be sent to).
    pub fn url(&self) -> String {
        format!("http://{}", browsable(self.addr()))
    }

    /// The folder the preview is built into and served from.
    pub fn output_dir(&self) -> &Path {
        self.preview.path()
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
        let _ = self.rebuild_tx.send(Msg::Stop);
        if let Some(rebuild) = self.rebuild.take() {
            let _ = rebuild.join();
        }
        // Ends the event streams; the server's own drop then closes every other connection.
        self.hub.close();
    }
}

/// `addr`, with an unspecified IP (`0.0.0.0`, `::`) replaced by the loopback address.
fn browsable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port()),
        _ => addr,
    }
}

/// Builds the site once, then serves it and rebuilds on every change until the handle drops.
/// Returns once the first build is done (whether or not it succeeded) and requests are answered.
pub fn start(opts: ServeOptions) -> anyhow::Result<ServerHandle> {
    let root =
        opts.root.canonicalize().with_context(|| format!("cannot open the site folder {}", opts.root.display()))?;
    if !root.join(watch::CONFIG_FILE).is_file() {
        bail!(
            "{} has no config.yaml, so it is not a Pedoman site: pass --root DIR, or make a site with `pedoman init DIR`",
            root.display()
        );
    }
    let preview = PreviewDir::create().context("cannot create the preview folder in the temp folder")?;
    let hub = Arc::new(Hub::new());
    let server = http::Server::start(SocketAddr::new(opts.bind, opts.port), preview.path().to_path_buf(), hub.clone())
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AddrInUse {
                anyhow::anyhow!(
                    "port {} on {} is already in use (another `pedoman serve`?): pass --port with another number",
                    opts.port,
                    opts.bind
                )
            } else {
                anyhow::anyhow!("cannot listen on {}:{}: {e}", opts.bind, opts.port)
            }
        })?;
    let addr = server.addr();

    let mut build_opts = BuildOptions::preview(root.clone(), preview.path().to_path_buf());
    // Permalinks and feeds point at the preview, not the published site.
    build_opts.base_url = Some(format!("http://{}", browsable(addr)));
    build_opts.drafts = opts.drafts;
    let (rebuild_tx, rebuild_rx) = mpsc::channel();
    let (ready_tx, ready_rx) = mpsc::channel::<anyhow::Result<()>>();
    let watch_tx = rebuild_tx.clone();
    let rebuild_hub = hub.clone();
    let cancel = Cancel::default();
    let (watch_cancel, rebuild_cancel) = (cancel.clone(), cancel.clone());
    // The Builder is made and used on this one thread, so it need not be `Send`.
    let rebuild = std::thread::Builder::new().name("pedoman-rebuild".into()).spawn(move || {
        // Watch before the first build, so a save made while it runs is not missed.
        let templates = watch::TemplateInputs::new(&root);
        let watcher = match Watcher::start(&root, move |batch| {
            // A build still rendering with the old templates (a runaway loop, say) is pointless:
            // stop it, so the fix shows at once.
            if batch.rescan || batch.paths.iter().any(|p| templates.contains(p)) {
                watch_cancel.cancel();
            }
            let _ = watch_tx.send(Msg::Changed(batch));
        }) {
            Ok(watcher) => watcher,
            Err(e) => {
                let _ = ready_tx.send(Err(e));
                return;
            }
        };
        let mut rebuilder = Rebuilder::new(build_opts, rebuild_hub, rebuild_cancel);
        rebuilder.first_build();
        let _ = ready_tx.send(Ok(()));
        rebuilder.run(rebuild_rx, watcher);
    })?;

    let handle = ServerHandle { hub, cancel, rebuild_tx, rebuild: Some(rebuild), server, preview };
    match ready_rx.recv() {
        Ok(Ok(())) => Ok(handle),
        Ok(Err(e)) => Err(e),
        Err(_) => bail!("the rebuild thread stopped during the first build"),
    }
}
