//! Reading input text (văn bản đầu vào): BOM, Unicode normalisation (NFC), empty files, TOML
//! with locations, and atomic writes of output files.

use std::io::Write;
use std::path::Path;

use serde::de::DeserializeOwned;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Diagnostic, Error, Result};

/// Reads a text file: strips a BOM, normalises to NFC, rejects empty files and non-UTF-8.
pub fn read_to_string(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        Error::invalid(
            Diagnostic::new(path, Some(line), "file is not UTF-8 text")
                .hint("save it as UTF-8 (in Excel: CSV UTF-8)"),
        )
    })?;
    let text = normalize(&text);
    if text.trim().is_empty() {
        return Err(Error::invalid(
            Diagnostic::new(path, None, "file is empty").hint("the file must have content"),
        ));
    }
    Ok(text)
}

/// NFC form without a leading BOM, so `Mường Tè` typed NFD or NFC compares equal.
pub fn normalize(text: &str) -> String {
    text.trim_start_matches('\u{feff}').nfc().collect()
}

/// Name as written, NFC-normalised and trimmed.
pub fn name(text: &str) -> String {
    normalize(text.trim()).trim().to_string()
}

/// Parses TOML into `T`, reporting the line and column of a problem.
pub fn parse_toml<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|span| line_column(text, span.start)).unzip();
        Error::invalid(
            Diagnostic::new(path, line, e.message().to_string())
                .column(column)
                .hint("check the field names and value types against scenarios/README.md"),
        )
    })
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// 1-based line of the first occurrence of `needle`.
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|offset| line_column(text, offset).0)
}

/// Writes a file atomically: a temporary file in the same folder, then a rename.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(contents).map_err(|e| Error::io(path, e))?;
    // A temporary file is private (0600); an output file gets the usual permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(path, e))?;
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_and_nfc_compare_equal() {
        let nfd: String = "Mường Tè".nfd().collect();
        assert_ne!(nfd, "Mường Tè");
        assert_eq!(name(&nfd), "Mường Tè");
        assert_eq!(normalize("\u{feff}abc"), "abc");
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_gives_readable_files_and_keeps_modes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"a").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&path, b"b").unwrap();
        assert_eq!(
            (mode(&path), std::fs::read(&path).unwrap()),
            (0o600, b"b".to_vec())
        );
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_of("a\nb = 1\n", "b ="), Some(2));
    }
}
