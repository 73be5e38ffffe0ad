//! Sheets of a scenario's data (in the format `import-xlsx` reads back) and of an evaluation.

use rust_decimal::Decimal;

use super::{decimal_text, CellValue, Column, ColumnKind, Sheet};
use crate::evaluate::Evaluation;
use crate::scenario::{Must, Scenario, TargetKind};
use crate::whatif::drafting::Drafting;

/// Sheet name of the commune data, in import format.
pub const COMMUNES_SHEET: &str = "Dữ liệu xã (communes)";
/// Sheet name of the project list, in import format.
pub const PROJECTS_SHEET: &str = "Dự án (projects)";

fn flag(b: bool) -> CellValue {
    CellValue::Number(Decimal::from(u8::from(b)))
}

/// The communes with their raw status (1 met, 0 not), headers `Mã xã`, `Tên xã`, `Huyện`,
/// `TC1`..`TC19`, and where any commune has them `NC1`..`NC19`, `Kiểu mẫu`, `Đặc điểm`,
/// `Số thôn`, `Thôn đạt chuẩn`.
pub fn communes_sheet(scenario: &Scenario) -> Sheet {
    let communes = &scenario.communes;
    let criteria: Vec<u8> = scenario.catalog.criteria.iter().map(|c| c.id).collect();
    let any = |f: &dyn Fn(&crate::scenario::Commune) -> bool| communes.iter().any(f);
    let districts = any(&|c| c.district.is_some());
    let advanced = any(&|c| c.advanced_met.count() > 0);
    let model = any(&|c| c.model_conditions);
    let attributes = any(&|c| !c.attributes.is_empty());
    let villages = any(&|c| c.villages.is_some());
    let villages_standard = any(&|c| c.villages_standard.is_some());
    let mut columns = vec![
        Column::new("id", "Mã xã", ColumnKind::Text),
        Column::new("name", "Tên xã", ColumnKind::Text),
    ];
    if districts {
        columns.push(Column::new("district", "Huyện", ColumnKind::Text));
    }
    for id in &criteria {
        columns.push(Column::new(
            &format!("c{id}"),
            &format!("TC{id}"),
            ColumnKind::Count,
        ));
    }
    if advanced {
        for id in &criteria {
            columns.push(Column::new(
                &format!("a{id}"),
                &format!("NC{id}"),
                ColumnKind::Count,
            ));
        }
    }
    if model {
        columns.push(Column::new("model", "Kiểu mẫu", ColumnKind::Count));
    }
    if attributes {
        columns.push(Column::new("attributes", "Đặc điểm", ColumnKind::Text));
    }
    if villages {
        columns.push(Column::new("villages", "Số thôn", ColumnKind::Count));
    }
    if villages_standard {
        columns.push(Column::new(
            "villages_standard",
            "Thôn đạt chuẩn",
            ColumnKind::Count,
        ));
    }
    let count = |v: Option<u32>| v.map_or(CellValue::Empty, CellValue::from);
    let rows = communes
        .iter()
        .map(|c| {
            let mut row = vec![
                CellValue::Text(c.id.clone()),
                CellValue::Text(c.name.clone()),
            ];
            if districts {
                row.push(c.district.clone().map_or(CellValue::Empty, CellValue::Text));
            }
            row.extend(criteria.iter().map(|id| flag(c.met.contains(*id))));
            if advanced {
                row.extend(criteria.iter().map(|id| flag(c.advanced_met.contains(*id))));
            }
            if model {
                row.push(flag(c.model_conditions));
            }
            if attributes {
                let tags: Vec<&str> = c.attributes.iter().map(String::as_str).collect();
                row.push(CellValue::Text(tags.join(";")));
            }
            if villages {
                row.push(count(c.villages));
            }
            if villages_standard {
                row.push(count(c.villages_standard));
            }
            row
        })
        .collect();
    Sheet {
        name: COMMUNES_SHEET.into(),
        columns,
        rows,
    }
}

/// The candidate projects, headers `Mã dự án`, `Xã`, `Loại`, `Tổng mức đầu tư` (million
/// VND), `Từ năm`, `Đến năm`, `Tiêu chí` (`c2:0,4;c5:1`), `Bắt buộc`; `None` when the scenario
/// has no projects and names no projects file.
pub fn projects_sheet(scenario: &Scenario) -> Option<Sheet> {
    if scenario.projects.is_empty() && scenario.projects_file.is_none() {
        return None;
    }
    let text = |en: &str, vi: &str| Column::new(en, vi, ColumnKind::Text);
    let columns = vec![
        text("id", "Mã dự án"),
        text("commune", "Xã"),
        text("category", "Loại"),
        Column::new("cost", "Tổng mức đầu tư", ColumnKind::Money),
        Column::new("year_from", "Từ năm", ColumnKind::Text),
        Column::new("year_to", "Đến năm", ColumnKind::Text),
        text("gains", "Tiêu chí"),
        text("must", "Bắt buộc"),
    ];
    let year = |y: u16, open: u16| {
        if y == open {
            CellValue::Empty
        } else {
            CellValue::Text(y.to_string())
        }
    };
    let rows = scenario
        .projects
        .iter()
        .map(|p| {
            let gains: Vec<String> = p
                .gains
                .iter()
                .map(|g| format!("{}:{}", g.key(), decimal_text(g.fraction)))
                .collect();
            vec![
                CellValue::Text(p.id.clone()),
                scenario
                    .communes
                    .get(p.commune)
                    .map_or(CellValue::Empty, |c| CellValue::Text(c.id.clone())),
                CellValue::Text(p.category.to_string()),
                CellValue::Number(p.cost),
                year(p.year_from, 0),
                year(p.year_to, u16::MAX),
                CellValue::Text(gains.join(";")),
                match p.must {
                    Some(Must::Fund) => CellValue::Text("fund".into()),
                    Some(Must::Skip) => CellValue::Text("skip".into()),
                    None => CellValue::Empty,
                },
            ]
        })
        .collect();
    Some(Sheet {
        name: PROJECTS_SHEET.into(),
        columns,
        rows,
    })
}

