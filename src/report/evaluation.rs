//! Report of `ntm evaluate`.

use super::{synthetic_banner, table};
use crate::evaluate::Evaluation;

/// Renders an evaluation as text tables (English and Vietnamese labels).
pub fn render_evaluation(e: &Evaluation, per_commune: bool) -> String {
    let mut out = synthetic_banner(e.synthetic.as_deref());
    let s = &e.summary;
    out.push_str(&format!(
        "Communes (số xã): {}   standard (đạt chuẩn NTM): {}   advanced (nâng cao): {}   model (kiểu mẫu): {}\nAverage criteria per commune (bình quân tiêu chí/xã): {:.2}\n\n",
        s.communes,
        s.standard,
        s.advanced,
        s.model,
        s.average_criteria
    ));
    out.push_str(&table(
        &["Band (nhóm tiêu chí)", "Communes (số xã)"],
        s.bands
            .iter()
            .map(|(b, n)| vec![b.clone(), n.to_string()])
            .collect(),
    ));
    out.push_str("\n\n");
    out.push_str(&table(
        &["Criterion", "Tiêu chí", "Communes meeting (số xã đạt)"],
        e.criteria
            .iter()
            .map(|c| {
                vec![
                    format!("c{} {}", c.id, c.name_en),
                    c.name_vi.clone(),
                    format!("{}/{}", c.met, s.communes),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    if !e.level_targets.is_empty() {
        out.push_str("\nTargets on criteria of the advanced set, QĐ 318 Phụ lục II (chỉ tiêu tiêu chí nâng cao):\n");
        out.push_str(&table(
            &[
                "Advanced criterion",
                "Tiêu chí nâng cao",
                "Year (năm)",
                "Target (chỉ tiêu)",
                "Now (hiện nay)",
                "Source (nguồn)",
            ],
            e.level_targets
                .iter()
                .map(|t| {
                    vec![
                        format!("{} c{} {}", t.level.as_str(), t.criterion, t.name_en),
                        t.name_vi.clone(),
                        t.year.to_string(),
                        t.target.normalize().to_string(),
                        format!("{}/{}", t.now, s.communes),
                        t.source.clone(),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    if !e.indicators.is_empty() {
        out.push_str("\nCriteria decided from indicator values (tiêu chí theo chỉ tiêu):\n");
        out.push_str(&table(
            &[
                "Commune (xã)",
                "Decision (kết luận)",
                "Source of the threshold (căn cứ)",
            ],
            e.indicators
                .iter()
                .map(|i| {
                    vec![
                        i.name.clone(),
                        i.text.clone(),
                        i.decision.threshold_source.clone(),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    if !e.districts.is_empty() {
        out.push('\n');
        out.push_str(&table(
            &[
                "District (huyện)",
                "Communes",
                "Standard",
                "Average criteria",
            ],
            e.districts
                .iter()
                .map(|d| {
                    vec![
                        d.district.clone(),
                        d.summary.communes.to_string(),
                        d.summary.standard.to_string(),
                        format!("{:.2}", d.summary.average_criteria),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    if per_commune {
        out.push('\n');
        out.push_str(&table(
            &[
                "Commune (xã)",
                "District",
                "Criteria",
                "Band",
                "Tier",
                "Blocking next tier (tiêu chí còn thiếu)",
            ],
            e.per_commune
                .iter()
                .map(|c| {
                    let mut blocking: Vec<String> =
                        c.blocking.iter().map(|id| format!("c{id}")).collect();
                    if c.blocking_model_conditions {
                        blocking.push("QĐ 319 conditions".into());
                    }
                    let prefix = match c.next_tier {
                        Some(t) if !blocking.is_empty() => format!("{}: ", t.as_str()),
                        _ => String::new(),
                    };
                    vec![
                        c.name.clone(),
                        c.district.clone().unwrap_or_default(),
                        c.criteria_met.to_string(),
                        c.band.clone(),
                        c.tier.map_or("-".into(), |t| t.as_str().to_string()),
                        format!("{prefix}{}", blocking.join(" ")),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    out
}
