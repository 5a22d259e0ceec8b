//! Scores of `wirefeed-eval languages`: true and false positives and misses ([`Counts`]),
//! the story topic issue 18 measures on its own ([`TopicFound`]), and articles per CPU-second
//! of normalize + tag on one thread ([`Throughput`], [`time_pipeline`]).

use crate::languages::Pipeline;
use std::collections::BTreeSet;
use std::time::Instant;
use wire_model::RawItem;

/// True positives, false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    /// Adds the comparison of `predicted` with `gold`; predictions in `ignored` (and not in
    /// gold) count for nothing. Returns the false positives and the misses.
    pub fn add(
        &mut self,
        predicted: &BTreeSet<String>,
        gold: &BTreeSet<String>,
        ignored: &BTreeSet<String>,
    ) -> (Vec<String>, Vec<String>) {
        self.tp += predicted.intersection(gold).count();
        let false_positives: Vec<String> = predicted
            .iter()
            .filter(|c| !gold.contains(*c) && !ignored.contains(*c))
            .cloned()
            .collect();
        let missed: Vec<String> = gold.difference(predicted).cloned().collect();
        self.fp += false_positives.len();
        self.fn_ += missed.len();
        (false_positives, missed)
    }

    pub fn merge(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }

    /// `None` when nothing was predicted.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    /// `None` when nothing was expected.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> Option<f64> {
        let (p, r) = (self.precision()?, self.recall()?);
        Some(if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        })
    }
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The Syria peace process on one language's items.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TopicFound {
    /// Items labelled about it.
    pub about: usize,
    /// Of those, tagged with it.
    pub tagged_about: usize,
    /// Items tagged with it that are not about it.
    pub tagged_not_about: usize,
}

/// Articles per CPU-second of normalize + tag.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Throughput {
    pub articles: usize,
    pub seconds: f64,
    /// The seconds are the thread's CPU time (else wall-clock time: no `/proc` here).
    pub cpu: bool,
}

impl Throughput {
    pub fn per_second(&self) -> f64 {
        self.articles as f64 / self.seconds.max(1e-9)
    }
}

/// CPU seconds of the calling thread (`utime` + `stime` of `/proc/thread-self/stat`, in
/// ticks of 1/100 s), `None` where there is no such file.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) as f64 / 100.0)
}

/// Normalize + tag over `raws` in passes until `min_seconds` were spent (one pass at least).
pub fn time_pipeline(pipeline: &Pipeline, raws: &[RawItem], min_seconds: f64) -> Throughput {
    let cpu_start = thread_cpu_seconds();
    let wall_start = Instant::now();
    let mut articles = 0;
    loop {
        for raw in raws {
            if let Ok(envelope) = pipeline.normalize(raw) {
                std::hint::black_box(pipeline.tag(&envelope));
            }
            articles += 1;
        }
        let spent = match (cpu_start, thread_cpu_seconds()) {
            (Some(start), Some(now)) => now - start,
            _ => wall_start.elapsed().as_secs_f64(),
        };
        if spent >= min_seconds || raws.is_empty() {
            return match (cpu_start, thread_cpu_seconds()) {
                (Some(start), Some(now)) if now > start => Throughput {
                    articles,
                    seconds: now - start,
                    cpu: true,
                },
                _ => Throughput {
                    articles,
                    seconds: wall_start.elapsed().as_secs_f64(),
                    cpu: false,
                },
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(codes: &[&str]) -> BTreeSet<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn ignored_predictions_are_neither_true_nor_false_positives() {
        let mut counts = Counts::default();
        let (false_positives, missed) = counts.add(
            &set(&["CH", "SY", "RU"]),
            &set(&["CH", "NZ"]),
            &set(&["SY"]),
        );
        assert_eq!(false_positives, ["RU"]);
        assert_eq!(missed, ["NZ"]);
        assert_eq!((counts.tp, counts.fp, counts.fn_), (1, 1, 1));
        assert_eq!(counts.precision(), Some(0.5));
        assert_eq!(Counts::default().precision(), None, "nothing predicted");
    }
}
