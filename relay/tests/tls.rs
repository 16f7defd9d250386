//! Serving `wss://` directly with a PEM certificate and key.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use std::sync::Arc;

use certbridge_relay::TlsFiles;
use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_tungstenite::client_async;

struct Tls {
    _dir: tempfile::TempDir,
    files: TlsFiles,
    connector: TlsConnector,
}

fn self_signed() -> Tls {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.signing_key.serialize_pem()).unwrap();
    let mut roots = RootCertStore::empty();
    roots.add(ck.cert.der().clone()).unwrap();
    let client = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Tls { _dir: dir, files: TlsFiles { cert, key }, connector: TlsConnector::from(Arc::new(client)) }
}

async fn wss(relay: &Relay, tls: &Tls, id: &str, role: &str) -> tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(relay.addr).await.unwrap();
    let stream = tls.connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await.unwrap();
    let url = format!("wss://localhost/v1/rendezvous/{id}?role={role}");
    let (ws, resp) = client_async(url, stream).await.unwrap();
    assert_eq!(resp.status(), 101);
    ws
}

#[tokio::test]
async fn pairs_and_forwards_over_tls() {
    let tls = self_signed();
    let mut c = config();
    c.tls = Some(tls.files.clone());
    let relay = Relay::start(c).await;
    let id = new_id();
    let mut host = wss(&relay, &tls, &id, "host").await;
    let mut guest = wss(&relay, &tls, &id, "guest").await;
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    guest.send(Message::Binary(vec![9u8; 20_000].into())).await.unwrap();
    // The host is told its guest arrived (the `paired` ping), then gets
    // the message.
    match host.next().await.unwrap().unwrap() {
        Message::Ping(p) => assert_eq!(&p[..], b"paired"),
        other => panic!("{other:?}"),
    }
    match host.next().await.unwrap().unwrap() {
        Message::Binary(b) => assert_eq!(b.to_vec(), vec![9u8; 20_000]),
        other => panic!("{other:?}"),
    }
    host.send(Message::Binary(b"back".to_vec().into())).await.unwrap();
    match guest.next().await.unwrap().unwrap() {
        Message::Binary(b) => assert_eq!(&b[..], b"back"),
        other => panic!("{other:?}"),
    }

    // Plain HTTP on the TLS port gets nowhere, and the relay carries on.
    let mut plain = TcpStream::connect(relay.addr).await.unwrap();
    plain.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(PATIENCE, plain.read_to_end(&mut buf)).await.unwrap();
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));
    let mut again = wss(&relay, &tls, &new_id(), "host").await;
    again.close(None).await.unwrap();
    relay.shutdown().await;
}

#[tokio::test]
async fn unreadable_tls_files_stop_the_start_with_a_clear_error() {
    let mut c = config();
    c.tls = Some(TlsFiles { cert: "/nonexistent/cert.pem".into(), key: "/nonexistent/key.pem".into() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = certbridge_relay::run(listener, c, std::future::pending()).await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("/nonexistent/cert.pem") && msg.contains("--tls-cert"), "{msg}");

    // A key file with no key in it.
    let tls = self_signed();
    let mut c = config();
    c.tls = Some(TlsFiles { cert: tls.files.cert.clone(), key: tls.files.cert.clone() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = certbridge_relay::run(listener, c, std::future::pending()).await.unwrap_err();
    assert!(err.to_string().contains("--tls-key"), "{err}");
}

#[tokio::test]
async fn the_tls_handshake_and_the_headers_share_one_deadline() {
    let tls = self_signed();
    let mut c = config();
    c.tls = Some(tls.files.clone());
    c.limits.header_timeout = std::time::Duration::from_millis(1500);
    let relay = Relay::start(c).await;
    let tcp = TcpStream::connect(relay.addr).await.unwrap();
    let started = std::time::Instant::now();
    // A slow TLS handshake, inside the deadline...
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let mut stream = tls.connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await.unwrap();
    // ...then headers that trickle in.
    let dropped = async {
        for b in b"GET /healthz HTTP/1.1\r\nHost: x\r\n".iter() {
            if stream.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let mut buf = [0u8; 64];
        let _ = stream.read(&mut buf).await;
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), dropped).await.unwrap();
    // Dropped at the one deadline (1.5 s), not one deadline for each step
    // (0.7 s + 1.5 s).
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_millis(2100), "{took:?}");
    assert!(took >= std::time::Duration::from_millis(1400), "{took:?}");
    relay.shutdown().await;
}
