//! What a scanned code says, before connecting: which way certificates
//! will move, which desktop, until when, and by which paths.

use std::time::SystemTime;

use certbridge_core::invite::{Invite as CoreInvite, Mode};

use crate::error::InviteError;

/// Which way certificates move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TransferMode {
    /// The desktop sends; this device receives (PC → phone).
    DesktopSends,
    /// This device sends; the desktop receives (phone → PC).
    DesktopReceives,
}

impl From<Mode> for TransferMode {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::DesktopSends => TransferMode::DesktopSends,
            Mode::DesktopReceives => TransferMode::DesktopReceives,
        }
    }
}

/// A scanned code's contents, for the app to show.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Invite {
    /// Which way certificates move.
    pub mode: TransferMode,
    /// The desktop's name, if it gave one.
    pub desktop_name: Option<String>,
    /// When the code expires, in seconds since 1970 (UTC).
    pub expires_at: u64,
    /// Whether the code offers the relay path.
    pub has_relay: bool,
    /// Whether the code offers direct LAN addresses.
    pub has_lan: bool,
}

impl From<&CoreInvite> for Invite {
    fn from(invite: &CoreInvite) -> Self {
        Invite {
            mode: invite.mode().into(),
            desktop_name: invite.desktop_name().map(str::to_owned),
            expires_at: invite.expires_at(),
            has_relay: invite.relay_url().is_some(),
            has_lan: !invite.lan_endpoints().is_empty(),
        }
    }
}

/// Reads a scanned code (`CERTBRIDGE:/…`), refusing damaged and expired ones.
#[uniffi::export]
pub fn parse_invite(text: String) -> Result<Invite, InviteError> {
    let invite = CoreInvite::parse(text.trim(), SystemTime::now())?;
    Ok(Invite::from(&invite))
}
