//! Moves: the sending side removes its copy only of what the receiver
//! confirmed, byte for byte, and only when asked.

use std::sync::Arc;

use super::sessions::{asked_for_code, loopback, outcome, shown_code, until};
use super::{MemoryStore, item, outgoing};
use crate::handshake::Hello;
use crate::invite::Mode;
use crate::message::ItemStatus;
use crate::session::{Event, GuestConfig, HostConfig, Outcome, start_guest, start_host};

/// An export from `desk` to `phone`; the desktop moves when `move_sent`.
async fn export(desk: Arc<MemoryStore>, phone: Arc<MemoryStore>, move_sent: bool) -> (Outcome, Outcome) {
    let mut config = HostConfig::new(Mode::DesktopSends, Hello::new("desk", "test"));
    config.listen = loopback();
    config.move_sent = move_sent;
    let (desk_handle, mut desk_events) = start_host(config, desk);
    let invite = until(&mut desk_events, |e| match e {
        Event::InviteReady { invite, .. } => Some(invite),
        _ => None,
    })
    .await;
    let (_phone, mut phone_events) = start_guest(invite, GuestConfig::new(Hello::new("phone", "test")), phone);
    let number = shown_code(&mut phone_events).await;
    asked_for_code(&mut desk_events).await;
    desk_handle.submit_code(&number);
    (outcome(&mut desk_events).await.unwrap(), outcome(&mut phone_events).await.unwrap())
}

#[tokio::test]
async fn a_move_removes_each_confirmed_certificate_and_keeps_a_refused_one() {
    let items = [item(1, true), item(2, false), item(3, true)];
    let desk = Arc::new(MemoryStore::sending(&items));
    let phone = Arc::new(MemoryStore { refuse: vec![items[1].clone()], ..MemoryStore::default() });
    let (desk_outcome, phone_outcome) = export(desk.clone(), phone.clone(), true).await;
    assert_eq!(*desk.removed.lock().unwrap(), vec![0, 2]);
    let removed: Vec<_> = desk_outcome.items.iter().map(|i| i.removed).collect();
    assert_eq!(removed, vec![Some(true), None, Some(true)]);
    assert_eq!(desk_outcome.items[1].status, ItemStatus::Rejected);
    // The receiving side never removes anything.
    assert!(phone.removed.lock().unwrap().is_empty());
    assert!(phone_outcome.items.iter().all(|i| i.removed.is_none()));
}

#[tokio::test]
async fn without_move_nothing_is_removed() {
    let items = [item(4, true)];
    let desk = Arc::new(MemoryStore::sending(&items));
    let (desk_outcome, _) = export(desk.clone(), Arc::new(MemoryStore::default()), false).await;
    assert!(desk.removed.lock().unwrap().is_empty());
    assert_eq!(desk_outcome.items[0].removed, None);
}

#[tokio::test]
async fn a_certificate_changed_since_it_was_sent_is_kept() {
    let items = [item(5, true), item(6, false)];
    let mut changed = outgoing(&items);
    changed[1].item = item(7, false);
    let desk = Arc::new(MemoryStore { outgoing_later: Some(changed), ..MemoryStore::sending(&items) });
    let (desk_outcome, _) = export(desk.clone(), Arc::new(MemoryStore::default()), true).await;
    assert_eq!(*desk.removed.lock().unwrap(), vec![0]);
    assert_eq!(desk_outcome.items[1].removed, Some(false));
}

#[tokio::test]
async fn a_copy_that_cannot_be_removed_is_reported_and_the_transfer_still_succeeds() {
    let items = [item(8, false)];
    let desk = Arc::new(MemoryStore { fail_removes: true, ..MemoryStore::sending(&items) });
    let phone = Arc::new(MemoryStore::default());
    let (desk_outcome, _) = export(desk, phone.clone(), true).await;
    assert_eq!(desk_outcome.items[0].removed, Some(false));
    assert_eq!(phone.saved(), items.to_vec());
}

#[tokio::test]
async fn an_import_can_move_the_scanners_copy() {
    let items = [item(9, true)];
    let phone = Arc::new(MemoryStore::sending(&items));
    let desk = Arc::new(MemoryStore::default());
    let mut config = HostConfig::new(Mode::DesktopReceives, Hello::new("desk", "test"));
    config.listen = loopback();
    let (desk_handle, mut desk_events) = start_host(config, desk.clone());
    let invite = until(&mut desk_events, |e| match e {
        Event::InviteReady { invite, .. } => Some(invite),
        _ => None,
    })
    .await;
    let mut guest = GuestConfig::new(Hello::new("phone", "test"));
    guest.consent = Some(true);
    guest.move_sent = true;
    let (_phone, mut phone_events) = start_guest(invite, guest, phone.clone());
    let number = shown_code(&mut phone_events).await;
    asked_for_code(&mut desk_events).await;
    desk_handle.submit_code(&number);
    outcome(&mut desk_events).await.unwrap();
    let phone_outcome = outcome(&mut phone_events).await.unwrap();
    assert_eq!(desk.saved(), items.to_vec());
    assert_eq!(*phone.removed.lock().unwrap(), vec![0]);
    assert_eq!(phone_outcome.items[0].removed, Some(true));
}
