//! The LAN path: the desktop listens on an ephemeral TCP port on each chosen
//! address and lists them in the invite; the scanner connects to them
//! directly. No server is involved.

use std::future::poll_fn;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::task::Poll;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

use super::{Path, StreamLink};
use crate::invite::MAX_ENDPOINTS;

/// The desktop's listening sockets.
#[derive(Debug)]
pub struct LanListener {
    listeners: Vec<TcpListener>,
    endpoints: Vec<SocketAddr>,
}

/// Why the desktop could not listen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ListenError {
    /// No address to listen on was given or found.
    #[error(
        "this computer has no private network address to listen on; connect to a network, choose one with --listen, or use a relay"
    )]
    NoAddress,
    /// An address that cannot be advertised, such as 0.0.0.0.
    #[error("{0} cannot be listed in a code: choose a specific address")]
    Unspecified(IpAddr),
    /// More addresses than an invite can list.
    #[error("at most {MAX_ENDPOINTS} addresses can be listed in a code")]
    TooMany,
    /// Binding failed.
    #[error("could not listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// What the system said.
        source: io::Error,
    },
}

impl LanListener {
    /// Listens on each address; a port of 0 picks an ephemeral port.
    pub async fn bind(addrs: &[SocketAddr]) -> Result<Self, ListenError> {
        if addrs.is_empty() {
            return Err(ListenError::NoAddress);
        }
        if addrs.len() > MAX_ENDPOINTS {
            return Err(ListenError::TooMany);
        }
        let mut listeners = Vec::with_capacity(addrs.len());
        let mut endpoints = Vec::with_capacity(addrs.len());
        for &addr in addrs {
            if addr.ip().is_unspecified() {
                return Err(ListenError::Unspecified(addr.ip()));
            }
            let listener = TcpListener::bind(addr)
                .await
                .map_err(|source| ListenError::Bind { addr, source })?;
            let local = listener
                .local_addr()
                .map_err(|source| ListenError::Bind { addr, source })?;
            endpoints.push(local);
            listeners.push(listener);
        }
        Ok(Self {
            listeners,
            endpoints,
        })
    }

    /// The addresses and ports to list in the invite.
    pub fn endpoints(&self) -> &[SocketAddr] {
        &self.endpoints
    }

    /// Accepts the next connection on any address, as a link.
    pub async fn accept(&self) -> io::Result<StreamLink<TcpStream>> {
        let (stream, peer) = poll_fn(|cx| {
            for l in &self.listeners {
                if let Poll::Ready(r) = l.poll_accept(cx) {
                    return Poll::Ready(r);
                }
            }
            Poll::Pending
        })
        .await?;
        stream.set_nodelay(true)?;
        Ok(StreamLink::new(stream, Path::Lan { peer }))
    }
}

/// Connects to one of the desktop's endpoints, giving up after `timeout`.
pub async fn connect(addr: SocketAddr, timeout: Duration) -> io::Result<StreamLink<TcpStream>> {
    let stream = tokio::time::timeout(timeout, TcpStream::connect(addr))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, format!("no answer from {addr}")))??;
    stream.set_nodelay(true)?;
    Ok(StreamLink::new(stream, Path::Lan { peer: addr }))
}

/// Interface names that belong to containers, VMs and VPN bridges rather
/// than to the network the phone is on.
const VIRTUAL_PREFIXES: [&str; 8] = [
    "docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "cni", "flannel",
];

/// The machine's private LAN addresses, best first: IPv4 in 192.168/16,
/// 10/8 and 172.16/12, then IPv6 unique-local; loopback, link-local, public
/// and virtual-bridge addresses are left out. At most four.
pub fn private_addresses() -> Vec<IpAddr> {
    let Ok(ifaces) = if_addrs::get_if_addrs() else {
        return Vec::new();
    };
    let mut addrs: Vec<IpAddr> = ifaces
        .into_iter()
        .filter(|i| !VIRTUAL_PREFIXES.iter().any(|p| i.name.starts_with(p)))
        .map(|i| i.ip())
        .filter(is_private_lan)
        .collect();
    addrs.sort_by_key(rank);
    addrs.dedup();
    addrs.truncate(4);
    addrs
}

fn is_private_lan(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_private(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

fn rank(ip: &IpAddr) -> u8 {
    match ip {
        IpAddr::V4(v4) if v4.octets()[0] == 192 => 0,
        IpAddr::V4(v4) if v4.octets()[0] == 10 => 1,
        IpAddr::V4(_) => 2,
        IpAddr::V6(_) => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::Link;

    #[test]
    fn only_private_lan_addresses_count() {
        for (ip, want) in [
            ("192.168.1.5", true),
            ("10.1.2.3", true),
            ("172.16.0.1", true),
            ("172.32.0.1", false),
            ("8.8.8.8", false),
            ("127.0.0.1", false),
            ("169.254.1.1", false),
            ("fd12::1", true),
            ("fe80::1", false),
            ("2001:db8::1", false),
            ("::1", false),
        ] {
            assert_eq!(is_private_lan(&ip.parse().unwrap()), want, "{ip}");
        }
    }

    #[test]
    fn home_networks_come_first() {
        let mut v: Vec<IpAddr> = ["fd00::1", "172.16.0.1", "10.0.0.1", "192.168.0.2"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        v.sort_by_key(rank);
        assert_eq!(v[0], "192.168.0.2".parse::<IpAddr>().unwrap());
        assert_eq!(v[3], "fd00::1".parse::<IpAddr>().unwrap());
    }

    #[tokio::test]
    async fn bind_lists_ephemeral_ports_and_refuses_unspecified_addresses() {
        let l = LanListener::bind(&["127.0.0.1:0".parse().unwrap()])
            .await
            .unwrap();
        let ep = l.endpoints()[0];
        assert_eq!(ep.ip(), "127.0.0.1".parse::<IpAddr>().unwrap());
        assert_ne!(ep.port(), 0);
        assert!(matches!(
            LanListener::bind(&["0.0.0.0:0".parse().unwrap()]).await,
            Err(ListenError::Unspecified(_))
        ));
        assert!(matches!(
            LanListener::bind(&[]).await,
            Err(ListenError::NoAddress)
        ));
    }

    #[tokio::test]
    async fn accept_and_connect_make_a_link() {
        let l = LanListener::bind(&["127.0.0.1:0".parse().unwrap()])
            .await
            .unwrap();
        let ep = l.endpoints()[0];
        let client = tokio::spawn(async move {
            let mut link = connect(ep, Duration::from_secs(2)).await.unwrap();
            link.send(b"ping").await.unwrap();
            link.recv(16).await.unwrap()
        });
        let mut server = l.accept().await.unwrap();
        assert!(matches!(server.path(), Path::Lan { .. }));
        assert_eq!(server.recv(16).await.unwrap(), b"ping");
        server.send(b"pong").await.unwrap();
        assert_eq!(client.await.unwrap(), b"pong");
    }
}
