//! The audit's words (từ ngữ kiểm tra): labels of the figures it reads, their units and the
//! names of where numbers come from, each in Vietnamese as the documents write it and in
//! English. Every check takes its labels from here, so a label reads the same in every finding.

use crate::bilingual::Bilingual;

/// A fixed label in Vietnamese and English.
#[derive(Debug, Clone, Copy)]
pub(super) struct Term {
    pub vi: &'static str,
    pub en: &'static str,
}

impl Term {
    /// The label as text in both languages.
    pub fn said(self) -> Bilingual {
        Bilingual::new(self.vi, self.en)
    }
}

/// Số xã (the number of communes).
pub(super) const COMMUNES: Term = Term {
    vi: "số xã",
    en: "communes",
};
/// Số xã đạt chuẩn nông thôn mới.
pub(super) const AT_STANDARD: Term = Term {
    vi: "số xã đạt chuẩn",
    en: "communes at standard",
};
/// Số xã đạt chuẩn nông thôn mới nâng cao.
pub(super) const AT_ADVANCED: Term = Term {
    vi: "số xã đạt chuẩn nâng cao",
    en: "communes at advanced",
};
/// Số xã đạt chuẩn nông thôn mới kiểu mẫu.
pub(super) const AT_MODEL: Term = Term {
    vi: "số xã đạt chuẩn kiểu mẫu",
    en: "communes at model",
};
/// Số thôn (villages, bản).
pub(super) const VILLAGES: Term = Term {
    vi: "số thôn",
    en: "villages",
};
/// Số thôn đạt chuẩn.
pub(super) const VILLAGES_AT_STANDARD: Term = Term {
    vi: "số thôn đạt chuẩn",
    en: "villages at standard",
};
/// Số xã đạt từng tiêu chí.
pub(super) const MEETING_EACH: Term = Term {
    vi: "số xã đạt từng tiêu chí",
    en: "communes meeting each criterion",
};
/// The scenario's commune list (communes.csv).
pub(super) const COMMUNES_FILE: Term = Term {
    vi: "tệp danh sách xã",
    en: "communes file",
};
/// Figures as the document publishes them.
pub(super) const PUBLISHED_STATUS: Term = Term {
    vi: "hiện trạng công bố",
    en: "published status",
};
/// Bình quân số tiêu chí đạt/xã.
pub(super) const AVERAGE: Term = Term {
    vi: "bình quân tiêu chí/xã",
    en: "average criteria per commune",
};

/// Communes in a band of criteria met (`số xã đạt 15-18 tiêu chí`).
pub(super) fn in_band(band: &str) -> Bilingual {
    Bilingual::new(
        format!("số xã đạt {band} tiêu chí"),
        format!("communes with {band} criteria"),
    )
}

/// Communes meeting a criterion (`số xã đạt c2`).
pub(super) fn meeting(criterion: u8) -> Bilingual {
    Bilingual::new(
        format!("số xã đạt c{criterion}"),
        format!("communes meeting c{criterion}"),
    )
}

/// Where a communes file's numbers come from: the synthetic note (in Vietnamese when the
/// scenario has it) or the user's data.
pub(super) fn data_source(synthetic: Option<&str>, synthetic_vi: Option<&str>) -> Bilingual {
    match synthetic {
        Some(note) => Bilingual::new(
            format!("dữ liệu giả lập: {}", synthetic_vi.unwrap_or(note)),
            format!("synthetic: {note}"),
        ),
        None => Bilingual::new("dữ liệu của người dùng", "user data"),
    }
}

/// Units the audit writes, in English and Vietnamese.
const UNITS: [(&str, &str); 7] = [
    ("communes", "xã"),
    ("villages", "thôn"),
    ("million VND", "triệu đồng"),
    ("billion VND", "tỷ đồng"),
    ("VND (đồng)", "đồng"),
    ("criteria per commune", "tiêu chí/xã"),
    ("%", "%"),
];

/// A unit in Vietnamese: the audit's own units translated, a unit the scenario writes kept as
/// written.
pub(super) fn unit_vi(unit: &str) -> String {
    UNITS
        .iter()
        .find(|(en, _)| *en == unit)
        .map_or(unit, |(_, vi)| vi)
        .to_string()
}
