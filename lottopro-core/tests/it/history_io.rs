//! Reading and writing histories: the real data, every format, bad input.

use lottopro_core::io::{self, DrawRecord, Format, PrizeRow};
use lottopro_core::{Date, ErrorKind, GameSpec, History, Money, TierResult};

use crate::common::{data_file, real_history};

#[test]
fn imports_all_real_draws() {
    let h = real_history();
    assert_eq!(h.len(), 1245);
    assert_eq!((h.first_round(), h.latest_round()), (Some(1), Some(1245)));
    let first = h.get(1).unwrap();
    assert_eq!(first.date().to_string(), "2002-12-07");
    assert_eq!(first.numbers().to_string(), "10 23 29 33 37 40");
    assert_eq!(first.bonus().to_string(), "16");
    let second = h.get(2).unwrap();
    assert_eq!(
        (second.numbers().to_string(), second.bonus().to_string()),
        ("9 13 21 25 32 42".into(), "2".into())
    );
    assert_eq!(h.latest().unwrap().date().to_string(), "2026-10-10");
    for pair in h.draws().windows(2) {
        assert_eq!(
            pair[1].date().days_since_epoch() - pair[0].date().days_since_epoch(),
            7
        );
    }
    // Every draw has all five ranks once the prizes file is attached.
    assert!(
        h.draws()
            .iter()
            .all(|d| d.results().len() == 5 && d.total_sales().is_some())
    );
    let no_jackpot: Vec<u32> = h
        .draws()
        .iter()
        .filter(|d| d.result(1).unwrap().winners == 0)
        .map(|d| d.round())
        .collect();
    assert_eq!(
        no_jackpot,
        vec![1, 4, 5, 7, 8, 9, 13, 18, 24, 41, 71, 289, 295, 463]
    );
    assert_eq!(h.prefix(1000).len(), 1000);
}

#[test]
fn every_format_round_trips_the_real_history() {
    let h = real_history();
    let game = h.game().clone();
    // JSON lines is lossless.
    let mut buf = Vec::new();
    io::write_draws(&mut buf, Format::Jsonl, &game, h.draws()).unwrap();
    let back = io::read_history(&buf[..], Format::Jsonl, game.clone()).unwrap();
    assert_eq!(back, h);
    assert_eq!(back.epoch(), h.epoch());
    // CSV and legacy JSON keep numbers, dates, sales and the first prize.
    for format in [Format::Csv, Format::Json] {
        let mut buf = Vec::new();
        io::write_draws(&mut buf, format, &game, h.draws()).unwrap();
        let back = io::read_history(&buf[..], format, game.clone()).unwrap();
        assert_eq!(back.len(), h.len(), "{format:?}");
        for (a, b) in back.draws().iter().zip(h.draws()) {
            assert_eq!(
                (a.round(), a.date(), a.numbers(), a.bonus()),
                (b.round(), b.date(), b.numbers(), b.bonus())
            );
            assert_eq!(
                (a.total_sales(), a.result(1)),
                (b.total_sales(), b.result(1)),
                "{format:?}"
            );
        }
    }
    // The CSV writer reproduces the repository's file byte for byte.
    let original = std::fs::read_to_string(data_file("kr_lotto_645.csv")).unwrap();
    let mut buf = Vec::new();
    io::write_draws(&mut buf, Format::Csv, &game, h.draws()).unwrap();
    assert_eq!(String::from_utf8(buf).unwrap(), original);
    // So does the prizes writer.
    let original = std::fs::read_to_string(data_file("kr_lotto_645_prizes.csv")).unwrap();
    let mut buf = Vec::new();
    io::write_prize_rows(&mut buf, h.draws()).unwrap();
    assert_eq!(String::from_utf8(buf).unwrap(), original);
}

#[test]
fn the_embedded_history_is_the_repository_data() {
    // The files on disk and the copy compiled into the library are one.
    assert_eq!(History::bundled(), real_history());
    assert_eq!(
        lottopro_core::data::KR645_FIRST_PRIZE_CHOICE_CSV,
        std::fs::read_to_string(data_file("kr_lotto_645_first_prize_choice.csv")).unwrap()
    );
    let choice = lottopro_core::data::kr645_first_prize_choice();
    assert_eq!(
        (
            choice.first().map(|c| c.round),
            choice.last().map(|c| c.round)
        ),
        (Some(262), Some(1238))
    );
}

