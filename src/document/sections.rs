//! Content stage, part two: the document's text, phrased as the seed plans phrase it ("có 39/94
//! xã đạt chuẩn", "thêm N xã, nâng tổng số lên X/Y xã"), from the [`Facts`] alone.

use rust_decimal::Decimal;

use crate::catalog::{Catalog, TierId};
use crate::number::{format_count, format_fixed, format_money, format_trimmed, NumberStyle};
use crate::scenario::{SourceKind, TargetKind};

use super::facts::is_assumption;
use super::law;
use super::outline::{
    Block, Column, CommuneLine, Facts, HeaderBlock, Table, TargetLine, TargetOrigin,
};
use crate::receipt::Receipt;

const VI: NumberStyle = NumberStyle::Vietnamese;

/// Who issues the draft and where.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// Governing body (`Ủy ban nhân dân`).
    pub body: String,
    /// Area in ordinary case, e.g. `Tỉnh Lai Châu`, `Huyện Mường Tè`.
    pub area: String,
    /// Place of the date line, e.g. `Lai Châu`.
    pub place: String,
}

impl Issuer {
    /// The people's committee of the scenario's province.
    pub fn of_province(province: &str) -> Issuer {
        let name = strip_prefix_ci(province, "tỉnh ")
            .unwrap_or(province)
            .trim();
        Issuer {
            body: "Ủy ban nhân dân".into(),
            area: format!("Tỉnh {name}"),
            place: name.to_string(),
        }
    }

    /// The area in running text: `tỉnh Lai Châu`.
    fn area_in_text(&self) -> String {
        lower_first(&self.area)
    }

    /// The kind of area alone: `tỉnh`, `huyện`.
    fn area_kind(&self) -> String {
        lower_first(self.area.split_whitespace().next().unwrap_or("tỉnh"))
    }
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    (head.to_lowercase() == prefix).then(|| &text[prefix.len()..])
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn count(n: usize) -> String {
    format_count(n as u64, VI)
}

fn money(v: Decimal) -> String {
    format_money(v, VI)
}

fn pct(v: Decimal) -> String {
    format_fixed(v, 1, VI)
}

fn avg(v: Decimal) -> String {
    format_trimmed(v, 2, VI)
}

fn whole(v: Decimal) -> String {
    format_trimmed(v, 2, VI)
}

/// `năm 2023` or `giai đoạn 2021-2025`.
pub fn period(years: &[u16]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("giai đoạn {a}-{b}"),
        (Some(a), _) => format!("năm {a}"),
        _ => "năm kế hoạch".into(),
    }
}

fn tier_vi(tier: Option<TierId>) -> &'static str {
    match tier {
        None => "Chưa đạt chuẩn",
        Some(TierId::Standard) => "Đạt chuẩn",
        Some(TierId::Advanced) => "Nâng cao",
        Some(TierId::Model) => "Kiểu mẫu",
    }
}

/// The header block.
pub fn header(facts: &Facts, issuer: &Issuer) -> HeaderBlock {
    HeaderBlock {
        issuer_parent: issuer.body.to_uppercase(),
        issuer: issuer.area.to_uppercase(),
        number: "Số:        /KH-UBND".into(),
        motto_country: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
        motto: "Độc lập - Tự do - Hạnh phúc".into(),
        place_date: format!(
            "{}, ngày      tháng      năm {}",
            issuer.place,
            facts.years.first().copied().unwrap_or(facts.baseline_year)
        ),
        kind: "KẾ HOẠCH".into(),
        title: format!(
            "Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới {} {}",
            issuer.area_in_text(),
            period(&facts.years)
        ),
    }
}

/// The body, appendices and closing note.
pub fn blocks(facts: &Facts, issuer: &Issuer, receipt: &Receipt, catalog: &Catalog) -> Vec<Block> {
    let mut out = preamble(facts, issuer);
    out.extend(status(facts, issuer, catalog));
    out.extend(targets(facts, issuer, catalog));
    out.extend(tasks(facts, catalog));
    out.extend(funding(facts));
    out.extend(closing(facts, issuer));
    out.extend(appendices(facts));
    out.extend(note(facts, receipt));
    out
}

