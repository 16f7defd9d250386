//! The command line, as a contract: scripts and tests rely on these names.
//! The command's and subcommands' summaries are shown from the message
//! catalog in the user's language ([`localized`]); flags keep English
//! help, and clap's own errors are introduced by a sentence of ours.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use certbridge_i18n::{Lang, Msg};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

/// Move Korean NPKI certificates (공동인증서) between a PC and a phone, or
/// between two PCs, end-to-end encrypted.
#[derive(Debug, Parser)]
#[command(name = "certbridge", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    /// Language of the messages: ko or en [default: the system's].
    #[arg(long, global = true, value_name = "LANG", env = "CERTBRIDGE_LANG", value_parser = ["ko", "en"])]
    pub(crate) lang: Option<String>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The language a command line asks for before it is parsed (`--lang X`,
/// `--lang=X`), so that `--help` and errors already speak it.
pub(crate) fn lang_in(args: &[String]) -> Option<String> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--lang" {
            return it.next().cloned();
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Some(v.to_owned());
        }
    }
    None
}

/// The command line with its summaries in `lang`.
pub(crate) fn localized(lang: Lang) -> clap::Command {
    let about = |id: &'static str| Msg::new(id).render(lang);
    let mut cmd = Cli::command().about(about("help-about")).mut_arg("lang", |a| a.help(about("help-lang")));
    for (name, id) in [
        ("send", "help-send"),
        ("receive", "help-receive"),
        ("scan", "help-scan"),
        ("inspect", "help-inspect"),
        ("list", "help-list"),
        ("check-password", "help-check-password"),
        ("passwd", "help-passwd"),
        ("export-pfx", "help-export-pfx"),
        ("import-pfx", "help-import-pfx"),
    ] {
        cmd = cmd.mut_subcommand(name, |c| c.about(about(id)));
    }
    cmd
}

/// Parses `args` with summaries in `lang`. Help and version are printed
/// and the process exits, as clap does; a command line that cannot be
/// used is returned as clap's error, for the caller to introduce.
pub(crate) fn parse(args: Vec<String>, lang: Lang) -> Result<Cli, clap::Error> {
    let matches = localized(lang).try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Export: show a code and send certificates to the device that scans it.
    Send(SendArgs),
    /// Import: show a code and install certificates the scanning device sends.
    Receive(ReceiveArgs),
    /// Play the phone's part: scan a desktop's code, then receive or send.
    Scan(ScanArgs),
    /// Show what a certificate folder holds.
    Inspect(InspectArgs),
    /// List the certificates installed on this computer.
    List(ListArgs),
    /// Check a certificate's password (exit 0 right, 3 wrong, 1 other error).
    CheckPassword(CheckPasswordArgs),
    /// Change a certificate's password (the key and its R stay the same).
    Passwd(PasswdArgs),
    /// Save a certificate as a PKCS#12 file (.pfx/.p12), with its R.
    ExportPfx(ExportPfxArgs),
    /// Install a PKCS#12 file (.pfx/.p12) as an NPKI certificate folder.
    ImportPfx(ImportPfxArgs),
}

/// Options shared by the commands that show a code.
#[derive(Debug, Args)]
pub(crate) struct HostArgs {
    /// Print one JSON object per line instead of text.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write the QR code to this PNG file.
    #[arg(long, value_name = "FILE")]
    pub(crate) qr_png: Option<PathBuf>,
    /// The name the other device shows for this computer [default: host name].
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// An address to listen on and advertise (repeatable; IP or IP:PORT)
    /// [default: this machine's private LAN addresses].
    #[arg(long, value_name = "ADDR", value_parser = parse_listen)]
    pub(crate) listen: Vec<SocketAddr>,
    /// The relay to offer besides the LAN, for devices on other networks
    /// (wss://… or ws://…).
    #[arg(long, value_name = "URL", env = "CERTBRIDGE_RELAY", value_parser = parse_relay)]
    pub(crate) relay: Option<String>,
    /// Do not offer the relay path, even if --relay or CERTBRIDGE_RELAY is set.
    #[arg(long, conflicts_with = "no_lan")]
    pub(crate) no_relay: bool,
    /// Allow a relay without TLS (ws://) that is not on this computer or a
    /// private network.
    #[arg(long)]
    pub(crate) allow_insecure_relay: bool,
    /// Show no short code to type, only the QR code.
    #[arg(long)]
    pub(crate) no_code: bool,
    /// Do not listen on the LAN: the relay only (needs --relay).
    #[arg(long, requires = "relay")]
    pub(crate) no_lan: bool,
    /// How long the code stays valid, in seconds (until a device connects).
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(10..=3600))]
    pub(crate) timeout: u64,
    /// How long to wait, once connected, for a person to act: typing the
    /// verification number here, or agreeing on the other device.
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(10..=3600))]
    pub(crate) idle: u64,
}

