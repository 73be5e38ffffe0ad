//! Excel in and out: round trips through a workbook, and imports of planners' own workbooks
//! with Vietnamese headers.

use std::path::{Path, PathBuf};
use std::process::Command;

use ntm::scenario::Scenario;
use rust_xlsxwriter::Workbook;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn ntm(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ntm {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `evaluate --json` without its receipt (which names the folder and hashes its files).
fn evaluate_json(dir: &Path) -> serde_json::Value {
    let out = ntm(&["evaluate".as_ref(), "--json".as_ref(), dir.as_os_str()]).stdout;
    let mut v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v["receipt"]["inputs"].is_array(), "{v}");
    v.as_object_mut().unwrap().shift_remove("receipt");
    v
}

/// A copy of the round-trip scenario's `scenario.toml` alone, for import to fill.
fn empty_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("xlsx-roundtrip/scenario.toml"),
        dir.path().join("scenario.toml"),
    )
    .unwrap();
    dir
}

#[test]
fn export_then_import_gives_the_same_scenario() {
    let source = fixture("xlsx-roundtrip");
    let out = empty_copy();
    let book = out.path().join("scenario.xlsx");
    ntm(&["export-xlsx".as_ref(), source.as_os_str(), book.as_os_str()]);
    ntm(&[
        "import-xlsx".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(evaluate_json(&source), evaluate_json(out.path()));
    let (a, b) = (
        Scenario::load(&source).unwrap(),
        Scenario::load(out.path()).unwrap(),
    );
    // Advanced flags, model conditions, attributes, villages, project costs with decimals
    // (1.250,5 and 4.916 million VND), fractional gains (0,125) and open year windows survive.
    assert_eq!(a.communes, b.communes);
    assert_eq!(a.projects, b.projects);
}

#[test]
fn evaluate_workbook_imports_back() {
    let source = fixture("xlsx-roundtrip");
    let out = empty_copy();
    let book = out.path().join("evaluation.xlsx");
    ntm(&[
        "evaluate".as_ref(),
        source.as_os_str(),
        "--xlsx".as_ref(),
        book.as_os_str(),
    ]);
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&book).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Tổng hợp (summary)",
            "Nhóm tiêu chí (bands)",
            "Tiêu chí (criteria)",
            "Huyện (districts)",
            "Đánh giá xã (evaluation)",
            "Dữ liệu xã (communes)",
            "Dự án (projects)"
        ]
    );
    let criteria = wb.worksheet_range("Tiêu chí (criteria)").unwrap();
    assert_eq!(
        criteria.get((0, 3)).unwrap().to_string(),
        "Số xã đạt\nCommunes meeting"
    );
    ntm(&[
        "import-xlsx".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(evaluate_json(&source), evaluate_json(out.path()));
    assert_eq!(
        Scenario::load(&source).unwrap().projects,
        Scenario::load(out.path()).unwrap().projects
    );
}

/// A workbook as a province office might keep it: a title row, `STT`, `Tên xã`, `Huyện`,
/// `Tiêu chí 1`…`Tiêu chí 19` with 1/0/x/Đạt/Chưa đạt, a total row; and a project sheet.
fn planners_workbook(path: &Path, bad_cell: Option<&str>) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Hiện trạng 2023").unwrap();
    ws.write_string(0, 0, "DANH SÁCH XÃ VÀ TIÊU CHÍ ĐẠT")
        .unwrap();
    ws.write_string(1, 0, "STT").unwrap();
    ws.write_string(1, 1, "Tên xã").unwrap();
    ws.write_string(1, 2, "Huyện").unwrap();
    for c in 1..=19u16 {
        ws.write_string(1, 2 + c, format!("Tiêu chí {c}")).unwrap();
    }
    // Xã A meets all 19 (numbers); Xã B all but c10 ("x" and "Đạt" marks); Xã C only c1..c5.
    // The mark written for criterion c of each commune.
    type Mark = fn(u16) -> &'static str;
    let communes: [(&str, &str, Mark); 3] = [
        ("Xã A", "Huyện Một", |_| "1"),
        ("Xã B", "Huyện Một", |c| match c {
            10 => "Chưa đạt",
            c if c % 2 == 0 => "x",
            _ => "Đạt",
        }),
        ("Xã C", "Huyện Hai", |c| if c <= 5 { "1" } else { "0" }),
    ];
    for (i, (name, district, mark)) in communes.iter().enumerate() {
        let row = 2 + i as u32;
        ws.write_number(row, 0, (i + 1) as f64).unwrap();
        ws.write_string(row, 1, *name).unwrap();
        ws.write_string(row, 2, *district).unwrap();
        for c in 1..=19u16 {
            match mark(c) {
                "1" => ws.write_number(row, 2 + c, 1.0),
                "0" => ws.write_number(row, 2 + c, 0.0),
                text => ws.write_string(row, 2 + c, text),
            }
            .unwrap();
        }
    }
    if let Some(bad) = bad_cell {
        ws.write_string(4, 9, bad).unwrap();
    }
    ws.write_string(5, 1, "Tổng cộng").unwrap();
    ws.write_number(5, 3, 3.0).unwrap();
    let ps = wb.add_worksheet();
    ps.set_name("Danh mục dự án").unwrap();
    for (c, h) in [
        "Mã dự án",
        "Xã",
        "Loại",
        "Kinh phí (triệu đồng)",
        "Năm",
        "Tiêu chí",
    ]
    .iter()
    .enumerate()
    {
        ps.write_string(0, c as u16, *h).unwrap();
    }
    ps.write_string(1, 0, "DA-01").unwrap();
    ps.write_string(1, 1, "Xã C").unwrap();
    ps.write_string(1, 2, "transport").unwrap();
    ps.write_number(1, 3, 2500.75).unwrap();
    ps.write_number(1, 4, 2024.0).unwrap();
    ps.write_string(1, 5, "c2:0,5;c6:1").unwrap();
    ps.write_string(2, 0, "DA-02").unwrap();
    ps.write_string(2, 1, "Xã B").unwrap();
    ps.write_string(2, 2, "production").unwrap();
    ps.write_string(2, 3, "1.200").unwrap();
    ps.write_number(2, 4, 2025.0).unwrap();
    ps.write_string(2, 5, "c10").unwrap();
    wb.save(path).unwrap();
}

