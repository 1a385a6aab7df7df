//! The store's contract: every operation, checked the same way on each
//! backend. `sqlite` runs it on temporary files; `postgres` on a real
//! PostgreSQL server that the test starts itself (see [`super::testing`]).

use super::*;
use lottopro_core::{Date, Draw};
use lottopro_core::{GameSpec, History, Ticket};

/// Opens the store called `name` on the backend under test: the same name
/// again reopens the same database (a restart); a new name is a new one.
type Open<'a> = &'a dyn Fn(&str) -> Store;

/// One check of the contract.
type Check = fn(Open<'_>);

/// Every check of the contract, run against `open`'s backend; how many.
fn run(open: Open<'_>) -> usize {
    let checks: [(&str, Check); 8] = [
        (
            "draws persist",
            draws_persist_and_only_continuations_are_added,
        ),
        ("saved numbers", saved_numbers_belong_to_their_owner),
        ("gaps", a_gap_is_rejected_and_nothing_is_stored),
        (
            "prediction log",
            predictions_are_written_behind_kept_in_bounds_and_survive_a_restart,
        ),
        ("device links", a_code_opens_its_owner_once),
        ("draw orders", draw_orders_are_kept_and_replaced),
        ("leases", one_replica_leads_until_its_lease_expires),
        ("a ticket's life", a_ticket_lives_once_and_is_announced_once),
    ];
    for (name, check) in &checks {
        eprintln!("contract: {name}");
        check(open);
    }
    checks.len()
}

#[test]
fn sqlite() {
    let root = std::env::temp_dir().join(format!("lottopro-contract-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let open = |name: &str| Store::open(&root.join(name).join("sub").join("lottopro.db")).unwrap();
    assert_eq!(run(&open), 8);
    // SQLite's own: the file is in WAL mode.
    let store = open("persist");
    let mode = store
        .with(|db| db.query_one("PRAGMA journal_mode", &[]))
        .unwrap();
    assert_eq!(mode.text(0).unwrap(), "wal");
    drop(store);
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn postgres() {
    let Some(server) = super::testing::PgServer::start() else {
        eprintln!(
            "postgres: skipped, no PostgreSQL server binaries (initdb); .ci/run installs them"
        );
        return;
    };
    let open = |name: &str| Store::connect(&server.database(name)).unwrap();
    assert_eq!(run(&open), 8);
    // Migrations are recorded once and not applied again on a reconnect.
    let store = open("persist");
    let applied = store
        .with(|db| db.query_one("SELECT COUNT(*) FROM lottopro_migrations", &[]))
        .unwrap();
    assert_eq!(
        usize::try_from(applied.int(0).unwrap()).unwrap(),
        super::pg::MIGRATION_COUNT
    );
    // The server stops: an operation that needs it fails as unavailable
    // (503 in the service), and after a restart the pool connects afresh
    // and every acknowledged save is there.
    let g = GameSpec::kr645();
    let t = Ticket::parse(&g, "3 11 17 25 33 41").unwrap();
    for i in 0..20 {
        store
            .save_numbers("dora", &g, &t, &format!("before {i}"), None)
            .unwrap();
    }
    server.set_running(false);
    let e = store
        .save_numbers("dora", &g, &t, "during", None)
        .unwrap_err();
    assert!(matches!(e, lottopro_core::Error::Unavailable { .. }), "{e}");
    assert!(store.probe().is_err());
    server.set_running(true);
    let mut recovered = None;
    for attempt in 0..3 {
        if store.probe().is_ok() {
            recovered = Some(attempt);
            break;
        }
    }
    assert!(recovered.is_some(), "the pool reconnects after the restart");
    store.save_numbers("dora", &g, &t, "after", None).unwrap();
    let labels: Vec<String> = store
        .saved_numbers("dora")
        .unwrap()
        .into_iter()
        .map(|s| s.label)
        .collect();
    assert_eq!(labels.len(), 21, "{labels:?}");
    assert!(!labels.contains(&"during".to_owned()) && labels.contains(&"after".to_owned()));

    // A SQLite store moves into PostgreSQL with every row and id; new rows
    // get new ids; a target that holds rows is refused.
    let dir = std::env::temp_dir().join(format!("lottopro-move-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let source = Store::open(&dir.join("lp.db")).unwrap();
    source.add(&history(12, 4)).unwrap();
    let a = source
        .save_numbers("erin", &g, &t, "one", Some(12))
        .unwrap()
        .unwrap();
    source.save_numbers("erin", &g, &t, "two", None).unwrap();
    source
        .save_prediction(NewPrediction {
            owner: "erin".into(),
            game: "kr645".into(),
            model: "trend".into(),
            seed: 7,
            target_round: 12,
            tickets: vec!["1 2 3 4 5 6".into()],
        })
        .unwrap();
    source
        .score_predictions(&source.history(&g).unwrap())
        .unwrap();
    source.create_link("code-key", "erin").unwrap();
    let target = open("moved");
    let copied = source.copy_to(&target).unwrap();
    assert_eq!(
        copied.iter().map(|(_, n)| *n).collect::<Vec<u64>>(),
        vec![12, 0, 2, 1, 1],
        "{copied:?}"
    );
    assert_eq!(target.history(&g).unwrap(), source.history(&g).unwrap());
    assert_eq!(
        target.saved_numbers("erin").unwrap(),
        source.saved_numbers("erin").unwrap()
    );
    assert_eq!(
        target.predictions("erin").unwrap(),
        source.predictions("erin").unwrap()
    );
    assert!(target.predictions("erin").unwrap()[0].score.is_some());
    assert_eq!(
        target.redeem_link("code-key").unwrap().as_deref(),
        Some("erin")
    );
    let c = target
        .save_numbers("erin", &g, &t, "three", None)
        .unwrap()
        .unwrap();
    assert!(c.id > a.id + 1, "{} after {}", c.id, a.id);
    let again = source.copy_to(&target).unwrap_err();
    assert_eq!(again.field(), Some("to"), "{again}");
    drop(source);
    let _ = std::fs::remove_dir_all(dir);
}

pub(super) fn a_code_opens_its_owner_once(open: Open<'_>) {
    let store = open("links");
    store.create_link("k1", "owner-a").unwrap();
    // Looking (the confirmation before a link) does not use the code up.
    assert_eq!(store.peek_link("k1").unwrap().as_deref(), Some("owner-a"));
    assert_eq!(store.peek_link("nope").unwrap(), None);
    assert_eq!(store.redeem_link("k1").unwrap().as_deref(), Some("owner-a"));
    assert_eq!(store.peek_link("k1").unwrap(), None);
    assert_eq!(store.redeem_link("k1").unwrap(), None, "single use");
    assert_eq!(store.redeem_link("unknown").unwrap(), None);
    // A code made again replaces the first.
    store.create_link("k3", "owner-a").unwrap();
    store.create_link("k3", "owner-b").unwrap();
    assert_eq!(store.redeem_link("k3").unwrap().as_deref(), Some("owner-b"));
    // An expired code opens nothing.
    store.create_link("k2", "owner-a").unwrap();
    store
        .with(|db| db.execute("UPDATE link_codes SET expires_at = 0", &[]))
        .unwrap();
    assert_eq!(store.redeem_link("k2").unwrap(), None);
}

pub(super) fn one_replica_leads_until_its_lease_expires(open: Open<'_>) {
    let store = open("leases");
    assert!(store.lead("sync", "a", 60).unwrap());
    assert!(!store.lead("sync", "b", 60).unwrap(), "a holds it");
    assert!(store.lead("sync", "a", 60).unwrap(), "a renews");
    assert!(store.lead("other", "b", 60).unwrap(), "leases are per name");
    // a stops renewing: once its lease has expired, b takes over.
    store
        .with(|db| db.execute("UPDATE leases SET expires_at = 0 WHERE name = 'sync'", &[]))
        .unwrap();
    assert!(store.lead("sync", "b", 60).unwrap());
    assert!(!store.lead("sync", "a", 60).unwrap());
}

pub(super) fn draw_orders_are_kept_and_replaced(open: Open<'_>) {
    let store = open("orders");
    let g = GameSpec::kr645();
    store.add(&history(3, 9)).unwrap();
    let numbers = store.history(&g).unwrap().draws()[1].numbers().to_vec();
    let mut order = numbers.clone();
    order.reverse();
    assert_eq!(store.draw_order(&g, 2).unwrap(), None);
    store.set_draw_order(&g, 2, &order).unwrap();
    assert_eq!(store.draw_order(&g, 2).unwrap(), Some(order));
    store.set_draw_order(&g, 2, &numbers).unwrap();
    assert_eq!(
        store.draw_order(&g, 2).unwrap(),
        Some(numbers.clone()),
        "replaced"
    );
    // An order of other numbers is refused, and changes nothing.
    let mut wrong = numbers.clone();
    wrong[0] = (1..=45).find(|n| !numbers.contains(n)).unwrap();
    let e = store.set_draw_order(&g, 2, &wrong).unwrap_err();
    assert_eq!(e.field(), Some("order"), "{e}");
    assert_eq!(store.draw_order(&g, 2).unwrap(), Some(numbers.clone()));
    assert_eq!(store.latest_round(&g).unwrap(), Some(3));
    assert_eq!(
        store
            .latest_round(&GameSpec::preset("powerball").unwrap())
            .unwrap(),
        None
    );
}

fn history(len: u32, seed: u64) -> History {
    History::simulated(
        GameSpec::kr645(),
        len,
        Date::parse("2002-12-07").unwrap(),
        seed,
    )
    .unwrap()
}

pub(super) fn draws_persist_and_only_continuations_are_added(open: Open<'_>) {
    let full = history(300, 1);
    let first = History::new(GameSpec::kr645(), full.draws()[..100].to_vec()).unwrap();
    {
        let store = open("persist");
        assert_eq!(store.add(&first).unwrap().len(), 100);
        assert!(
            store.add(&first).unwrap().is_empty(),
            "adding again adds nothing"
        );
    }
    let store = open("persist");
    assert_eq!(store.history(&GameSpec::kr645()).unwrap(), first);
    assert_eq!(store.add(&full).unwrap(), (101..=300).collect::<Vec<u32>>());
    assert_eq!(store.history(&GameSpec::kr645()).unwrap(), full);
    // A file that disagrees with a stored round changes nothing.
    let other = history(301, 2);
    assert!(
        store
            .add(&other)
            .unwrap_err()
            .to_string()
            .contains("differs")
    );
    assert_eq!(store.history(&GameSpec::kr645()).unwrap().len(), 300);
}

pub(super) fn saved_numbers_belong_to_their_owner(open: Open<'_>) {
    let store = open("saved");
    let g = GameSpec::kr645();
    let t = Ticket::parse(&g, "3 11 17 25 33 41").unwrap();
    let sql = "x'); DROP TABLE saved_numbers; --";
    let a = store
        .save_numbers("alice", &g, &t, sql, None)
        .unwrap()
        .unwrap();
    store.save_numbers("bob", &g, &t, "", Some(1200)).unwrap();
    let mine = store.saved_numbers("alice").unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].numbers.as_str(), mine[0].label.as_str()),
        ("3 11 17 25 33 41", sql)
    );
    assert!(
        !store.delete_numbers("bob", a.id).unwrap(),
        "bob cannot delete alice's ticket"
    );
    assert!(store.owner_known("alice").unwrap());
    assert!(!store.owner_known("carol").unwrap());
    assert!(store.delete_numbers("alice", a.id).unwrap());
    assert!(store.saved_numbers("alice").unwrap().is_empty());
    assert!(!store.owner_known("alice").unwrap(), "nothing left to own");
    assert_eq!(store.saved_numbers("bob").unwrap().len(), 1);
    let long = "x".repeat(MAX_LABEL_CHARS + 1);
    assert_eq!(
        store
            .save_numbers("alice", &g, &t, &long, None)
            .unwrap_err()
            .field(),
        Some("label")
    );
    for hidden in [
        "a\u{0}b",
        "gift \u{202E}txt.exe",
        "zero\u{200B}width",
        "\u{FEFF}bom",
    ] {
        let e = store
            .save_numbers("alice", &g, &t, hidden, None)
            .unwrap_err();
        assert_eq!(e.field(), Some("label"), "{hidden:?}");
        assert!(e.to_string().contains("U+"), "{e}");
    }
    assert!(
        store
            .save_numbers("alice", &g, &t, "생일 🎂 — Ünïcode", None)
            .is_ok()
    );
}

pub(super) fn a_gap_is_rejected_and_nothing_is_stored(open: Open<'_>) {
    let store = open("gap");
    let full = history(10, 3);
    let late = History::new(GameSpec::kr645(), full.draws()[5..].to_vec()).unwrap();
    store
        .add(&History::new(GameSpec::kr645(), full.draws()[..2].to_vec()).unwrap())
        .unwrap();
    assert!(
        store
            .add(&late)
            .unwrap_err()
            .to_string()
            .contains("missing")
    );
    let kept: Vec<u32> = store
        .history(&GameSpec::kr645())
        .unwrap()
        .draws()
        .iter()
        .map(Draw::round)
        .collect();
    assert_eq!(kept, vec![1, 2]);
}

pub(super) fn predictions_are_written_behind_kept_in_bounds_and_survive_a_restart(open: Open<'_>) {
    let prediction = |owner: &str, seed: u64| NewPrediction {
        owner: owner.into(),
        game: "kr645".into(),
        model: "frequency".into(),
        seed,
        target_round: 11,
        tickets: vec!["1 2 3 4 5 6".into()],
    };
    {
        let store = open("log");
        for seed in 0..(MAX_PREDICTIONS_PER_OWNER as u64 + 50) {
            store.save_prediction(prediction("alice", seed)).unwrap();
        }
        store.save_prediction(prediction("bob", u64::MAX)).unwrap();
        assert!(store.owner_known("bob").unwrap(), "a prediction owns");
        // Reading flushes the queue: every prediction made is visible.
        let mine = store.predictions("alice").unwrap();
        assert_eq!(
            mine.len(),
            MAX_PREDICTIONS_PER_OWNER,
            "the oldest 50 are dropped"
        );
        assert_eq!(
            mine[0].seed,
            MAX_PREDICTIONS_PER_OWNER as u64 + 49,
            "newest first"
        );
        assert_eq!(store.predictions("bob").unwrap()[0].seed, u64::MAX);
        store.save_prediction(prediction("carol", 1)).unwrap();
        // Dropped without a read: the writer commits before it stops.
    }
    let store = open("log");
    assert_eq!(store.predictions("carol").unwrap().len(), 1);
    // Round 11 arrives: every stored prediction for it is scored.
    store.add(&history(11, 5)).unwrap();
    let carol = store.predictions("carol").unwrap();
    let score = carol[0].score.as_ref().unwrap();
    assert_eq!(score.round, 11);
    assert_eq!(score.tickets.len(), 1);
}

/// A slip saved twice is stored once; a deleted ticket comes back with the
/// undo; linking merges two owners without doubles; the tickets of a drawn
/// round are announced to exactly one caller.
pub(super) fn a_ticket_lives_once_and_is_announced_once(open: Open<'_>) {
    use lottopro_core::{Choice, Slip};
    let store = open("life");
    let g = GameSpec::kr645();
    let t = |s: &str| Ticket::parse(&g, s).unwrap();
    let slip = Slip::new(
        &g,
        1254,
        vec![
            (t("1 2 3 4 5 6"), Choice::Auto),
            (t("7 8 9 10 11 12"), Choice::Manual),
        ],
        Some("0000000645".into()),
    )
    .unwrap();
    let first = store.save_slip("ann", &g, &slip, "QR").unwrap();
    assert_eq!((first.saved.len(), first.duplicates.len()), (2, 0));
    assert_eq!(first.saved[1].letter.as_deref(), Some("B"));
    assert_eq!(first.saved[1].choice.as_deref(), Some("m"));
    // The same slip again, and its first game typed by hand: nothing new.
    let again = store.save_slip("ann", &g, &slip, "QR").unwrap();
    assert_eq!(
        (again.saved.len(), again.duplicates),
        (0, vec!["A".to_owned(), "B".to_owned()])
    );
    assert!(
        store
            .save_numbers("ann", &g, &t("1 2 3 4 5 6"), "", Some(1254))
            .unwrap()
            .is_none()
    );
    // Another round, or another owner, is another ticket.
    assert!(
        store
            .save_numbers("ann", &g, &t("1 2 3 4 5 6"), "", Some(1255))
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .save_numbers("bob", &g, &t("1 2 3 4 5 6"), "", Some(1254))
            .unwrap()
            .is_some()
    );
    assert_eq!(store.count_numbers("ann").unwrap(), 3);

    // Delete, then undo.
    let id = first.saved[0].id;
    assert!(store.delete_numbers("ann", id).unwrap());
    assert!(
        !store.delete_numbers("bob", id).unwrap(),
        "only the owner deletes"
    );
    assert_eq!(store.count_numbers("ann").unwrap(), 2);
    let back = store.restore_numbers("ann", id).unwrap().unwrap();
    assert_eq!(back.numbers, "1 2 3 4 5 6");
    assert_eq!(store.count_numbers("ann").unwrap(), 3);
    assert!(
        store.restore_numbers("ann", id).unwrap().is_none(),
        "restored once"
    );
    // A deleted ticket saved again cannot be restored on top of it.
    assert!(store.delete_numbers("ann", id).unwrap());
    assert!(
        store
            .save_numbers("ann", &g, &t("1 2 3 4 5 6"), "", Some(1254))
            .unwrap()
            .is_some()
    );
    assert!(store.restore_numbers("ann", id).unwrap().is_none());
    assert_eq!(store.count_numbers("ann").unwrap(), 3);

    // Edit and claim.
    let b = store
        .saved_numbers("ann")
        .unwrap()
        .into_iter()
        .find(|s| s.round == Some(1255))
        .unwrap();
    let edited = store
        .edit_numbers("ann", b.id, "birthday", Some(1256))
        .unwrap()
        .unwrap();
    assert_eq!(
        (edited.label.as_str(), edited.round),
        ("birthday", Some(1256))
    );
    assert!(store.mark_claimed("ann", b.id, true).unwrap());
    assert!(
        store
            .ticket("ann", b.id)
            .unwrap()
            .unwrap()
            .claimed_at
            .is_some()
    );
    assert!(!store.mark_claimed("bob", b.id, true).unwrap());

    // Linking: bob's tickets move to ann's, the one both hold stays once.
    let moved = store.merge_owner("bob", "ann").unwrap();
    assert_eq!(moved, 0, "bob's only ticket is one ann holds");
    assert!(
        store
            .save_numbers("cid", &g, &t("13 14 15 16 17 18"), "", Some(1254))
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .save_numbers("cid", &g, &t("7 8 9 10 11 12"), "", Some(1254))
            .unwrap()
            .is_some()
    );
    assert_eq!(store.merge_owner("cid", "ann").unwrap(), 1);
    assert_eq!(store.count_numbers("cid").unwrap(), 0);
    assert_eq!(store.count_numbers("ann").unwrap(), 4);

    // Round 1254's tickets are announced once, whoever asks twice.
    let waiting = store.waiting_tickets("kr645", 1254).unwrap();
    assert_eq!(waiting.len(), 3, "{waiting:?}");
    assert!(waiting.iter().all(|(owner, _)| owner == "ann"));
    let ids: Vec<i64> = waiting.iter().map(|(_, s)| s.id).collect();
    assert_eq!(store.mark_notified(&ids).unwrap().len(), 3);
    assert!(store.mark_notified(&ids).unwrap().is_empty());
    assert!(store.waiting_tickets("kr645", 1254).unwrap().is_empty());

    // The last successful sync is one time for every replica.
    assert_eq!(store.last_sync().unwrap(), None);
    store.record_sync(2_000).unwrap();
    store.record_sync(1_000).unwrap();
    assert_eq!(store.last_sync().unwrap(), Some(2_000));
}
