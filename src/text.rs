//! Reading input text (văn bản đầu vào): BOM, Unicode normalisation (NFC), empty files, TOML
//! with locations, and atomic writes of output files.

use std::io::Write;
use std::path::Path;

use serde::de::DeserializeOwned;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Diagnostic, Error, Result};

/// Largest input file ntm reads (CSV, workbook), in bytes: 128 MiB (about 1.9 million commune
/// rows, some 350 MB in memory for `evaluate`, 1 GB when every commune is listed; see the
/// memory bench). A larger file is refused with an error before it is read, so no input can
/// exhaust memory.
pub const MAX_INPUT_BYTES: u64 = 128 * 1024 * 1024;

/// Largest TOML file (scenario, catalog, rule), in bytes: 8 MiB. Real ones are under 100 KiB.
pub const MAX_TOML_BYTES: u64 = 8 * 1024 * 1024;

/// Most problems reported for one file: past these, reading stops (the rest are most likely
/// the same mistake repeated, and a list of thousands helps no one).
pub const MAX_PROBLEMS_PER_FILE: usize = 100;

/// The problem that closes a list cut at [`MAX_PROBLEMS_PER_FILE`].
pub fn too_many_problems(path: &Path) -> Diagnostic {
    Diagnostic::new(
        path,
        None,
        format!("more than {MAX_PROBLEMS_PER_FILE} problems: stopped reading this file"),
    )
    .hint("fix the problems above (often one mistake repeated on every row), then check again")
}

/// Longest excerpt of input an error message quotes, in characters.
pub const MAX_EXCERPT_CHARS: usize = 80;

/// Reads at most `limit` bytes of a file; a longer file (or a device such as `/dev/zero`) is
/// an error, found after reading `limit + 1` bytes at most.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    // A regular file says its size; a device or pipe is read until the limit.
    let known = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let mut bytes = Vec::new();
    if known.is_none_or(|len| len <= limit) {
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, e))?;
    }
    if known.unwrap_or(bytes.len() as u64) > limit || bytes.len() as u64 > limit {
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

/// A CSV file opened for streaming (its rows are read one at a time, never the whole text):
/// size checked against [`MAX_INPUT_BYTES`], UTF-16 and empty files refused, `;` detected as
/// the separator from the first line (Excel with a Vietnamese locale), a UTF-8 BOM skipped.
/// A row that is not UTF-8 comes back as a `csv` error: see [`csv_problem`].
pub fn csv_file(
    path: &Path,
) -> Result<csv::Reader<std::io::Take<std::io::BufReader<std::fs::File>>>> {
    use std::io::{BufRead, Read};
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    if file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() > MAX_INPUT_BYTES)
    {
        return Err(Error::invalid(
            Diagnostic::new(
                path,
                None,
                format!("file is larger than the limit of {}", size(MAX_INPUT_BYTES)),
            )
            .hint("ntm reads scenario files up to this size; split the data or check the path"),
        ));
    }
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
    let head = reader.fill_buf().map_err(|e| Error::io(path, e))?.to_vec();
    if let Err(problem) = decode(head.clone()) {
        // A character cut by the end of the first block is no encoding problem.
        let cut_at_end = std::str::from_utf8(&head).is_err_and(|e| e.error_len().is_none());
        if problem.message.contains("UTF-16") || !cut_at_end {
            return Err(Error::invalid(
                Diagnostic::new(path, Some(1), problem.message)
                    .hint("save it as UTF-8 (in Excel: Save As → CSV UTF-8)"),
            ));
        }
    }
    let head = String::from_utf8_lossy(&head);
    let head = head.trim_start_matches('\u{feff}');
    if head.trim().is_empty() {
        return Err(Error::invalid(
            Diagnostic::new(path, None, "file is empty").hint("the file must have content"),
        ));
    }
    let first = head.lines().next().unwrap_or("");
    let delimiter = if first.contains(';') && !first.contains(',') {
        b';'
    } else {
        b','
    };
    Ok(csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(reader.take(MAX_INPUT_BYTES)))
}

/// The problem for a CSV reading error; `true` when reading should stop (the file is not
/// UTF-8: every later row would fail the same way, so it is said once).
pub fn csv_problem(path: &Path, e: &csv::Error) -> (Diagnostic, bool) {
    let line = e.position().map(|p| p.line() as usize);
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => (
            Diagnostic::new(
                path,
                line,
                "file is not UTF-8: this line has bytes of a Windows code page (Windows-1258 \
                 Vietnamese or Windows-1252); the whole file needs converting",
            )
            .hint("save it as UTF-8 (in Excel: Save As → CSV UTF-8)"),
            true,
        ),
        csv::ErrorKind::Io(io) => (Diagnostic::new(path, line, io.to_string()), true),
        _ => (Diagnostic::new(path, line, e.to_string()), false),
    }
}

