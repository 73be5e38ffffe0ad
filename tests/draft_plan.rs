//! `ntm draft-plan`: the plan document as a Word draft. The written .docx is opened again
//! (zip + roxmltree) and checked against the JSON of the same run: the same text, byte for
//! byte, the same tables, and no number that the JSON's facts do not hold. LibreOffice renders
//! it to PDF and PNG pages under target/draft-plan/ (kept for people to look at).

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use rust_decimal::Decimal;
use serde_json::Value;
use unicode_normalization::is_nfc;

use ntm::number::{format_count, format_fixed, format_money, format_trimmed, NumberStyle};
use ntm::scenario::{Amount, FundingFigure, Scenario};

const VI: NumberStyle = NumberStyle::Vietnamese;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> PathBuf {
    root().join("scenarios/example-3-communes")
}

/// Where rendered drafts are kept for people to look at.
fn out_dir() -> PathBuf {
    let dir = root().join("target/draft-plan");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn ntm(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(args)
        .output()
        .unwrap();
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Writes the example's draft (with the QĐ 07 allocation) to `file` and returns its JSON.
fn draft_example(file: &Path) -> Value {
    let _ = std::fs::remove_file(file);
    let run = ntm(&[
        "draft-plan",
        example().to_str().unwrap(),
        "--rule",
        "qd07-2022",
        "--docx",
        file.to_str().unwrap(),
        "--json",
    ]);
    assert!(run.ok, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

// ------------------------------------------------------------------------------------------
// Reading the .docx back
// ------------------------------------------------------------------------------------------

fn part(file: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The body in order: paragraphs outside tables, and tables as rows of cells (a cell's
/// paragraphs joined by newlines).
#[derive(Debug, Default)]
struct Body {
    paragraphs: Vec<String>,
    tables: Vec<Vec<Vec<String>>>,
}

fn is(node: &roxmltree::Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

fn text_of(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| is(n, "t"))
        .filter_map(|n| n.text())
        .collect()
}

fn body(file: &Path) -> Body {
    let xml = part(file, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let body = doc.descendants().find(|n| is(n, "body")).unwrap();
    let mut out = Body::default();
    for child in body.children() {
        if is(&child, "p") {
            out.paragraphs.push(text_of(child));
        } else if is(&child, "tbl") {
            let rows = child
                .children()
                .filter(|n| is(n, "tr"))
                .map(|tr| {
                    tr.children()
                        .filter(|n| is(n, "tc"))
                        .map(|tc| {
                            tc.children()
                                .filter(|n| is(n, "p"))
                                .map(text_of)
                                .collect::<Vec<_>>()
                                .join("\n")
                        })
                        .collect()
                })
                .collect();
            out.tables.push(rows);
        }
    }
    out
}

/// What the JSON says the body holds, in the writer's terms.
fn expected_body(json: &Value) -> Body {
    let s = |v: &Value| v.as_str().unwrap().to_string();
    let h = &json["header"];
    let mut out = Body::default();
    out.tables.push(vec![vec![
        [
            s(&h["issuer_parent"]),
            s(&h["issuer"]),
            String::new(),
            s(&h["number"]),
        ]
        .join("\n"),
        [
            s(&h["motto_country"]),
            s(&h["motto"]),
            String::new(),
            s(&h["place_date"]),
        ]
        .join("\n"),
    ]]);
    out.paragraphs
        .extend([s(&h["kind"]), s(&h["title"]), String::new()]);
    for block in json["blocks"].as_array().unwrap() {
        match block["block"].as_str().unwrap() {
            "heading" | "paragraph" | "note" => out.paragraphs.push(s(&block["text"])),
            "item" => out.paragraphs.push(format!("- {}", s(&block["text"]))),
            "appendix" => out
                .paragraphs
                .extend([s(&block["label"]), s(&block["title"])]),
            "table" => {
                let strings =
                    |v: &Value| -> Vec<String> { v.as_array().unwrap().iter().map(s).collect() };
                let mut rows = vec![block["columns"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| s(&c["title"]))
                    .collect()];
                rows.extend(block["rows"].as_array().unwrap().iter().map(strings));
                if !block["total"].is_null() {
                    rows.push(strings(&block["total"]));
                }
                out.tables.push(rows);
            }
            "signature" => {
                let lines = |v: &Value| -> String {
                    v.as_array()
                        .unwrap()
                        .iter()
                        .map(s)
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                out.tables.push(vec![vec![
                    lines(&block["recipients"]),
                    lines(&block["signer"]),
                ]]);
            }
            other => panic!("unknown block {other}"),
        }
    }
    out
}

/// UTF-8 read as Windows-1252: a lead byte shown as `Ã`, `Ä`, `Æ`, `á`, … followed by a
/// continuation byte shown as U+0080-U+00BF or one of cp1252's substitutes (`Ä‘` for `đ`,
/// `á»` for `ạ`). `XÃ` followed by a space is Vietnamese, not mojibake.
fn looks_like_mojibake(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).any(|w| {
        "ÂÃÄÅÆáâãä".contains(w[0])
            && (('\u{80}'..='\u{BF}').contains(&w[1])
                || "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".contains(w[1]))
    })
}

#[test]
fn the_mojibake_detector_sees_mojibake() {
    assert!(looks_like_mojibake("Ä‘á»“ng"));
    assert!(looks_like_mojibake("XÃ£"));
    assert!(!looks_like_mojibake(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM; đồng; xã"
    ));
}

// ------------------------------------------------------------------------------------------
// Numbers
// ------------------------------------------------------------------------------------------

/// Number tokens as a person reads them: `4.916.475`, `12,5`, `2023`, `39` (of `39/94`).
fn number_tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || ((chars[i] == '.' || chars[i] == ',')
                        && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            i += 1;
        }
    }
    out
}

/// Every way the facts' values may be written for people, plus the digits inside their texts.
fn allowed_numbers(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.insert(format_count(u, VI));
                out.insert(u.to_string());
            }
        }
        Value::String(text) => {
            if let Ok(d) = text.parse::<Decimal>() {
                for shown in [
                    format_money(d, VI),
                    format_trimmed(d, 2, VI),
                    format_fixed(d, 1, VI),
                    format_fixed(d, 2, VI),
                ] {
                    out.insert(shown);
                }
            }
            out.extend(number_tokens(text));
        }
        Value::Array(items) => items.iter().for_each(|v| allowed_numbers(v, out)),
        Value::Object(map) => map.values().for_each(|v| allowed_numbers(v, out)),
        _ => {}
    }
}

/// Vietnamese number back to a decimal: `3.900,5` → 3900.5.
fn parse_vi(text: &str) -> Decimal {
    text.replace('.', "").replace(',', ".").parse().unwrap()
}

// ------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------

#[test]
fn the_docx_holds_exactly_the_json_text_and_tables() {
    let file = out_dir().join("example-text.docx");
    let json = draft_example(&file);
    let got = body(&file);
    let want = expected_body(&json);
    assert_eq!(got.paragraphs, want.paragraphs);
    assert_eq!(got.tables, want.tables);
    // Vietnamese survives byte for byte: NFC, no mojibake, the header as the decree writes it.
    let all: Vec<&String> = got
        .paragraphs
        .iter()
        .chain(got.tables.iter().flatten().flatten())
        .collect();
    for text in &all {
        assert!(is_nfc(text), "not NFC: {text}");
        assert!(
            !text.contains('\u{FFFD}'),
            "replacement character in {text}"
        );
        assert!(!looks_like_mojibake(text), "mojibake in {text}");
    }
    let header = &got.tables[0][0];
    assert_eq!(
        header[1],
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nVí Dụ, ngày      tháng      năm 2024"
    );
    assert_eq!(
        header[0],
        "ỦY BAN NHÂN DÂN\nTỈNH VÍ DỤ\n\nSố:        /KH-UBND"
    );
    assert_eq!(
        got.paragraphs[..2],
        [
            "KẾ HOẠCH",
            "Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới tỉnh Ví Dụ giai đoạn 2024-2025"
        ]
    );
    // The documents' phrasing, with the example's own figures (scenario.toml: 1 of 3 communes
    // at standard end-2023, target 2 in 2025; criterion 10 met by Xã An only, target 2).
    let has = |needle: &str| all.iter().any(|t| t.contains(needle));
    assert!(has(
        "toàn tỉnh có 1/3 xã đạt chuẩn nông thôn mới, chiếm tỷ lệ 33,3%"
    ));
    assert!(has("Xã đạt chuẩn nông thôn mới (đến hết năm 2025): có thêm 1 xã đạt chuẩn, nâng tổng số lên 2/3 xã (năm 2023 có 1/3 xã)."));
    assert!(has("Tiêu chí số 10 về Thu nhập (đến hết năm 2025): có thêm 1 xã đạt chuẩn, nâng tổng số lên 2/3 xã"));
    assert!(has(
        "Tiêu chí số 2 về Giao thông: có 2/3 xã đạt chuẩn, chiếm tỷ lệ 66,7%."
    ));
}

#[test]
fn every_number_in_the_docx_is_a_figure_of_the_json() {
    let file = out_dir().join("example-numbers.docx");
    let json = draft_example(&file);
    let mut allowed = BTreeSet::new();
    allowed_numbers(&json["facts"], &mut allowed);
    allowed_numbers(&json["receipt"], &mut allowed);
    // The one number that is a name, not a figure: the hash function of the closing note.
    allowed.insert("256".into());
    let got = body(&file);
    let mut checked = 0;
    let mut check = |text: &str| {
        for token in number_tokens(text) {
            assert!(
                allowed.contains(&token),
                "{token} in {text:?} is not a figure of the JSON"
            );
            checked += 1;
        }
    };
    let numbering = |t: &String| -> String {
        // Heading numbering (`1. `, `a) ` is no digit) is structure, not a figure.
        match t.split_once(". ") {
            Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
                rest.to_string()
            }
            _ => t.clone(),
        }
    };
    for p in &got.paragraphs {
        check(&numbering(p));
    }
    for table in &got.tables[1..] {
        let skip_first = table[0][0] == "STT";
        for row in table {
            for (i, cell) in row.iter().enumerate() {
                if !(skip_first && i == 0) {
                    check(cell);
                }
            }
        }
    }
    assert!(checked > 150, "only {checked} numbers checked");

    // The status agrees with `ntm evaluate --json` on the same scenario.
    let eval: Value =
        serde_json::from_str(&ntm(&["evaluate", example().to_str().unwrap(), "--json"]).stdout)
            .unwrap();
    let status = &json["facts"]["status"];
    assert_eq!(status["standard"], eval["standard"]);
    assert_eq!(status["communes"], eval["communes"]);
    for (mine, theirs) in status["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .zip(eval["criteria"].as_array().unwrap())
    {
        assert_eq!((&mine["id"], &mine["met"]), (&theirs["id"], &theirs["met"]));
    }
}

/// The funding table's figures, read from the document, pass the audit's funding checks: the
/// sources add up to the total, each stated share is its amount over the total, the shares add
/// up to 100 exactly, and each source matches the scenario's budget.
#[test]
fn the_audit_funding_checks_pass_on_the_documents_own_figures() {
    let file = out_dir().join("example-funding.docx");
    let json = draft_example(&file);
    let got = body(&file);
    let table = got
        .tables
        .iter()
        .find(|t| t[0][1] == "Nguồn vốn")
        .expect("funding table");
    let (rows, total) = (&table[1..table.len() - 1], &table[table.len() - 1]);
    let sources = json["facts"]["funding"]["sources"].as_array().unwrap();
    assert_eq!(rows.len(), sources.len());
    let amounts: Vec<Decimal> = rows.iter().map(|r| parse_vi(&r[2])).collect();
    let shares: Vec<Decimal> = rows.iter().map(|r| parse_vi(&r[3])).collect();
    // By hand from scenario.toml: central 1.500 + 1.200,5 = 2.700,5; local 600 + 600 = 1.200;
    // total 3.900,5; 2.700,5 / 3.900,5 = 69,23 % → 69,2; 1.200 / 3.900,5 = 30,77 % → 30,8.
    assert_eq!(amounts, vec![Decimal::new(27005, 1), Decimal::new(1200, 0)]);
    assert_eq!(shares, vec![Decimal::new(692, 1), Decimal::new(308, 1)]);
    assert_eq!(shares.iter().sum::<Decimal>(), Decimal::ONE_HUNDRED);
    assert_eq!(parse_vi(&total[2]), amounts.iter().sum::<Decimal>());
    assert_eq!(parse_vi(&total[3]), Decimal::ONE_HUNDRED);

    let mut scenario = Scenario::load(&example()).unwrap();
    let figure =
        |id: &str, amount: Decimal, parts: Vec<String>, share: Option<Decimal>| FundingFigure {
            id: id.to_string(),
            label: id.to_string(),
            amount: Amount(amount),
            unit: Some("million".into()),
            parts,
            share_percent: share.map(Amount),
            share_of: share.map(|_| "total".to_string()),
            corrected_amount: None,
            source: "the draft's funding table".into(),
        };
    let ids: Vec<String> = sources
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let mut funding = vec![figure("total", parse_vi(&total[2]), ids.clone(), None)];
    for ((id, amount), share) in ids.iter().zip(&amounts).zip(&shares) {
        funding.push(figure(id, *amount, Vec::new(), Some(*share)));
    }
    scenario.published.funding = funding;
    let audit = ntm::audit::audit(&scenario);
    let funding_findings: Vec<_> = audit
        .findings
        .iter()
        .filter(|f| f.check.starts_with("funding"))
        .collect();
    assert!(funding_findings.is_empty(), "{funding_findings:#?}");
    let passed = |check: &str| audit.passed.iter().filter(|p| p.check == check).count();
    assert_eq!(passed("funding-parts"), 1);
    assert_eq!(passed("funding-share"), ids.len());
}

#[test]
fn styles_and_margins_follow_the_decree() {
    let file = out_dir().join("example-styles.docx");
    draft_example(&file);
    let styles = part(&file, "word/styles.xml");
    let doc = roxmltree::Document::parse(&styles).unwrap();
    let defaults = doc.descendants().find(|n| is(n, "rPrDefault")).unwrap();
    let attr = |n: roxmltree::Node, name: &str| {
        n.attributes()
            .find(|a| a.name() == name)
            .map(|a| a.value().to_string())
    };
    let fonts = defaults.descendants().find(|n| is(n, "rFonts")).unwrap();
    assert_eq!(attr(fonts, "ascii").as_deref(), Some("Times New Roman"));
    let size = defaults.descendants().find(|n| is(n, "sz")).unwrap();
    assert_eq!(attr(size, "val").as_deref(), Some("28"), "14 pt");
    let style_ids: BTreeSet<String> = doc
        .descendants()
        .filter(|n| is(n, "style"))
        .filter_map(|n| attr(n, "styleId"))
        .collect();
    for id in [
        "Heading1", "Heading2", "Heading3", "BodyText", "NtmTable", "Title",
    ] {
        assert!(style_ids.contains(id), "style {id}");
    }
    let heading1 = doc
        .descendants()
        .find(|n| is(n, "style") && attr(*n, "styleId").as_deref() == Some("Heading1"))
        .unwrap();
    let name = heading1.descendants().find(|n| is(n, "name")).unwrap();
    assert_eq!(
        attr(name, "val").as_deref(),
        Some("heading 1"),
        "Word's built-in name"
    );

    // No direct formatting in the body: every paragraph has a style, runs have no properties,
    // and data tables take their borders from the table style.
    let xml = part(&file, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let body = doc.descendants().find(|n| is(n, "body")).unwrap();
    for p in body.descendants().filter(|n| is(n, "p")) {
        assert!(
            p.descendants().any(|n| is(&n, "pStyle")),
            "paragraph without style: {}",
            text_of(p)
        );
        let ppr = p.children().find(|n| is(n, "pPr"));
        for direct in ["jc", "ind", "spacing", "pBdr"] {
            assert!(
                ppr.is_none_or(|ppr| !ppr.children().any(|n| is(&n, direct))),
                "direct {direct} on {}",
                text_of(p)
            );
        }
    }
    for rpr in body
        .descendants()
        .filter(|n| is(n, "rPr") && n.parent().is_some_and(|p| is(&p, "r")))
    {
        assert_eq!(rpr.children().filter(|n| n.is_element()).count(), 0);
    }
    let tables: Vec<_> = body.children().filter(|n| is(n, "tbl")).collect();
    assert!(tables.len() >= 4);
    for t in &tables {
        let borders = t.descendants().find(|n| is(n, "tblBorders"));
        assert!(borders.is_none_or(|b| b.children().all(|n| !n.is_element())));
    }

    // A4, margins within NĐ 30/2020 (twips → mm).
    let pg = body.descendants().find(|n| is(n, "pgMar")).unwrap();
    let mm = |name: &str| attr(pg, name).unwrap().parse::<f64>().unwrap() * 25.4 / 1440.0;
    for (side, lo, hi) in [
        ("top", 20.0, 25.0),
        ("bottom", 20.0, 25.0),
        ("left", 30.0, 35.0),
        ("right", 15.0, 20.0),
    ] {
        let v = mm(side);
        assert!((lo - 0.05..=hi + 0.05).contains(&v), "{side} margin {v} mm");
    }
    let size = body.descendants().find(|n| is(n, "pgSz")).unwrap();
    assert_eq!(
        (attr(size, "w").as_deref(), attr(size, "h").as_deref()),
        (Some("11906"), Some("16838"))
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let (a, b) = (
        out_dir().join("example-a.docx"),
        out_dir().join("example-b.docx"),
    );
    let (ja, jb) = (draft_example(&a), draft_example(&b));
    assert_eq!(ja, jb);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn outline_snapshot() {
    let file = out_dir().join("example-snapshot.docx");
    let json = draft_example(&file);
    insta::assert_json_snapshot!("draft-plan-example-outline", json);
}

/// A copy of the example without targets and without projects.
fn bare_scenario(dir: &Path) {
    let text = std::fs::read_to_string(example().join("scenario.toml")).unwrap();
    let mut kept = Vec::new();
    let mut in_target = false;
    for line in text.lines() {
        if line.starts_with("[[") || line.starts_with('[') {
            in_target = line == "[[targets]]";
        }
        if !in_target && !line.starts_with("projects =") {
            kept.push(line);
        }
    }
    std::fs::write(dir.join("scenario.toml"), kept.join("\n")).unwrap();
    std::fs::copy(example().join("communes.csv"), dir.join("communes.csv")).unwrap();
}

#[test]
fn no_targets_and_no_projects_give_a_valid_document_that_says_none_yet() {
    let dir = tempfile::tempdir().unwrap();
    bare_scenario(dir.path());
    let file = dir.path().join("bare.docx");
    let run = ntm(&[
        "draft-plan",
        dir.path().to_str().unwrap(),
        "--docx",
        file.to_str().unwrap(),
        "--json",
    ]);
    assert!(run.ok, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["facts"]["targets"]["origin"], "none");
    assert_eq!(json["facts"]["projects"]["count"], 0);
    let got = body(&file);
    assert_eq!(got.paragraphs, expected_body(&json).paragraphs);
    let section = |from: &str, to: &str| -> Vec<String> {
        let start = got
            .paragraphs
            .iter()
            .position(|p| p.starts_with(from))
            .unwrap();
        let end = got
            .paragraphs
            .iter()
            .position(|p| p.starts_with(to))
            .unwrap();
        got.paragraphs[start..end].to_vec()
    };
    for (from, to) in [
        ("II. ", "III. "),
        ("III. ", "2. Kết quả dự kiến"),
        ("Phụ lục 2", "GHI CHÚ"),
    ] {
        assert!(
            section(from, to).iter().any(|p| p.starts_with("Chưa có")),
            "{from}: {:?}",
            section(from, to)
        );
    }
}

#[test]
fn an_unwritable_path_is_a_clear_error_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let file = blocker.join("draft.docx");
    let run = ntm(&[
        "draft-plan",
        example().to_str().unwrap(),
        "--docx",
        file.to_str().unwrap(),
    ]);
    assert!(!run.ok);
    assert!(run.stderr.contains("not-a-folder"), "{}", run.stderr);
    // A folder in the way of the file: the rename fails, the temporary file goes.
    let folder = dir.path().join("taken.docx");
    std::fs::create_dir(&folder).unwrap();
    let run = ntm(&[
        "draft-plan",
        example().to_str().unwrap(),
        "--docx",
        folder.to_str().unwrap(),
        "--force",
    ]);
    assert!(!run.ok);
    assert!(run.stderr.contains("taken.docx"), "{}", run.stderr);
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["not-a-folder", "taken.docx"]);
    assert_eq!(std::fs::read(&blocker).unwrap(), b"x");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}

#[test]
fn an_existing_draft_is_kept_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edited.docx");
    std::fs::write(&file, b"hand edits").unwrap();
    let scenario = example();
    let args = [
        "draft-plan",
        scenario.to_str().unwrap(),
        "--docx",
        file.to_str().unwrap(),
    ];
    let run = ntm(&args);
    assert!(!run.ok);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), b"hand edits");
    let mut forced = args.to_vec();
    forced.push("--force");
    assert!(ntm(&forced).ok);
    assert!(std::fs::read(&file).unwrap().starts_with(b"PK"));
}

