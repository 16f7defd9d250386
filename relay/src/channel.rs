//! Channel numbers: the short decimal numbers that let a scanner who typed
//! a code (issue 15: the channel followed by the code's secret digits)
//! find its desktop through the relay. A host asks for one with
//! `GET /v1/channel?role=host` and is told it in a text message
//! ([`announcement`]); a guest names it with
//! `GET /v1/channel/{digits}?role=guest`. See `docs/RELAY.md`,
//! "Channels (typed codes)".
//!
//! This module holds the number, the parsing of the two requests (apart
//! from any I/O, like [`request`](crate::request)), and the rule that
//! picks how many digits a new channel gets ([`digits_for`]). Where
//! channels are kept and how they are claimed (this node's memory, or
//! Redis for many nodes) is [`channel_store`](crate::channel_store).

use std::fmt;

use crate::request::{RequestError, Role, parse_role};

/// The path of the channel endpoint (a host asks here; a guest adds
/// `/{digits}`).
pub const CHANNEL_PATH: &str = "/v1/channel";
/// Fewest digits in a channel number.
pub const MIN_CHANNEL_DIGITS: usize = 3;
/// Most digits in a channel number: the code a user types is the channel
/// and 6 secret digits, at most 12 digits in all.
pub const MAX_CHANNEL_DIGITS: usize = 6;
/// The number of channel lengths, 3 to 6 digits.
pub(crate) const LENGTHS: usize = MAX_CHANNEL_DIGITS - MIN_CHANNEL_DIGITS + 1;

/// A channel number: 3 to 6 decimal digits. Leading zeros are part of it
/// (`007` and `0007` are two channels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Channel {
    value: u32,
    digits: u8,
}

impl Channel {
    /// The channel written `s`: 3 to 6 ASCII digits.
    pub fn parse(s: &str) -> Result<Channel, RequestError> {
        let ok = (MIN_CHANNEL_DIGITS..=MAX_CHANNEL_DIGITS).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        if !ok {
            return Err(RequestError::ChannelDigits);
        }
        let value = s.parse().map_err(|_| RequestError::ChannelDigits)?;
        Ok(Channel { value, digits: s.len() as u8 })
    }

    /// The channel `value` written with `digits` digits, if it fits.
    pub(crate) fn new(value: u32, digits: usize) -> Option<Channel> {
        let fits = (MIN_CHANNEL_DIGITS..=MAX_CHANNEL_DIGITS).contains(&digits) && u64::from(value) < space(digits);
        fits.then_some(Channel { value, digits: digits as u8 })
    }

    /// How many digits it has.
    pub fn digits(self) -> usize {
        usize::from(self.digits)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:0width$}", self.value, width = self.digits())
    }
}

/// `10^digits`: how many channels of that length exist.
pub(crate) fn space(digits: usize) -> u64 {
    10u64.pow(digits as u32)
}

/// How many waiting channels of one length make that length full: a
/// tenth of its numbers. Below it, a random number is free at least nine
/// times in ten, and a guess at a channel finds one at most one time in
/// ten.
pub(crate) fn capacity(digits: usize) -> u64 {
    space(digits) / 10
}

/// The length of a new channel: the smallest, from 3 digits up, of which
/// fewer than a tenth of the numbers are taken (`taken(d)`: waiting
/// channels of `d` digits); `None` when even 6 digits are that full.
pub(crate) fn digits_for(taken: impl Fn(usize) -> u64) -> Option<usize> {
    (MIN_CHANNEL_DIGITS..=MAX_CHANNEL_DIGITS).find(|&d| taken(d) < capacity(d))
}

/// A channel request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelRequest {
    /// `GET /v1/channel?role=host`: give me a channel and wait there.
    Host,
    /// `GET /v1/channel/{digits}?role=guest`: pair me with that channel's host.
    Guest(Channel),
}

