use super::*;
use crate::store::Store;
use lottopro_core::{GameSpec, Ticket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lottopro-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn config(db: &Path, dir: &Path) -> ServeConfig {
    let mut c = ServeConfig::defaults();
    c.store = crate::config::StoreArgs::at(db);
    c.backup.backup_dir = Some(dir.join("backups"));
    c.secret_key = Some("a-secret-that-must-stay-out-of-backups".into());
    c.admin_token = Some("an-admin-token-that-must-stay-out".into());
    c.sources.mirror_base = "https://reader:token-must-stay-out@mirror.example/lotto?key=k".into();
    c
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// The writer's owners: enough that its 5,000 saves stay within each
/// owner's 1,000 tickets.
const OWNERS: usize = 8;

fn saved(store: &Store) -> usize {
    (0..OWNERS)
        .map(|o| store.saved_numbers(&format!("owner{o}")).unwrap().len())
        .sum()
}

#[test]
fn an_archive_taken_during_writes_restores_everything_acknowledged_before_it() {
    let dir = temp("backup");
    let db = dir.join("live").join("lp.db");
    let logs = dir.join("logs");
    std::fs::create_dir_all(logs.join("error")).unwrap();
    std::fs::write(logs.join("lottopro.log"), "{\"msg\":\"one\"}\n").unwrap();
    std::fs::write(logs.join("error").join("error.log"), "{\"msg\":\"two\"}\n").unwrap();
    let store = Arc::new(Store::open(&db).unwrap());
    let game = GameSpec::kr645();
    store
        .add(&lottopro_core::data::default_history(&game))
        .unwrap();
    let ticket = Ticket::parse(&game, "1 2 3 4 5 6").unwrap();
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, game, acknowledged, stop) = (
            store.clone(),
            game.clone(),
            acknowledged.clone(),
            stop.clone(),
        );
        std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) && i < 5_000 {
                let owner = format!("owner{}", i % OWNERS);
                store
                    .save_numbers(&owner, &game, &ticket, &format!("w{i}"), None)
                    .unwrap();
                i += 1;
                acknowledged.store(i, Ordering::SeqCst);
            }
        })
    };
    while acknowledged.load(Ordering::SeqCst) < 200 {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let before = acknowledged.load(Ordering::SeqCst) as u64;
    let mut c = config(&db, &dir);
    c.log_dir = Some(logs.clone());
    let outcome = block(run(&c)).unwrap();
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    let m = &outcome.manifest;
    let held = m.rows_of("saved_numbers");
    assert!(held >= before, "{before} saves acknowledged, {held} held");
    // The store says when a backup last worked (what /metrics reports).
    let at = store.last_backup().unwrap().unwrap();
    assert!(at >= m.created_at && at < m.created_at + 600, "{at}");
    assert_eq!(
        m.rows_of("draws"),
        store.history(&game).unwrap().len() as u64
    );
    let paths: Vec<&str> = m.members.iter().map(|x| x.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "config.json",
            "database.db",
            "logs/error/error.log",
            "logs/lottopro.log"
        ]
    );
    assert_eq!(m.skipped[0].0, "redis", "{:?}", m.skipped);
    assert!(outcome.uploaded.is_none() && outcome.removed.is_empty());

    // Restored into a fresh folder: the same rows, the same log files, and
    // the settings without their secrets.
    let fresh = dir.join("fresh");
    let restored = fresh.join("lp.db");
    let from = outcome.file.to_string_lossy().into_owned();
    let back = block(restore(
        &from,
        &Location::Sqlite(restored.clone()),
        &unpack(&fresh.join("unpacked")),
    ))
    .unwrap();
    assert_eq!(&back.manifest, m);
    let copy = Store::open(&restored).unwrap();
    assert_eq!(saved(&copy) as u64, held);
    assert_eq!(copy.history(&game).unwrap(), store.history(&game).unwrap());
    for log in ["lottopro.log", "error/error.log"] {
        assert_eq!(
            std::fs::read(logs.join(log)).unwrap(),
            std::fs::read(fresh.join("unpacked/logs").join(log)).unwrap()
        );
    }
    let settings = std::fs::read_to_string(fresh.join("unpacked/config.json")).unwrap();
    assert!(settings.contains("\"secret_key\": \"(set)\""), "{settings}");
    assert!(!settings.contains("must-stay-out"), "{settings}");
    assert!(
        settings.contains("\"mirror_base\": \"https://mirror.example/…\""),
        "{settings}"
    );

    // A changed byte is refused before anything is written.
    let mut bytes = std::fs::read(&outcome.file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    let bad = dir.join("bad.tar.gz");
    std::fs::write(&bad, bytes).unwrap();
    let other = dir.join("other.db");
    let e = block(restore(
        &bad.to_string_lossy(),
        &Location::Sqlite(other.clone()),
        &RestoreOptions::default(),
    ))
    .unwrap_err();
    assert!(e.to_string().contains("the archive is damaged"), "{e}");
    assert!(!other.exists());

    // A database that holds rows is replaced only with --force; the
    // archive is its owner's alone.
    drop(copy);
    let e = block(restore(
        &from,
        &Location::Sqlite(restored.clone()),
        &RestoreOptions::default(),
    ))
    .unwrap_err();
    assert!(e.to_string().contains("Pass --force"), "{e}");
    let force = RestoreOptions {
        force: true,
        ..RestoreOptions::default()
    };
    block(restore(&from, &Location::Sqlite(restored.clone()), &force)).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&outcome.file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn unpack(dir: &Path) -> RestoreOptions {
    RestoreOptions {
        unpack: Some(dir.to_path_buf()),
        ..RestoreOptions::default()
    }
}

#[test]
fn the_newest_archives_are_kept() {
    let dir = temp("backup-keep");
    let db = dir.join("lp.db");
    Store::open(&db).unwrap();
    let mut c = config(&db, &dir);
    c.backup.backup_keep = 2;
    let folder = dir.join("backups");
    std::fs::create_dir_all(&folder).unwrap();
    // Two older archives by name (the time they were taken).
    for old in [archive_name(1_000_000_000), archive_name(2_000_000_000)] {
        std::fs::write(folder.join(old), b"old").unwrap();
    }
    let outcome = block(run(&c)).unwrap();
    assert_eq!(
        outcome.removed,
        [folder
            .join(archive_name(1_000_000_000))
            .display()
            .to_string()]
    );
    let mut left: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left.len(), 2);
    assert_eq!(left[0], archive_name(2_000_000_000));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_postgres_store_is_dumped_and_restores_into_either_backend() {
    let Some(server) = crate::store::testing::PgServer::start() else {
        eprintln!("postgres: skipped, no PostgreSQL server binaries; .ci/run installs them");
        return;
    };
    let dir = temp("backup-pg");
    let source = server.database("source");
    let store = Store::connect(&source).unwrap();
    let game = GameSpec::kr645();
    store
        .add(&lottopro_core::data::default_history(&game))
        .unwrap();
    let ticket = Ticket::parse(&game, "7 14 21 28 35 42").unwrap();
    for i in 0..12 {
        store
            .save_numbers(&format!("owner{}", i % 4), &game, &ticket, "pg", None)
            .unwrap();
    }
    // The server trusts loopback: the password is there to be kept out.
    let Location::Postgres(url) = &source else {
        unreachable!()
    };
    let url = url.replace("lottopro@", "lottopro:hunter2-password@");
    let c = config(Path::new(&url), &dir);
    let outcome = block(run(&c)).unwrap();
    assert_eq!(outcome.manifest.rows_of("saved_numbers"), 12);
    assert!(
        !outcome.manifest.source.contains("hunter2"),
        "{}",
        outcome.manifest.source
    );
    let unpacked = dir.join("unpacked");
    let from = outcome.file.to_string_lossy().into_owned();
    block(restore(
        &from,
        &Location::Sqlite(dir.join("x.db")),
        &unpack(&unpacked),
    ))
    .unwrap();
    let settings = std::fs::read_to_string(unpacked.join("config.json")).unwrap();
    assert!(!settings.contains("hunter2"), "{settings}");
    let sqlite = dir.join("restored.db");
    block(restore(
        &from,
        &Location::Sqlite(sqlite.clone()),
        &RestoreOptions::default(),
    ))
    .unwrap();
    let target = server.database("target");
    block(restore(&from, &target, &RestoreOptions::default())).unwrap();
    for copy in [
        Store::open(&sqlite).unwrap(),
        Store::connect(&target).unwrap(),
    ] {
        assert_eq!(saved(&copy), 12);
        assert_eq!(copy.history(&game).unwrap(), store.history(&game).unwrap());
    }
    // PostgreSQL is restored only into an empty database.
    let e = block(restore(&from, &target, &RestoreOptions::default())).unwrap_err();
    assert!(e.to_string().contains("copy into an empty database"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn names_and_schedules() {
    assert_eq!(archive_name(0), "lottopro-19700101T000000.000Z.tar.gz");
    assert_eq!(
        archive_name(1_796_072_400_042),
        "lottopro-20261130T210000.042Z.tar.gz"
    );
    assert!(is_archive_name(&archive_name(5)));
    assert_eq!(parse_schedule("off").unwrap(), Schedule(None));
    assert_eq!(parse_schedule("03:30").unwrap(), Schedule(Some(210)));
    for bad in ["3:30", "24:00", "03:60", "nightly", "03:30:00"] {
        let e = parse_schedule(bad).unwrap_err();
        assert!(e.contains("HH:MM"), "{bad}: {e}");
    }
    // 2026-11-30 21:00 UTC is 06:00 on 1 December in Korea.
    let now = 1_796_072_400;
    assert_eq!(minutes_until(now, 6 * 60 + 1), 1);
    assert_eq!(minutes_until(now, 6 * 60), 24 * 60, "just now: tomorrow");
    assert_eq!(minutes_until(now, 3 * 60), 21 * 60);
    // BACKUP_EMAIL needs a mail server.
    let mut c = ServeConfig::defaults();
    c.backup.backup_email = Some("ops@example.org".into());
    assert_eq!(check(&c).unwrap_err().field(), Some("BACKUP_EMAIL"));
    c.smtp_url = Some("smtp://127.0.0.1:25".into());
    assert!(check(&c).is_ok());
}

/// An archive of `members` (name, content, or a link target), with a
/// manifest that lists `listed` (name, bytes, sha256) first.
fn crafted(file: &Path, listed: &[(&str, u64, String)], members: &[(&str, Result<&[u8], &Path>)]) {
    let manifest = archive::Manifest {
        format: archive::FORMAT.into(),
        created_at: 0,
        version: "test".into(),
        source: "test".into(),
        rows: Vec::new(),
        members: listed
            .iter()
            .map(|(path, bytes, sha256)| archive::Member {
                path: (*path).into(),
                bytes: *bytes,
                sha256: sha256.clone(),
            })
            .collect(),
        skipped: Vec::new(),
        key_fingerprint: None,
    };
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(file).unwrap(),
        flate2::Compression::default(),
    );
    let mut tar = tar::Builder::new(gz);
    let text = serde_json::to_vec(&manifest).unwrap();
    let mut header = tar::Header::new_gnu();
    header.set_size(text.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, archive::MANIFEST, text.as_slice())
        .unwrap();
    for (name, content) in members {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o600);
        match content {
            Ok(bytes) => {
                header.set_size(bytes.len() as u64);
                header.set_cksum();
                tar.append_data(&mut header, name, *bytes).unwrap();
            }
            Err(target) => {
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_size(0);
                tar.append_link(&mut header, name, target).unwrap();
            }
        }
    }
    tar.into_inner().unwrap().finish().unwrap();
}

/// A link member is refused even when the manifest vouches for what it
/// points at; a member larger than the manifest says is refused before it
/// is written; and a failed unpack leaves neither the target folder's
/// content nor a staging folder behind.
#[test]
fn an_archive_holds_regular_files_only_and_a_failed_unpack_leaves_nothing() {
    let dir = temp("backup-crafted");
    let outside = dir.join("outside.txt");
    std::fs::write(&outside, b"not the archive's").unwrap();
    let (sha, bytes) = archive::sha256(&outside).unwrap();
    let into = dir.join("into");

    let link = dir.join("link.tar.gz");
    crafted(
        &link,
        &[(archive::DATABASE, bytes, sha.clone())],
        &[(archive::DATABASE, Err(&outside))],
    );
    let refused = archive::unpack(&link, &into).unwrap_err();
    assert_eq!(refused.field(), Some("from"));
    assert!(
        refused.to_string().contains("not a regular file"),
        "{refused}"
    );

    let big = vec![0u8; 4 * 1024 * 1024];
    let bomb = dir.join("bomb.tar.gz");
    crafted(
        &bomb,
        &[(archive::DATABASE, 10, "0".repeat(64))],
        &[(archive::DATABASE, Ok(&big))],
    );
    let refused = archive::unpack(&bomb, &into).unwrap_err();
    assert!(
        refused.to_string().contains("the manifest says 10"),
        "{refused}"
    );

    let (good_sha, good_bytes) = {
        std::fs::write(dir.join("db"), b"database").unwrap();
        archive::sha256(&dir.join("db")).unwrap()
    };
    let bad = dir.join("bad.tar.gz");
    crafted(
        &bad,
        &[
            (archive::DATABASE, good_bytes, good_sha.clone()),
            ("redis.rdb", 3, "0".repeat(64)),
        ],
        &[
            (archive::DATABASE, Ok(b"database")),
            ("redis.rdb", Ok(b"rdb")),
        ],
    );
    let refused = archive::unpack(&bad, &into).unwrap_err();
    assert!(
        refused.to_string().contains("redis.rdb does not match"),
        "{refused}"
    );

    assert_eq!(
        std::fs::read_dir(&into).unwrap().count(),
        0,
        "into is left empty"
    );
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(left.is_empty(), "staging folders left behind: {left:?}");

    let good = dir.join("good.tar.gz");
    crafted(
        &good,
        &[(archive::DATABASE, good_bytes, good_sha)],
        &[(archive::DATABASE, Ok(b"database"))],
    );
    archive::unpack(&good, &into).unwrap();
    assert_eq!(
        std::fs::read(into.join(archive::DATABASE)).unwrap(),
        b"database"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
