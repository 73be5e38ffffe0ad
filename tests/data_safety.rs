//! Nothing lost (issue 13): every writing command pointed at a read-only target, or at a target
//! that fails half-way (a folder where a file should go), fails with an error and leaves every
//! file as it was; `synthesize --write` never replaces a hand-written file without `--force`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{copy_scenario, ntm, repo as root};

/// Every file under `dir` (relative path → bytes).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Makes `dir` read-only until dropped: permission bits, or (as root, whom permission bits do
/// not stop) the immutable attribute.
struct ReadOnly(PathBuf);

impl ReadOnly {
    fn new(dir: &Path) -> ReadOnly {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(dir.join(".probe"), "x").is_ok() {
            std::fs::remove_file(dir.join(".probe")).unwrap();
            let ok = Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "as root, making {} read-only needs chattr +i",
                dir.display()
            );
            assert!(
                std::fs::write(dir.join(".probe"), "x").is_err(),
                "{} is still writable",
                dir.display()
            );
        }
        ReadOnly(dir.to_path_buf())
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
    }
}

/// The writing commands, each with the folder it writes into (`dir`); `example` and `seed` are
/// scenario copies inside `dir`.
fn writing_commands(dir: &Path, example: &Path, seed: &Path, book: &Path) -> Vec<Vec<PathBuf>> {
    let p = |s: &str| PathBuf::from(s);
    vec![
        vec![
            p("evaluate"),
            example.into(),
            p("--xlsx"),
            dir.join("e.xlsx"),
        ],
        vec![p("audit"), seed.into(), p("--xlsx"), dir.join("a.xlsx")],
        vec![p("export-xlsx"), example.into(), dir.join("x.xlsx")],
        vec![p("import-xlsx"), book.into(), p("--out"), example.into()],
        vec![
            p("sweep"),
            example.into(),
            p("--budget"),
            p("0.5..1"),
            p("--steps"),
            p("2"),
            p("--out"),
            dir.join("sweep"),
        ],
        vec![p("targets"), example.into(), p("--out"), dir.join("t.toml")],
        vec![p("plan"), example.into(), p("--csv"), dir.join("plan")],
        vec![
            p("plan"),
            example.into(),
            p("--export-lp"),
            dir.join("m.lp"),
        ],
        vec![p("synthesize"), seed.into(), p("--write"), p("--force")],
        vec![
            p("synthesize"),
            seed.into(),
            p("--projects"),
            p("--write"),
            p("--force"),
        ],
    ]
}

