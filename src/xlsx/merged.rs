//! `ntm import-xlsx --mapping FILE`: a workbook of old communes read straight into the new ones
//! (nhập Excel theo xã mới). The workbook is imported as usual into a staging folder (a minimal
//! scenario: `--year` is needed), then merged by `ntm merge`'s stages into the output folder.

use std::path::Path;

use serde::Serialize;

use super::import::{import_workbook, ImportReport};
use crate::error::{Error, Result};
use crate::merge::{self, MergeOptions, MergeReport};
use crate::output::Written;

/// What an import through a mapping did.
#[derive(Debug, Clone, Serialize)]
pub struct MergedImport {
    /// The import of the old communes (its files were staged, not kept).
    pub import: ImportReport,
    /// The merge into the new communes.
    pub merge: MergeReport,
}

/// Imports `workbook` (old communes) and writes the scenario of the new communes into `out`:
/// all or nothing, an existing non-empty `out` only with `force`.
pub fn import_merged(
    workbook: &Path,
    mapping: &Path,
    out: &Path,
    year: Option<u16>,
    force: bool,
) -> Result<(MergedImport, Written)> {
    let staging = tempfile::tempdir().map_err(|e| Error::io(&std::env::temp_dir(), e))?;
    let name = workbook.file_stem().map_or_else(
        || "imported".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let old = staging.path().join(&name);
    std::fs::create_dir_all(&old).map_err(|e| Error::io(&old, e))?;
    let mut import = import_workbook(workbook, &old, year)?;
    import.files.clear();
    let options = MergeOptions {
        scenarios: vec![old],
        mapping: mapping.to_path_buf(),
        province_mapping: None,
        rule: None,
        out: out.to_path_buf(),
    };
    // A problem found in the staged files is a problem of the workbook (whose rows the staged
    // lines do not number).
    let mut merged = merge::prepare(&options).map_err(|e| match e {
        Error::Invalid(problems) => Error::Invalid(
            problems
                .into_iter()
                .map(|mut p| {
                    if p.file.starts_with(staging.path()) {
                        p.file = workbook.to_path_buf();
                        p.line = None;
                        p.column = None;
                    }
                    p
                })
                .collect(),
        ),
        other => other,
    })?;
    let written = merge::write(&mut merged, out, force)?;
    Ok((
        MergedImport {
            import,
            merge: merged.report,
        },
        written,
    ))
}

/// The merge report as workbook sheets: one row per member of each new commune (status before
/// and after), one per combined value, one per item to re-assess, and the province totals.
pub fn merge_sheets(r: &MergeReport) -> Vec<super::Sheet> {
    use super::{CellValue, Column, ColumnKind, Sheet};
    let tier = |t: Option<crate::catalog::TierId>| CellValue::from(t.map_or("", |t| t.as_str()));
    let mut communes = Sheet {
        name: "Sáp nhập (merge)".into(),
        columns: vec![
            Column::new("new id", "Mã xã mới", ColumnKind::Text),
            Column::new("new name", "Tên xã mới", ColumnKind::Text),
            Column::new("criteria after", "Số tiêu chí sau", ColumnKind::Count),
            Column::new("tier after", "Mức đạt sau", ColumnKind::Text),
            Column::new("member", "Xã cũ", ColumnKind::Text),
            Column::new("member name", "Tên xã cũ", ColumnKind::Text),
            Column::new("district", "Huyện cũ", ColumnKind::Text),
            Column::new("criteria before", "Số tiêu chí trước", ColumnKind::Count),
            Column::new("tier before", "Mức đạt trước", ColumnKind::Text),
            Column::new("lost", "Tiêu chí không còn đạt", ColumnKind::Text),
            Column::new("source", "Căn cứ", ColumnKind::Text),
        ],
        rows: Vec::new(),
    };
    let mut values = Sheet {
        name: "Giá trị gộp (combined)".into(),
        columns: vec![
            Column::new("new id", "Mã xã mới", ColumnKind::Text),
            Column::new("what", "Chỉ tiêu", ColumnKind::Text),
            Column::new("year", "Năm", ColumnKind::Text),
            Column::new("parts", "Giá trị các xã cũ", ColumnKind::Text),
            Column::new("method", "Cách gộp", ColumnKind::Text),
            Column::new("result", "Kết quả", ColumnKind::Decimal),
            Column::new("note", "Ghi chú", ColumnKind::Text),
        ],
        rows: Vec::new(),
    };
    let mut re_assess = Sheet {
        name: "Đánh giá lại (re-assess)".into(),
        columns: vec![
            Column::new("new id", "Mã xã mới", ColumnKind::Text),
            Column::new("what", "Phải đánh giá lại", ColumnKind::Text),
        ],
        rows: Vec::new(),
    };
    for c in &r.communes {
        for (i, m) in c.members.iter().enumerate() {
            let lost: Vec<String> = c
                .criteria
                .iter()
                .filter(|row| row.before.get(i).copied().unwrap_or(false) && !row.after)
                .map(|row| format!("c{}", row.criterion))
                .collect();
            communes.rows.push(vec![
                c.id.as_str().into(),
                c.name.as_str().into(),
                c.criteria_met.into(),
                tier(c.tier),
                m.id.as_str().into(),
                m.name.as_str().into(),
                m.district.clone().unwrap_or_default().into(),
                m.criteria_met.into(),
                tier(m.tier),
                lost.join(", ").into(),
                c.sources.join("; ").into(),
            ]);
        }
        for v in &c.values {
            let parts: Vec<String> = v
                .parts
                .iter()
                .map(|p| {
                    let value = p
                        .value
                        .map_or("—".to_string(), |x| x.normalize().to_string());
                    match p.weight {
                        Some(w) => format!("{} {value} × {w}", p.member),
                        None => format!("{} {value}", p.member),
                    }
                })
                .collect();
            values.rows.push(vec![
                c.id.as_str().into(),
                v.what.as_str().into(),
                v.year.map(|y| y.to_string()).unwrap_or_default().into(),
                parts.join("; ").into(),
                v.method.as_str().into(),
                v.result.map_or(CellValue::Empty, CellValue::Number),
                v.note.clone().unwrap_or_default().into(),
            ]);
        }
        for what in &c.re_assess {
            re_assess
                .rows
                .push(vec![c.id.as_str().into(), what.as_str().into()]);
        }
    }
    let totals = Sheet {
        name: "Tổng tỉnh (totals)".into(),
        columns: vec![
            Column::new("what", "Tổng", ColumnKind::Text),
            Column::new("before", "Trước", ColumnKind::Decimal),
            Column::new("after", "Sau", ColumnKind::Decimal),
            Column::new("same", "Khớp", ColumnKind::Text),
        ],
        rows: r
            .totals
            .iter()
            .map(|t| {
                vec![
                    t.what.as_str().into(),
                    t.before.into(),
                    t.after.into(),
                    if t.same {
                        "khớp (same)"
                    } else {
                        "LỆCH (different)"
                    }
                    .into(),
                ]
            })
            .collect(),
    };
    vec![communes, values, re_assess, totals]
}
