//! Scenario (kịch bản): a folder with `scenario.toml` and CSV files of communes and projects.
//! The format is documented in `scenarios/README.md`.

mod amount;
mod category;
mod communes;
mod criteria_set;
mod indicators;
mod projects;
mod summary;
mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::catalog::{Catalog, CommuneGroup, TierId};
use crate::error::{Diagnostic, Error, Result};
use crate::text;

pub use amount::Amount;
pub use category::Category;
pub use communes::{parse_flag, Commune};
pub use criteria_set::CriteriaSet;
pub use indicators::{IndicatorDecision, IndicatorValue};
pub use projects::{
    parse_gains, parse_gains_with, CommuneLookup, CommuneMiss, Gain, Must, Project,
};
pub use summary::CheckSummary;
pub use write::{communes_csv, CommuneColumns};

/// Kind of capital source (nguồn vốn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// Vốn đầu tư phát triển ngân sách trung ương.
    CentralInvestment,
    /// Vốn sự nghiệp ngân sách trung ương.
    CentralRecurrent,
    /// Vốn ngân sách trung ương chuyển nguồn năm trước.
    CentralCarryover,
    /// Vốn ngân sách địa phương (đối ứng).
    Local,
    /// Vốn ngân sách nhà nước, trung ương và địa phương không tách: a document that gives one
    /// state-budget figure "bao gồm Vốn ngân sách Trung ương, Vốn ngân sách địa phương".
    StateBudget,
    /// Vốn lồng ghép từ các chương trình khác.
    Integrated,
    /// Vốn tín dụng.
    Credit,
    /// Vốn huy động doanh nghiệp.
    Enterprise,
    /// Vốn huy động cộng đồng, người dân.
    Community,
}

impl SourceKind {
    /// Whether the state budget pays (counts for `min-cost`).
    pub fn is_state_budget(self) -> bool {
        matches!(
            self,
            SourceKind::CentralInvestment
                | SourceKind::CentralRecurrent
                | SourceKind::CentralCarryover
                | SourceKind::Local
                | SourceKind::StateBudget
                | SourceKind::Integrated
        )
    }
}

/// What a budget figure is (loại số liệu vốn): money allocated, or what the document says is
/// needed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BudgetKind {
    /// Vốn được giao, bố trí: money allocated to the program.
    #[default]
    Allocated,
    /// Nhu cầu vốn: what the document estimates the program needs ("Tổng nhu cầu các nguồn
    /// vốn", "Dự kiến nhu cầu vốn"), not money anyone has allocated.
    Need,
}

/// A capital source with its budget per year and the project categories it may fund.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapitalSource {
    /// Machine id, e.g. `central-investment`.
    pub id: String,
    /// Kind.
    pub kind: SourceKind,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Budget per year, million VND (keys are years).
    #[serde(default)]
    pub budget: BTreeMap<String, Spanned<Amount>>,
    /// Whether the budget is allocated money (default) or a need (nhu cầu).
    #[serde(default)]
    pub budget_kind: BudgetKind,
    /// Project categories it may fund; `["*"]` for all.
    pub categories: Vec<String>,
    /// Legal reference of the eligibility, or `assumption: …`.
    pub eligibility: String,
    /// Document and section of the budget figure.
    pub source: String,
}

impl CapitalSource {
    /// Budget in `year` (zero when none is given).
    pub fn budget_in(&self, year: u16) -> Decimal {
        self.budget
            .get(&year.to_string())
            .map_or(Decimal::ZERO, |a| a.get_ref().0)
    }

    /// Whether it may fund a project of `category`.
    pub fn funds(&self, category: &str) -> bool {
        self.categories.iter().any(|c| c == "*" || c == category)
    }
}

/// Spending of `source` must be at least `ratio` × spending of the `of` sources (vốn đối ứng).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterpartRule {
    /// The counterpart source, e.g. `local`.
    pub source: String,
    /// The sources it matches.
    pub of: Vec<String>,
    /// Minimum ratio.
    pub ratio: Amount,
    /// Legal reference or `assumption: …`.
    pub basis: String,
}

/// What a target counts (chỉ tiêu).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum TargetKind {
    /// Communes meeting a criterion.
    Criterion {
        /// Criterion id.
        criterion: u8,
    },
    /// Communes meeting a criterion of a higher tier's own set ("trong đó có N xã đạt tiêu chí
    /// NTM nâng cao"): `level` is `advanced` and `criterion` numbers the advanced set
    /// (QĐ 318 Phụ lục II).
    LevelCriterion {
        /// Criterion id in the level's set.
        criterion: u8,
        /// The set's tier.
        level: TierId,
    },
    /// Communes at a tier or higher.
    Tier {
        /// Tier.
        tier: TierId,
    },
    /// Communes in a band (số xã đạt từ … tiêu chí).
    Band {
        /// Band id, e.g. `15-18`.
        band: String,
    },
    /// Average criteria per commune (bình quân tiêu chí/xã).
    AverageCriteria,
    /// No commune under this many criteria.
    MinCriteria {
        /// The floor.
        min: u8,
    },
    /// Communes meeting an indicator (số xã đạt chỉ tiêu …): its baseline value meets the
    /// threshold, or its criterion is met ([`Commune::meets_indicator`]).
    Indicator {
        /// Indicator id of the catalog.
        indicator: String,
    },
}

