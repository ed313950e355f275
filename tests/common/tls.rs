//! A loopback server that speaks plain HTTP and HTTPS on one port — it looks at each
//! connection's first byte (a TLS handshake starts with 0x16) — with the test certificate
//! authority of `tests/tls/` (see its README). It gives one host and port under two schemes,
//! which is how RFC 9309 tells robots.txt files apart.

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};

/// The CA that signed the server's certificate (for `ca_certs` in a crawl configuration).
pub const CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls/ca.pem");
const CERT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls/server.pem");
const KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls/server.key");

/// A connection, plain or TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Who connected, and whether over TLS (`ConnectInfo<Peer>` in a handler).
#[derive(Clone, Copy, Debug)]
pub struct Peer {
    pub addr: SocketAddr,
    pub tls: bool,
}

struct EitherListener {
    tcp: TcpListener,
    tls: TlsAcceptor,
}

impl Listener for EitherListener {
    type Io = Box<dyn Io>;
    type Addr = Peer;

    async fn accept(&mut self) -> (Box<dyn Io>, Peer) {
        let wait = Duration::from_secs(5);
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            let mut first = [0u8; 1];
            match tokio::time::timeout(wait, tcp.peek(&mut first)).await {
                Ok(Ok(1)) if first[0] == 0x16 => {
                    if let Ok(Ok(s)) = tokio::time::timeout(wait, self.tls.accept(tcp)).await {
                        return (Box::new(s), Peer { addr, tls: true });
                    }
                }
                Ok(Ok(_)) => return (Box::new(tcp), Peer { addr, tls: false }),
                _ => {}
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Peer> {
        Ok(Peer {
            addr: self.tcp.local_addr()?,
            tls: false,
        })
    }
}

impl Connected<IncomingStream<'_, EitherListener>> for Peer {
    fn connect_info(s: IncomingStream<'_, EitherListener>) -> Peer {
        *s.remote_addr()
    }
}

/// Serve `app` over http and https on one ephemeral port of 127.0.0.1; returns the port.
pub async fn serve_both(app: axum::Router) -> u16 {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(CERT)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(KEY).unwrap();
    let config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = tcp.local_addr().unwrap().port();
    let listener = EitherListener {
        tcp,
        tls: TlsAcceptor::from(Arc::new(config)),
    };
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<Peer>())
            .await
            .unwrap()
    });
    port
}
