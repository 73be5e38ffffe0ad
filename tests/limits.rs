//! Resource limits (issue 13): no unbounded read, no huge allocation, no path outside the
//! scenario folder, and errors that quote only a short excerpt of the input.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{ntm, repo};

fn example() -> PathBuf {
    repo().join("scenarios/example-3-communes")
}

fn copy_example(to: &Path) {
    common::copy_scenario("example-3-communes", to);
}

fn first_problem(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["problems"][0].clone()
}

/// A sparse file of `bytes` NULs: large on paper, nothing on disk.
fn sparse(path: &Path, bytes: u64) {
    std::fs::File::create(path).unwrap().set_len(bytes).unwrap();
}

#[test]
fn a_device_as_a_rule_is_refused_without_reading_it() {
    let out = ntm(&[
        "allocate".as_ref(),
        example().as_os_str(),
        "--rule".as_ref(),
        "/dev/zero".as_ref(),
        "--json".as_ref(),
    ]);
    let p = first_problem(&out);
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .contains("unknown rule `/dev/zero`"),
        "{p}"
    );
}

#[test]
fn oversized_inputs_are_refused_before_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    // A 9 MiB rule file (TOML limit 8 MiB).
    let rule = dir.path().join("rule.toml");
    sparse(&rule, 9 * 1024 * 1024);
    let out = ntm(&[
        "allocate".as_ref(),
        example().as_os_str(),
        "--rule".as_ref(),
        rule.as_os_str(),
        "--json".as_ref(),
    ]);
    let p = first_problem(&out);
    assert_eq!(p["message"], "file is larger than the limit of 8 MiB");
    assert_eq!(p["file"], rule.to_str().unwrap());
    // A 300 MiB communes file (CSV limit 128 MiB).
    let scenario = dir.path().join("big");
    std::fs::create_dir(&scenario).unwrap();
    copy_example(&scenario);
    sparse(&scenario.join("communes.csv"), 300 * 1024 * 1024);
    let out = ntm(&["check".as_ref(), scenario.as_os_str(), "--json".as_ref()]);
    let p = first_problem(&out);
    assert_eq!(p["message"], "file is larger than the limit of 128 MiB");
    assert!(p["file"].as_str().unwrap().ends_with("communes.csv"));
    // A 9 MiB scenario.toml: refused, and the error quotes none of it.
    sparse(&scenario.join("scenario.toml"), 9 * 1024 * 1024);
    let out = ntm(&["check".as_ref(), scenario.as_os_str(), "--json".as_ref()]);
    assert!(out.stdout.len() < 4_000);
    let p = first_problem(&out);
    assert_eq!(p["message"], "file is larger than the limit of 8 MiB");
}

#[test]
fn scenario_files_must_stay_in_the_scenario_folder() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s");
    std::fs::create_dir(&scenario).unwrap();
    copy_example(&scenario);
    let toml = std::fs::read_to_string(scenario.join("scenario.toml")).unwrap();
    for (key, value) in [
        ("communes", "/etc/passwd"),
        ("communes", "../communes.csv"),
        ("projects", "../../projects.csv"),
        ("catalog", "/etc/passwd"),
    ] {
        let original = match key {
            "catalog" => "catalog = \"qd318-2022\"",
            "communes" => "communes = \"communes.csv\"",
            _ => "projects = \"projects.csv\"",
        };
        let edited = toml.replace(original, &format!("{key} = \"{value}\""));
        assert_ne!(edited, toml, "{key} replaced");
        std::fs::write(scenario.join("scenario.toml"), &edited).unwrap();
        let out = ntm(&["check".as_ref(), scenario.as_os_str(), "--json".as_ref()]);
        let p = first_problem(&out);
        assert_eq!(
            p["message"],
            format!("`{key}` names `{value}`, outside the scenario folder"),
            "{p}"
        );
        assert!(p["line"].as_u64().is_some(), "{p}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("root:"), "never quotes the file: {all}");
    }
    // With --allow-outside, a file next to the folder is read.
    std::fs::copy(
        example().join("communes.csv"),
        dir.path().join("communes.csv"),
    )
    .unwrap();
    std::fs::write(
        scenario.join("scenario.toml"),
        toml.replace(
            "communes = \"communes.csv\"",
            "communes = \"../communes.csv\"",
        ),
    )
    .unwrap();
    let refused = ntm(&["check".as_ref(), scenario.as_os_str()]);
    assert_eq!(refused.status.code(), Some(1));
    let allowed = ntm(&[
        "check".as_ref(),
        scenario.as_os_str(),
        "--allow-outside".as_ref(),
    ]);
    assert!(
        allowed.status.success(),
        "{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_folder_is_outside() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s");
    std::fs::create_dir(&scenario).unwrap();
    copy_example(&scenario);
    std::fs::rename(
        scenario.join("communes.csv"),
        dir.path().join("communes.csv"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("communes.csv"),
        scenario.join("communes.csv"),
    )
    .unwrap();
    let out = ntm(&["check".as_ref(), scenario.as_os_str(), "--json".as_ref()]);
    let p = first_problem(&out);
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .contains("outside the scenario folder"),
        "{p}"
    );
}

#[test]
fn a_stray_cell_at_xfd1048576_is_refused_without_allocating_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("stray.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Tên xã").unwrap();
    ws.write_string(0, 1, "TC1").unwrap();
    ws.write_string(1, 0, "Xã A").unwrap();
    ws.write_number(1, 1, 1.0).unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save(&book).unwrap();
    assert!(std::fs::metadata(&book).unwrap().len() < 20_000);
    let out = ntm(&[
        "import-xlsx".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        dir.path().join("s").as_os_str(),
        "--year".as_ref(),
        "2023".as_ref(),
        "--json".as_ref(),
    ]);
    let p = first_problem(&out);
    assert_eq!(
        p["message"],
        "sheet `Sheet1` spans A1 to XFD1048576 (17179869184 cells), more than the 10000000 ntm reads"
    );
    assert!(!dir.path().join("s").exists());
}
