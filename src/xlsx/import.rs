//! `ntm import-xlsx`: commune status and project lists from a workbook with Vietnamese headers
//! into `communes.csv` and `projects.csv`.
//!
//! A sheet is a commune sheet when a header row (within its first 10 rows) names the commune
//! (`Tên xã`, `Xã`, `Mã xã`, `name`) and at least one criterion (`TC1`, `Tiêu chí 1`, `c1`);
//! a project sheet when it names a project id (`Mã dự án`, `id` with `Tổng mức đầu tư`/`cost`).
//! A header cell may hold Vietnamese and English on two lines; either is read. A header may
//! also span two rows, a merged group title over numbered columns (`Tiêu chí` over `1`..`19`).
//! Unrecognised columns (`STT`, notes) are skipped and listed; total rows (`Tổng cộng`) are
//! skipped. Flags are
//! read with [`crate::scenario::parse_flag`] (1/0, x, Đạt/Chưa đạt), money with
//! [`crate::number::parse_non_negative`], gains with [`crate::scenario::parse_gains`].

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Reader};
use serde::Serialize;

use super::decimal_text;
use crate::catalog::Catalog;
use crate::error::{Diagnostic, Error, Result};
use crate::number;
use crate::scenario::{parse_flag, parse_gains, LoadOptions, Scenario};
use crate::text;

/// What an import wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// Sheet the communes came from.
    pub communes_sheet: Option<String>,
    /// Communes written.
    pub communes: usize,
    /// Sheet the projects came from.
    pub projects_sheet: Option<String>,
    /// Projects written.
    pub projects: usize,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Header cells that were not recognised and were skipped (`sheet: header`).
    pub ignored_columns: Vec<String>,
    /// Whether a minimal `scenario.toml` was written (none existed).
    pub wrote_scenario: bool,
    /// Merged ranges among the rows read (`Dữ liệu xã!C2:C3`), read as Excel shows them: the
    /// top-left value in every cell of the range.
    pub merged_cells: Vec<String>,
}

/// Canonical column of the communes file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CommuneColumn {
    Id,
    Name,
    District,
    Criterion(u8),
    Advanced(u8),
    Model,
    Attributes,
    Villages,
    VillagesStandard,
}

/// Canonical column of the projects file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProjectColumn {
    Id,
    Commune,
    Category,
    Cost,
    Year,
    YearFrom,
    YearTo,
    Gains,
    Must,
}

impl ProjectColumn {
    const ALL: [ProjectColumn; 9] = [
        ProjectColumn::Id,
        ProjectColumn::Commune,
        ProjectColumn::Category,
        ProjectColumn::Cost,
        ProjectColumn::Year,
        ProjectColumn::YearFrom,
        ProjectColumn::YearTo,
        ProjectColumn::Gains,
        ProjectColumn::Must,
    ];

    fn csv_name(self) -> &'static str {
        match self {
            ProjectColumn::Id => "id",
            ProjectColumn::Commune => "commune",
            ProjectColumn::Category => "category",
            ProjectColumn::Cost => "cost",
            ProjectColumn::Year => "year",
            ProjectColumn::YearFrom => "year_from",
            ProjectColumn::YearTo => "year_to",
            ProjectColumn::Gains => "gains",
            ProjectColumn::Must => "must",
        }
    }
}

/// The readings of a header cell: each line, without a trailing `(…)`, lowercase, NFC.
fn header_variants(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in cell.lines() {
        let line = text::name(line).to_lowercase();
        if line.is_empty() {
            continue;
        }
        if let Some((before, after)) = line.split_once('(') {
            out.push(before.trim().to_string());
            out.push(after.trim_end_matches(')').trim().to_string());
        }
        out.push(line);
    }
    out
}

