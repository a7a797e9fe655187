//! The accept loop: plain TCP or TLS, one hyper HTTP/1.1 connection per socket, graceful
//! shutdown, and the per-connection [`Cut`] that lets fault injection close a connection
//! without writing another byte to it (which `axum::serve` offers no way to do).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

/// Handed to every request as an extension: cutting closes the request's connection at once,
/// so whatever response is pending is never written.
#[derive(Clone, Debug)]
pub(crate) struct Cut(Arc<Notify>);

impl Cut {
    pub(crate) fn cut(&self) {
        // A stored permit, so the connection sees it even if it is not waiting right now.
        self.0.notify_one();
    }
}

/// Serves `router` on `listener` until `stop` fires (or its sender is dropped), then stops
/// accepting and waits for open connections to finish their current request.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    stop: oneshot::Receiver<()>,
) {
    let (closing, closing_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let task = connection(stream, router.clone(), tls.clone(), closing_rx.clone());
                    connections.spawn(task);
                }
                Err(err) => {
                    // Out of file descriptors and the like: retry rather than spin.
                    tracing::warn!("accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = closing.send(true);
    while connections.join_next().await.is_some() {}
}

async fn connection(
    stream: TcpStream,
    router: Router,
    tls: Option<TlsAcceptor>,
    mut closing: watch::Receiver<bool>,
) {
    // Small request/response exchanges: do not let Nagle hold back the last segment.
    let _ = stream.set_nodelay(true);
    let Some(acceptor) = tls else {
        return http(stream, router, closing).await;
    };
    let handshake = tokio::select! {
        result = acceptor.accept(stream) => result,
        _ = closing.wait_for(|closing| *closing) => return,
    };
    match handshake {
        Ok(stream) => http(stream, router, closing).await,
        Err(err) => tracing::debug!("TLS handshake failed: {err}"),
    }
}

async fn http<S>(stream: S, router: Router, mut closing: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let notify = Arc::new(Notify::new());
    let cut = Cut(notify.clone());
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(cut.clone());
        router.clone().oneshot(request)
    });
    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!("connection ended with an error: {err}");
                }
                return;
            }
            // Returning drops the connection, and with it the socket and the pending response.
            () = notify.notified() => return,
            _ = closing.wait_for(|closing| *closing), if !shutting_down => {
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}
