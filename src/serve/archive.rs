//! Scenario folders as zip archives (tệp nén): safe extraction of uploads and packing of a
//! workspace folder for download.
//!
//! Extraction trusts nothing in the archive: entry names with `..`, absolute paths or drive
//! letters are refused, the number of entries and the bytes actually inflated are capped (the
//! sizes a zip header declares can lie), and an entry that inflates far more than it weighs is
//! refused as a zip bomb. Nothing is written unless the whole archive passes.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Limits on an uploaded archive.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most entries (files and folders).
    pub max_entries: usize,
    /// Most bytes all files inflate to together.
    pub max_total: u64,
    /// Most an entry may inflate relative to its compressed size (a zip bomb's tell).
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 64,
            max_total: 64 << 20,
            max_ratio: 200,
        }
    }
}

fn refuse(message: impl Into<String>, hint: &str) -> Error {
    Error::Unsupported {
        message: message.into(),
        hint: hint.to_string(),
    }
}

/// The relative path of an entry, or why it is refused.
fn safe_name(name: &str) -> Result<PathBuf> {
    let hint = "zip the scenario folder itself; entries must be relative paths inside it";
    if name.contains('\\') || name.contains('\0') {
        return Err(refuse(
            format!("archive entry `{name}` has a backslash or NUL in its name"),
            hint,
        ));
    }
    let path = Path::new(name);
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => {
                let part_text = part.to_string_lossy();
                if part_text.len() >= 2 && part_text.as_bytes()[1] == b':' {
                    return Err(refuse(
                        format!("archive entry `{name}` names a drive"),
                        hint,
                    ));
                }
                clean.push(part);
            }
            Component::CurDir => {}
            Component::ParentDir => {
                return Err(refuse(
                    format!("archive entry `{name}` climbs out of the folder with `..`"),
                    hint,
                ))
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(refuse(
                    format!("archive entry `{name}` is an absolute path"),
                    hint,
                ))
            }
        }
    }
    Ok(clean)
}

/// Files of an archive, checked and inflated in memory: (relative path, contents).
pub fn read_entries(bytes: &[u8], limits: Limits) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let hint = "upload a .zip of a scenario folder (scenario.toml, communes.csv, projects.csv)";
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        refuse(
            format!("the upload is not a readable zip archive: {e}"),
            hint,
        )
    })?;
    if archive.len() > limits.max_entries {
        return Err(refuse(
            format!(
                "the archive has {} entries; at most {} are accepted",
                archive.len(),
                limits.max_entries
            ),
            hint,
        ));
    }
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| refuse(format!("archive entry {i} cannot be read: {e}"), hint))?;
        let name = entry.name().to_string();
        let path = safe_name(&name)?;
        if entry.is_dir() {
            continue;
        }
        if entry.is_symlink() {
            return Err(refuse(
                format!("archive entry `{name}` is a symbolic link"),
                hint,
            ));
        }
        let compressed = entry.compressed_size().max(1);
        // Read at most one byte past what the remaining allowance permits: the header's sizes
        // are not trusted.
        let allowance = (limits.max_total - total).min(compressed.saturating_mul(limits.max_ratio));
        let mut contents = Vec::new();
        entry
            .take(allowance + 1)
            .read_to_end(&mut contents)
            .map_err(|e| {
                refuse(
                    format!("archive entry `{name}` cannot be inflated: {e}"),
                    hint,
                )
            })?;
        let size = contents.len() as u64;
        if size > allowance {
            return Err(refuse(
                if total + size > limits.max_total {
                    format!(
                        "the archive inflates to more than {} MiB",
                        limits.max_total >> 20
                    )
                } else {
                    format!(
                        "archive entry `{name}` inflates more than {}× its compressed size (zip bomb?)",
                        limits.max_ratio
                    )
                },
                hint,
            ));
        }
        total += size;
        files.push((path, contents));
    }
    Ok(files)
}

/// Writes checked entries under `dest`, dropping one leading folder when every entry shares it
/// (an archive of the folder rather than of its contents).
pub fn write_entries(files: &[(PathBuf, Vec<u8>)], dest: &Path) -> Result<()> {
    let first: Option<&std::ffi::OsStr> = files
        .first()
        .and_then(|(p, _)| p.components().next())
        .map(|c| c.as_os_str());
    let shared = first.filter(|first| {
        files.iter().all(|(p, _)| {
            p.components().count() > 1
                && p.components().next().map(|c| c.as_os_str()) == Some(*first)
        })
    });
    for (path, contents) in files {
        let relative = match shared {
            Some(prefix) => path.strip_prefix(prefix).unwrap_or(path),
            None => path.as_path(),
        };
        let target = dest.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&target, contents).map_err(|e| Error::io(&target, e))?;
    }
    Ok(())
}

/// A zip archive of the regular files under `dir` (sorted, so the same folder gives the same
/// archive), each under `prefix/`.
pub fn folder_zip(dir: &Path, prefix: &str) -> Result<Vec<u8>> {
    let mut paths = Vec::new();
    collect_files(dir, dir, &mut paths)?;
    paths.sort();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let zip_error = |e: zip::result::ZipError| Error::io(dir, std::io::Error::other(e));
    for relative in paths {
        let name = format!("{prefix}/{}", relative.to_string_lossy().replace('\\', "/"));
        writer.start_file(name, options).map_err(zip_error)?;
        let path = dir.join(&relative);
        let contents = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        writer
            .write_all(&contents)
            .map_err(|e| Error::io(&path, e))?;
    }
    Ok(writer.finish().map_err(zip_error)?.into_inner())
}

/// Regular files under `dir` (symbolic links are not followed), relative to `base`.
pub(crate) fn collect_files(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let kind = entry.file_type().map_err(|e| Error::io(&entry.path(), e))?;
        let path = entry.path();
        if kind.is_dir() {
            collect_files(base, &path, out)?;
        } else if kind.is_file() {
            if let Ok(relative) = path.strip_prefix(base) {
                out.push(relative.to_path_buf());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_climb_or_are_absolute_are_refused() {
        assert!(safe_name("a/../../etc/passwd").is_err());
        assert!(safe_name("/etc/passwd").is_err());
        assert!(safe_name("C:/x").is_err());
        assert!(safe_name("a\\..\\b").is_err());
        assert_eq!(
            safe_name("./lai/scenario.toml").unwrap(),
            PathBuf::from("lai/scenario.toml")
        );
    }
}
