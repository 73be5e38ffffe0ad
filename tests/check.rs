//! `ntm check`: every problem of a broken scenario is reported at once, with file and line.

use std::path::Path;
use std::process::Command;

use ntm::error::Error;
use ntm::scenario::Scenario;

#[test]
fn broken_scenario_reports_all_four_problems_with_file_and_line() {
    let Err(Error::Invalid(problems)) = Scenario::load(Path::new("tests/fixtures/check-bad"))
    else {
        panic!("the broken fixture must not load");
    };
    let found = |file: &str, line: usize, text: &str| {
        problems.iter().any(|p| {
            p.file.ends_with(file)
                && p.line == Some(line)
                && p.message.contains(text)
                && p.hint.is_some()
        })
    };
    assert!(
        found("catalog.toml", 214, "dependency cycle among c1 → c2"),
        "{problems:#?}"
    );
    assert!(found("scenario.toml", 18, "negative"), "{problems:#?}");
    assert!(
        found("communes.csv", 1, "unknown criterion `c20`"),
        "{problems:#?}"
    );
    assert!(
        found(
            "communes.csv",
            4,
            "duplicate commune `X1` (first on line 2)"
        ),
        "{problems:#?}"
    );
    assert_eq!(problems.len(), 4, "{problems:#?}");
}

#[test]
fn check_exits_non_zero_and_names_the_files() {
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(["check", "tests/fixtures/check-bad"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "catalog.toml",
        "scenario.toml",
        "communes.csv",
        "4 problem(s) found",
    ] {
        assert!(stderr.contains(needle), "missing {needle} in:\n{stderr}");
    }
}

#[test]
fn check_accepts_a_valid_scenario() {
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(["check", "tests/fixtures/evaluate-small", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["communes"], 5);
}
