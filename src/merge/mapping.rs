//! Mapping files (bảng chuyển đổi): which old commune goes into which new one, and which old
//! province into which new one. One row per old unit; headers in English or Vietnamese.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::catalog::CommuneGroup;
use crate::error::{Diagnostic, Error, Result};
use crate::text;

/// One row of the commune mapping: an old commune and the new commune it goes into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappingRow {
    /// Old commune id (or name) in the scenario (mã xã cũ).
    pub old_id: String,
    /// New commune id (mã xã mới).
    pub new_id: String,
    /// New commune name (tên xã mới).
    pub new_name: String,
    /// QĐ 51/2025 commune group of the new commune (nhóm xã), if given.
    pub new_group: Option<CommuneGroup>,
    /// The resolution that merged them (căn cứ), if given.
    pub source: Option<String>,
    /// Population of the old commune (dân số), the weight of per-person values.
    pub population: Option<u64>,
    /// Households of the old commune (số hộ), the weight of household rates.
    pub households: Option<u64>,
    /// Line in the file.
    pub line: usize,
}

/// The commune mapping file.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// Where it was read from.
    pub path: PathBuf,
    /// Rows in file order.
    pub rows: Vec<MappingRow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    OldId,
    NewId,
    NewName,
    NewGroup,
    Source,
    Population,
    Households,
}

const COLUMNS_HINT: &str = "a mapping has the columns old_id, new_id, new_name (mã xã cũ, mã xã mới, tên xã mới), optional new_group (nhóm xã), source (căn cứ), population (dân số), households (số hộ); one row per old commune";

fn column_of(header: &str) -> Option<Column> {
    Some(match text::name(header).to_lowercase().as_str() {
        "old_id" | "old" | "mã xã cũ" | "ma_xa_cu" | "xã cũ" => Column::OldId,
        "new_id" | "new" | "mã xã mới" | "ma_xa_moi" => Column::NewId,
        "new_name" | "tên xã mới" | "ten_xa_moi" | "xã mới" => Column::NewName,
        "new_group" | "group" | "nhóm xã" | "nhóm" | "nhom_xa" => Column::NewGroup,
        "source" | "căn cứ" | "nguồn" | "can_cu" => Column::Source,
        "population" | "dân số" | "quy mô dân số" | "dan_so" => Column::Population,
        "households" | "số hộ" | "so_ho" => Column::Households,
        _ => return None,
    })
}

/// Why a split (one old commune into two new ones) is refused and what to do instead.
pub(crate) fn split_hint(old_id: &str) -> String {
    format!(
        "a commune's status, villages and values are recorded for the whole commune and cannot be divided by area without guessing; map `{old_id}` to the one new commune that takes most of it (its seat), delete the other row, write the part moved (điều chỉnh một phần diện tích) in `source`, and re-assess the receiving communes after the merge"
    )
}

