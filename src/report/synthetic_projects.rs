//! Report of `ntm synthesize --projects`.

use rust_decimal::Decimal;

use super::{format_value, synthetic_banner, table};
use crate::number::{format_count, format_trimmed, NumberStyle};
use crate::synthesize::projects::ProjectsSummary;

/// Renders the synthetic-projects summary (Vietnamese labels with English beside them):
/// money in whole million VND, numbers in `style`.
pub fn render_projects_summary(s: &ProjectsSummary, style: NumberStyle) -> String {
    let money = |amount: Decimal| format_trimmed(amount, 0, style);
    let count = |n: usize| format_count(n as u64, style);
    let mut out = synthetic_banner(Some(&s.synthetic));
    out.push_str(&format!(
        "{}: {} dự án ứng viên (candidate projects) cho {} tiêu chí chưa đạt (unmet criteria) ở {} xã (communes), seed {}\n\n",
        s.scenario,
        count(s.projects),
        count(s.gaps),
        count(s.communes),
        s.seed
    ));
    let mut rows: Vec<Vec<String>> = s
        .by_category
        .iter()
        .map(|c| vec![c.category.clone(), count(c.projects), money(c.cost)])
        .collect();
    rows.push(vec![
        "tổng (total)".into(),
        count(s.projects),
        money(s.total_cost),
    ]);
    out.push_str(&table(
        &[
            "Nhóm dự án (category)",
            "Số dự án (projects)",
            "Vốn, triệu đồng (cost, million VND)",
        ],
        rows,
    ));
    out.push_str("\n\n");
    let c = &s.calibration;
    if c.criteria.is_empty() {
        out.push_str("Hiệu chỉnh (calibration): kịch bản không có chỉ tiêu tiêu chí (the scenario has no criterion targets).\n");
    } else if c.criteria.iter().all(|e| e.needed == 0) {
        out.push_str(
            "Hiệu chỉnh (calibration): các xã đã đạt mọi chỉ tiêu tiêu chí, không cần hiệu chỉnh (the communes already meet every criterion target; nothing to calibrate).\n",
        );
    } else {
        out.push_str(&format!(
            "Hiệu chỉnh (calibration): cách rẻ nhất để đạt chỉ tiêu năm {}, ước tính tham lam: tiêu chí trước, rồi mức sàn (cheapest way to the targets, greedy estimate: criteria first, then floors)\n",
            c.year.map_or(String::new(), |y| y.to_string())
        ));
        out.push_str(&table(
            &[
                "Tiêu chí (criterion)",
                "Đạt (met)",
                "Mục tiêu (target)",
                "Cần thêm (needed)",
                "Đạt được (closed)",
                "Vốn, triệu đồng (cost, million VND)",
            ],
            c.criteria
                .iter()
                .map(|e| {
                    vec![
                        format!("c{}", e.criterion),
                        count(e.met as usize),
                        format_value(e.target, style),
                        count(e.needed as usize),
                        count(e.closed as usize),
                        money(e.cost),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
        if !c.floors.is_empty() {
            out.push_str(&table(
                &[
                    "Chỉ tiêu số xã (floor target)",
                    "Số tiêu chí tối thiểu (min criteria)",
                    "Cần thêm (needed)",
                    "Đạt được (closed)",
                    "Vốn, triệu đồng (cost, million VND)",
                ],
                c.floors
                    .iter()
                    .map(|f| {
                        vec![
                            f.target.clone(),
                            f.min.to_string(),
                            count(f.needed as usize),
                            count(f.closed as usize),
                            money(f.cost),
                        ]
                    })
                    .collect(),
            ));
            out.push('\n');
        }
        out.push_str(&format!(
            "Chi phí ước tính (greedy cost): {} triệu đồng (million VND) cho {} dự án (projects); nguồn vốn hợp lệ trả được (fundable by eligible sources): {}\n",
            money(c.greedy_cost),
            count(c.projects),
            money(c.fundable)
        ));
        out.push_str(&format!(
            "Ngân sách nhà nước (state budget): {}; tổng nguồn vốn (all sources): {}; ước tính ÷ ngân sách nhà nước (greedy ÷ state budget): {} ({})\n",
            money(c.state_budget),
            money(c.budget),
            c.ratio
                .map_or("không có (n/a)".into(), |r| format_trimmed(r, 2, style)),
            if c.within_band {
                "trong khoảng hiệu chỉnh, within the calibration band"
            } else {
                "NGOÀI khoảng hiệu chỉnh, OUTSIDE the calibration band"
            }
        ));
        out.push_str(
            "Mọi chỉ tiêu sau các lựa chọn ước tính (all targets after the greedy picks):\n",
        );
        out.push_str(&super::plan::targets_table(&c.targets_after, style));
        out.push('\n');
    }
    match &s.written {
        Some(path) => out.push_str(&format!("Đã ghi (wrote) {}\n", path.display())),
        None => out.push_str(
            "Chạy thử, chưa ghi: thêm --write để ghi projects.csv (dry run: add --write to write projects.csv).\n",
        ),
    }
    if !s.listed {
        out.push_str(
            "Lưu ý (note): scenario.toml chưa khai báo tệp dự án; thêm `projects = \"projects.csv\"` để check và plan đọc được (scenario.toml lists no projects file).\n",
        );
    }
    out
}