#[test]
fn imports_a_planners_workbook_with_vietnamese_headers() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("hien-trang.xlsx");
    planners_workbook(&book, None);
    let out = dir.path().join("scenario");
    let stdout = ntm(&[
        "import-xlsx".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--year".as_ref(),
        "2023".as_ref(),
        "--json".as_ref(),
    ])
    .stdout;
    let report: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(report["communes"], 3);
    assert_eq!(report["projects"], 2);
    assert_eq!(report["communes_sheet"], "Hiện trạng 2023");
    assert_eq!(report["ignored_columns"][0], "Hiện trạng 2023: STT");
    assert_eq!(report["wrote_scenario"], true);
    let s = Scenario::load(&out).unwrap();
    let met: Vec<u32> = s.communes.iter().map(|c| c.met.count()).collect();
    assert_eq!(met, [19, 18, 5]);
    assert!(!s.communes[1].met.contains(10));
    assert_eq!(s.communes[2].district.as_deref(), Some("Huyện Hai"));
    // 2500.75 as an Excel number, "1.200" as Vietnamese text (1,200 million VND).
    let costs: Vec<String> = s.projects.iter().map(|p| p.cost.to_string()).collect();
    assert_eq!(costs, ["2500.75", "1200"]);
    assert_eq!(s.projects[0].gains.len(), 2);
    assert_eq!(
        (s.projects[1].year_from, s.projects[1].year_to),
        (2025, 2025)
    );
}

#[test]
fn a_bad_cell_is_reported_with_its_sheet_and_reference() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("hien-trang.xlsx");
    planners_workbook(&book, Some("có lẽ"));
    let err = ntm::xlsx::import_workbook(&book, &dir.path().join("out"), Some(2023)).unwrap_err();
    let ntm::Error::Invalid(problems) = err else {
        panic!("expected input problems, got {err}");
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(5));
    assert!(
        problems[0]
            .message
            .starts_with("Hiện trạng 2023!J5: `có lẽ`"),
        "{}",
        problems[0].message
    );
    // Nothing was written.
    assert!(!dir.path().join("out/communes.csv").exists());
}

#[test]
fn no_scenario_and_no_year_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("b.xlsx");
    planners_workbook(&book, None);
    let err = ntm::xlsx::import_workbook(&book, dir.path(), None).unwrap_err();
    assert!(matches!(err, ntm::Error::Unsupported { .. }));
}

#[test]
fn money_columns_carry_a_number_format() {
    use ntm::xlsx::{CellValue, Column, ColumnKind, Sheet};
    let sheet = Sheet {
        name: "Vốn (funding)".into(),
        columns: vec![
            Column::new("Source", "Nguồn vốn", ColumnKind::Text),
            Column::new("Amount", "Số tiền (triệu đồng)", ColumnKind::Money),
        ],
        rows: vec![vec![
            "Vốn tín dụng".into(),
            CellValue::Number("3000000.5".parse().unwrap()),
        ]],
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.xlsx");
    ntm::xlsx::write_workbook(&path, &[sheet]).unwrap();
    // The styles part of the package holds the money format.
    let bytes = std::fs::read(&path).unwrap();
    let mut zip = zip_entry(&bytes, "xl/styles.xml");
    zip.retain(|c| *c != b'\n');
    let styles = String::from_utf8_lossy(&zip);
    assert!(styles.contains("#,##0.000"), "{styles}");
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&path).unwrap();
    let range = wb.worksheet_range("Vốn (funding)").unwrap();
    assert_eq!(range.get((1, 1)), Some(&calamine::Data::Float(3000000.5)));
}

