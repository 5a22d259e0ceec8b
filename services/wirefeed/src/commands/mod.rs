pub mod classifier;
pub mod dlq;
pub mod enrich;
pub mod parse;
pub mod replay;
pub mod run;
pub mod source_changes;
pub mod sources;
pub mod story_topics;
pub mod topics;

/// A progress bar on standard error for long CLI work (replay, backfills). It is
/// hidden when standard error is not a terminal (indicatif's default), so piped output and CI
/// logs stay clean.
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

/// [`progress`] over the bytes of an input file (backfills through `wirefeed enrich`).
pub fn byte_progress(total: u64, what: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} {bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar.set_message(what);
    bar
}