fn heading(level: u8, text: impl Into<String>) -> Block {
    Block::Heading {
        level,
        text: text.into(),
    }
}

fn para(text: impl Into<String>) -> Block {
    Block::Paragraph { text: text.into() }
}

fn item(text: impl Into<String>) -> Block {
    Block::Item { text: text.into() }
}

fn note_block(text: impl Into<String>) -> Block {
    Block::Note { text: text.into() }
}

/// `a)`, `b)`, … for the n-th level-3 heading.
fn letter(i: usize) -> char {
    (b'a' + (i % 26) as u8) as char
}

fn preamble(facts: &Facts, issuer: &Issuer) -> Vec<Block> {
    let mut out: Vec<Block> = facts.legal_bases.iter().map(para).collect();
    out.push(para(format!(
        "{} {} ban hành Kế hoạch thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới {} trên địa bàn {} với các nội dung như sau:",
        issuer.body,
        issuer.area_in_text(),
        period(&facts.years),
        issuer.area_kind(),
    )));
    out
}

fn status(facts: &Facts, issuer: &Issuer, catalog: &Catalog) -> Vec<Block> {
    let st = &facts.status;
    let n = st.communes;
    let mut out = vec![heading(
        1,
        format!("I. KẾT QUẢ THỰC HIỆN ĐẾN HẾT NĂM {}", facts.baseline_year),
    )];
    if n == 0 {
        out.push(para("Chưa có số liệu hiện trạng các xã."));
        return out;
    }
    out.push(heading(2, "1. Kết quả chung"));
    // A set whose one higher tier is not "nâng cao" (QĐ 51/2025: the modern-commune pilot) names
    // it as its catalog does.
    let only_higher = catalog
        .tier(TierId::Advanced)
        .filter(|_| catalog.tier(TierId::Model).is_none());
    let lower_first = |name: &str| {
        let mut chars = name.chars();
        chars.next().map_or_else(String::new, |c| {
            c.to_lowercase().chain(chars).collect::<String>()
        })
    };
    let higher = if let Some(tier) = only_higher {
        if st.advanced == 0 {
            format!("chưa có {}", lower_first(&tier.name_vi))
        } else {
            format!(
                "trong đó có {} {}",
                count(st.advanced),
                lower_first(&tier.name_vi)
            )
        }
    } else if st.advanced == 0 && st.model == 0 {
        "chưa có xã đạt chuẩn nông thôn mới nâng cao, kiểu mẫu".to_string()
    } else {
        format!(
            "trong đó có {} xã đạt chuẩn nông thôn mới nâng cao, {} xã đạt chuẩn nông thôn mới kiểu mẫu",
            count(st.advanced),
            count(st.model)
        )
    };
    out.push(para(format!(
        "Đến hết năm {}, toàn {} có {}/{} xã đạt chuẩn nông thôn mới, chiếm tỷ lệ {}%; {}. Bình quân đạt {} tiêu chí/xã.",
        facts.baseline_year,
        issuer.area_kind(),
        count(st.standard),
        count(n),
        pct(st.standard_percent),
        higher,
        avg(st.average_criteria),
    )));
    for b in &st.bands {
        let label = band_label(&b.band);
        out.push(item(if b.communes == 0 {
            format!("{label}: không có xã;")
        } else {
            format!("{label}: {} xã;", count(b.communes))
        }));
    }
    out.push(heading(2, "2. Kết quả thực hiện các tiêu chí"));
    let groups = groups_in_order(st.criteria.iter().map(|c| c.group.as_str()), catalog);
    for (i, group) in groups.iter().enumerate() {
        out.push(heading(3, format!("{}) {group}", letter(i))));
        for c in st.criteria.iter().filter(|c| c.group == *group) {
            out.push(item(format!(
                "Tiêu chí số {} về {}: có {}/{} xã đạt chuẩn, chiếm tỷ lệ {}%{}.",
                c.id,
                c.name_vi,
                count(c.met),
                count(n),
                pct(c.percent),
                if c.assumed {
                    " (số liệu giả định)"
                } else {
                    ""
                }
            )));
        }
    }
    if let Some(synthetic) = &facts.synthetic {
        out.push(note_block(format!(
            "Ghi chú: số liệu hiện trạng từng xã là số liệu giả lập (synthetic), không phải số liệu đánh giá thực tế: {synthetic}"
        )));
    }
    out
}

