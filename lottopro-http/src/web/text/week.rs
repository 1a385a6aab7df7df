//! The words of a player's week: the slip as printed, tickets waiting for
//! their draw, duplicates, undo, device links that merge, claims and the
//! freshness notice, in Korean, English and Japanese. Templates hold
//! `{n}`, `{round}`, `{date}` and the like, filled by [`fill`].

/// The week's words in one language.
pub(crate) struct Week {
    /// A round as people write it: `제{n}회`, `Round {n}`, `第{n}回`.
    pub round: &'static str,
    /// A rank: `{n}등`, `{n}th prize` style, `{n}等`.
    pub rank: &'static str,
    /// Matched numbers: `{n}개 일치`.
    pub matched: &'static str,
    pub bonus_matched: &'static str,
    /// Auto, semi-auto and manual, as the slip prints them.
    pub choices: [&'static str; 3],
    /// The slip's total: `{games}게임 · {cost}`.
    pub total: &'static str,
    /// Waiting for a draw on `{date}`.
    pub waiting_for: &'static str,
    /// Drawn by the schedule, results not in yet.
    pub due: &'static str,
    pub saved: &'static str,
    pub already_saved: &'static str,
    /// Some games saved, `{letters}` already were.
    pub partly_saved: &'static str,
    pub delete: &'static str,
    pub deleted: &'static str,
    pub undo: &'static str,
    pub edit: &'static str,
    pub save: &'static str,
    pub lost: &'static str,
    /// Where each place of `ClaimPlace` is, in its order.
    pub claim_places: [&'static str; 3],
    pub claim_at: &'static str,
    /// `{date}까지 ({n}일 남음)`.
    pub claim_by: &'static str,
    pub claim_expired: &'static str,
    pub claim_tax: &'static str,
    pub mark_claimed: &'static str,
    pub claimed: &'static str,
    pub claim_soon: &'static str,
    /// The freshness notice: `{round}`, `{date}`, `{n}`, `{synced}`.
    pub stale: &'static str,
    pub never_synced: &'static str,
    /// The device link's confirmation: `{mine}` tickets here.
    pub link_confirm: &'static str,
    pub link_confirm_empty: &'static str,
    pub merge_button: &'static str,
    pub merged: &'static str,
    /// The ball grid.
    pub grid_title: &'static str,
    pub grid_note: &'static str,
    pub auto_fill: &'static str,
    pub clear: &'static str,
    pub games_text: &'static str,
    pub notify_title: &'static str,
    pub notify_note: &'static str,
    pub notify_button: &'static str,
    pub notify_on: &'static str,
    pub notify_unsupported: &'static str,
    pub export: &'static str,
    pub import: &'static str,
    pub import_button: &'static str,
    pub imported: &'static str,
    pub share: &'static str,
    pub offline: &'static str,
    /// The rate limit: `{minutes}` until the next try.
    pub too_many: &'static str,
    pub save_next: &'static str,
    pub saved_next: &'static str,
}

/// `template` with each `{key}` replaced by its value.
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

pub(crate) const KO: Week = Week {
    round: "제{n}회",
    rank: "{n}등",
    matched: "{n}개 일치",
    bonus_matched: "보너스 번호 일치",
    choices: ["자동", "반자동", "수동"],
    total: "{games}게임 · 합계 {cost}",
    waiting_for: "{date} 추첨 대기 중",
    due: "추첨은 끝났고 결과를 기다리는 중",
    saved: "내 티켓에 저장했습니다",
    already_saved: "이미 저장된 티켓입니다",
    partly_saved: "{letters} 게임은 이미 저장되어 있어 나머지만 저장했습니다",
    delete: "삭제",
    deleted: "티켓을 삭제했습니다",
    undo: "실행 취소",
    edit: "수정",
    save: "저장",
    lost: "낙첨",
    claim_places: [
        "NH농협은행 본점(서울)에서만 수령",
        "NH농협은행 전국 지점에서 수령",
        "복권 판매점 또는 NH농협은행 지점에서 수령",
    ],
    claim_at: "수령 방법",
    claim_by: "지급 기한 {date} (D-{n})",
    claim_expired: "지급 기한({date})이 지났습니다",
    claim_tax: "세금 {tax} · 실수령 {net}",
    mark_claimed: "수령 완료로 표시",
    claimed: "수령 완료",
    claim_soon: "지급 기한이 30일 안으로 다가온 당첨 티켓이 있습니다",
    stale: "당첨 결과가 최신이 아닙니다: {round}회({date} 추첨)부터 {n}회차의 결과가 아직 없습니다. 마지막 동기화: {synced}.",
    never_synced: "없음",
    link_confirm: "이 기기에 저장된 티켓 {mine}장은 다른 기기의 티켓과 합쳐집니다. 합친 뒤에는 두 기기가 같은 목록을 봅니다.",
    link_confirm_empty: "다른 기기의 티켓을 이 기기에서도 봅니다.",
    merge_button: "합치기",
    merged: "두 기기의 티켓을 합쳤습니다",
    grid_title: "번호 선택",
    grid_note: "게임마다 번호 6개를 누르거나 자동을 누르세요. 한 번에 다섯 게임(A–E)까지 저장합니다.",
    auto_fill: "자동",
    clear: "지우기",
    games_text: "직접 입력 (게임은 ; 또는 줄바꿈으로 구분)",
    notify_title: "결과 알림",
    notify_note: "추첨 결과가 나오면 기다리는 티켓마다 등수와 일치 개수를 알려 드립니다(낙첨 포함).",
    notify_button: "알림 받기",
    notify_on: "알림을 켰습니다",
    notify_unsupported: "이 브라우저는 알림을 지원하지 않습니다",
    export: "내보내기",
    import: "가져오기",
    import_button: "파일에서 가져오기",
    imported: "가져왔습니다",
    share: "공유",
    offline: "인터넷 연결을 확인한 뒤 다시 시도하세요",
    too_many: "요청이 너무 많습니다. 약 {minutes}분 뒤에 다시 시도하세요",
    save_next: "다음 회차 내 티켓에 저장",
    saved_next: "다음 회차 내 티켓에 저장했습니다",
};

pub(crate) const EN: Week = Week {
    round: "Round {n}",
    rank: "Rank {n}",
    matched: "{n} matched",
    bonus_matched: "bonus matched",
    choices: ["Auto", "Semi-auto", "Manual"],
    total: "{games} games · total {cost}",
    waiting_for: "waiting for the draw on {date}",
    due: "drawn; waiting for the results",
    saved: "Saved to My tickets",
    already_saved: "This ticket is already saved",
    partly_saved: "Games {letters} were already saved; the others are saved now",
    delete: "Delete",
    deleted: "Ticket deleted",
    undo: "Undo",
    edit: "Edit",
    save: "Save",
    lost: "No prize",
    claim_places: [
        "claim only at NH NongHyup Bank's head office (Seoul)",
        "claim at any NH NongHyup Bank branch",
        "claim at any lottery retailer or NH NongHyup Bank branch",
    ],
    claim_at: "How to claim",
    claim_by: "claim by {date} ({n} days left)",
    claim_expired: "the claim period ended on {date}",
    claim_tax: "tax {tax} · you receive {net}",
    mark_claimed: "Mark as claimed",
    claimed: "Claimed",
    claim_soon: "A winning ticket's claim deadline is less than 30 days away",
    stale: "Results are not up to date: the {n} draws since round {round} (drawn {date}) are missing. Last sync: {synced}.",
    never_synced: "never",
    link_confirm: "The {mine} tickets saved on this device will be merged with the other device's. Afterwards both devices show the same list.",
    link_confirm_empty: "This device will show the other device's tickets.",
    merge_button: "Merge",
    merged: "The two devices' tickets are merged",
    grid_title: "Pick numbers",
    grid_note: "Tap six numbers per game, or Auto. Up to five games (A–E) are saved at once.",
    auto_fill: "Auto",
    clear: "Clear",
    games_text: "Or type them (games separated by ; or new lines)",
    notify_title: "Result notifications",
    notify_note: "When a draw arrives, you get each waiting ticket's rank and matched count, losses included.",
    notify_button: "Notify me",
    notify_on: "Notifications are on",
    notify_unsupported: "This browser cannot show notifications",
    export: "Export",
    import: "Import",
    import_button: "Import from a file",
    imported: "Imported",
    share: "Share",
    offline: "Check your internet connection and try again",
    too_many: "Too many requests: try again in about {minutes} min",
    save_next: "Save to My tickets for the next round",
    saved_next: "Saved to My tickets for the next round",
};

pub(crate) const JA: Week = Week {
    round: "第{n}回",
    rank: "{n}等",
    matched: "{n}個一致",
    bonus_matched: "ボーナス数字一致",
    choices: ["自動", "半自動", "手動"],
    total: "{games}ゲーム · 合計 {cost}",
    waiting_for: "{date}の抽選待ち",
    due: "抽選済み、結果待ち",
    saved: "マイチケットに保存しました",
    already_saved: "このチケットは保存済みです",
    partly_saved: "{letters}のゲームは保存済みのため、残りを保存しました",
    delete: "削除",
    deleted: "チケットを削除しました",
    undo: "元に戻す",
    edit: "編集",
    save: "保存",
    lost: "はずれ",
    claim_places: [
        "NH農協銀行本店(ソウル)でのみ受け取り",
        "NH農協銀行の各支店で受け取り",
        "宝くじ販売店またはNH農協銀行の支店で受け取り",
    ],
    claim_at: "受け取り方法",
    claim_by: "支払期限 {date}(残り{n}日)",
    claim_expired: "支払期限({date})を過ぎました",
    claim_tax: "税金 {tax} · 受取額 {net}",
    mark_claimed: "受取済みにする",
    claimed: "受取済み",
    claim_soon: "支払期限まで30日を切った当せんチケットがあります",
    stale: "当せん結果が最新ではありません: 第{round}回({date}抽選)から{n}回分の結果がありません。最終同期: {synced}。",
    never_synced: "なし",
    link_confirm: "この端末に保存した{mine}枚のチケットは、もう一方の端末のチケットと統合されます。統合後は両方の端末で同じ一覧が表示されます。",
    link_confirm_empty: "もう一方の端末のチケットをこの端末でも表示します。",
    merge_button: "統合する",
    merged: "2台の端末のチケットを統合しました",
    grid_title: "数字を選ぶ",
    grid_note: "ゲームごとに数字を6つ選ぶか、自動を押してください。一度に5ゲーム(A–E)まで保存できます。",
    auto_fill: "自動",
    clear: "クリア",
    games_text: "直接入力(ゲームは ; または改行で区切る)",
    notify_title: "結果の通知",
    notify_note: "抽選結果が出ると、待っているチケットごとに等級と一致数をお知らせします(はずれも含む)。",
    notify_button: "通知を受け取る",
    notify_on: "通知をオンにしました",
    notify_unsupported: "このブラウザは通知に対応していません",
    export: "エクスポート",
    import: "インポート",
    import_button: "ファイルからインポート",
    imported: "インポートしました",
    share: "共有",
    offline: "インターネット接続を確認して、もう一度お試しください",
    too_many: "リクエストが多すぎます。約{minutes}分後にもう一度お試しください",
    save_next: "次の回のマイチケットに保存",
    saved_next: "次の回のマイチケットに保存しました",
};

/// A field named in an error, in the page's language: `numbers[5]` is the
/// 6th number, `tickets[1]` game B.
fn field_name(lang: &str, field: &str) -> String {
    let index = |prefix: &str| {
        field
            .strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|i| i.parse::<usize>().ok())
    };
    if let Some(i) = index("numbers[") {
        return match lang {
            "ko" => format!("{}번째 번호", i + 1),
            "ja" => format!("{}番目の数字", i + 1),
            _ => format!("number {}", i + 1),
        };
    }
    if let Some(i) = index("tickets[") {
        let letter = lottopro_core::slip::letter(i);
        return match lang {
            "ko" => format!("{letter} 게임"),
            "ja" => format!("{letter}ゲーム"),
            _ => format!("game {letter}"),
        };
    }
    let base = field.split(['[', '.']).next().unwrap_or(field);
    let names: &[(&str, [&str; 3])] = &[
        ("numbers", ["번호", "numbers", "数字"]),
        ("ticket", ["번호", "numbers", "数字"]),
        ("amount", ["금액", "amount", "金額"]),
        ("round", ["회차", "round", "回"]),
        ("code", ["연결 코드", "link code", "連携コード"]),
        ("label", ["메모", "label", "メモ"]),
        ("photo", ["사진", "photo", "写真"]),
        ("qr", ["QR 코드", "QR code", "QRコード"]),
        ("file", ["파일", "file", "ファイル"]),
    ];
    let i = match lang {
        "ko" => 0,
        "ja" => 2,
        _ => 1,
    };
    names
        .iter()
        .find(|(k, _)| *k == base)
        .map_or_else(|| field.to_owned(), |(_, n)| n[i].to_owned())
}

/// An input error in the page's language, from its field and structured
/// reason.
pub(crate) fn explain(lang: &str, field: &str, reason: &lottopro_core::Reason) -> String {
    use lottopro_core::Reason as R;
    let f = field_name(lang, field);
    match (lang, reason) {
        ("ko", R::OutOfRange { value, min, max }) => {
            format!("{f}: {value}은(는) {min}부터 {max} 사이의 숫자가 아닙니다")
        }
        ("ja", R::OutOfRange { value, min, max }) => {
            format!("{f}: {value}は{min}から{max}の範囲外です")
        }
        (_, R::OutOfRange { value, min, max }) => {
            format!("{f}: {value} is not between {min} and {max}")
        }
        ("ko", R::NotANumber { text }) => format!("{f}: '{text}'은(는) 숫자가 아닙니다"),
        ("ja", R::NotANumber { text }) => format!("{f}: 「{text}」は数字ではありません"),
        (_, R::NotANumber { text }) => format!("{f}: '{text}' is not a number"),
        ("ko", R::Repeated { value }) => format!("{f}: {value}이(가) 두 번 들어 있습니다"),
        ("ja", R::Repeated { value }) => format!("{f}: {value}が重複しています"),
        (_, R::Repeated { value }) => format!("{f}: {value} is there twice"),
        ("ko", R::Count { expected, given }) => {
            format!("{f}: 번호를 {expected}개 골라 주세요 (지금 {given}개)")
        }
        ("ja", R::Count { expected, given }) => {
            format!("{f}: 数字を{expected}個選んでください(現在{given}個)")
        }
        (_, R::Count { expected, given }) => {
            format!("{f}: pick {expected} numbers ({given} given)")
        }
        ("ko", R::Empty { expected }) => format!("{f}: 번호 {expected}개를 입력하세요"),
        ("ja", R::Empty { expected }) => format!("{f}: 数字を{expected}個入力してください"),
        (_, R::Empty { expected }) => format!("{f}: enter {expected} numbers"),
        ("ko", R::NotAnAmount { text }) => {
            format!("{f}: '{text}'은(는) 금액이 아닙니다 (예: 1000000, 1,000,000, 10억)")
        }
        ("ja", R::NotAnAmount { text }) => {
            format!("{f}: 「{text}」は金額ではありません(例: 1000000、1,000,000、10億)")
        }
        (_, R::NotAnAmount { text }) => {
            format!("{f}: '{text}' is not an amount (e.g. 1000000, 1,000,000 or 10억)")
        }
        ("ko", R::TooFarAhead { round, last }) => {
            format!("{f}: 제{round}회는 너무 먼 회차입니다. 제{last}회까지 저장할 수 있습니다")
        }
        ("ja", R::TooFarAhead { round, last }) => {
            format!("{f}: 第{round}回は先すぎます。第{last}回まで保存できます")
        }
        (_, R::TooFarAhead { round, last }) => {
            format!("{f}: round {round} is too far ahead; tickets can be saved up to round {last}")
        }
        ("ko", R::UnknownCode) => {
            format!(
                "{f}: 알 수 없거나 이미 사용했거나 만료된 코드입니다. 다른 기기에서 새 코드를 받으세요"
            )
        }
        ("ja", R::UnknownCode) => {
            format!(
                "{f}: 不明、使用済み、または期限切れのコードです。もう一方の端末で新しいコードを発行してください"
            )
        }
        (_, r) => format!("{f}: {r}"),
    }
}

/// The rate limit, in the page's language: `seconds` until the next try.
pub(crate) fn too_many(week: &Week, seconds: Option<u64>) -> String {
    let minutes = seconds.unwrap_or(60).div_ceil(60);
    fill(week.too_many, &[("minutes", &minutes.to_string())])
}
