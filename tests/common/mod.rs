//! Helpers shared by the integration tests (each test file includes them with `mod common;`
//! and uses what it needs).
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root (where `scenarios/`, `rules/` and `tests/fixtures/` are).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `ntm` binary from the repository's root, without colours.
pub fn ntm<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// A run's stdout as JSON, or a panic that shows what it printed instead.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Copies a shipped scenario's `scenario.toml`, `communes.csv` and `projects.csv` into `to`.
pub fn copy_scenario(name: &str, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for file in ["scenario.toml", "communes.csv", "projects.csv"] {
        std::fs::copy(
            repo().join("scenarios").join(name).join(file),
            to.join(file),
        )
        .unwrap();
    }
}