/// Parses the path and query of a channel request.
pub fn parse_channel(path: &str, query: Option<&str>) -> Result<ChannelRequest, RequestError> {
    let rest = path.strip_prefix(CHANNEL_PATH).ok_or(RequestError::NotRendezvous)?;
    let role = parse_role(query)?;
    match (rest.strip_prefix('/'), role) {
        (None, Role::Host) if rest.is_empty() => Ok(ChannelRequest::Host),
        (Some(digits), Role::Guest) => Ok(ChannelRequest::Guest(Channel::parse(digits)?)),
        (None, _) if !rest.is_empty() => Err(RequestError::NotRendezvous),
        _ => Err(RequestError::ChannelRole),
    }
}

/// The text message a channel host gets right after the upgrade:
/// `{"channel":"123","expires_in":600}` (seconds until its host wait ends).
pub(crate) fn announcement(channel: Channel, expires_in: u64) -> String {
    format!("{{\"channel\":\"{channel}\",\"expires_in\":{expires_in}}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_leading_zeros() {
        let c = Channel::parse("007").unwrap();
        assert_eq!(c.to_string(), "007");
        assert_eq!(c.digits(), 3);
        assert_ne!(c, Channel::parse("0007").unwrap());
        assert_eq!(Channel::parse("999999").unwrap().to_string(), "999999");
        assert_eq!(Channel::new(7, 4).unwrap().to_string(), "0007");
        assert_eq!(Channel::new(1000, 3), None);
        assert_eq!(Channel::new(1, 7), None);
        for bad in ["", "12", "1234567", "12a", "+12", " 123", "１２３"] {
            assert_eq!(Channel::parse(bad), Err(RequestError::ChannelDigits), "{bad:?}");
        }
    }

    #[test]
    fn the_length_grows_when_a_tenth_is_taken() {
        assert_eq!(digits_for(|_| 0), Some(3));
        assert_eq!(digits_for(|d| if d == 3 { 99 } else { 0 }), Some(3));
        assert_eq!(digits_for(|d| if d == 3 { 100 } else { 0 }), Some(4));
        assert_eq!(digits_for(|d| [100, 1000, 9_999, 0][d - 3]), Some(5));
        assert_eq!(digits_for(|d| [100, 1000, 10_000, 99_999][d - 3]), Some(6));
        assert_eq!(digits_for(|d| [100, 1000, 10_000, 100_000][d - 3]), None);
        // Shorter lengths come back into use as their channels end.
        assert_eq!(digits_for(|d| [5, 1000, 10_000, 100_000][d - 3]), Some(3));
    }

    #[test]
    fn parses_host_and_guest_requests() {
        assert_eq!(parse_channel("/v1/channel", Some("role=host")), Ok(ChannelRequest::Host));
        let g = parse_channel("/v1/channel/0042", Some("role=guest")).unwrap();
        assert_eq!(g, ChannelRequest::Guest(Channel::parse("0042").unwrap()));
        assert_eq!(parse_channel("/v1/channel/123", Some("role=host")), Err(RequestError::ChannelRole));
        assert_eq!(parse_channel("/v1/channel", Some("role=guest")), Err(RequestError::ChannelRole));
        assert_eq!(parse_channel("/v1/channel/", Some("role=guest")), Err(RequestError::ChannelDigits));
        assert_eq!(parse_channel("/v1/channel/12", Some("role=guest")), Err(RequestError::ChannelDigits));
        assert_eq!(parse_channel("/v1/channel/123/4", Some("role=guest")), Err(RequestError::ChannelDigits));
        assert_eq!(parse_channel("/v1/channels", Some("role=host")), Err(RequestError::NotRendezvous));
        assert_eq!(parse_channel("/v1/channel", None), Err(RequestError::MissingRole));
        assert_eq!(parse_channel("/v1/channel", Some("role=admin")), Err(RequestError::BadRole));
    }

    #[test]
    fn the_announcement_is_this_json() {
        let c = Channel::parse("007").unwrap();
        assert_eq!(announcement(c, 600), r#"{"channel":"007","expires_in":600}"#);
    }
}
