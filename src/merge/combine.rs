//! Combine (gộp): the status, attributes, villages and indicator values of the members into
//! the new commune, by the rule. A commune with one member is a rename: it keeps everything.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::mapping::Mapping;
use super::report::{CombinedValue, CriterionRow, MemberReport, NewCommuneReport, ValuePart};
use super::rule::{AttributeCombine, CountCombine, MergeRule, StatusCombine, ValueCombine};
use super::validate::{NewUnit, OldRef};
use crate::catalog::{Catalog, CommuneGroup, GroupByRule};
use crate::error::{Diagnostic, Error, Result};
use crate::evaluate::Evaluator;
use crate::number::round_half_up;
use crate::scenario::{Commune, CriteriaSet, IndicatorValue, Scenario};

/// The new communes, their indicator values and the report of each (its "after" is filled in
/// from the written scenario).
pub struct Combined {
    /// New communes, in unit order.
    pub communes: Vec<Commune>,
    /// Indicator values of the new communes (`commune` indexes `communes`).
    pub values: Vec<IndicatorValue>,
    /// One report per new commune.
    pub reports: Vec<NewCommuneReport>,
}

fn status(
    members: &[&Commune],
    how: StatusCombine,
    get: impl Fn(&Commune) -> CriteriaSet,
) -> CriteriaSet {
    let mut out = CriteriaSet::EMPTY;
    for id in 1..32u8 {
        let met = match how {
            StatusCombine::AllMembers => members.iter().all(|c| get(c).contains(id)),
            StatusCombine::AnyMember => members.iter().any(|c| get(c).contains(id)),
        };
        if met {
            out.insert(id);
        }
    }
    out
}

fn flag(members: &[&Commune], how: StatusCombine) -> bool {
    match how {
        StatusCombine::AllMembers => members.iter().all(|c| c.model_conditions),
        StatusCombine::AnyMember => members.iter().any(|c| c.model_conditions),
    }
}

