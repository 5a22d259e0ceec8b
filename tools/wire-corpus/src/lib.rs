//! Generated wire corpora, shared by the measurement tools (`wirefeed-bench`, `wirefeed-eval`)
//! and the integration tests. Everything here is measurement and test input, never product.
//!
//! The shared core is written once: the markup of generated items ([`markup`]: XML escaping,
//! HTML paragraphs, RSS 2.0 documents) and made-up stories for tests ([`sample_documents`]).
//! The generators differ where their users need different things:
//!
//! - [`republish`]: the copies a newsroom sees of a real story (outlet pickups, agency updates)
//!   with their families known (`wirefeed-eval dedup`, and the bench corpus below);
//! - [`newsroom`]: the same copies with kills, embargoes and late agency copy mixed in, each
//!   item with its gold story and role (`wirefeed-eval newsroom`);
//! - [`raw_items`]: `wire.raw.v1` items in time order made from Reuters-21578 stories and their
//!   republications, ninjs for the agency and RSS for outlets (`wirefeed-bench core` and
//!   `pipeline`);
//! - [`soak`]: the soak's stream of RSS files with reference tokens, re-sends and bad files;
//! - [`bad_feeds`]: broken feeds as a hostile or broken server sends them (the bad-input tests).
//!
//! Generators are pure and seeded: the same seed gives the same corpus. No delivery guarantee
//! applies: nothing here consumes or produces bus messages.

pub mod bad_feeds;
pub mod markup;
pub mod newsroom;
pub mod raw_items;
pub mod republish;
pub mod soak;

pub use markup::rss_feed;

use wire_datasets::reuters::{Document, Split};

/// A progress bar on standard error for long corpus and measurement work. It is hidden when
/// standard error is not a terminal (indicatif's default), so piped output and CI logs stay
/// clean.
pub fn progress(total: usize, what: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} {bar:40} {pos}/{len} ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar.set_message(what);
    bar
}

/// Made-up Reuters-like stories for tests (the real corpus needs `../shared/data`, tests must
/// not): each has a headline and four paragraphs of about 250 characters naming a country.
pub fn sample_documents(count: usize) -> Vec<Document> {
    let places = ["Brazil", "Japan", "Kenya", "Norway", "Chile", "Canada"];
    (0..count)
        .map(|i| {
            let place = places[i % places.len()];
            let body = (0..4)
                .map(|p| {
                    format!(
                        "Officials in {place} said on Tuesday that output of item {i} rose {p}.{i} pct \
                         in the quarter to {} mln tonnes, the {p} report by the ministry showed, and \
                         traders in the capital expected prices for lot {i} to firm further.",
                        i * 7 + p
                    )
                })
                .collect::<Vec<_>>()
                .join("\n\n");
            Document {
                id: i as u32 + 1,
                split: Split::Train,
                topics_indexed: false,
                date: None,
                topics: Vec::new(),
                places: Vec::new(),
                title: format!("{place} output of item {i} rises in quarter"),
                dateline: String::new(),
                body,
            }
        })
        .collect()
}
