//! Validate (kiểm tra): the mapping against the scenarios, before anything is combined. Every
//! problem is found and located at once: an old commune missing from the mapping, one the
//! scenarios do not have, two provinces merged without a province mapping, scenarios that
//! cannot become one.

use std::collections::BTreeMap;
use std::path::Path;

use super::mapping::{Mapping, ProvinceRow};
use crate::error::{Diagnostic, Error, Result};
use crate::scenario::{CommuneLookup, CommuneMiss, Scenario};
use crate::text;

/// An old commune: its scenario and its index there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OldRef {
    /// Index of the scenario.
    pub scenario: usize,
    /// Index of the commune in it.
    pub commune: usize,
}

/// A new commune and the old ones it is formed from (xã mới và các xã thành viên).
#[derive(Debug, Clone)]
pub struct NewUnit {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// QĐ 51/2025 group, if the mapping gives one.
    pub group: Option<crate::catalog::CommuneGroup>,
    /// Resolutions cited by its rows (distinct, in row order).
    pub sources: Vec<String>,
    /// Members with the index of their mapping row, in row order.
    pub members: Vec<(OldRef, usize)>,
}

/// The validated plan of a merge: new communes in order of first appearance in the mapping,
/// and the province of the output.
#[derive(Debug, Clone)]
pub struct Validated {
    /// New communes.
    pub units: Vec<NewUnit>,
    /// Province of the output scenario (tỉnh).
    pub province: String,
    /// The province mapping rows used (empty without one).
    pub provinces: Vec<ProvinceRow>,
}

fn toml_path(s: &Scenario) -> std::path::PathBuf {
    s.dir.join("scenario.toml")
}

fn toml_line(s: &Scenario, key: &str) -> Option<usize> {
    text::read_toml_text(&toml_path(s))
        .ok()
        .and_then(|t| text::line_of(&t, &format!("{key} =")))
}