/// The QĐ 51/2025 group (nhóm xã) a new commune is written with, settled against the
/// attributes it has after the merge by the catalog's group rule (as the communes loader checks
/// a `group` column):
/// - the mapping's `new_group` when given; one the attributes contradict is an error at its
///   mapping row;
/// - else the group it had (a rename) or its members shared, while the attributes still put it
///   there; otherwise it is dropped and listed to re-assess;
/// - a catalog without groups writes none (the report notes a `new_group` it could not write).
fn settle_group(
    catalog: &Catalog,
    mapping: &Mapping,
    unit: &NewUnit,
    commune: &mut Commune,
    re_assess: &mut Vec<String>,
) -> Option<Diagnostic> {
    let by_rule = catalog.group_by_rule(&commune.attributes);
    let fits: Vec<CommuneGroup> = match &by_rule {
        GroupByRule::NoGroups => {
            commune.group = None;
            return None;
        }
        GroupByRule::One(g) => vec![*g],
        GroupByRule::Several(gs) => gs.clone(),
    };
    let label = |gs: &[CommuneGroup]| {
        gs.iter()
            .map(|g| g.label_vi())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let attributes = if commune.attributes.is_empty() {
        "không có đặc điểm (no attributes)".to_string()
    } else {
        commune
            .attributes
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join(";")
    };
    // The row that gives the group (the unit's group is the first row's that has one).
    let given_line = unit.members.iter().find_map(|(_, r)| {
        let row = &mapping.rows[*r];
        row.new_group.map(|_| row.line)
    });
    match (unit.group, commune.group) {
        (Some(given), _) if fits.contains(&given) => {
            commune.group = Some(given);
            None
        }
        (Some(given), _) => Some(
            Diagnostic::new(
                &mapping.path,
                given_line,
                format!(
                    "new commune `{}` is given {given} in `new_group`, but its attributes after the merge ({attributes}) put it in {}",
                    unit.id,
                    label(&fits)
                ),
            )
            .hint("the merge rule keeps the attributes its [[attributes]] entries name and re-assesses the others, those that decide a commune's group among them: leave new_group empty and set the group and its attributes in communes.csv once they are re-assessed, or merge with a rule (--rule) that keeps them"),
        ),
        (None, Some(had)) if fits.contains(&had) => None,
        (None, Some(had)) => {
            commune.group = None;
            re_assess.push(format!(
                "nhóm xã (group): các xã thành viên ở {had}, nhưng đặc điểm sau sáp nhập ({attributes}) xếp vào {} (the members were in {had}; the merged attributes put it in {}): phải xác định lại nhóm (the group must be decided again)",
                label(&fits),
                label(&fits)
            ));
            (fits.len() > 1).then(|| several(mapping, unit, &attributes, &fits))
        }
        (None, None) => (fits.len() > 1).then(|| several(mapping, unit, &attributes, &fits)),
    }
}

/// The attributes of a new commune fit several groups, which the law does not rank.
fn several(
    mapping: &Mapping,
    unit: &NewUnit,
    attributes: &str,
    fits: &[CommuneGroup],
) -> Diagnostic {
    let line = unit.members.first().map(|(_, r)| mapping.rows[*r].line);
    let label = fits
        .iter()
        .map(|g| g.label_vi())
        .collect::<Vec<_>>()
        .join(", ");
    Diagnostic::new(
        &mapping.path,
        line,
        format!(
            "new commune `{}`: its attributes after the merge ({attributes}) fit {label}; the law does not rank the groups",
            unit.id
        ),
    )
    .hint(format!("say which in the mapping's `new_group` column ({label})"))
}

/// Combines every new commune. A QĐ 51/2025 group the mapping gives that the merged attributes
/// contradict is an error located at its mapping row.
pub fn combine(
    scenarios: &[Scenario],
    mapping: &Mapping,
    units: &[NewUnit],
    rule: &MergeRule,
) -> Result<Combined> {
    let mut problems = Vec::new();
    let evaluators: Vec<Evaluator> = scenarios
        .iter()
        .map(|s| Evaluator::new(&s.catalog))
        .collect();
    // Indicator values by old commune.
    let mut by_commune: BTreeMap<OldRef, Vec<&IndicatorValue>> = BTreeMap::new();
    for (si, s) in scenarios.iter().enumerate() {
        for v in &s.indicator_values {
            by_commune
                .entry(OldRef {
                    scenario: si,
                    commune: v.commune,
                })
                .or_default()
                .push(v);
        }
    }
    let catalog = &scenarios[0].catalog;
    let mut communes = Vec::with_capacity(units.len());
    let mut values = Vec::new();
    let mut reports = Vec::with_capacity(units.len());
    for (ui, unit) in units.iter().enumerate() {
        let members: Vec<&Commune> = unit
            .members
            .iter()
            .map(|(m, _)| &scenarios[m.scenario].communes[m.commune])
            .collect();
        let rows: Vec<_> = unit
            .members
            .iter()
            .map(|(_, r)| &mapping.rows[*r])
            .collect();
        let mut re_assess = Vec::new();
        let mut combined_values = Vec::new();
        let rename = members.len() == 1;
        let mut commune = if rename {
            Commune {
                id: unit.id.clone(),
                name: unit.name.clone(),
                district: None,
                line: 0,
                ..members[0].clone()
            }
        } else {
            Commune {
                id: unit.id.clone(),
                name: unit.name.clone(),
                district: None,
                met: status(&members, rule.criteria.combine, |c| c.met),
                advanced_met: status(&members, rule.advanced_criteria.combine, |c| c.advanced_met),
                model_conditions: flag(&members, rule.model_conditions.combine),
                attributes: BTreeSet::new(),
                // Indicator values are not combined: the merged commune is re-assessed.
                indicators_met: BTreeSet::new(),
                // The QĐ 51/2025 group when every member had the same one; otherwise it is
                // assigned afresh (the mapping's `new_group`, reported).
                group: members
                    .iter()
                    .map(|c| c.group)
                    .reduce(|a, b| if a == b { a } else { None })
                    .flatten(),
                villages: None,
                villages_standard: None,
                line: 0,
            }
        };
        if !rename {
            // Attributes.
            let all: BTreeSet<&String> = members.iter().flat_map(|c| &c.attributes).collect();
            for attribute in all {
                let how = rule
                    .attribute(attribute)
                    .map_or(AttributeCombine::ReAssess, |a| a.combine);
                let keep = match how {
                    AttributeCombine::AllMembers => {
                        members.iter().all(|c| c.attributes.contains(attribute))
                    }
                    AttributeCombine::AnyMember => true,
                    AttributeCombine::ReAssess => {
                        re_assess.push(format!(
                            "đặc điểm (attribute) `{attribute}`: có ở (held by) {}",
                            members
                                .iter()
                                .filter(|c| c.attributes.contains(attribute))
                                .map(|c| c.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                        false
                    }
                };
                if keep {
                    commune.attributes.insert(attribute.clone());
                }
            }
            // Villages.
            for (what, get) in [
                (
                    "villages",
                    (|c: &Commune| c.villages) as fn(&Commune) -> Option<u32>,
                ),
                ("villages_standard", |c: &Commune| c.villages_standard),
            ] {
                if members.iter().all(|c| get(c).is_none()) {
                    continue;
                }
                let parts: Vec<ValuePart> = members
                    .iter()
                    .map(|c| ValuePart {
                        member: c.id.clone(),
                        value: get(c).map(Decimal::from),
                        weight: None,
                    })
                    .collect();
                let (result, note) = match rule.villages.combine {
                    CountCombine::ReAssess => (None, Some("quy tắc (rule): re-assess".to_string())),
                    CountCombine::Sum => {
                        match members.iter().map(|c| get(c)).collect::<Option<Vec<u32>>>() {
                            Some(all) => (Some(all.iter().sum::<u32>()), None),
                            None => (
                                None,
                                Some(
                                    "thiếu số liệu của một xã thành viên (a member has no value)"
                                        .to_string(),
                                ),
                            ),
                        }
                    }
                };
                if result.is_none() {
                    re_assess.push(format!("{what}: {}", note.clone().unwrap_or_default()));
                }
                match what {
                    "villages" => commune.villages = result,
                    _ => commune.villages_standard = result,
                }
                combined_values.push(CombinedValue {
                    what: what.to_string(),
                    year: None,
                    parts,
                    method: match rule.villages.combine {
                        CountCombine::Sum => "tổng (sum)".to_string(),
                        CountCombine::ReAssess => {
                            "phải đánh giá lại (must be re-assessed)".to_string()
                        }
                    },
                    result: result.map(Decimal::from),
                    note,
                });
            }
        }
        // Indicator values.
        let member_values: Vec<&[&IndicatorValue]> = unit
            .members
            .iter()
            .map(|(m, _)| by_commune.get(m).map_or(&[][..], Vec::as_slice))
            .collect();
        let keys: BTreeSet<(&str, u16)> = member_values
            .iter()
            .flat_map(|vs| vs.iter().map(|v| (v.indicator.as_str(), v.year)))
            .collect();
        for (indicator, year) in keys {
            let found: Vec<Option<&IndicatorValue>> = member_values
                .iter()
                .map(|vs| {
                    vs.iter()
                        .find(|v| v.indicator == indicator && v.year == year)
                        .copied()
                })
                .collect();
            if rename {
                if let Some(v) = found[0] {
                    values.push(IndicatorValue {
                        commune: ui,
                        line: 0,
                        ..v.clone()
                    });
                }
                continue;
            }
            let rule_entry = rule.indicator(indicator);
            let how = rule_entry.map_or(ValueCombine::ReAssess, |r| r.combine);
            let weight_of = |i: usize| match how {
                ValueCombine::PopulationWeightedMean => rows[i].population,
                ValueCombine::HouseholdWeightedMean => rows[i].households,
                _ => None,
            };
            let parts: Vec<ValuePart> = members
                .iter()
                .enumerate()
                .map(|(i, c)| ValuePart {
                    member: c.id.clone(),
                    value: found[i].map(|v| v.value),
                    weight: weight_of(i),
                })
                .collect();
            let missing_value: Vec<&str> = parts
                .iter()
                .filter(|p| p.value.is_none())
                .map(|p| p.member.as_str())
                .collect();
            let (result, note): (Option<Decimal>, Option<String>) = if rule_entry.is_none() {
                (
                    None,
                    Some(
                        "quy tắc không có chỉ tiêu này (the rule has no entry for this indicator)"
                            .into(),
                    ),
                )
            } else if how == ValueCombine::ReAssess {
                (None, Some("quy tắc (rule): re-assess".into()))
            } else if !missing_value.is_empty() {
                (
                    None,
                    Some(format!(
                        "thiếu giá trị của (no value for) {}",
                        missing_value.join(", ")
                    )),
                )
            } else {
                let values: Vec<Decimal> = parts.iter().filter_map(|p| p.value).collect();
                match how {
                    ValueCombine::Sum => (Some(values.iter().sum()), None),
                    _ => {
                        let weight_name = if how == ValueCombine::PopulationWeightedMean {
                            "dân số (population)"
                        } else {
                            "số hộ (households)"
                        };
                        let missing_weight: Vec<&str> = parts
                            .iter()
                            .filter(|p| p.weight.is_none())
                            .map(|p| p.member.as_str())
                            .collect();
                        if !missing_weight.is_empty() {
                            (
                                None,
                                Some(format!(
                                    "thiếu {weight_name} của (missing weight of) {}",
                                    missing_weight.join(", ")
                                )),
                            )
                        } else {
                            let total: u64 = parts.iter().filter_map(|p| p.weight).sum();
                            if total == 0 {
                                (
                                    None,
                                    Some(format!("{weight_name} bằng 0 (weights are zero)")),
                                )
                            } else {
                                let weighted: Decimal = parts
                                    .iter()
                                    .map(|p| {
                                        p.value.unwrap_or_default()
                                            * Decimal::from(p.weight.unwrap_or_default())
                                    })
                                    .sum();
                                let exact = weighted / Decimal::from(total);
                                match rule_entry.and_then(|r| r.places) {
                                    Some(places) => (
                                        Some(round_half_up(exact, places)),
                                        Some(format!(
                                            "{} / {} = {}, làm tròn (rounded half up) {places} chữ số thập phân (decimals)",
                                            vi(weighted),
                                            vi(Decimal::from(total)),
                                            vi(exact)
                                        )),
                                    ),
                                    None => (Some(exact), None),
                                }
                            }
                        }
                    }
                }
            };
            match result {
                Some(value) => values.push(IndicatorValue {
                    commune: ui,
                    indicator: indicator.to_string(),
                    year,
                    value: value.normalize(),
                    source: format!(
                        "ntm merge, {} ({}): {}",
                        rule.id,
                        how_short(how),
                        members
                            .iter()
                            .map(|c| c.id.as_str())
                            .collect::<Vec<_>>()
                            .join(" + ")
                    ),
                    line: 0,
                }),
                None => {
                    let decides = catalog
                        .indicator(indicator)
                        .filter(|_| year == scenarios[0].baseline_year)
                        .map(|i| {
                            format!(
                                "; c{} lấy theo quy tắc tiêu chí (c{} follows the criteria rule)",
                                i.criterion, i.criterion
                            )
                        })
                        .unwrap_or_default();
                    re_assess.push(format!(
                        "{indicator} {year}: {}{decides}",
                        note.clone().unwrap_or_default()
                    ));
                }
            }
            combined_values.push(CombinedValue {
                what: indicator.to_string(),
                year: Some(year),
                parts,
                method: how.label().to_string(),
                result,
                note,
            });
        }
        let member_reports: Vec<MemberReport> = unit
            .members
            .iter()
            .zip(&members)
            .zip(&rows)
            .map(|(((m, _), c), row)| {
                let status = evaluators[m.scenario].commune(c);
                MemberReport {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    district: c.district.clone(),
                    province: scenarios[m.scenario].province.clone(),
                    population: row.population,
                    households: row.households,
                    criteria_met: status.criteria_met,
                    tier: status.tier,
                }
            })
            .collect();
        let old_recognitions = if !rename && member_reports.iter().all(|m| m.tier.is_some()) {
            member_reports
                .iter()
                .map(|m| format!("{} {}: {}", m.id, m.name, m.tier.map_or("", |t| t.as_str())))
                .collect()
        } else {
            Vec::new()
        };
        let criteria = catalog
            .criteria
            .iter()
            .map(|c| CriterionRow {
                criterion: c.id,
                before: members.iter().map(|m| m.met.contains(c.id)).collect(),
                after: false,
            })
            .collect();
        if let Some(problem) = settle_group(catalog, mapping, unit, &mut commune, &mut re_assess) {
            problems.push(problem);
        }
        reports.push(NewCommuneReport {
            id: unit.id.clone(),
            name: unit.name.clone(),
            group: commune.group,
            sources: unit.sources.clone(),
            members: member_reports,
            criteria,
            criteria_met: 0,
            tier: None,
            old_recognitions,
            values: combined_values,
            re_assess,
        });
        communes.push(commune);
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(Combined {
        communes,
        values,
        reports,
    })
}

/// A number in the Vietnamese style, as the report notes write it (4.000; 38,125).
fn vi(value: Decimal) -> String {
    crate::number::format_trimmed(value, 12, crate::number::NumberStyle::Vietnamese)
}

fn how_short(how: ValueCombine) -> &'static str {
    match how {
        ValueCombine::Sum => "sum",
        ValueCombine::PopulationWeightedMean => "population-weighted mean",
        ValueCombine::HouseholdWeightedMean => "household-weighted mean",
        ValueCombine::ReAssess => "re-assess",
    }
}
