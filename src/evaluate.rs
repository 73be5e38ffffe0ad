//! Evaluation (đánh giá): where each commune stands on the criteria, its band and tier, and
//! the aggregates the plans report.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::catalog::{Catalog, Node, TierId};
use crate::number::{round_half_up, AVERAGE_PLACES};
use crate::scenario::{Commune, CriteriaSet, Scenario, TargetKind};

/// One commune's standing.
#[derive(Debug, Clone, Serialize)]
pub struct CommuneStatus {
    /// Id.
    pub id: String,
    /// Name as written.
    pub name: String,
    /// District, if any.
    pub district: Option<String>,
    /// Number of criteria met.
    pub criteria_met: u32,
    /// Criteria met (after gating dependencies).
    pub met: CriteriaSet,
    /// Band id.
    pub band: String,
    /// Highest tier reached.
    pub tier: Option<TierId>,
    /// The next tier, if any.
    pub next_tier: Option<TierId>,
    /// Criteria that block the next tier (at advanced level when the next tier is advanced).
    pub blocking: Vec<u8>,
    /// The next tier also needs QĐ 319 conditions (model only).
    pub blocking_model_conditions: bool,
    /// Advice from non-gating dependencies that do not hold.
    pub advice: Vec<String>,
}

/// Counts for a group of communes (a province or a district).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Communes.
    pub communes: usize,
    /// At standard or higher.
    pub standard: usize,
    /// At advanced or higher.
    pub advanced: usize,
    /// At model.
    pub model: usize,
    /// Communes per band, in catalog order.
    #[serde(serialize_with = "ordered_map")]
    pub bands: Vec<(String, usize)>,
    /// Average criteria met per commune.
    #[serde(serialize_with = "two_decimals")]
    pub average_criteria: Decimal,
    /// Total criteria met.
    pub total_criteria: u32,
}

/// Communes meeting one criterion.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionCount {
    /// Criterion id.
    pub id: u8,
    /// English name.
    pub name_en: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// Communes meeting it.
    pub met: usize,
}

/// A target on a criterion of a higher tier's own set, against the communes now (chỉ tiêu
/// tiêu chí nâng cao).
#[derive(Debug, Clone, Serialize)]
pub struct LevelTargetStatus {
    /// Criterion id in the level's set.
    pub criterion: u8,
    /// The set's tier (`advanced`).
    pub level: TierId,
    /// English name.
    pub name_en: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// Year by whose end it should hold.
    pub year: u16,
    /// Communes the target asks for.
    pub target: Decimal,
    /// Communes meeting it now.
    pub now: usize,
    /// Document and section.
    pub source: String,
}

/// A criterion decided from an indicator value, explained (giải thích theo chỉ tiêu).
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorExplanation {
    /// Commune id.
    pub commune: String,
    /// Commune name.
    pub name: String,
    /// The decision: value, threshold, region, gap and sources.
    #[serde(flatten)]
    pub decision: crate::scenario::IndicatorDecision,
    /// One line, in the documents' phrasing, e.g. "c10 Thu nhập: 36,2 < 39 triệu đồng/người
    /// (Trung du và miền núi phía Bắc, 2022), thiếu 2,8".
    pub text: String,
}

/// Communes valued on one indicator, and how many meet it, in all and per group (số xã đạt
/// chỉ tiêu).
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorCount {
    /// Indicator id.
    pub id: String,
    /// Criterion it decides.
    pub criterion: u8,
    /// Vietnamese name.
    pub name_vi: String,
    /// Communes with a baseline value.
    pub valued: usize,
    /// Of those, communes meeting it.
    pub met: usize,
    /// Per group (nhóm xã): communes valued and meeting it; empty without groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_group: Vec<GroupCount>,
}

/// Communes of one group (nhóm xã) and how many meet something.
#[derive(Debug, Clone, Serialize)]
pub struct GroupCount {
    /// The group.
    pub group: crate::catalog::CommuneGroup,
    /// Communes counted.
    pub communes: usize,
    /// Of those, communes meeting it.
    pub met: usize,
}

/// Communes meeting one indicator after whatever was funded (số xã đạt chỉ tiêu), in all and
/// per group.
#[derive(Debug, Clone)]
pub struct IndicatorMet {
    /// Indicator id.
    pub id: String,
    /// Communes meeting it.
    pub met: usize,
    /// Per group of the catalog.
    pub by_group: Vec<(crate::catalog::CommuneGroup, usize)>,
}

