//! Nothing silently wrong (issue 13): inputs that used to load and give a wrong answer are now
//! either read correctly or rejected with a located error.

use std::path::{Path, PathBuf};
use std::process::Command;

use ntm::error::{Diagnostic, Error};
use ntm::scenario::{Category, Scenario};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/example-3-communes")
}

/// A copy of the example scenario, with `edit` applied to (file name, text) pairs.
fn edited(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["scenario.toml", "communes.csv", "projects.csv"] {
        let text = std::fs::read_to_string(example().join(file)).unwrap();
        std::fs::write(dir.path().join(file), edit(file, text)).unwrap();
    }
    dir
}

fn problems(dir: &Path) -> Vec<Diagnostic> {
    match Scenario::load(dir) {
        Err(Error::Invalid(problems)) => problems,
        Err(e) => panic!("expected invalid input, got {e}"),
        Ok(_) => panic!("expected invalid input, the scenario loaded"),
    }
}

fn one_problem(dir: &Path, text: &str) -> Diagnostic {
    let found: Vec<Diagnostic> = problems(dir)
        .into_iter()
        .filter(|p| p.message.contains(text))
        .collect();
    assert_eq!(found.len(), 1, "one problem with `{text}`: {found:#?}");
    found[0].clone()
}

#[test]
fn an_exact_commune_id_wins_over_another_communes_name() {
    // Xã Bình is renamed "chau": project p2 (commune = "chau") must stay with commune id `chau`.
    let dir = edited(|file, text| match file {
        "communes.csv" => text.replace("binh,Xã Bình,", "binh,chau,"),
        _ => text,
    });
    let s = Scenario::load(dir.path()).unwrap();
    let p2 = s.projects.iter().find(|p| p.id == "p2").unwrap();
    assert_eq!(s.communes[p2.commune].id, "chau");
    assert_eq!(s.communes[p2.commune].name, "Xã Châu");
}

#[test]
fn a_name_shared_by_two_communes_is_an_error_listing_both() {
    // Xã An is renamed Xã Châu: project p3 names "Xã Châu", now two communes.
    let dir = edited(|file, text| match file {
        "communes.csv" => text.replace("an,Xã An,", "an,Xã Châu,"),
        _ => text,
    });
    let p = one_problem(dir.path(), "ambiguous");
    assert!(p.file.ends_with("projects.csv"));
    assert_eq!(p.line, Some(4));
    assert!(p.message.contains("`an`, `chau`"), "{}", p.message);
    assert!(p.hint.unwrap().contains("id"));
}

#[test]
fn a_misspelt_category_is_rejected_with_a_suggestion() {
    // `local` funds "*", which used to let any word through.
    let dir = edited(|file, text| match file {
        "projects.csv" => text.replace("p2,chau,transport", "p2,chau,transprot"),
        _ => text,
    });
    let p = one_problem(dir.path(), "unknown category `transprot`");
    assert!(p.file.ends_with("projects.csv"));
    assert_eq!(p.line, Some(3));
    assert!(
        p.message.contains("did you mean `transport`?"),
        "{}",
        p.message
    );
}

#[test]
fn vietnamese_category_names_are_aliases() {
    let dir = edited(|file, text| match file {
        "projects.csv" => text.replace("p2,chau,transport", "p2,chau,Giao thông"),
        "scenario.toml" => text.replace(
            "categories = [\"transport\", \"irrigation\"",
            "categories = [\"giao thông\", \"thủy lợi\"",
        ),
        _ => text,
    });
    let s = Scenario::load(dir.path()).unwrap();
    let p2 = s.projects.iter().find(|p| p.id == "p2").unwrap();
    assert_eq!(p2.category, Category::Transport);
    // The central source still funds it: its own Vietnamese names were read as ids.
    let central = &s.capital_sources[0];
    assert_eq!(central.categories[0..2], ["transport", "irrigation"]);
    assert!(central.funds(&p2.category));
}