/// A target for a year: at least `value`.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// Year by whose end it should hold.
    pub year: u16,
    /// What it counts.
    #[serde(flatten)]
    pub kind: TargetKind,
    /// Only the communes of this group count (số xã nhóm 2 đạt …): QĐ 51/2025 commune groups;
    /// `None` counts every commune. See [`counts_toward`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<CommuneGroup>,
    /// Commune count, or criteria for `average-criteria`.
    pub value: Decimal,
    /// The increase the document states ("thêm N xã", "xây dựng N xã"), when it writes the
    /// target as one: `value` is then our reading of baseline + increase, and the audit checks it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<u32>,
    /// Document and section.
    pub source: String,
}

impl Target {
    /// Short English name, e.g. `c2 Transport`, `standard`, `band 15-18`; a group target says
    /// its group first (`group 2: c3 …`).
    pub fn name(&self, catalog: &Catalog) -> String {
        let name = self.kind_name(catalog);
        match self.group {
            Some(g) => format!("group {}: {name}", g.number()),
            None => name,
        }
    }

    fn kind_name(&self, catalog: &Catalog) -> String {
        match &self.kind {
            TargetKind::Criterion { criterion } => format!(
                "c{criterion} {}",
                catalog
                    .criterion(*criterion)
                    .map_or("", |c| c.name_en.as_str())
            ),
            TargetKind::LevelCriterion { criterion, level } => format!(
                "{} c{criterion} {}",
                level.as_str(),
                catalog
                    .advanced_criterion(*criterion)
                    .map_or("", |c| c.name_en.as_str())
            ),
            TargetKind::Tier { tier } => format!("communes at {}", tier.as_str()),
            // Band targets are cumulative: see `outcome::cumulative_band_target`.
            TargetKind::Band { band } => format!(
                "communes with at least {} criteria beyond higher targets (band {band})",
                band_min(catalog, band)
            ),
            TargetKind::AverageCriteria => "average criteria per commune".to_string(),
            TargetKind::MinCriteria { min } => format!("communes with at least {min} criteria"),
            TargetKind::Indicator { indicator } => format!(
                "communes meeting indicator {}",
                catalog
                    .indicator(indicator)
                    .map_or(indicator.as_str(), |i| i.name_en.as_str())
            ),
        }
    }

    /// Short Vietnamese name, as the plans write it: `xã đạt chuẩn`, `xã đạt tiêu chí số 2
    /// (Giao thông)`, `xã đạt từ 15 tiêu chí trở lên …`; a group target names its group: `xã
    /// nhóm 2 đạt tiêu chí số 3 (…)`.
    pub fn name_vi(&self, catalog: &Catalog) -> String {
        let name = self.kind_name_vi(catalog);
        match self.group {
            Some(g) => name.replacen("xã ", &format!("xã {} ", g.label_vi()), 1),
            None => name,
        }
    }

    fn kind_name_vi(&self, catalog: &Catalog) -> String {
        match &self.kind {
            TargetKind::Criterion { criterion } => format!(
                "xã đạt tiêu chí số {criterion} ({})",
                catalog
                    .criterion(*criterion)
                    .map_or("", |c| c.name_vi.as_str())
            ),
            TargetKind::LevelCriterion { criterion, .. } => format!(
                "xã đạt tiêu chí số {criterion} ({}) thuộc Bộ tiêu chí xã nông thôn mới nâng cao",
                catalog
                    .advanced_criterion(*criterion)
                    .map_or("", |c| c.name_vi.as_str())
            ),
            TargetKind::Tier { tier } => match tier {
                crate::catalog::TierId::Standard => "xã đạt chuẩn".to_string(),
                crate::catalog::TierId::Advanced => "xã đạt chuẩn nâng cao".to_string(),
                crate::catalog::TierId::Model => "xã đạt chuẩn kiểu mẫu".to_string(),
            },
            TargetKind::Band { band } => format!(
                "xã đạt từ {} tiêu chí trở lên ngoài chỉ tiêu nhóm cao hơn (nhóm {band})",
                band_min(catalog, band)
            ),
            TargetKind::AverageCriteria => "bình quân tiêu chí/xã".to_string(),
            TargetKind::MinCriteria { min } => format!("xã đạt từ {min} tiêu chí trở lên"),
            TargetKind::Indicator { indicator } => format!(
                "xã đạt chỉ tiêu {}",
                catalog
                    .indicator(indicator)
                    .map_or(indicator.as_str(), |i| i.name_vi.as_str())
            ),
        }
    }
}

