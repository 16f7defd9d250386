//! Who a client is, for the per-address limits: its address as the relay
//! sees it, or behind trusted proxies the right-most `X-Forwarded-For`
//! hop that is not one of them; and the bucket it is counted in
//! ([`ClientKey`]): an IPv4 address, or an IPv6 /64 (one subscriber's
//! usual allocation, which a client can walk through at will).
//!
//! Only proxies named with `--trusted-proxy` are believed: a client that
//! reaches a node directly cannot choose its own bucket by sending the
//! header itself.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::IpNet;

/// The bucket a client is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ClientKey {
    /// An IPv4 address (IPv4-mapped IPv6 addresses included).
    V4(Ipv4Addr),
    /// The first 64 bits of an IPv6 address.
    V6Net([u8; 8]),
}

impl From<IpAddr> for ClientKey {
    fn from(ip: IpAddr) -> ClientKey {
        match ip {
            IpAddr::V4(v4) => ClientKey::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey::V4(v4),
                None => {
                    let mut net = [0u8; 8];
                    net.copy_from_slice(&v6.octets()[..8]);
                    ClientKey::V6Net(net)
                }
            },
        }
    }
}

impl fmt::Display for ClientKey {
    /// `192.0.2.1` or `2001:db8:1:2::/64`: also the key's name in Redis.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientKey::V4(v4) => write!(f, "{v4}"),
            ClientKey::V6Net(net) => {
                let mut full = [0u8; 16];
                full[..8].copy_from_slice(net);
                write!(f, "{}/64", Ipv6Addr::from(full))
            }
        }
    }
}

/// The proxies whose `X-Forwarded-For` entries are believed.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub(crate) fn new(nets: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(nets)
    }

    /// Whether `ip` is one of the trusted proxies.
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: `peer` (the socket's) unless it is a trusted
    /// proxy; then the right-most `X-Forwarded-For` entry that is not
    /// trusted, walking leftwards through trusted hops. An entry that is
    /// not an address stops the walk at the trusted hop that passed it on
    /// (only a trusted proxy can have written it, so nothing a client
    /// sends lets it pick another bucket).
    pub(crate) fn client_ip<'a>(&self, peer: IpAddr, forwarded_for: impl DoubleEndedIterator<Item = &'a str>) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let mut hop = peer;
        for entry in forwarded_for.rev().flat_map(|v| v.rsplit(',')) {
            let Some(ip) = parse_hop(entry.trim()) else { return hop };
            if !self.contains(ip) {
                return ip;
            }
            hop = ip;
        }
        hop
    }
}

/// An `X-Forwarded-For` entry: an address, possibly with a port.
fn parse_hop(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>().ok().or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(nets: &[&str]) -> TrustedProxies {
        TrustedProxies::new(nets.iter().map(|n| crate::config::parse_net(n).unwrap()).collect())
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let a = ClientKey::from(ip("2001:db8:1:2::1"));
        let b = ClientKey::from(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        let c = ClientKey::from(ip("2001:db8:1:3::1"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.to_string(), "2001:db8:1:2::/64");
        assert_eq!(ClientKey::from(ip("::ffff:192.0.2.1")), ClientKey::from(ip("192.0.2.1")));
        assert_eq!(ClientKey::from(ip("192.0.2.1")).to_string(), "192.0.2.1");
    }

    #[test]
    fn forwarded_for_is_ignored_from_untrusted_peers() {
        let t = proxies(&["10.0.0.0/8"]);
        assert_eq!(t.client_ip(ip("198.51.100.9"), ["203.0.113.5"].into_iter()), ip("198.51.100.9"));
        assert_eq!(TrustedProxies::default().client_ip(ip("10.0.0.1"), ["203.0.113.5"].into_iter()), ip("10.0.0.1"));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let t = proxies(&["10.0.0.0/8", "192.0.2.7"]);
        // A client-supplied entry on the left is never reached.
        let xff = ["198.51.100.1, 203.0.113.5", "10.1.1.1"];
        assert_eq!(t.client_ip(ip("10.0.0.2"), xff.into_iter()), ip("203.0.113.5"));
        assert_eq!(t.client_ip(ip("192.0.2.7"), ["203.0.113.6"].into_iter()), ip("203.0.113.6"));
        // Ports are allowed.
        assert_eq!(t.client_ip(ip("10.0.0.2"), ["203.0.113.5:4242"].into_iter()), ip("203.0.113.5"));
        // Only trusted hops: the left-most of them.
        assert_eq!(t.client_ip(ip("10.0.0.2"), ["10.9.9.9"].into_iter()), ip("10.9.9.9"));
        // No header: the proxy itself.
        assert_eq!(t.client_ip(ip("10.0.0.2"), std::iter::empty()), ip("10.0.0.2"));
    }

    #[test]
    fn garbage_stops_at_the_hop_that_passed_it_on() {
        let t = proxies(&["10.0.0.0/8"]);
        // Not "the last parseable entry" (198.51.100.1): the trusted hop.
        let xff = ["198.51.100.1, not-an-address, 10.2.2.2"];
        assert_eq!(t.client_ip(ip("10.0.0.2"), xff.into_iter()), ip("10.2.2.2"));
        assert_eq!(t.client_ip(ip("10.0.0.2"), ["unknown"].into_iter()), ip("10.0.0.2"));
    }

    #[test]
    fn mapped_addresses_match_ipv4_networks() {
        let t = proxies(&["127.0.0.0/8"]);
        assert!(t.contains(ip("::ffff:127.0.0.1")));
        assert!(!t.contains(ip("::1")));
    }
}
