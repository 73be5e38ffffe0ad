//! Writing output files safely (ghi tệp kết quả): a set of files is written all or nothing,
//! and a file in a user's scenario folder is replaced only when ntm wrote it, unless forced.
//!
//! [`write_all`] stages every file as a temporary file beside its target (same folder, so the
//! final rename is atomic), then moves them in one by one; if a move fails, the files already
//! moved are put back as they were. A read-only folder, a full disk or a directory where a file
//! should go therefore leaves every target untouched.
//!
//! [`write_owned`] adds ownership: each folder it writes into gets a marker, `.ntm-written`,
//! listing the SHA-256 of every file ntm wrote there. An existing file that is not listed (a
//! hand-written `communes.csv`) or was edited since is refused unless `force`, and is then kept
//! as `NAME.bak`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Name of the marker listing the files ntm wrote in a folder.
pub const MARKER: &str = ".ntm-written";

/// Writes every `(path, contents)` or none of them.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    for (path, _) in files {
        if path.is_dir() {
            return Err(Error::io(
                path,
                std::io::Error::other("a folder is where this file should go"),
            ));
        }
    }
    let mut staged = Vec::with_capacity(files.len());
    for (path, contents) in files {
        staged.push(stage(path, contents)?);
    }
    let mut moved: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for (temp, (path, _)) in staged.into_iter().zip(files) {
        if let Err(e) = move_in(temp, path, &mut moved) {
            roll_back(&moved);
            return Err(e);
        }
    }
    for (_, old) in moved {
        if let Some(old) = old {
            let _ = std::fs::remove_file(old);
        }
    }
    Ok(())
}

/// A temporary copy of `contents` beside `path`, with the permissions `path` has (or 0644).
fn stage(path: &Path, contents: &[u8]) -> Result<tempfile::NamedTempFile> {
    let dir = parent(path);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    temp.write_all(contents)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| Error::io(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(path, e))?;
    }
    Ok(temp)
}

/// Moves the old file aside (if any), then the staged file in; records both for a roll-back.
fn move_in(
    temp: tempfile::NamedTempFile,
    path: &Path,
    moved: &mut Vec<(PathBuf, Option<PathBuf>)>,
) -> Result<()> {
    let old = if path.exists() {
        let aside = aside_name(path);
        std::fs::rename(path, &aside).map_err(|e| Error::io(path, e))?;
        Some(aside)
    } else {
        None
    };
    match temp.persist(path) {
        Ok(_) => {
            moved.push((path.to_path_buf(), old));
            Ok(())
        }
        Err(e) => {
            if let Some(old) = &old {
                let _ = std::fs::rename(old, path);
            }
            Err(Error::io(path, e.error))
        }
    }
}