/// Whether `commune` counts toward a count restricted to `group` (số xã nhóm 2 đạt …): without a
/// group every commune counts, with one only the communes of that group. The one home of this
/// decision: targets, the planner's requirements and the evaluation's per-group counts ask it.
pub fn counts_toward(group: Option<CommuneGroup>, commune: &Commune) -> bool {
    group.is_none_or(|g| commune.group == Some(g))
}

/// Whose communes a count restricted to `group` counts, Vietnamese first with English beside:
/// `nhóm 2 (group 2)`, or `toàn tỉnh (province)` without a group ([`counts_toward`]). The
/// label of the "Nhóm xã" column of drafted targets and of the workbook's targets.
pub fn group_scope(group: Option<CommuneGroup>) -> String {
    group.map_or_else(
        || "toàn tỉnh (province)".to_string(),
        |g| format!("{} (group {})", g.label_vi(), g.number()),
    )
}

/// Least criteria of a band (`15-18` → 15), from the catalog or the band id itself.
fn band_min(catalog: &Catalog, band: &str) -> String {
    catalog
        .bands
        .iter()
        .find(|b| b.id == band)
        .map(|b| b.min.to_string())
        .unwrap_or_else(|| band.split('-').next().unwrap_or(band).to_string())
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetFile {
    #[serde(default)]
    year: Option<Spanned<u16>>,
    #[serde(default)]
    criterion: Option<Spanned<u8>>,
    #[serde(default)]
    level: Option<Spanned<TierId>>,
    #[serde(default)]
    tier: Option<TierId>,
    #[serde(default)]
    band: Option<Spanned<String>>,
    #[serde(default)]
    average_criteria: Option<Amount>,
    #[serde(default)]
    min_criteria: Option<u8>,
    /// An indicator id (số xã đạt chỉ tiêu …).
    #[serde(default)]
    indicator: Option<Spanned<String>>,
    #[serde(default)]
    communes: Option<Spanned<Amount>>,
    #[serde(default)]
    added: Option<u32>,
    /// Commune group the count runs over (`group = 2`, `group = "nhóm 2"`), parsed by
    /// [`CommuneGroup::parse`] so a typo gets a located "did you mean".
    #[serde(default)]
    group: Option<Spanned<toml::Value>>,
    source: String,
}

/// A target the document states that no commune count captures (chỉ tiêu khác), e.g. average
/// rural income "26,86 triệu đồng/người" or "giảm tỷ lệ hộ nghèo từ 3% trở lên". Kept as written
/// and shown by `ntm audit`; nothing plans with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatedTarget {
    /// Id, e.g. `income-per-capita`.
    pub id: String,
    /// As the document writes it.
    pub label: String,
    /// The figure, as published.
    pub value: Amount,
    /// Its unit as written, e.g. `triệu đồng/người`, `%`, `xã`.
    pub unit: String,
    /// Year by whose end it should hold.
    pub year: u16,
    /// Document and section.
    pub source: String,
}

/// A published funding figure, kept as published for the audit (số liệu vốn).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingFigure {
    /// Id, e.g. `total`, `central`, `carryover`.
    pub id: String,
    /// Label as the document writes it.
    pub label: String,
    /// Amount as published, in `unit`.
    pub amount: Amount,
    /// `million` (default) or `billion` VND.
    #[serde(default)]
    pub unit: Option<String>,
    /// Ids of the figures that should add up to this one.
    #[serde(default)]
    pub parts: Vec<String>,
    /// Published percentage of `share_of`.
    #[serde(default)]
    pub share_percent: Option<Amount>,
    /// Id of the figure the percentage is of.
    #[serde(default)]
    pub share_of: Option<String>,
    /// Our corrected reading, where the published one cannot be right.
    #[serde(default)]
    pub corrected_amount: Option<Amount>,
    /// Document and section.
    pub source: String,
}

/// Aggregates as a document publishes them (số liệu công bố), kept with their mistakes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    /// Year the status figures describe (end of year).
    #[serde(default)]
    pub year: Option<u16>,
    /// Number of communes.
    #[serde(default)]
    pub communes: Option<u32>,
    /// Communes at standard.
    #[serde(default)]
    pub standard: Option<u32>,
    /// Communes at advanced.
    #[serde(default)]
    pub advanced: Option<u32>,
    /// Communes at model.
    #[serde(default)]
    pub model: Option<u32>,
    /// Average criteria per commune.
    #[serde(default)]
    pub average_criteria: Option<Amount>,
    /// Communes meeting each criterion, keyed `c1`..`c19`.
    #[serde(default)]
    pub criteria: BTreeMap<String, u32>,
    /// Communes per band, keyed by band id.
    #[serde(default)]
    pub bands: BTreeMap<String, u32>,
    /// Villages (thôn, bản).
    #[serde(default)]
    pub villages: Option<u32>,
    /// Villages at standard.
    #[serde(default)]
    pub villages_standard: Option<u32>,
    /// Funding figures.
    #[serde(default)]
    pub funding: Vec<FundingFigure>,
}