#[test]
fn a_misspelt_source_category_is_located() {
    let dir = edited(|file, text| match file {
        "scenario.toml" => text.replace(
            "\"transport\", \"irrigation\"",
            "\"transprt\", \"irrigation\"",
        ),
        _ => text,
    });
    let p = one_problem(dir.path(), "unknown category `transprt`");
    assert_eq!(p.line, Some(24));
    assert!(p.message.contains("did you mean `transport`?"));
}

#[test]
fn a_negative_counterpart_ratio_is_rejected() {
    let dir = edited(|file, text| match file {
        "scenario.toml" => text.replace("ratio = \"0,3\"", "ratio = \"-0,3\""),
        _ => text,
    });
    let p = one_problem(
        dir.path(),
        "counterpart ratio of `local` is negative (-0.3)",
    );
    assert_eq!(p.line, Some(41));
}

#[test]
fn a_target_year_outside_the_planning_years_is_rejected() {
    let dir = edited(|file, text| match file {
        "scenario.toml" => text.replacen("year = 2025\ntier", "year = 2031\ntier", 1),
        _ => text,
    });
    let p = one_problem(dir.path(), "target year 2031 is not a planning year");
    assert_eq!(p.line, Some(45));
    assert!(p.hint.unwrap().contains("2024, 2025"));
}