/// The scenario's commune data and projects in import format.
pub fn scenario_sheets(scenario: &Scenario) -> Vec<Sheet> {
    let mut sheets = vec![communes_sheet(scenario)];
    sheets.extend(projects_sheet(scenario));
    sheets
}

/// The tables of `ntm evaluate`: summary, bands, criteria, districts (if any), communes, and the
/// commune data and projects in import format (so the workbook can be edited and imported back).
pub fn evaluation_sheets(e: &Evaluation, scenario: &Scenario) -> Vec<Sheet> {
    let s = &e.summary;
    let text = |en: &str, vi: &str| Column::new(en, vi, ColumnKind::Text);
    let mut summary_rows: Vec<Vec<CellValue>> = vec![
        vec!["Communes".into(), "Số xã".into(), s.communes.into()],
        vec![
            "At standard".into(),
            "Đạt chuẩn NTM".into(),
            s.standard.into(),
        ],
        vec![
            "At advanced".into(),
            "NTM nâng cao".into(),
            s.advanced.into(),
        ],
        vec!["At model".into(), "NTM kiểu mẫu".into(), s.model.into()],
        vec![
            "Average criteria per commune".into(),
            "Bình quân tiêu chí/xã".into(),
            crate::number::round_half_up(s.average_criteria, crate::number::AVERAGE_PLACES).into(),
        ],
    ];
    if let Some(note) = &e.synthetic {
        summary_rows.insert(
            0,
            vec![
                "SYNTHETIC DATA".into(),
                "Dữ liệu giả lập".into(),
                CellValue::Text(note.clone()),
            ],
        );
    }
    let mut sheets = vec![
        Sheet {
            name: "Tổng hợp (summary)".into(),
            columns: vec![
                text("Indicator", "Chỉ tiêu"),
                text("", "Tên chỉ tiêu"),
                Column::new("Value", "Giá trị", ColumnKind::Decimal),
            ],
            rows: summary_rows,
        },
        Sheet {
            name: "Nhóm tiêu chí (bands)".into(),
            columns: vec![
                text("Band", "Nhóm tiêu chí"),
                Column::new("Communes", "Số xã", ColumnKind::Count),
                Column::new("Share", "Tỷ lệ", ColumnKind::Percent),
            ],
            rows: s
                .bands
                .iter()
                .map(|(band, n)| {
                    let share = if s.communes == 0 {
                        Decimal::ZERO
                    } else {
                        Decimal::from(*n) / Decimal::from(s.communes)
                    };
                    vec![CellValue::Text(band.clone()), (*n).into(), share.into()]
                })
                .collect(),
        },
        Sheet {
            name: "Tiêu chí (criteria)".into(),
            columns: vec![
                Column::new("Criterion", "Tiêu chí số", ColumnKind::Count),
                text("Name", "Tên tiêu chí"),
                text("English name", "Tên tiếng Anh"),
                Column::new("Communes meeting", "Số xã đạt", ColumnKind::Count),
            ],
            rows: e
                .criteria
                .iter()
                .map(|c| {
                    vec![
                        u32::from(c.id).into(),
                        CellValue::Text(c.name_vi.clone()),
                        CellValue::Text(c.name_en.clone()),
                        c.met.into(),
                    ]
                })
                .collect(),
        },
    ];
    if !e.districts.is_empty() {
        sheets.push(Sheet {
            name: "Huyện (districts)".into(),
            columns: vec![
                text("District", "Huyện"),
                Column::new("Communes", "Số xã", ColumnKind::Count),
                Column::new("At standard", "Đạt chuẩn", ColumnKind::Count),
                Column::new(
                    "Average criteria",
                    "Bình quân tiêu chí",
                    ColumnKind::Decimal,
                ),
            ],
            rows: e
                .districts
                .iter()
                .map(|d| {
                    vec![
                        CellValue::Text(d.district.clone()),
                        d.summary.communes.into(),
                        d.summary.standard.into(),
                        crate::number::round_half_up(
                            d.summary.average_criteria,
                            crate::number::AVERAGE_PLACES,
                        )
                        .into(),
                    ]
                })
                .collect(),
        });
    }
    sheets.push(Sheet {
        name: "Đánh giá xã (evaluation)".into(),
        columns: vec![
            text("Commune", "Xã"),
            text("District", "Huyện"),
            Column::new("Criteria met", "Số tiêu chí đạt", ColumnKind::Count),
            text("Band", "Nhóm"),
            text("Tier", "Mức đạt"),
            text("Blocking next tier", "Tiêu chí còn thiếu"),
        ],
        rows: e
            .per_commune
            .iter()
            .map(|c| {
                let blocking: Vec<String> = c.blocking.iter().map(|id| format!("c{id}")).collect();
                vec![
                    CellValue::Text(c.name.clone()),
                    c.district.clone().map_or(CellValue::Empty, CellValue::Text),
                    c.criteria_met.into(),
                    CellValue::Text(c.band.clone()),
                    c.tier
                        .map_or(CellValue::Empty, |t| CellValue::Text(t.as_str().into())),
                    CellValue::Text(blocking.join(" ")),
                ]
            })
            .collect(),
    });
    if !scenario.targets.is_empty() {
        sheets.push(targets_sheet(e, scenario));
    }
    sheets.extend(scenario_sheets(scenario));
    sheets
}