/// Inputs of `ntm synthesize` beyond the published aggregates.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynthesisSettings {
    /// RNG seed.
    #[serde(default)]
    pub seed: u64,
    /// Values chosen for not stated, illegible or unpublished per-criterion counts, keyed `c1`…
    #[serde(default)]
    pub assumed_criteria: BTreeMap<String, u32>,
    /// Why those values.
    #[serde(default)]
    pub note: Option<String>,
    /// Real commune names from the documents, in order.
    #[serde(default)]
    pub commune_names: Vec<String>,
    /// Share of standard communes at advanced (for the synthetic matrix).
    #[serde(default)]
    pub advanced: Option<u32>,
    /// Model communes (for the synthetic matrix).
    #[serde(default)]
    pub model: Option<u32>,
    /// Attributes the document gives every commune (đặc điểm), e.g. `["difficult"]` for
    /// "13 xã đặc biệt khó khăn"; written to the `attributes` column of every row.
    #[serde(default)]
    pub attributes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: String,
    province: String,
    #[serde(default)]
    region: Option<String>,
    catalog: String,
    baseline_year: u16,
    years: Vec<u16>,
    #[serde(default = "default_hierarchy")]
    hierarchy: Vec<String>,
    #[serde(default)]
    synthetic: Option<String>,
    #[serde(default)]
    synthetic_vi: Option<String>,
    #[serde(default = "default_communes")]
    communes: String,
    #[serde(default)]
    projects: Option<String>,
    #[serde(default)]
    indicators: Option<String>,
    #[serde(default)]
    capital_sources: Vec<CapitalSource>,
    #[serde(default)]
    counterpart: Vec<CounterpartRule>,
    #[serde(default)]
    targets: Vec<TargetFile>,
    #[serde(default)]
    stated_targets: Vec<StatedTarget>,
    #[serde(default)]
    published: Published,
    #[serde(default)]
    synthesize: SynthesisSettings,
    #[serde(default)]
    sources: BTreeMap<String, String>,
}

fn default_hierarchy() -> Vec<String> {
    vec!["province".into(), "district".into(), "commune".into()]
}

fn default_communes() -> String {
    "communes.csv".into()
}

/// A loaded, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Folder it was loaded from.
    pub dir: PathBuf,
    /// Name.
    pub name: String,
    /// Province (tỉnh).
    pub province: String,
    /// Socio-economic region id.
    pub region: Option<String>,
    /// Year the commune status describes (end of year).
    pub baseline_year: u16,
    /// Planning years.
    pub years: Vec<u16>,
    /// Administrative levels, top down.
    pub hierarchy: Vec<String>,
    /// Set when commune or project data is synthetic: says so in every output.
    pub synthetic: Option<String>,
    /// The same note in Vietnamese (`synthetic_vi`; dữ liệu giả lập), shown first in the
    /// Vietnamese interface.
    pub synthetic_vi: Option<String>,
    /// The communes file `scenario.toml` names (it may not exist yet, for `synthesize`).
    pub communes_file: PathBuf,
    /// The projects file `scenario.toml` names, if any.
    pub projects_file: Option<PathBuf>,
    /// Criteria catalog.
    pub catalog: Catalog,
    /// Communes with their status.
    pub communes: Vec<Commune>,
    /// Candidate projects.
    pub projects: Vec<Project>,
    /// Indicator values (long format), if the scenario has an indicators file.
    pub indicator_values: Vec<IndicatorValue>,
    /// Criteria decided from the baseline-year indicator values.
    pub indicator_decisions: Vec<IndicatorDecision>,
    /// Capital sources.
    pub capital_sources: Vec<CapitalSource>,
    /// Counterpart rules.
    pub counterpart: Vec<CounterpartRule>,
    /// Targets.
    pub targets: Vec<Target>,
    /// Targets the document states that no commune count captures.
    pub stated_targets: Vec<StatedTarget>,
    /// Published aggregates.
    pub published: Published,
    /// Synthesis inputs.
    pub synthesize: SynthesisSettings,
    /// Document and section of each published number, by field.
    pub sources: BTreeMap<String, String>,
}

impl Scenario {
    /// Whether the hierarchy has a district level (abolished in 2025).
    pub fn has_districts(&self) -> bool {
        self.hierarchy.iter().any(|l| l == "district")
    }

    /// Loads and validates a scenario folder (or its `scenario.toml`); all problems at once.
    pub fn load(path: &Path) -> Result<Scenario> {
        Scenario::load_with(path, LoadOptions::default())
    }

