//! Report of `ntm allocate`: the division and the simulated outcome.

use rust_decimal::Decimal;

use super::{synthetic_banner, table};
use crate::outcome::TargetOutcome;
use crate::rules::{Allocation, Simulation};

/// A decimal without trailing zeros.
pub(crate) fn num(value: Decimal) -> String {
    value.normalize().to_string()
}

/// Targets against an outcome, as a table.
pub(crate) fn targets_table(targets: &[TargetOutcome]) -> String {
    table(
        &[
            "Target (chỉ tiêu)",
            "Year",
            "Target",
            "Achieved (đạt)",
            "Shortfall (thiếu)",
        ],
        targets
            .iter()
            .map(|t| {
                vec![
                    t.name.clone(),
                    t.year.to_string(),
                    num(t.target),
                    num(t.achieved),
                    num(t.shortfall),
                ]
            })
            .collect(),
    )
}

/// Renders an allocation and its simulation (English and Vietnamese labels).
pub fn render_allocation(a: &Allocation, s: &Simulation) -> String {
    let mut out = synthetic_banner(a.synthetic.as_deref());
    out.push_str(&format!(
        "Rule (quy tắc phân bổ): {} — {}\nSource (căn cứ): {}\n",
        a.rule, a.rule_title, a.rule_source
    ));
    if a.rule_has_assumptions {
        out.push_str(
            "Some values of this rule are ASSUMPTIONS (giả định), not law: see the rule file.\n",
        );
    }
    out.push_str(&format!(
        "Year (năm): {}   rounding unit (đơn vị làm tròn): {} million VND ({})\nMethod: {}\n",
        a.year,
        num(a.rounding_unit),
        a.rounding_basis,
        a.method
    ));
    if !a.skipped_sources.is_empty() {
        out.push_str(&format!(
            "Not in the scenario, skipped: {}\n",
            a.skipped_sources.join(", ")
        ));
    }
    out.push('\n');
    out.push_str(&table(
        &[
            "Source (nguồn vốn)",
            "Budget (kế hoạch)",
            "Set aside (giữ lại)",
            "Distributable",
            "Σ coefficients",
            "Per point (mỗi hệ số)*",
            "Floor/cap",
            "Allocated (đã phân bổ)",
            "Unallocated",
        ],
        a.sources
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    num(s.budget),
                    num(s.set_asides.values().sum()),
                    num(s.distributable),
                    num(s.total_weight),
                    num(s.per_weight),
                    format!(
                        "{}{}/{}",
                        s.floor.map_or("-".into(), |f| num(f.round_dp(4))),
                        if s.floor_lowered { " (lowered)" } else { "" },
                        s.cap.map_or("-".into(), num)
                    ),
                    num(s.allocated),
                    num(s.unallocated),
                ]
            })
            .collect(),
    ));
    out.push_str(&format!(
        "\n* money per coefficient point for communes no floor or cap holds\nTotal (tổng): budget {} = allocated {} + set aside {} + unallocated {} (million VND)\n\n",
        num(a.budget),
        num(a.allocated),
        num(a.set_aside),
        num(a.unallocated)
    ));
    let mut headers = vec![
        "Commune (xã)".to_string(),
        "Criteria".to_string(),
        "Coefficient (hệ số)".to_string(),
    ];
    headers.extend(
        a.sources
            .iter()
            .map(|s| format!("{} (coefficient × per point)", s.id)),
    );
    headers.push("Total (tổng)".into());
    if let Some(c) = &a.counterpart {
        headers.push(format!("Counterpart {} (đối ứng)", c.source));
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
                format!("{} ({})", num(c.coefficient), c.coefficient_basis),
            ];
            for s in &a.sources {
                let share = &c.amounts[&s.id];
                row.push(match share.limited {
                    Some(limit) => format!("{limit} → {}", num(share.amount)),
                    None => format!(
                        "{} × {} = {} → {}",
                        num(c.coefficient),
                        num(s.per_weight),
                        num(share.exact),
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
            "\nCounterpart (vốn đối ứng) from {}: ratio {} ({}); required {}, available {}, granted {}, shortfall {}\n",
            c.source,
            num(c.ratio),
            c.basis,
            num(c.required),
            num(c.available),
            num(c.granted),
            num(c.shortfall)
        ));
    }
    out.push('\n');
    out.push_str(&render_simulation(s));
    out
}

/// Renders a simulation: what the communes do with the money.
pub fn render_simulation(s: &Simulation) -> String {
    let mut out = format!(
        "Simulation (mô phỏng), {}: {}\n\nCommunes at standard (số xã đạt chuẩn): {} → {}\nCriteria met (tổng tiêu chí đạt): {} → {}\nMoney given (vốn được giao) {}, spent (đã chi) {}, unused (chưa sử dụng) {} million VND\n\n",
        s.year,
        s.policy,
        s.standard_before,
        s.standard,
        s.criteria_before,
        s.criteria_met,
        num(s.available),
        num(s.spent),
        num(s.unused)
    );
    out.push_str(&table(
        &[
            "Commune (xã)",
            "Money (vốn)",
            "Spent (đã chi)",
            "Criteria (tiêu chí)",
            "Standard",
            "Projects funded (dự án)",
        ],
        s.per_commune
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    num(c.available),
                    num(c.spent),
                    format!("{} → {}", c.criteria_before, c.criteria_after),
                    if c.standard_after { "yes" } else { "no" }.into(),
                    c.projects.join(" "),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    if !s.targets.is_empty() {
        out.push('\n');
        out.push_str(&targets_table(&s.targets));
        out.push('\n');
    }
    out
}
