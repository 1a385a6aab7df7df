//! Replays every file of the seed corpus through its target, on stable Rust,
//! so the targets run in the ordinary test command and cannot rot.

use std::path::PathBuf;

type Target = fn(&[u8]);

const TARGETS: &[(&str, Target)] = &[
    ("ticket_text", lottopro_fuzz::ticket_text),
    ("history_csv", lottopro_fuzz::history_csv),
    ("history_jsonl", lottopro_fuzz::history_jsonl),
    ("history_legacy_json", lottopro_fuzz::history_legacy_json),
    ("money_and_date", lottopro_fuzz::money_and_date),
    ("predict_request", lottopro_fuzz::predict_request),
    ("tax_request", lottopro_fuzz::tax_request),
    ("simulate_request", lottopro_fuzz::simulate_request),
    ("official_rows", lottopro_fuzz::official_rows),
    ("pension_rows", lottopro_fuzz::pension_rows),
    ("http_bodies", lottopro_fuzz::http_bodies),
    ("qr_url", lottopro_fuzz::qr_url),
    ("wheel_request", lottopro_fuzz::wheel_request),
];

#[test]
fn every_corpus_file_replays() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for (name, target) in TARGETS {
        let dir = root.join(name);
        let files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("a directory entry").path())
            .collect();
        assert!(!files.is_empty(), "{name} has no seed corpus");
        for f in files {
            target(&std::fs::read(&f).expect("a corpus file"));
        }
    }
}
