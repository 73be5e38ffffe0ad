//! Excel workbooks (bảng tính Excel), the planners' own tool: write any report's tables as a
//! workbook (one sheet per table, headers in Vietnamese and English, number formats for
//! money), and import commune status and project lists from a workbook with Vietnamese headers.
//!
//! Writing is generic: a command builds [`Sheet`]s and calls [`write_workbook`].

mod import;
mod merged;
mod sheet;
mod tables;

use std::path::Path;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

use crate::error::{Error, Result};
use crate::text;

pub use import::{import_workbook, ImportReport};
pub use merged::{import_merged, merge_sheets, MergedImport};
pub use tables::{
    communes_sheet, drafting_sheet, evaluation_sheets, projects_sheet, scenario_sheets,
};

/// How a column's numbers are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text, left-aligned.
    Text,
    /// Whole numbers: `#,##0`.
    Count,
    /// Million VND to three decimals (thousand VND): `#,##0.000`.
    Money,
    /// A fraction shown as a percentage: 0.134 → `13.4%`.
    Percent,
    /// A ratio such as an average: `0.00`.
    Decimal,
}

impl ColumnKind {
    fn number_format(self) -> Option<&'static str> {
        match self {
            ColumnKind::Text => None,
            ColumnKind::Count => Some("#,##0"),
            ColumnKind::Money => Some("#,##0.000"),
            ColumnKind::Percent => Some("0.0%"),
            ColumnKind::Decimal => Some("0.00"),
        }
    }
}

/// A column: header in English and Vietnamese, and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// English header.
    pub en: String,
    /// Vietnamese header (first line of the header cell).
    pub vi: String,
    /// Number format.
    pub kind: ColumnKind,
}

impl Column {
    /// A column.
    pub fn new(en: &str, vi: &str, kind: ColumnKind) -> Column {
        Column {
            en: en.into(),
            vi: vi.into(),
            kind,
        }
    }

    /// The header cell: Vietnamese, a line break, English (import reads either line).
    pub fn header(&self) -> String {
        if self.vi == self.en || self.en.is_empty() {
            self.vi.clone()
        } else {
            format!("{}\n{}", self.vi, self.en)
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellValue {
    /// Text.
    Text(String),
    /// An exact number, written as an Excel number in the column's format.
    Number(Decimal),
    /// Nothing.
    Empty,
}

impl From<&str> for CellValue {
    fn from(s: &str) -> CellValue {
        CellValue::Text(s.to_string())
    }
}

impl From<String> for CellValue {
    fn from(s: String) -> CellValue {
        CellValue::Text(s)
    }
}

impl From<Decimal> for CellValue {
    fn from(d: Decimal) -> CellValue {
        CellValue::Number(d)
    }
}

impl From<usize> for CellValue {
    fn from(n: usize) -> CellValue {
        CellValue::Number(Decimal::from(n))
    }
}

impl From<u32> for CellValue {
    fn from(n: u32) -> CellValue {
        CellValue::Number(Decimal::from(n))
    }
}

/// A table written as one worksheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// Sheet name (cut to Excel's 31 characters, `[]:*?/\` replaced).
    pub name: String,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows of cells, one per column.
    pub rows: Vec<Vec<CellValue>>,
}

/// A decimal with a decimal comma (`0,125`, `1250,5`): `number::parse_decimal` reads it back
/// exactly, where `0.125` would read as 125 (a thousands group).
fn decimal_text(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

/// A sheet name Excel accepts, unique among `taken`.
fn sheet_name(name: &str, taken: &mut Vec<String>) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let clean = clean.trim_matches('\'').trim();
    let base: String = if clean.is_empty() { "Sheet" } else { clean }
        .chars()
        .take(31)
        .collect();
    let mut candidate = base.clone();
    let mut n = 2;
    while taken
        .iter()
        .any(|t| t.to_lowercase() == candidate.to_lowercase())
    {
        let suffix = format!(" {n}");
        candidate = base
            .chars()
            .take(31 - suffix.chars().count())
            .collect::<String>()
            + &suffix;
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

fn xlsx_error(path: &Path, e: rust_xlsxwriter::XlsxError) -> Error {
    Error::io(path, std::io::Error::other(e.to_string()))
}

/// The workbook's bytes (`path` names it in errors).
pub fn workbook_bytes(sheets: &[Sheet], path: &Path) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut taken = Vec::new();
    for sheet in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(sheet_name(&sheet.name, &mut taken))
            .map_err(|e| xlsx_error(path, e))?;
        let formats: Vec<Option<Format>> = sheet
            .columns
            .iter()
            .map(|c| {
                c.kind
                    .number_format()
                    .map(|f| Format::new().set_num_format(f))
            })
            .collect();
        for (col, column) in sheet.columns.iter().enumerate() {
            let col = u16::try_from(col).map_err(|_| {
                xlsx_error(
                    path,
                    rust_xlsxwriter::XlsxError::ParameterError("too many columns".into()),
                )
            })?;
            ws.write_string_with_format(0, col, column.header(), &header)
                .map_err(|e| xlsx_error(path, e))?;
            let widest = sheet
                .rows
                .iter()
                .filter_map(|r| match r.get(usize::from(col)) {
                    Some(CellValue::Text(t)) => t.lines().map(|l| l.chars().count()).max(),
                    Some(CellValue::Number(d)) => Some(d.to_string().len() + 4),
                    _ => None,
                })
                .chain(column.header().lines().map(|l| l.chars().count()))
                .max()
                .unwrap_or(8);
            ws.set_column_width(col, (widest.clamp(4, 60) + 2) as f64)
                .map_err(|e| xlsx_error(path, e))?;
        }
        ws.set_freeze_panes(1, 0).map_err(|e| xlsx_error(path, e))?;
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                match cell {
                    CellValue::Text(t) if t.contains('\n') => {
                        ws.write_string_with_format(r, c, t, &wrap)
                    }
                    CellValue::Text(t) => ws.write_string(r, c, t),
                    CellValue::Number(d) => {
                        let value = d.to_f64().unwrap_or(0.0);
                        match formats.get(usize::from(c)).and_then(Option::as_ref) {
                            Some(f) => ws.write_number_with_format(r, c, value, f),
                            None => ws.write_number(r, c, value),
                        }
                    }
                    CellValue::Empty => continue,
                }
                .map_err(|e| xlsx_error(path, e))?;
            }
        }
    }
    workbook.save_to_buffer().map_err(|e| xlsx_error(path, e))
}

/// Writes sheets to `path` as an `.xlsx` workbook, atomically.
pub fn write_workbook(path: &Path, sheets: &[Sheet]) -> Result<()> {
    let bytes = workbook_bytes(sheets, path)?;
    text::write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = Vec::new();
        assert_eq!(sheet_name("a/b", &mut taken), "a-b");
        assert_eq!(sheet_name("A-B", &mut taken), "A-B 2");
        let long = "x".repeat(40);
        assert_eq!(sheet_name(&long, &mut taken).chars().count(), 31);
        assert_eq!(sheet_name("", &mut taken), "Sheet");
    }
}
