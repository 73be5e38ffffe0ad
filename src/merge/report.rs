//! Merge report (báo cáo sáp nhập): what a merge did, for people (text, Vietnamese first with
//! English beside) and for programs (`--json`): the two are renderings of [`MergeReport`].

use std::fmt::Write as _;
use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::catalog::{CommuneGroup, TierId};
use crate::number::{format_count, format_trimmed, NumberStyle};

/// One old commune of a new commune (xã thành viên).
#[derive(Debug, Clone, Serialize)]
pub struct MemberReport {
    /// Old id.
    pub id: String,
    /// Old name.
    pub name: String,
    /// Old district (huyện), where the old scenario had one.
    pub district: Option<String>,
    /// Old province.
    pub province: String,
    /// Population from the mapping.
    pub population: Option<u64>,
    /// Households from the mapping.
    pub households: Option<u64>,
    /// Criteria met (after gating).
    pub criteria_met: u32,
    /// Tier recognised.
    pub tier: Option<TierId>,
}

/// One criterion before (per member, in member order) and after.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionRow {
    /// Criterion id.
    pub criterion: u8,
    /// Met by each member.
    pub before: Vec<bool>,
    /// Met by the new commune.
    pub after: bool,
}

/// One member's part of a combined value.
#[derive(Debug, Clone, Serialize)]
pub struct ValuePart {
    /// Member id.
    pub member: String,
    /// Its value, if it has one.
    pub value: Option<Decimal>,
    /// Its weight (population or households), for weighted means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u64>,
}

/// A value combined from the members, and how (giá trị đã gộp).
#[derive(Debug, Clone, Serialize)]
pub struct CombinedValue {
    /// What: an indicator id, `villages`, `villages_standard`.
    pub what: String,
    /// Year, for indicator values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// The members' parts.
    pub parts: Vec<ValuePart>,
    /// How they combine (label, Vietnamese and English).
    pub method: String,
    /// The result; `None` when it must be re-assessed.
    pub result: Option<Decimal>,
    /// Why it must be re-assessed, or how it was rounded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A new commune in the report.
#[derive(Debug, Clone, Serialize)]
pub struct NewCommuneReport {
    /// New id.
    pub id: String,
    /// New name.
    pub name: String,
    /// QĐ 51/2025 group written for it (nhóm xã): the mapping's, or the one its members share
    /// while the merged attributes still put it there; none when the catalog has no groups or
    /// the loader derives it from the attributes.
    pub group: Option<CommuneGroup>,
    /// Resolutions its mapping rows cite.
    pub sources: Vec<String>,
    /// Its members.
    pub members: Vec<MemberReport>,
    /// Every criterion, before and after.
    pub criteria: Vec<CriterionRow>,
    /// Criteria met after (after gating).
    pub criteria_met: u32,
    /// Tier recomputed from the merged criteria.
    pub tier: Option<TierId>,
    /// When every member of a merged commune was recognised: the old recognitions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub old_recognitions: Vec<String>,
    /// Values combined.
    pub values: Vec<CombinedValue>,
    /// What must be re-assessed for this commune (phải đánh giá lại).
    pub re_assess: Vec<String>,
}

/// A province total before and after (tổng toàn tỉnh trước và sau).
#[derive(Debug, Clone, Serialize)]
pub struct TotalCheck {
    /// What is totalled.
    pub what: String,
    /// Before (sum over the old scenarios).
    pub before: Decimal,
    /// After (read back from the written scenario).
    pub after: Decimal,
    /// Whether they are the same.
    pub same: bool,
}

/// What became of a target (chỉ tiêu).
#[derive(Debug, Clone, Serialize)]
pub struct TargetFate {
    /// Scenario it came from.
    pub scenario: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Year.
    pub year: u16,
    /// Its value.
    pub value: Decimal,
    /// Carried into the new scenario (otherwise: to be re-set, phải đặt lại).
    pub carried: bool,
    /// Why.
    pub reason: String,
}

/// What became of a capital source (nguồn vốn).
#[derive(Debug, Clone, Serialize)]
pub struct SourceFate {
    /// Id in the new scenario.
    pub id: String,
    /// Scenarios it came from.
    pub from: Vec<String>,
    /// Whether budgets of several provinces were summed into it.
    pub summed: bool,
}

/// A rule entry as applied.
#[derive(Debug, Clone, Serialize)]
pub struct RuleEntry {
    /// What it governs.
    pub what: String,
    /// How it combines.
    pub combine: String,
    /// Its basis (English, as the rule file's `basis`).
    pub basis: String,
    /// Its basis in Vietnamese (the rule file's `note_vi`), shown first.
    pub basis_vi: Option<String>,
    /// Whether the basis is an assumption.
    pub assumption: bool,
}

/// The rule used.
#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    /// Id.
    pub id: String,
    /// Vietnamese title.
    pub title_vi: String,
    /// English title.
    pub title_en: String,
    /// Its entries.
    pub entries: Vec<RuleEntry>,
}