/// Number at the end of `h` after one of `prefixes`: `tc5`, `tiêu chí 5`, `c5`.
fn numbered(h: &str, prefixes: &[&str]) -> Option<u8> {
    prefixes.iter().find_map(|p| {
        let rest = h
            .strip_prefix(p)?
            .trim()
            .trim_start_matches(['.', '#', ' ']);
        (!rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
            .then(|| rest.parse().ok())
            .flatten()
    })
}

fn commune_column(cell: &str) -> Option<CommuneColumn> {
    header_variants(cell).iter().find_map(|h| {
        Some(match h.as_str() {
            "id" | "mã xã" | "ma_xa" | "mã" => CommuneColumn::Id,
            "name" | "tên xã" | "ten_xa" | "commune" | "xã" | "tên" | "tên đơn vị" => {
                CommuneColumn::Name
            }
            "district" | "huyện" | "huyen" | "tên huyện" => CommuneColumn::District,
            "model" | "kiểu mẫu" => CommuneColumn::Model,
            "attributes" | "đặc điểm" => CommuneColumn::Attributes,
            "villages" | "số thôn" | "số thôn, bản" => CommuneColumn::Villages,
            "villages_standard"
            | "villages at standard"
            | "thôn đạt chuẩn"
            | "số thôn đạt chuẩn" => CommuneColumn::VillagesStandard,
            _ => {
                if let Some(n) = numbered(h, &["tiêu chí số", "tiêu chí", "tc", "c"]) {
                    CommuneColumn::Criterion(n)
                } else if let Some(n) = numbered(h, &["nâng cao", "tcnc", "nc", "a"]) {
                    CommuneColumn::Advanced(n)
                } else {
                    return None;
                }
            }
        })
    })
}

fn project_column(cell: &str) -> Option<ProjectColumn> {
    header_variants(cell).iter().find_map(|h| {
        Some(match h.as_str() {
            "id" | "mã dự án" | "mã" => ProjectColumn::Id,
            "commune" | "xã" | "tên xã" | "địa điểm" => ProjectColumn::Commune,
            "category" | "loại" | "loại dự án" | "lĩnh vực" => ProjectColumn::Category,
            "cost" | "tổng mức đầu tư" | "kinh phí" | "vốn" => ProjectColumn::Cost,
            "year" | "năm" => ProjectColumn::Year,
            "year_from" | "từ năm" => ProjectColumn::YearFrom,
            "year_to" | "đến năm" => ProjectColumn::YearTo,
            "gains" | "tiêu chí" => ProjectColumn::Gains,
            "must" | "bắt buộc" => ProjectColumn::Must,
            _ => return None,
        })
    })
}

/// `C5`-style reference of a zero-based cell.
pub(super) fn cell_ref(row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// A cell as Excel names it across sheets, `Dữ liệu xã!C3` (the sheet's name as written, so
/// a planner can search for it).
pub(super) fn sheet_cell(sheet: &str, row: u32, col: u32) -> String {
    format!("{sheet}!{}", cell_ref(row, col))
}

/// A sheet's first rows (where the header is), with their absolute position.
struct Grid {
    name: String,
    start: (u32, u32),
    rows: Vec<Vec<String>>,
}

impl Grid {
    fn new(name: &str, survey: &super::sheet::Survey) -> Grid {
        Grid {
            name: name.to_string(),
            start: survey.start,
            rows: survey.head.clone(),
        }
    }

    /// 1-based Excel row and `Sheet!C5` reference of a cell (`row`, `col` from the sheet's
    /// first row and column).
    fn at(&self, row: usize, col: usize) -> (usize, String) {
        let (r, c) = self.absolute(row, col);
        (r as usize + 1, sheet_cell(&self.name, r, c))
    }

    /// Zero-based (row, column) in the sheet of a cell given from its first row and column.
    fn absolute(&self, row: usize, col: usize) -> (u32, u32) {
        (
            self.start.0 + u32::try_from(row).unwrap_or(0),
            self.start.1 + u32::try_from(col).unwrap_or(0),
        )
    }

    /// The header (within the first 10 rows) that `classify` recognises: one row, or two rows
    /// where a merged group title sits above numbered columns (`Tiêu chí` over `1`..`19`).
    fn header<T>(&self, classify: impl Fn(&[String]) -> Option<T>) -> Option<Header<T>> {
        let rows = &self.rows;
        (0..rows.len().min(10)).find_map(|i| {
            if let Some(columns) = classify(&rows[i]) {
                return Some(Header {
                    row: i,
                    data: i + 1,
                    cells: rows[i].clone(),
                    columns,
                });
            }
            let below = rows.get(i + 1)?;
            let mut title = String::new();
            let cells: Vec<String> = (0..rows[i].len().max(below.len()))
                .map(|c| {
                    let top = rows[i].get(c).cloned().unwrap_or_default();
                    if !top.is_empty() {
                        title = top.clone();
                    }
                    match below.get(c).filter(|b| !b.is_empty()) {
                        Some(b) => format!("{title} {b}"),
                        None => top,
                    }
                })
                .collect();
            classify(&cells).map(|columns| Header {
                row: i + 1,
                data: i + 2,
                cells,
                columns,
            })
        })
    }
}

/// A recognised header: its (last) row, the first data row, the header texts and columns.
struct Header<T> {
    row: usize,
    data: usize,
    cells: Vec<String>,
    columns: T,
}

fn communes_header(row: &[String]) -> Option<Vec<Option<CommuneColumn>>> {
    let columns: Vec<Option<CommuneColumn>> = row.iter().map(|h| commune_column(h)).collect();
    let named = columns
        .iter()
        .flatten()
        .any(|c| matches!(c, CommuneColumn::Name | CommuneColumn::Id));
    let criteria = columns
        .iter()
        .flatten()
        .any(|c| matches!(c, CommuneColumn::Criterion(_)));
    (named && criteria).then_some(columns)
}

fn projects_header(row: &[String]) -> Option<Vec<Option<ProjectColumn>>> {
    let columns: Vec<Option<ProjectColumn>> = row.iter().map(|h| project_column(h)).collect();
    let has = |c: ProjectColumn| columns.iter().flatten().any(|x| *x == c);
    (has(ProjectColumn::Id) && has(ProjectColumn::Cost) && has(ProjectColumn::Commune))
        .then_some(columns)
}

/// Whether a row is a total line (`Tổng cộng`, `Cộng`, `Total`) rather than a commune.
fn is_total_row(row: &[String]) -> bool {
    row.iter().find(|c| !c.is_empty()).is_some_and(|c| {
        let c = c.to_lowercase();
        c.starts_with("tổng") || c.starts_with("cộng") || c.starts_with("total")
    })
}

struct Csv {
    text: Vec<u8>,
    rows: usize,
    origin: Origin,
}

/// Where each record and column of a written CSV came from in the workbook, so that what the
/// scenario loader finds wrong in the CSV is reported at the workbook's cell.
struct Origin {
    sheet: String,
    /// Zero-based sheet row of the header (the CSV's line 1).
    header_row: u32,
    /// Zero-based sheet row of each record.
    rows: Vec<u32>,
    /// Zero-based sheet column of each CSV column (none for one the sheet lacks).
    columns: Vec<Option<u32>>,
    /// The CSV column a problem without a column is shown at (the commune's or project's
    /// name or id).
    row_column: Option<usize>,
    /// The CSV's column names.
    names: Vec<String>,
}

impl Origin {
    /// The columns of `header` placed in `order`, and the column that names a row.
    fn new<C: PartialEq>(
        grid: &Grid,
        header: &Header<Vec<Option<C>>>,
        order: &[C],
        csv_names: &[String],
        naming: &[C],
    ) -> Origin {
        let columns: Vec<Option<u32>> = order
            .iter()
            .map(|c| {
                header
                    .columns
                    .iter()
                    .position(|h| h.as_ref() == Some(c))
                    .map(|i| grid.absolute(0, i).1)
            })
            .collect();
        let row_column = naming.iter().find_map(|n| {
            order
                .iter()
                .position(|c| c == n)
                .filter(|k| columns[*k].is_some())
        });
        Origin {
            sheet: grid.name.clone(),
            header_row: grid.absolute(header.row, 0).0,
            rows: Vec::new(),
            columns,
            row_column,
            names: csv_names.to_vec(),
        }
    }

    /// `problem` (about the CSV) moved to the workbook cell it came from: `Sheet!C3: …`.
    fn locate(&self, workbook: &Path, mut problem: Diagnostic) -> Diagnostic {
        let row = match problem.line {
            Some(1) => Some(self.header_row),
            Some(n) if n >= 2 => self.rows.get(n - 2).copied(),
            _ => None,
        };
        // A problem about an empty cell says which (`commune `X` has no district`).
        let missing = || {
            self.names
                .iter()
                .position(|n| problem.message.ends_with(&format!(" no {n}")))
        };
        let column = problem
            .column
            .and_then(|c| c.checked_sub(1))
            .or_else(missing)
            .or(self.row_column)
            .and_then(|k| self.columns.get(k).copied().flatten());
        problem.message = match (row, column) {
            (Some(r), Some(c)) => {
                problem.line = Some(r as usize + 1);
                problem.column = Some(c as usize + 1);
                format!("{}: {}", sheet_cell(&self.sheet, r, c), problem.message)
            }
            (Some(r), None) => {
                problem.line = Some(r as usize + 1);
                problem.column = None;
                format!("{}!{}:{}: {}", self.sheet, r + 1, r + 1, problem.message)
            }
            _ => {
                problem.line = None;
                problem.column = None;
                format!("{}: {}", self.sheet, problem.message)
            }
        };
        problem.file = workbook.to_path_buf();
        problem
    }
}

/// A CSV file built one record at a time.
struct CsvBuilder {
    writer: csv::Writer<Vec<u8>>,
    rows: usize,
    origin: Origin,
}

impl CsvBuilder {
    fn new(header: &[String], path: &Path, origin: Origin) -> Result<CsvBuilder> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(header).map_err(|e| csv_io(path, &e))?;
        Ok(CsvBuilder {
            writer,
            rows: 0,
            origin,
        })
    }

    /// Adds a record read from sheet row `at` (zero-based).
    fn push(&mut self, row: &[String], path: &Path, at: u32) -> Result<()> {
        self.rows += 1;
        self.origin.rows.push(at);
        self.writer.write_record(row).map_err(|e| csv_io(path, &e))
    }

    fn finish(self, path: &Path) -> Result<Csv> {
        let text = self
            .writer
            .into_inner()
            .map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))?;
        Ok(Csv {
            text,
            rows: self.rows,
            origin: self.origin,
        })
    }
}

