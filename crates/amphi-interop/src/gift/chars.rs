//! A question's characters after escapes, and the small scans the parser does over them.

use super::model::TextFormat;

/// One character of a question after escapes: `esc` marks a character that was escaped (and
/// so is never syntax); `off` is the byte offset of its source in the block.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ch {
    pub(super) c: char,
    pub(super) esc: bool,
    pub(super) off: usize,
}

/// Whether `ch` is the unescaped character `c`.
pub(super) fn is(ch: &Ch, c: char) -> bool {
    !ch.esc && ch.c == c
}

pub(super) fn starts_with_ch(s: &[Ch], c: char) -> bool {
    s.first().is_some_and(|ch| is(ch, c))
}

pub(super) fn find_ch(s: &[Ch], c: char) -> Option<usize> {
    s.iter().position(|ch| is(ch, c))
}

pub(super) fn find_seq(s: &[Ch], pat: &[char]) -> Option<usize> {
    (0..s.len()).find(|&i| {
        pat.iter()
            .enumerate()
            .all(|(k, &p)| s.get(i + k).is_some_and(|ch| is(ch, p)))
    })
}

pub(super) fn trim_start(s: &[Ch]) -> &[Ch] {
    let start = s
        .iter()
        .position(|c| !c.c.is_whitespace())
        .unwrap_or(s.len());
    s.get(start..).unwrap_or(&[])
}

pub(super) fn trim_end(s: &[Ch]) -> &[Ch] {
    let end = s
        .iter()
        .rposition(|c| !c.c.is_whitespace())
        .map_or(0, |e| e + 1);
    s.get(..end).unwrap_or(&[])
}

pub(super) fn trim(s: &[Ch]) -> &[Ch] {
    trim_end(trim_start(s))
}

pub(super) fn text(s: &[Ch]) -> String {
    s.iter().map(|c| c.c).collect()
}

/// Splits answers at each unescaped `=` or `~`: (marker, body, offset of the marker).
pub(super) fn split_items(a: &[Ch]) -> Vec<(char, &[Ch], usize)> {
    let mut out = Vec::new();
    let mut cur: Option<(char, usize, usize)> = None;
    for (i, ch) in a.iter().enumerate() {
        if !ch.esc && (ch.c == '=' || ch.c == '~') {
            if let Some((m, s, o)) = cur {
                out.push((m, a.get(s..i).unwrap_or(&[]), o));
            }
            cur = Some((ch.c, i + 1, ch.off));
        }
    }
    if let Some((m, s, o)) = cur {
        out.push((m, a.get(s..).unwrap_or(&[]), o));
    }
    out
}

/// A leading `[format]` tag, and the text after it.
pub(super) fn strip_format(s: &[Ch]) -> (Option<TextFormat>, &[Ch]) {
    let s = trim_start(s);
    if !starts_with_ch(s, '[') {
        return (None, s);
    }
    let Some(k) = s.iter().take(12).position(|c| is(c, ']')) else {
        return (None, s);
    };
    match TextFormat::from_tag(&text(s.get(1..k).unwrap_or(&[]))) {
        Some(f) => (Some(f), s.get(k + 1..).unwrap_or(&[])),
        None => (None, s),
    }
}
