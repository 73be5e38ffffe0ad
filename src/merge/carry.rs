//! Move (chuyển): projects to their new commune, capital sources and budgets (summed where
//! provinces merge), counterpart rules, and the targets that stay meaningful.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::output::{CounterpartToml, SourceToml, StatedToml, TargetToml};
use super::report::{SourceFate, TargetFate};
use crate::error::{Error, Result};
use crate::number::format_for_file;
use crate::scenario::{CommuneLookup, Scenario};
use crate::text;

/// Projects moved: the new `projects.csv` and what was changed on the way.
pub struct MovedProjects {
    /// The file, when any scenario has projects.
    pub csv: Option<Vec<u8>>,
    /// Notes (indicator raises dropped).
    pub notes: Vec<String>,
    /// Re-assess items per new commune id.
    pub re_assess: Vec<(String, String)>,
}

/// Columns of the projects file in the loader's order.
const PROJECT_COLUMNS: [&str; 9] = [
    "id",
    "commune",
    "category",
    "cost",
    "year_from",
    "year_to",
    "year",
    "gains",
    "must",
];

/// Rewrites each projects file row by row: the `commune` cell becomes the new commune's id,
/// everything else is kept as written. An indicator raise (`income-per-capita:+3`) in a new
/// commune without a baseline value of that indicator is dropped and listed: the gain of a raise
/// is a share of the commune's gap, which is unknown until the value is re-assessed.
pub fn move_projects(
    scenarios: &[Scenario],
    new_id_of: &[Vec<usize>],
    new_ids: &[String],
    has_value: &BTreeSet<(usize, String)>,
) -> Result<MovedProjects> {
    let mut moved = MovedProjects {
        csv: None,
        notes: Vec::new(),
        re_assess: Vec::new(),
    };
    let with_projects: Vec<usize> = (0..scenarios.len())
        .filter(|i| scenarios[*i].projects_file.is_some())
        .collect();
    if with_projects.is_empty() {
        return Ok(moved);
    }
    // Read each file once, keep the canonical columns present in any.
    let mut tables: Vec<(usize, Vec<String>, Vec<csv::StringRecord>)> = Vec::new();
    let mut present = BTreeSet::new();
    for &si in &with_projects {
        let s = &scenarios[si];
        let Some(path) = s.projects_file.as_deref() else {
            continue;
        };
        let mut reader = text::csv_file(path)?;
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| Error::invalid(text::csv_problem(path, &e).0))?
            .iter()
            .map(|h| text::name(h).to_lowercase())
            .collect();
        for h in &headers {
            if let Some(i) = PROJECT_COLUMNS.iter().position(|c| c == h) {
                present.insert(i);
            }
        }
        let mut records = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| Error::invalid(text::csv_problem(path, &e).0))?;
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            records.push(record);
        }
        tables.push((si, headers, records));
    }
    let columns: Vec<&str> = present.iter().map(|i| PROJECT_COLUMNS[*i]).collect();
    let fail = |e: csv::Error| Error::Internal(format!("cannot write CSV: {e}"));
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(&columns).map_err(fail)?;
    for (si, headers, records) in &tables {
        let s = &scenarios[*si];
        let lookup = CommuneLookup::new(&s.communes);
        let at = |name: &str| headers.iter().position(|h| h == name);
        for record in records {
            let cell = |name: &str| {
                at(name)
                    .and_then(|i| record.get(i))
                    .map(text::name)
                    .unwrap_or_default()
            };
            let old = lookup.find(&cell("commune")).map_err(|_| {
                Error::Internal(format!(
                    "project `{}` names a commune the loaded scenario does not have",
                    cell("id")
                ))
            })?;
            let new = new_id_of[*si][old];
            let mut row = Vec::with_capacity(columns.len());
            let mut emptied = false;
            for column in &columns {
                let value = match *column {
                    "commune" => new_ids[new].clone(),
                    "gains" => {
                        let gains = cell("gains");
                        let mut kept = Vec::new();
                        for part in gains
                            .split([';', '|', ' '])
                            .filter(|p| !p.trim().is_empty())
                        {
                            let raise = part
                                .split_once(':')
                                .filter(|(_, v)| v.trim().starts_with('+'));
                            match raise {
                                Some((indicator, _))
                                    if !has_value
                                        .contains(&(new, indicator.trim().to_string())) =>
                                {
                                    moved.notes.push(format!(
                                        "dự án (project) `{}`: bỏ (dropped) `{part}` — xã mới `{}` chưa có giá trị {} (the new commune has no baseline value)",
                                        cell("id"),
                                        new_ids[new],
                                        indicator.trim()
                                    ));
                                    moved.re_assess.push((
                                        new_ids[new].clone(),
                                        format!("dự án (project) `{}`: mức nâng `{part}` (raise) cần giá trị mới (needs the re-assessed value)", cell("id")),
                                    ));
                                }
                                _ => kept.push(part.to_string()),
                            }
                        }
                        emptied = kept.is_empty() && !gains.trim().is_empty();
                        kept.join(";")
                    }
                    other => cell(other),
                };
                row.push(value);
            }
            if emptied {
                // A project must bring some gain: without its raise it cannot be carried.
                moved.notes.push(format!(
                    "dự án (project) `{}` không chuyển (left out): không còn mức nâng nào tính được (no gain can be computed until the value is re-assessed)",
                    cell("id")
                ));
                moved.re_assess.push((
                    new_ids[new].clone(),
                    format!(
                        "dự án (project) `{}` bị bỏ ra (left out) until the value is re-assessed",
                        cell("id")
                    ),
                ));
                continue;
            }
            writer.write_record(&row).map_err(fail)?;
        }
    }
    moved.csv = Some(
        writer
            .into_inner()
            .map_err(|e| Error::Internal(format!("cannot write CSV: {e}")))?,
    );
    Ok(moved)
}

