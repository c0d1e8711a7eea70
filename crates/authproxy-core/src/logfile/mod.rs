//! The proxy's logs read for the log explorer: every file of the log folder (text and JSON,
//! rotations included) located by byte offsets, merged in UTC time order, grouped into requests,
//! with known failures explained and linked to the config line concerned.

pub mod catalogue;
pub mod export;
pub mod files;
pub mod filter;
pub mod index;
pub mod json;
pub mod line;
pub mod request;
pub mod time;

pub use index::{EntryId, EntryView, LogIndex};
pub use line::{parse_text, Level, SystemKind, TextEntry};
pub use request::{Outcome, PhaseKind, Request, RequestKind};
pub use time::Timestamp;
