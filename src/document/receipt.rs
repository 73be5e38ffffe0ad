//! How a draft was produced (biên nhận): ntm version, input files with their SHA-256, options.
//!
//! Kept behind [`receipt`] so that the project's shared receipt can replace it in one place.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Version, inputs and options of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Receipt {
    /// Program and version, e.g. `ntm 0.1.0`.
    pub version: String,
    /// Input files, by name within the scenario folder (or as given), with their hashes.
    pub inputs: Vec<InputFile>,
    /// Options as `name=value`.
    pub options: Vec<String>,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputFile {
    /// Name as shown (no absolute path, so the receipt is the same on every machine).
    pub name: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

/// An input: its name as shown and its bytes.
pub type Input = (String, Vec<u8>);

/// Reads an input file, to be shown as `name`.
pub fn read_input(name: impl Into<String>, path: &Path) -> Result<Input> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok((name.into(), bytes))
}

/// The receipt for `inputs` and `options`.
pub fn receipt(inputs: &[Input], options: Vec<String>) -> Receipt {
    Receipt {
        version: format!("ntm {}", env!("CARGO_PKG_VERSION")),
        inputs: inputs
            .iter()
            .map(|(name, bytes)| InputFile {
                name: name.clone(),
                sha256: hex(&Sha256::digest(bytes)),
            })
            .collect(),
        options,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        let r = receipt(&[("a.txt".into(), b"abc".to_vec())], vec!["x=1".into()]);
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            r.inputs[0].sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
