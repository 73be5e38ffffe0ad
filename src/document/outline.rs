//! The plan document as a typed outline (đề cương văn bản): the figures it states ([`Facts`],
//! exact values for machines) and the text it shows ([`Block`]s, already phrased and formatted
//! for people). `--json` prints this value; the .docx writer renders its blocks and nothing else,
//! so the document and the JSON cannot disagree.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::catalog::TierId;
use crate::plan::PlanStatus;
use crate::scenario::{SourceKind, TargetKind};

use crate::receipt::Receipt;

/// The whole draft: facts, header, body, appendices and the closing note.
#[derive(Debug, Clone, Serialize)]
pub struct PlanDocument {
    /// How the draft was produced: version, input hashes, options.
    pub receipt: Receipt,
    /// Every figure the text states, exact.
    pub facts: Facts,
    /// The administrative header block (NĐ 30/2020/NĐ-CP, Phụ lục I).
    pub header: HeaderBlock,
    /// Body, appendices and closing note, in order.
    pub blocks: Vec<Block>,
}

/// Header block of an administrative document (thể thức văn bản hành chính).
#[derive(Debug, Clone, Serialize)]
pub struct HeaderBlock {
    /// Governing body, upright (e.g. `ỦY BAN NHÂN DÂN`); empty when the issuer has none.
    pub issuer_parent: String,
    /// Issuing body, bold (e.g. `TỈNH LAI CHÂU`).
    pub issuer: String,
    /// Number and symbol with the number left blank (`Số:      /KH-UBND`).
    pub number: String,
    /// National name (quốc hiệu).
    pub motto_country: String,
    /// Motto (tiêu ngữ).
    pub motto: String,
    /// Place and date, with the date left blank.
    pub place_date: String,
    /// Kind of document (`KẾ HOẠCH`).
    pub kind: String,
    /// Summary title (trích yếu nội dung).
    pub title: String,
}

/// One piece of the document's text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "block")]
pub enum Block {
    /// A heading: level 1 `I. …`, level 2 `1. …`, level 3 `a) …`.
    Heading {
        /// 1, 2 or 3.
        level: u8,
        /// Text with its numbering.
        text: String,
    },
    /// A body paragraph.
    Paragraph {
        /// Text.
        text: String,
    },
    /// An item of a dash list (`- …`), as the plans write them.
    Item {
        /// Text without the dash.
        text: String,
    },
    /// A note: synthetic or assumed figures, sources.
    Note {
        /// Text.
        text: String,
    },
    /// A table.
    Table(Table),
    /// Start of an appendix on a new page (`Phụ lục 1` and its title).
    Appendix {
        /// Label, e.g. `Phụ lục 1`.
        label: String,
        /// Title.
        title: String,
    },
    /// Recipients and signature block (nơi nhận; quyền hạn, chức vụ người ký).
    Signature {
        /// Recipients, one per line.
        recipients: Vec<String>,
        /// Signing authority, one per line.
        signer: Vec<String>,
    },
}

/// A table of the document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Stable id for tests and readers (`funding`, `communes`, …).
    pub id: String,
    /// Column headings.
    pub columns: Vec<Column>,
    /// Rows of formatted cells.
    pub rows: Vec<Vec<String>>,
    /// Total row, when the table has one.
    pub total: Option<Vec<String>>,
}

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Heading.
    pub title: String,
    /// Numbers (right-aligned) rather than text.
    pub numeric: bool,
    /// Relative width.
    pub width: u32,
}

/// Every figure the document states, exact (JSON carries decimal strings).
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    /// Scenario name.
    pub scenario: String,
    /// Province (tỉnh).
    pub province: String,
    /// End of the status year (năm đánh giá).
    pub baseline_year: u16,
    /// Years the plan covers.
    pub years: Vec<u16>,
    /// Present when the data is synthetic, as the scenario says it.
    pub synthetic: Option<String>,
    /// Assumed figures the text relies on, each as the scenario states it.
    pub assumptions: Vec<String>,
    /// Legal bases cited (căn cứ).
    pub legal_bases: Vec<String>,
    /// Status at the end of the baseline year.
    pub status: StatusFacts,
    /// The targets.
    pub targets: TargetFacts,
    /// The planned projects.
    pub projects: ProjectFacts,
    /// Capital by source.
    pub funding: FundingFacts,
    /// Allocation by rule, when one is given.
    pub allocation: Option<AllocationFacts>,
    /// Per-commune status before and after the plan.
    pub communes: Vec<CommuneLine>,
}