// ------------------------------------------------------------------------------------------
// Rendering with LibreOffice
// ------------------------------------------------------------------------------------------

/// Whether `program` can be started (pdftoppm's `-v` exits non-zero on some versions).
fn found(program: &str, version_flag: &str) -> bool {
    Command::new(program).arg(version_flag).output().is_ok()
}

/// Grey levels of a binary PGM (P5) image.
fn pgm_pixels(bytes: &[u8]) -> Vec<u8> {
    // Header: "P5", width, height, max, each separated by whitespace, then one byte each.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    bytes[i + 1..i + 1 + w * h].to_vec()
}

fn variance(pixels: &[u8]) -> f64 {
    let n = pixels.len() as f64;
    let mean = pixels.iter().map(|p| f64::from(*p)).sum::<f64>() / n;
    pixels
        .iter()
        .map(|p| (f64::from(*p) - mean).powi(2))
        .sum::<f64>()
        / n
}

#[test]
fn a_blank_page_has_no_variance_and_a_line_of_text_has_some() {
    let blank = [b"P5\n4 2\n255\n".as_slice(), &[255u8; 8]].concat();
    assert_eq!(variance(&pgm_pixels(&blank)), 0.0);
    // One black pixel in eight: mean 223,125, variance 7 × 31,875² / 8 + 223,125² / 8.
    let inked = [
        b"P5 4 2 255\n".as_slice(),
        &[255, 255, 255, 0, 255, 255, 255, 255],
    ]
    .concat();
    assert!((variance(&pgm_pixels(&inked)) - 7112.109375).abs() < 1e-9);
}