/// The communes of one group (nhóm xã): how many, at standard, and per criterion ("số xã nhóm 2
/// đạt tiêu chí …").
#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    /// The group.
    pub group: crate::catalog::CommuneGroup,
    /// Vietnamese name.
    pub name_vi: String,
    /// Communes in the group.
    pub communes: usize,
    /// At standard or higher.
    pub standard: usize,
    /// At the second tier or higher (QĐ 51: the modern-commune pilot, "xã nhóm 1 đạt NTM
    /// hiện đại"; QĐ 318: nâng cao).
    pub advanced: usize,
    /// At the model tier (kiểu mẫu; QĐ 51 has none).
    pub model: usize,
    /// Communes meeting each criterion, in catalog order.
    pub criteria: Vec<CriterionCount>,
}

/// Province conditions (QĐ 51 Phụ lục III) as `evaluate` reports them: ntm holds no
/// province-level data, so each condition is listed as not assessed.
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceConditionsStatus {
    /// Document and annex.
    pub source: String,
    /// What is and is not transcribed.
    pub note: Option<String>,
    /// Conditions (id, Vietnamese name, source), none assessed.
    pub not_assessed: Vec<crate::catalog::Criterion>,
}

/// A district's summary.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictSummary {
    /// District name.
    pub district: String,
    /// Its counts.
    #[serde(flatten)]
    pub summary: Summary,
}

/// Evaluation of all communes of a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// Present when the commune data is synthetic.
    pub synthetic: Option<String>,
    /// Catalog version.
    pub catalog: String,
    /// Province-level counts.
    #[serde(flatten)]
    pub summary: Summary,
    /// Per criterion.
    pub criteria: Vec<CriterionCount>,
    /// Per criterion of the advanced set (QĐ 318 Phụ lục II, columns `aN`): communes meeting it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub advanced_criteria: Vec<CriterionCount>,
    /// The scenario's targets on criteria of the advanced set, against the communes now.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub level_targets: Vec<LevelTargetStatus>,
    /// Criteria decided from indicator values, each explained.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<IndicatorExplanation>,
    /// Per indicator: communes valued and meeting it, by group.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicator_counts: Vec<IndicatorCount>,
    /// Per commune group (nhóm xã), for a catalog with groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupSummary>,
    /// Per indicator of the catalog, in catalog order: communes meeting it, in all and per
    /// group ([`crate::scenario::Commune::meets_indicator`]); what indicator targets count.
    /// Internal: `indicator_counts` is the reported form.
    #[serde(skip)]
    pub indicators_met: Vec<IndicatorMet>,
    /// Province conditions (QĐ 51 Phụ lục III), when the catalog has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province_conditions: Option<ProvinceConditionsStatus>,
    /// Per district (empty without districts).
    pub districts: Vec<DistrictSummary>,
    /// Per commune.
    pub per_commune: Vec<CommuneStatus>,
}

impl Evaluation {
    /// Communes of `group` meeting `criterion`, or at standard or higher without one (số xã
    /// nhóm 2 đạt tiêu chí … / đạt chuẩn); 0 for a group the catalog does not have.
    pub fn group_met(&self, group: crate::catalog::CommuneGroup, criterion: Option<u8>) -> usize {
        self.groups
            .iter()
            .find(|g| g.group == group)
            .map_or(0, |g| match criterion {
                Some(k) => g.criteria.iter().find(|c| c.id == k).map_or(0, |c| c.met),
                None => g.standard,
            })
    }

    /// Communes of `group` at `tier` or higher (số xã nhóm 1 đạt chuẩn / đạt NTM hiện đại); 0
    /// for a group the catalog does not have.
    pub fn group_at(&self, group: crate::catalog::CommuneGroup, tier: TierId) -> usize {
        self.groups
            .iter()
            .find(|g| g.group == group)
            .map_or(0, |g| match tier {
                TierId::Standard => g.standard,
                TierId::Advanced => g.advanced,
                TierId::Model => g.model,
            })
    }