#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// Certificates to send: NPKI folders (with signCert.der and
    /// signPri.key), GPKI/EPKI `…_sig.cer` files, or folders holding
    /// certificates, to pick from.
    #[arg(value_name = "CERT", required = true)]
    pub(crate) cert_dirs: Vec<PathBuf>,
    /// Send even if a certificate has expired.
    #[arg(long)]
    pub(crate) allow_expired: bool,
    /// Ask for each certificate's password first, so a certificate that
    /// cannot be used is not moved.
    #[arg(long)]
    pub(crate) check_password: bool,
    /// Move instead of copy: delete each certificate from this computer once
    /// the other device confirms it arrived intact.
    #[arg(long = "move")]
    pub(crate) move_sent: bool,
    #[command(flatten)]
    pub(crate) host: HostArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ReceiveArgs {
    /// The NPKI folder to install into, with GPKI and EPKI certificates
    /// beside it (DIR/../GPKI, DIR/../EPKI) [default: $CERTBRIDGE_NPKI_ROOT
    /// or the OS's NPKI folder; GPKI and EPKI under C:\ or the home folder].
    #[arg(long, value_name = "DIR")]
    pub(crate) install_root: Option<PathBuf>,
    /// Replace a different certificate already installed in the same
    /// folder (the old one is kept as a backup).
    #[arg(long)]
    pub(crate) replace: bool,
    #[command(flatten)]
    pub(crate) host: HostArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// The code: the short code to type (123-456-789) or the long text
    /// (CERTBRIDGE:/…).
    #[arg(
        value_name = "CODE",
        required_unless_present = "qr_image",
        conflicts_with = "qr_image"
    )]
    pub(crate) invite: Option<String>,
    /// Read the code from a picture of the QR code (PNG or JPEG).
    #[arg(long, value_name = "FILE")]
    pub(crate) qr_image: Option<PathBuf>,
    /// Certificate folders to send, when the desktop receives.
    #[arg(long = "cert", value_name = "CERT_DIR")]
    pub(crate) certs: Vec<PathBuf>,
    /// Move the --cert certificates instead of copying them: delete each
    /// from this computer once the desktop confirms it arrived intact.
    #[arg(long = "move")]
    pub(crate) move_sent: bool,
    /// Send even if a certificate has expired.
    #[arg(long)]
    pub(crate) allow_expired: bool,
    /// The NPKI folder to install into, when the desktop sends.
    #[arg(long, value_name = "DIR")]
    pub(crate) install_root: Option<PathBuf>,
    /// Replace a different certificate already installed in the same folder.
    #[arg(long)]
    pub(crate) replace: bool,
    /// Print one JSON object per line instead of text.
    #[arg(long)]
    pub(crate) json: bool,
    /// Agree to send without being asked.
    #[arg(long)]
    pub(crate) yes: bool,
    /// The name the desktop shows for this device [default: host name].
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// Do not try the desktop's LAN addresses: the relay only.
    #[arg(long, conflicts_with = "no_relay")]
    pub(crate) no_lan: bool,
    /// Do not try the relay: the LAN only.
    #[arg(long)]
    pub(crate) no_relay: bool,
    /// Allow the code's relay even without TLS (ws://) on a public address.
    #[arg(long)]
    pub(crate) allow_insecure_relay: bool,
    /// The relay at which to look a short code up (wss://…), when the
    /// desktop is not on this network.
    #[arg(long, value_name = "URL", env = "CERTBRIDGE_RELAY", value_parser = parse_relay)]
    pub(crate) relay: Option<String>,
    /// How long to wait, once connected, for a person to act: typing the
    /// number on the desktop, or agreeing here.
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(10..=3600))]
    pub(crate) idle: u64,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The certificate: an NPKI folder, or a GPKI/EPKI `…_sig.cer`.
    #[arg(value_name = "CERT")]
    pub(crate) cert_dir: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// NPKI folders to search (repeatable) [default: every known location].
    #[arg(long, value_name = "DIR")]
    pub(crate) npki_root: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CheckPasswordArgs {
    /// The certificate: an NPKI folder, or a GPKI/EPKI `…_sig.cer`.
    #[arg(value_name = "CERT")]
    pub(crate) cert_dir: PathBuf,
    /// Read the password from the first line of standard input instead of
    /// prompting.
    #[arg(long)]
    pub(crate) password_stdin: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PasswdArgs {
    /// The certificate: an NPKI folder, or a GPKI/EPKI `…_sig.cer`.
    #[arg(value_name = "CERT")]
    pub(crate) cert_dir: PathBuf,
    /// Read the old and the new password from the first two lines of
    /// standard input instead of prompting.
    #[arg(long)]
    pub(crate) password_stdin: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExportPfxArgs {
    /// The certificate: an NPKI folder, or a GPKI/EPKI `…_sig.cer`.
    #[arg(value_name = "CERT")]
    pub(crate) cert_dir: PathBuf,
    /// The file to write (.pfx or .p12).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub(crate) output: PathBuf,
    /// Use 3DES and SHA-1, which old banking software needs, instead of
    /// AES-256 and PBKDF2.
    #[arg(long)]
    pub(crate) legacy: bool,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub(crate) force: bool,
    /// Read the certificate's password from the first line of standard
    /// input instead of prompting.
    #[arg(long)]
    pub(crate) password_stdin: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ImportPfxArgs {
    /// The PKCS#12 file (.pfx or .p12).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// The NPKI folder to install into [default: $CERTBRIDGE_NPKI_ROOT or the OS's NPKI folder].
    #[arg(long, value_name = "DIR")]
    pub(crate) install_root: Option<PathBuf>,
    /// Replace a different certificate already installed in the same
    /// folder (the old one is kept as a backup).
    #[arg(long)]
    pub(crate) replace: bool,
    /// Read the file's password from the first line of standard input
    /// instead of prompting. It becomes the certificate's password.
    #[arg(long)]
    pub(crate) password_stdin: bool,
}

/// Checks a relay URL's form.
fn parse_relay(s: &str) -> Result<String, String> {
    certbridge_core::transport::relay::check_url(s)
        .map(|()| s.to_owned())
        .map_err(|_| format!("{s:?} is not a relay address (wss://… or ws://…)"))
}

/// Reads `IP` (any free port) or `IP:PORT`.
fn parse_listen(s: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return Ok(addr);
    }
    s.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 0))
        .map_err(|_| format!("{s:?} is not an IP address or IP:PORT"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_takes_an_ip_or_an_ip_and_port() {
        assert_eq!(
            parse_listen("127.0.0.1").unwrap(),
            "127.0.0.1:0".parse().unwrap()
        );
        assert_eq!(
            parse_listen("127.0.0.1:5000").unwrap(),
            "127.0.0.1:5000".parse().unwrap()
        );
        assert_eq!(parse_listen("::1").unwrap(), "[::1]:0".parse().unwrap());
        assert_eq!(parse_listen("[::1]").unwrap(), "[::1]:0".parse().unwrap());
        assert!(parse_listen("localhost").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn the_language_is_found_before_parsing() {
        let args = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(lang_in(&args("certbridge --lang ko list")), Some("ko".into()));
        assert_eq!(lang_in(&args("certbridge list --lang=en")), Some("en".into()));
        assert_eq!(lang_in(&args("certbridge list")), None);
    }

    #[test]
    fn summaries_are_in_the_chosen_language() {
        let ko = localized(Lang::Ko).render_help().to_string();
        assert!(ko.contains("공동인증서를 PC와 휴대폰 사이"), "{ko}");
        assert!(ko.contains("보내기: 코드를 띄우고"), "{ko}");
        let en = localized(Lang::En).render_help().to_string();
        assert!(en.contains("Export: show a code"), "{en}");
    }

    #[test]
    fn scan_needs_a_code_from_text_or_image() {
        assert!(Cli::try_parse_from(["certbridge", "scan"]).is_err());
        assert!(
            Cli::try_parse_from(["certbridge", "scan", "CERTBRIDGE:/1", "--qr-image", "x.png"])
                .is_err()
        );
        assert!(Cli::try_parse_from(["certbridge", "scan", "--qr-image", "x.png"]).is_ok());
    }
}
