//! Communes file (danh sách xã): one row per commune with its status on each criterion.
//!
//! Columns: `id`, `name`, `district` (when the hierarchy has districts), `c1`..`c19` (criterion
//! met at standard level), optional `a1`..`a19` (met at advanced level), optional `model`
//! (QĐ 319 extra conditions met), optional `attributes` (`;`-separated tags such as
//! `difficult;border;atk`), optional `villages` and `villages_standard`, optional `group`
//! (`nhóm`: the commune group of QĐ 51/2025, 1..=3; when absent it is derived from the
//! attributes by the catalog's rule, and when present it must agree with them).

use std::collections::{BTreeSet, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::Path;

use serde::Serialize;

use super::CriteriaSet;
use crate::catalog::{Catalog, CommuneGroup, GroupByRule};
use crate::error::{Diagnostic, Error, Result};
use crate::text;

/// A commune (xã) and its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commune {
    /// Id, unique in the scenario.
    pub id: String,
    /// Name as written (NFC).
    pub name: String,
    /// District (huyện), when the hierarchy has one.
    pub district: Option<String>,
    /// Criteria met at standard level.
    pub met: CriteriaSet,
    /// Criteria met at advanced level, when known.
    pub advanced_met: CriteriaSet,
    /// QĐ 319 extra conditions for the model tier met.
    pub model_conditions: bool,
    /// Tags: `difficult`, `border`, `atk`, `ethnic` …
    pub attributes: BTreeSet<String>,
    /// Villages.
    pub villages: Option<u32>,
    /// Villages at standard.
    pub villages_standard: Option<u32>,
    /// Commune group (nhóm xã), for a catalog with groups: from the `group` column or derived
    /// from the attributes by the catalog's rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<CommuneGroup>,
    /// Indicators (chỉ tiêu) whose baseline value meets the threshold, from indicators.csv.
    #[serde(skip)]
    pub indicators_met: BTreeSet<String>,
    /// Line in the file.
    #[serde(skip)]
    pub line: usize,
}

impl Commune {
    /// Whether the commune meets indicator `indicator` given whether its criterion is met (now,
    /// or after a plan): a met criterion has every indicator met (a criterion is met when all
    /// its indicators are), else the baseline value decides. Projects raise an indicator only
    /// by closing its criterion's gap (a raise is refused while another indicator of the
    /// criterion misses), so nothing else changes it. The one home of "số xã đạt chỉ tiêu".
    pub fn meets_indicator(&self, indicator: &str, criterion_met: bool) -> bool {
        criterion_met || self.indicators_met.contains(indicator)
    }
}

/// Reads a yes/no cell: `1`, `x`, `đạt`, `yes`, `true` or `0`, empty, `chưa`, `no`, `false`.
pub fn parse_flag(cell: &str) -> Option<bool> {
    match text::name(cell).to_lowercase().as_str() {
        "1" | "x" | "đạt" | "yes" | "true" | "y" | "có" => Some(true),
        "0" | "" | "-" | "chưa" | "chưa đạt" | "không đạt" | "no" | "false" | "n" | "không" => {
            Some(false)
        }
        _ => None,
    }
}

enum Column {
    Id,
    Name,
    District,
    Criterion(u8),
    Advanced(u8),
    Model,
    Attributes,
    Villages,
    VillagesStandard,
    Group,
}

fn column_of(header: &str) -> Option<std::result::Result<Column, String>> {
    let h = text::name(header).to_lowercase();
    let numbered = |prefix: &str| -> Option<std::result::Result<u8, String>> {
        let rest = h.strip_prefix(prefix)?;
        if rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(rest.parse::<u8>().map_err(|_| h.clone()))
    };
    Some(Ok(match h.as_str() {
        "id" | "mã xã" | "ma_xa" => Column::Id,
        "name" | "tên xã" | "ten_xa" | "commune" | "xã" => Column::Name,
        "district" | "huyện" | "huyen" => Column::District,
        "model" | "kiểu mẫu" => Column::Model,
        "attributes" | "đặc điểm" => Column::Attributes,
        "villages" | "số thôn" => Column::Villages,
        "villages_standard" | "thôn đạt chuẩn" => Column::VillagesStandard,
        "group" | "nhóm" | "nhom" | "nhóm xã" | "nhom_xa" => Column::Group,
        _ => {
            if let Some(n) = numbered("c") {
                return Some(n.map(Column::Criterion));
            }
            if let Some(n) = numbered("a") {
                return Some(n.map(Column::Advanced));
            }
            return None;
        }
    }))
}