/// The distinct group headings, in the catalog's order (as the documents list them), unknown
/// ones last.
fn groups_in_order<'a>(groups: impl Iterator<Item = &'a str>, catalog: &Catalog) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for g in groups {
        if !out.contains(&g) {
            out.push(g);
        }
    }
    out.sort_by_key(|g| {
        law::groups(&catalog.id)
            .and_then(|gs| gs.iter().position(|x| x.heading == *g))
            .unwrap_or(usize::MAX)
    });
    out
}

/// Table rows with their number (STT) in front.
fn numbered(rows: impl Iterator<Item = Vec<String>>) -> Vec<Vec<String>> {
    rows.enumerate()
        .map(|(i, row)| std::iter::once((i + 1).to_string()).chain(row).collect())
        .collect()
}

fn band_label(band: &str) -> String {
    if band.contains('-') {
        format!("Số xã đạt từ {band} tiêu chí")
    } else {
        format!("Số xã đạt {band} tiêu chí")
    }
}

fn targets(facts: &Facts, issuer: &Issuer, catalog: &Catalog) -> Vec<Block> {
    let mut out = vec![
        heading(1, format!("II. MỤC TIÊU {}", period(&facts.years).to_uppercase())),
        heading(2, "1. Mục tiêu chung"),
        para(format!(
            "Tiếp tục triển khai Chương trình mục tiêu quốc gia xây dựng nông thôn mới trên địa bàn {} đi vào chiều sâu, hiệu quả, bền vững; duy trì và nâng cao chất lượng các tiêu chí đã đạt; tập trung nguồn lực cho các xã phấn đấu đạt chuẩn; nâng cao đời sống vật chất và tinh thần của người dân nông thôn.",
            issuer.area_in_text()
        )),
        heading(2, "2. Mục tiêu cụ thể"),
    ];
    let t = &facts.targets;
    match t.origin {
        TargetOrigin::None => {
            out.push(para(format!(
                "Chưa có mục tiêu cụ thể cho {}: kịch bản chưa có chỉ tiêu ([[targets]]). Đề nghị bổ sung chỉ tiêu, hoặc lập lại dự thảo với tùy chọn --draft-targets để ntm đề xuất chỉ tiêu theo nguồn vốn.",
                period(&facts.years)
            )));
            return out;
        }
        TargetOrigin::Drafted => out.push(note_block(
            "Các chỉ tiêu dưới đây là dự thảo do ntm đề xuất theo nguồn vốn dự kiến (lệnh ntm targets), cần được xem xét trước khi ban hành.",
        )),
        TargetOrigin::Scenario => {}
    }
    let n = facts.status.communes;
    let multi_year = facts.years.len() > 1;
    let line = |l: &TargetLine| target_phrase(l, n, facts.baseline_year, multi_year, catalog);
    for l in t.items.iter().filter(|l| l.group.is_none()) {
        out.push(item(line(l)));
    }
    let groups = groups_in_order(t.items.iter().filter_map(|l| l.group.as_deref()), catalog);
    for (i, group) in groups.iter().enumerate() {
        out.push(heading(3, format!("{}) {group}", letter(i))));
        let mut mine: Vec<&TargetLine> = t
            .items
            .iter()
            .filter(|l| l.group.as_deref() == Some(*group))
            .collect();
        mine.sort_by_key(|l| match l.kind {
            TargetKind::Criterion { criterion } => (criterion, l.year),
            _ => (u8::MAX, l.year),
        });
        for l in mine {
            out.push(item(line(l)));
        }
    }
    out
}

