//! The legal frame the plan document cites (căn cứ pháp lý) and the groups its criteria are
//! stated under (nhóm tiêu chí). Law as data: each entry names where it comes from.

/// A group of commune criteria, as the national set lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CriterionGroup {
    /// Heading as the documents write it.
    pub heading: &'static str,
    /// Criteria in the group.
    pub criteria: &'static [u8],
}

/// QĐ 318/QĐ-TTg (08/03/2022), Phụ lục I: the 19 criteria in five groups, I. Quy hoạch (1);
/// II. Hạ tầng kinh tế - xã hội (2-9); III. Kinh tế và tổ chức sản xuất (10-13); IV. Văn hóa -
/// xã hội - môi trường (14-17); V. Hệ thống chính trị (18-19). QĐ 211/QĐ-TTg (2024) amends
/// thresholds, not the grouping. The plans write their per-criterion targets under the same
/// headings (seeds 000 §II.2-§II.9, 002 §III.2-§III.4).
const QD318_GROUPS: &[CriterionGroup] = &[
    CriterionGroup {
        heading: "Quy hoạch",
        criteria: &[1],
    },
    CriterionGroup {
        heading: "Hạ tầng kinh tế - xã hội",
        criteria: &[2, 3, 4, 5, 6, 7, 8, 9],
    },
    CriterionGroup {
        heading: "Kinh tế và tổ chức sản xuất",
        criteria: &[10, 11, 12, 13],
    },
    CriterionGroup {
        heading: "Văn hóa - xã hội - môi trường",
        criteria: &[14, 15, 16, 17],
    },
    CriterionGroup {
        heading: "Hệ thống chính trị",
        criteria: &[18, 19],
    },
];

/// Heading used when a catalog's grouping is not known: every criterion under one heading.
pub const UNGROUPED: &str = "Các tiêu chí";

/// The criterion groups of a catalog, or `None` when its grouping is not recorded here.
pub fn groups(catalog_id: &str) -> Option<&'static [CriterionGroup]> {
    match catalog_id {
        "qd318-2022" | "qd211-2024" => Some(QD318_GROUPS),
        _ => None,
    }
}

/// The group heading of a criterion.
pub fn group_of(catalog_id: &str, criterion: u8) -> &'static str {
    groups(catalog_id)
        .and_then(|gs| gs.iter().find(|g| g.criteria.contains(&criterion)))
        .map_or(UNGROUPED, |g| g.heading)
}

/// Legal bases every NTM plan of 2021-2025 cites, in the order the seeds cite them (seeds 000
/// and 002, "Căn cứ …" paragraphs).
const PROGRAM_BASES: &[&str] = &[
    "Căn cứ Quyết định số 263/QĐ-TTg ngày 22/02/2022 của Thủ tướng Chính phủ phê duyệt Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021-2025;",
    "Căn cứ Nghị định số 27/2022/NĐ-CP ngày 19/4/2022 của Chính phủ quy định cơ chế quản lý, tổ chức thực hiện các chương trình mục tiêu quốc gia;",
];

/// The criteria decision of a catalog, as the seeds cite it.
fn catalog_basis(catalog_id: &str) -> Option<&'static str> {
    match catalog_id {
        "qd318-2022" => Some(
            "Căn cứ Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ ban hành Bộ tiêu chí quốc gia về xã nông thôn mới và Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai đoạn 2021-2025;",
        ),
        "qd211-2024" => Some(
            "Căn cứ Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ ban hành Bộ tiêu chí quốc gia về xã nông thôn mới và Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai đoạn 2021-2025, được sửa đổi, bổ sung tại Quyết định số 211/QĐ-TTg ngày 01/3/2024 của Thủ tướng Chính phủ;",
        ),
        _ => None,
    }
}

/// Legal bases of a plan of 2026-2030 (QĐ 51/2025/QĐ-TTg): the merged national target program
/// of 2026-2035 approved by NQ 257/2025/QH15 (11/12/2025), the Government's plan to carry it
/// out, NQ 424/NQ-CP (30/12/2025), and the criteria decision itself. Dates and titles as
/// docs/qd51-2025-sources.md quotes them (S1, S9).
const PROGRAM_BASES_2026: &[&str] = &[
    "Căn cứ Nghị quyết số 257/2025/QH15 ngày 11/12/2025 của Quốc hội phê duyệt chủ trương đầu tư Chương trình mục tiêu quốc gia xây dựng nông thôn mới, giảm nghèo bền vững và phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2026 - 2035;",
    "Căn cứ Nghị quyết số 424/NQ-CP ngày 30/12/2025 của Chính phủ ban hành Kế hoạch triển khai thực hiện Nghị quyết số 257/2025/QH15;",
    "Căn cứ Quyết định số 51/2025/QĐ-TTg ngày 29/12/2025 của Thủ tướng Chính phủ ban hành Bộ tiêu chí quốc gia về nông thôn mới giai đoạn 2026 - 2030;",
];

/// The legal bases for a plan under `catalog_id` (a province file passes the national id it
/// extends). An allocation rule is cited where it is applied (section IV), not here: the
/// shipped rules carry assumed values.
pub fn legal_bases(catalog_id: &str, catalog_source: &str) -> Vec<String> {
    if catalog_id == "qd51-2025" {
        return PROGRAM_BASES_2026.iter().map(|s| s.to_string()).collect();
    }
    let mut bases: Vec<String> = PROGRAM_BASES.iter().map(|s| s.to_string()).collect();
    bases.push(
        catalog_basis(catalog_id)
            .map(str::to_string)
            .unwrap_or_else(|| format!("Căn cứ {catalog_source};")),
    );
    bases
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_criterion_of_qd318_is_in_exactly_one_group() {
        let groups = groups("qd318-2022").unwrap();
        let mut all: Vec<u8> = groups.iter().flat_map(|g| g.criteria.to_vec()).collect();
        all.sort_unstable();
        assert_eq!(all, (1..=19).collect::<Vec<u8>>());
        assert_eq!(group_of("qd318-2022", 9), "Hạ tầng kinh tế - xã hội");
        assert_eq!(group_of("qd318-2022", 13), "Kinh tế và tổ chức sản xuất");
        assert_eq!(group_of("qd318-2022", 17), "Văn hóa - xã hội - môi trường");
        assert_eq!(group_of("qd318-2022", 19), "Hệ thống chính trị");
        assert_eq!(group_of("other", 2), UNGROUPED);
    }
}