#[test]
fn targets_for_a_year_before_the_baseline_are_refused() {
    for year in ["1999", "2023", "2031"] {
        let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
            .args(["targets", "--json", "--year", year])
            .arg(example())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "--year {year}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let p = &v["problems"][0];
        assert!(
            p["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("--year {year} is not")),
            "{v}"
        );
        assert!(p["file"].as_str().unwrap().ends_with("scenario.toml"));
        assert_eq!(p["line"], 7, "the `years` line");
    }
}

#[test]
fn a_wrongly_encoded_communes_file_is_one_error_not_one_per_project() {
    for (what, bytes) in [
        // "Xã An" in Windows-1258: ã is 0xE3.
        ("windows-1258", b"id,name\nan,X\xE3 An\n".to_vec()),
        (
            "utf-16",
            [0xFF, 0xFE]
                .into_iter()
                .chain("id,name\n".encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
        ),
    ] {
        let dir = edited(|_, text| text);
        std::fs::write(dir.path().join("communes.csv"), bytes).unwrap();
        let problems = problems(dir.path());
        assert_eq!(problems.len(), 1, "{what}: {problems:#?}");
        assert!(problems[0].file.ends_with("communes.csv"));
        let expected = if what == "utf-16" {
            "UTF-16"
        } else {
            "Windows-1258"
        };
        assert!(problems[0].message.contains(expected), "{:?}", problems[0]);
    }
}

/// A commune sheet (`Tên xã`, `Tiêu chí 1`…`19`) with every criterion met, where the c10 cell
/// of Xã B is `formula`; the workbook is saved as a program that does not calculate saves it
/// (no `<v>` after the formula) when `cached` is false.
fn workbook_with_formula(path: &Path, cached: bool) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Tên xã").unwrap();
    for c in 1..=19u16 {
        ws.write_string(0, c, format!("Tiêu chí {c}")).unwrap();
    }
    for (row, name) in [(1, "Xã A"), (2, "Xã B")] {
        ws.write_string(row, 0, name).unwrap();
        for c in 1..=19u16 {
            ws.write_number(row, c, 1.0).unwrap();
        }
    }
    ws.write_formula(2, 10, rust_xlsxwriter::Formula::new("=B3").set_result("1"))
        .unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let bytes = if cached {
        bytes
    } else {
        strip_formula_values(&bytes)
    };
    std::fs::write(path, bytes).unwrap();
}

/// The workbook with `<v>…</v>` removed after every `</f>`.
fn strip_formula_values(xlsx: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        let name = entry.name().to_string();
        if name.starts_with("xl/worksheets/") {
            let text = String::from_utf8(data).unwrap();
            let mut stripped = String::new();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("</f><v>") {
                stripped.push_str(&rest[..at + 4]);
                let after = &rest[at + 4..];
                rest = &after[after.find("</v>").unwrap() + 4..];
            }
            stripped.push_str(rest);
            assert_ne!(stripped, text, "the sheet had a formula value to strip");
            data = stripped.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn import(book: &Path, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ntm"))
        .arg("import-xlsx")
        .arg(book)
        .arg("--out")
        .arg(out)
        .args(["--year", "2023", "--json"])
        .output()
        .unwrap()
}

#[test]
fn a_formula_without_a_saved_value_is_reported_not_read_as_zero() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book.xlsx");
    let out = dir.path().join("scenario");
    workbook_with_formula(&book, false);
    let result = import(&book, &out);
    assert_eq!(result.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    let p = &v["problems"][0];
    assert_eq!(p["message"], "Sheet1!K3: a formula with no saved value");
    assert_eq!(p["line"], 3);
    assert!(!out.exists(), "nothing written");

    // With its saved value (1), the formula cell is read as met: Xã B has 19 criteria.
    workbook_with_formula(&book, true);
    let result = import(&book, &out);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let csv = std::fs::read_to_string(out.join("communes.csv")).unwrap();
    let xa_b = csv.lines().find(|l| l.contains("Xã B")).unwrap();
    assert_eq!(xa_b.matches(",1").count(), 19, "{xa_b}");
}

#[test]
fn check_reports_every_toml_type_error_not_only_the_first() {
    let dir = edited(|file, text| match file {
        "scenario.toml" => text
            .replace("years = [2024, 2025]", "years = \"2024\"")
            .replace("kind = \"local\"", "kind = \"locl\"")
            .replace("communes = 2\nsource", "communes = \"two\"\nsource"),
        _ => text,
    });
    let found: Vec<(Option<usize>, String)> = problems(dir.path())
        .into_iter()
        .map(|p| (p.line, p.message))
        .collect();
    let lines: Vec<Option<usize>> = found.iter().map(|(l, _)| *l).collect();
    // years (7), kind (29), the two targets with `communes = "two"` (46, 51).
    assert_eq!(lines, [Some(7), Some(30), Some(47), Some(52)], "{found:#?}");
    assert!(found[0].1.contains("expected a sequence"));
    assert!(found[1].1.contains("unknown variant `locl`"));
    assert!(found[2].1.contains("`two` is not a number"));
}

#[test]
fn an_error_never_echoes_a_long_value() {
    let long = "x".repeat(100_000);
    let dir = edited(|file, text| match file {
        "scenario.toml" => text.replace("kind = \"local\"", &format!("kind = \"{long}\"")),
        _ => text,
    });
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(["check", "--json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.len() < 4_000,
        "{} bytes on stdout",
        out.stdout.len()
    );
    assert!(
        out.stderr.len() < 4_000,
        "{} bytes on stderr",
        out.stderr.len()
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = v["problems"][0]["message"].as_str().unwrap();
    assert!(message.ends_with("… (cut)"), "{message}");
    assert_eq!(v["problems"][0]["line"], 30);
}

#[test]
fn a_wrong_encoding_far_into_a_large_file_is_one_error() {
    let original = std::fs::read_to_string(example().join("communes.csv")).unwrap();
    let mut bytes = original.clone().into_bytes();
    for i in 0..2_000 {
        bytes.extend(format!("x{i},Xã {i},Huyện Một{}\n", ",1".repeat(19) + ",,5,5").bytes());
    }
    assert!(bytes.len() > 100_000, "past the first 64 KiB block");
    bytes.extend(b"bad,X\xE3 Sai,Huy\xEAn Hai");
    bytes.extend(",1".repeat(19).bytes());
    bytes.extend(b",,5,5\n");
    let dir = edited(|_, text| text);
    std::fs::write(dir.path().join("communes.csv"), bytes).unwrap();
    let problems = problems(dir.path());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].line, Some(2_005));
    assert!(
        problems[0].message.contains("Windows-1258"),
        "{:?}",
        problems[0]
    );
}