/// Reads and validates a commune mapping on its own (against the scenario: see `validate`):
/// the three required columns, no unknown column, every row complete, no old id twice, one
/// name and one group per new id.
pub fn read(path: &Path) -> Result<Mapping> {
    let mut reader = text::csv_file(path)?;
    let headers = reader
        .headers()
        .map_err(|e| Error::invalid(text::csv_problem(path, &e).0))?
        .clone();
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let column = column_of(h);
        if column.is_none() {
            let looks_like_communes = text::name(h).to_lowercase() == "c1";
            problems.push(
                Diagnostic::new(
                    path,
                    Some(1),
                    format!("unknown column `{}`", text::excerpt(h)),
                )
                .column(Some(i + 1))
                .hint(if looks_like_communes {
                    format!("this looks like a communes file, not a mapping: {COLUMNS_HINT}")
                } else {
                    COLUMNS_HINT.to_string()
                }),
            );
        }
        columns.push(column);
    }
    for (needed, name) in [
        (Column::OldId, "old_id"),
        (Column::NewId, "new_id"),
        (Column::NewName, "new_name"),
    ] {
        if !columns.contains(&Some(needed)) {
            problems.push(
                Diagnostic::new(path, Some(1), format!("not a mapping: no column `{name}`"))
                    .hint(COLUMNS_HINT),
            );
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut rows: Vec<MappingRow> = Vec::new();
    let mut first_line: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut new_units: BTreeMap<String, (String, Option<CommuneGroup>, usize)> = BTreeMap::new();
    let mut records = reader.records();
    while let Some((line, record)) = text::next_row(&mut records, path, &mut problems) {
        let mut row = MappingRow {
            old_id: String::new(),
            new_id: String::new(),
            new_name: String::new(),
            new_group: None,
            source: None,
            population: None,
            households: None,
            line,
        };
        for (i, cell) in record.iter().enumerate() {
            let Some(Some(column)) = columns.get(i) else {
                continue;
            };
            let value = text::name(cell);
            let whole = |what: &str, problems: &mut Vec<Diagnostic>| -> Option<u64> {
                if value.is_empty() {
                    return None;
                }
                let parsed = crate::number::parse_non_negative(&value)
                    .ok()
                    .and_then(|d| {
                        u64::try_from(d)
                            .ok()
                            .filter(|n| rust_decimal::Decimal::from(*n) == d)
                    });
                if parsed.is_none() {
                    problems.push(
                        Diagnostic::new(
                            path,
                            Some(line),
                            format!("`{}` in column `{}` is not a whole number of {what}", text::excerpt(&value), &headers[i]),
                        )
                        .column(Some(i + 1))
                        .hint("write e.g. 3.250, or leave it empty (the values it weighs are then re-assessed)"),
                    );
                }
                parsed
            };
            match column {
                Column::OldId => row.old_id = value,
                Column::NewId => row.new_id = value,
                Column::NewName => row.new_name = value,
                Column::NewGroup if value.is_empty() => {}
                Column::NewGroup => match CommuneGroup::parse(&value) {
                    Ok(g) => row.new_group = Some(g),
                    Err(message) => problems.push(
                        Diagnostic::new(path, Some(line), message)
                            .column(Some(i + 1))
                            .hint("the QĐ 51/2025 group of the new commune: 1, 2 or 3 (nhóm 1, nhóm 2, nhóm 3), or leave it empty to derive it from the attributes"),
                    ),
                },
                Column::Source => row.source = (!value.is_empty()).then_some(value),
                Column::Population => row.population = whole("people", &mut problems),
                Column::Households => row.households = whole("households", &mut problems),
            }
        }
        let mut incomplete = false;
        for (value, name) in [
            (&row.old_id, "old_id"),
            (&row.new_id, "new_id"),
            (&row.new_name, "new_name"),
        ] {
            if value.is_empty() {
                problems.push(
                    Diagnostic::new(path, Some(line), format!("row has no `{name}`"))
                        .hint("every row names an old commune, its new commune's id and its new commune's name"),
                );
                incomplete = true;
            }
        }
        if incomplete {
            continue;
        }
        let key = row.old_id.to_lowercase();
        if let Some((first, first_new)) = first_line.get(&key) {
            problems.push(if first_new.to_lowercase() == row.new_id.to_lowercase() {
                Diagnostic::new(
                    path,
                    Some(line),
                    format!("old commune `{}` is mapped twice (first on line {first})", row.old_id),
                )
                .hint("an old commune goes into exactly one new commune: delete one of the two rows")
            } else {
                Diagnostic::new(
                    path,
                    Some(line),
                    format!(
                        "old commune `{}` is split between `{first_new}` (line {first}) and `{}`: splitting a commune is not supported",
                        row.old_id, row.new_id
                    ),
                )
                .hint(split_hint(&row.old_id))
            });
            continue;
        }
        first_line.insert(key, (line, row.new_id.clone()));
        if let Some((other, (_, _, first))) = new_units
            .iter()
            .find(|(id, _)| **id != row.new_id && id.to_lowercase() == row.new_id.to_lowercase())
        {
            problems.push(
                Diagnostic::new(
                    path,
                    Some(line),
                    format!("new id `{}` differs from `{other}` (line {first}) only in case", row.new_id),
                )
                .hint("commune ids are compared ignoring case: write the same id on every row of a new commune"),
            );
            continue;
        }
        match new_units.get(&row.new_id) {
            Some((name, group, first)) => {
                if *name != row.new_name {
                    problems.push(
                        Diagnostic::new(
                            path,
                            Some(line),
                            format!(
                                "new commune `{}` is named `{}` here and `{name}` on line {first}",
                                row.new_id, row.new_name
                            ),
                        )
                        .hint("give a new commune one name on all its rows"),
                    );
                }
                if row.new_group.is_some() && group.is_some() && *group != row.new_group {
                    problems.push(
                        Diagnostic::new(
                            path,
                            Some(line),
                            format!(
                                "new commune `{}` is in {} here and {} on line {first}",
                                row.new_id,
                                row.new_group.map(|g| g.label_vi()).unwrap_or_default(),
                                group.map(|g| g.label_vi()).unwrap_or_default()
                            ),
                        )
                        .hint("give a new commune one group on all its rows"),
                    );
                }
            }
            None => {
                new_units.insert(
                    row.new_id.clone(),
                    (row.new_name.clone(), row.new_group, line),
                );
            }
        }
        rows.push(row);
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(Diagnostic::new(path, None, "no rows in the mapping").hint(COLUMNS_HINT));
    }
    if problems.is_empty() {
        Ok(Mapping {
            path: path.to_path_buf(),
            rows,
        })
    } else {
        Err(Error::Invalid(problems))
    }
}

/// One row of the province mapping: an old province and the new one it goes into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvinceRow {
    /// Old province (tỉnh cũ), as the scenarios write it.
    pub old: String,
    /// New province (tỉnh mới).
    pub new: String,
    /// The resolution that merged them (căn cứ), if given.
    pub source: Option<String>,
    /// Line in the file.
    pub line: usize,
}

