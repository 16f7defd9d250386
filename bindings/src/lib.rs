//! UniFFI bindings of `certbridge-core` for the phone apps (Kotlin, Swift)
//! and for Python.
//!
//! This crate only adapts types: every behaviour lives in the core. The
//! layout mirrors what an app needs:
//!
//! - [`invite`]: `parse_invite`, to show what a scanned code is about.
//! - [`session`]: `ScanSession`, the phone's side of a transfer (from a
//!   scanned or a typed code), run on a tokio runtime owned by Rust and
//!   reported through a `SessionListener`.
//! - [`code`]: `read_code` for a typed code, and the `CodeFinder` an app
//!   gives where its platform's service discovery must find the PC.
//! - [`store`]: the `CertificateStore` the app implements (its protected
//!   storage), and `list_certificates` for the home screen.
//! - [`certificate`]: `inspect_certificate` and `check_password`.
//! - [`text`]: the message catalog: `render` a [`Message`] in a
//!   [`Language`].
//! - [`wording`]: which message each failure kind, item status and
//!   certificate status gets on a phone.
//! - [`error`]: every error the foreign side sees, mapped in one place.

uniffi::setup_scaffolding!();

pub mod certificate;
pub mod code;
pub mod error;
pub mod invite;
pub mod session;
pub mod store;
pub mod text;
pub mod wording;

pub use certificate::{CertificateInfo, CertificateStatus, UsageKind, check_password, inspect_certificate};
pub use code::{CodeError, CodeFinder, TypedCode, read_code};
pub use error::{CertificateError, TransferFailure, FailureKind, InviteError, SessionStateError, StoreError};
pub use invite::{Invite, TransferMode, parse_invite};
pub use session::{ItemResult, ItemStatus, ScanSession, SessionEvent, SessionListener, TransferPath};
pub use store::{CertificateFiles, CertificateLayout, CertificateStore, RejectReason, SaveResult, StoredCertificate, list_certificates};
pub use text::{ArgValue, Language, Message, MessageArg, has_message, language_for_tag, render};
pub use wording::{
    certificate_status_line, failure_explanation, failure_title, finished_title, item_line, rejection_explanation,
};
