//! Report of `ntm audit`: findings with their figures, sources, arithmetic and fix, then the
//! checks that hold; and the same as workbook sheets.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{synthetic_banner, table};
use crate::audit::{Audit, Figure, Severity};
use crate::number::{format_fixed, NumberStyle};
use crate::xlsx::{CellValue, Column, ColumnKind, Sheet};

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "LỖI (ERROR)",
        Severity::Warning => "CẢNH BÁO (WARNING)",
        Severity::Info => "THÔNG TIN (INFO)",
    }
}

/// A figure as published (exact in JSON), written in `style` with its published decimals; its
/// label Vietnamese first, the English beside it where it differs.
fn figure_line(f: &Figure, style: NumberStyle) -> String {
    let source = if f.source.is_empty() {
        "không rõ nguồn (no source given)".to_string()
    } else {
        f.source.clone()
    };
    let value = Decimal::from_str(&f.value)
        .map_or_else(|_| f.value.clone(), |v| format_fixed(v, v.scale(), style));
    let label = if f.label_vi == f.label {
        f.label.clone()
    } else {
        format!("{} ({})", f.label_vi, f.label)
    };
    format!("{} = {value} {} [{label}] — {source}", f.name, f.unit)
}

/// Arithmetic lines for the text report, each in Vietnamese with its English in brackets on
/// the next line where it differs.
fn arithmetic_lines(vi: &[String], en: &[String], indent: &str) -> String {
    let mut out = String::new();
    for (vi, en) in vi.iter().zip(en) {
        out.push_str(&format!("{indent}{vi}\n"));
        if vi != en {
            out.push_str(&format!("{indent}({en})\n"));
        }
    }
    out
}

/// Arithmetic lines in Vietnamese, then in English where it differs.
fn arithmetic_cell(vi: &[String], en: &[String]) -> String {
    if vi == en {
        en.join("\n")
    } else {
        format!("{}\n\n{}", vi.join("\n"), en.join("\n"))
    }
}

/// Renders an audit as text (Vietnamese labels with English beside them); the findings'
/// numbers are written in the style the audit was run with, the figures in `style`.
pub fn render_audit(a: &Audit, style: NumberStyle) -> String {
    let mut out = synthetic_banner(a.synthetic.as_deref());
    let s = &a.summary;
    out.push_str(&format!(
        "Kiểm tra số liệu công bố (audit of published figures): {}\n{} lỗi (errors), {} cảnh báo (warnings), {} thông tin (info), {} kiểm tra đạt (checks passed)\n",
        a.scenario, s.errors, s.warnings, s.infos, s.passed
    ));
    if !a.findings.is_empty() {
        out.push('\n');
        out.push_str(&table(
            &[
                "#",
                "Mức (severity)",
                "Kiểm tra (check)",
                "Phát hiện (finding)",
            ],
            a.findings
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    vec![
                        (i + 1).to_string(),
                        f.severity.as_str().to_string(),
                        f.check.to_string(),
                        format!("{}\n({})", f.message_vi, f.message),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    for (i, f) in a.findings.iter().enumerate() {
        out.push_str(&format!(
            "\n{}. {} {}: {}\n   ({})\n",
            i + 1,
            severity_label(f.severity),
            f.check,
            f.message_vi,
            f.message
        ));
        if !f.figures.is_empty() {
            out.push_str("   Số liệu (figures):\n");
            for fig in &f.figures {
                out.push_str(&format!("     - {}\n", figure_line(fig, style)));
            }
        }
        if !f.arithmetic.is_empty() {
            out.push_str("   Phép tính (arithmetic):\n");
            out.push_str(&arithmetic_lines(&f.arithmetic_vi, &f.arithmetic, "     "));
        }
        if let (Some(fix_vi), Some(fix)) = (&f.fix_vi, &f.fix) {
            out.push_str(&format!(
                "   Để khớp (to be consistent): {fix_vi}\n     ({fix})\n"
            ));
        }
    }
    if !a.passed.is_empty() {
        out.push_str("\nKiểm tra đạt (checks passed):\n");
        for p in &a.passed {
            out.push_str(&format!(
                "  ✓ {}: {}\n    ({})\n",
                p.check, p.message_vi, p.message
            ));
            out.push_str(&arithmetic_lines(&p.arithmetic_vi, &p.arithmetic, "      "));
        }
    }
    out
}

/// The audit as workbook sheets: findings, then passed checks.
pub fn audit_sheets(a: &Audit, style: NumberStyle) -> Vec<Sheet> {
    let text = |en: &str, vi: &str| Column::new(en, vi, ColumnKind::Text);
    let figures = |list: &[Figure]| {
        list.iter()
            .map(|f| figure_line(f, style))
            .collect::<Vec<_>>()
            .join("\n")
    };
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
                    CellValue::Text(format!("{}\n({})", f.message_vi, f.message)),
                    CellValue::Text(figures(&f.figures)),
                    CellValue::Text(arithmetic_cell(&f.arithmetic_vi, &f.arithmetic)),
                    CellValue::Text(match (&f.fix_vi, &f.fix) {
                        (Some(vi), Some(en)) => format!("{vi}\n({en})"),
                        _ => String::new(),
                    }),
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
                    CellValue::Text(format!("{}\n({})", p.message_vi, p.message)),
                    CellValue::Text(arithmetic_cell(&p.arithmetic_vi, &p.arithmetic)),
                ]
            })
            .collect(),
    };
    vec![findings, passed]
}