#[test]
fn first_prize_choice_rows_are_checked() {
    let bad = "draw,auto,semi_auto,manual\n262,2,0,0\n262,1,0,0\n";
    let e = io::read_first_prize_choice(bad.as_bytes()).unwrap_err();
    assert_eq!(
        (e.field(), e.to_string().starts_with("line 3")),
        (Some("draw"), true),
        "{e}"
    );
    let e = io::read_first_prize_choice("draw,auto,semi_auto,manual\n262,2,-1,0\n".as_bytes())
        .unwrap_err();
    assert_eq!(e.field(), Some("semi_auto"), "{e}");
    let e = io::read_first_prize_choice("draw,auto,manual\n262,2,0\n".as_bytes()).unwrap_err();
    assert_eq!(e.field(), Some("semi_auto"), "{e}");
}

#[test]
fn reads_the_official_legacy_json() {
    let one = r#"{"totSellamnt":3681782000,"returnValue":"success","drwNoDate":"2002-12-07","firstWinamnt":0,"drwtNo6":40,"drwtNo4":33,"firstPrzwnerCo":0,"drwtNo5":37,"bnusNo":16,"firstAccumamnt":0,"drwNo":1,"drwtNo2":23,"drwtNo3":29,"drwtNo1":10}"#;
    let draws = io::read_draws(one.as_bytes(), Format::Json, &GameSpec::kr645()).unwrap();
    assert_eq!(draws[0].numbers().to_string(), "10 23 29 33 37 40");
    assert_eq!(
        draws[0].total_sales(),
        Some(Money::new(3_681_782_000, "x").unwrap())
    );
    let fail = r#"{"returnValue":"fail"}"#;
    let e = io::read_draws(fail.as_bytes(), Format::Json, &GameSpec::kr645()).unwrap_err();
    assert!(e.to_string().contains("returnValue"), "{e}");
    let e = io::read_draws(
        one.as_bytes(),
        Format::Json,
        &GameSpec::preset("powerball").unwrap(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("6 numbers and 1 bonus"), "{e}");
}

const HEADER: &str =
    "draw,date,n1,n2,n3,n4,n5,n6,bonus,first_winners,first_prize_each,total_sales\n";
const GOOD: &str = "1,2002-12-07,10,23,29,33,37,40,16,0,0,3681782000\n";

/// Bad rows, each with the location and words its error must contain.
#[test]
fn bad_csv_rows_are_located() {
    let cases = [
        (
            "2,2002-12-14,9,13,21,25,32,46,2,1,1,1\n",
            "line 3, column n6",
            "46 is out of range 1..=45",
        ),
        (
            "2,2002-12-14,9,13,21,25,32,32,2,1,1,1\n",
            "line 3",
            "32 appears more than once",
        ),
        (
            "2,2002-12-14,9,13,21,25,32,42,9,1,1,1\n",
            "line 3, column bonus",
            "also a main number",
        ),
        (
            "2,2002-12-14,9,13,21,25,32,x,2,1,1,1\n",
            "line 3, column n6",
            "'x'",
        ),
        (
            "2,2002-12-14,9,13,21,25,32,0,2,1,1,1\n",
            "line 3, column n6",
            "0 is out of range",
        ),
        (
            "2,2002-12-14,9,13,21,25,32,42,2,1,1\n",
            "line 3",
            "11 fields but the header has 12",
        ),
        (
            "2,2002-02-30,9,13,21,25,32,42,2,1,1,1\n",
            "line 3, column date",
            "day 30",
        ),
        (
            "2,2002-12-14,9,13,21,25,32,42,2,1,-5,1\n",
            "line 3, column first_prize_each",
            "negative",
        ),
        (
            "2,2002-12-14,9,13,21,25,32,,2,1,1,1\n",
            "line 3, column n6",
            "is empty",
        ),
    ];
    for (row, location, words) in cases {
        let text = format!("{HEADER}{GOOD}{row}");
        let e = io::read_draws(text.as_bytes(), Format::Csv, &GameSpec::kr645()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Parse, "{row}: {e}");
        let msg = e.to_string();
        assert!(
            msg.starts_with(location) && msg.contains(words),
            "{row}: {msg}"
        );
    }
    // Rows that parse but do not form a history.
    let gap = format!("{HEADER}{GOOD}3,2002-12-21,9,13,21,25,32,42,2,1,1,1\n");
    let e = io::read_history(gap.as_bytes(), Format::Csv, GameSpec::kr645()).unwrap_err();
    assert!(e.to_string().contains("rounds 2..=2 are missing"), "{e}");
    let e =
        io::read_draws("draw,date,n1\n".as_bytes(), Format::Csv, &GameSpec::kr645()).unwrap_err();
    assert!(e.to_string().contains("no 'n2' column"), "{e}");
}

#[test]
fn bad_jsonl_lines_are_located() {
    let game = GameSpec::kr645();
    let good = r#"{"round":1,"date":"2002-12-07","numbers":[10,23,29,33,37,40],"bonus":[16]}"#;
    let cases = [
        ("{", "line 2"),
        (
            r#"{"round":2,"date":"2002-12-14","numbers":[1,2,3],"bonus":[16]}"#,
            "expected 6 numbers",
        ),
        (
            r#"{"round":2,"date":"2002-12-14","numbers":[1,2,3,4,5,6],"bonus":[7],"extra":1}"#,
            "unknown field",
        ),
        (
            r#"{"round":2,"date":"2002-12-14","numbers":[1,2,3,4,5,300],"bonus":[7]}"#,
            "line 2",
        ),
    ];
    for (line, words) in cases {
        let text = format!("{good}\n\n{line}\n").replacen("\n\n", "\n", 1);
        let e = io::read_draws(text.as_bytes(), Format::Jsonl, &game).unwrap_err();
        assert!(e.to_string().contains(words), "{line}: {e}");
    }
}

#[test]
fn prize_rows_must_fit_the_history() {
    let h = io::read_history(
        format!("{HEADER}{GOOD}").as_bytes(),
        Format::Csv,
        GameSpec::kr645(),
    )
    .unwrap();
    let row = |round, rank, winners, prize| PrizeRow {
        round,
        result: TierResult {
            rank,
            winners,
            prize_each: Money::new(prize, "x").unwrap(),
        },
        line: 2,
    };
    assert!(
        io::attach_prizes(&h, &[row(2, 3, 1, 10)])
            .unwrap_err()
            .to_string()
            .contains("does not hold")
    );
    assert!(
        io::attach_prizes(&h, &[row(1, 1, 5, 10)])
            .unwrap_err()
            .to_string()
            .contains("draws file says 0")
    );
    assert!(io::attach_prizes(&h, &[row(1, 9, 5, 10)]).is_err());
    let ok = io::attach_prizes(&h, &[row(1, 5, 100, 5_000)]).unwrap();
    assert_eq!(ok.get(1).unwrap().result(5).unwrap().winners, 100);
    assert_ne!(ok.epoch(), h.epoch());
    assert_eq!(
        h.get(1).unwrap().results().len(),
        1,
        "the original history is unchanged"
    );
}

#[test]
fn records_validate_on_conversion() {
    let rec = DrawRecord {
        round: 7,
        date: "2003-01-18".into(),
        numbers: vec![2, 9, 16, 25, 26, 40],
        bonus: vec![42],
        total_sales: None,
        prizes: vec![],
    };
    let d = rec.clone().into_draw(&GameSpec::kr645()).unwrap();
    assert_eq!(d.date(), Date::parse("2003-01-18").unwrap());
    assert_eq!(DrawRecord::from(&d), rec);
    let bad = DrawRecord {
        bonus: vec![9],
        numbers: vec![9, 2, 16, 25, 26, 40],
        ..rec
    };
    assert_eq!(
        bad.into_draw(&GameSpec::kr645()).unwrap_err().field(),
        Some("bonus")
    );
    assert!(History::new(GameSpec::kr645(), vec![]).unwrap().is_empty());
}