/// Status of the communes (kết quả thực hiện).
#[derive(Debug, Clone, Serialize)]
pub struct StatusFacts {
    /// Communes.
    pub communes: usize,
    /// At standard (đạt chuẩn nông thôn mới).
    pub standard: usize,
    /// Share at standard, %, rounded half-up at one decimal.
    pub standard_percent: Decimal,
    /// Advanced (nâng cao).
    pub advanced: usize,
    /// Model (kiểu mẫu).
    pub model: usize,
    /// Average criteria per commune, rounded half-up at two decimals.
    pub average_criteria: Decimal,
    /// Communes per band.
    pub bands: Vec<BandCount>,
    /// Communes meeting each criterion.
    pub criteria: Vec<CriterionStatus>,
}

/// Communes in a band.
#[derive(Debug, Clone, Serialize)]
pub struct BandCount {
    /// Band id, e.g. `15-18`.
    pub band: String,
    /// Communes.
    pub communes: usize,
}

/// Communes meeting one criterion.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionStatus {
    /// Criterion id.
    pub id: u8,
    /// Vietnamese name.
    pub name_vi: String,
    /// Group heading (nhóm tiêu chí).
    pub group: String,
    /// Communes meeting it.
    pub met: usize,
    /// Share, %, rounded half-up at one decimal.
    pub percent: Decimal,
    /// The count rests on an assumed figure.
    pub assumed: bool,
}

/// Where the targets come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetOrigin {
    /// The scenario's `[[targets]]`.
    Scenario,
    /// Drafted by `ntm targets` (the scenario has none).
    Drafted,
    /// None (chưa có).
    None,
}

/// The targets (mục tiêu).
#[derive(Debug, Clone, Serialize)]
pub struct TargetFacts {
    /// Where they come from.
    pub origin: TargetOrigin,
    /// The targets, in the order the document states them.
    pub items: Vec<TargetLine>,
}

/// One target with its baseline.
#[derive(Debug, Clone, Serialize)]
pub struct TargetLine {
    /// Year by whose end it holds.
    pub year: u16,
    /// What it counts.
    #[serde(flatten)]
    pub kind: TargetKind,
    /// Group heading for criterion targets.
    pub group: Option<String>,
    /// The commune group a group target counts (số xã nhóm 2 đạt …), with its communes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune_group: Option<(crate::catalog::CommuneGroup, usize)>,
    /// Value at the end of the baseline year.
    pub baseline: Decimal,
    /// The baseline rests on an assumed figure.
    pub baseline_assumed: bool,
    /// Target value.
    pub value: Decimal,
    /// Communes it adds (value − baseline), for counts.
    pub increase: Option<Decimal>,
    /// Document and section, or how it was drafted.
    pub source: String,
}

/// The planned projects (nhiệm vụ, dự án).
#[derive(Debug, Clone, Serialize)]
pub struct ProjectFacts {
    /// Plan status.
    pub status: PlanStatus,
    /// Funded projects.
    pub count: usize,
    /// Their cost, million VND.
    pub cost: Decimal,
    /// Per criterion the projects serve first.
    pub by_criterion: Vec<CriterionProjects>,
    /// Communes at standard after the plan.
    pub standard_after: usize,
    /// Average criteria per commune after the plan, rounded half-up at two decimals.
    pub average_after: Decimal,
    /// Communes newly at standard (names).
    pub newly_standard: Vec<String>,
    /// Targets the plan does not reach, with the shortfall.
    pub shortfalls: Vec<Shortfall>,
    /// Every funded project.
    pub list: Vec<ProjectLine>,
    /// The projects are synthetic (generated, assumed costs).
    pub synthetic: bool,
}