/// The merged ranges of a sheet that reach its data rows (from `header.data` on), as
/// `Sheet!C2:C3`.
fn merged_in_data<T>(
    grid: &Grid,
    survey: &super::sheet::Survey,
    header: &Header<T>,
) -> Vec<String> {
    let first = grid.absolute(header.data, 0).0;
    survey
        .merged
        .iter()
        .filter(|(_, bottom_right)| bottom_right.0 >= first)
        .map(|(a, b)| {
            format!(
                "{}:{}",
                sheet_cell(&grid.name, a.0, a.1),
                cell_ref(b.0, b.1)
            )
        })
        .collect()
}

fn csv_io(path: &Path, e: &csv::Error) -> Error {
    Error::io(path, std::io::Error::other(e.to_string()))
}

/// The communes file's columns for a commune sheet, in canonical order, with their CSV names;
/// problems of the header itself (unknown or missing criteria).
fn communes_layout(
    grid: &Grid,
    header: &Header<Vec<Option<CommuneColumn>>>,
    catalog: &Catalog,
    workbook: &Path,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<CommuneColumn>, Vec<String>) {
    let columns = &header.columns;
    // Canonical order: id, name, district, c…, a…, model, attributes, villages, villages_standard.
    let mut order: Vec<CommuneColumn> = vec![CommuneColumn::Id, CommuneColumn::Name];
    let present = |c: &CommuneColumn| columns.iter().flatten().any(|x| x == c);
    if present(&CommuneColumn::District) {
        order.push(CommuneColumn::District);
    }
    for c in &catalog.criteria {
        order.push(CommuneColumn::Criterion(c.id));
    }
    let advanced = columns
        .iter()
        .flatten()
        .any(|c| matches!(c, CommuneColumn::Advanced(_)));
    if advanced {
        order.extend(
            catalog
                .criteria
                .iter()
                .map(|c| CommuneColumn::Advanced(c.id)),
        );
    }
    for c in [
        CommuneColumn::Model,
        CommuneColumn::Attributes,
        CommuneColumn::Villages,
        CommuneColumn::VillagesStandard,
    ] {
        if present(&c) {
            order.push(c);
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if let Some(CommuneColumn::Criterion(id) | CommuneColumn::Advanced(id)) = c {
            if catalog.criterion(*id).is_none() {
                let (line, at) = grid.at(header.row, i);
                problems.push(
                    Diagnostic::new(
                        workbook,
                        Some(line),
                        format!("{at}: unknown criterion {id}"),
                    )
                    .column(Some(i + 1))
                    .hint(format!(
                        "catalog {} has criteria 1..={}",
                        catalog.id,
                        catalog.criteria_count()
                    )),
                );
            }
        }
    }
    for c in &catalog.criteria {
        if !present(&CommuneColumn::Criterion(c.id)) {
            let (line, _) = grid.at(header.row, 0);
            problems.push(
                Diagnostic::new(
                    workbook,
                    Some(line),
                    format!(
                        "sheet `{}` has no column for criterion {} ({})",
                        grid.name, c.id, c.name_vi
                    ),
                )
                .hint(format!(
                    "add a column `TC{}` with 1 (đạt) or 0 (chưa đạt)",
                    c.id
                )),
            );
        }
    }
    let names: Vec<String> = order
        .iter()
        .map(|c| match c {
            CommuneColumn::Id => "id".to_string(),
            CommuneColumn::Name => "name".into(),
            CommuneColumn::District => "district".into(),
            CommuneColumn::Criterion(id) => format!("c{id}"),
            CommuneColumn::Advanced(id) => format!("a{id}"),
            CommuneColumn::Model => "model".into(),
            CommuneColumn::Attributes => "attributes".into(),
            CommuneColumn::Villages => "villages".into(),
            CommuneColumn::VillagesStandard => "villages_standard".into(),
        })
        .collect();
    (order, names)
}

/// The cells of row `r` of a sheet (`r` from the sheet's first row) that fall in a known column:
/// each with its index in the row, its position in the output `order`, its column and its text;
/// `None` for a header, empty or total row.
fn placed_cells<'a, C: PartialEq>(
    header: &'a Header<Vec<Option<C>>>,
    order: &[C],
    (r, row): (usize, &'a [String]),
) -> Option<Vec<(usize, usize, &'a C, &'a String)>> {
    if r < header.data || row.iter().all(String::is_empty) || is_total_row(row) {
        return None;
    }
    Some(
        header
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, column)| {
                let (column, cell) = (column.as_ref()?, row.get(i)?);
                let slot = order.iter().position(|c| c == column)?;
                Some((i, slot, column, cell))
            })
            .collect(),
    )
}

