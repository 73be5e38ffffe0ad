//! Property (issue 13): the shipped example scenario, mutated at random (field values, rows,
//! encodings, sizes), never makes a command panic or abort. Every command either succeeds or
//! exits 1 with `--json` describing located problems, and no input file changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;

const FILES: [&str; 3] = ["scenario.toml", "communes.csv", "projects.csv"];

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/example-3-communes")
}

/// Values a planner's file might hold by mistake.
const VALUES: &[&str] = &[
    "",
    "-1",
    "0",
    "1e308",
    "NaN",
    "99999999999999999999999",
    "1.000.000,5",
    "giao thông",
    "transprot",
    "Xã An",
    "an",
    "\"",
    ",",
    ";",
    "\n",
    "[[targets]]",
    "= =",
    "2031",
    "1999",
    "c20:1",
    "c2:0",
    "x",
    "\u{0}",
    "Mường Tè",
];

/// One change to one file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace `len` bytes at `at` (fractions of the file) with a value.
    Replace { at: f64, len: usize, value: usize },
    /// Delete the line at `at`.
    DeleteLine { at: f64 },
    /// Repeat the line at `at` `times` times.
    RepeatLine { at: f64, times: usize },
    /// Cut the file at `at`.
    Truncate { at: f64 },
    /// Save as UTF-16 LE with a BOM.
    Utf16,
    /// Put a Windows-1258 byte (ã = 0xE3) at `at`.
    CodePage { at: f64 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (0.0..1.0, 0usize..12, 0..VALUES.len())
            .prop_map(|(at, len, value)| Mutation::Replace { at, len, value }),
        2 => (0.0..1.0).prop_map(|at| Mutation::DeleteLine { at }),
        2 => (0.0..1.0, 1usize..500).prop_map(|(at, times)| Mutation::RepeatLine { at, times }),
        1 => (0.0..1.0).prop_map(|at| Mutation::Truncate { at }),
        1 => Just(Mutation::Utf16),
        1 => (0.0..1.0).prop_map(|at| Mutation::CodePage { at }),
    ]
}

