//! Report of `ntm audit`: findings with their figures, sources, arithmetic and fix, then the
//! checks that hold; and the same as workbook sheets.

use super::{synthetic_banner, table};
use crate::audit::{Audit, Figure, Severity};
use crate::xlsx::{CellValue, Column, ColumnKind, Sheet};

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR (lỗi)",
        Severity::Warning => "WARNING (cảnh báo)",
        Severity::Info => "INFO (thông tin)",
    }
}

fn figure_line(f: &Figure) -> String {
    let source = if f.source.is_empty() {
        "no source given (không rõ nguồn)".to_string()
    } else {
        f.source.clone()
    };
    format!(
        "{} = {} {} [{}] — {}",
        f.name, f.value, f.unit, f.label, source
    )
}

/// Renders an audit as text (English and Vietnamese labels).
pub fn render_audit(a: &Audit, _style: crate::number::NumberStyle) -> String {
    let mut out = synthetic_banner(a.synthetic.as_deref());
    let s = &a.summary;
    out.push_str(&format!(
        "Audit of published figures (kiểm tra số liệu công bố): {}\n{} error(s) (lỗi), {} warning(s) (cảnh báo), {} info (thông tin), {} check(s) passed (đạt)\n",
        a.scenario, s.errors, s.warnings, s.infos, s.passed
    ));
    if !a.findings.is_empty() {
        out.push('\n');
        out.push_str(&table(
            &[
                "#",
                "Severity (mức)",
                "Check (kiểm tra)",
                "Finding (phát hiện)",
            ],
            a.findings
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    vec![
                        (i + 1).to_string(),
                        f.severity.as_str().to_string(),
                        f.check.to_string(),
                        f.message.clone(),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    for (i, f) in a.findings.iter().enumerate() {
        out.push_str(&format!(
            "\n{}. {} {}: {}\n",
            i + 1,
            severity_label(f.severity),
            f.check,
            f.message
        ));
        if !f.figures.is_empty() {
            out.push_str("   Figures (số liệu):\n");
            for fig in &f.figures {
                out.push_str(&format!("     - {}\n", figure_line(fig)));
            }
        }
        if !f.arithmetic.is_empty() {
            out.push_str("   Arithmetic (phép tính):\n");
            for line in &f.arithmetic {
                out.push_str(&format!("     {line}\n"));
            }
        }
        if let Some(fix) = &f.fix {
            out.push_str(&format!("   To be consistent (để khớp): {fix}\n"));
        }
    }
    if !a.passed.is_empty() {
        out.push_str("\nChecks passed (kiểm tra đạt):\n");
        for p in &a.passed {
            out.push_str(&format!("  ✓ {}: {}\n", p.check, p.message));
            for line in &p.arithmetic {
                out.push_str(&format!("      {line}\n"));
            }
        }
    }
    out
}

/// The audit as workbook sheets: findings, then passed checks.
pub fn audit_sheets(a: &Audit) -> Vec<Sheet> {
    let text = |en: &str, vi: &str| Column::new(en, vi, ColumnKind::Text);
    let figures = |list: &[Figure]| list.iter().map(figure_line).collect::<Vec<_>>().join("\n");
    let findings = Sheet {
        name: "Phát hiện (findings)".into(),
        columns: vec![
            text("Severity", "Mức"),
            text("Check", "Kiểm tra"),
            text("Finding", "Phát hiện"),
            text("Figures and sources", "Số liệu và nguồn"),
            text("Arithmetic", "Phép tính"),
            text("To be consistent", "Để khớp"),
        ],
        rows: a
            .findings
            .iter()
            .map(|f| {
                vec![
                    CellValue::Text(f.severity.as_str().into()),
                    CellValue::Text(f.check.into()),
                    CellValue::Text(f.message.clone()),
                    CellValue::Text(figures(&f.figures)),
                    CellValue::Text(f.arithmetic.join("\n")),
                    CellValue::Text(f.fix.clone().unwrap_or_default()),
                ]
            })
            .collect(),
    };
    let passed = Sheet {
        name: "Đạt (passed)".into(),
        columns: vec![
            text("Check", "Kiểm tra"),
            text("What holds", "Nội dung"),
            text("Arithmetic", "Phép tính"),
        ],
        rows: a
            .passed
            .iter()
            .map(|p| {
                vec![
                    CellValue::Text(p.check.into()),
                    CellValue::Text(p.message.clone()),
                    CellValue::Text(p.arithmetic.join("\n")),
                ]
            })
            .collect(),
    };
    vec![findings, passed]
}