/// Capital sources of the new scenario: one scenario's are copied; across provinces, sources
/// with the same id, kind, budget kind and categories are summed year by year, the others kept
/// apart under `ID-SCENARIO`. Returns the sources, the counterpart rules (ids renamed alike,
/// duplicates dropped) and what became of each source.
pub fn move_sources(
    scenarios: &[Scenario],
) -> (Vec<SourceToml>, Vec<CounterpartToml>, Vec<SourceFate>) {
    let mut groups: BTreeMap<&str, Vec<(usize, &crate::scenario::CapitalSource)>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for (si, s) in scenarios.iter().enumerate() {
        for c in &s.capital_sources {
            if !groups.contains_key(c.id.as_str()) {
                order.push(c.id.as_str());
            }
            groups.entry(c.id.as_str()).or_default().push((si, c));
        }
    }
    let mut rename: BTreeMap<(usize, String), String> = BTreeMap::new();
    let mut sources = Vec::new();
    let mut fates = Vec::new();
    let budget = |c: &crate::scenario::CapitalSource| -> BTreeMap<String, Decimal> {
        c.budget
            .iter()
            .map(|(y, a)| (y.clone(), a.get_ref().0))
            .collect()
    };
    let toml = |id: String,
                c: &crate::scenario::CapitalSource,
                budget: BTreeMap<String, Decimal>,
                source: String| SourceToml {
        id,
        kind: c.kind,
        name_vi: c.name_vi.clone(),
        name_en: c.name_en.clone(),
        budget_kind: c.budget_kind,
        categories: c.categories.clone(),
        eligibility: c.eligibility.clone(),
        source,
        budget: budget
            .into_iter()
            .map(|(y, v)| (y, format_for_file(v)))
            .collect(),
    };
    for id in order {
        let members = &groups[id];
        let (_, first) = members[0];
        let sorted = |c: &crate::scenario::CapitalSource| {
            let mut v = c.categories.clone();
            v.sort();
            v
        };
        let alike = members.iter().all(|(_, c)| {
            c.kind == first.kind && c.budget_kind == first.budget_kind && sorted(c) == sorted(first)
        });
        if members.len() == 1 || alike {
            let mut total: BTreeMap<String, Decimal> = BTreeMap::new();
            for (_, c) in members {
                for (y, v) in budget(c) {
                    *total.entry(y).or_default() += v;
                }
            }
            let cited: Vec<String> = members
                .iter()
                .map(|(si, c)| {
                    if members.len() == 1 {
                        c.source.clone()
                    } else {
                        format!("{}: {}", scenarios[*si].name, c.source)
                    }
                })
                .collect();
            sources.push(toml(id.to_string(), first, total, cited.join("; ")));
            fates.push(SourceFate {
                id: id.to_string(),
                from: members
                    .iter()
                    .map(|(si, _)| scenarios[*si].name.clone())
                    .collect(),
                summed: members.len() > 1,
            });
        } else {
            for (si, c) in members {
                let new_id = format!("{id}-{}", scenarios[*si].name);
                rename.insert((*si, id.to_string()), new_id.clone());
                sources.push(toml(new_id.clone(), c, budget(c), c.source.clone()));
                fates.push(SourceFate {
                    id: new_id,
                    from: vec![scenarios[*si].name.clone()],
                    summed: false,
                });
            }
        }
    }
    let mut counterpart: Vec<CounterpartToml> = Vec::new();
    for (si, s) in scenarios.iter().enumerate() {
        let name = |id: &String| {
            rename
                .get(&(si, id.clone()))
                .cloned()
                .unwrap_or_else(|| id.clone())
        };
        for r in &s.counterpart {
            let rule = CounterpartToml {
                source: name(&r.source),
                of: r.of.iter().map(name).collect(),
                ratio: format_for_file(r.ratio.0),
                basis: r.basis.clone(),
            };
            if !counterpart.contains(&rule) {
                counterpart.push(rule);
            }
        }
    }
    (sources, counterpart, fates)
}

