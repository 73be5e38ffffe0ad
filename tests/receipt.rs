//! Every `--json` output carries a receipt (version, options, input hashes), and every command
//! answers `--json` on failure with `{"error", "problems", "receipt"}` on stdout and a non-zero
//! exit.

use std::path::Path;
use std::process::Command;

mod common;

use common::{json, ntm, repo as root};

/// SHA-256 by the system's `sha256sum`, an implementation independent of ntm's.
fn sha256sum(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

const EXAMPLE: &str = "scenarios/example-3-communes";

#[test]
fn the_receipt_hashes_every_input_and_records_the_options() {
    let out = ntm(&["plan", EXAMPLE, "--json", "--time-limit", "20"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "receipt", "the receipt comes first");
    let r = &v["receipt"];
    assert_eq!(r["ntm"], env!("CARGO_PKG_VERSION"));
    assert_eq!(r["options"]["command"], "plan");
    assert_eq!(r["options"]["scenario"], EXAMPLE);
    assert_eq!(r["options"]["objective"], "max-standard");
    assert_eq!(r["options"]["time_limit"], 20.0);
    let inputs = r["inputs"].as_array().unwrap();
    let by_role = |role: &str| {
        inputs
            .iter()
            .find(|i| i["role"] == role)
            .unwrap_or_else(|| panic!("no {role} in {inputs:?}"))
    };
    let dir = root().join(EXAMPLE);
    for (role, file) in [
        ("scenario", "scenario.toml"),
        ("communes", "communes.csv"),
        ("projects", "projects.csv"),
    ] {
        assert_eq!(
            by_role(role)["sha256"],
            sha256sum(&dir.join(file)),
            "{role}"
        );
    }
    let catalog = by_role("catalog");
    assert_eq!(catalog["path"], "<built-in qd318-2022>");
    assert_eq!(
        catalog["sha256"],
        sha256sum(&root().join("catalog/qd318-2022.toml"))
    );
    // No wall-clock time: the receipt is the same on every run.
    let text = serde_json::to_string(r).unwrap();
    for word in ["time\":", "elapsed", "seconds", "date", "host"] {
        assert!(!text.contains(word), "receipt holds `{word}`: {text}");
    }
}

#[test]
fn rules_are_hashed_whether_built_in_or_files() {
    let rule = root().join("rules/equal.toml");
    let out = ntm(&[
        "allocate",
        EXAMPLE,
        "--rule",
        rule.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let rule_input = v["receipt"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["role"] == "rule")
        .unwrap()
        .clone();
    assert_eq!(rule_input["sha256"], sha256sum(&rule));
    let out = ntm(&["allocate", EXAMPLE, "--rule", "equal", "--json"]);
    let v = json(&out);
    let built_in = v["receipt"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["role"] == "rule")
        .unwrap()
        .clone();
    assert_eq!(built_in["path"], "<built-in equal>");
    assert_eq!(built_in["sha256"], sha256sum(&rule));
}

#[test]
fn json_output_is_the_same_byte_for_byte_on_every_run() {
    for args in [
        &["evaluate", EXAMPLE, "--json"][..],
        &["check", EXAMPLE, "--json"][..],
        &["graph", "--json"][..],
    ] {
        let (a, b) = (ntm(args), ntm(args));
        assert!(a.status.success(), "{args:?}");
        assert_eq!(a.stdout, b.stdout, "{args:?}");
        assert!(json(&a)["receipt"]["inputs"].as_array().is_some());
    }
}

#[test]
fn check_json_lists_every_problem_with_file_line_and_hint() {
    let out = ntm(&["check", "tests/fixtures/check-bad", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["error"], "4 problem(s) in the input");
    assert_eq!(v["kind"], "invalid");
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 4);
    for p in problems {
        for key in ["file", "line", "column", "message", "hint"] {
            assert!(p.get(key).is_some(), "problem lacks `{key}`: {p}");
        }
    }
    let negative = problems
        .iter()
        .find(|p| p["message"].as_str().unwrap().contains("negative"))
        .unwrap();
    assert_eq!(negative["file"], "tests/fixtures/check-bad/scenario.toml");
    assert_eq!(negative["line"], 18);
    assert_eq!(negative["column"], 19);
    assert_eq!(
        v["receipt"]["options"]["scenario"],
        "tests/fixtures/check-bad"
    );
    assert_eq!(v["receipt"]["inputs"][0]["role"], "scenario");
}

#[test]
fn every_command_answers_json_on_failure() {
    let missing = "tests/fixtures/no-such-scenario";
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out_dir = out_dir.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["check", missing],
        vec!["evaluate", missing],
        vec!["audit", missing],
        vec![
            "import-xlsx",
            "tests/fixtures/no-such.xlsx",
            "--out",
            out_dir,
        ],
        vec!["allocate", missing, "--rule", "equal"],
        vec!["compare", missing, "--rule", "equal"],
        vec!["sweep", missing, "--budget", "0.5..1", "--out", out_dir],
        vec!["targets", missing],
        vec!["plan", missing],
        vec!["graph", "--catalog", "no-such-catalog"],
        vec!["synthesize", missing],
        vec!["synthesize", missing, "--projects"],
        vec![
            "merge",
            missing,
            "--mapping",
            "tests/fixtures/no-such.csv",
            "--out",
            out_dir,
        ],
        vec!["allocate", EXAMPLE, "--rule", "no-such-rule"],
    ];
    for mut args in commands {
        args.push("--json");
        let out = ntm(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let v = json(&out);
        assert!(
            v["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{args:?}: {v}"
        );
        let problems = v["problems"].as_array().unwrap();
        assert!(!problems.is_empty(), "{args:?}: {v}");
        assert!(problems[0]["message"].as_str().is_some(), "{args:?}: {v}");
        assert_eq!(v["receipt"]["options"]["command"], args[0], "{args:?}");
        assert_eq!(v["receipt"]["options"]["json"], true, "{args:?}");
    }
}