/// One file of the workbook's zip package.
fn zip_entry(bytes: &[u8], name: &str) -> Vec<u8> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn imports_a_merged_two_row_header() {
    // Row 1: STT | Tên xã | Tiêu chí (merged over the next 19 columns); row 2: 1..19.
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("hai-dong.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "STT").unwrap();
    ws.write_string(0, 1, "Tên xã").unwrap();
    ws.merge_range(0, 2, 0, 20, "Tiêu chí", &rust_xlsxwriter::Format::new())
        .unwrap();
    for c in 1..=19u16 {
        ws.write_number(1, 1 + c, f64::from(c)).unwrap();
    }
    // Xã Một meets c1..c12, Xã Hai meets everything.
    for (r, (name, met)) in [("Xã Một", 12u16), ("Xã Hai", 19)].iter().enumerate() {
        let row = 2 + r as u32;
        ws.write_number(row, 0, (r + 1) as f64).unwrap();
        ws.write_string(row, 1, *name).unwrap();
        for c in 1..=19u16 {
            ws.write_string(row, 1 + c, if c <= *met { "x" } else { "" })
                .unwrap();
        }
    }
    wb.save(&book).unwrap();
    let out = dir.path().join("s");
    let report = ntm::xlsx::import_workbook(&book, &out, Some(2024)).unwrap();
    assert_eq!(report.communes, 2);
    let s = Scenario::load(&out).unwrap();
    let met: Vec<u32> = s.communes.iter().map(|c| c.met.count()).collect();
    assert_eq!(met, [12, 19]);
    assert_eq!(s.communes[0].name, "Xã Một");
}

#[test]
fn every_seed_round_trips_through_a_workbook() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for entry in std::fs::read_dir(root).unwrap() {
        let source = entry.unwrap().path();
        if !source.join("scenario.toml").is_file() {
            continue;
        }
        let a = Scenario::load(&source).unwrap();
        let out = tempfile::tempdir().unwrap();
        // The scenario file and what it names besides communes and projects (a catalog file,
        // indicator values) travel as they are; the workbook carries communes and projects.
        for name in ["scenario.toml", "catalog.toml", "indicators.csv"] {
            if source.join(name).is_file() {
                std::fs::copy(source.join(name), out.path().join(name)).unwrap();
            }
        }
        let book = out.path().join("w.xlsx");
        ntm::xlsx::write_workbook(&book, &ntm::xlsx::scenario_sheets(&a)).unwrap();
        ntm::xlsx::import_workbook(&book, out.path(), None).unwrap();
        let b = Scenario::load(out.path()).unwrap();
        assert_eq!(a.communes, b.communes, "{}", source.display());
        assert_eq!(a.projects, b.projects, "{}", source.display());
    }
}

/// A table that does not start at A1, with an empty row inside: the sheet is streamed row by
/// row, and cells keep their own references. Title in C1, header in row 3 from column B, Xã A
/// in row 4 (all 19 met), row 5 empty, Xã B in row 6 (c1..c18 met; c19 in column U).
#[test]
fn a_table_away_from_a1_with_an_empty_row_streams_with_true_references() {
    let book_with = |c19_of_b: &str, path: &Path| {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 2, "DANH SÁCH XÃ").unwrap();
        ws.write_string(2, 1, "Tên xã").unwrap();
        for c in 1..=19u16 {
            ws.write_string(2, 1 + c, format!("TC{c}")).unwrap();
        }
        ws.write_string(3, 1, "Xã A").unwrap();
        ws.write_string(5, 1, "Xã B").unwrap();
        for c in 1..=19u16 {
            ws.write_number(3, 1 + c, 1.0).unwrap();
            if c < 19 {
                ws.write_number(5, 1 + c, 1.0).unwrap();
            }
        }
        ws.write_string(5, 20, c19_of_b).unwrap();
        wb.save(path).unwrap();
    };
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("lech.xlsx");
    book_with("Chưa đạt", &book);
    let out = dir.path().join("ok");
    let report = ntm::xlsx::import_workbook(&book, &out, Some(2023)).unwrap();
    assert_eq!(report.communes, 2);
    let s = Scenario::load(&out).unwrap();
    let communes: Vec<(&str, u32)> = s
        .communes
        .iter()
        .map(|c| (c.name.as_str(), c.met.count()))
        .collect();
    assert_eq!(communes, [("Xã A", 19), ("Xã B", 18)]);
    book_with("có lẽ", &book);
    let err = ntm::xlsx::import_workbook(&book, &dir.path().join("bad"), Some(2023)).unwrap_err();
    let ntm::Error::Invalid(problems) = err else {
        panic!("expected input problems, got {err}");
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(6));
    assert!(
        problems[0].message.contains("Sheet1!U6: `có lẽ`"),
        "{}",
        problems[0].message
    );
}

