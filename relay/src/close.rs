//! Why a rendezvous connection ended: the WebSocket close codes the relay
//! sends, their reason texts and their metric labels.
//!
//! The table is part of the relay's contract with clients (see
//! `docs/RELAY.md`, "Close codes"): codes in the 4000–4999 range are the
//! relay's own, the rest are the standard codes of RFC 6455 §7.4.1.

/// Every way a rendezvous connection can end.
///
/// Most variants are sent to the client as a close frame
/// ([`CloseReason::code`], [`CloseReason::reason`]); [`ClientClosed`] and
/// [`ConnectionLost`] only label the metric, since the client is already
/// gone.
///
/// [`ClientClosed`]: CloseReason::ClientClosed
/// [`ConnectionLost`]: CloseReason::ConnectionLost
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloseReason {
    /// 1000: the peer finished normally and everything it sent was
    /// delivered.
    Finished,
    /// 1001: the relay is shutting down.
    GoingAway,
    /// 1002: the client broke the WebSocket protocol.
    ProtocolError,
    /// 4000: the peer left without a normal close.
    PeerClosed,
    /// 4001: the role is already taken for this rendezvous id.
    Crowded,
    /// 4002: a text message arrived; the relay carries binary messages only.
    BinaryOnly,
    /// 4004: a guest came, but no host showed up in time.
    NoSuchSession,
    /// 4005: a host waited longer than allowed for its guest.
    HostWaitExpired,
    /// 4006: no message in either direction for too long.
    Idle,
    /// 4007: a paired session lasted longer than allowed.
    SessionTimeLimit,
    /// 4008: the session carried more bytes than allowed.
    SessionByteLimit,
    /// 4009: a single message was larger than allowed.
    MessageTooLarge,
    /// 4010: the peer is on another node and the shared backend (Redis) is
    /// unreachable.
    BackendUnavailable,
    /// 4013: the relay holds as many connections as it may.
    RelayFull,
    /// 4029: too many connections or sessions from one address.
    TooManyRequests,
    /// 4003: the client did not answer the relay's ping in time.
    Unresponsive,
    /// 4011: the role is held by a connection that waits alone and is
    /// being checked for liveness; retry in a moment.
    Busy,
    /// 4012: the client sent more than one message's worth before its peer
    /// came.
    EarlyDataLimit,
    /// 1011: a bug or an unexpected condition in the relay.
    Internal,
    /// The client sent a close frame (metric label only).
    ClientClosed,
    /// The connection dropped without a close frame (metric label only).
    ConnectionLost,
}

impl CloseReason {
    /// All reasons, in a stable order (the metric output follows it).
    pub const ALL: [CloseReason; 21] = [
        CloseReason::Finished,
        CloseReason::GoingAway,
        CloseReason::ProtocolError,
        CloseReason::PeerClosed,
        CloseReason::Crowded,
        CloseReason::BinaryOnly,
        CloseReason::NoSuchSession,
        CloseReason::HostWaitExpired,
        CloseReason::Idle,
        CloseReason::SessionTimeLimit,
        CloseReason::SessionByteLimit,
        CloseReason::MessageTooLarge,
        CloseReason::BackendUnavailable,
        CloseReason::RelayFull,
        CloseReason::TooManyRequests,
        CloseReason::Unresponsive,
        CloseReason::Busy,
        CloseReason::EarlyDataLimit,
        CloseReason::Internal,
        CloseReason::ClientClosed,
        CloseReason::ConnectionLost,
    ];

    /// The WebSocket close code sent to the client.
    pub fn code(self) -> u16 {
        match self {
            CloseReason::Finished | CloseReason::ClientClosed | CloseReason::ConnectionLost => 1000,
            CloseReason::GoingAway => 1001,
            CloseReason::ProtocolError => 1002,
            CloseReason::Internal => 1011,
            CloseReason::PeerClosed => 4000,
            CloseReason::Crowded => 4001,
            CloseReason::BinaryOnly => 4002,
            CloseReason::NoSuchSession => 4004,
            CloseReason::HostWaitExpired => 4005,
            CloseReason::Idle => 4006,
            CloseReason::SessionTimeLimit => 4007,
            CloseReason::SessionByteLimit => 4008,
            CloseReason::MessageTooLarge => 4009,
            CloseReason::BackendUnavailable => 4010,
            CloseReason::RelayFull => 4013,
            CloseReason::TooManyRequests => 4029,
            CloseReason::Unresponsive => 4003,
            CloseReason::Busy => 4011,
            CloseReason::EarlyDataLimit => 4012,
        }
    }

