//! The wirefeed query language, in one place for every reader of the wire: a subscription's
//! query in the alerter and a search of the archive parse with [`parse`] and mean the same
//! articles through [`evaluate`].
//!
//! ```text
//! topic:syria-peace-process AND place:SY AND NOT topic:sport
//! "peace talks" OR ceasefire
//! (Syria OR Damascus) urgency:<=2 -source:tabloid lang:en
//! ```
//!
//! Delivery guarantee: none; pure functions, no IO.

mod facts;
mod language;

pub use facts::{Facts, Texts, collect_evidence, collect_texts, evaluate};
pub use language::{Comparison, Expr, Field, QueryError, Text, any_of, normalize_text, parse};
