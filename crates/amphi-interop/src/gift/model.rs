//! What GIFT import and export exchange: questions with their category and text format, the
//! problems found in a file, and what an export wrote.

use amphi_core::assessment::question::Question;
use serde::{Deserialize, Serialize};

/// Largest GIFT file accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;

/// Points given to imported questions (GIFT has no points).
pub const DEFAULT_POINTS: f64 = 1.0;

/// The text format named by a `[…]` tag at the start of a question's text. The text itself is
/// kept as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFormat {
    /// `[moodle]`: Moodle's auto-format.
    Moodle,
    /// `[html]`.
    Html,
    /// `[plain]`.
    Plain,
    /// `[markdown]`.
    Markdown,
}

impl TextFormat {
    /// The tag's name, as written between brackets.
    pub fn tag(self) -> &'static str {
        match self {
            TextFormat::Moodle => "moodle",
            TextFormat::Html => "html",
            TextFormat::Plain => "plain",
            TextFormat::Markdown => "markdown",
        }
    }

    pub(super) fn from_tag(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "moodle" => Some(TextFormat::Moodle),
            "html" => Some(TextFormat::Html),
            "plain" => Some(TextFormat::Plain),
            "markdown" => Some(TextFormat::Markdown),
            _ => None,
        }
    }
}

/// One imported (or exportable) question with where it goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GiftItem {
    /// Category path from the last `$CATEGORY:` line (`["$course$", "top", "Maths"]`); empty
    /// when there was none.
    pub category: Vec<String>,
    /// The format tag of the question's text, if it had one.
    pub format: Option<TextFormat>,
    /// The question, valid by [`Question::validate`].
    pub question: Question,
}

/// One problem in a GIFT file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GiftError {
    /// 1-based line of the problem, or of the start of its question.
    pub line: usize,
    /// Stable code from [`amphi_core::codes`] (`gift_brace_unclosed`, `gift_numeric_invalid`,
    /// or a question validation code in its GIFT form, such as `gift_correct_answer_required`).
    pub message_code: &'static str,
    /// For validation codes, the question field at fault (`options`, `answers.1.tolerance`).
    pub field: Option<String>,
    /// The line in question, trimmed and shortened.
    pub excerpt: String,
}

impl std::fmt::Display for GiftError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message_code)?;
        if let Some(field) = &self.field {
            write!(f, " ({field})")?;
        }
        write!(f, ": {}", self.excerpt)
    }
}

impl std::error::Error for GiftError {}

/// What [`export`](super::export) wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GiftExport {
    /// The GIFT text.
    pub text: String,
    /// Questions written.
    pub exported: usize,
    /// Questions left out (ordering, several blanks), each marked by a comment line.
    pub skipped: usize,
    /// Written questions that GIFT could only approximate.
    pub approximated: usize,
}
