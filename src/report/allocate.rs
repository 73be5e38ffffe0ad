//! Report of `ntm allocate`: the division and the simulated outcome.

use rust_decimal::Decimal;

use super::plan::targets_table;
use super::{document_places, synthetic_banner, table};
use crate::number::{format_count, format_trimmed, NumberStyle};
use crate::rules::{Allocation, Simulation};

/// Places of the coefficients (hệ số) a rule gives communes, and of money per point.
const COEFFICIENT_PLACES: u32 = 4;

/// Renders an allocation and its simulation (Vietnamese labels with English beside them):
/// money at the precision of the budgets and the rule's rounding unit, grouped in `style`.
pub fn render_allocation(a: &Allocation, s: &Simulation, style: NumberStyle) -> String {
    let places = document_places(
        std::iter::once(a.rounding_unit)
            .chain(a.sources.iter().map(|s| s.budget))
            .chain(std::iter::once(a.budget)),
    );
    let num = |value: Decimal| format_trimmed(value, places, style);
    let fine = |value: Decimal| format_trimmed(value, COEFFICIENT_PLACES.max(places), style);
    let mut out = synthetic_banner(a.synthetic.as_deref());
    out.push_str(&format!(
        "Quy tắc phân bổ (rule): {} — {}\nCăn cứ (source): {}\n",
        a.rule, a.rule_title, a.rule_source
    ));
    if a.rule_has_assumptions {
        out.push_str(
            "Một số giá trị của quy tắc này là GIẢ ĐỊNH (ASSUMPTIONS), không phải quy định: xem tệp quy tắc (see the rule file).\n",
        );
    }
    out.push_str(&format!(
        "Năm (year): {}   đơn vị làm tròn (rounding unit): {} triệu đồng (million VND) ({})\nCách tính (method): {}\n",
        a.year,
        num(a.rounding_unit),
        a.rounding_basis,
        a.method
    ));
    if !a.skipped_sources.is_empty() {
        out.push_str(&format!(
            "Không có trong kịch bản, bỏ qua (not in the scenario, skipped): {}\n",
            a.skipped_sources.join(", ")
        ));
    }
    out.push('\n');
    out.push_str(&table(
        &[
            "Nguồn vốn (source)",
            "Kế hoạch (budget)",
            "Giữ lại (set aside)",
            "Được phân bổ (distributable)",
            "Tổng hệ số (Σ coefficients)",
            "Mỗi hệ số (per point)*",
            "Sàn/trần (floor/cap)",
            "Đã phân bổ (allocated)",
            "Chưa phân bổ (unallocated)",
        ],
        a.sources
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    num(s.budget),
                    num(s.set_asides.values().sum()),
                    num(s.distributable),
                    fine(s.total_weight),
                    fine(s.per_weight),
                    format!(
                        "{}{}/{}",
                        s.floor.map_or("-".into(), fine),
                        if s.floor_lowered {
                            " (hạ xuống, lowered)"
                        } else {
                            ""
                        },
                        s.cap.map_or("-".into(), num)
                    ),
                    num(s.allocated),
                    num(s.unallocated),
                ]
            })
            .collect(),
    ));
    out.push_str(&format!(
        "\n* vốn cho mỗi điểm hệ số của các xã không bị sàn hay trần giới hạn (money per coefficient point for communes no floor or cap holds)\nTổng (total), triệu đồng (million VND): kế hoạch (budget) {} = đã phân bổ (allocated) {} + giữ lại (set aside) {} + chưa phân bổ (unallocated) {}\n\n",
        num(a.budget),
        num(a.allocated),
        num(a.set_aside),
        num(a.unallocated)
    ));
    let mut headers = vec![
        "Xã (commune)".to_string(),
        "Số tiêu chí (criteria)".to_string(),
        "Hệ số (coefficient)".to_string(),
    ];
    headers.extend(
        a.sources
            .iter()
            .map(|s| format!("{} (hệ số × mỗi hệ số, coefficient × per point)", s.id)),
    );
    headers.push("Tổng (total)".into());
    if let Some(c) = &a.counterpart {
        headers.push(format!("Đối ứng (counterpart) {}", c.source));
    }
    let rows = a
        .communes
        .iter()
        .map(|c| {
            let mut row = vec![
                c.name.clone(),
                format!(
                    "{}{}",
                    c.criteria_met,
                    if c.tier.is_some() { " (NTM)" } else { "" }
                ),
                format!(
                    "{}: {}\n({})",
                    fine(c.coefficient),
                    c.coefficient_basis_vi,
                    c.coefficient_basis
                ),
            ];
            for s in &a.sources {
                let share = &c.amounts[&s.id];
                row.push(match share.limited {
                    Some(limit) => format!("{limit} → {}", num(share.amount)),
                    None => format!(
                        "{} × {} = {} → {}",
                        fine(c.coefficient),
                        fine(s.per_weight),
                        fine(share.exact),
                        num(share.amount)
                    ),
                });
            }
            row.push(num(c.total));
            if a.counterpart.is_some() {
                row.push(num(c.counterpart));
            }
            row
        })
        .collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    out.push_str(&table(&header_refs, rows));
    out.push('\n');
    if let Some(c) = &a.counterpart {
        out.push_str(&format!(
            "\nVốn đối ứng (counterpart) từ (from) {}: tỷ lệ (ratio) {} ({}); cần (required) {}, có (available) {}, bố trí (granted) {}, thiếu (shortfall) {}\n",
            c.source,
            fine(c.ratio),
            c.basis,
            num(c.required),
            num(c.available),
            num(c.granted),
            num(c.shortfall)
        ));
    }
    out.push('\n');
    out.push_str(&render_simulation(s, places, style));
    out
}

/// Renders a simulation: what the communes do with the money, money at `places` decimals.
pub fn render_simulation(s: &Simulation, places: u32, style: NumberStyle) -> String {
    let num = |value: Decimal| format_trimmed(value, places, style);
    let count = |n: u64| format_count(n, style);
    let mut out = format!(
        "Mô phỏng (simulation), {}: {}\n\nSố xã đạt chuẩn (communes at standard): {} → {}\nTổng tiêu chí đạt (criteria met): {} → {}\nVốn được giao (money given) {}, đã chi (spent) {}, chưa sử dụng (unused) {} triệu đồng (million VND)\n\n",
        s.year,
        s.policy,
        count(s.standard_before as u64),
        count(s.standard as u64),
        count(u64::from(s.criteria_before)),
        count(u64::from(s.criteria_met)),
        num(s.available),
        num(s.spent),
        num(s.unused)
    );
    out.push_str(&table(
        &[
            "Xã (commune)",
            "Vốn (money)",
            "Đã chi (spent)",
            "Tiêu chí (criteria)",
            "Đạt chuẩn (standard)",
            "Dự án được cấp vốn (projects funded)",
        ],
        s.per_commune
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    num(c.available),
                    num(c.spent),
                    format!("{} → {}", c.criteria_before, c.criteria_after),
                    if c.standard_after {
                        "có (yes)"
                    } else {
                        "không (no)"
                    }
                    .into(),
                    c.projects.join(" "),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    if !s.targets.is_empty() {
        out.push('\n');
        out.push_str(&targets_table(&s.targets, style));
        out.push('\n');
    }
    out
}