    /// The reason text sent in the close frame.
    pub fn reason(self) -> &'static str {
        match self {
            CloseReason::Finished => "session finished",
            CloseReason::GoingAway => "going away",
            CloseReason::ProtocolError => "protocol error",
            CloseReason::PeerClosed => "peer closed",
            CloseReason::Crowded => "crowded",
            CloseReason::BinaryOnly => "binary messages only",
            CloseReason::NoSuchSession => "no such session",
            CloseReason::HostWaitExpired => "host wait expired",
            CloseReason::Idle => "idle",
            CloseReason::SessionTimeLimit => "session time limit",
            CloseReason::SessionByteLimit => "session byte limit",
            CloseReason::MessageTooLarge => "message too large",
            CloseReason::BackendUnavailable => "relay backend unavailable",
            CloseReason::RelayFull => "relay full",
            CloseReason::TooManyRequests => "too many requests",
            CloseReason::Unresponsive => "unresponsive",
            CloseReason::Busy => "role busy, retry",
            CloseReason::EarlyDataLimit => "too much before pairing",
            CloseReason::Internal => "internal error",
            CloseReason::ClientClosed => "client closed",
            CloseReason::ConnectionLost => "connection lost",
        }
    }

    /// The `reason` label of `certbridge_closes_total`.
    pub fn label(self) -> &'static str {
        match self {
            CloseReason::Finished => "finished",
            CloseReason::GoingAway => "going_away",
            CloseReason::ProtocolError => "protocol_error",
            CloseReason::PeerClosed => "peer_closed",
            CloseReason::Crowded => "crowded",
            CloseReason::BinaryOnly => "binary_only",
            CloseReason::NoSuchSession => "no_such_session",
            CloseReason::HostWaitExpired => "host_wait_expired",
            CloseReason::Idle => "idle",
            CloseReason::SessionTimeLimit => "session_time_limit",
            CloseReason::SessionByteLimit => "session_byte_limit",
            CloseReason::MessageTooLarge => "message_too_large",
            CloseReason::BackendUnavailable => "backend_unavailable",
            CloseReason::RelayFull => "relay_full",
            CloseReason::TooManyRequests => "too_many_requests",
            CloseReason::Unresponsive => "unresponsive",
            CloseReason::Busy => "busy",
            CloseReason::EarlyDataLimit => "early_data_limit",
            CloseReason::Internal => "internal",
            CloseReason::ClientClosed => "client_closed",
            CloseReason::ConnectionLost => "connection_lost",
        }
    }

    /// Whether the relay sends a close frame for this reason (the client
    /// is still there to read it).
    pub fn sends_frame(self) -> bool {
        !matches!(self, CloseReason::ClientClosed | CloseReason::ConnectionLost)
    }

    /// Whether a client that got this code should try again (with the
    /// back-off of `docs/RELAY.md`, "Retrying"): the condition is the
    /// relay's, and passes (Redis back, a stale holder reaped, another
    /// node). Everything else is the session's own end or fault.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            CloseReason::GoingAway | CloseReason::BackendUnavailable | CloseReason::Busy | CloseReason::Internal
        )
    }

    /// The reason with this close code, for the ones the relay sends.
    pub fn from_code(code: u16) -> Option<CloseReason> {
        CloseReason::ALL
            .into_iter()
            .find(|r| r.sends_frame() && r.code() == code)
    }

    /// Where in [`CloseReason::ALL`] this reason sits: `ALL` lists the
    /// reasons in declaration order (checked below and by a test).
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

// `ALL` holds every reason: as many entries as the last one's discriminant + 1.
const _: () = assert!(CloseReason::ALL.len() == CloseReason::ConnectionLost as usize + 1);

impl std::fmt::Display for CloseReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code(), self.reason())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_among_sent_reasons() {
        let sent: Vec<u16> = CloseReason::ALL.iter().filter(|r| r.sends_frame()).map(|r| r.code()).collect();
        let mut dedup = sent.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert_eq!(sent.len(), dedup.len());
    }

    #[test]
    fn from_code_round_trips() {
        for r in CloseReason::ALL.iter().filter(|r| r.sends_frame()) {
            assert_eq!(CloseReason::from_code(r.code()), Some(*r));
        }
        assert_eq!(CloseReason::from_code(4001), Some(CloseReason::Crowded));
        assert_eq!(CloseReason::from_code(4999), None);
    }

    #[test]
    fn all_lists_the_reasons_in_declaration_order() {
        for (i, r) in CloseReason::ALL.iter().enumerate() {
            assert_eq!(r.index(), i, "{r:?}");
        }
    }

    #[test]
    fn transient_codes_are_the_documented_ones() {
        let transient: Vec<u16> =
            CloseReason::ALL.iter().filter(|r| r.sends_frame() && r.is_transient()).map(|r| r.code()).collect();
        assert_eq!(transient, [1001, 4010, 4011, 1011]);
    }

    #[test]
    fn reasons_fit_a_close_frame() {
        for r in CloseReason::ALL {
            assert!(r.reason().len() <= 123, "{r:?}");
        }
    }
}
