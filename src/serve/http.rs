//! The preview's HTTP/1.1 server: hyper on a small tokio runtime of its own thread, so the rest
//! of `serve` (watcher, rebuilds) stays synchronous.
//!
//! Every connection is a task, not a thread: a live-reload stream or a browser's idle
//! keep-alive connection costs next to nothing and can never keep a new connection waiting.
//! What to answer is decided by [`routes::answer`] alone (run on the blocking pool, as it opens
//! files); the event stream comes from the [`Hub`]. Files are sent in chunks as the client
//! reads them, so a download costs a buffer, not the file's size.

use super::reload::{Hub, Subscription};
use super::routes::{self, Answer, Content, Reply};
use http_body_util::{Either, Full};
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, HOST, RANGE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Tasks are cheap; two workers keep a slow request from delaying the event streams.
const WORKERS: usize = 2;
/// A connection that sends no (complete) request head for this long is closed.
const HEADER_READ: Duration = Duration::from_secs(30);
/// On shutdown, how long answers in flight may take to finish before their connections are cut.
const GRACE: Duration = Duration::from_secs(2);
/// Bytes read from a file per body frame.
const CHUNK: usize = 64 * 1024;

type ResponseBody = Either<Full<Bytes>, Either<FileBody, EventBody>>;

pub(crate) struct Server {
    addr: SocketAddr,
    hub: Arc<Hub>,
    stop: Option<oneshot::Sender<()>>,
    runtime: Option<JoinHandle<()>>,
}

struct Shared {
    root: PathBuf,
    hub: Arc<Hub>,
    /// The address bound, for the `Host` check.
    addr: SocketAddr,
}

impl Server {
    /// Listens on `addr` and serves `root` (canonical) until dropped.
    pub(crate) fn start(addr: SocketAddr, root: PathBuf, hub: Arc<Hub>) -> io::Result<Server> {
        // Bound here, so a busy port is this call's error.
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .thread_name("pedoman-http")
            .enable_io()
            .enable_time()
            .build()?;
        let listener = {
            let _context = runtime.enter();
            TcpListener::from_std(listener)?
        };
        let shared = Arc::new(Shared { root, hub: hub.clone(), addr });
        let (stop, stopped) = oneshot::channel();
        let runtime = std::thread::Builder::new().name("pedoman-server".into()).spawn(move || {
            runtime.block_on(accept_loop(listener, shared, stopped));
            // File reads still running on the blocking pool are short; do not wait on a stuck one.
            runtime.shutdown_timeout(Duration::from_secs(1));
        })?;
        Ok(Server { addr, hub, stop: Some(stop), runtime: Some(runtime) })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    /// Stops accepting, ends the event streams, lets answers in flight finish (for a moment),
    /// closes every connection and joins the runtime's thread.
    fn drop(&mut self) {
        self.hub.close();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(runtime) = self.runtime.take() {
            let _ = runtime.join();
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: oneshot::Receiver<()>) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(HEADER_READ);
    let connections = GracefulShutdown::new();
    loop {
        let stream = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: pass, and let the next accept retry.
                    eprintln!("warning: accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Small writes (event frames) must leave at once, not wait for Nagle.
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let service = service_fn(move |request| respond(request, shared.clone()));
        let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that goes away mid-answer is its own business.
            let _ = connection.await;
        });
    }
    drop(listener);
    // Idle keep-alive connections close now, event streams end as the hub has closed; whatever
    // is still open after the grace period is cut when the runtime drops its tasks.
    let _ = tokio::time::timeout(GRACE, connections.shutdown()).await;
}

async fn respond(request: Request<Incoming>, shared: Arc<Shared>) -> Result<Response<ResponseBody>, Infallible> {
    let method = request.method().as_str().to_string();
    // Origin form (`/a?b`) as sent; `*` and absolute forms too, which `answer` refuses.
    let target = request.uri().to_string();
    let header = |name| request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    // Two `Host` headers leave in doubt which one a proxy in between read: answer neither
    // (an empty host is refused).
    let host = if request.headers().get_all(HOST).iter().count() > 1 { Some(String::new()) } else { header(HOST) };
    let range = header(RANGE);
    let worker = shared.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let request =
            routes::Request { method: &method, target: &target, host: host.as_deref(), range: range.as_deref() };
        routes::answer(&request, &worker.root, worker.addr)
    })
    .await;
    Ok(match answer {
        Ok(Answer::Reply(reply)) => full(reply),
        Ok(Answer::Events) => match shared.hub.subscribe() {
            Some(frames) => events(frames),
            None => full(routes::text(503, "The preview is stopping\n")),
        },
        Err(_) => full(routes::text(500, "Internal error\n")),
    })
}

fn full(reply: Reply) -> Response<ResponseBody> {
    let mut response = Response::builder().status(reply.status);
    for (name, value) in reply.headers {
        response = response.header(name, value);
    }
    let body = match reply.body {
        Content::Bytes(bytes) => Either::Left(Full::new(Bytes::from(bytes))),
        Content::File { file, len } => {
            response = response.header(CONTENT_LENGTH, len);
            Either::Right(Either::Left(FileBody { file: tokio::fs::File::from_std(file), left: len }))
        }
    };
    response.body(body).unwrap_or_else(|_| {
        // Only a header value `routes` built from the target could be invalid.
        let mut response = Response::new(Either::Left(Full::new(Bytes::from_static(b"Bad request\n"))));
        *response.status_mut() = StatusCode::BAD_REQUEST;
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
        response
    })
}

/// The next `left` bytes of a file, read a chunk at a time when hyper asks for more, that is when
/// the client has taken the last one.
struct FileBody {
    file: tokio::fs::File,
    left: u64,
}

impl Body for FileBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let mut chunk = vec![0; CHUNK.min(this.left as usize)];
        let mut buf = ReadBuf::new(&mut chunk);
        match Pin::new(&mut this.file).poll_read(cx, &mut buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
            // The file shrank under us (a rebuild replaced it): end here, hyper reports the short body.
            Poll::Ready(Ok(())) if buf.filled().is_empty() => {
                Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::UnexpectedEof, "file shrank while sent"))))
            }
            Poll::Ready(Ok(())) => {
                let n = buf.filled().len();
                this.left -= n as u64;
                chunk.truncate(n);
                Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}

/// An event stream: no length, so it runs until the hub ends it or the client goes.
fn events(frames: Subscription) -> Response<ResponseBody> {
    let mut response = Response::new(Either::Right(Either::Right(EventBody(frames))));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream; charset=utf-8"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// A [`Subscription`] as a response body, one data frame per event.
struct EventBody(Subscription);

impl Body for EventBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.get_mut().0.poll_frame(cx).map(|frame| frame.map(|frame| Ok(Frame::data(frame))))
    }
}