/// Targets: carried when every new commune is one old commune of a single province (the counts
/// still count the same communes); otherwise every commune-count target is to be re-set (a count
/// of communes out of 94 is not a count out of 38). Stated targets are carried for a single
/// province unless counted in communes (unit `xã`).
pub fn move_targets(
    scenarios: &[Scenario],
    renames_only: bool,
    new_count: usize,
) -> (Vec<TargetToml>, Vec<StatedToml>, Vec<TargetFate>) {
    let single = scenarios.len() == 1;
    let mut targets = Vec::new();
    let mut stated = Vec::new();
    let mut fates = Vec::new();
    for s in scenarios {
        for t in &s.targets {
            let carried = single && renames_only;
            let reason = if carried {
                "mọi xã mới là một xã cũ: số đếm giữ nguyên nghĩa (every new commune is one old commune: the count keeps its meaning)".to_string()
            } else if single {
                format!(
                    "số xã {} → {}: đếm xã cũ không phải đếm xã mới (a count of {} old communes is not a count of {} new ones)",
                    s.communes.len(),
                    new_count,
                    s.communes.len(),
                    new_count
                )
            } else {
                "tỉnh sáp nhập: chỉ tiêu của từng tỉnh cũ (provinces merged: each old province's target)".to_string()
            };
            if carried {
                targets.push(TargetToml::of(t));
            }
            fates.push(TargetFate {
                scenario: s.name.clone(),
                name_vi: t.name_vi(&s.catalog),
                name_en: t.name(&s.catalog),
                year: t.year,
                value: t.value,
                carried,
                reason,
            });
        }
        for t in &s.stated_targets {
            let counts_communes = text::name(&t.unit).to_lowercase() == "xã";
            let carried = single && (renames_only || !counts_communes);
            if carried {
                stated.push(StatedToml {
                    id: t.id.clone(),
                    label: t.label.clone(),
                    value: format_for_file(t.value.0),
                    unit: t.unit.clone(),
                    year: t.year,
                    source: t.source.clone(),
                });
            }
            fates.push(TargetFate {
                scenario: s.name.clone(),
                name_vi: t.label.clone(),
                name_en: t.id.clone(),
                year: t.year,
                value: t.value.0,
                carried,
                reason: if carried {
                    "chỉ tiêu cấp tỉnh/huyện, không đếm xã (an area target, not a count of communes)".to_string()
                } else if counts_communes {
                    "đếm xã cũ (counts old communes)".to_string()
                } else {
                    "tỉnh sáp nhập (provinces merged)".to_string()
                },
            });
        }
    }
    (targets, stated, fates)
}