/// Sheet `Dữ liệu xã` as a district office lays it out: `STT`, `Tên xã`, `Huyện`, `TC1`..`TC19`,
/// the district written once and merged over C2:C3 (unless `merged` is false, when C3 is left
/// empty, as a sheet that was unmerged without copying the value).
fn merged_district_workbook(path: &Path, merged: bool) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Dữ liệu xã").unwrap();
    ws.write_string(0, 0, "STT").unwrap();
    ws.write_string(0, 1, "Tên xã").unwrap();
    ws.write_string(0, 2, "Huyện").unwrap();
    for c in 1..=19u16 {
        ws.write_string(0, 2 + c, format!("TC{c}")).unwrap();
    }
    // Xã An meets all 19; Xã Bình c1..c9; Xã Cường (another district) c1..c4.
    for (i, (name, met)) in [("Xã An", 19u16), ("Xã Bình", 9), ("Xã Cường", 4)]
        .iter()
        .enumerate()
    {
        let row = 1 + i as u32;
        ws.write_number(row, 0, (i + 1) as f64).unwrap();
        ws.write_string(row, 1, *name).unwrap();
        for c in 1..=19u16 {
            ws.write_number(row, 2 + c, if c <= *met { 1.0 } else { 0.0 })
                .unwrap();
        }
    }
    if merged {
        ws.merge_range(
            1,
            2,
            2,
            2,
            "Huyện Tam Đường",
            &rust_xlsxwriter::Format::new(),
        )
        .unwrap();
    } else {
        ws.write_string(1, 2, "Huyện Tam Đường").unwrap();
    }
    ws.write_string(3, 2, "Huyện Phong Thổ").unwrap();
    wb.save(path).unwrap();
}

#[test]
fn a_district_merged_over_its_communes_fills_every_row_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("gop-o.xlsx");
    merged_district_workbook(&book, true);
    let out = dir.path().join("s");
    let report = ntm::xlsx::import_workbook(&book, &out, Some(2023)).unwrap();
    assert_eq!(report.communes, 3);
    assert_eq!(report.merged_cells, ["Dữ liệu xã!C2:C3"]);
    let s = Scenario::load(&out).unwrap();
    let districts: Vec<(&str, Option<&str>)> = s
        .communes
        .iter()
        .map(|c| (c.name.as_str(), c.district.as_deref()))
        .collect();
    assert_eq!(
        districts,
        [
            ("Xã An", Some("Huyện Tam Đường")),
            ("Xã Bình", Some("Huyện Tam Đường")),
            ("Xã Cường", Some("Huyện Phong Thổ")),
        ]
    );
    let met: Vec<u32> = s.communes.iter().map(|c| c.met.count()).collect();
    assert_eq!(met, [19, 9, 4]);
    // The CLI says so, Vietnamese first.
    let dir2 = tempfile::tempdir().unwrap();
    let stdout = ntm(&[
        "import-xlsx".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        dir2.path().join("s").as_os_str(),
        "--year".as_ref(),
        "2023".as_ref(),
    ])
    .stdout;
    let text = String::from_utf8_lossy(&stdout);
    assert!(text.contains("ô gộp Dữ liệu xã!C2:C3"), "{text}");
}

#[test]
fn an_import_error_names_the_sheet_and_cell_not_the_scenario_files() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.xlsx");
    let bad = dir.path().join("bad.xlsx");
    merged_district_workbook(&good, true);
    merged_district_workbook(&bad, false);
    let out = dir.path().join("s");
    // First a good import, so the folder has its own communes.csv; then the bad workbook.
    ntm::xlsx::import_workbook(&good, &out, Some(2023)).unwrap();
    let before = std::fs::read(out.join("communes.csv")).unwrap();
    for target in [out.clone(), dir.path().join("fresh")] {
        let err = ntm::xlsx::import_workbook(&bad, &target, Some(2023)).unwrap_err();
        let ntm::Error::Invalid(problems) = err else {
            panic!("expected input problems, got {err}");
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        // Xã Bình is on row 3; its district cell is C3.
        assert_eq!(p.file, bad);
        assert_eq!((p.line, p.column), (Some(3), Some(3)));
        assert!(
            p.message.starts_with("Dữ liệu xã!C3: ") && p.message.contains("Xã Bình"),
            "{}",
            p.message
        );
    }
    assert_eq!(std::fs::read(out.join("communes.csv")).unwrap(), before);
}
