//! The zip itself: entry names that could escape the package root, links, encryption, and the
//! sizes that make a zip bomb; and reading one entry while holding it to its declared size.
//! Nothing is ever written to disk.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom, Write};

use zip::ZipArchive;

use super::model::{Entry, Limits, RATIO_FLOOR_BYTES};
use super::problems::{Problem, ProblemKind, Problems};

/// Normalises a zip entry name or a manifest path to a relative, forward-slash path without
/// `.` or empty segments. `None` when it could escape the root or name a device: `..`, a
/// leading `/`, a drive letter, a backslash, a NUL or another control character.
pub fn normalise_path(name: &str) -> Option<String> {
    if name.starts_with('/')
        || name.contains('\\')
        || name.chars().any(char::is_control)
        || has_drive_letter(name)
    {
        return None;
    }
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    let path = parts.join("/");
    (!path.is_empty() && !has_drive_letter(&path)).then_some(path)
}

fn has_drive_letter(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// Reads the entry count from the end of central directory record before the zip crate
/// loads the whole directory (a zip can declare millions of entries in a few megabytes).
/// `None` when the record is not found or the count is in a ZIP64 record.
fn declared_entry_count<R: Read + Seek>(reader: &mut R) -> Option<u64> {
    let len = reader.seek(SeekFrom::End(0)).ok()?;
    let tail = len.min(22 + 65_535);
    reader.seek(SeekFrom::Start(len - tail)).ok()?;
    let mut buf = Vec::new();
    reader.by_ref().take(tail).read_to_end(&mut buf).ok()?;
    reader.seek(SeekFrom::Start(0)).ok()?;
    let at = buf
        .windows(4)
        .rposition(|w| w == [0x50, 0x4b, 0x05, 0x06])?;
    let total = buf.get(at + 10..at + 12)?;
    let total = u16::from_le_bytes([total[0], total[1]]);
    (total != u16::MAX).then_some(u64::from(total))
}

/// Opens the zip and checks every entry against `limits`; returns the archive and its files.
pub(crate) fn open<R: Read + Seek>(
    mut zip: R,
    limits: &Limits,
) -> Result<(ZipArchive<R>, Vec<Entry>), Problems> {
    let too_many = || {
        Problems(vec![Problem::in_file(
            "",
            ProblemKind::TooManyEntries {
                max: limits.max_entries,
            },
        )])
    };
    if declared_entry_count(&mut zip)
        .is_some_and(|n| n > u64::try_from(limits.max_entries).unwrap_or(u64::MAX))
    {
        return Err(too_many());
    }
    let archive = ZipArchive::new(zip).map_err(|e| {
        Problems(vec![Problem::in_file(
            "",
            ProblemKind::NotAZip {
                detail: e.to_string(),
            },
        )])
    })?;
    if archive.len() > limits.max_entries {
        return Err(too_many());
    }
    let mut problems = Vec::new();
    if archive.has_duplicate_names() {
        problems.push(Problem::in_file(
            "",
            ProblemKind::DuplicatePath {
                path: String::new(),
            },
        ));
    }
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let data = match archive.by_index_data(index) {
            Ok(d) => d,
            Err(e) => {
                problems.push(Problem::in_file(
                    "",
                    ProblemKind::NotAZip {
                        detail: e.to_string(),
                    },
                ));
                continue;
            }
        };
        let raw = String::from_utf8_lossy(data.name_raw()).into_owned();
        let name = data.name().map(|n| n.into_owned()).unwrap_or(raw);
        let report = |kind| Problem::in_file(name.clone(), kind);
        let Some(path) = normalise_path(&name) else {
            // A bare "./" or "/" folder entry is harmless noise; anything else is not.
            if !(data.is_dir() && name.trim_matches(['.', '/']).is_empty() && name != "/") {
                problems.push(report(ProblemKind::UnsafePath { path: name.clone() }));
            }
            continue;
        };
        if data.is_symlink() {
            problems.push(report(ProblemKind::Symlink { path: path.clone() }));
            continue;
        }
        if data.encrypted() {
            problems.push(report(ProblemKind::Encrypted { path: path.clone() }));
        }
        if data.is_dir() {
            continue;
        }
        let size = data.size();
        total = total.saturating_add(size);
        if size > limits.max_entry_bytes {
            problems.push(report(ProblemKind::EntryTooLarge {
                path: path.clone(),
                max: limits.max_entry_bytes,
            }));
        } else if size > RATIO_FLOOR_BYTES
            && size / data.compressed_size().max(1) > limits.max_ratio
        {
            problems.push(report(ProblemKind::SuspiciousRatio {
                path: path.clone(),
                max: limits.max_ratio,
            }));
        }
        if !seen.insert(path.clone()) {
            problems.push(report(ProblemKind::DuplicatePath { path: path.clone() }));
            continue;
        }
        entries.push(Entry { path, size, index });
    }
    if total > limits.max_total_bytes {
        problems.push(Problem::in_file(
            "",
            ProblemKind::TooLarge {
                max: limits.max_total_bytes,
            },
        ));
    }
    if problems.is_empty() {
        Ok((archive, entries))
    } else {
        Err(Problems(problems))
    }
}