/// Byte offset at fraction `at` of `bytes`, moved back to a character boundary.
fn offset(bytes: &[u8], at: f64) -> usize {
    let mut i = ((bytes.len() as f64) * at) as usize;
    i = i.min(bytes.len());
    while i > 0 && i < bytes.len() && (bytes[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

fn apply(bytes: &[u8], m: &Mutation) -> Vec<u8> {
    let lines = |b: &[u8]| -> Vec<Vec<u8>> {
        b.split_inclusive(|c| *c == b'\n')
            .map(<[u8]>::to_vec)
            .collect()
    };
    match m {
        Mutation::Replace { at, len, value } => {
            let start = offset(bytes, *at);
            let end = offset(
                bytes,
                ((start + len) as f64 / bytes.len().max(1) as f64).min(1.0),
            );
            let end = end.max(start);
            [&bytes[..start], VALUES[*value].as_bytes(), &bytes[end..]].concat()
        }
        Mutation::DeleteLine { at } => {
            let mut ls = lines(bytes);
            if !ls.is_empty() {
                let i = ((ls.len() as f64 * at) as usize).min(ls.len() - 1);
                ls.remove(i);
            }
            ls.concat()
        }
        Mutation::RepeatLine { at, times } => {
            let mut ls = lines(bytes);
            if !ls.is_empty() {
                let i = ((ls.len() as f64 * at) as usize).min(ls.len() - 1);
                let line = ls[i].clone();
                for _ in 0..*times {
                    ls.insert(i, line.clone());
                }
            }
            ls.concat()
        }
        Mutation::Truncate { at } => bytes[..offset(bytes, *at)].to_vec(),
        Mutation::Utf16 => [0xFF, 0xFE]
            .into_iter()
            .chain(
                String::from_utf8_lossy(bytes)
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect(),
        Mutation::CodePage { at } => {
            let i = offset(bytes, *at);
            [&bytes[..i], &[0xE3], &bytes[i..]].concat()
        }
    }
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap_or_default(),
            )
        })
        .collect()
}

/// Runs `ntm ARGS --json` and checks the outcome; returns an error text for proptest.
fn run_checked(args: &[&std::ffi::OsStr]) -> Result<(), String> {
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let what = format!("ntm {args:?}");
    if stderr.contains("panicked") {
        return Err(format!("{what} panicked: {stderr}"));
    }
    match out.status.code() {
        Some(0) => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)
                .map_err(|e| format!("{what}: success without JSON ({e})"))?;
            if v["receipt"]["inputs"].as_array().is_none() {
                return Err(format!("{what}: JSON without a receipt"));
            }
            Ok(())
        }
        Some(1) => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)
                .map_err(|e| format!("{what}: failure without JSON ({e}): {stderr}"))?;
            let problems = v["problems"].as_array().cloned().unwrap_or_default();
            if problems.is_empty() || v["error"].as_str().is_none_or(str::is_empty) {
                return Err(format!("{what}: failure without problems: {v}"));
            }
            if v["kind"] == "invalid" {
                for p in &problems {
                    if p["file"].as_str().is_none_or(str::is_empty) {
                        return Err(format!("{what}: a problem without a file: {p}"));
                    }
                    if p["message"]
                        .as_str()
                        .is_none_or(|m| m.chars().count() > 320)
                    {
                        return Err(format!("{what}: message missing or too long: {p}"));
                    }
                }
            }
            Ok(())
        }
        other => Err(format!("{what}: exit {other:?} (crash or abort): {stderr}")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_fail_cleanly_or_succeed(
        file in 0..FILES.len(),
        mutations in proptest::collection::vec(mutation(), 1..3),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let scenario = dir.path().join("s");
        std::fs::create_dir(&scenario).unwrap();
        for f in FILES {
            std::fs::copy(example().join(f), scenario.join(f)).unwrap();
        }
        let path = scenario.join(FILES[file]);
        let mut bytes = std::fs::read(&path).unwrap();
        for m in &mutations {
            bytes = apply(&bytes, m);
        }
        std::fs::write(&path, &bytes).unwrap();
        let before = snapshot(&scenario);
        let s = scenario.as_os_str();
        let xlsx = dir.path().join("out.xlsx");
        let commands: Vec<Vec<&std::ffi::OsStr>> = vec![
            vec!["check".as_ref(), s],
            vec!["evaluate".as_ref(), s, "--communes".as_ref()],
            vec!["audit".as_ref(), s],
            vec!["allocate".as_ref(), s, "--rule".as_ref(), "equal".as_ref()],
            vec!["plan".as_ref(), s, "--time-limit".as_ref(), "3".as_ref()],
            vec!["synthesize".as_ref(), s, "--projects".as_ref()],
            vec!["export-xlsx".as_ref(), s, xlsx.as_os_str()],
        ];
        for command in &commands {
            if command[0] == "export-xlsx" {
                // No --json (another change adds it): exit code and stderr only.
                let out = Command::new(env!("CARGO_BIN_EXE_ntm")).args(command).output().unwrap();
                let stderr = String::from_utf8_lossy(&out.stderr);
                prop_assert!(matches!(out.status.code(), Some(0 | 1)), "{command:?}: {stderr}");
                prop_assert!(!stderr.contains("panicked"), "{command:?}: {stderr}");
                if out.status.code() == Some(1) {
                    prop_assert!(!xlsx.exists(), "a failed export leaves no workbook");
                }
                continue;
            }
            if let Err(e) = run_checked(command) {
                prop_assert!(false, "{} after {:?} on {}", e, mutations, FILES[file]);
            }
            prop_assert_eq!(&snapshot(&scenario), &before, "{:?} changed the scenario", command);
        }
    }
}

#[test]
fn the_mutations_change_what_they_say() {
    let text = b"a,b\nc,d\n";
    assert_eq!(apply(text, &Mutation::DeleteLine { at: 0.0 }), b"c,d\n");
    assert_eq!(
        apply(text, &Mutation::RepeatLine { at: 0.9, times: 2 }),
        b"a,b\nc,d\nc,d\nc,d\n"
    );
    assert_eq!(apply(text, &Mutation::Truncate { at: 0.5 }), b"a,b\n");
    assert_eq!(
        apply(
            text,
            &Mutation::Replace {
                at: 0.0,
                len: 1,
                value: 1
            }
        ),
        b"-1,b\nc,d\n"
    );
    assert_eq!(&apply(text, &Mutation::Utf16)[..4], &[0xFF, 0xFE, b'a', 0]);
    // Every check catches the failure it is for.
    assert!(run_checked(&["check".as_ref(), "no-such-folder".as_ref()]).is_ok());
}