/// Checks that the scenarios can become one (same catalog, baseline year and region; distinct
/// commune and project ids), that the mapping names each old commune exactly once and nothing
/// else, and that provinces are merged only through a province mapping.
pub fn validate(
    scenarios: &[Scenario],
    mapping: &Mapping,
    provinces: Option<(&Path, Vec<ProvinceRow>)>,
) -> Result<Validated> {
    let mut problems = Vec::new();
    let first = &scenarios[0];
    for s in &scenarios[1..] {
        for (key, same) in [
            ("catalog", s.catalog.id == first.catalog.id),
            ("baseline_year", s.baseline_year == first.baseline_year),
            ("region", s.region == first.region),
        ] {
            if !same {
                problems.push(
                    Diagnostic::new(
                        &toml_path(s),
                        toml_line(s, key),
                        format!("`{key}` differs from scenario `{}`: scenarios merged into one must share it", first.name),
                    )
                    .hint("bring the scenarios to the same criteria set, baseline year and region first"),
                );
            }
        }
    }
    // Commune and project ids must stay unique in the output.
    let mut seen_communes: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen_projects: BTreeMap<String, usize> = BTreeMap::new();
    for (si, s) in scenarios.iter().enumerate() {
        for c in &s.communes {
            if let Some(other) = seen_communes.insert(c.id.to_lowercase(), si) {
                if other != si {
                    problems.push(
                        Diagnostic::new(&s.communes_file, Some(c.line), format!("commune id `{}` is also used in scenario `{}`", c.id, scenarios[other].name))
                            .hint("commune ids must be distinct across the scenarios merged: rename one of them"),
                    );
                }
            }
        }
        for p in &s.projects {
            if let Some(other) = seen_projects.insert(p.id.to_lowercase(), si) {
                if other != si {
                    problems.push(
                        Diagnostic::new(
                            s.projects_file.as_deref().unwrap_or(&s.dir),
                            Some(p.line),
                            format!(
                                "project id `{}` is also used in scenario `{}`",
                                p.id, scenarios[other].name
                            ),
                        )
                        .hint("project ids are kept by a merge: rename one of them"),
                    );
                }
            }
        }
    }
    // Each mapping row names one old commune.
    let lookups: Vec<CommuneLookup> = scenarios
        .iter()
        .map(|s| CommuneLookup::new(&s.communes))
        .collect();
    let mut mapped: Vec<Vec<Option<usize>>> = scenarios
        .iter()
        .map(|s| vec![None; s.communes.len()])
        .collect();
    let mut refs: Vec<Option<OldRef>> = Vec::with_capacity(mapping.rows.len());
    for (ri, row) in mapping.rows.iter().enumerate() {
        let mut found = Vec::new();
        let mut ambiguous = None;
        for (si, lookup) in lookups.iter().enumerate() {
            match lookup.find(&row.old_id) {
                Ok(ci) => found.push(OldRef {
                    scenario: si,
                    commune: ci,
                }),
                Err(CommuneMiss::Ambiguous(ids)) => ambiguous = Some(ids),
                Err(CommuneMiss::Unknown) => {}
            }
        }
        let at = Diagnostic::new(&mapping.path, Some(row.line), String::new());
        match (found.as_slice(), ambiguous) {
            ([one], _) => {
                let slot = &mut mapped[one.scenario][one.commune];
                if let Some(first) = slot {
                    let c = &scenarios[one.scenario].communes[one.commune];
                    let other = &mapping.rows[*first];
                    problems.push(if other.new_id.to_lowercase() == row.new_id.to_lowercase() {
                        Diagnostic {
                            message: format!(
                                "old commune `{}` is mapped twice (also as `{}` on line {})",
                                c.id, other.old_id, other.line
                            ),
                            hint: Some("an old commune goes into exactly one new commune: delete one of the two rows".into()),
                            ..at
                        }
                    } else {
                        Diagnostic {
                            message: format!(
                                "old commune `{}` is split between `{}` (as `{}` on line {}) and `{}`: splitting a commune is not supported",
                                c.id, other.new_id, other.old_id, other.line, row.new_id
                            ),
                            hint: Some(super::mapping::split_hint(&c.id)),
                            ..at
                        }
                    });
                    refs.push(None);
                } else {
                    *slot = Some(ri);
                    refs.push(Some(*one));
                }
            }
            ([], Some(ids)) => {
                problems.push(Diagnostic {
                    message: format!(
                        "`{}` is the name of several communes: {}",
                        row.old_id,
                        ids.join(", ")
                    ),
                    hint: Some("write the commune's id instead of its name".into()),
                    ..at
                });
                refs.push(None);
            }
            ([], None) => {
                if problems.len() >= text::MAX_PROBLEMS_PER_FILE {
                    // Past this many, the rest are most likely the same mistake: no suggestion
                    // (each one compares the id with every commune).
                    refs.push(None);
                    continue;
                }
                let known = scenarios
                    .iter()
                    .flat_map(|s| s.communes.iter().map(|c| c.id.as_str()));
                let closest = known
                    .map(|id| {
                        (
                            strsim::levenshtein(&row.old_id.to_lowercase(), &id.to_lowercase()),
                            id,
                        )
                    })
                    .min();
                let hint = match closest {
                    Some((d, id)) if d <= 2 => format!("did you mean `{id}`? old_id names a commune id (or name) of the scenario's communes file"),
                    _ => "old_id names a commune id (or name) of the scenario's communes file".to_string(),
                };
                problems.push(Diagnostic {
                    message: format!(
                        "unknown commune `{}`: no scenario has it",
                        text::excerpt(&row.old_id)
                    ),
                    hint: Some(hint),
                    ..at
                });
                refs.push(None);
            }
            _ => {
                problems.push(Diagnostic {
                    message: format!("commune `{}` is in several scenarios", row.old_id),
                    hint: Some("commune ids must be distinct across the scenarios merged".into()),
                    ..at
                });
                refs.push(None);
            }
        }
    }
    for (si, s) in scenarios.iter().enumerate() {
        let mut missing = 0;
        for (ci, c) in s.communes.iter().enumerate() {
            if mapped[si][ci].is_some() {
                continue;
            }
            missing += 1;
            if missing > text::MAX_PROBLEMS_PER_FILE {
                continue;
            }
            problems.push(
                Diagnostic::new(
                    &s.communes_file,
                    Some(c.line),
                    format!("commune `{}` ({}) is missing from the mapping {}", c.id, c.name, mapping.path.display()),
                )
                .hint(format!("add a row `{},<new id>,<new name>` to the mapping (a commune that keeps its boundaries maps to itself)", c.id)),
            );
        }
        if missing > text::MAX_PROBLEMS_PER_FILE {
            problems.push(Diagnostic::new(
                &s.communes_file,
                None,
                format!("{missing} communes in all are missing from the mapping"),
            ));
        }
    }
    // New communes in order of first appearance.
    let mut units: Vec<NewUnit> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (ri, (row, old)) in mapping.rows.iter().zip(&refs).enumerate() {
        let at = *index.entry(row.new_id.as_str()).or_insert_with(|| {
            units.push(NewUnit {
                id: row.new_id.clone(),
                name: row.new_name.clone(),
                group: None,
                sources: Vec::new(),
                members: Vec::new(),
            });
            units.len() - 1
        });
        let unit = &mut units[at];
        if unit.group.is_none() {
            unit.group = row.new_group;
        }
        if let Some(source) = &row.source {
            if !unit.sources.contains(source) {
                unit.sources.push(source.clone());
            }
        }
        if let Some(old) = old {
            unit.members.push((*old, ri));
        }
    }
    // Provinces.
    let distinct: Vec<&str> = {
        let mut v: Vec<&str> = scenarios.iter().map(|s| s.province.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut province = first.province.clone();
    let mut province_rows = Vec::new();
    match provinces {
        None if distinct.len() > 1 => {
            let spanning = units.iter().find(|u| {
                u.members.iter().any(|(m, _)| {
                    scenarios[m.scenario].province != scenarios[u.members[0].0.scenario].province
                })
            });
            match spanning {
                Some(u) => {
                    let line = u.members.iter().map(|(_, r)| mapping.rows[*r].line).max();
                    let names: Vec<String> = u
                        .members
                        .iter()
                        .map(|(m, _)| {
                            format!(
                                "`{}` ({})",
                                scenarios[m.scenario].communes[m.commune].id,
                                scenarios[m.scenario].province
                            )
                        })
                        .collect();
                    problems.push(
                        Diagnostic::new(&mapping.path, line, format!("new commune `{}` puts communes of two provinces together: {}", u.id, names.join(", ")))
                            .hint("pass --province-mapping FILE (old_province,new_province) naming the province they merge into"),
                    );
                }
                None => {
                    let s = scenarios
                        .iter()
                        .find(|s| s.province != first.province)
                        .unwrap_or(first);
                    problems.push(
                        Diagnostic::new(&toml_path(s), toml_line(s, "province"), format!("scenarios of two provinces ({}) would become one scenario", distinct.join(", ")))
                            .hint("pass --province-mapping FILE (old_province,new_province) naming the province they merge into"),
                    );
                }
            }
        }
        None => {}
        Some((path, rows)) => {
            let mut new = Vec::new();
            for s in scenarios {
                match rows.iter().find(|r| text::name(&r.old) == s.province) {
                    Some(r) => new.push(r.new.clone()),
                    None => problems.push(
                        Diagnostic::new(
                            &toml_path(s),
                            toml_line(s, "province"),
                            format!(
                                "province `{}` is not in the province mapping {}",
                                s.province,
                                path.display()
                            ),
                        )
                        .hint(format!("add a row `{},<new province>`", s.province)),
                    ),
                }
            }
            new.sort();
            new.dedup();
            if new.len() > 1 {
                problems.push(
                    Diagnostic::new(
                        path,
                        None,
                        format!(
                            "the scenarios go into {} provinces ({}): a merge writes one scenario",
                            new.len(),
                            new.join(", ")
                        ),
                    )
                    .hint("merge the scenarios of each new province separately"),
                );
            }
            if let Some(p) = new.into_iter().next() {
                province = p;
            }
            province_rows = rows;
        }
    }
    if problems.is_empty() {
        Ok(Validated {
            units,
            province,
            provinces: province_rows,
        })
    } else {
        Err(Error::Invalid(problems))
    }
}