/// One row of a commune sheet (`r` from the sheet's first row) in the communes file's columns,
/// or `None` for an empty or total row.
fn commune_row(
    grid: &Grid,
    header: &Header<Vec<Option<CommuneColumn>>>,
    order: &[CommuneColumn],
    (r, row): (usize, &[String]),
    workbook: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    let mut out = vec![String::new(); order.len()];
    for (i, slot, column, cell) in placed_cells(header, order, (r, row))? {
        let value = match column {
            CommuneColumn::Criterion(_) | CommuneColumn::Advanced(_) | CommuneColumn::Model => {
                match parse_flag(cell) {
                    Some(b) => u8::from(b).to_string(),
                    None => {
                        let (line, at) = grid.at(r, i);
                        problems.push(
                            Diagnostic::new(
                                workbook,
                                Some(line),
                                format!("{at}: `{cell}` is not met (1) or not met (0)"),
                            )
                            .column(Some(i + 1))
                            .hint("write 1 or 0 (also x, Đạt, Chưa đạt)"),
                        );
                        continue;
                    }
                }
            }
            _ => cell.clone(),
        };
        out[slot] = value;
    }
    Some(out)
}

/// The projects file's columns for a project sheet, in canonical order.
fn projects_layout(header: &Header<Vec<Option<ProjectColumn>>>) -> Vec<ProjectColumn> {
    ProjectColumn::ALL
        .into_iter()
        .filter(|c| header.columns.iter().flatten().any(|x| x == c))
        .collect()
}