/// Detects `;` as the separator (Excel with a Vietnamese locale), otherwise `,`.
pub(crate) fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains(';') && !first.contains(',') {
        b';'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// The header row of a CSV file, names normalised (NFC) and lower-cased.
pub(crate) fn csv_headers(path: &Path, reader: &mut csv::Reader<&[u8]>) -> Result<Vec<String>> {
    Ok(reader
        .headers()
        .map_err(|e| Error::invalid(Diagnostic::new(path, Some(1), e.to_string())))?
        .iter()
        .map(|h| text::name(h).to_lowercase())
        .collect())
}

/// Reads and validates a communes file.
pub fn read(path: &Path, catalog: &Catalog, hierarchy: &[String]) -> Result<Vec<Commune>> {
    // Streamed row by row: memory holds the communes, never the file's text.
    let mut reader = text::csv_file(path)?;
    let headers = reader
        .headers()
        .map_err(|e| Error::invalid(text::csv_problem(path, &e).0))?
        .clone();
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        match column_of(h) {
            Some(Ok(Column::Criterion(id) | Column::Advanced(id)))
                if catalog.criterion(id).is_none() =>
            {
                problems.push(
                    Diagnostic::new(
                        path,
                        Some(1),
                        format!("unknown criterion `{h}` in column {}", i + 1),
                    )
                    .column(Some(i + 1))
                    .hint(other_set_hint(catalog)),
                );
                columns.push(None);
            }
            Some(Ok(Column::Group)) if catalog.groups.is_empty() => {
                problems.push(
                    Diagnostic::new(
                        path,
                        Some(1),
                        format!("column `{h}`: catalog `{}` has no commune groups", catalog.id),
                    )
                    .column(Some(i + 1))
                    .hint("commune groups (nhóm xã) belong to the 2026-2030 set: catalog = \"qd51-2025\" or a province file extending it; else remove the column"),
                );
                columns.push(None);
            }
            Some(Ok(column)) => columns.push(Some(column)),
            Some(Err(h)) => {
                problems.push(Diagnostic::new(
                    path,
                    Some(1),
                    format!("unknown criterion `{h}`"),
                ));
                columns.push(None);
            }
            None => {
                problems.push(
                    Diagnostic::new(path, Some(1), format!("unknown column `{h}`"))
                        .column(Some(i + 1))
                        .hint("columns are id, name, district, c1..c19, a1..a19, model, attributes, villages, villages_standard, group"),
                );
                columns.push(None);
            }
        }
    }
    let has = |f: &dyn Fn(&Column) -> bool| columns.iter().flatten().any(f);
    if !has(&|c| matches!(c, Column::Name | Column::Id)) {
        problems.push(
            Diagnostic::new(path, Some(1), "no `id` or `name` column").hint("add a column `name`"),
        );
    }
    for c in &catalog.criteria {
        if !has(&|col| matches!(col, Column::Criterion(id) if *id == c.id)) {
            problems.push(
                Diagnostic::new(
                    path,
                    Some(1),
                    format!("missing column `c{}` ({})", c.id, c.name_en),
                )
                .hint("every criterion of the catalog needs a column, 1 for met and 0 for not met"),
            );
        }
    }
    let with_districts = hierarchy.iter().any(|l| l == "district");
    let mut communes = reserved(path);
    let mut seen = SeenIds::with_capacity(communes.capacity());
    let mut records = reader.records();
    while let Some((line, record)) = text::next_row(&mut records, path, &mut problems) {
        let mut commune = Commune {
            id: String::new(),
            name: String::new(),
            district: None,
            met: CriteriaSet::EMPTY,
            advanced_met: CriteriaSet::EMPTY,
            model_conditions: false,
            attributes: BTreeSet::new(),
            villages: None,
            villages_standard: None,
            group: None,
            indicators_met: BTreeSet::new(),
            line,
        };
        let mut group_cell: Option<usize> = None;
        for (i, cell) in record.iter().enumerate() {
            let Some(Some(column)) = columns.get(i) else {
                continue;
            };
            let bad = |what: &str| {
                Diagnostic::new(
                    path,
                    Some(line),
                    format!("`{cell}` in column `{}` is not {what}", &headers[i]),
                )
                .column(Some(i + 1))
            };
            match column {
                Column::Id => commune.id = text::name(cell),
                Column::Name => commune.name = text::name(cell),
                Column::District => {
                    let d = text::name(cell);
                    commune.district = (!d.is_empty()).then_some(d);
                }
                Column::Criterion(id) | Column::Advanced(id) => match parse_flag(cell) {
                    Some(true) if matches!(column, Column::Criterion(_)) => commune.met.insert(*id),
                    Some(true) => commune.advanced_met.insert(*id),
                    Some(false) => {}
                    None => problems.push(
                        bad("met (1) or not met (0)").hint("write 1 or 0 (also x, đạt, chưa)"),
                    ),
                },
                Column::Model => match parse_flag(cell) {
                    Some(flag) => commune.model_conditions = flag,
                    None => problems.push(bad("yes or no").hint("write 1 or 0")),
                },
                Column::Attributes => {
                    commune.attributes = cell
                        .split([';', '|'])
                        .map(|a| text::name(a).to_lowercase())
                        .filter(|a| !a.is_empty())
                        .collect();
                }
                Column::Group => {
                    if cell.trim().is_empty() {
                        continue;
                    }
                    match CommuneGroup::parse(cell) {
                        Ok(g) => {
                            commune.group = Some(g);
                            group_cell = Some(i);
                        }
                        Err(message) => problems.push(
                            Diagnostic::new(path, Some(line), message)
                                .column(Some(i + 1))
                                .hint("write 1, 2 or 3 (or nhóm 1 …), or leave it empty to derive it from the attributes"),
                        ),
                    }
                }
                Column::Villages | Column::VillagesStandard => {
                    if cell.trim().is_empty() {
                        continue;
                    }
                    match crate::number::parse_non_negative(cell).ok().and_then(|d| {
                        u32::try_from(d)
                            .ok()
                            .filter(|n| rust_decimal::Decimal::from(*n) == d)
                    }) {
                        Some(n) if matches!(column, Column::Villages) => commune.villages = Some(n),
                        Some(n) => commune.villages_standard = Some(n),
                        None => problems.push(bad("a whole number of villages")),
                    }
                }
            }
        }
        if let Some(problem) = settle_group(path, line, group_cell, catalog, &mut commune) {
            problems.push(problem);
        }
        if commune.id.is_empty() {
            commune.id = commune.name.clone();
        }
        if commune.name.is_empty() {
            commune.name = commune.id.clone();
        }
        if commune.id.is_empty() {
            problems.push(Diagnostic::new(
                path,
                Some(line),
                "commune has no id and no name",
            ));
            continue;
        }
        if with_districts && commune.district.is_none() && has(&|c| matches!(c, Column::District)) {
            problems.push(
                Diagnostic::new(path, Some(line), format!("commune `{}` has no district", commune.name))
                    .hint("fill the district, or set hierarchy = [\"province\", \"commune\"] in scenario.toml"),
            );
        }
        if let Some(first) = seen.first_line(&commune.id, &communes) {
            problems.push(
                Diagnostic::new(
                    path,
                    Some(line),
                    format!("duplicate commune `{}` (first on line {first})", commune.id),
                )
                .hint("each commune appears once; give communes with the same name distinct ids"),
            );
            continue;
        }
        communes.push(commune);
    }
    if communes.is_empty() && problems.is_empty() {
        problems.push(
            Diagnostic::new(path, None, "no communes in the file").hint("add one row per commune"),
        );
    }
    if problems.is_empty() {
        Ok(communes)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// The hint for a criterion column the catalog does not have: its range, and the mapping when
/// the column belongs to the set this one replaced (e.g. `c11` of 2021-2025 under QĐ 51).
fn other_set_hint(catalog: &Catalog) -> String {
    let range = format!(
        "catalog {} has criteria 1..={}",
        catalog.id,
        catalog.criteria_count()
    );
    let national = catalog.national_id();
    match crate::catalog::CatalogMapping::built_in_pairs().find(|(_, to)| *to == national) {
        Some((from, _)) => format!(
            "{range}; criterion numbers of another set do not carry over: `ntm catalog diff {from} {national}` maps the old criteria onto these, and `ntm evaluate <scenario> --catalog {national}` carries an old scenario across"
        ),
        None => range,
    }
}

/// Sets the commune's group from its attributes when the file does not give one, and checks a
/// given one against them: a contradiction is a located error, never a silent choice.
fn settle_group(
    path: &Path,
    line: usize,
    column: Option<usize>,
    catalog: &Catalog,
    commune: &mut Commune,
) -> Option<Diagnostic> {
    let label = |gs: &[CommuneGroup]| {
        gs.iter()
            .map(|g| g.label_vi())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let attributes = if commune.attributes.is_empty() {
        "no attributes".to_string()
    } else {
        format!(
            "attributes {}",
            commune
                .attributes
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(";")
        )
    };
    let name = if commune.name.is_empty() {
        &commune.id
    } else {
        &commune.name
    };
    let rule_hint = |g: CommuneGroup| {
        catalog
            .group(g)
            .map(|r| format!("{} ({}): {}", r.name_vi, r.source, r.rule_vi))
            .unwrap_or_default()
    };
    match (commune.group, catalog.group_by_rule(&commune.attributes)) {
        (_, GroupByRule::NoGroups) => None,
        (None, GroupByRule::One(g)) => {
            commune.group = Some(g);
            None
        }
        (Some(given), GroupByRule::One(g)) if given == g => None,
        (Some(given), GroupByRule::One(g)) => Some(
            Diagnostic::new(
                path,
                Some(line),
                format!(
                    "commune `{name}` is in {given} in column `group`, but its {attributes} put it in {g}"
                ),
            )
            .column(column.map(|c| c + 1))
            .hint(format!(
                "fix the group or the attributes; {}",
                rule_hint(given)
            )),
        ),
        (Some(given), GroupByRule::Several(gs)) if gs.contains(&given) => None,
        (given, GroupByRule::Several(gs)) => Some(
            Diagnostic::new(
                path,
                Some(line),
                match given {
                    Some(g) => format!(
                        "commune `{name}` is in {g} in column `group`, but its {attributes} fit {} only",
                        label(&gs)
                    ),
                    None => format!(
                        "commune `{name}`: its {attributes} fit {}; the law does not rank the groups",
                        label(&gs)
                    ),
                },
            )
            .column(column.map(|c| c + 1))
            .hint(format!(
                "say which in column `group` ({})",
                label(&gs)
            )),
        ),
    }
}

/// An empty list with room for every row of the file, counted in a first pass that keeps no
/// row: the list never grows by doubling, which would hold the old and the new list at once
/// (three times the communes' size at its peak). Without room (or on a bad file) it starts empty.
fn reserved(path: &Path) -> Vec<Commune> {
    let mut rows = 0usize;
    if let Ok(mut reader) = text::csv_file(path) {
        let mut record = csv::ByteRecord::new();
        while let Ok(true) = reader.read_byte_record(&mut record) {
            if !record.iter().all(|cell| cell.trim_ascii().is_empty()) {
                rows += 1;
            }
        }
    }
    let mut communes = Vec::new();
    if communes.try_reserve_exact(rows).is_err() {
        communes = Vec::new();
    }
    communes
}

/// Commune ids already read, case-insensitively, held as 8-byte hashes (not as strings); a hash
/// seen before is confirmed against the communes themselves.
struct SeenIds {
    hashes: HashSet<u64>,
    hasher: std::collections::hash_map::RandomState,
}

impl SeenIds {
    fn with_capacity(n: usize) -> SeenIds {
        SeenIds {
            hashes: HashSet::with_capacity(n),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }

    fn hash(&self, id: &str) -> u64 {
        let mut h = self.hasher.build_hasher();
        for c in id.chars().flat_map(char::to_lowercase) {
            c.hash(&mut h);
        }
        h.finish()
    }

    /// The line of an earlier commune with the same id (ignoring case), or `None` after
    /// recording `id` as seen.
    fn first_line(&mut self, id: &str, earlier: &[Commune]) -> Option<usize> {
        if self.hashes.insert(self.hash(id)) {
            return None;
        }
        let wanted: String = id.chars().flat_map(char::to_lowercase).collect();
        let same = |c: &&Commune| c.id.chars().flat_map(char::to_lowercase).eq(wanted.chars());
        earlier.iter().find(same).map(|c| c.line)
    }
}
