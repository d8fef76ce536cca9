//! Exchange formats for Amphi content. Pure functions from text to the amphi-core model and
//! back, so imports can be checked in full before anything is stored.
//!
//! - [`gift`]: Moodle's GIFT question format (import with every error reported at once, export
//!   of the question types GIFT can express).
//! - [`package`]: uploaded SCORM 1.2 / 2004 and cmi5 packages, checked and read (zip safety,
//!   manifest, launches, sequencing) without extracting anything.

pub mod gift;
pub mod package;

pub use gift::{export, parse, GiftError, GiftExport, GiftItem, TextFormat};
