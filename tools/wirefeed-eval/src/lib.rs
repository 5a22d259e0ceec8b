//! `wirefeed-eval`: quality figures of wirefeed on real labelled data (`../shared/data`): tune
//! on TRAIN (or the odd ECB+ topics), report TEST (the even ones). Measurement, not product:
//! the production binaries never link this crate.
//!
//! - `dedup`: duplicate, version and family decisions on Reuters-21578 with generated
//!   republications ([`dedup`], [`wire_corpus::republish`], [`reference`]);
//! - `feedparser`: feedparser's test suite, entry-level expectations ninjs can hold
//!   ([`feedparser_expect`] reads them, [`feedparser_compare`] checks them);
//! - `formats`: agency items per format (Superdesk's ingest fixtures) as valid articles;
//! - `languages`: issue 18's per-language places, story topics, Media Topics, duplicate
//!   families and throughput on labelled wire items in eight languages, through the real
//!   normalizer and tagger ([`languages`], with [`languages_dedup`], [`languages_dpa`] for real
//!   dpa items, [`languages_report`], [`languages_scores`]);
//! - `newsroom`: kills, embargoes, one original per family and archive against live on
//!   Reuters-21578 with editorial events ([`newsroom`], checked by [`newsroom_checks`]);
//! - `places`: countries of the region tagger against Reuters-21578 `PLACES` ([`places`]);
//! - `topics`: the topic classifier on the ModApte top ten ([`topics`]);
//! - `stories`: event clusters on ECB+ ([`stories`], scored by [`clusters`]), with live or
//!   archive timestamps;
//! - `versions`: re-alerts on real version pairs against an editor's labels ([`versions`],
//!   pairs found by [`version_pairs`]).
//!
//! The binary's `commands` parse each evaluation's flags, read the data and print these
//! modules' reports. No delivery guarantee applies: everything runs offline over files.

pub mod clusters;
pub mod dedup;
pub mod feedparser_compare;
pub mod feedparser_expect;
pub mod languages;
pub mod languages_dedup;
pub mod languages_dpa;
pub mod languages_report;
pub mod languages_scores;
pub mod newsroom;
pub mod newsroom_checks;
mod newsroom_report;
pub mod places;
pub mod reference;
pub mod stories;
pub mod stories_languages;
pub mod topics;
pub mod version_pairs;
pub mod versions;

use wire_datasets::reuters::Split;

/// The split of Reuters-21578 to evaluate on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SplitArg {
    /// ModApte TRAIN: for tuning.
    Train,
    /// ModApte TEST: for the reported figure only.
    Test,
}

impl From<SplitArg> for Split {
    fn from(split: SplitArg) -> Self {
        match split {
            SplitArg::Train => Split::Train,
            SplitArg::Test => Split::Test,
        }
    }
}