/// A workbook in import format, written by `export-xlsx` from the example.
fn example_book(dir: &Path) -> PathBuf {
    let book = dir.join("book.xlsx");
    let out = ntm(&[
        "export-xlsx".as_ref(),
        root().join("scenarios/example-3-communes").as_os_str(),
        book.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    book
}

fn args(command: &[PathBuf]) -> Vec<&std::ffi::OsStr> {
    command.iter().map(|a| a.as_os_str()).collect()
}

#[test]
fn every_writing_command_fails_cleanly_on_a_read_only_folder() {
    let outside = tempfile::tempdir().unwrap();
    let book = example_book(outside.path());
    let dir = tempfile::tempdir().unwrap();
    let (example, seed) = (dir.path().join("example"), dir.path().join("seed"));
    copy_scenario("example-3-communes", &example);
    copy_scenario("muong-te-2021-2025", &seed);
    // Hand-edit the seed's files so that the synthesizer's output differs from them.
    for file in ["communes.csv", "projects.csv"] {
        let text = std::fs::read_to_string(seed.join(file)).unwrap();
        std::fs::write(seed.join(file), text + "\n").unwrap();
    }
    let commands = writing_commands(dir.path(), &example, &seed, &book);
    let before = snapshot(dir.path());
    let _locks: Vec<ReadOnly> = [dir.path(), &example, &seed]
        .iter()
        .map(|d| ReadOnly::new(d))
        .collect();
    for command in &commands {
        let out = ntm(&args(command));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{command:?} must fail: {stderr}"
        );
        assert!(
            stderr.contains("cannot access")
                || stderr.contains("Permission denied")
                || stderr.contains("Operation not permitted"),
            "{command:?}: the error says why: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{command:?}: {stderr}");
        assert_eq!(snapshot(dir.path()), before, "{command:?} changed files");
    }
}

/// Folders `plan --csv`, `sweep` and `import-xlsx` write several files into, with one file
/// name taken by a folder: the first files could be written, the last cannot.
#[test]
fn multi_file_outputs_are_all_or_nothing_when_one_file_fails() {
    let outside = tempfile::tempdir().unwrap();
    let book = example_book(outside.path());
    let dir = tempfile::tempdir().unwrap();
    let example = dir.path().join("example");
    copy_scenario("example-3-communes", &example);
    let plan = dir.path().join("plan");
    std::fs::create_dir_all(plan.join("targets.csv")).unwrap();
    std::fs::write(plan.join("projects.csv"), "old projects").unwrap();
    std::fs::write(plan.join("communes.csv"), "old communes").unwrap();
    let sweep = dir.path().join("sweep");
    std::fs::create_dir_all(sweep.join("sweep.svg")).unwrap();
    std::fs::write(sweep.join("sweep.csv"), "old sweep").unwrap();
    // import-xlsx writes communes.csv, then projects.csv: a folder takes the second's place.
    let import = dir.path().join("import");
    copy_scenario("example-3-communes", &import);
    std::fs::remove_file(import.join("projects.csv")).unwrap();
    std::fs::create_dir(import.join("projects.csv")).unwrap();
    let before = snapshot(dir.path());
    let p = |s: &str| PathBuf::from(s);
    for command in [
        vec![p("plan"), example.clone(), p("--csv"), plan.clone()],
        vec![
            p("sweep"),
            example.clone(),
            p("--budget"),
            p("0.5..1"),
            p("--steps"),
            p("2"),
            p("--out"),
            sweep.clone(),
        ],
        vec![p("import-xlsx"), book.clone(), p("--out"), import.clone()],
    ] {
        let mut command = command;
        command.push(p("--json"));
        let out = ntm(&args(&command));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{command:?} must fail: {stderr}"
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let message = v["problems"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("a folder is where this file should go"),
            "{v}"
        );
        assert_eq!(snapshot(dir.path()), before, "{command:?} changed files");
    }
    // The same commands succeed once the folders are out of the way, and write every file.
    std::fs::remove_dir(plan.join("targets.csv")).unwrap();
    let out = ntm(&args(&[
        p("plan"),
        example.clone(),
        p("--csv"),
        plan.clone(),
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = snapshot(&plan);
    assert_eq!(written.len(), 4, "{:?}", written.keys());
    assert_ne!(written[Path::new("projects.csv")], b"old projects");
}

#[test]
fn synthesize_write_keeps_a_hand_written_file_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed");
    copy_scenario("muong-te-2021-2025", &seed);
    // As shipped, the file is the synthesizer's own output: rewriting it loses nothing.
    let out = ntm(&["synthesize".as_ref(), seed.as_os_str(), "--write".as_ref()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let synthesized = std::fs::read(seed.join("communes.csv")).unwrap();
    // A planner edits it by hand (a commune's real name).
    let edited = String::from_utf8(synthesized.clone())
        .unwrap()
        .replacen("Xã", "Xã Thật", 1);
    std::fs::write(seed.join("communes.csv"), &edited).unwrap();
    let out = ntm(&["synthesize".as_ref(), seed.as_os_str(), "--write".as_ref()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("was not written by ntm"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(seed.join("communes.csv")).unwrap(),
        edited
    );
    assert!(!seed.join("communes.csv.bak").exists());
    // With --force: replaced, and the hand-written file is kept beside it.
    let out = ntm(&[
        "synthesize".as_ref(),
        seed.as_os_str(),
        "--write".as_ref(),
        "--force".as_ref(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("communes.csv.bak"));
    assert_eq!(
        std::fs::read(seed.join("communes.csv")).unwrap(),
        synthesized
    );
    assert_eq!(
        std::fs::read_to_string(seed.join("communes.csv.bak")).unwrap(),
        edited
    );
    // Written by ntm and unchanged since (the marker says so): replaced without --force.
    let out = ntm(&[
        "synthesize".as_ref(),
        seed.as_os_str(),
        "--write".as_ref(),
        "--seed".as_ref(),
        "99".as_ref(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(
        std::fs::read(seed.join("communes.csv")).unwrap(),
        synthesized
    );
}

#[test]
fn a_failed_import_leaves_a_good_scenario_untouched() {
    // A workbook whose second commune has no district (a merged cell that was unmerged without
    // copying the value; merged cells themselves are read as Excel shows them): the scenario's
    // hierarchy needs one, so the import fails validation.
    let outside = tempfile::tempdir().unwrap();
    let book = outside.path().join("merged.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let header = ["Mã xã", "Tên xã", "Huyện"];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for c in 1..=19u16 {
        ws.write_string(0, 2 + c, format!("TC{c}")).unwrap();
    }
    for (row, (id, name)) in [("an", "Xã An"), ("binh", "Xã Bình")].iter().enumerate() {
        let row = row as u32 + 1;
        ws.write_string(row, 0, *id).unwrap();
        ws.write_string(row, 1, *name).unwrap();
        for c in 1..=19u16 {
            ws.write_number(row, 2 + c, 1.0).unwrap();
        }
    }
    ws.write_string(1, 2, "Huyện Một").unwrap();
    wb.save(&book).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let example = dir.path().join("example");
    copy_scenario("example-3-communes", &example);
    let before = snapshot(dir.path());
    let out = ntm(&[
        "import-xlsx".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        example.as_os_str(),
        "--json".as_ref(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = v["problems"].as_array().unwrap();
    assert!(!problems.is_empty());
    // Problems name the files as they would be written, never a temporary copy.
    for p in problems {
        let file = p["file"].as_str().unwrap();
        assert!(
            file.starts_with(example.to_str().unwrap()) || file.ends_with("merged.xlsx"),
            "{p}"
        );
    }
    assert_eq!(snapshot(dir.path()), before, "the scenario is untouched");
}