/// The scenario's targets against the communes now, with the level of each (standard set, or a
/// criterion of the advanced set), named in Vietnamese and English. Under a catalog with commune
/// groups (QĐ 51/2025) a "Nhóm xã" column says whose communes each target counts, and the rows
/// come province-wide first, then group by group (scenario order within each).
fn targets_sheet(e: &Evaluation, scenario: &Scenario) -> Sheet {
    let text = |en: &str, vi: &str| Column::new(en, vi, ColumnKind::Text);
    let grouped = !scenario.catalog.groups.is_empty();
    let mut columns = vec![
        Column::new("Year", "Năm", ColumnKind::Count),
        text("Level", "Bộ tiêu chí"),
    ];
    if grouped {
        columns.push(text("Commune group", "Nhóm xã"));
    }
    columns.extend([
        text("Target (Vietnamese)", "Chỉ tiêu"),
        text("Target", "Chỉ tiêu (tiếng Anh)"),
        Column::new("Value", "Giá trị", ColumnKind::Decimal),
        Column::new("Now", "Hiện nay", ColumnKind::Decimal),
        text("Source", "Nguồn"),
    ]);
    let mut targets: Vec<&crate::scenario::Target> = scenario.targets.iter().collect();
    targets.sort_by_key(|t| t.group);
    Sheet {
        name: "Chỉ tiêu (targets)".into(),
        columns,
        rows: targets
            .into_iter()
            .map(|t| {
                let level = match t.kind {
                    TargetKind::LevelCriterion { level, .. } => level.as_str(),
                    _ => "standard",
                };
                let now = crate::outcome::achieved(t, e, &scenario.catalog)
                    - (crate::outcome::cumulative_band_target(
                        t,
                        &scenario.targets,
                        &scenario.catalog,
                    ) - t.value);
                let mut row = vec![u32::from(t.year).into(), CellValue::Text(level.into())];
                if grouped {
                    row.push(CellValue::Text(crate::scenario::group_scope(t.group)));
                }
                row.extend([
                    CellValue::Text(t.name_vi(&scenario.catalog)),
                    CellValue::Text(t.name(&scenario.catalog)),
                    t.value.into(),
                    now.into(),
                    CellValue::Text(t.source.clone()),
                ]);
                row
            })
            .collect(),
    }
}

/// Drafted targets (`ntm targets`) as a sheet: now, achievable, stretch and the phrases in
/// Vietnamese and English; with commune groups, a "Nhóm xã" column (the drafting lists the
/// province-wide targets first, then each group's).
pub fn drafting_sheet(d: &Drafting) -> Sheet {
    let text = |en: &str, vi: &str| Column::new(en, vi, ColumnKind::Text);
    let grouped = d.targets.iter().any(|t| t.group.is_some());
    let mut columns = Vec::new();
    if grouped {
        columns.push(text("Commune group", "Nhóm xã"));
    }
    columns.extend([
        Column::new("Now", "Hiện nay", ColumnKind::Decimal),
        Column::new("Achievable", "Có thể đạt", ColumnKind::Decimal),
        Column::new("Stretch", "Phấn đấu", ColumnKind::Decimal),
        text("Target (Vietnamese)", "Chỉ tiêu"),
        text("Target", "Chỉ tiêu (tiếng Anh)"),
    ]);
    Sheet {
        name: format!("Chỉ tiêu {} (targets)", d.year),
        columns,
        rows: d
            .targets
            .iter()
            .map(|t| {
                let mut row = Vec::new();
                if grouped {
                    row.push(CellValue::Text(crate::scenario::group_scope(t.group)));
                }
                row.extend([
                    t.baseline.into(),
                    t.achievable.into(),
                    t.stretch.map_or(CellValue::Empty, CellValue::Number),
                    CellValue::Text(t.phrase_vi.clone()),
                    CellValue::Text(t.phrase_en.clone()),
                ]);
                row
            })
            .collect(),
    }
}