/// One row of a project sheet (`r` from the sheet's first row) in the projects file's columns,
/// or `None` for an empty or total row.
fn project_row(
    grid: &Grid,
    header: &Header<Vec<Option<ProjectColumn>>>,
    order: &[ProjectColumn],
    (r, row): (usize, &[String]),
    catalog: &Catalog,
    workbook: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    let mut out = vec![String::new(); order.len()];
    for (i, slot, column, cell) in placed_cells(header, order, (r, row))? {
        let (line, at) = grid.at(r, i);
        let problem = |message: String, hint: &str| {
            Diagnostic::new(workbook, Some(line), format!("{at}: {message}"))
                .column(Some(i + 1))
                .hint(hint)
        };
        out[slot] = match column {
            ProjectColumn::Cost => match number::parse_non_negative(cell) {
                Ok(d) => decimal_text(d),
                Err(e) => {
                    problems.push(problem(
                        e.to_string(),
                        "costs are million VND, e.g. 1.250 or 1250,5",
                    ));
                    continue;
                }
            },
            ProjectColumn::Gains => match parse_gains(cell, catalog) {
                Ok(gains) => gains
                    .iter()
                    .map(|g| format!("{}:{}", g.key(), decimal_text(g.fraction)))
                    .collect::<Vec<_>>()
                    .join(";"),
                Err(e) => {
                    problems.push(problem(e, "gains look like c2:0.4;c5:1"));
                    continue;
                }
            },
            _ => cell.clone(),
        };
    }
    Some(out)
}