/// The report of a merge.
#[derive(Debug, Clone, Serialize)]
pub struct MergeReport {
    /// Name of the new scenario.
    pub scenario: String,
    /// Province of the new scenario.
    pub province: String,
    /// Old scenarios merged.
    pub from: Vec<String>,
    /// Old provinces, when provinces were merged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provinces_merged: Vec<String>,
    /// Synthetic label of the output, if any input is synthetic.
    pub synthetic: Option<String>,
    /// The same label in Vietnamese (`synthetic_vi`), when every synthetic input has one.
    pub synthetic_vi: Option<String>,
    /// Old communes.
    pub communes_before: usize,
    /// New communes.
    pub communes_after: usize,
    /// Communes at standard or higher, before and after.
    pub standard_before: usize,
    /// Communes at standard or higher after.
    pub standard_after: usize,
    /// The rule.
    pub rule: RuleReport,
    /// New communes.
    pub communes: Vec<NewCommuneReport>,
    /// Additive province totals before and after.
    pub totals: Vec<TotalCheck>,
    /// Targets carried or to be re-set.
    pub targets: Vec<TargetFate>,
    /// Capital sources.
    pub capital_sources: Vec<SourceFate>,
    /// Other notes (what was not carried and why).
    pub notes: Vec<String>,
    /// Files written (empty until written).
    pub written: Vec<PathBuf>,
}

impl MergeReport {
    /// Whether every additive total is the same before and after.
    pub fn totals_hold(&self) -> bool {
        self.totals.iter().all(|t| t.same)
    }

    /// Everything to re-assess, across communes: `(commune, what)`.
    pub fn re_assess(&self) -> impl Iterator<Item = (&str, &str)> {
        self.communes
            .iter()
            .flat_map(|c| c.re_assess.iter().map(move |r| (c.id.as_str(), r.as_str())))
    }
}

/// Why a report has no province totals to compare (Kiểm tra tổng toàn tỉnh trống).
pub const NO_TOTALS: &str = "không có tổng cộng dồn để so: kịch bản không có số thôn, dự toán vốn, dự án hay giá trị chỉ tiêu tính tổng (nothing additive to compare: the scenario has no villages, budgets, projects or summed indicator values)";

fn tier_label(tier: Option<TierId>) -> &'static str {
    match tier {
        None => "chưa đạt chuẩn (not at standard)",
        Some(TierId::Standard) => "đạt chuẩn (standard)",
        Some(TierId::Advanced) => "nâng cao (advanced)",
        Some(TierId::Model) => "kiểu mẫu (model)",
    }
}

/// A value of the report as people read it (up to 6 decimals, trailing zeros trimmed).
pub fn number(value: Decimal, style: NumberStyle) -> String {
    format_trimmed(value, 6, style)
}

impl NewCommuneReport {
    /// The criteria some member met and the new commune does not, each with the members that
    /// had not met it (không còn đạt).
    pub fn lost(&self) -> impl Iterator<Item = (u8, Vec<&str>)> {
        self.criteria
            .iter()
            .filter(|row| !row.after && row.before.iter().any(|b| *b))
            .map(|row| {
                let missing = row
                    .before
                    .iter()
                    .zip(&self.members)
                    .filter(|(b, _)| !**b)
                    .map(|(_, m)| m.id.as_str())
                    .collect();
                (row.criterion, missing)
            })
    }
}

