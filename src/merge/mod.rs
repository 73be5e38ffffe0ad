//! Merge (sáp nhập): carry a scenario from the old communes to the new ones of the 2025
//! reorganisation (sắp xếp đơn vị hành chính cấp xã; Luật Tổ chức chính quyền địa phương 2025
//! abolished the district level from 1 July 2025).
//!
//! Stages, each a function:
//! 1. read: the scenarios, the mapping ([`mapping::read`]), the province mapping, the rule;
//! 2. validate: the mapping against the scenarios ([`validate::validate`]);
//! 3. combine: status and indicator values of the members ([`combine::combine`]);
//! 4. move: projects, capital sources, targets ([`carry`]);
//! 5. build and check: the new scenario's files, loaded back from a staging folder as
//!    `ntm check` would, and the province totals compared ([`prepare`]);
//! 6. write: all or nothing, an existing folder only with `force` ([`write`]).

pub mod carry;
pub mod combine;
pub mod mapping;
pub mod output;
pub mod report;
pub mod rule;
pub mod validate;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use crate::catalog::Catalog;
use crate::error::{Diagnostic, Error, Result};
use crate::evaluate::Evaluator;
use crate::scenario::{CommuneColumns, Scenario};
use crate::text;

pub use mapping::{Mapping, MappingRow, ProvinceRow};
pub use report::{render, MergeReport};
pub use rule::MergeRule;

/// What to merge and where to.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// Scenario folders (several when provinces merge).
    pub scenarios: Vec<PathBuf>,
    /// Commune mapping CSV.
    pub mapping: PathBuf,
    /// Province mapping CSV.
    pub province_mapping: Option<PathBuf>,
    /// Rule file (default: the built-in `merge-rule-default`).
    pub rule: Option<PathBuf>,
    /// Output folder.
    pub out: PathBuf,
}

/// A merge built and checked, not yet written.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The report.
    pub report: MergeReport,
    /// Files of the new scenario, relative to the output folder.
    pub files: Vec<(PathBuf, Vec<u8>)>,
}

/// Every input of a merge, read.
struct Inputs {
    scenarios: Vec<Scenario>,
    mapping: Mapping,
    provinces: Option<Vec<ProvinceRow>>,
    rule: MergeRule,
}

/// Stage 1: reads every input, collecting the problems of all of them.
fn read(options: &MergeOptions) -> Result<Inputs> {
    let mut problems = Vec::new();
    let keep = |e: Error, problems: &mut Vec<Diagnostic>| match e {
        Error::Invalid(mut more) => {
            problems.append(&mut more);
            Ok(())
        }
        other => Err(other),
    };
    if options.scenarios.is_empty() {
        return Err(Error::Unsupported {
            message: "no scenario to merge".into(),
            hint: "name a scenario folder".into(),
        });
    }
    let mut scenarios = Vec::new();
    for path in &options.scenarios {
        match Scenario::load(path) {
            Ok(s) => scenarios.push(s),
            Err(e) => keep(e, &mut problems)?,
        }
    }
    let mapping = match mapping::read(&options.mapping) {
        Ok(m) => Some(m),
        Err(e) => {
            keep(e, &mut problems)?;
            None
        }
    };
    let provinces = match &options.province_mapping {
        Some(path) => match mapping::read_provinces(path) {
            Ok(rows) => Some(rows),
            Err(e) => {
                keep(e, &mut problems)?;
                None
            }
        },
        None => None,
    };
    let rule = match &options.rule {
        Some(path) => MergeRule::load(path),
        None => MergeRule::default_rule(),
    };
    let rule = match rule {
        Ok(r) => Some(r),
        Err(e) => {
            keep(e, &mut problems)?;
            None
        }
    };
    match (mapping, rule) {
        (Some(mapping), Some(rule)) if problems.is_empty() => Ok(Inputs {
            scenarios,
            mapping,
            provinces,
            rule,
        }),
        _ => Err(Error::Invalid(problems)),
    }
}