    /// Communes meeting indicator `id` (số xã đạt chỉ tiêu …), of `group` only when given.
    pub fn indicator_met(&self, id: &str, group: Option<crate::catalog::CommuneGroup>) -> usize {
        self.indicators_met
            .iter()
            .find(|i| i.id == id)
            .map_or(0, |i| match group {
                None => i.met,
                Some(g) => i
                    .by_group
                    .iter()
                    .find(|(x, _)| *x == g)
                    .map_or(0, |(_, n)| *n),
            })
    }
}

fn ordered_map<S: Serializer>(pairs: &[(String, usize)], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// An average as an exact decimal string, rounded half-up at the published precision
/// ([`AVERAGE_PLACES`]): 41/3 is `"13.67"`, never a float.
fn two_decimals<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(
        &round_half_up(*value, AVERAGE_PLACES)
            .normalize()
            .to_string(),
    )
}

/// Evaluates communes against a catalog: the dependency graph is walked once at construction
/// into bit masks, so each commune costs a few bit operations.
#[derive(Debug, Clone)]
pub struct Evaluator<'a> {
    catalog: &'a Catalog,
    /// Nodes in topological order with their gating criteria and gating tier.
    steps: Vec<(Node, CriteriaSet, Option<TierId>)>,
    /// Non-gating criterion edges (from, to, reason): advice only.
    advisory: Vec<(u8, u8, String)>,
    all_criteria: CriteriaSet,
}

impl<'a> Evaluator<'a> {
    /// Prepares the catalog's dependency graph.
    pub fn new(catalog: &'a Catalog) -> Evaluator<'a> {
        let graph = catalog.graph();
        let mut advisory = Vec::new();
        let mut steps: Vec<(Node, CriteriaSet, Option<TierId>)> = graph
            .order()
            .iter()
            .map(|n| (*n, CriteriaSet::EMPTY, None))
            .collect();
        for (from, to, dep) in graph.edges() {
            if let (false, Node::Criterion(a), Node::Criterion(b)) = (dep.gate, from, to) {
                advisory.push((a, b, dep.reason.clone()));
            }
            if !dep.gate {
                continue;
            }
            if let Some(step) = steps.iter_mut().find(|(n, _, _)| *n == to) {
                match from {
                    Node::Criterion(id) => step.1.insert(id),
                    Node::Tier(t) => step.2 = step.2.max(Some(t)),
                }
            }
        }
        let all_criteria = CriteriaSet::from_ids(catalog.criteria.iter().map(|c| c.id));
        Evaluator {
            catalog,
            steps,
            advisory,
            all_criteria,
        }
    }

    /// Evaluates one commune, walking the dependency graph in topological order.
    pub fn commune(&self, commune: &Commune) -> CommuneStatus {
        let mut met = CriteriaSet::EMPTY;
        let mut tier: Option<TierId> = None;
        for (node, criteria, required_tier) in &self.steps {
            let gates_hold = met.contains_all(*criteria) && tier >= *required_tier;
            match node {
                Node::Criterion(id) => {
                    if gates_hold && commune.met.contains(*id) {
                        met.insert(*id);
                    }
                }
                Node::Tier(t) => {
                    let own = match t {
                        TierId::Standard => true,
                        TierId::Advanced => commune.advanced_met.contains_all(self.all_criteria),
                        TierId::Model => commune.model_conditions,
                    };
                    if gates_hold && own {
                        tier = Some(*t);
                    }
                }
            }
        }
        let next_tier = match tier {
            None => Some(TierId::Standard),
            Some(TierId::Standard) => Some(TierId::Advanced),
            Some(TierId::Advanced) => Some(TierId::Model),
            Some(TierId::Model) => None,
        };
        let blocking = match next_tier {
            Some(TierId::Standard) => self
                .all_criteria
                .ids()
                .filter(|id| !met.contains(*id))
                .collect(),
            Some(TierId::Advanced) => self
                .all_criteria
                .ids()
                .filter(|id| !commune.advanced_met.contains(*id))
                .collect(),
            _ => Vec::new(),
        };
        let advice = self
            .advisory
            .iter()
            .filter(|(from, to, _)| met.contains(*to) && !met.contains(*from))
            .map(|(from, to, reason)| format!("c{to} is met but c{from} is not: {reason}"))
            .collect();
        let count = met.count();
        CommuneStatus {
            id: commune.id.clone(),
            name: commune.name.clone(),
            district: commune.district.clone(),
            criteria_met: count,
            met,
            band: self
                .catalog
                .band_of(count)
                .map(|b| b.id.clone())
                .unwrap_or_default(),
            tier,
            next_tier,
            blocking,
            blocking_model_conditions: next_tier == Some(TierId::Model)
                && !commune.model_conditions,
            advice,
        }
    }
}

/// What an evaluation keeps of each commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Only the counts: each commune's status is folded into them and dropped, so memory does
    /// not grow with the communes (`ntm evaluate` without `--communes`, `--json` or `--xlsx`).
    Counts,
    /// Also every commune's status in [`Evaluation::per_commune`].
    PerCommune,
}