/// What a target counts, in Vietnamese.
fn target_label(kind: &TargetKind, catalog: &Catalog) -> String {
    match kind {
        TargetKind::Criterion { criterion } => format!(
            "Tiêu chí số {criterion} về {}",
            catalog
                .criterion(*criterion)
                .map_or("", |c| c.name_vi.as_str())
        ),
        TargetKind::Tier { tier } => match tier {
            TierId::Standard => "Xã đạt chuẩn nông thôn mới",
            TierId::Advanced => "Xã đạt chuẩn nông thôn mới nâng cao",
            TierId::Model => "Xã đạt chuẩn nông thôn mới kiểu mẫu",
        }
        .to_string(),
        TargetKind::Band { band } => band_label(band),
        TargetKind::AverageCriteria => "Bình quân tiêu chí".to_string(),
        TargetKind::MinCriteria { min } => format!("Số xã đạt từ {min} tiêu chí trở lên"),
        TargetKind::LevelCriterion { criterion, .. } => format!(
            "Tiêu chí số {criterion} về {} thuộc Bộ tiêu chí xã nông thôn mới nâng cao",
            catalog
                .advanced_criterion(*criterion)
                .map_or("", |c| c.name_vi.as_str())
        ),
        TargetKind::Indicator { indicator } => format!(
            "Chỉ tiêu {}",
            catalog
                .indicator(indicator)
                .map_or(indicator.as_str(), |i| i.name_vi.as_str())
        ),
    }
}

/// A target in the documents' phrasing.
fn target_phrase(
    l: &TargetLine,
    communes: usize,
    baseline_year: u16,
    multi_year: bool,
    catalog: &Catalog,
) -> String {
    // A group target counts out of its group's communes, and says which group.
    let n = count(l.commune_group.map_or(communes, |(_, n)| n));
    let (v, b) = (whole(l.value), whole(l.baseline));
    let more = l.increase.unwrap_or_default();
    let by = if multi_year {
        format!(" (đến hết năm {})", l.year)
    } else {
        String::new()
    };
    let assumed = if is_assumption(&l.source) {
        " (chỉ tiêu giả định)"
    } else if l.baseline_assumed {
        " (số liệu năm gốc giả định)"
    } else {
        ""
    };
    let label = match l.commune_group {
        Some((g, _)) => format!("{} (xã {})", target_label(&l.kind, catalog), g.label_vi()),
        None => target_label(&l.kind, catalog),
    };
    let counted = |kept: &str| {
        if more > Decimal::ZERO {
            format!(
                "{label}{by}: có thêm {} xã đạt chuẩn, nâng tổng số lên {v}/{n} xã (năm {baseline_year} có {b}/{n} xã){assumed}.",
                whole(more)
            )
        } else if more.is_zero() {
            format!("{label}{by}: {kept} {v}/{n} xã đạt chuẩn{assumed}.")
        } else {
            format!("{label}{by}: có {v}/{n} xã đạt chuẩn (năm {baseline_year} có {b}/{n} xã){assumed}.")
        }
    };
    match &l.kind {
        TargetKind::Criterion { .. } | TargetKind::Indicator { .. } => counted("duy trì"),
        TargetKind::Tier { .. } => counted("tiếp tục duy trì và nâng cao chất lượng"),
        TargetKind::Band { .. } => {
            let was = if l.baseline.is_zero() {
                format!("năm {baseline_year} không có xã đạt")
            } else {
                format!("năm {baseline_year} có {b} xã")
            };
            format!("{label}{by}: {v} xã ({was}){assumed};")
        }
        TargetKind::AverageCriteria => format!(
            "{label}{by}: phấn đấu đạt {} tiêu chí/xã (năm {baseline_year} đạt {} tiêu chí/xã){assumed}.",
            avg(l.value),
            avg(l.baseline)
        ),
        TargetKind::MinCriteria { min } => format!(
            "{label}{by}: {v}/{n} xã, không còn xã dưới {min} tiêu chí (năm {baseline_year} có {b}/{n} xã){assumed}."
        ),
        // "trong đó có N xã đạt tiêu chí NTM nâng cao" (KH 1563 §II.7).
        TargetKind::LevelCriterion { .. } => format!(
            "{label}{by}: {v}/{n} xã đạt (năm {baseline_year} có {b}/{n} xã){assumed}."
        ),
    }
}

