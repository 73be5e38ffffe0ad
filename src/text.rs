//! Reading input text (văn bản đầu vào): BOM, Unicode normalisation (NFC), empty files, TOML
//! with locations, and atomic writes of output files.

use std::io::Write;
use std::path::Path;

use serde::de::DeserializeOwned;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Diagnostic, Error, Result};

/// Largest input file ntm reads (CSV, workbook), in bytes: 256 MiB. A larger file is refused
/// with an error before it is read, so no input can exhaust memory.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Largest TOML file (scenario, catalog, rule), in bytes: 8 MiB. Real ones are under 100 KiB.
pub const MAX_TOML_BYTES: u64 = 8 * 1024 * 1024;

/// Longest excerpt of input an error message quotes, in characters.
pub const MAX_EXCERPT_CHARS: usize = 80;

/// Reads at most `limit` bytes of a file; a longer file (or a device such as `/dev/zero`) is
/// an error, found after reading `limit + 1` bytes at most.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::invalid(
            Diagnostic::new(
                path,
                None,
                format!("file is larger than the limit of {}", size(limit)),
            )
            .hint("ntm reads scenario files up to this size; split the data or check the path"),
        ));
    }
    Ok(bytes)
}

fn size(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

/// Reads a text file (CSV) up to [`MAX_INPUT_BYTES`]: strips a BOM, normalises to NFC,
/// rejects empty files, and names the encoding of a file that is not UTF-8.
pub fn read_to_string(path: &Path) -> Result<String> {
    read_text(path, MAX_INPUT_BYTES)
}

/// Reads a TOML file up to [`MAX_TOML_BYTES`], as [`read_to_string`] does.
pub fn read_toml_text(path: &Path) -> Result<String> {
    read_text(path, MAX_TOML_BYTES)
}

fn read_text(path: &Path, limit: u64) -> Result<String> {
    let bytes = read_bounded(path, limit)?;
    let text = decode(bytes).map_err(|problem| {
        Error::invalid(
            Diagnostic::new(path, Some(problem.line), problem.message)
                .hint("save it as UTF-8 (in Excel: Save As → CSV UTF-8)"),
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

/// Why bytes are not UTF-8 text, and where.
#[derive(Debug, PartialEq, Eq)]
pub struct EncodingProblem {
    /// 1-based line of the first bad byte.
    pub line: usize,
    /// What the encoding looks like.
    pub message: String,
}

/// Decodes UTF-8, or says once which encoding the bytes look like: UTF-16 (a BOM, or NUL bytes
/// between ASCII letters) or a Windows code page (Windows-1258 or Windows-1252: single
/// bytes ≥ 0x80 that do not form UTF-8).
pub fn decode(bytes: Vec<u8>) -> std::result::Result<String, EncodingProblem> {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if utf16 || bytes.iter().take(4096).any(|b| *b == 0) {
        return Err(EncodingProblem {
            line: 1,
            message: "file is UTF-16 (or has NUL bytes), not UTF-8 text".to_string(),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let bad = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..bad].iter().filter(|b| **b == b'\n').count() + 1;
        let byte = bytes[bad];
        EncodingProblem {
            line,
            message: format!(
                "file is not UTF-8: byte 0x{byte:02X} on this line looks like a Windows code page \
                 (Windows-1258 Vietnamese or Windows-1252); the whole file needs converting"
            ),
        }
    })
}

/// At most [`MAX_EXCERPT_CHARS`] characters of `text`, with `…` where it was cut.
pub fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
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