#[test]
fn libreoffice_renders_every_page_with_ink() {
    if !found("soffice", "--version") || !found("pdftoppm", "-v") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI needs libreoffice-writer-nogui and poppler-utils (.ci/run installs them)"
        );
        eprintln!("soffice or pdftoppm missing: rendering not checked");
        return;
    }
    let dir = out_dir();
    let file = dir.join("example-3-communes.docx");
    draft_example(&file);
    let pdf = dir.join("example-3-communes.pdf");
    let _ = std::fs::remove_file(&pdf);
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        status.status.success() && pdf.is_file(),
        "LibreOffice could not convert the draft: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    // PNG pages for people, grey PGM pages for the check.
    // (pdftoppm writes PGM when asked for grey and no other format.)
    for (format, prefix) in [("-png", "example-3-communes-page"), ("-gray", "check")] {
        let mut cmd = Command::new("pdftoppm");
        cmd.args([format, "-r", "50"]);
        let out = cmd.arg(&pdf).arg(dir.join(prefix)).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("check-") && name.ends_with(".pgm")
        })
        .collect();
    pages.sort();
    // Header, sections I-IV, signature, three appendices and the note: at least 6 pages.
    assert!(pages.len() >= 6, "{} pages", pages.len());
    for page in &pages {
        let v = variance(&pgm_pixels(&std::fs::read(page).unwrap()));
        std::fs::remove_file(page).unwrap();
        assert!(v > 50.0, "{} looks blank (variance {v:.1})", page.display());
    }
}