/// Projects serving one criterion.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionProjects {
    /// Criterion id.
    pub criterion: u8,
    /// Vietnamese name.
    pub name_vi: String,
    /// Group heading.
    pub group: String,
    /// Projects.
    pub projects: usize,
    /// Communes (names), in scenario order.
    pub communes: Vec<String>,
    /// Cost, million VND.
    pub cost: Decimal,
}

/// A target the plan falls short of.
#[derive(Debug, Clone, Serialize)]
pub struct Shortfall {
    /// Target name (English).
    pub name: String,
    /// What the target counts, when known.
    pub kind: Option<TargetKind>,
    /// Year.
    pub year: u16,
    /// Target value.
    pub target: Decimal,
    /// Reached.
    pub achieved: Decimal,
}

/// A funded project.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectLine {
    /// Project id.
    pub id: String,
    /// Commune name.
    pub commune: String,
    /// Criterion it serves first.
    pub criterion: Option<u8>,
    /// Year funded.
    pub year: u16,
    /// Cost, million VND.
    pub cost: Decimal,
    /// Amount per source id, million VND (sums to the cost).
    pub funding: Vec<SourceAmount>,
}

/// An amount from one source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceAmount {
    /// Source id.
    pub source: String,
    /// Million VND.
    pub amount: Decimal,
}

/// Capital by source (nguồn vốn).
#[derive(Debug, Clone, Serialize)]
pub struct FundingFacts {
    /// Years summed.
    pub years: Vec<u16>,
    /// Sum of the sources, million VND.
    pub total: Decimal,
    /// Decimals the shares are shown with.
    pub share_places: u32,
    /// Per source.
    pub sources: Vec<SourceLine>,
    /// Spent by the plan, million VND.
    pub spent: Decimal,
    /// Counterpart rules (vốn đối ứng).
    pub counterpart: Vec<CounterpartLine>,
}

/// One capital source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceLine {
    /// Source id.
    pub id: String,
    /// Kind.
    pub kind: SourceKind,
    /// Vietnamese name.
    pub name_vi: String,
    /// Budget over the years, million VND.
    pub budget: Decimal,
    /// Share of the total, %: largest-remainder rounded so the shares add up to 100 exactly.
    pub share_percent: Decimal,
    /// Spent by the plan, million VND.
    pub spent: Decimal,
    /// Its eligibility is an assumption.
    pub assumed: bool,
}

/// A counterpart rule.
#[derive(Debug, Clone, Serialize)]
pub struct CounterpartLine {
    /// Counterpart source name.
    pub source: String,
    /// Matched source names.
    pub of: Vec<String>,
    /// Ratio.
    pub ratio: Decimal,
    /// Legal basis or assumption.
    pub basis: String,
}

/// Allocation by rule (phân bổ vốn theo nguyên tắc, tiêu chí, định mức).
#[derive(Debug, Clone, Serialize)]
pub struct AllocationFacts {
    /// Rule id.
    pub rule: String,
    /// Rule title.
    pub title: String,
    /// Legal source.
    pub source: String,
    /// The rule has assumed values.
    pub assumed: bool,
    /// Budget year.
    pub year: u16,
    /// Divided sources (names).
    pub sources: Vec<String>,
    /// Σ budgets of the divided sources, million VND.
    pub budget: Decimal,
    /// Given to communes.
    pub allocated: Decimal,
    /// Kept at province level.
    pub set_aside: Decimal,
    /// Left unallocated.
    pub unallocated: Decimal,
    /// Per commune.
    pub communes: Vec<AllocationLine>,
}

/// One commune's allocation.
#[derive(Debug, Clone, Serialize)]
pub struct AllocationLine {
    /// Commune name.
    pub commune: String,
    /// Criteria met at baseline.
    pub criteria_met: u32,
    /// Coefficient (hệ số).
    pub coefficient: Decimal,
    /// Amount, million VND.
    pub amount: Decimal,
}

/// A commune before and after the plan.
#[derive(Debug, Clone, Serialize)]
pub struct CommuneLine {
    /// Name.
    pub name: String,
    /// Criteria met at baseline.
    pub criteria_before: u32,
    /// Tier at baseline.
    pub tier_before: Option<TierId>,
    /// Criteria met after the plan.
    pub criteria_after: u32,
    /// Tier after the plan.
    pub tier_after: Option<TierId>,
}