/// Counts of a group of communes, added one status at a time.
#[derive(Debug, Clone)]
struct Tally {
    communes: usize,
    standard: usize,
    advanced: usize,
    model: usize,
    /// Communes per band, in catalog order.
    bands: Vec<usize>,
    total: u32,
}

impl Tally {
    fn new(catalog: &Catalog) -> Tally {
        Tally {
            communes: 0,
            standard: 0,
            advanced: 0,
            model: 0,
            bands: vec![0; catalog.bands.len()],
            total: 0,
        }
    }

    fn add(&mut self, catalog: &Catalog, status: &CommuneStatus) {
        let at = |t: TierId| usize::from(status.tier.is_some_and(|x| x >= t));
        self.communes += 1;
        self.standard += at(TierId::Standard);
        self.advanced += at(TierId::Advanced);
        self.model += at(TierId::Model);
        for (n, band) in self.bands.iter_mut().zip(&catalog.bands) {
            *n += usize::from(status.band == band.id);
        }
        self.total += status.criteria_met;
    }

    fn summary(self, catalog: &Catalog) -> Summary {
        let average = if self.communes == 0 {
            Decimal::ZERO
        } else {
            Decimal::from(self.total) / Decimal::from(self.communes)
        };
        Summary {
            communes: self.communes,
            standard: self.standard,
            advanced: self.advanced,
            model: self.model,
            bands: catalog
                .bands
                .iter()
                .zip(self.bands)
                .map(|(b, n)| (b.id.clone(), n))
                .collect(),
            average_criteria: average,
            total_criteria: self.total,
        }
    }
}

/// Evaluates a list of communes, keeping every commune's status.
pub fn evaluate_communes(
    catalog: &Catalog,
    communes: &[Commune],
    synthetic: Option<String>,
) -> Evaluation {
    evaluate_communes_with(catalog, communes, synthetic, Detail::PerCommune)
}