/// The catalog reference a scenario's `scenario.toml` writes (a built-in id or a path).
fn catalog_reference(s: &Scenario) -> String {
    text::read_toml_text(&s.dir.join("scenario.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("catalog")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| s.catalog.id.clone())
}

/// Stages 1 to 5: reads, validates, combines, moves, builds the files and checks them by
/// loading them back. Nothing is written to the output folder.
pub fn prepare(options: &MergeOptions) -> Result<Merged> {
    let Inputs {
        scenarios,
        mapping,
        provinces,
        rule,
    } = read(options)?;
    let validated = validate::validate(
        &scenarios,
        &mapping,
        provinces.map(|rows| {
            (
                options.province_mapping.as_deref().unwrap_or(Path::new("")),
                rows,
            )
        }),
    )?;
    let units = &validated.units;
    let combined = combine::combine(&scenarios, &mapping, units, &rule)?;
    let first = &scenarios[0];
    // Which new commune each old commune went into.
    let mut new_id_of: Vec<Vec<usize>> = scenarios
        .iter()
        .map(|s| vec![0; s.communes.len()])
        .collect();
    for (ui, unit) in units.iter().enumerate() {
        for (m, _) in &unit.members {
            new_id_of[m.scenario][m.commune] = ui;
        }
    }
    let new_ids: Vec<String> = units.iter().map(|u| u.id.clone()).collect();
    let has_value: BTreeSet<(usize, String)> = combined
        .values
        .iter()
        .filter(|v| v.year == first.baseline_year)
        .map(|v| (v.commune, v.indicator.clone()))
        .collect();
    let moved = carry::move_projects(&scenarios, &new_id_of, &new_ids, &has_value)?;
    let (sources, counterpart, source_fates) = carry::move_sources(&scenarios);
    let renames_only = units.iter().all(|u| u.members.len() == 1);
    let (targets, stated_targets, target_fates) =
        carry::move_targets(&scenarios, renames_only, units.len());

    // The files.
    let name = options
        .out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("{}-merged", first.name));
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let reference = catalog_reference(first);
    let catalog = if Catalog::built_in_text(&reference).is_some() {
        reference
    } else {
        let path = first.dir.join(&reference);
        let bytes = text::read_bounded(&path, text::MAX_TOML_BYTES)?;
        let file = Path::new(&reference).file_name().map_or_else(
            || "catalog.toml".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        files.push((PathBuf::from(&file), bytes));
        file
    };
    let criteria: Vec<u8> = first.catalog.criteria.iter().map(|c| c.id).collect();
    let columns = CommuneColumns {
        tiers: scenarios
            .iter()
            .flat_map(|s| &s.communes)
            .any(|c| c.advanced_met != crate::scenario::CriteriaSet::EMPTY || c.model_conditions),
        villages: combined
            .communes
            .iter()
            .any(|c| c.villages.is_some() || c.villages_standard.is_some()),
        groups: combined.communes.iter().any(|c| c.group.is_some()),
    };
    files.push((
        PathBuf::from("communes.csv"),
        crate::scenario::communes_csv(&combined.communes, &criteria, columns)?,
    ));
    let indicators = (!combined.values.is_empty()).then(|| "indicators.csv".to_string());
    if indicators.is_some() {
        let unit = |id: &str| first.catalog.indicator(id).map(|i| i.unit.clone());
        files.push((
            PathBuf::from("indicators.csv"),
            output::indicators_csv(&combined.values, &new_ids, unit)?,
        ));
    }
    let projects = moved.csv.as_ref().map(|_| "projects.csv".to_string());
    if let Some(csv) = &moved.csv {
        files.push((PathBuf::from("projects.csv"), csv.clone()));
    }
    let single = scenarios.len() == 1;
    let mut sources_map: BTreeMap<String, String> = BTreeMap::new();
    for s in &scenarios {
        for (k, v) in &s.sources {
            let key = if single {
                k.clone()
            } else {
                format!("{}-{k}", s.name)
            };
            sources_map.insert(key, v.clone());
        }
    }
    let resolutions: BTreeSet<&str> = units
        .iter()
        .flat_map(|u| u.sources.iter().map(String::as_str))
        .collect();
    sources_map.insert(
        "merge".into(),
        format!(
            "ntm merge of {} with mapping {} and rule {}{}",
            scenarios
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(" + "),
            options
                .mapping
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            rule.id,
            if resolutions.is_empty() {
                String::new()
            } else {
                format!(
                    "; căn cứ sắp xếp (resolutions): {}",
                    resolutions.into_iter().collect::<Vec<_>>().join("; ")
                )
            }
        ),
    );
    for r in &validated.provinces {
        if let Some(source) = &r.source {
            sources_map.insert(
                format!("province-{}", r.old),
                format!("{} → {}: {source}", r.old, r.new),
            );
        }
    }
    for c in &combined.reports {
        if !c.old_recognitions.is_empty() {
            sources_map.insert(
                format!("recognition-{}", c.id),
                format!(
                    "công nhận trước sáp nhập (recognised before the merge): {}",
                    c.old_recognitions.join("; ")
                ),
            );
        }
    }
    // The synthetic label, in English and (when every synthetic input has one) in Vietnamese.
    let label = |get: fn(&Scenario) -> Option<&String>| -> Option<String> {
        let labels: Vec<String> = scenarios
            .iter()
            .filter(|s| s.synthetic.is_some())
            .map(|s| {
                get(s).map(|l| {
                    if single {
                        l.clone()
                    } else {
                        format!("{}: {l}", s.name)
                    }
                })
            })
            .collect::<Option<_>>()?;
        (!labels.is_empty()).then(|| labels.join(" | "))
    };
    let synthetic = label(|s| s.synthetic.as_ref());
    let synthetic_vi = label(|s| s.synthetic_vi.as_ref());
    let mut years: Vec<u16> = scenarios
        .iter()
        .flat_map(|s| s.years.iter().copied())
        .collect();
    years.sort_unstable();
    years.dedup();
    let scenario_toml = output::ScenarioToml {
        name: name.clone(),
        province: validated.province.clone(),
        region: first.region.clone(),
        catalog,
        baseline_year: first.baseline_year,
        years,
        hierarchy: vec!["province".into(), "commune".into()],
        synthetic: synthetic.clone(),
        synthetic_vi: synthetic_vi.clone(),
        communes: "communes.csv".into(),
        projects,
        indicators,
        sources: sources_map,
        capital_sources: sources,
        counterpart,
        targets,
        stated_targets,
    };
    let header = format!(
        "Written by `ntm merge` (sáp nhập xã) from {}: {} old communes into {} new ones.\nThe merge report lists what was combined, how, and what must be re-assessed or re-set.",
        scenarios.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(" + "),
        scenarios.iter().map(|s| s.communes.len()).sum::<usize>(),
        units.len()
    );
    files.push((
        PathBuf::from("scenario.toml"),
        scenario_toml.to_text(&header)?.into_bytes(),
    ));

    // Check: load the files back as `ntm check` does.
    let staging = tempfile::tempdir().map_err(|e| Error::io(&std::env::temp_dir(), e))?;
    for (path, bytes) in &files {
        let target = staging.path().join(path);
        std::fs::write(&target, bytes).map_err(|e| Error::io(&target, e))?;
    }
    let merged = Scenario::load(staging.path()).map_err(|e| match e {
        Error::Invalid(problems) => Error::Internal(format!(
            "the merged scenario does not pass its own check: {}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )),
        other => other,
    })?;

    // Report: the "after" from the scenario read back.
    let evaluator = Evaluator::new(&merged.catalog);
    let mut reports = combined.reports;
    let mut standard_after = 0;
    for (report, commune) in reports.iter_mut().zip(&merged.communes) {
        let status = evaluator.commune(commune);
        for row in &mut report.criteria {
            row.after = commune.met.contains(row.criterion);
        }
        report.criteria_met = status.criteria_met;
        report.tier = status.tier;
        standard_after += usize::from(status.tier.is_some());
    }
    for (id, what) in moved.re_assess {
        if let Some(r) = reports.iter_mut().find(|r| r.id == id) {
            r.re_assess.push(what);
        }
    }
    let standard_before = scenarios
        .iter()
        .map(|s| {
            let e = Evaluator::new(&s.catalog);
            s.communes
                .iter()
                .filter(|c| e.commune(c).tier.is_some())
                .count()
        })
        .sum();
    let totals = totals(&scenarios, &merged, &rule);
    let mut notes = moved.notes;
    if scenarios.iter().any(|s| s.has_districts()) {
        notes.push("cấp huyện bỏ từ 01/7/2025: hierarchy = [\"province\", \"commune\"], cột huyện không ghi (the district level is gone; the old districts are listed per member)".into());
    }
    if scenarios
        .iter()
        .any(|s| s.published.year.is_some() || !s.published.funding.is_empty())
    {
        notes.push("[published] không chuyển: số liệu công bố mô tả các xã cũ (published aggregates describe the old communes: not carried; `ntm audit` of the new scenario has none)".into());
    }
    if first.catalog.groups.is_empty() && units.iter().any(|u| u.group.is_some()) {
        notes.push(format!(
            "nhóm xã (new_group) trong bảng chuyển đổi không ghi vào communes.csv: bộ tiêu chí `{}` không chia nhóm xã (the mapping's QĐ 51/2025 groups are not written: catalog `{}` has no commune groups; they apply once the scenario is carried to qd51-2025)",
            first.catalog.id, first.catalog.id
        ));
    }
    notes.push(
        "[synthesize] không chuyển (the synthesis settings of the old communes are not carried)"
            .into(),
    );
    let provinces_merged = if single {
        Vec::new()
    } else {
        let mut v: Vec<String> = scenarios.iter().map(|s| s.province.clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    let report = MergeReport {
        scenario: name,
        province: validated.province.clone(),
        from: scenarios.iter().map(|s| s.name.clone()).collect(),
        provinces_merged,
        synthetic,
        synthetic_vi,
        communes_before: scenarios.iter().map(|s| s.communes.len()).sum(),
        communes_after: units.len(),
        standard_before,
        standard_after,
        rule: rule_report(&rule),
        communes: reports,
        totals,
        targets: target_fates,
        capital_sources: source_fates,
        notes,
        written: Vec::new(),
    };
    Ok(Merged { report, files })
}

fn rule_report(rule: &MergeRule) -> report::RuleReport {
    use report::RuleEntry;
    let entry = |what: &str, combine: String, basis: &str, note_vi: &Option<String>| RuleEntry {
        what: what.to_string(),
        combine,
        basis: basis.to_string(),
        basis_vi: note_vi.clone().filter(|n| !n.trim().is_empty()),
        assumption: rule::is_assumption(basis),
    };
    let kebab = |v: &dyn erased::Kebab| v.kebab();
    let mut entries = vec![
        entry(
            "criteria",
            kebab(&rule.criteria.combine),
            &rule.criteria.basis,
            &rule.criteria.note_vi,
        ),
        entry(
            "advanced_criteria",
            kebab(&rule.advanced_criteria.combine),
            &rule.advanced_criteria.basis,
            &rule.advanced_criteria.note_vi,
        ),
        entry(
            "model_conditions",
            kebab(&rule.model_conditions.combine),
            &rule.model_conditions.basis,
            &rule.model_conditions.note_vi,
        ),
        entry(
            "villages",
            kebab(&rule.villages.combine),
            &rule.villages.basis,
            &rule.villages.note_vi,
        ),
    ];
    entries.extend(rule.attributes.iter().map(|a| {
        entry(
            &format!("attribute {}", a.id),
            kebab(&a.combine),
            &a.basis,
            &a.note_vi,
        )
    }));
    entries.extend(rule.indicators.iter().map(|i| {
        entry(
            &format!("indicator {}", i.id),
            kebab(&i.combine),
            &i.basis,
            &i.note_vi,
        )
    }));
    report::RuleReport {
        id: rule.id.clone(),
        title_vi: rule.title_vi.clone(),
        title_en: rule.title_en.clone(),
        entries,
    }
}

mod erased {
    /// The kebab-case name a rule value is written with.
    pub trait Kebab {
        fn kebab(&self) -> String;
    }
    impl<T: serde::Serialize> Kebab for T {
        fn kebab(&self) -> String {
            serde_json::to_value(self)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        }
    }
}

/// Additive province totals before (old scenarios) and after (the new scenario read back).
fn totals(olds: &[Scenario], new: &Scenario, rule: &MergeRule) -> Vec<report::TotalCheck> {
    let mut out = Vec::new();
    let mut push = |what: String, before: Decimal, after: Decimal| {
        out.push(report::TotalCheck {
            what,
            before,
            after,
            same: before == after,
        });
    };
    let villages = |s: &Scenario, f: fn(&crate::scenario::Commune) -> Option<u32>| -> Decimal {
        s.communes.iter().filter_map(f).map(Decimal::from).sum()
    };
    if olds
        .iter()
        .flat_map(|s| &s.communes)
        .any(|c| c.villages.is_some())
    {
        push(
            "số thôn (villages)".into(),
            olds.iter().map(|s| villages(s, |c| c.villages)).sum(),
            villages(new, |c| c.villages),
        );
        push(
            "thôn đạt chuẩn (villages at standard)".into(),
            olds.iter()
                .map(|s| villages(s, |c| c.villages_standard))
                .sum(),
            villages(new, |c| c.villages_standard),
        );
    }
    let mut years: BTreeSet<u16> = BTreeSet::new();
    for s in olds.iter().chain(std::iter::once(new)) {
        for c in &s.capital_sources {
            years.extend(c.budget.keys().filter_map(|y| y.parse::<u16>().ok()));
        }
    }
    for year in years {
        let total =
            |s: &Scenario| -> Decimal { s.capital_sources.iter().map(|c| c.budget_in(year)).sum() };
        push(
            format!("dự toán vốn {year} (budgets {year}, triệu đồng/million VND)"),
            olds.iter().map(total).sum(),
            total(new),
        );
    }
    if olds.iter().any(|s| !s.projects.is_empty()) {
        push(
            "số dự án (projects)".into(),
            Decimal::from(olds.iter().map(|s| s.projects.len()).sum::<usize>()),
            Decimal::from(new.projects.len()),
        );
        let cost = |s: &Scenario| -> Decimal { s.projects.iter().map(|p| p.cost).sum() };
        push(
            "tổng mức đầu tư dự án (project cost, triệu đồng/million VND)".into(),
            olds.iter().map(cost).sum(),
            cost(new),
        );
    }
    let summed: BTreeSet<(&str, u16)> = olds
        .iter()
        .flat_map(|s| &s.indicator_values)
        .filter(|v| {
            rule.indicator(&v.indicator)
                .is_some_and(|r| r.combine == rule::ValueCombine::Sum)
        })
        .map(|v| (v.indicator.as_str(), v.year))
        .collect();
    for (indicator, year) in summed {
        let total = |s: &Scenario| -> Decimal {
            s.indicator_values
                .iter()
                .filter(|v| v.indicator == indicator && v.year == year)
                .map(|v| v.value)
                .sum()
        };
        push(
            format!("{indicator} {year}"),
            olds.iter().map(total).sum(),
            total(new),
        );
    }
    out
}

/// Stage 6: writes the files into `out`, all or nothing. An existing, non-empty folder is
/// replaced only with `force` (files ntm did not write are then kept as `NAME.bak`).
pub fn write(merged: &mut Merged, out: &Path, force: bool) -> Result<crate::output::Written> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Unsupported {
            message: format!("{} is a file, not a folder", out.display()),
            hint: "choose a folder for the merged scenario".into(),
        });
    }
    let occupied = std::fs::read_dir(out)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if occupied && !force {
        return Err(Error::Unsupported {
            message: format!("output folder {} exists and is not empty: not replacing it", out.display()),
            hint: "choose a new folder, or pass --force to replace the scenario in it (files ntm did not write are kept as .bak)".into(),
        });
    }
    let files: Vec<(PathBuf, Vec<u8>)> = merged
        .files
        .iter()
        .map(|(name, bytes)| (out.join(name), bytes.clone()))
        .collect();
    let written = crate::output::write_owned(&files, force)?;
    merged.report.written = files.into_iter().map(|(p, _)| p).collect();
    Ok(written)
}

/// Prepares and writes a merge: the report, with the files written.
pub fn merge(options: &MergeOptions, force: bool) -> Result<(MergeReport, crate::output::Written)> {
    let mut merged = prepare(options)?;
    let written = write(&mut merged, &options.out, force)?;
    Ok((merged.report, written))
}