/// Puts back what [`move_in`] changed, newest first.
fn roll_back(moved: &[(PathBuf, Option<PathBuf>)]) {
    for (path, old) in moved.iter().rev() {
        match old {
            Some(old) => {
                let _ = std::fs::rename(old, path);
            }
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

fn aside_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    parent(path).join(format!(".{name}.ntm-old-{}", std::process::id()))
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// What [`write_owned`] did besides writing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Backups of replaced files that ntm had not written (`NAME.bak`).
    pub backups: Vec<PathBuf>,
}

/// Writes files into a user's folder, all or nothing: refuses to replace a file ntm did not
/// write (or that was edited since) unless `force`, keeping a backup of any such file it does
/// replace, and records the new files in the folder's [`MARKER`].
pub fn write_owned(files: &[(PathBuf, Vec<u8>)], force: bool) -> Result<Written> {
    let mut all: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut written = Written::default();
    let mut markers: BTreeMap<PathBuf, BTreeMap<String, String>> = BTreeMap::new();
    for (path, contents) in files {
        let dir = parent(path).to_path_buf();
        let marker = markers
            .entry(dir.clone())
            .or_insert_with(|| read_marker(&dir));
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        if let Ok(old) = std::fs::read(path) {
            let ours = marker.get(&name) == Some(&sha256(&old));
            if old != *contents && !ours {
                if !force {
                    return Err(Error::Unsupported {
                        message: format!(
                            "{} was not written by ntm (or was edited since): not replacing it",
                            path.display()
                        ),
                        hint: "pass --force to replace it (the old file is kept as .bak), or move it away first".into(),
                    });
                }
                let backup = dir.join(format!("{name}.bak"));
                all.push((backup.clone(), old));
                written.backups.push(backup);
            }
        }
        marker.insert(name, sha256(contents));
        all.push((path.clone(), contents.clone()));
    }
    for (dir, marker) in markers {
        let text: String = marker
            .iter()
            .map(|(name, hash)| format!("{hash}  {name}\n"))
            .collect();
        all.push((dir.join(MARKER), text.into_bytes()));
    }
    write_all(&all)?;
    Ok(written)
}

/// File name → SHA-256 from a folder's marker (`sha256sum` format).
fn read_marker(dir: &Path) -> BTreeMap<String, String> {
    crate::text::read_bounded(&dir.join(MARKER), 1024 * 1024)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(|text| {
            text.lines()
                .filter_map(|line| line.split_once("  "))
                .map(|(hash, name)| (name.to_string(), hash.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path, names: &[(&str, &str)]) -> Vec<(PathBuf, Vec<u8>)> {
        names
            .iter()
            .map(|(n, c)| (dir.join(n), c.as_bytes().to_vec()))
            .collect()
    }

    fn listing(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_folder_in_the_way_of_the_last_file_leaves_every_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "old a").unwrap();
        std::fs::create_dir(dir.path().join("c.csv")).unwrap();
        let before = listing(dir.path());
        let err = write_all(&files(
            dir.path(),
            &[("a.csv", "new a"), ("b.csv", "new b"), ("c.csv", "new c")],
        ))
        .unwrap_err();
        assert!(err.to_string().contains("c.csv"), "{err}");
        assert_eq!(listing(dir.path()), before);
    }

    #[test]
    fn a_failed_move_half_way_is_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "old a").unwrap();
        let staged = vec![
            stage(&dir.path().join("a.csv"), b"new a").unwrap(),
            stage(&dir.path().join("b.csv"), b"new b").unwrap(),
        ];
        let mut moved = Vec::new();
        let mut staged = staged.into_iter();
        move_in(
            staged.next().unwrap(),
            &dir.path().join("a.csv"),
            &mut moved,
        )
        .unwrap();
        move_in(
            staged.next().unwrap(),
            &dir.path().join("b.csv"),
            &mut moved,
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.csv")).unwrap(),
            "new a"
        );
        roll_back(&moved);
        assert_eq!(
            listing(dir.path()),
            [("a.csv".to_string(), "old a".to_string())]
        );
    }

    #[test]
    fn a_hand_written_file_is_kept_unless_forced_then_backed_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("communes.csv");
        std::fs::write(&path, "hand-written").unwrap();
        let new = files(dir.path(), &[("communes.csv", "synthetic")]);
        assert!(write_owned(&new, false).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "hand-written");
        let w = write_owned(&new, true).unwrap();
        assert_eq!(w.backups, [dir.path().join("communes.csv.bak")]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("communes.csv.bak")).unwrap(),
            "hand-written"
        );
        // Now ntm's own: replaced without --force, no backup.
        let newer = files(dir.path(), &[("communes.csv", "synthetic 2")]);
        assert_eq!(write_owned(&newer, false).unwrap(), Written::default());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "synthetic 2");
        // Edited by hand since: refused again.
        std::fs::write(&path, "edited").unwrap();
        assert!(write_owned(&new, false).is_err());
        // Same contents as the new output: nothing to lose.
        std::fs::write(&path, "synthetic").unwrap();
        std::fs::remove_file(dir.path().join(MARKER)).unwrap();
        assert!(write_owned(&new, false).is_ok());
    }
}