    /// Loads with options.
    pub fn load_with(path: &Path, options: LoadOptions) -> Result<Scenario> {
        Scenario::load_replacing(path, options, None, None)
    }

    /// Loads with the communes and/or projects file replaced by another (a candidate that an
    /// import validates before it replaces the scenario's own).
    pub fn load_replacing(
        path: &Path,
        options: LoadOptions,
        communes_file: Option<&Path>,
        projects_file: Option<&Path>,
    ) -> Result<Scenario> {
        let (dir, toml_path) = if path.is_dir() {
            (path.to_path_buf(), path.join("scenario.toml"))
        } else {
            (
                path.parent().unwrap_or(Path::new(".")).to_path_buf(),
                path.to_path_buf(),
            )
        };
        let text = text::read_toml_text(&toml_path)?;
        let mut file: ScenarioFile = text::parse_toml(&text, &toml_path)?;
        let mut problems = Vec::new();
        if Catalog::built_in_text(&file.catalog).is_none() {
            if let Some(p) = outside_problem(&dir, "catalog", &file.catalog, &text, &toml_path) {
                return Err(Error::invalid(p));
            }
        }
        let communes_outside = outside_problem(&dir, "communes", &file.communes, &text, &toml_path);
        let projects_outside = file
            .projects
            .as_deref()
            .and_then(|name| outside_problem(&dir, "projects", name, &text, &toml_path));
        let catalog = load_catalog(&file.catalog, &dir, &mut problems)?;
        let problem_at = |span: std::ops::Range<usize>, message: String, hint: &str| {
            let (line, column) = text::line_column(&text, span.start);
            Diagnostic::new(&toml_path, Some(line), message)
                .column(Some(column))
                .hint(hint)
        };
        let mut ids = BTreeSet::new();
        for source in &file.capital_sources {
            if !ids.insert(source.id.clone()) {
                problems.push(Diagnostic::new(
                    &toml_path,
                    text::line_of(&text, &format!("id = \"{}\"", source.id)),
                    format!("capital source `{}` is defined twice", source.id),
                ));
            }
            for (year, amount) in &source.budget {
                if amount.get_ref().0.is_sign_negative() && !amount.get_ref().0.is_zero() {
                    problems.push(problem_at(
                        amount.span(),
                        format!(
                            "budget of `{}` in {year} is negative ({})",
                            source.id,
                            amount.get_ref().0
                        ),
                        "budgets are million VND, zero or more",
                    ));
                }
                if year.parse::<u16>().is_err() {
                    problems.push(problem_at(
                        amount.span(),
                        format!("budget key `{year}` of `{}` is not a year", source.id),
                        "write budgets as `2023 = \"66.550\"`",
                    ));
                }
            }
        }
        for source in &mut file.capital_sources {
            for category in &mut source.categories {
                if category == "*" {
                    continue;
                }
                match Category::parse(category) {
                    Ok(known) => *category = known.as_str().to_string(),
                    Err(message) => problems.push(
                        Diagnostic::new(
                            &toml_path,
                            text::line_of(&text, &format!("\"{category}\"")),
                            format!("capital source `{}`: {message}", source.id),
                        )
                        .hint("write category ids (or Vietnamese names), or \"*\" for all"),
                    ),
                }
            }
        }
        for rule in &file.counterpart {
            if rule.ratio.0.is_sign_negative() && !rule.ratio.0.is_zero() {
                problems.push(
                    Diagnostic::new(
                        &toml_path,
                        text::line_of(&text, "ratio"),
                        format!(
                            "counterpart ratio of `{}` is negative ({})",
                            rule.source, rule.ratio.0
                        ),
                    )
                    .hint("a counterpart ratio is zero or more, e.g. 0.1 for 10 %"),
                );
            }
            for id in std::iter::once(&rule.source).chain(&rule.of) {
                if !ids.contains(id) {
                    problems.push(
                        Diagnostic::new(
                            &toml_path,
                            text::line_of(&text, &format!("\"{id}\"")),
                            format!("counterpart rule names unknown capital source `{id}`"),
                        )
                        .hint("use an id from [[capital_sources]]"),
                    );
                }
            }
        }
        let targets = read_targets(&file, &catalog, &text, &toml_path, &mut problems);
        let communes_path =
            communes_file.map_or_else(|| dir.join(&file.communes), Path::to_path_buf);
        // Projects name communes: when the communes file cannot be read, checking them would
        // only repeat "unknown commune" once per project.
        let mut communes_failed = false;
        if let Some(p) = communes_outside {
            // Also with `allow_missing_communes`: `synthesize --write` would write there.
            problems.push(p);
            communes_failed = true;
        }
        let read = if communes_failed {
            Ok(Vec::new())
        } else {
            communes::read(&communes_path, &catalog, &file.hierarchy)
        };
        let mut communes = match read {
            Ok(communes) => communes,
            Err(Error::Invalid(mut more)) if !options.allow_missing_communes => {
                problems.append(&mut more);
                communes_failed = true;
                Vec::new()
            }
            Err(_) if options.allow_missing_communes => Vec::new(),
            Err(e) => return Err(e),
        };
        let (indicator_values, indicator_decisions) = match &file.indicators {
            Some(name) if !communes.is_empty() => {
                let path = dir.join(name);
                let decided = indicators::read(&path, &catalog, &communes).and_then(|values| {
                    let decisions = indicators::decide(
                        &path,
                        &values,
                        &catalog,
                        file.region.as_deref(),
                        file.baseline_year,
                        &mut communes,
                    )?;
                    Ok((values, decisions))
                });
                match decided {
                    Ok(done) => done,
                    Err(Error::Invalid(mut more)) => {
                        problems.append(&mut more);
                        (Vec::new(), Vec::new())
                    }
                    Err(e) => return Err(e),
                }
            }
            _ => (Vec::new(), Vec::new()),
        };
        let gaps = indicators::gaps(&indicator_decisions, communes.len());
        let projects = match &file.projects {
            Some(_) if projects_outside.is_some() && !options.skip_projects => {
                problems.extend(projects_outside);
                Vec::new()
            }
            Some(name) if !options.skip_projects && !communes_failed => {
                let projects_path = projects_file.map_or_else(|| dir.join(name), Path::to_path_buf);
                match projects::read(
                    &projects_path,
                    &catalog,
                    &communes,
                    &file.capital_sources,
                    &gaps,
                ) {
                    Ok(projects) => projects,
                    Err(Error::Invalid(mut more)) => {
                        problems.append(&mut more);
                        Vec::new()
                    }
                    Err(e) => return Err(e),
                }
            }
            _ => Vec::new(),
        };
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        Ok(Scenario {
            communes_file: communes_path,
            projects_file: file.projects.as_ref().map(|name| dir.join(name)),
            dir,
            name: file.name,
            province: text::name(&file.province),
            region: file.region,
            baseline_year: file.baseline_year,
            years: file.years,
            hierarchy: file.hierarchy,
            synthetic: file.synthetic,
            synthetic_vi: file.synthetic_vi,
            catalog,
            communes,
            projects,
            indicator_values,
            indicator_decisions,
            capital_sources: file.capital_sources,
            counterpart: file.counterpart,
            targets,
            stated_targets: file.stated_targets,
            published: file.published,
            synthesize: file.synthesize,
            sources: file.sources,
        })
    }
}