fn tasks(facts: &Facts, catalog: &Catalog) -> Vec<Block> {
    let p = &facts.projects;
    let n = facts.status.communes;
    let mut out = vec![
        heading(1, "III. NHIỆM VỤ, GIẢI PHÁP"),
        heading(2, "1. Danh mục dự án theo tiêu chí"),
    ];
    if p.count == 0 {
        out.push(para(
            "Chưa có dự án được bố trí vốn (chưa có danh mục dự án đầu tư trong kịch bản, hoặc nguồn vốn chưa bố trí được cho dự án nào).",
        ));
    } else {
        out.push(para(format!(
            "Dự kiến bố trí vốn thực hiện {} dự án, tổng vốn {} triệu đồng (chi tiết tại Phụ lục 2), cụ thể:",
            count(p.count),
            money(p.cost)
        )));
        let groups = groups_in_order(p.by_criterion.iter().map(|c| c.group.as_str()), catalog);
        for (i, group) in groups.iter().enumerate() {
            out.push(heading(3, format!("{}) {group}", letter(i))));
            for c in p.by_criterion.iter().filter(|c| c.group == *group) {
                out.push(item(format!(
                    "Tiêu chí số {} về {}: {} dự án tại {} xã ({}), tổng vốn {} triệu đồng.",
                    c.criterion,
                    c.name_vi,
                    count(c.projects),
                    count(c.communes.len()),
                    c.communes.join(", "),
                    money(c.cost)
                )));
            }
        }
        let other = p.list.iter().filter(|l| l.criterion.is_none()).count();
        if other > 0 {
            out.push(item(format!(
                "Dự án khác (không gắn với tiêu chí): {} dự án.",
                count(other)
            )));
        }
        if p.synthetic {
            out.push(note_block(
                "Ghi chú: danh mục dự án và chi phí là số liệu giả lập (synthetic) từ đơn giá giả định, dùng để minh họa; cần thay bằng danh mục dự án thực tế.",
            ));
        }
    }
    out.push(heading(2, "2. Kết quả dự kiến"));
    if n > 0 {
        let newly = if p.newly_standard.is_empty() {
            String::new()
        } else {
            format!(
                " (thêm {} xã: {})",
                count(p.newly_standard.len()),
                p.newly_standard.join(", ")
            )
        };
        out.push(para(format!(
            "Sau khi thực hiện các dự án trên, dự kiến có {}/{} xã đạt chuẩn nông thôn mới{newly}; bình quân đạt {} tiêu chí/xã.",
            count(p.standard_after),
            count(n),
            avg(p.average_after)
        )));
    }
    if p.status.is_short() || !p.shortfalls.is_empty() {
        out.push(para(
            "Các chỉ tiêu chưa bảo đảm được với nguồn vốn dự kiến (unreached targets):",
        ));
        for s in &p.shortfalls {
            let label = s.kind.as_ref().map_or(String::new(), |k| {
                format!("{} - ", target_label(k, catalog))
            });
            out.push(item(format!(
                "{label}{} (năm {}): mục tiêu {}, dự kiến đạt {}.",
                s.name,
                s.year,
                whole(s.target),
                whole(s.achieved)
            )));
        }
    }
    out.push(heading(2, "3. Giải pháp thực hiện"));
    for line in [
        "Về công tác chỉ đạo, điều hành: tập trung chỉ đạo quyết liệt, phân công rõ trách nhiệm theo từng tiêu chí, từng xã; ưu tiên nguồn lực cho các xã phấn đấu đạt chuẩn trong năm.",
        "Về công tác tuyên truyền, vận động: đẩy mạnh phong trào thi đua chung sức xây dựng nông thôn mới; phát huy vai trò chủ thể của người dân.",
        "Về huy động nguồn lực: lồng ghép hiệu quả nguồn vốn của các chương trình mục tiêu quốc gia và các chương trình, dự án khác; huy động vốn tín dụng, doanh nghiệp và cộng đồng dân cư.",
        "Về công tác kiểm tra, giám sát: thường xuyên kiểm tra, đánh giá kết quả thực hiện các tiêu chí và việc quản lý, sử dụng nguồn vốn.",
    ] {
        out.push(item(line));
    }
    out
}

