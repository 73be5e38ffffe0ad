//! Receipt (biên nhận): where a result came from. Every `--json` output carries one: the ntm
//! version, the options given and the SHA-256 of every input — scenario file, communes and
//! projects, the catalog and the rules (built-in ones hashed from the text compiled in).
//!
//! A receipt is deterministic: the same inputs and options give the same receipt, byte for
//! byte. It therefore holds no wall-clock time, duration, host name or absolute path that the
//! user did not type: timing is not an input, and a receipt that changed on every run could not
//! be compared with `diff` or kept beside a plan as proof of what produced it.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::catalog::Catalog;
use crate::rules::Rule;
use crate::text;

/// Where a result came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Receipt {
    /// ntm version (`CARGO_PKG_VERSION`).
    pub ntm: &'static str,
    /// The command and its options, as given (defaults filled in).
    pub options: serde_json::Value,
    /// Every input, in the order the command reads them.
    pub inputs: Vec<Input>,
}

/// One input of a command and its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Input {
    /// What it is: `scenario`, `communes`, `projects`, `catalog`, `rule`, `workbook`.
    pub role: &'static str,
    /// Path as given (scenario files: as the scenario names them), or `<built-in ID>`.
    pub path: String,
    /// SHA-256 of its bytes, hex; absent when it cannot be read or exceeds the input limit.
    pub sha256: Option<String>,
    /// Why there is no hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Receipt {
    /// A receipt with the command's options and no inputs yet.
    pub fn new(options: serde_json::Value) -> Self {
        Receipt {
            ntm: env!("CARGO_PKG_VERSION"),
            options,
            inputs: Vec::new(),
        }
    }

    /// Adds a file input, hashed as it is on disk now.
    pub fn file(&mut self, role: &'static str, shown: &str, path: &Path) -> &mut Self {
        let (sha256, note) = match hash_file(path) {
            Ok(hash) => (Some(hash), None),
            Err(note) => (None, Some(note)),
        };
        self.inputs.push(Input {
            role,
            path: shown.to_string(),
            sha256,
            note,
        });
        self
    }

    /// Adds a built-in input (catalog or rule compiled into ntm).
    pub fn built_in(&mut self, role: &'static str, id: &str, text: &str) -> &mut Self {
        self.inputs.push(Input {
            role,
            path: format!("<built-in {id}>"),
            sha256: Some(hex(&Sha256::digest(text.as_bytes()))),
            note: None,
        });
        self
    }

    /// Adds a scenario (folder or `scenario.toml`) and the files it names: communes, projects,
    /// catalog. Works on a broken scenario too, as far as its `scenario.toml` can be read.
    pub fn scenario(&mut self, path: &Path) -> &mut Self {
        let (dir, toml_path) = scenario_paths(path);
        self.file("scenario", &path.display().to_string(), &toml_path);
        let table = text::read_to_string(&toml_path)
            .ok()
            .and_then(|t| t.parse::<toml::Table>().ok())
            .unwrap_or_default();
        let named = |key: &str| table.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let communes = named("communes").unwrap_or_else(|| "communes.csv".to_string());
        self.file("communes", &communes, &dir.join(&communes));
        if let Some(projects) = named("projects") {
            self.file("projects", &projects, &dir.join(&projects));
        }
        if let Some(catalog) = named("catalog") {
            self.catalog(&catalog, &dir);
        }
        self
    }

    /// Adds a catalog by id or by path relative to `base`.
    pub fn catalog(&mut self, reference: &str, base: &Path) -> &mut Self {
        match Catalog::built_in_text(reference) {
            Some(text) => self.built_in("catalog", reference, text),
            None => self.file("catalog", reference, &base.join(reference)),
        }
    }

    /// Adds a rule by id or path.
    pub fn rule(&mut self, reference: &str) -> &mut Self {
        let path = Path::new(reference);
        match Rule::built_in(reference) {
            Some((id, text)) if !path.is_file() => self.built_in("rule", id, text),
            _ => self.file("rule", reference, path),
        }
    }

    /// The receipt as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// `value` with the receipt as its first field; a value that is not an object goes under
/// `result`.
pub fn attach(receipt: &Receipt, value: serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    out.insert("receipt".into(), receipt.to_json());
    match value {
        serde_json::Value::Object(fields) => {
            for (key, field) in fields {
                if key != "receipt" {
                    out.insert(key, field);
                }
            }
        }
        other => {
            out.insert("result".into(), other);
        }
    }
    serde_json::Value::Object(out)
}

/// Folder and `scenario.toml` of a scenario given as either.
pub fn scenario_paths(path: &Path) -> (PathBuf, PathBuf) {
    if path.is_dir() {
        (path.to_path_buf(), path.join("scenario.toml"))
    } else {
        (
            path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            path.to_path_buf(),
        )
    }
}

/// SHA-256 of a regular file, read in blocks up to the input limit.
fn hash_file(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let limit = text::MAX_INPUT_BYTES;
    let mut reader = file.take(limit + 1);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = reader
            .read(&mut buffer)
            .map_err(|e| format!("cannot read: {e}"))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limit {
            return Err(format!("larger than the input limit of {limit} bytes"));
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_the_published_sha256_of_abc() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc.txt");
        std::fs::write(&path, "abc").unwrap();
        let mut r = Receipt::new(serde_json::json!({"command": "x"}));
        r.file("rule", "abc.txt", &path);
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            r.inputs[0].sha256.as_deref(),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        r.file("rule", "missing", &dir.path().join("missing"));
        assert_eq!(r.inputs[1].sha256, None);
        assert!(r.inputs[1]
            .note
            .as_deref()
            .unwrap()
            .starts_with("cannot read"));
    }

    #[test]
    fn a_device_is_not_hashed() {
        let mut r = Receipt::new(serde_json::Value::Null);
        r.rule("/dev/zero");
        assert_eq!(r.inputs[0].note.as_deref(), Some("not a regular file"));
    }

    #[test]
    fn attach_puts_the_receipt_first_and_wraps_non_objects() {
        let r = Receipt::new(serde_json::Value::Null);
        let v = attach(&r, serde_json::json!({"a": 1}));
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["receipt", "a"]);
        let v = attach(&r, serde_json::json!([1, 2]));
        assert_eq!(v["result"], serde_json::json!([1, 2]));
    }
}
