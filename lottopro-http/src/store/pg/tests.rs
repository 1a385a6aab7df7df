//! Tests of `pg`.
use super::*;

#[test]
fn passwords_are_not_shown() {
    assert_eq!(
        shown("postgres://lotto:s3cret@db.local:5432/lotto"),
        "postgres://lotto@db.local:5432/lotto"
    );
    assert_eq!(
        shown("postgres://db.local/lotto"),
        "postgres://db.local/lotto"
    );
    assert_eq!(
        shown("postgres://lotto@db.local/lotto?sslmode=require&password=s3cret&x=a@b"),
        "postgres://lotto@db.local/lotto?sslmode=require&password=…&x=a@b"
    );
    assert_eq!(
        shown("postgresql://db.local/lotto?PASSWORD=s3cret&sslpassword=k3y"),
        "postgresql://db.local/lotto?PASSWORD=…&sslpassword=…"
    );
    assert_eq!(
        shown("host=db.local user=lotto password=s3cret dbname=lotto"),
        "host=db.local user=lotto password=… dbname=lotto"
    );
}

/// Three replicas started together on an empty database (the issue's
/// M6: two of three used to exit, on the table of migrations or the
/// first load), ten times over: every one opens the store and sees the
/// whole bundled history, loaded once.
#[test]
fn replicas_started_together_on_an_empty_database_all_come_up() {
    let Some(server) = crate::store::testing::PgServer::start() else {
        eprintln!("skipped: no PostgreSQL server binaries (.ci/run installs them)");
        return;
    };
    let spec = lottopro_core::GameSpec::preset("kr645").unwrap();
    let bundled = lottopro_core::data::default_history(&spec);
    assert!(bundled.len() > 1000);
    for attempt in 0..10 {
        let location = server.database(&format!("together{attempt}"));
        let start = std::sync::Barrier::new(3);
        let loaded: Vec<usize> = std::thread::scope(|s| {
            let replicas: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        let store = crate::store::Store::connect(&location)?;
                        let added = store.load_if_empty(&bundled)?;
                        assert_eq!(store.history(&spec)?.len(), bundled.len());
                        Ok::<_, Error>(added.len())
                    })
                })
                .collect();
            replicas
                .into_iter()
                .map(|r| {
                    r.join()
                        .unwrap()
                        .unwrap_or_else(|e| panic!("attempt {attempt}: {e}"))
                })
                .collect()
        });
        assert_eq!(
            loaded.iter().filter(|&&n| n > 0).count(),
            1,
            "attempt {attempt}: one replica loads the history: {loaded:?}"
        );
    }
}

/// A database a newer release migrated is refused with what to do.
#[test]
fn a_newer_schema_is_refused() {
    let Some(server) = crate::store::testing::PgServer::start() else {
        eprintln!("skipped: no PostgreSQL server binaries (.ci/run installs them)");
        return;
    };
    let location = server.database("newer");
    drop(crate::store::Store::connect(&location).unwrap());
    let crate::store::Location::Postgres(url) = &location else {
        unreachable!()
    };
    let mut client = postgres::Client::connect(url, NoTls).unwrap();
    client
        .execute(
            "INSERT INTO lottopro_migrations (version, applied_at) VALUES ($1, 0)",
            &[&(MIGRATIONS.len() as i64 + 1)],
        )
        .unwrap();
    let e = crate::store::Store::connect(&location).err().unwrap();
    let text = e.to_string();
    assert!(text.contains("newer than this LottoPro"), "{text}");
    assert!(text.contains("lottopro restore"), "{text}");
}

#[test]
fn a_server_that_never_answers_is_given_up_on_in_time() {
    let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "postgres://lotto@127.0.0.1:{}/lotto",
        hung.local_addr().unwrap().port()
    );
    let started = std::time::Instant::now();
    let e = Pool::connect(&url).err().unwrap().to_string();
    assert!(e.contains("did not answer within 5 s"), "{e}");
    assert!(started.elapsed() < CONNECT_TIMEOUT + Duration::from_secs(2));
}

#[test]
fn a_bad_url_names_the_field() {
    let e = Pool::connect("postgres://host:notaport/db").err().unwrap();
    assert!(e.to_string().contains("db"), "{e}");
}