/// Whether scenario files may name paths outside their folder (`--allow-outside`).
static ALLOW_OUTSIDE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Lets `communes =`, `projects =` and `catalog =` name files outside the scenario folder, for
/// the rest of the process (the binary's `--allow-outside`). Off by default: a scenario from
/// someone else must not make ntm read (and quote in errors) any file on the machine.
pub fn allow_outside(allow: bool) {
    ALLOW_OUTSIDE.store(allow, std::sync::atomic::Ordering::Relaxed);
}

/// Whether `name`, relative to the scenario folder `dir`, stays inside it: no absolute path, no
/// `..`, and no symbolic link that leads out.
pub fn inside_folder(dir: &Path, name: &str) -> bool {
    use std::path::Component;
    let lexical = Path::new(name)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !lexical {
        return false;
    }
    match (dir.canonicalize(), dir.join(name).canonicalize()) {
        (Ok(root), Ok(target)) => target.starts_with(root),
        _ => true,
    }
}

/// A problem for a scenario file named outside the folder, or `None` when it may be read.
fn outside_problem(
    dir: &Path,
    key: &str,
    name: &str,
    text: &str,
    toml: &Path,
) -> Option<Diagnostic> {
    if ALLOW_OUTSIDE.load(std::sync::atomic::Ordering::Relaxed) || inside_folder(dir, name) {
        return None;
    }
    Some(
        Diagnostic::new(
            toml,
            text::line_of(text, &format!("{key} =")),
            format!(
                "`{key}` names `{}`, outside the scenario folder",
                text::excerpt(name)
            ),
        )
        .hint("keep a scenario's files in its folder, or pass --allow-outside"),
    )
}

/// What to tolerate while loading.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Load without a communes file (for `synthesize`, which writes it).
    pub allow_missing_communes: bool,
    /// Do not read the projects file.
    pub skip_projects: bool,
}

fn load_catalog(reference: &str, dir: &Path, problems: &mut Vec<Diagnostic>) -> Result<Catalog> {
    match Catalog::load(reference, dir) {
        Ok(catalog) => Ok(catalog),
        Err(Error::Invalid(mut more)) => {
            // Keep going with the catalog's structure so the other files are checked too.
            let path = dir.join(reference);
            let lenient = text::read_toml_text(&path)
                .ok()
                .and_then(|t| toml::from_str::<Catalog>(&t).ok());
            problems.append(&mut more);
            lenient.ok_or_else(|| Error::Invalid(std::mem::take(problems)))
        }
        Err(e) => Err(e),
    }
}

