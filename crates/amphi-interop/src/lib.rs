//! Exchange formats for Amphi content. Pure functions from text to the amphi-core model and
//! back, so imports can be checked in full before anything is stored.
//!
//! - [`gift`]: Moodle's GIFT question format (import with every error reported at once, export
//!   of the question types GIFT can express).

pub mod gift;

pub use gift::{export, parse, GiftError, GiftExport, GiftItem, TextFormat};
