//! Moodle GIFT (<https://docs.moodle.org/en/GIFT_format>): import into the amphi-core question
//! model, and export back for the types GIFT can express.
//!
//! # Import
//!
//! Questions are separated by blank lines. Lines whose first non-blank characters are `//` are
//! comments and are skipped (they do not separate questions). `$CATEGORY: a/b/c` sets the
//! category path of the questions that follow (`//` inside the path is a literal `/`). A
//! question is `::title::[format]text {answers} more text`; the title and the format tag
//! (`[moodle]`, `[html]`, `[plain]`, `[markdown]`) are optional. The escapes are `\~ \= \# \{
//! \} \: \\` and `\n` (a line break); any other backslash is an error, so a LaTeX `\frac` must
//! be written `\\frac`.
//!
//! | answers                          | becomes                                                |
//! |----------------------------------|--------------------------------------------------------|
//! | `{}` or `{####general}`          | essay                                                  |
//! | `{T}` `{TRUE}` `{F}` `{FALSE}`   | true/false; `{T#wrong#right}`: feedback for a wrong, then a right answer |
//! | `{=a ~b ~%50%c}`                 | single choice (one `=`; `~%w%` gives partial credit)   |
//! | `{~%50%a ~%50%b ~%-100%c}`       | multiple choice, Moodle weights (no `=`)               |
//! | `{=a =%50%b}`                    | short text, case-insensitive; `*` makes a pattern      |
//! | `{=x -> y =z -> w = -> extra}`   | matching; an empty left side is a distractor           |
//! | `{#3.14:0.01}` `{#1..5}`         | numeric, value:tolerance or min..max                   |
//! | `{# =1:0 =%50%2:0 ~3#why}`       | numeric with several answers                           |
//! | text `{=a ~b}` text              | missing word: fill-in-the-blanks with one blank (`[[1]]`), a drop-down when there are `~` choices |
//!
//! `#feedback` follows an answer; `####feedback` is the general feedback. Imported questions are
//! worth 1 point and shuffle their options (Moodle's defaults). `[html]` text with scripts,
//! frames, `on…=` handlers or `javascript:` links is refused.
//!
//! Any error refuses the whole file: [`parse`] returns every problem found, each with the line
//! where it is (or where its question starts).
//!
//! # Export
//!
//! [`export`] writes each question on a line of its own (line breaks in texts become `\n`),
//! with a `$CATEGORY:` line when the category changes. Ordering questions and fill-in-the-blanks
//! questions with several blanks have no GIFT form: they are written as a comment and counted
//! in [`GiftExport::skipped`]. Questions GIFT can only approximate (points other than 1, units,
//! all-or-nothing credit, exact-case answers, unshuffled options, …) are written as close as
//! GIFT allows and counted in [`GiftExport::approximated`].
//!
//! Files: `model` (what both directions exchange), `parser` (import, over the escaped
//! characters of `chars`, with the `[html]` screen of `html`), `writer` (export).

mod chars;
mod html;
mod model;
mod parser;
mod writer;

pub use model::{GiftError, GiftExport, GiftItem, TextFormat, DEFAULT_POINTS, MAX_SOURCE_BYTES};
pub use parser::parse;
pub use writer::export;

#[cfg(test)]
mod tests;