/// Streams one entry into `out` and returns its size. The bytes really decompressed are
/// counted: the copy stops, with an error, as soon as they pass the size the zip declares or
/// `limits.max_entry_bytes`, so a header that lies about its size cannot fill memory or disk.
/// On an error, what was already written to `out` must be thrown away.
pub fn read_entry<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    entry: &Entry,
    limits: &Limits,
    out: &mut impl Write,
) -> Result<u64, Problems> {
    let fail = |kind| Problems(vec![Problem::in_file(entry.path.clone(), kind)]);
    let unreadable = |detail: String| {
        fail(ProblemKind::Unreadable {
            path: entry.path.clone(),
            detail,
        })
    };
    if entry.size > limits.max_entry_bytes {
        return Err(fail(ProblemKind::EntryTooLarge {
            path: entry.path.clone(),
            max: limits.max_entry_bytes,
        }));
    }
    let mut file = archive
        .by_index(entry.index)
        .map_err(|e| unreadable(e.to_string()))?;
    if normalise_path(&file.name().map(|n| n.into_owned()).unwrap_or_default()).as_deref()
        != Some(entry.path.as_str())
    {
        return Err(unreadable("the entry is not the one listed".into()));
    }
    let mut buf = vec![0u8; 64 * 1024];
    let mut written: u64 = 0;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(unreadable(e.to_string())),
        };
        written = written.saturating_add(n as u64);
        if written > entry.size {
            return Err(fail(ProblemKind::SizeMismatch {
                path: entry.path.clone(),
                declared: entry.size,
            }));
        }
        out.write_all(buf.get(..n).unwrap_or_default())
            .map_err(|e| unreadable(e.to_string()))?;
    }
    if written != entry.size {
        return Err(fail(ProblemKind::SizeMismatch {
            path: entry.path.clone(),
            declared: entry.size,
        }));
    }
    Ok(written)
}

/// Reads a small entry (a manifest) whole, at most `max` bytes.
pub(crate) fn read_small<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    entry: &Entry,
    max: u64,
) -> Result<Vec<u8>, Problems> {
    if entry.size > max {
        return Err(Problems(vec![Problem::in_file(
            entry.path.clone(),
            ProblemKind::ManifestTooLarge { max },
        )]));
    }
    let mut out = Vec::with_capacity(usize::try_from(entry.size).unwrap_or(0));
    let limits = Limits {
        max_entry_bytes: max,
        ..Limits::default()
    };
    read_entry(archive, entry, &limits, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::normalise_path;
    use proptest::prelude::*;

    #[test]
    fn normalises_or_refuses() {
        assert_eq!(normalise_path("a/./b//c").as_deref(), Some("a/b/c"));
        assert_eq!(
            normalise_path("./imsmanifest.xml").as_deref(),
            Some("imsmanifest.xml")
        );
        assert_eq!(normalise_path("dir/").as_deref(), Some("dir"));
        for bad in [
            "../evil",
            "a/../../b",
            "a/..",
            "/etc/x",
            "C:/x",
            "c:x",
            "a\\..\\b",
            "a\0b",
            "a\nb",
            "",
            ".",
            "//",
        ] {
            assert_eq!(normalise_path(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn an_accepted_path_never_escapes_the_root(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("..".to_string()), Just(".".to_string()), Just(String::new()),
                    Just("C:".to_string()), Just("a\\b".to_string()), "[a-zA-Z0-9 ._:-]{1,8}",
                ],
                1..8,
            ),
            lead in prop_oneof![Just(""), Just("/"), Just("./")],
        ) {
            let name = format!("{lead}{}", parts.join("/"));
            if let Some(p) = normalise_path(&name) {
                prop_assert!(!p.starts_with('/'));
                prop_assert!(!p.contains('\\'));
                prop_assert!(!(p.len() >= 2 && p.as_bytes()[1] == b':'
                    && p.as_bytes()[0].is_ascii_alphabetic()));
                let mut depth = 0i32;
                for seg in p.split('/') {
                    prop_assert!(!seg.is_empty() && seg != ".");
                    if seg == ".." { depth -= 1 } else { depth += 1 }
                    prop_assert!(depth >= 0);
                }
                prop_assert!(!name.split('/').any(|s| s == ".."));
            }
        }
    }
}
