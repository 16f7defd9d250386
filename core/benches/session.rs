//! Measures what users wait for: making the invite and its QR code, and a
//! whole export session over loopback TCP (handshake, number, transfer,
//! receipt). Run with `cargo bench -p certbridge-core --bench session`.

#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use certbridge_core::{
    BundleItem, CertificateStore, Event, FileBytes, GuestConfig, Hello, HostConfig, HostInvite,
    InviteParams, ItemStatus, Mode, OutgoingItem, Saved, StoreError, start_guest, start_host,
};

struct Store {
    outgoing: Vec<OutgoingItem>,
    saved: Mutex<usize>,
}

impl CertificateStore for Store {
    fn load_outgoing(&self) -> Result<Vec<OutgoingItem>, StoreError> {
        Ok(self.outgoing.clone())
    }
    fn save_incoming(&self, _item: &BundleItem) -> Result<Saved, StoreError> {
        *self.saved.lock().unwrap() += 1;
        Ok(Saved {
            code: None,
            replaced: None,
            status: ItemStatus::Installed,
            reason: None,
            location: None,
        })
    }
}

fn item() -> BundleItem {
    let mut files = BTreeMap::new();
    files.insert("signCert.der".to_owned(), FileBytes::new(vec![1; 1464]));
    files.insert("signPri.key".to_owned(), FileBytes::new(vec![2; 1300]));
    files.insert("kmCert.der".to_owned(), FileBytes::new(vec![3; 1464]));
    files.insert("kmPri.key".to_owned(), FileBytes::new(vec![4; 1300]));
    BundleItem::npki(files)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<44} n={:<4} p50={:>9.3?} p99={:>9.3?} max={:>9.3?}",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples[samples.len() - 1]
    );
}

fn invites() {
    let params = |relay: Option<&str>, lan: usize| InviteParams {
        mode: Mode::DesktopSends,
        lifetime: Duration::from_secs(300),
        relay_url: relay.map(str::to_owned),
        lan: (0..lan)
            .map(|i| format!("192.168.0.{}:40000", 10 + i).parse().unwrap())
            .collect(),
        name: Some("홍길동의 데스크톱 PC".to_owned()),
    };
    for (label, relay, lan) in [
        ("LAN, 1 address, name", None, 1),
        ("LAN, 4 addresses, name", None, 4),
        (
            "LAN 2 + relay URL, name",
            Some("wss://relay.certbridge.example/"),
            2,
        ),
    ] {
        let host = HostInvite::generate(params(relay, lan), SystemTime::now()).unwrap();
        let qr = host.invite().to_qr().unwrap();
        println!(
            "invite {label:<28} cbor={:>3} B  text={:>3} chars  QR version {} ({}x{} modules)",
            host.invite().cbor().len(),
            host.invite().to_text().len(),
            qr.version(),
            qr.width(),
            qr.width()
        );
    }
    let mut samples = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let host = HostInvite::generate(params(None, 2), SystemTime::now()).unwrap();
        let qr = host.invite().to_qr().unwrap();
        std::hint::black_box(qr.to_terminal(true));
        samples.push(t.elapsed());
    }
    report("invite + QR (terminal)", samples);
    let host = HostInvite::generate(params(None, 2), SystemTime::now()).unwrap();
    let qr = host.invite().to_qr().unwrap();
    let mut samples = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        std::hint::black_box(qr.to_png(8).unwrap());
        samples.push(t.elapsed());
    }
    report("QR PNG at 8 px/module", samples);
}

async fn one_session() -> (Duration, Duration) {
    let start = Instant::now();
    let desk_store = Arc::new(Store {
        outgoing: vec![OutgoingItem {
            label: "x".into(),
            item: item(),
        }],
        saved: Mutex::new(0),
    });
    let phone_store = Arc::new(Store {
        outgoing: Vec::new(),
        saved: Mutex::new(0),
    });
    let mut config = HostConfig::new(Mode::DesktopSends, Hello::new("desk", "bench"));
    config.listen = vec!["127.0.0.1:0".parse().unwrap()];
    let (desk, mut desk_events) = start_host(config, desk_store);
    let invite = loop {
        if let Some(Event::InviteReady { invite, .. }) = desk_events.recv().await {
            break invite;
        }
    };
    let scanned = Instant::now();
    let (_phone, mut phone_events) = start_guest(
        invite,
        GuestConfig::new(Hello::new("phone", "bench")),
        phone_store.clone(),
    );
    let mut to_code = Duration::ZERO;
    loop {
        match phone_events.recv().await.unwrap() {
            Event::VerificationCode { code } => {
                to_code = scanned.elapsed();
                desk.submit_code(&code.digits());
            }
            Event::Done(_) => break,
            Event::Failed(e) => panic!("{e}"),
            _ => {}
        }
    }
    assert_eq!(*phone_store.saved.lock().unwrap(), 1);
    (to_code, start.elapsed())
}

fn main() {
    invites();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let _ = one_session().await; // warm-up
        let mut to_code = Vec::new();
        let mut whole = Vec::new();
        for _ in 0..200 {
            let (c, w) = one_session().await;
            to_code.push(c);
            whole.push(w);
        }
        report("scan → verification number (loopback)", to_code);
        report("whole export session, 5.5 KB (loopback)", whole);
    });
}