fn funding(facts: &Facts) -> Vec<Block> {
    let f = &facts.funding;
    let mut out = vec![
        heading(1, "IV. NGUỒN VỐN THỰC HIỆN"),
        heading(2, "1. Dự kiến nguồn vốn"),
    ];
    if f.sources.is_empty() {
        out.push(para("Chưa có nguồn vốn dự kiến trong kịch bản."));
    } else {
        let share = |v: Decimal| format_fixed(v, f.share_places, VI);
        out.push(para(format!(
            "Dự kiến nguồn vốn thực hiện Chương trình {} là {} triệu đồng, trong đó:",
            period(&f.years),
            money(f.total)
        )));
        for s in &f.sources {
            out.push(item(format!(
                "{}: {} triệu đồng, chiếm {}%;",
                s.name_vi,
                money(s.budget),
                share(s.share_percent)
            )));
        }
        let mark = |s: &super::outline::SourceLine| if s.assumed { " (*)" } else { "" };
        out.push(Block::Table(Table {
            id: "funding".into(),
            columns: vec![
                column("STT", false, 8),
                column("Nguồn vốn", false, 42),
                column("Dự kiến (triệu đồng)", true, 18),
                column("Tỷ lệ (%)", true, 12),
                column("Bố trí cho dự án (triệu đồng)", true, 20),
            ],
            rows: numbered(f.sources.iter().map(|s| {
                vec![
                    format!("{}{}", s.name_vi, mark(s)),
                    money(s.budget),
                    share(s.share_percent),
                    money(s.spent),
                ]
            })),
            total: Some(vec![
                String::new(),
                "Tổng cộng".into(),
                money(f.total),
                share(f.sources.iter().map(|s| s.share_percent).sum()),
                money(f.spent),
            ]),
        }));
        if f.sources.iter().any(|s| s.assumed) {
            out.push(note_block(
                "(*) Phạm vi sử dụng của nguồn vốn (loại dự án được bố trí) là giả định của kịch bản, chưa có căn cứ văn bản.",
            ));
        }
        for c in &f.counterpart {
            out.push(item(format!(
                "Vốn đối ứng: {} tối thiểu bằng {} lần {}{}.",
                c.source,
                format_trimmed(c.ratio, 2, VI),
                c.of.join(", "),
                if is_assumption(&c.basis) {
                    " (tỷ lệ giả định)"
                } else {
                    ""
                }
            )));
        }
    }
    out.push(heading(
        2,
        "2. Phân bổ vốn theo nguyên tắc, tiêu chí, định mức",
    ));
    match &facts.allocation {
        None => out.push(para(
            "Chưa có phương án phân bổ vốn theo quy định (chưa chọn quy định phân bổ; lập lại dự thảo với tùy chọn --rule).",
        )),
        Some(a) => {
            let mut kept = String::new();
            if !a.set_aside.is_zero() {
                kept.push_str(&format!("; giữ lại cấp tỉnh {} triệu đồng", money(a.set_aside)));
            }
            if !a.unallocated.is_zero() {
                kept.push_str(&format!("; chưa phân bổ {} triệu đồng", money(a.unallocated)));
            }
            out.push(para(format!(
                "Thực hiện theo {} ({}): phân bổ {} triệu đồng từ {} năm {} cho {} xã{kept} (chi tiết tại Phụ lục 3).",
                a.title,
                a.source,
                money(a.allocated),
                a.sources.join(", "),
                a.year,
                count(a.communes.len()),
            )));
            if a.assumed {
                out.push(note_block(
                    "Ghi chú: các hệ số, định mức của quy định phân bổ này là giả định (chưa có văn bản gốc), chỉ dùng để minh họa.",
                ));
            }
        }
    }
    out
}