impl CombinedValue {
    /// The members' parts: `an 38,5 × 3.000, binh 37 × 1.000` (— for a missing value).
    pub fn parts_text(&self, style: NumberStyle) -> String {
        self.parts
            .iter()
            .map(|p| {
                let value = p.value.map_or("—".to_string(), |x| number(x, style));
                match p.weight {
                    Some(w) => format!("{} {value} × {}", p.member, format_count(w, style)),
                    None => format!("{} {value}", p.member),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The report for people: Vietnamese first, English beside.
pub fn render(r: &MergeReport, style: NumberStyle) -> String {
    let mut out = String::new();
    let n = |v: usize| format_count(v as u64, style);
    let _ = writeln!(
        out,
        "Sáp nhập xã (commune merge): {} → {} ({})",
        r.from.join(" + "),
        r.scenario,
        r.province
    );
    match (&r.synthetic_vi, &r.synthetic) {
        (Some(vi), Some(en)) => {
            let _ = writeln!(out, "DỮ LIỆU GIẢ LẬP (SYNTHETIC DATA): {vi} ({en})");
        }
        (_, Some(en)) => {
            let _ = writeln!(out, "DỮ LIỆU GIẢ LẬP (SYNTHETIC DATA): {en}");
        }
        _ => {}
    }
    let _ = writeln!(
        out,
        "Số xã (communes): {} → {}; đạt chuẩn NTM (at standard): {} → {}",
        n(r.communes_before),
        n(r.communes_after),
        n(r.standard_before),
        n(r.standard_after)
    );
    if !r.provinces_merged.is_empty() {
        let _ = writeln!(
            out,
            "Tỉnh sáp nhập (provinces merged): {}",
            r.provinces_merged.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "\nQuy tắc (rule): {} — {} ({})",
        r.rule.id, r.rule.title_vi, r.rule.title_en
    );
    for e in &r.rule.entries {
        let label = if e.assumption {
            "giả định (assumption)"
        } else {
            "căn cứ (cited)"
        };
        let _ = match &e.basis_vi {
            Some(vi) => writeln!(
                out,
                "  {}: {} [{label}] {vi} ({})",
                e.what, e.combine, e.basis
            ),
            None => writeln!(
                out,
                "  {}: {} [{label}] (chỉ có bản tiếng Anh / English only) {}",
                e.what, e.combine, e.basis
            ),
        };
    }
    let _ = writeln!(out, "\nXã mới (new communes):");
    for c in &r.communes {
        let members: Vec<&str> = c.members.iter().map(|m| m.id.as_str()).collect();
        let kind = if c.members.len() == 1 {
            "đổi tên/giữ nguyên (rename/kept)"
        } else {
            "sáp nhập (merged)"
        };
        let _ = writeln!(
            out,
            "- {} {} [{kind}] ← {}; {} tiêu chí (criteria), {}",
            c.id,
            c.name,
            members.join(" + "),
            c.criteria_met,
            tier_label(c.tier)
        );
        if let Some(g) = &c.group {
            let _ = writeln!(out, "    nhóm xã (group): {g}");
        }
        for s in &c.sources {
            let _ = writeln!(out, "    căn cứ (source): {s}");
        }
        for m in &c.members {
            let _ = writeln!(
                out,
                "    {} {}{}: {} tiêu chí (criteria), {}",
                m.id,
                m.name,
                m.district
                    .as_ref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default(),
                m.criteria_met,
                tier_label(m.tier)
            );
        }
        if c.members.len() > 1 {
            let lost: Vec<String> = c
                .lost()
                .map(|(criterion, missing)| {
                    format!("c{criterion} (chưa đạt/not met: {})", missing.join(", "))
                })
                .collect();
            if !lost.is_empty() {
                let _ = writeln!(
                    out,
                    "    không còn đạt (no longer met): {}",
                    lost.join("; ")
                );
            }
        }
        if !c.old_recognitions.is_empty() {
            let _ = writeln!(
                out,
                "    công nhận cũ (old recognitions): {}",
                c.old_recognitions.join("; ")
            );
        }
        for v in &c.values {
            let parts = v.parts_text(style);
            let year = v.year.map(|y| format!(" {y}")).unwrap_or_default();
            let result = v
                .result
                .map_or("phải đánh giá lại (re-assess)".to_string(), |x| {
                    number(x, style)
                });
            let _ = writeln!(
                out,
                "    {}{year}: {parts} = {result} [{}]{}",
                v.what,
                v.method,
                v.note
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            );
        }
        for what in &c.re_assess {
            let _ = writeln!(out, "    phải đánh giá lại (re-assess): {what}");
        }
    }
    let _ = writeln!(
        out,
        "\nKiểm tra tổng toàn tỉnh (province totals, additive):"
    );
    if r.totals.is_empty() {
        let _ = writeln!(out, "  {}", NO_TOTALS);
    }
    for t in &r.totals {
        let _ = writeln!(
            out,
            "  {}: {} → {} {}",
            t.what,
            number(t.before, style),
            number(t.after, style),
            if t.same {
                "khớp (same)"
            } else {
                "LỆCH (DIFFERENT)"
            }
        );
    }
    let _ = writeln!(out, "\nChỉ tiêu (targets):");
    if r.targets.is_empty() {
        let _ = writeln!(out, "  (không có / none)");
    }
    for t in &r.targets {
        let fate = if t.carried {
            "giữ (carried)"
        } else {
            "phải đặt lại (to be re-set)"
        };
        let _ = writeln!(
            out,
            "  {} / {} {}: {} — {fate}: {}",
            t.name_vi,
            t.name_en,
            t.year,
            number(t.value, style),
            t.reason
        );
    }
    let _ = writeln!(out, "\nNguồn vốn (capital sources):");
    for s in &r.capital_sources {
        let _ = writeln!(
            out,
            "  {} ← {}{}",
            s.id,
            s.from.join(" + "),
            if s.summed {
                " (cộng dự toán / budgets summed)"
            } else {
                ""
            }
        );
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out, "\nGhi chú (notes):");
        for note in &r.notes {
            let _ = writeln!(out, "  - {note}");
        }
    }
    let count = r.re_assess().count();
    let _ = writeln!(
        out,
        "\nPhải đánh giá lại (to re-assess): {} mục (items)",
        n(count)
    );
    for file in &r.written {
        let _ = writeln!(out, "đã ghi (wrote) {}", file.display());
    }
    out
}
