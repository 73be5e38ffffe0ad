//! `ntm import-xlsx --mapping FILE`: a workbook of old communes read straight into the new ones
//! (nhập Excel theo xã mới). The workbook is imported as usual into a staging folder (a minimal
//! scenario: `--year` is needed), then merged by `ntm merge`'s stages into the output folder.

use std::path::Path;

use serde::Serialize;

use super::import::{import_workbook, ImportReport};
use crate::error::{Error, Result};
use crate::merge::{self, MergeOptions, MergeReport};
use crate::output::Written;

/// What an import through a mapping did.
#[derive(Debug, Clone, Serialize)]
pub struct MergedImport {
    /// The import of the old communes (its files were staged, not kept).
    pub import: ImportReport,
    /// The merge into the new communes.
    pub merge: MergeReport,
}

/// Imports `workbook` (old communes) and writes the scenario of the new communes into `out`:
/// all or nothing, an existing non-empty `out` only with `force`.
pub fn import_merged(
    workbook: &Path,
    mapping: &Path,
    out: &Path,
    year: Option<u16>,
    force: bool,
) -> Result<(MergedImport, Written)> {
    let staging = tempfile::tempdir().map_err(|e| Error::io(&std::env::temp_dir(), e))?;
    let name = workbook.file_stem().map_or_else(
        || "imported".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let old = staging.path().join(&name);
    std::fs::create_dir_all(&old).map_err(|e| Error::io(&old, e))?;
    let mut import = import_workbook(workbook, &old, year)?;
    import.files.clear();
    let options = MergeOptions {
        scenarios: vec![old],
        mapping: mapping.to_path_buf(),
        province_mapping: None,
        rule: None,
        out: out.to_path_buf(),
    };
    let mut merged = merge::prepare(&options)?;
    let written = merge::write(&mut merged, out, force)?;
    Ok((
        MergedImport {
            import,
            merge: merged.report,
        },
        written,
    ))
}