fn column(title: &str, numeric: bool, width: u32) -> Column {
    Column {
        title: title.into(),
        numeric,
        width,
    }
}

fn closing(facts: &Facts, issuer: &Issuer) -> Vec<Block> {
    vec![
        para(format!(
            "Trên đây là Kế hoạch thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới {} {}. Đề nghị các sở, ban, ngành, đoàn thể và các đơn vị có liên quan căn cứ nội dung Kế hoạch triển khai thực hiện./.",
            issuer.area_in_text(),
            period(&facts.years)
        )),
        Block::Signature {
            recipients: vec![
                "Nơi nhận:".into(),
                "- Như trên;".into(),
                "- Lưu: VT.".into(),
            ],
            signer: vec![
                format!("TM. {}", issuer.body.to_uppercase()),
                "KT. CHỦ TỊCH".into(),
                "PHÓ CHỦ TỊCH".into(),
                String::new(),
                String::new(),
                String::new(),
                "(Họ và tên)".into(),
            ],
        },
    ]
}

fn appendices(facts: &Facts) -> Vec<Block> {
    let year = facts.baseline_year;
    let mut out = vec![Block::Appendix {
        label: "Phụ lục 1".into(),
        title: format!(
            "HIỆN TRẠNG VÀ DỰ KIẾN KẾT QUẢ CÁC XÃ {}",
            period(&facts.years).to_uppercase()
        ),
    }];
    if facts.communes.is_empty() {
        out.push(para("Chưa có số liệu các xã."));
    } else {
        let row = |c: &CommuneLine| {
            vec![
                c.name.clone(),
                c.criteria_before.to_string(),
                tier_vi(c.tier_before).to_string(),
                c.criteria_after.to_string(),
                tier_vi(c.tier_after).to_string(),
            ]
        };
        out.push(Block::Table(Table {
            id: "communes".into(),
            columns: vec![
                column("STT", false, 8),
                column("Tên xã", false, 24),
                column(&format!("Số tiêu chí đạt năm {year}"), true, 15),
                column(&format!("Mức đạt năm {year}"), false, 19),
                column("Số tiêu chí đạt sau kế hoạch", true, 15),
                column("Mức đạt sau kế hoạch", false, 19),
            ],
            rows: numbered(facts.communes.iter().map(row)),
            total: None,
        }));
    }
    out.push(Block::Appendix {
        label: "Phụ lục 2".into(),
        title: "DANH MỤC DỰ ÁN VÀ NGUỒN VỐN".into(),
    });
    let p = &facts.projects;
    if p.list.is_empty() {
        out.push(para("Chưa có dự án."));
    } else {
        let sources = &facts.funding.sources;
        let source_name = |id: &str| {
            sources
                .iter()
                .position(|s| s.id == id)
                .map_or(id.to_string(), |i| short_source(sources, i))
        };
        out.push(Block::Table(Table {
            id: "projects".into(),
            columns: vec![
                column("STT", false, 8),
                column("Mã dự án", false, 11),
                column("Xã", false, 14),
                column("Tiêu chí", true, 9),
                column("Năm", true, 9),
                column("Tổng vốn (triệu đồng)", true, 14),
                column("Nguồn vốn (triệu đồng)", false, 35),
            ],
            rows: numbered(p.list.iter().map(|l| {
                vec![
                    l.id.clone(),
                    l.commune.clone(),
                    l.criterion.map_or(String::new(), |c| c.to_string()),
                    l.year.to_string(),
                    money(l.cost),
                    l.funding
                        .iter()
                        .map(|f| format!("{}: {}", source_name(&f.source), money(f.amount)))
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })),
            total: Some(vec![
                String::new(),
                "Tổng cộng".into(),
                String::new(),
                String::new(),
                String::new(),
                money(p.cost),
                String::new(),
            ]),
        }));
        out.push(note_block(
            "Ghi chú: NSTW: ngân sách Trung ương; NSĐP: ngân sách địa phương; NSNN: ngân sách nhà nước; số trong ngoặc là số thứ tự của nguồn vốn tại bảng mục IV.",
        ));
    }
    if let Some(a) = &facts.allocation {
        out.push(Block::Appendix {
            label: "Phụ lục 3".into(),
            title: format!("PHÂN BỔ VỐN CHO CÁC XÃ NĂM {}", a.year),
        });
        out.push(Block::Table(Table {
            id: "allocation".into(),
            columns: vec![
                column("STT", false, 8),
                column("Tên xã", false, 36),
                column(&format!("Số tiêu chí đạt năm {year}"), true, 18),
                column("Hệ số", true, 14),
                column("Số vốn (triệu đồng)", true, 24),
            ],
            rows: numbered(a.communes.iter().map(|c| {
                vec![
                    c.commune.clone(),
                    c.criteria_met.to_string(),
                    format_trimmed(c.coefficient, 2, VI),
                    money(c.amount),
                ]
            })),
            total: Some(vec![
                String::new(),
                "Tổng cộng".into(),
                String::new(),
                String::new(),
                money(a.allocated),
            ]),
        }));
    }
    out
}

/// The options of a receipt as `name=value`, those set only (not null, not false).
fn options_text(options: &serde_json::Value) -> String {
    let Some(map) = options.as_object() else {
        return options.to_string();
    };
    let set: Vec<String> = map
        .iter()
        .filter(|(_, v)| !v.is_null() && **v != serde_json::Value::Bool(false))
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k}={s}"),
            serde_json::Value::Bool(true) => k.clone(),
            other => format!("{k}={other}"),
        })
        .collect();
    if set.is_empty() {
        "mặc định".into()
    } else {
        set.join(", ")
    }
}

