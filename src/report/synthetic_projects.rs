//! Report of `ntm synthesize --projects`.

use rust_decimal::Decimal;

use super::{synthetic_banner, table};
use crate::synthesize::projects::ProjectsSummary;

/// Renders the synthetic-projects summary (English and Vietnamese labels).
pub fn render_projects_summary(s: &ProjectsSummary) -> String {
    let mut out = synthetic_banner(Some(&s.synthetic));
    out.push_str(&format!(
        "{}: {} candidate projects (dự án ứng viên) for {} unmet criteria (tiêu chí chưa đạt) in {} communes, seed {}\n\n",
        s.scenario, s.projects, s.gaps, s.communes, s.seed
    ));
    let mut rows: Vec<Vec<String>> = s
        .by_category
        .iter()
        .map(|c| vec![c.category.clone(), c.projects.to_string(), money(c.cost)])
        .collect();
    rows.push(vec![
        "total".into(),
        s.projects.to_string(),
        money(s.total_cost),
    ]);
    out.push_str(&table(
        &[
            "Category (nhóm dự án)",
            "Projects (số dự án)",
            "Cost, million VND (vốn, triệu đồng)",
        ],
        rows,
    ));
    out.push_str("\n\n");
    let c = &s.calibration;
    if c.criteria.is_empty() {
        out.push_str("Calibration (hiệu chỉnh): the scenario has no criterion targets.\n");
    } else if c.criteria.iter().all(|e| e.needed == 0) {
        out.push_str(
            "Calibration (hiệu chỉnh): the communes already meet every criterion target; nothing to calibrate.\n",
        );
    } else {
        out.push_str(&format!(
            "Calibration (hiệu chỉnh): cheapest way to the {} targets, greedy estimate (criteria first, then floors)\n",
            c.year.map_or(String::new(), |y| y.to_string())
        ));
        out.push_str(&table(
            &[
                "Criterion (tiêu chí)",
                "Met (đạt)",
                "Target (mục tiêu)",
                "Needed (cần thêm)",
                "Closed (đạt được)",
                "Cost, million VND",
            ],
            c.criteria
                .iter()
                .map(|e| {
                    vec![
                        format!("c{}", e.criterion),
                        e.met.to_string(),
                        e.target.normalize().to_string(),
                        e.needed.to_string(),
                        e.closed.to_string(),
                        money(e.cost),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
        if !c.floors.is_empty() {
            out.push_str(&table(
                &[
                    "Floor target (chỉ tiêu số xã)",
                    "Min criteria",
                    "Needed (cần thêm)",
                    "Closed (đạt được)",
                    "Cost, million VND",
                ],
                c.floors
                    .iter()
                    .map(|f| {
                        vec![
                            f.target.clone(),
                            f.min.to_string(),
                            f.needed.to_string(),
                            f.closed.to_string(),
                            money(f.cost),
                        ]
                    })
                    .collect(),
            ));
            out.push('\n');
        }
        out.push_str(&format!(
            "Greedy cost (chi phí ước tính): {} million VND in {} projects; fundable by eligible sources: {}\n",
            money(c.greedy_cost),
            c.projects,
            money(c.fundable)
        ));
        out.push_str(&format!(
            "State budget (ngân sách nhà nước): {}; all sources (tổng nguồn vốn): {}; greedy ÷ state budget: {} ({})\n",
            money(c.state_budget),
            money(c.budget),
            c.ratio.map_or("n/a".into(), |r| r.to_string()),
            if c.within_band {
                "within the calibration band"
            } else {
                "OUTSIDE the calibration band"
            }
        ));
        out.push_str("All targets after the greedy picks:\n");
        out.push_str(&table(
            &[
                "Target (chỉ tiêu)",
                "Target (mục tiêu)",
                "Achieved (đạt)",
                "Shortfall (thiếu)",
            ],
            c.targets_after
                .iter()
                .map(|t| {
                    vec![
                        t.name.clone(),
                        t.target.normalize().to_string(),
                        t.achieved.normalize().to_string(),
                        t.shortfall.normalize().to_string(),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    match &s.written {
        Some(path) => out.push_str(&format!("Wrote (đã ghi) {}\n", path.display())),
        None => out.push_str("Dry run: add --write to write projects.csv.\n"),
    }
    if !s.listed {
        out.push_str(
            "Note: scenario.toml lists no projects file; add `projects = \"projects.csv\"` so that check and plan read it.\n",
        );
    }
    out
}

/// Whole million VND with thousands separators, e.g. `1,234,567`.
fn money(amount: Decimal) -> String {
    let digits = amount.round_dp(0).abs().to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if amount.is_sign_negative() && !amount.round_dp(0).is_zero() {
        grouped.insert(0, '-');
    }
    grouped
}
