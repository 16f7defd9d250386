//! Finding a desktop on the LAN by its code's channel, with no server:
//! mDNS/DNS-SD (`mdns-sd`). The desktop advertises `_certbridge._tcp` with a
//! TXT record `ch=<channel>`; a scanner that was given a code browses for
//! that channel. Nothing secret is advertised: the channel only says which
//! desktop to run the PAKE with (`docs/PROTOCOL.md` §7.1).
//!
//! Phones plug in their own finder where raw multicast is not theirs to
//! use (iOS needs the platform's Bonjour): see [`crate::code::LanFinder`].

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use mdns_sd::{ServiceDaemon, ServiceEvent, ServiceInfo};

use crate::code::LanFinder;

/// The DNS-SD service type of a desktop that takes typed codes.
pub const SERVICE_TYPE: &str = "_certbridge._tcp.local.";
/// The TXT key holding the channel.
const TXT_CHANNEL: &str = "ch";
/// The TXT key holding the protocol version.
const TXT_VERSION: &str = "v";

/// Why the LAN cannot be used to be found or to find.
#[derive(Debug, thiserror::Error)]
#[error("the local network cannot be searched: {0}")]
pub struct DiscoveryError(String);

/// The finder that browses mDNS itself (desktops, Android with a multicast
/// lock).
#[derive(Debug, Default, Clone, Copy)]
pub struct MdnsFinder;

impl LanFinder for MdnsFinder {
    fn find(&self, channel: &str, timeout: Duration) -> Vec<SocketAddr> {
        match browse(timeout, |found| found.channel == channel) {
            Ok(found) => found.into_iter().flat_map(|f| f.addresses).collect(),
            Err(e) => {
                tracing::info!("{e}");
                Vec::new()
            }
        }
    }
}

/// One advertised desktop.
#[derive(Debug, Clone)]
struct Found {
    channel: String,
    addresses: Vec<SocketAddr>,
}

/// Browses for `timeout`, or until `enough` says a desktop suffices.
fn browse(timeout: Duration, enough: impl Fn(&Found) -> bool) -> Result<Vec<Found>, DiscoveryError> {
    let daemon = ServiceDaemon::new().map_err(|e| DiscoveryError(e.to_string()))?;
    let events = daemon.browse(SERVICE_TYPE).map_err(|e| DiscoveryError(e.to_string()))?;
    let deadline = Instant::now() + timeout;
    let mut found = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Ok(event) = events.recv_timeout(left) else { break };
        let ServiceEvent::ServiceResolved(info) = event else { continue };
        let Some(channel) = info.get_property_val_str(TXT_CHANNEL) else { continue };
        if !channel.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let port = info.get_port();
        let addresses: Vec<SocketAddr> =
            info.get_addresses().iter().map(|ip| SocketAddr::new(ip.to_ip_addr(), port)).collect();
        let one = Found { channel: channel.to_owned(), addresses };
        let done = enough(&one);
        found.push(one);
        if done {
            break;
        }
    }
    let _ = daemon.shutdown();
    Ok(found)
}

/// The channels other desktops on this LAN advertise now, so that a new
/// one picks another.
pub fn channels_in_use(timeout: Duration) -> Vec<String> {
    browse(timeout, |_| false).map(|f| f.into_iter().map(|f| f.channel).collect()).unwrap_or_default()
}

/// A desktop's advertisement, withdrawn when dropped.
pub struct Advert {
    daemon: ServiceDaemon,
    names: Vec<String>,
}

impl std::fmt::Debug for Advert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Advert").field("names", &self.names).finish_non_exhaustive()
    }
}

impl Advert {
    /// Advertises `channel` at each of `endpoints` (one service each: the
    /// listener's port differs by address).
    pub fn start(channel: &str, endpoints: &[SocketAddr]) -> Result<Self, DiscoveryError> {
        let daemon = ServiceDaemon::new().map_err(|e| DiscoveryError(e.to_string()))?;
        let mut tag = [0u8; 4];
        getrandom::fill(&mut tag).map_err(|e| DiscoveryError(e.to_string()))?;
        let host = format!("certbridge-{}.local.", hex::encode(tag));
        let mut names = Vec::new();
        for (i, endpoint) in endpoints.iter().enumerate() {
            let instance = format!("CertBridge {channel} {}-{i}", hex::encode(tag));
            let ip: IpAddr = endpoint.ip();
            let props = [(TXT_CHANNEL, channel), (TXT_VERSION, "1")];
            let info = ServiceInfo::new(SERVICE_TYPE, &instance, &host, ip, endpoint.port(), &props[..])
                .map_err(|e| DiscoveryError(e.to_string()))?;
            names.push(info.get_fullname().to_owned());
            daemon.register(info).map_err(|e| DiscoveryError(e.to_string()))?;
        }
        Ok(Self { daemon, names })
    }
}

impl Drop for Advert {
    fn drop(&mut self) {
        for name in &self.names {
            let _ = self.daemon.unregister(name);
        }
        let _ = self.daemon.shutdown();
    }
}