/// Evaluates a list of communes one at a time, folding each status into the counts of the
/// province, its district and each criterion; the statuses are kept only for
/// [`Detail::PerCommune`].
pub fn evaluate_communes_with(
    catalog: &Catalog,
    communes: &[Commune],
    synthetic: Option<String>,
    detail: Detail,
) -> Evaluation {
    let evaluator = Evaluator::new(catalog);
    let mut province = Tally::new(catalog);
    let mut by_district: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut criteria_met = vec![0usize; catalog.criteria.len()];
    let mut advanced_met = vec![0usize; catalog.advanced_criteria.len()];
    // per group: communes, at standard / advanced / model or higher, criteria met
    let mut by_group: Vec<(usize, [usize; 3], Vec<usize>)> = catalog
        .groups
        .iter()
        .map(|_| (0, [0; 3], vec![0usize; catalog.criteria.len()]))
        .collect();
    // per indicator: communes meeting it, in all and per group
    let mut indicators_met: Vec<(usize, Vec<usize>)> = catalog
        .indicators
        .iter()
        .map(|_| (0, vec![0usize; catalog.groups.len()]))
        .collect();
    let mut per_commune = Vec::new();
    if detail == Detail::PerCommune {
        per_commune.reserve_exact(communes.len());
    }
    for commune in communes {
        let status = evaluator.commune(commune);
        province.add(catalog, &status);
        if let Some(d) = &commune.district {
            by_district
                .entry(d.as_str())
                .or_insert_with(|| Tally::new(catalog))
                .add(catalog, &status);
        }
        for (n, c) in criteria_met.iter_mut().zip(&catalog.criteria) {
            *n += usize::from(status.met.contains(c.id));
        }
        for (n, c) in advanced_met.iter_mut().zip(&catalog.advanced_criteria) {
            *n += usize::from(commune.advanced_met.contains(c.id));
        }
        let at_group = catalog
            .groups
            .iter()
            .position(|r| crate::scenario::counts_toward(Some(r.group), commune));
        if let Some(at) = at_group {
            let (n, tiers, met) = &mut by_group[at];
            *n += 1;
            for (count, tier) in
                tiers
                    .iter_mut()
                    .zip([TierId::Standard, TierId::Advanced, TierId::Model])
            {
                *count += usize::from(status.tier.is_some_and(|t| t >= tier));
            }
            for (m, c) in met.iter_mut().zip(&catalog.criteria) {
                *m += usize::from(status.met.contains(c.id));
            }
        }
        for ((all, by_group), i) in indicators_met.iter_mut().zip(&catalog.indicators) {
            if commune.meets_indicator(&i.id, status.met.contains(i.criterion)) {
                *all += 1;
                if let Some(slot) = at_group.and_then(|g| by_group.get_mut(g)) {
                    *slot += 1;
                }
            }
        }
        if detail == Detail::PerCommune {
            per_commune.push(status);
        }
    }
    let count = |c: &crate::catalog::Criterion, met: usize| CriterionCount {
        id: c.id,
        name_en: c.name_en.clone(),
        name_vi: c.name_vi.clone(),
        met,
    };
    Evaluation {
        synthetic,
        catalog: catalog.id.clone(),
        summary: province.summary(catalog),
        criteria: catalog
            .criteria
            .iter()
            .zip(criteria_met)
            .map(|(c, n)| count(c, n))
            .collect(),
        advanced_criteria: catalog
            .advanced_criteria
            .iter()
            .zip(advanced_met)
            .map(|(c, n)| count(c, n))
            .collect(),
        level_targets: Vec::new(),
        indicators: Vec::new(),
        indicator_counts: Vec::new(),
        groups: {
            let mut groups: Vec<GroupSummary> = catalog
                .groups
                .iter()
                .zip(by_group)
                .map(
                    |(rule, (communes, [standard, advanced, model], met))| GroupSummary {
                        group: rule.group,
                        name_vi: rule.name_vi.clone(),
                        communes,
                        standard,
                        advanced,
                        model,
                        criteria: catalog
                            .criteria
                            .iter()
                            .zip(met)
                            .map(|(c, n)| count(c, n))
                            .collect(),
                    },
                )
                .collect();
            groups.sort_by_key(|g| g.group);
            groups
        },
        indicators_met: catalog
            .indicators
            .iter()
            .zip(indicators_met)
            .map(|(i, (met, by_group))| IndicatorMet {
                id: i.id.clone(),
                met,
                by_group: catalog
                    .groups
                    .iter()
                    .map(|r| r.group)
                    .zip(by_group)
                    .collect(),
            })
            .collect(),
        province_conditions: catalog.province_conditions.as_ref().map(|p| {
            ProvinceConditionsStatus {
                source: p.source.clone(),
                note: p.note.clone(),
                not_assessed: p.conditions.clone(),
            }
        }),
        districts: by_district
            .into_iter()
            .map(|(d, tally)| DistrictSummary {
                district: d.to_string(),
                summary: tally.summary(catalog),
            })
            .collect(),
        per_commune,
    }
}

/// Evaluates a scenario's baseline, keeping every commune's status.
pub fn evaluate(scenario: &Scenario) -> Evaluation {
    evaluate_with(scenario, Detail::PerCommune)
}

/// Evaluates a scenario's baseline, keeping of each commune what `detail` asks for.
pub fn evaluate_with(scenario: &Scenario, detail: Detail) -> Evaluation {
    let mut evaluation = evaluate_communes_with(
        &scenario.catalog,
        &scenario.communes,
        scenario.synthetic.clone(),
        detail,
    );
    evaluation.level_targets = scenario
        .targets
        .iter()
        .filter_map(|t| match t.kind {
            TargetKind::LevelCriterion { criterion, level } => {
                let count = evaluation
                    .advanced_criteria
                    .iter()
                    .find(|c| c.id == criterion);
                Some(LevelTargetStatus {
                    criterion,
                    level,
                    name_en: count.map_or_else(String::new, |c| c.name_en.clone()),
                    name_vi: count.map_or_else(String::new, |c| c.name_vi.clone()),
                    year: t.year,
                    target: t.value,
                    now: count.map_or(0, |c| c.met),
                    source: t.source.clone(),
                })
            }
            _ => None,
        })
        .collect();
    evaluation.indicators = scenario
        .indicator_decisions
        .iter()
        .map(|d| explain(scenario, d))
        .collect();
    evaluation.indicator_counts = indicator_counts(scenario);
    evaluation
}