/// The next data row of a CSV file and its line, blank rows skipped: the one home of the
/// loaders' row loop. A row that does not parse is a problem (reading stops when no later row
/// could be read, [`csv_problem`]); `None` at the end, or once the file has
/// [`MAX_PROBLEMS_PER_FILE`] problems (with one more saying so).
pub fn next_row<R: std::io::Read>(
    records: &mut csv::StringRecordsIter<'_, R>,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<(usize, csv::StringRecord)> {
    loop {
        if problems.len() >= MAX_PROBLEMS_PER_FILE {
            problems.push(too_many_problems(path));
            return None;
        }
        match records.next()? {
            Err(e) => {
                let (problem, stop) = csv_problem(path, &e);
                problems.push(problem);
                if stop {
                    return None;
                }
            }
            Ok(record) if record.iter().all(|c| c.trim().is_empty()) => {}
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                return Some((line, record));
            }
        }
    }
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

/// Parses TOML into `T`, reporting the line and column of every problem, not only the first.
///
/// serde stops at the first error. To find the others, each section (`[x]` or `[[x]]` up to the
/// next header) is parsed again on its own, behind the top-level keys, and the problems located
/// inside it are collected. The whole-file parse stays the one that decides.
pub fn parse_toml<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    let first = match toml::from_str::<T>(text) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let mut problems = vec![toml_problem(
        &first,
        text,
        first.span().map(|s| s.start),
        path,
    )];
    let sections = sections(text);
    let top_end = sections.first().map_or(text.len(), |s| s.start);
    // The top-level keys, each wrong one found and blanked in turn (a blanked required key is
    // reported missing only after every other key was read).
    let mut top = text[..top_end].to_string();
    let mut blanked: Vec<String> = Vec::new();
    let knock_on = |e: &toml::de::Error, blanked: &[String]| {
        blanked
            .iter()
            .any(|key| e.message() == format!("missing field `{key}`"))
    };
    for _ in 0..50 {
        let Err(e) = toml::from_str::<T>(&top) else {
            break;
        };
        if knock_on(&e, &blanked) {
            break;
        }
        let Some(span) = e.span().filter(|s| s.start < top.len()) else {
            break;
        };
        let problem = toml_problem(&e, text, Some(span.start), path);
        let line_start = top[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = top[span.start..]
            .find('\n')
            .map_or(top.len(), |i| span.start + i);
        if top[line_start..line_end].trim().is_empty() {
            break;
        }
        if !problems.contains(&problem) {
            problems.push(problem);
        }
        let key = top[line_start..line_end].split('=').next().unwrap_or("");
        blanked.push(key.trim().trim_matches('"').to_string());
        top.replace_range(line_start..line_end, &" ".repeat(line_end - line_start));
    }
    let top = top.as_str();
    for section in &sections {
        let combined = format!("{top}\n{}", &text[section.clone()]);
        if let Err(e) = toml::from_str::<T>(&combined) {
            if knock_on(&e, &blanked) {
                continue;
            }
            let Some(span) = e.span() else { continue };
            let Some(offset) = span.start.checked_sub(top.len() + 1) else {
                continue;
            };
            let problem = toml_problem(&e, text, Some(section.start + offset), path);
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
    }
    problems.sort_by_key(|p| (p.line, p.column));
    Err(Error::Invalid(problems))
}

fn toml_problem(e: &toml::de::Error, text: &str, at: Option<usize>, path: &Path) -> Diagnostic {
    let (line, column) = at.map(|offset| line_column(text, offset)).unzip();
    Diagnostic::new(path, line, e.message().to_string())
        .column(column)
        .hint("check the field names and value types against scenarios/README.md")
}

/// Byte ranges of the sections of a TOML text: from each `[header]` or `[[header]]` line to
/// the next one.
fn sections(text: &str) -> Vec<std::ops::Range<usize>> {
    let is_header = |line: &str| {
        let line = line.split('#').next().unwrap_or("").trim();
        line.starts_with('[')
            && line.ends_with(']')
            && line
                .trim_matches(['[', ']'])
                .chars()
                .all(|c| c.is_alphanumeric() || "_-.\" ".contains(c))
    };
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if is_header(line) {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts
        .iter()
        .enumerate()
        .map(|(i, start)| *start..starts.get(i + 1).copied().unwrap_or(text.len()))
        .collect()
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
