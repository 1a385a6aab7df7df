//! The `lottopro` binary, run as a user would run it.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::{Server, data_file, redis_server};

fn lottopro(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lottopro"))
        .args(args)
        .output()
        .expect("run lottopro")
}

/// Runs a command that must succeed with `--json` and returns its document.
fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = lottopro(&all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not one JSON document: {e}"))
}

/// Writes `text` to a fresh file in the target dir and returns its path.
fn temp_file(name: &str, text: &str) -> String {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn odds_json_has_every_tier() {
    let v = json(&["odds"]);
    assert_eq!(v["game"], "kr645");
    let tiers = v["tiers"].as_array().unwrap();
    assert_eq!(tiers.len(), 5);
    assert_eq!(tiers[0]["rank"], 1);
    assert_eq!(tiers[0]["one_in"], 8_145_060.0);
    assert_eq!(tiers[2]["combinations"], 228);
    let pb = json(&["odds", "--game", "powerball"]);
    assert_eq!(pb["tiers"][0]["one_in"], 292_201_338.0);
}

#[test]
fn tax_json() {
    let v = json(&["tax", "1000000000"]);
    assert_eq!(
        (v["gross"].as_u64(), v["tax"].as_u64(), v["net"].as_u64()),
        (Some(1_000_000_000), Some(296_999_670), Some(703_000_330))
    );
    let v = json(&["tax", "2,000,000"]);
    assert_eq!(v["tax"], 0);
}

#[test]
fn check_reports_what_the_draw_paid() {
    let (draws, prizes) = (
        data_file("kr_lotto_645.csv"),
        data_file("kr_lotto_645_prizes.csv"),
    );
    // Draw 1245: 4 5 25 28 32 42 + 12.
    let base = [
        "check",
        "--history",
        &draws,
        "--prizes",
        &prizes,
        "--round",
        "1245",
    ];
    let with = |ticket: &str| json(&[&base[..], &["--ticket", ticket]].concat());
    let v = with("4 5 25 28 32 42");
    assert_eq!(
        (
            v["round"].as_u64(),
            v["matches"].as_u64(),
            v["rank"].as_u64()
        ),
        (Some(1245), Some(6), Some(1))
    );
    assert_eq!(v["prize"], 3_006_515_775u64);
    let v = with("4,5,25,28,32,12");
    assert_eq!(
        (
            v["matches"].as_u64(),
            v["bonus"].as_bool(),
            v["rank"].as_u64()
        ),
        (Some(5), Some(true), Some(2))
    );
    assert_eq!(v["prize"], 55_064_392);
    let v = with("4 5 25 1 2 3");
    assert_eq!(
        (v["rank"].as_u64(), v["prize"].as_u64()),
        (Some(5), Some(5_000))
    );
    let v = with("1 2 3 6 7 8");
    assert!(v["rank"].is_null() && v["prize"].is_null());
    // The prizes file beside the history is found without --prizes ...
    let v = json(&[
        "check",
        "--history",
        &draws,
        "--round",
        "1245",
        "--ticket",
        "4 5 25 1 2 3",
    ]);
    assert_eq!(
        (v["rank"].as_u64(), v["prize"].as_u64()),
        (Some(5), Some(5_000))
    );
    // ... and without one only rank 1 is known.
    let alone = temp_file("alone.csv", &std::fs::read_to_string(&draws).unwrap());
    let v = json(&[
        "check",
        "--history",
        &alone,
        "--round",
        "1245",
        "--ticket",
        "4 5 25 1 2 3",
    ]);
    assert_eq!(v["rank"], 5);
    assert!(v["prize"].is_null());
}

#[test]
fn import_reports_counts_or_the_first_error() {
    let v = json(&[
        "import",
        &data_file("kr_lotto_645.csv"),
        "--prizes",
        &data_file("kr_lotto_645_prizes.csv"),
    ]);
    assert_eq!(
        (
            v["valid"].as_bool(),
            v["draws"].as_u64(),
            v["latest_round"].as_u64()
        ),
        (Some(true), Some(1245), Some(1245))
    );
    assert_eq!(v["draws_with_prizes"], 1245);
    let jsonl = temp_file(
        "one.jsonl",
        "{\"round\":5,\"date\":\"2003-01-04\",\"numbers\":[16,24,29,40,41,42],\"bonus\":[3]}\n",
    );
    let v = json(&["import", &jsonl]);
    assert_eq!(
        (v["draws"].as_u64(), v["format"].as_str()),
        (Some(1), Some("jsonl"))
    );

    let bad = temp_file(
        "bad.csv",
        "draw,date,n1,n2,n3,n4,n5,n6,bonus\n1,2002-12-07,10,23,29,33,37,46,16\n",
    );
    let out = lottopro(&["import", &bad, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"]["kind"], "parse");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 2, column n6"),
        "{v}"
    );
}

#[test]
fn stats_predict_and_backtest() {
    let draws = data_file("kr_lotto_645.csv");
    let v = json(&["stats", "--history", &draws]);
    assert_eq!(
        (v["draws"].as_u64(), v["numbers"].as_array().unwrap().len()),
        (Some(1245), 45)
    );
    assert!(v["uniformity"]["p_value"].as_f64().unwrap() > 0.05);
    assert_eq!(
        v["patterns"]["chance_any_consecutive"]
            .as_f64()
            .map(|p| (p * 1000.0).round()),
        Some(529.0)
    );

    let predict = [
        "predict",
        "--history",
        &draws,
        "--model",
        "trend",
        "--count",
        "3",
        "--include",
        "7 13",
        "--seed",
        "5",
    ];
    let a = json(&predict);
    assert_eq!(
        (a["model"].as_str(), a["seed"].as_u64()),
        (Some("trend"), Some(5))
    );
    let tickets = a["tickets"].as_array().unwrap();
    assert_eq!(tickets.len(), 3);
    for t in tickets {
        let nums: Vec<u64> = t["numbers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .collect();
        assert_eq!(nums.len(), 6);
        assert!(nums.contains(&7) && nums.contains(&13));
        assert_eq!(t["why"]["included"], serde_json::json!([7, 13]));
    }
    assert_eq!(a, json(&predict), "the same seed gives the same tickets");
    let unseeded = json(&["predict", "--history", &draws]);
    assert!(unseeded["seed"].is_u64());

    let v = json(&[
        "backtest",
        "--history",
        &draws,
        "--model",
        "frequency,random",
        "--warmup",
        "1000",
        "--tickets",
        "3",
    ]);
    let models = v["models"].as_array().unwrap();
    assert_eq!(models.len(), 2);
    assert_eq!(
        (
            models[0]["model"].as_str(),
            models[0]["rounds"].as_u64(),
            models[0]["tickets"].as_u64()
        ),
        (Some("frequency"), Some(245), Some(735))
    );
    assert_eq!(
        models[1]["chance_mean_matches"]
            .as_f64()
            .map(|m| (m * 10.0).round()),
        Some(8.0)
    );
    assert!(
        models
            .iter()
            .all(|m| m["p_value"].is_f64() && m["significant"].is_boolean())
    );
}

#[test]
fn simulate_reports_exact_and_simulated_values() {
    let (draws, prizes) = (
        data_file("kr_lotto_645.csv"),
        data_file("kr_lotto_645_prizes.csv"),
    );
    let base = [
        "simulate",
        "--history",
        &draws,
        "--prizes",
        &prizes,
        "--draws",
        "520",
        "--trials",
        "200",
        "--seed",
        "3",
    ];
    let v = json(&base);
    assert_eq!(
        (
            v["method"].as_str(),
            v["strategy"].as_str(),
            v["tickets"].as_u64()
        ),
        (Some("outcome_counts"), Some("random"), Some(520_000))
    );
    let ev = v["exact_ev_per_ticket"].as_f64().unwrap();
    assert!(ev > 400.0 && ev < 600.0, "{ev}");
    assert!(v["exact_ev_per_ticket_after_tax"].as_f64().unwrap() < ev);
    for key in [
        "mean_net",
        "p_profit",
        "simulated_ev_per_ticket",
        "standard_error",
    ] {
        assert!(v[key].is_f64(), "{key}");
    }
    for p in ["p1", "p5", "p50", "p95", "p99"] {
        assert!(v["percentiles"][p].is_i64(), "{p}");
    }
    assert_eq!(v["unvalued_ranks"], serde_json::json!([]));
    for key in [
        "jackpot_share",
        "jackpot_chance_per_trial",
        "jackpot_chance_in_simulation",
        "mean_net_without_jackpots",
    ] {
        assert!(v[key].is_number(), "{key}");
    }
    // A history with its prizes file beside it, named <history>_prizes.csv,
    // values every rank without --prizes; alone, ranks 1–3 stay unvalued.
    let alone = temp_file("sim_history.csv", &std::fs::read_to_string(&draws).unwrap());
    let run = |history: &str| {
        json(&[
            "simulate",
            "--history",
            history,
            "--trials",
            "20",
            "--seed",
            "3",
        ])
    };
    assert_eq!(run(&alone)["unvalued_ranks"], serde_json::json!([1, 2, 3]));
    temp_file(
        "sim_history_prizes.csv",
        &std::fs::read_to_string(&prizes).unwrap(),
    );
    assert_eq!(run(&alone)["unvalued_ranks"], serde_json::json!([]));
    // The same seed with one or two threads: the same report.
    let mut one = json(&[&base[..], &["--threads", "1", "--method", "per-ticket"]].concat());
    let mut two = json(&[&base[..], &["--threads", "2", "--method", "per-ticket"]].concat());
    for v in [&mut one, &mut two] {
        v.as_object_mut()
            .unwrap()
            .retain(|k, _| k != "threads" && k != "elapsed_seconds");
    }
    assert_eq!(one, two);
    // A fixed set of tickets on the bundled history (every rank valued), and a
    // game without history (pari-mutuel ranks unvalued).
    let v = json(&[
        "simulate",
        "--strategy",
        "fixed",
        "--tickets",
        "1 2 3 4 5 6; 10 20 30 40 41 42",
        "--draws",
        "100",
        "--trials",
        "10",
    ]);
    assert_eq!(
        (v["plan"]["tickets_per_draw"].as_u64(), v["method"].as_str()),
        (Some(2), Some("per_ticket"))
    );
    assert_eq!(v["unvalued_ranks"], serde_json::json!([]));
    let v = json(&[
        "simulate",
        "--game",
        "powerball",
        "--prize",
        "1=50000000000",
        "--draws",
        "10",
        "--trials",
        "10",
    ]);
    assert_eq!(v["unvalued_ranks"], serde_json::json!([]));
}

#[test]
fn games_lists_every_preset() {
    let v = json(&["games"]);
    let ids: Vec<&str> = v["games"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "kr645",
            "powerball",
            "megamillions",
            "euromillions",
            "uk-lotto",
            "ca649",
            "jp-loto6",
            "jp-loto7",
            "kr720"
        ]
    );
}

/// Bad input: a clear message on stderr naming what was wrong, exit code 1,
/// nothing on stdout.
#[test]
fn bad_input_table() {
    let draws = data_file("kr_lotto_645.csv");
    let bonus_in_six = temp_file(
        "bonus.csv",
        "draw,date,n1,n2,n3,n4,n5,n6,bonus\n1,2002-12-07,10,23,29,33,37,40,40\n",
    );
    let check = |ticket: &'static str| {
        vec![
            "check",
            "--history",
            &draws,
            "--round",
            "1",
            "--ticket",
            ticket,
        ]
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (check("1 2 3 4 5 6 7"), "numbers: expected 6 numbers, got 7"),
        (check("0 2 3 4 5 6"), "numbers[0]: 0 is out of range 1..=45"),
        (
            check("1 2 3 4 5 46"),
            "numbers[5]: 46 is out of range 1..=45",
        ),
        (check("1 2 3 4 5 5"), "numbers: 5 appears more than once"),
        (check(""), "numbers: is empty"),
        (
            check("1 2 three 4 5 6"),
            "numbers[2]: 'three' is not a number",
        ),
        (
            vec![
                "check",
                "--history",
                &draws,
                "--round",
                "5000",
                "--ticket",
                "1 2 3 4 5 6",
            ],
            "round 5000 is not in the history (it holds rounds 1..=1245)",
        ),
        (
            vec!["import", &bonus_in_six],
            "line 2, column bonus: bonus: 40 is also a main number",
        ),
        (vec!["tax", "-5"], "amount: -5 is negative"),
        (
            vec!["predict", "--history", &draws, "--model", "neural"],
            "model: unknown model 'neural'",
        ),
        (
            vec!["predict", "--history", &draws, "--include", "46"],
            "include[0]: 46 is out of range 1..=45",
        ),
        (
            vec![
                "predict",
                "--history",
                &draws,
                "--include",
                "7",
                "--exclude",
                "7",
            ],
            "exclude: 7 is also in include",
        ),
        (
            vec!["predict", "--history", &draws, "--count", "0"],
            "count: must be at least 1",
        ),
        (
            vec!["predict", "--history", &draws, "--count", "101"],
            "count: 101 exceeds the limit of 100",
        ),
        (
            vec!["backtest", "--history", &draws, "--warmup", "5000"],
            "warmup: needs more than 5000 draws; the history holds",
        ),
        (
            vec!["backtest", "--history", &draws, "--model", "frequency,foo"],
            "model: unknown model 'foo'",
        ),
        (vec!["tax", "12abc"], "amount: '12abc' is not an amount"),
        (
            vec!["tax", "99999999999999999999"],
            "larger than the largest accepted amount",
        ),
        (
            vec!["odds", "--game", "lotto-moon"],
            "game: unknown game 'lotto-moon'; known games: kr645",
        ),
        (
            vec![
                "check",
                "--history",
                "/nonexistent/draws.csv",
                "--round",
                "1",
                "--ticket",
                "1 2 3 4 5 6",
            ],
            "cannot open '/nonexistent/draws.csv'",
        ),
        (
            vec!["wheel", "--numbers", "1 2 3 4 5 6 7", "--guarantee", "5if4"],
            "guarantee: 5 matches cannot be guaranteed from 4 drawn numbers",
        ),
        (
            vec!["wheel", "--numbers", "1 2 3 4 5 46", "--guarantee", "2if2"],
            "numbers[5]: 46 is out of range 1..=45",
        ),
        (
            vec!["wheel", "--full-pool", "--guarantee", "3if4"],
            "guarantee: a full-pool design guarantees matches in every draw",
        ),
        (
            vec![
                "popularity",
                "--history",
                &draws,
                "--ticket",
                "1 2 3 4 5 6",
                "--sales",
                "-5",
            ],
            "sales: -5 is negative",
        ),
        (
            vec![
                "popularity",
                "--history",
                &draws,
                "--prizes",
                "/nonexistent/p.csv",
                "--ticket",
                "1 2 3 4 5 6",
            ],
            "cannot open '/nonexistent/p.csv'",
        ),
    ];
    for (args, message) in cases {
        for json in [false, true] {
            let mut a = args.clone();
            if json {
                a.push("--json");
            }
            let out = lottopro(&a);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(1), "{a:?}: stderr {stderr}");
            let report = if args[0] == "import" {
                &stdout
            } else {
                &stderr
            };
            assert!(
                report.contains(message),
                "{a:?}: expected {message:?}, got stderr {stderr:?} stdout {stdout:?}"
            );
            if args[0] != "import" {
                assert!(stdout.is_empty(), "{a:?}: printed {stdout:?}");
            }
        }
    }
    // Usage errors are clap's, exit code 2.
    assert_eq!(lottopro(&["check", "--round", "x"]).status.code(), Some(2));
    assert_eq!(lottopro(&["frobnicate"]).status.code(), Some(2));
    assert!(lottopro(&["--help"]).status.success());
}