/// Per indicator with a baseline value: communes valued and meeting it, in all and by group.
fn indicator_counts(scenario: &Scenario) -> Vec<IndicatorCount> {
    let catalog = &scenario.catalog;
    catalog
        .indicators
        .iter()
        .filter_map(|i| {
            let of: Vec<&crate::scenario::IndicatorDecision> = scenario
                .indicator_decisions
                .iter()
                .filter(|d| d.indicator == i.id)
                .collect();
            if of.is_empty() {
                return None;
            }
            let mut by_group: Vec<GroupCount> = catalog
                .groups
                .iter()
                .map(|g| GroupCount {
                    group: g.group,
                    communes: of.iter().filter(|d| d.group == Some(g.group)).count(),
                    met: of
                        .iter()
                        .filter(|d| d.group == Some(g.group) && d.met)
                        .count(),
                })
                .collect();
            by_group.sort_by_key(|g| g.group);
            Some(IndicatorCount {
                id: i.id.clone(),
                criterion: i.criterion,
                name_vi: i.name_vi.clone(),
                valued: of.len(),
                met: of.iter().filter(|d| d.met).count(),
                by_group,
            })
        })
        .collect()
}

/// "c10 Thu nhập: 36,2 < 39 triệu đồng/người (Trung du và miền núi phía Bắc, 2022), thiếu 2,8";
/// by group, naming the indicator when its criterion has several: "c3 Phát triển kinh tế nông
/// thôn — Thu nhập bình quân đầu người: 40 < 60 triệu đồng/người (nhóm 1, 2025), thiếu 20".
fn explain(scenario: &Scenario, d: &crate::scenario::IndicatorDecision) -> IndicatorExplanation {
    use crate::catalog::Comparison;
    use crate::number::{format_trimmed, NumberStyle};
    let n = |v: Decimal| format_trimmed(v, 2, NumberStyle::Vietnamese);
    let catalog = &scenario.catalog;
    let criterion = catalog
        .criterion(d.criterion)
        .map_or(String::new(), |c| c.name_vi.clone());
    let unit = catalog
        .indicator(&d.indicator)
        .map_or(String::new(), |i| i.unit.clone());
    let mut applies = Vec::new();
    if let Some(id) = &d.region {
        let region = catalog
            .regions
            .iter()
            .find(|r| &r.id == id)
            .map_or(id.clone(), |r| r.name_vi.clone());
        applies.push(match d.via_attribute.as_deref() {
            Some("difficult") => format!("{region}, áp dụng cho xã ĐBKK"),
            Some(other) => format!("{region}, áp dụng theo đặc điểm {other}"),
            None => region,
        });
    }
    if let Some(g) = d.group {
        applies.push(g.label_vi());
    }
    applies.push(d.year.to_string());
    let region = applies.join(", ");
    let (sign, word) = match (d.comparison, d.met) {
        (Comparison::AtLeast, true) => ("≥", "đạt".to_string()),
        (Comparison::AtMost, true) => ("≤", "đạt".to_string()),
        (Comparison::AtLeast, false) => ("<", format!("thiếu {}", n(d.gap))),
        (Comparison::AtMost, false) => (">", format!("vượt {}", n(d.gap))),
    };
    let commune = &scenario.communes[d.commune];
    IndicatorExplanation {
        commune: commune.id.clone(),
        name: commune.name.clone(),
        decision: d.clone(),
        text: format!(
            "c{} {criterion}{}: {} {sign} {} {unit} ({region}), {word}",
            d.criterion,
            // A criterion decided by several indicators names the one meant.
            if catalog
                .indicators
                .iter()
                .filter(|i| i.criterion == d.criterion)
                .count()
                > 1
            {
                catalog
                    .indicator(&d.indicator)
                    .map_or(String::new(), |i| format!(" — {}", i.name_vi))
            } else {
                String::new()
            },
            n(d.value),
            n(d.threshold),
        ),
    }
}