fn read_targets(
    file: &ScenarioFile,
    catalog: &Catalog,
    text: &str,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Target> {
    let default_year = file.years.last().copied().unwrap_or(file.baseline_year);
    let mut targets = Vec::new();
    for t in &file.targets {
        let at = |span: std::ops::Range<usize>| Some(text::line_column(text, span.start).0);
        let communes = t.communes.as_ref().map(|c| c.get_ref().0);
        if let (Some(level), None) = (&t.level, &t.criterion) {
            problems.push(
                Diagnostic::new(path, at(level.span()), "`level` without `criterion`")
                    .hint("a level says which criteria set a `criterion = N` target counts in; for communes at a tier write `tier = \"advanced\"`"),
            );
            continue;
        }
        let (kind, value) = match (
            &t.indicator,
            &t.criterion,
            t.tier,
            &t.band,
            t.average_criteria,
            t.min_criteria,
        ) {
            (Some(i), None, None, None, None, None) => {
                let Some(indicator) = target_indicator(i, catalog, text, path, problems) else {
                    continue;
                };
                (indicator, communes)
            }
            (None, Some(c), None, None, None, None)
                if t.level
                    .as_ref()
                    .is_some_and(|l| *l.get_ref() != TierId::Standard) =>
            {
                let id = *c.get_ref();
                let level = t.level.as_ref().map_or(TierId::Standard, |l| *l.get_ref());
                if level == TierId::Model {
                    problems.push(
                        Diagnostic::new(
                            path,
                            t.level.as_ref().and_then(|l| at(l.span())),
                            "the catalog has no criteria set for the model tier",
                        )
                        .hint("QĐ 319/QĐ-TTg sets conditions on top of the advanced set, not a list of criteria: write `tier = \"model\"`, or `level = \"advanced\"`"),
                    );
                    continue;
                }
                if catalog.advanced_criterion(id).is_none() {
                    let known: Vec<String> = catalog
                        .advanced_criteria
                        .iter()
                        .map(|c| format!("{} {}", c.id, c.name_vi))
                        .collect();
                    problems.push(
                        Diagnostic::new(
                            path,
                            at(c.span()),
                            format!(
                                "criterion {id} is not in the advanced set of catalog `{}`",
                                catalog.id
                            ),
                        )
                        .hint(if known.is_empty() {
                            "this catalog has no advanced set ([[advanced_criteria]])".to_string()
                        } else {
                            format!(
                                "the advanced set (QĐ 318 Phụ lục II) numbers its own criteria: {}",
                                known.join(", ")
                            )
                        }),
                    );
                    continue;
                }
                (
                    TargetKind::LevelCriterion {
                        criterion: id,
                        level,
                    },
                    communes,
                )
            }
            (None, Some(c), None, None, None, None) => {
                let id = *c.get_ref();
                if catalog.criterion(id).is_none() {
                    problems.push(
                        Diagnostic::new(path, at(c.span()), format!("unknown criterion {id}"))
                            .hint(format!(
                                "criteria are numbered 1..={}",
                                catalog.criteria_count()
                            )),
                    );
                    continue;
                }
                (TargetKind::Criterion { criterion: id }, communes)
            }
            (None, None, Some(tier), None, None, None) => (TargetKind::Tier { tier }, communes),
            (None, None, None, Some(band), None, None) => {
                if !catalog.bands.iter().any(|b| &b.id == band.get_ref()) {
                    problems.push(
                        Diagnostic::new(
                            path,
                            at(band.span()),
                            format!("unknown band `{}`", band.get_ref()),
                        )
                        .hint("bands are 19, 15-18, 10-14, 5-9, 0-4"),
                    );
                    continue;
                }
                (
                    TargetKind::Band {
                        band: band.get_ref().clone(),
                    },
                    communes,
                )
            }
            (None, None, None, None, Some(avg), None) => (TargetKind::AverageCriteria, Some(avg.0)),
            (None, None, None, None, None, Some(min)) => (
                TargetKind::MinCriteria { min },
                communes.or(file.published.communes.map(Decimal::from)),
            ),
            _ => {
                problems.push(
                    Diagnostic::new(path, text::line_of(text, &t.source), "a target needs exactly one of criterion, tier, band, average_criteria, min_criteria, indicator")
                        .hint("split it into several [[targets]]"),
                );
                continue;
            }
        };
        let Some(value) = value else {
            problems.push(
                Diagnostic::new(
                    path,
                    text::line_of(text, &t.source),
                    "target has no `communes` count",
                )
                .hint("add `communes = N`"),
            );
            continue;
        };
        if value.is_sign_negative() && !value.is_zero() {
            let line = t.communes.as_ref().and_then(|c| at(c.span()));
            problems.push(Diagnostic::new(
                path,
                line,
                format!("target is negative ({value})"),
            ));
            continue;
        }
        let year = t.year.as_ref().map_or(default_year, |y| *y.get_ref());
        if !file.years.contains(&year) && !file.years.is_empty() {
            let line = t.year.as_ref().and_then(|y| at(y.span()));
            let years: Vec<String> = file.years.iter().map(u16::to_string).collect();
            problems.push(
                Diagnostic::new(
                    path,
                    line,
                    format!("target year {year} is not a planning year"),
                )
                .hint(format!(
                    "the planning years are {}; add {year} to `years` or fix the target",
                    years.join(", ")
                )),
            );
            continue;
        }
        let Some(group) = target_group(t, &kind, catalog, text, path, problems) else {
            continue;
        };
        targets.push(Target {
            year,
            kind,
            group,
            value,
            added: t.added,
            source: t.source.clone(),
        });
    }
    targets
}

/// The group filter of a target (`Some(None)` without one), or `None` after reporting why it
/// cannot be read: an unknown group (with "did you mean"), a catalog without groups, or a kind
/// that is not counted per group.
fn target_group(
    t: &TargetFile,
    kind: &TargetKind,
    catalog: &Catalog,
    text: &str,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<Option<CommuneGroup>> {
    let Some(raw) = &t.group else {
        return Some(None);
    };
    let line = Some(text::line_column(text, raw.span().start).0);
    let written = match raw.get_ref() {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if catalog.groups.is_empty() {
        problems.push(
            Diagnostic::new(
                path,
                line,
                format!(
                    "target counts `group = {written}`, but catalog `{}` has no commune groups",
                    catalog.id
                ),
            )
            .hint("commune groups (nhóm xã) belong to the 2026-2030 set: catalog = \"qd51-2025\" or a province file extending it; else remove `group`"),
        );
        return None;
    }
    let group = match CommuneGroup::parse(&written) {
        Ok(g) if catalog.group(g).is_some() => g,
        Ok(g) => {
            problems.push(
                Diagnostic::new(path, line, format!("catalog `{}` has no {g}", catalog.id))
                    .hint(group_list(catalog)),
            );
            return None;
        }
        Err(message) => {
            problems.push(Diagnostic::new(path, line, message).hint(group_list(catalog)));
            return None;
        }
    };
    let counted = matches!(
        kind,
        TargetKind::Criterion { .. } | TargetKind::Indicator { .. } | TargetKind::Tier { .. }
    );
    if !counted {
        problems.push(
            Diagnostic::new(
                path,
                line,
                "a group is counted only on a criterion, an indicator or a tier (bands, averages, criteria floors and criteria of a higher tier's own set are counted province-wide only)",
            )
            .hint("write `criterion = N` (số xã nhóm 2 đạt tiêu chí …), `indicator = \"…\"` (số xã nhóm 2 đạt chỉ tiêu …) or `tier = \"standard\"` / `tier = \"advanced\"` (số xã nhóm 2 đạt chuẩn / đạt NTM hiện đại) beside `group`, or remove `group`"),
        );
        return None;
    }
    Some(Some(group))
}

/// "the catalog's groups: 1 (…), 2 (…), 3 (…)", for hints.
fn group_list(catalog: &Catalog) -> String {
    let groups: Vec<String> = catalog
        .groups
        .iter()
        .map(|g| format!("{} ({})", g.group.number(), g.name_vi))
        .collect();
    format!("the catalog's groups: {}", groups.join(", "))
}

/// An indicator target's kind, or `None` after reporting an id the catalog does not have (with
/// the nearest id when one is close).
fn target_indicator(
    id: &Spanned<String>,
    catalog: &Catalog,
    text: &str,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<TargetKind> {
    let written = id.get_ref();
    if catalog.indicator(written).is_some() {
        return Some(TargetKind::Indicator {
            indicator: written.clone(),
        });
    }
    let line = Some(text::line_column(text, id.span().start).0);
    let known: Vec<&str> = catalog.indicators.iter().map(|i| i.id.as_str()).collect();
    let nearest = known
        .iter()
        .map(|k| (strsim::levenshtein(written, k), *k))
        .min()
        .filter(|(d, _)| *d <= 3);
    let message = match nearest {
        Some((_, k)) => format!(
            "unknown indicator `{written}` in catalog `{}` (did you mean `{k}`?)",
            catalog.id
        ),
        None => format!("unknown indicator `{written}` in catalog `{}`", catalog.id),
    };
    problems.push(Diagnostic::new(path, line, message).hint(if known.is_empty() {
        "this catalog lists no indicators ([[indicators]]); a province file extending it supplies them".to_string()
    } else {
        format!("the catalog's indicators: {}", known.join(", "))
    }));
    None
}