const PROVINCE_HINT: &str = "a province mapping has the columns old_province, new_province (tỉnh cũ, tỉnh mới) and optional source (căn cứ); one row per old province";

/// Reads a province mapping: every row complete, no old province twice.
pub fn read_provinces(path: &Path) -> Result<Vec<ProvinceRow>> {
    let mut reader = text::csv_file(path)?;
    let headers = reader
        .headers()
        .map_err(|e| Error::invalid(text::csv_problem(path, &e).0))?
        .clone();
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let column = match text::name(h).to_lowercase().as_str() {
            "old_province" | "tỉnh cũ" | "tinh_cu" => Some(0),
            "new_province" | "tỉnh mới" | "tinh_moi" => Some(1),
            "source" | "căn cứ" | "nguồn" => Some(2),
            _ => {
                problems.push(
                    Diagnostic::new(
                        path,
                        Some(1),
                        format!("unknown column `{}`", text::excerpt(h)),
                    )
                    .column(Some(i + 1))
                    .hint(PROVINCE_HINT),
                );
                None
            }
        };
        columns.push(column);
    }
    for (needed, name) in [(0, "old_province"), (1, "new_province")] {
        if !columns.contains(&Some(needed)) {
            problems.push(
                Diagnostic::new(
                    path,
                    Some(1),
                    format!("not a province mapping: no column `{name}`"),
                )
                .hint(PROVINCE_HINT),
            );
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut rows: Vec<ProvinceRow> = Vec::new();
    let mut records = reader.records();
    while let Some((line, record)) = text::next_row(&mut records, path, &mut problems) {
        let cell = |n: usize| {
            columns
                .iter()
                .position(|c| *c == Some(n))
                .and_then(|i| record.get(i))
                .map(text::name)
                .unwrap_or_default()
        };
        let row = ProvinceRow {
            old: cell(0),
            new: cell(1),
            source: Some(cell(2)).filter(|s| !s.is_empty()),
            line,
        };
        if row.old.is_empty() || row.new.is_empty() {
            problems.push(
                Diagnostic::new(path, Some(line), "row has no old or no new province")
                    .hint(PROVINCE_HINT),
            );
            continue;
        }
        if let Some(first) = rows.iter().find(|r| r.old == row.old) {
            problems.push(
                Diagnostic::new(
                    path,
                    Some(line),
                    format!(
                        "province `{}` is mapped twice (first on line {})",
                        row.old, first.line
                    ),
                )
                .hint("an old province goes into exactly one new province"),
            );
            continue;
        }
        rows.push(row);
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(Error::Invalid(problems))
    }
}