/// The README's backtest table is the current output of the command it shows.
#[test]
fn readme_backtest_table_is_current() {
    let out = lottopro(&[
        "backtest",
        "--history",
        &data_file("kr_lotto_645.csv"),
        "--prizes",
        &data_file("kr_lotto_645_prizes.csv"),
    ]);
    assert!(out.status.success());
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        readme.contains(table.trim_end()),
        "README.md's table under \"Can it predict the lottery?\" is out of date; the command now prints:\n{table}"
    );
}

/// A reader that stops early (`lottopro predict ... | head -c 8`) ends the
/// command quietly: no panic, no error message. The output (about 77 KB) is
/// larger than a pipe's buffer, so the command does meet the closed pipe.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_lottopro"))
        .args([
            "predict",
            "--history",
            &data_file("kr_lotto_645.csv"),
            "--count",
            "100",
            "--seed",
            "1",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 8];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    assert_eq!(&first, b"{\"backte");
    // stdout is now closed; the rest of the output meets a broken pipe.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}

#[test]
fn import_stores_draws_once_and_refuses_conflicts() {
    let db = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("import-{}", std::process::id()))
        .join("lp.db");
    let _ = std::fs::remove_file(&db);
    let db_arg = db.to_string_lossy().into_owned();
    let draws = data_file("kr_lotto_645.csv");
    let v = json(&["import", &draws, "--db", &db_arg]);
    assert_eq!(
        (v["added"].as_u64(), v["stored_latest_round"].as_u64()),
        (Some(1245), Some(1245))
    );
    assert_eq!(json(&["import", &draws, "--db", &db_arg])["added"], 0);
    let conflict = temp_file(
        "conflict.csv",
        "draw,date,n1,n2,n3,n4,n5,n6,bonus\n1,2002-12-07,1,2,3,4,5,6,7\n",
    );
    let out = lottopro(&["import", &conflict, "--db", &db_arg]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("round 1 differs"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        json(&["import", &draws, "--db", &db_arg])["stored_latest_round"],
        1245
    );
}

/// A first start on an empty database loads the history bundled with
/// LottoPro, says so in the log, and keeps it: started again, it serves the
/// same draws from the store. A `--history` file given on an empty database
/// is what the service holds instead.
#[test]
fn serve_starts_with_the_bundled_history_and_keeps_it() {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db_arg = dir.join("lp.db").to_string_lossy().into_owned();
    let logs = dir.join("logs");
    for start in 0..2 {
        let server = Server::start(&["--db", &db_arg], &[("LOG_DIR", &logs.to_string_lossy())]);
        let (status, stats) = server
            .json("GET", "/api/stats", &[], "")
            .expect("the service answered /api/stats");
        let (_, v) = server.json("GET", "/api/health", &[], "").unwrap();
        assert!(server.terminate().success());
        assert_eq!(status, 200, "start {start}: {stats}");
        assert_eq!(stats["draws"], 1245, "start {start}");
        assert_eq!(
            (v["draws"].as_u64(), v["latest_round"].as_u64()),
            (Some(1245), Some(1245)),
            "start {start}"
        );
    }
    let log = std::fs::read_to_string(logs.join("lottopro.log")).unwrap();
    assert_eq!(
        log.matches("loaded the kr645 history bundled with LottoPro")
            .count(),
        1,
        "said once, on the first start only: {log}"
    );

    let first_ten = temp_file(
        "first-ten.csv",
        &std::fs::read_to_string(data_file("kr_lotto_645.csv"))
            .unwrap()
            .lines()
            .take(11)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let other_db = dir.join("other.db").to_string_lossy().into_owned();
    let server = Server::start(&["--db", &other_db, "--history", &first_ten], &[]);
    let (_, v) = server.json("GET", "/api/health", &[], "").unwrap();
    server.kill();
    assert_eq!(v["latest_round"], 10);
}

/// Every command that reads a history works without `--history`, on the
/// bundled one; another game without a file is refused by name.
#[test]
fn commands_default_to_the_bundled_history() {
    let v = json(&["stats", "--top", "3"]);
    assert_eq!(v["draws"], 1245);
    let v = json(&["check", "--round", "1245", "--ticket", "4 5 25 28 32 12"]);
    assert_eq!(
        (v["rank"].as_u64(), v["prize"].as_u64()),
        (Some(2), Some(55_064_392))
    );
    let v = json(&[
        "predict",
        "--model",
        "frequency",
        "--count",
        "2",
        "--seed",
        "1",
    ]);
    assert_eq!(v["tickets"].as_array().map(Vec::len), Some(2));
    let db = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-such-folder/none.db");
    let v = json(&[
        "popularity",
        "--ticket",
        "1 2 3 4 5 6",
        "--db",
        &db.to_string_lossy(),
    ]);
    assert!(
        v["expected_co_winners"]["1"].as_f64().unwrap() > 100.0,
        "{v}"
    );
    let out = lottopro(&["stats", "--game", "powerball"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("game: no history of powerball is bundled"),
        "{err}"
    );
}

/// Saved numbers acknowledged by the API survive a `kill -9` of the server
/// and a restart (a real process and a real SQLite file).
#[test]
fn acknowledged_saves_survive_kill_9() {
    let db = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("kill9-{}", std::process::id()))
        .join("lp.db");
    let _ = std::fs::remove_file(&db);
    let db_arg = db.to_string_lossy().into_owned();
    // 60 saves in a row: above the default 50/hour.
    let env = [("RATE_LIMIT_ENABLED", "false")];
    let server = Server::start(&["--db", &db_arg], &env);
    let (status, first) = server
        .json(
            "POST",
            "/api/numbers",
            &[],
            r#"{"ticket": "1 2 3 4 5 6", "label": "first"}"#,
        )
        .unwrap();
    assert_eq!(status, 201);
    let token = first["token"].as_str().unwrap().to_owned();
    let auth = [("X-Client-Token", token.as_str())];
    let mut acknowledged = 1;
    for i in 0..59 {
        // 59 different tickets: the same ticket for the same round is
        // stored once.
        let body = format!(
            r#"{{"numbers": [1, 2, 3, 4, {}, {}], "label": "save {i}"}}"#,
            5 + i / 38,
            7 + i % 38
        );
        if let Some((201, _)) = server.json("POST", "/api/numbers", &auth, &body) {
            acknowledged += 1;
        }
    }
    // SIGKILL: no chance to flush anything the store had not made durable.
    server.kill();
    let again = Server::start(&["--db", &db_arg], &env);
    let listed = again
        .json("GET", "/api/numbers", &auth, "")
        .map(|(_, v)| v["numbers"].as_array().map_or(0, Vec::len));
    again.kill();
    assert_eq!(acknowledged, 60);
    assert_eq!(
        listed,
        Some(60),
        "every acknowledged save is there after kill -9"
    );
}

/// `CACHE_TYPE=tiered` with `REDIS_URL` puts a real Redis behind the memory
/// cache: results land in both tiers.
#[test]
fn serve_uses_redis_when_told() {
    let Some(redis) = redis_server() else {
        eprintln!(
            "SKIPPED serve_uses_redis_when_told: redis-server is not installed (.ci/run installs it)"
        );
        return;
    };
    let (port, _guard) = redis;
    let db = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("redis-serve-{}", std::process::id()))
        .join("lp.db");
    let _ = std::fs::remove_file(&db);
    let url = format!("redis://127.0.0.1:{port}/0");
    let token = "admin-token-for-tests-0123456789";
    let server = Server::start(
        &[
            "--db",
            &db.to_string_lossy(),
            "--history",
            &data_file("kr_lotto_645.csv"),
        ],
        &[
            ("CACHE_TYPE", "tiered"),
            ("REDIS_URL", &url),
            ("ADMIN_TOKEN", token),
        ],
    );
    assert_eq!(server.json("GET", "/api/stats", &[], "").unwrap().0, 200);
    let auth = format!("Bearer {token}");
    let (status, info) = server
        .json("GET", "/admin/cache/info", &[("Authorization", &auth)], "")
        .unwrap();
    assert_eq!(status, 200, "{info}");
    let tiers: Vec<(String, u64)> = info["cache"]["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["tier"].as_str().unwrap().to_owned(),
                t["entries"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(tiers.len(), 2, "{info}");
    assert!(tiers.iter().all(|(_, entries)| *entries >= 1), "{tiers:?}");
    assert!(tiers.iter().any(|(name, _)| name == "redis"), "{tiers:?}");
    let (_, health) = server.json("GET", "/api/health", &[], "").unwrap();
    assert_eq!(health["cache_degraded"], false);
}

/// Readiness looks instead of remembering: with no traffic at all, a Redis
/// that stops is reported by `/api/ready` (and `/api/health`) within 2 s,
/// and reported back within 2 s of its return.
#[test]
fn readiness_follows_redis_without_traffic() {
    let Some((port, redis)) = redis_server() else {
        eprintln!(
            "SKIPPED readiness_follows_redis_without_traffic: redis-server is not installed (.ci/run installs it)"
        );
        return;
    };
    let db = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ready-{}", std::process::id()))
        .join("lp.db");
    let _ = std::fs::remove_file(&db);
    let url = format!("redis://127.0.0.1:{port}/0");
    let server = Server::start(
        &["--db", &db.to_string_lossy()],
        &[("CACHE_TYPE", "tiered"), ("REDIS_URL", &url)],
    );
    let ready = || server.json("GET", "/api/ready", &[], "").unwrap();
    let (status, body) = ready();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ready", "{body}");
    assert_eq!(body["store"]["state"], "up");
    assert_eq!(body["redis"]["state"], "up");
    assert!(body["redis"]["latency_ms"].as_f64().unwrap() < 250.0);
    // Within `within`, `check` holds on a fresh answer (polled every 100 ms;
    // answers are reused for at most 1 s, so the deadline counts that too).
    let eventually = |within: f64, check: &dyn Fn() -> bool| {
        let started = std::time::Instant::now();
        while started.elapsed().as_secs_f64() < within {
            if check() {
                return started.elapsed().as_secs_f64();
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("not within {within} s");
    };
    drop(redis);
    let took = eventually(2.0, &|| {
        let (status, body) = ready();
        status == 200 && body["status"] == "degraded" && body["redis"]["state"] == "down"
    });
    eprintln!("Redis down reported after {took:.2} s");
    eventually(2.0, &|| {
        server.json("GET", "/api/health", &[], "").unwrap().1["cache_degraded"] == true
    });
    let _redis = crate::common::redis_server_on(port).expect("redis-server restarts");
    let took = eventually(2.0, &|| {
        let (_, body) = ready();
        body["status"] == "ready" && body["redis"]["state"] == "up"
    });
    eprintln!("Redis back reported after {took:.2} s");
    eventually(2.0, &|| {
        server.json("GET", "/api/health", &[], "").unwrap().1["cache_degraded"] == false
    });
}

/// `lottopro serve --help` documents every setting with its environment name.
#[test]
fn serve_help_names_every_environment_variable() {
    let out = lottopro(&["serve", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "LOTTOPRO_BIND",
        "LOTTOPRO_DB",
        "SECRET_KEY",
        "DEBUG",
        "ADMIN_TOKEN",
        "REDIS_URL",
        "CACHE_TYPE",
        "CACHE_DEFAULT_TIMEOUT",
        "MEMORY_CACHE_SIZE",
        "CACHE_COMPRESSION",
        "CACHE_WARMING",
        "RATE_LIMIT_ENABLED",
        "RATE_LIMIT_PREDICT",
        "RATE_LIMIT_SAVE_NUMBERS",
        "MONITORING_ENABLED",
        "THRESHOLD_RESPONSE_TIME",
        "THRESHOLD_CPU_USAGE",
        "THRESHOLD_MEMORY_USAGE",
    ] {
        assert!(
            help.contains(&format!("env: {var}")),
            "{var} missing from:\n{help}"
        );
    }
    assert!(help.contains("[default: 127.0.0.1:5000]"));
}

/// Bad settings stop the service before it listens, naming the setting.
#[test]
fn serve_refuses_bad_settings() {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("badcfg-{}", std::process::id()));
    let db = dir.join("lp.db").to_string_lossy().into_owned();
    for (var, value, named) in [
        (
            "SECRET_KEY",
            "dev-secret-key-change-in-production",
            "SECRET_KEY",
        ),
        ("ADMIN_TOKEN", "admin", "ADMIN_TOKEN"),
        ("CACHE_TYPE", "disk", "CACHE_TYPE"),
        ("RATE_LIMIT_PREDICT", "30/fortnight", "RATE_LIMIT_PREDICT"),
        ("DEBUG", "maybe", "DEBUG"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_lottopro"))
            .args(["serve", "--bind", "127.0.0.1:1", "--db", &db])
            .env(var, value)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{var}={value} was accepted");
        assert!(
            err.contains(named) || err.contains(&named.to_lowercase().replace('_', "-")),
            "{var}: {err}"
        );
    }
}

/// With `LOG_DIR` the service writes JSON-lines logs in the original's
/// layout, rotates them (here by size), keeps `LOG_MAX_FILES`, and never
/// writes a token.
#[test]
fn logs_go_to_rotated_files_without_secrets() {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("logs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let logs = dir.join("logs");
    let admin = "admin-token-must-not-be-logged-0123";
    let server = Server::start(
        &["--db", &dir.join("lp.db").to_string_lossy()],
        &[
            ("LOG_DIR", &logs.to_string_lossy()),
            ("LOG_MAX_BYTES", "2000"),
            ("LOG_MAX_FILES", "3"),
            ("ADMIN_TOKEN", admin),
            // Every request counts as slow, so the performance log fills.
            ("THRESHOLD_RESPONSE_TIME", "0.000001"),
        ],
    );
    let auth = format!("Bearer {admin}");
    let (_, saved) = server
        .json("POST", "/api/numbers", &[], r#"{"ticket": "1 2 3 4 5 6"}"#)
        .unwrap();
    let token = saved["token"].as_str().unwrap().to_owned();
    for _ in 0..40 {
        server.json("GET", "/api/numbers", &[("X-Client-Token", &token)], "");
        server.json("GET", "/admin/cache/info", &[("Authorization", &auth)], "");
    }
    server.json(
        "POST",
        "/admin/cache/clear",
        &[("Authorization", &auth)],
        "",
    );
    assert!(
        server.terminate().success(),
        "SIGTERM ends the service with status 0"
    );
    for (folder, name) in [
        (".", "lottopro.log"),
        ("performance", "performance.log"),
        ("cache", "cache.log"),
        ("error", "error.log"),
    ] {
        let path = logs.join(folder).join(name);
        assert!(path.exists(), "{} is missing", path.display());
    }
    let performance: Vec<_> = std::fs::read_dir(logs.join("performance"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        performance.len(),
        3,
        "rotated at 2,000 bytes, three files kept: {performance:?}"
    );
    let cache = std::fs::read_to_string(logs.join("cache").join("cache.log")).unwrap();
    assert!(cache.contains("cache cleared"), "{cache}");
    for entry in walk(&logs) {
        let text = std::fs::read_to_string(&entry).unwrap();
        assert!(
            !text.contains(admin),
            "{} holds the admin token",
            entry.display()
        );
        assert!(
            !text.contains(&token),
            "{} holds a client token",
            entry.display()
        );
        for line in text.lines() {
            assert!(
                serde_json::from_str::<Value>(line).is_ok(),
                "{}: not JSON: {line}",
                entry.display()
            );
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `lottopro check --qr` checks every game of a ticket's QR code.
#[test]
fn check_reads_a_ticket_qr_code() {
    let url = "http://m.dhlottery.co.kr/qr.do?method=winQr&v=1179m052527293436m192427303134m021012152244m041623253540m1618212440440000000645.net";
    let v = json(&[
        "check",
        "--history",
        &data_file("kr_lotto_645.csv"),
        "--qr",
        url,
    ]);
    assert_eq!(v["round"], 1179);
    assert_eq!(v["games"].as_array().unwrap().len(), 5);
    assert_eq!(
        v["games"][1]["numbers"],
        serde_json::json!([19, 24, 27, 30, 31, 34])
    );
    let out = lottopro(&[
        "check",
        "--history",
        &data_file("kr_lotto_645.csv"),
        "--qr",
        "https://example.org/qr.do?method=winQr&v=1179m052527293436",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn popularity_and_wheels() {
    let draws = data_file("kr_lotto_645.csv");
    // The prizes file beside the history is found without --prizes.
    let pattern = json(&["popularity", "--history", &draws, "--ticket", "1 2 3 4 5 6"]);
    let plain = json(&[
        "popularity",
        "--history",
        &draws,
        "--ticket",
        "3 11 17 25 33 41",
    ]);
    for key in [
        "expected_co_winners",
        "uniform_co_winners",
        "win_probability",
    ] {
        for rank in ["1", "2", "3", "4", "5"] {
            assert!(
                pattern[key][rank].as_f64().is_some(),
                "{key} {rank}: {pattern}"
            );
        }
    }
    let co = |v: &Value| v["expected_co_winners"]["1"].as_f64().unwrap();
    assert!(co(&pattern) > 5.0 * co(&plain));
    let ev = |v: &Value, k: &str| v[k].as_f64().unwrap();
    assert!(ev(&pattern, "ev_per_ticket") < ev(&plain, "ev_per_ticket"));
    assert_eq!(
        ev(&pattern, "uniform_ev_per_ticket"),
        ev(&plain, "uniform_ev_per_ticket")
    );
    let evaluation = json(&["popularity", "--history", &draws, "--evaluate"]);
    let prizes = data_file("kr_lotto_645_prizes.csv");
    let simulated = json(&[
        "simulate",
        "--history",
        &draws,
        "--prizes",
        &prizes,
        "--strategy",
        "anti-popular",
        "--tickets-per-draw",
        "2",
        "--draws",
        "52",
        "--trials",
        "20",
    ]);
    assert_eq!(simulated["strategy"], "anti-popular");
    assert_eq!(evaluation["train"]["last_round"], 1000);
    let d = json(&[
        "popularity",
        "--history",
        &draws,
        "--distribution",
        "--sales",
        "102804882000",
    ]);
    let fifty = d["bought_50_or_more"]["estimate"].as_f64().unwrap();
    assert!((5_000.0..20_000.0).contains(&fifty), "{d}");
    let t = json(&["popularity", "--history", &draws, "--ticket", "1 2 3 4 5 6"]);
    let rank = t["popularity_rank"].as_u64().unwrap() as f64;
    assert!(rank < 100.0, "{t}");
    let (low, high) = (
        t["popularity_rank_interval"][0].as_f64().unwrap(),
        t["popularity_rank_interval"][1].as_f64().unwrap(),
    );
    assert!(1.0 <= low && low <= rank && rank <= high, "{t}");
    assert!(
        t["expected_buyers"]["estimate"].as_f64().unwrap() > 1_000.0,
        "{t}"
    );
    // Without winner counts there is nothing to learn from.
    let bare = temp_file("bare.csv", &std::fs::read_to_string(&draws).unwrap());
    let out = lottopro(&["popularity", "--history", &bare, "--ticket", "1 2 3 4 5 6"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("history:"));

    let w = json(&[
        "wheel",
        "--numbers",
        "1 5 9 13 17 21 26 30",
        "--guarantee",
        "3if4",
    ]);
    assert_eq!(w["verified"], true);
    assert_eq!(w["guarantee"], serde_json::json!({"t": 3, "m": 4}));
    let tickets = w["tickets"].as_array().unwrap();
    assert!(tickets.iter().all(|t| t.as_array().unwrap().len() == 6));
    assert_eq!(w["cost"].as_u64(), Some(1_000 * tickets.len() as u64));
    // A wheel the shipped table holds: its size beside the record.
    let fifteen: Vec<String> = (1..=15).map(|n| n.to_string()).collect();
    let w = json(&[
        "wheel",
        "--numbers",
        &fifteen.join(" "),
        "--guarantee",
        "3if3",
    ]);
    assert_eq!(w["record"]["from_table"], true);
    assert_eq!(w["record"]["best_known"]["size"], 31);
    assert!(w["tickets"].as_array().unwrap().len() <= 32);
    let text = lottopro(&[
        "wheel",
        "--numbers",
        &fifteen.join(" "),
        "--guarantee",
        "3if3",
    ]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("best known 31 (ljcr-issue32)"));
    // Weighted by what players buy: the same size and guarantee, and the
    // gain per ticket with its interval, in JSON and in words.
    let ten = "1 2 3 4 5 6 7 8 9 10";
    let weighted_from = |history: &str| -> Vec<String> {
        [
            "wheel",
            "--numbers",
            ten,
            "--guarantee",
            "3if3",
            "--weighted",
            "--history",
            history,
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let args = weighted_from(&draws);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let weighted = json(&args);
    assert_eq!(weighted["verified"], true);
    assert_eq!(weighted["tickets"].as_array().unwrap().len(), 10);
    let gain = &weighted["popularity"]["gain_per_ticket"];
    assert!(
        gain["low"].as_f64().unwrap() <= gain["estimate"].as_f64().unwrap(),
        "{gain}"
    );
    let text = lottopro(&args);
    assert!(String::from_utf8_lossy(&text.stdout).contains("won more than the plain design's"));
    let args = weighted_from(&bare);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(lottopro(&args).status.code(), Some(1));
    let two = json(&["wheel", "--full-pool", "--guarantee", "2"]);
    assert_eq!(two["tickets"].as_array().unwrap().len(), 15);
    assert_eq!(two["draws_checked"], 8_145_060);
    let three = json(&["wheel", "--full-pool", "--guarantee", "3"]);
    assert!(three["tickets"].as_array().unwrap().len() <= 146);
    assert_eq!(three["draws_checked"], 8_145_060);
    let text = lottopro(&["wheel", "--full-pool", "--guarantee", "2"]);
    assert!(
        String::from_utf8_lossy(&text.stdout)
            .contains("expected value is exactly that of the same number of random tickets")
    );
}