/// Minimal `scenario.toml` for an imported folder that has none.
fn minimal_scenario(name: &str, year: u16, projects: bool) -> String {
    let mut s = format!(
        "# Written by `ntm import-xlsx`; add capital sources, targets and published figures.\nname = {}\nprovince = {}\ncatalog = \"qd318-2022\"\nbaseline_year = {year}\nyears = [{}]\n",
        toml_string(name),
        toml_string(name),
        year + 1
    );
    if projects {
        s.push_str("projects = \"projects.csv\"\n");
    }
    s
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Reads `workbook` and writes the communes file (and the projects file when a sheet has
/// projects) into `out`, atomically, under the names `out/scenario.toml` gives (default
/// `communes.csv`, `projects.csv`). Uses the catalog of `out/scenario.toml` when there is one, and
/// validates the result by loading the scenario (projects only when a project sheet was read);
/// otherwise writes a minimal `scenario.toml` with
/// `baseline_year = year` (which is then required).
pub fn import_workbook(workbook: &Path, out: &Path, year: Option<u16>) -> Result<ImportReport> {
    let scenario_path = out.join("scenario.toml");
    let existing = scenario_path.is_file();
    if !existing && year.is_none() {
        return Err(Error::Unsupported {
            message: format!("{} has no scenario.toml", out.display()),
            hint: "pass --year YEAR (the year the status describes) to write a minimal one, or import into a scenario folder".into(),
        });
    }
    // Write where scenario.toml says the files are (communes.csv, projects.csv by default).
    let (catalog, communes_path, projects_path) = if existing {
        let s = Scenario::load_with(
            out,
            LoadOptions {
                allow_missing_communes: true,
                skip_projects: true,
            },
        )?;
        let projects = s.projects_file.unwrap_or_else(|| out.join("projects.csv"));
        (s.catalog, s.communes_file, projects)
    } else {
        (
            Catalog::load("qd318-2022", out)?,
            out.join("communes.csv"),
            out.join("projects.csv"),
        )
    };
    if let Ok(meta) = std::fs::metadata(workbook) {
        if meta.len() > text::MAX_INPUT_BYTES {
            return Err(Error::invalid(
                Diagnostic::new(
                    workbook,
                    None,
                    format!(
                        "workbook is larger than the limit of {} MiB",
                        text::MAX_INPUT_BYTES / (1024 * 1024)
                    ),
                )
                .hint("import the commune and project sheets alone"),
            ));
        }
    }
    let mut book = open_workbook_auto(workbook).map_err(|e| {
        Error::invalid(
            Diagnostic::new(workbook, None, format!("cannot read the workbook: {e}"))
                .hint("save it as .xlsx (Excel 2007 or later), .xls or .ods"),
        )
    })?;
    let mut problems = Vec::new();
    let mut report = ImportReport {
        communes_sheet: None,
        communes: 0,
        projects_sheet: None,
        projects: 0,
        files: Vec::new(),
        ignored_columns: Vec::new(),
        wrote_scenario: false,
        merged_cells: Vec::new(),
    };
    let mut communes_csv = None;
    let mut projects_csv = None;
    for name in book.sheet_names() {
        let survey = match super::sheet::survey(&mut book, &name, workbook) {
            Ok(Some(survey)) => survey,
            Ok(None) => continue,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let grid = Grid::new(&name, &survey);
        let uncalculated = |problems: &mut Vec<Diagnostic>| {
            for (row, col) in &survey.uncalculated {
                problems.push(
                    Diagnostic::new(
                        workbook,
                        Some(*row as usize + 1),
                        format!(
                            "{}: a formula with no saved value",
                            sheet_cell(&name, *row, *col)
                        ),
                    )
                    .hint("open and save the workbook in Excel or LibreOffice (which store the values), or type the value"),
                );
            }
        };
        let mut ignored = |header: &[String], known: &dyn Fn(usize) -> bool| {
            for (i, h) in header.iter().enumerate() {
                if !h.is_empty() && !known(i) {
                    report
                        .ignored_columns
                        .push(format!("{name}: {}", h.replace('\n', " / ")));
                }
            }
        };
        // The rows are streamed into the CSV text, one at a time.
        let mut written: Result<()> = Ok(());
        if projects_csv.is_none() {
            if let Some(header) = grid.header(projects_header) {
                ignored(&header.cells, &|i| {
                    header.columns.get(i).is_some_and(Option::is_some)
                });
                uncalculated(&mut problems);
                let order = projects_layout(&header);
                let names: Vec<String> = order.iter().map(|c| c.csv_name().to_string()).collect();
                let origin = Origin::new(&grid, &header, &order, &names, &[ProjectColumn::Id]);
                let mut csv = CsvBuilder::new(&names, workbook, origin)?;
                report
                    .merged_cells
                    .extend(merged_in_data(&grid, &survey, &header));
                let read =
                    super::sheet::for_each_row(&mut book, &name, workbook, &survey, |r, row| {
                        let out = project_row(
                            &grid,
                            &header,
                            &order,
                            (r, row),
                            &catalog,
                            workbook,
                            &mut problems,
                        );
                        if let (Some(out), Ok(())) = (out, &written) {
                            written = csv.push(&out, workbook, grid.absolute(r, 0).0);
                        }
                    });
                written?;
                problems.extend(read.err());
                projects_csv = Some(csv.finish(workbook)?);
                report.projects_sheet = Some(name.clone());
                continue;
            }
        }
        if communes_csv.is_none() {
            if let Some(header) = grid.header(communes_header) {
                ignored(&header.cells, &|i| {
                    header.columns.get(i).is_some_and(Option::is_some)
                });
                uncalculated(&mut problems);
                let (order, names) =
                    communes_layout(&grid, &header, &catalog, workbook, &mut problems);
                let origin = Origin::new(
                    &grid,
                    &header,
                    &order,
                    &names,
                    &[CommuneColumn::Name, CommuneColumn::Id],
                );
                let mut csv = CsvBuilder::new(&names, workbook, origin)?;
                report
                    .merged_cells
                    .extend(merged_in_data(&grid, &survey, &header));
                let read =
                    super::sheet::for_each_row(&mut book, &name, workbook, &survey, |r, row| {
                        let out =
                            commune_row(&grid, &header, &order, (r, row), workbook, &mut problems);
                        if let (Some(out), Ok(())) = (out, &written) {
                            written = csv.push(&out, workbook, grid.absolute(r, 0).0);
                        }
                    });
                written?;
                problems.extend(read.err());
                communes_csv = Some(csv.finish(workbook)?);
                report.communes_sheet = Some(name.clone());
            }
        }
    }
    drop(book);
    if communes_csv.is_none() && projects_csv.is_none() {
        problems.push(
            Diagnostic::new(workbook, None, "no sheet with communes or projects").hint(
                "a commune sheet has headers such as `Tên xã`, `Huyện`, `TC1`..`TC19`; a project sheet `Mã dự án`, `Xã`, `Loại`, `Tổng mức đầu tư`, `Năm`, `Tiêu chí`",
            ),
        );
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    // Validate first, as the loader reads it, then write every file or none.
    let validate = LoadOptions {
        allow_missing_communes: communes_csv.is_none(),
        skip_projects: projects_csv.is_none(),
    };
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut origins: Vec<(PathBuf, Origin)> = Vec::new();
    if let Some(csv) = communes_csv {
        report.communes = csv.rows;
        origins.push((communes_path.clone(), csv.origin));
        files.push((communes_path, csv.text));
    }
    if let Some(csv) = projects_csv {
        report.projects = csv.rows;
        origins.push((projects_path.clone(), csv.origin));
        files.push((projects_path, csv.text));
    }
    if !existing {
        let name = workbook
            .file_stem()
            .map_or("imported".into(), |s| s.to_string_lossy().to_string());
        let toml = minimal_scenario(
            &name,
            year.unwrap_or_default(),
            report.projects_sheet.is_some(),
        );
        files.push((scenario_path, toml.into_bytes()));
        report.wrote_scenario = true;
    }
    validate_staged(out, existing, &mut files, validate)
        .map_err(|e| in_workbook(e, workbook, &origins))?;
    crate::output::write_all(&files)?;
    report.files = files.into_iter().map(|(path, _)| path).collect();
    Ok(report)
}

/// Problems the loader found in the CSV files made from the workbook, moved to the workbook's
/// cells (`Dữ liệu xã!C3`), never to the scenario's own files, which the planner did not edit.
fn in_workbook(error: Error, workbook: &Path, origins: &[(PathBuf, Origin)]) -> Error {
    match error {
        Error::Invalid(problems) => Error::Invalid(
            problems
                .into_iter()
                .map(|p| match origins.iter().find(|(path, _)| *path == p.file) {
                    Some((_, origin)) => origin.locate(workbook, p),
                    None => p,
                })
                .collect(),
        ),
        other => other,
    }
}

/// Loads the scenario as it would be after writing `files`, from copies in a temporary folder;
/// problems name the files as they will be. The contents wait in the copies while the scenario
/// loads, and are read back from them.
fn validate_staged(
    out: &Path,
    existing: bool,
    files: &mut [(PathBuf, Vec<u8>)],
    options: LoadOptions,
) -> Result<()> {
    let temp = tempfile::tempdir().map_err(|e| Error::io(&std::env::temp_dir(), e))?;
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (i, (path, contents)) in files.iter_mut().enumerate() {
        let name = if existing {
            format!(
                "{i}-{}",
                path.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            )
        } else {
            path.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        };
        let copy = temp.path().join(name);
        std::fs::write(&copy, &contents).map_err(|e| Error::io(&copy, e))?;
        // Held on disk while the scenario loads: memory holds the communes once, not twice.
        *contents = Vec::new();
        staged.push((copy, path.clone()));
    }
    let find = |target: &Path| {
        staged
            .iter()
            .find(|(_, to)| to == target)
            .map(|(copy, _)| copy.as_path())
    };
    let loaded = if existing {
        let s = Scenario::load_with(
            out,
            LoadOptions {
                allow_missing_communes: true,
                skip_projects: true,
            },
        )?;
        let projects = s
            .projects_file
            .clone()
            .unwrap_or_else(|| out.join("projects.csv"));
        Scenario::load_replacing(out, options, find(&s.communes_file), find(&projects))
    } else {
        Scenario::load_with(temp.path(), options)
    };
    match loaded {
        Ok(scenario) => {
            drop(scenario);
            for ((copy, _), (_, contents)) in staged.iter().zip(files.iter_mut()) {
                *contents = std::fs::read(copy).map_err(|e| Error::io(copy, e))?;
            }
            Ok(())
        }
        Err(Error::Invalid(problems)) => Err(Error::Invalid(
            problems
                .into_iter()
                .map(|mut p| {
                    if let Some((_, to)) = staged.iter().find(|(copy, _)| *copy == p.file) {
                        p.file = to.clone();
                    }
                    p
                })
                .collect(),
        )),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xlsx::sheet::cell_text;
    use calamine::Data;

    #[test]
    fn headers_in_both_languages() {
        assert_eq!(commune_column("Tên xã"), Some(CommuneColumn::Name));
        assert_eq!(commune_column("Tên xã\nCommune"), Some(CommuneColumn::Name));
        assert_eq!(commune_column("TC12"), Some(CommuneColumn::Criterion(12)));
        assert_eq!(
            commune_column("Tiêu chí 3"),
            Some(CommuneColumn::Criterion(3))
        );
        assert_eq!(
            commune_column("Tiêu chí số 19"),
            Some(CommuneColumn::Criterion(19))
        );
        assert_eq!(commune_column("c7"), Some(CommuneColumn::Criterion(7)));
        assert_eq!(commune_column("NC7\na7"), Some(CommuneColumn::Advanced(7)));
        assert_eq!(commune_column("STT"), None);
        assert_eq!(project_column("Tổng mức đầu tư"), Some(ProjectColumn::Cost));
        assert_eq!(
            project_column("Kinh phí (triệu đồng)"),
            Some(ProjectColumn::Cost)
        );
        assert_eq!(project_column("Mã dự án"), Some(ProjectColumn::Id));
    }

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(4, 2), "C5");
        assert_eq!(cell_ref(0, 26), "AA1");
        assert_eq!(cell_text(&Data::Float(1.0)), "1");
        assert_eq!(
            super::super::sheet::cell_text(&Data::Float(1250.5)),
            "1250,5"
        );
        assert_eq!(cell_text(&Data::Float(4.916)), "4,916");
    }
}