/// A capital source in a narrow column: the kind as the plans abbreviate it, with the source's
/// number in the funding table of section IV when two sources share a kind.
fn short_source(sources: &[super::outline::SourceLine], i: usize) -> String {
    let kind = sources[i].kind;
    let label = match kind {
        SourceKind::CentralInvestment => "NSTW đầu tư",
        SourceKind::CentralRecurrent => "NSTW sự nghiệp",
        SourceKind::CentralCarryover => "NSTW kéo dài",
        SourceKind::Local => "NSĐP",
        SourceKind::StateBudget => "NSNN",
        SourceKind::Integrated => "Lồng ghép",
        SourceKind::Credit => "Tín dụng",
        SourceKind::Enterprise => "Doanh nghiệp",
        SourceKind::Community => "Cộng đồng",
    };
    if sources.iter().filter(|s| s.kind == kind).count() > 1 {
        format!("{label} ({})", i + 1)
    } else {
        label.to_string()
    }
}

fn note(facts: &Facts, receipt: &Receipt) -> Vec<Block> {
    let mut out = vec![
        heading(1, "GHI CHÚ VỀ DỰ THẢO (xóa trước khi ban hành)"),
        note_block(format!(
            "Dự thảo do ntm {} lập tự động từ kịch bản {}; mọi số liệu trong văn bản trùng với kết quả lệnh ntm draft-plan --json (draft produced by ntm from the scenario's data).",
            receipt.ntm, facts.scenario
        )),
    ];
    for input in &receipt.inputs {
        let hash = match (&input.sha256, &input.note) {
            (Some(hash), _) => format!("SHA-256 {hash}"),
            (None, Some(note)) => note.clone(),
            (None, None) => String::new(),
        };
        out.push(note_block(format!(
            "Đầu vào ({}): {} ({hash})",
            input.role, input.path
        )));
    }
    out.push(note_block(format!(
        "Tùy chọn: {}",
        options_text(&receipt.options)
    )));
    if let Some(s) = &facts.synthetic {
        out.push(note_block(format!("Số liệu giả lập (synthetic): {s}")));
    }
    for a in &facts.assumptions {
        out.push(note_block(format!("Giả định (assumption): {a}")));
    }
    out
}
