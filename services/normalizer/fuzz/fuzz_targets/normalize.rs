//! Any bytes, read as any format: `normalize` returns an article or an error, never panics.
//! The first input byte picks the format, the rest is the payload.

#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use wire_model::{OriginInfo, RawFormat, RawItem, SourceId};
use wirefeed_normalizer::{NormalizerConfig, normalize};

const FORMATS: [RawFormat; 10] = [
    RawFormat::Rss,
    RawFormat::Atom,
    RawFormat::Rdf,
    RawFormat::JsonFeed,
    RawFormat::Ninjs,
    RawFormat::NewsmlG2,
    RawFormat::Nitf,
    RawFormat::Text,
    RawFormat::Unknown,
    RawFormat::Newsml1,
];

static DEFAULT_PANIC_HOOK: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys's panic hook aborts on every panic, even one the normalizer catches itself
    // (feed-rs asserts on some malformed Atom; `parse::feed` turns that into a parse error).
    // The default hook lets those be; a panic that escapes `normalize` still aborts, because
    // libfuzzer-sys runs the target inside `catch_unwind` and aborts when it unwinds.
    DEFAULT_PANIC_HOOK.call_once(|| drop(std::panic::take_hook()));
    let Some((selector, payload)) = data.split_first() else {
        return;
    };
    let format = FORMATS[usize::from(*selector) % FORMATS.len()];
    let Some(now) = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).single() else {
        return;
    };
    let item = RawItem::new(
        SourceId::from("fuzz"),
        "fuzz".to_owned(),
        format,
        None,
        payload,
        now,
        OriginInfo::Dir {
            path: "fuzz".to_owned(),
        },
    );
    let _ = normalize(&item, &NormalizerConfig::default(), now);
});
