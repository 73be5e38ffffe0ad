//! The answer of `ntm plan --why PROJECT` for people (vì sao dự án được / không được chọn),
//! rendered from the same [`Why`] value `--json` prints.

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

use super::plan::status_label;
use super::{synthetic_banner, table};
use crate::number::{format_money, format_trimmed, NumberStyle};
use crate::plan::Objective;
use crate::whatif::why::{Verdict, Why};

/// The objective's value as a number of its unit (communes, criteria, million VND).
fn objective_text(objective: Objective, value: f64, style: NumberStyle) -> String {
    let value = Decimal::from_f64(value).unwrap_or_default();
    match objective {
        Objective::MaxStandard => format!(
            "{} xã đạt chuẩn (communes at standard)",
            format_trimmed(value, 2, style)
        ),
        Objective::MaxCriteria => format!(
            "{} tiêu chí (criteria met)",
            format_trimmed(value, 2, style)
        ),
        Objective::MinCost => format!(
            "{} triệu đồng vốn ngân sách (million VND of state budget)",
            format_money(value, style)
        ),
    }
}

/// The answer as text.
pub fn render_why(why: &Why, style: NumberStyle) -> String {
    let money = |d: Decimal| format_money(d, style);
    let mut out = synthetic_banner(why.synthetic.as_deref());
    out.push_str(&format!(
        "Vì sao (why): dự án {} ở xã {} ({}), nhóm (category) {}, {} triệu đồng (million VND), nâng (gains) {}\n",
        why.project,
        why.commune_name,
        why.commune,
        why.category,
        money(why.cost),
        why.gains.join(", ")
    ));
    out.push_str(&format!(
        "Kế hoạch (plan): {}; {}\n",
        objective_text(why.plan_objective, why.plan_value, style),
        status_label(why.plan_status)
    ));
    out.push_str(&format!("Trả lời (answer): {}\n", why.reason));
    match &why.verdict {
        Verdict::Funded { funding, .. } => {
            out.push('\n');
            out.push_str(&table(
                &["Nguồn vốn (capital source)", "Triệu đồng (million VND)"],
                funding
                    .iter()
                    .map(|(id, amount)| vec![id.clone(), money(*amount)])
                    .collect(),
            ));
            out.push('\n');
        }
        Verdict::Dominated { by, cost, funded } => out.push_str(&format!(
            "Dự án rẻ hơn (cheaper project): {by}, {} triệu đồng (million VND), {}\n",
            money(*cost),
            if *funded {
                "được cấp vốn (funded)"
            } else {
                "chưa được cấp vốn (not funded)"
            }
        )),
        Verdict::CommuneShort {
            lacking,
            cost,
            left,
        } => {
            let lacking: Vec<String> = lacking.iter().map(|k| format!("c{k}")).collect();
            out.push_str(&format!(
                "Xã còn thiếu sau kế hoạch (lacking after the plan): {}\n",
                lacking.join(", ")
            ));
            match cost {
                Some(cost) => out.push_str(&format!(
                    "Hoàn thành rẻ nhất (cheapest completion): {} triệu đồng; vốn còn lại (money left): {} triệu đồng (million VND)\n",
                    money(*cost),
                    money(*left)
                )),
                None => out.push_str(
                    "Không dự án ứng viên nào hoàn thành được (no candidate projects can close them)\n",
                ),
            }
        }
        _ => {}
    }
    if !matches!(why.verdict, Verdict::Funded { .. }) && !why.sources.is_empty() {
        out.push_str("\nNguồn vốn được phép chi cho dự án, trong các năm của nó (sources that may fund it, in its years), triệu đồng (million VND):\n");
        out.push_str(&table(
            &[
                "Nguồn vốn (capital source)",
                "Kế hoạch (budget)",
                "Sử dụng (spent)",
                "Còn lại (left)",
            ],
            why.sources
                .iter()
                .map(|s| vec![s.id.clone(), money(s.budget), money(s.spent), money(s.left)])
                .collect(),
        ));
        out.push('\n');
    }
    if let Some(forced) = &why.forced {
        out.push_str("\nNếu bắt buộc cấp vốn cho dự án (with the project forced in):\n");
        match (forced.objective_with, forced.objective_loss) {
            (Some(with), Some(loss)) => out.push_str(&format!(
                "  trong số vốn hiện có (within the budgets): {}; thay đổi (change) {}\n",
                objective_text(why.plan_objective, with, style),
                format_trimmed(Decimal::from_f64(-loss).unwrap_or_default(), 2, style)
            )),
            _ => out.push_str(
                "  trong số vốn hiện có: không đạt mọi chỉ tiêu (within the budgets: the targets cannot all be met)\n",
            ),
        }
        match forced.extra_total {
            Some(total) => {
                let by: Vec<String> = forced
                    .extra_by_source
                    .iter()
                    .filter(|(_, v)| !v.is_zero())
                    .map(|(id, v)| format!("{id} {}", money(*v)))
                    .collect();
                out.push_str(&format!(
                    "  vốn cần thêm để giữ nguyên kết quả kế hoạch (extra money that keeps the plan's results): {} triệu đồng (million VND){}{}\n",
                    money(total),
                    if by.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", by.join(", "))
                    },
                    if forced.proven {
                        ""
                    } else {
                        " (tốt nhất tìm được, chưa chứng minh; best found, not proven)"
                    }
                ));
            }
            None => out.push_str(
                "  không danh mục dự án nào giữ được kết quả kế hoạch (no project list keeps the plan's results)\n",
            ),
        }
    }
    out
}
