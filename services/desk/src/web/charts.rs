//! Pure: inline SVG charts for the web desk (match histograms, source sparklines, story timelines).
//! No script and no `style` (the page's CSP is `style-src 'self'`): only presentation attributes
//! and the classes the desk stylesheet colours. All text is XML-escaped, every chart is
//! `role="img"` with a `<title>` saying in words what it shows, and the output is deterministic.

use super::highlight::escape;
use chrono::{DateTime, Utc};

/// One bar: a bucket start and its count.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub start: DateTime<Utc>,
    pub count: u64,
}

/// One copy of a story on its timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Copy {
    /// The lane it is drawn in: the agency credited, else the outlet/source.
    pub lane: String,
    /// The outlet that published this copy (the source id).
    pub source: String,
    pub headline: String,
    pub time: DateTime<Utc>,
    /// Drawn as coming from an agency's own feed (class dot-agency) rather than a pickup.
    pub from_agency: bool,
    /// A link target for the dot (an article page URL, already a relative path); wrapped in <a href> (escaped).
    pub href: Option<String>,
}

/// Room under a histogram's axis for its two time labels, and above its bars.
const HISTOGRAM_LABEL_ROOM: f64 = 16.0;
const HISTOGRAM_TOP: f64 = 4.0;
/// Timeline geometry: lane names on the left, one lane per outlet, the axis and its labels below.
const MAX_LANES: usize = 12;
const LANE_NAME_CHARS: usize = 18;
const LANE_NAME_WIDTH: f64 = 120.0;
const LANE_HEIGHT: f64 = 22.0;
const TIMELINE_TOP: f64 = 14.0;
const TIMELINE_RIGHT: f64 = 16.0;
const DOT_RADIUS: f64 = 5.0;
/// Bucket times: a day bucket by its date, anything finer by its minute (always UTC).
const DAY: &str = "%Y-%m-%d";
const MINUTE: &str = "%Y-%m-%d %H:%M";

/// A histogram of matches over time (a search's or a column's matches per hour or day), bars in
/// the order given. `bucket_label` is "hour" or "day"; width/height in px. Empty input draws an
/// empty axis and says "No matches". Bars are scaled to the max count and each has a `<title>`;
/// zero counts draw a 1px `bar-empty`. First and last bucket times are labelled under the axis.
pub fn histogram(bars: &[Bar], bucket_label: &str, width: u32, height: u32) -> String {
    let format = if bucket_label == "day" { DAY } else { MINUTE };
    let plot_width = f64::from(width);
    let base = (f64::from(height) - HISTOGRAM_LABEL_ROOM).max(HISTOGRAM_TOP + 1.0);
    let summary = histogram_summary(bars, bucket_label, format);
    let mut svg = svg_open(width, height, &summary);
    svg += &draw_bars(bars, plot_width, HISTOGRAM_TOP, base, format, "match");
    svg += &line("axis", 0.0, base, plot_width, base);
    match (bars.first(), bars.last()) {
        (Some(first), Some(last)) => {
            let start = first.start.format(format).to_string();
            svg += &text(0.0, base + 12.0, "start", &start);
            if bars.len() > 1 {
                let end = last.start.format(format).to_string();
                svg += &text(plot_width, base + 12.0, "end", &end);
            }
        }
        _ => svg += &text(plot_width / 2.0, base / 2.0, "middle", "No matches"),
    }
    svg + "</svg>"
}

/// A small sparkline of items per hour for a source's health row (e.g. 24 bars, 120x24 px): the
/// histogram's rules without axis labels, aria-label like "12 items in the last 24 hours".
pub fn sparkline(bars: &[Bar], width: u32, height: u32) -> String {
    let total: u64 = bars.iter().map(|bar| bar.count).sum();
    let summary = match bars.len() as u64 {
        0 => "No items".to_string(),
        hours => {
            let (items, hours) = (plural(total, "item"), plural(hours, "hour"));
            format!("{items} in the last {hours}")
        }
    };
    let (plot_width, base) = (f64::from(width), f64::from(height).max(2.0));
    let mut svg = svg_open(width, height, &summary);
    svg += &draw_bars(bars, plot_width, 1.0, base, MINUTE, "item");
    if bars.is_empty() {
        svg += &line("axis", 0.0, base - 0.5, plot_width, base - 0.5);
    }
    svg + "</svg>"
}

/// A story's timeline: one lane per distinct `lane` (ordered by the lane's first copy), time on x
/// from the first copy to the last (one instant: centred), each copy a dot with a `<title>`; the
/// first copy is `dot-first` and labelled "first". At most 12 lanes are drawn, the rest summarised
/// as "+N more outlets". Under the axis: the start time and the elapsed time. Empty input → "".
pub fn timeline(copies: &[Copy], width: u32) -> String {
    let mut ordered: Vec<&Copy> = copies.iter().collect();
    ordered.sort_by_key(|copy| copy.time);
    let (Some(first), Some(last)) = (ordered.first(), ordered.last()) else {
        return String::new();
    };
    let span = (last.time - first.time).num_seconds();
    let mut lanes: Vec<&str> = Vec::new();
    for copy in &ordered {
        if !lanes.contains(&copy.lane.as_str()) {
            lanes.push(&copy.lane);
        }
    }
    let drawn = lanes.len().min(MAX_LANES);
    let hidden = lanes.len() - drawn;
    let left = LANE_NAME_WIDTH;
    let right = (f64::from(width) - TIMELINE_RIGHT).max(left + 1.0);
    let axis_y = TIMELINE_TOP + LANE_HEIGHT * drawn as f64;
    let height = axis_y + if hidden > 0 { 36.0 } else { 20.0 };
    let x_of = |time: DateTime<Utc>| match span {
        0 => (left + right) / 2.0,
        _ => left + (time - first.time).num_seconds() as f64 / span as f64 * (right - left),
    };
    let lane_y = |index: usize| TIMELINE_TOP + LANE_HEIGHT * (index as f64 + 0.5);
    let summary = timeline_summary(first, ordered.len(), lanes.len(), span);
    let mut svg = svg_open(width, height as u32, &summary);
    for (index, lane) in lanes.iter().take(drawn).enumerate() {
        svg += &line("lane", left, lane_y(index), right, lane_y(index));
        svg += &lane_name(left - 8.0, lane_y(index) + 4.0, lane);
    }
    for (position, copy) in ordered.iter().enumerate() {
        let Some(index) = lanes[..drawn].iter().position(|lane| *lane == copy.lane) else {
            continue;
        };
        let (x, y) = (x_of(copy.time), lane_y(index));
        svg += &dot(copy, position == 0, first.time, x, y);
        if position == 0 {
            svg += &text(x - DOT_RADIUS, y - DOT_RADIUS - 3.0, "start", "first");
        }
    }
    svg += &line("axis", left, axis_y, right, axis_y);
    let start = format!("{} UTC", first.time.format(MINUTE));
    if span == 0 {
        svg += &text((left + right) / 2.0, axis_y + 14.0, "middle", &start);
    } else {
        svg += &text(left, axis_y + 14.0, "start", &start);
        svg += &text(right, axis_y + 14.0, "end", &delay_label(span));
    }
    if hidden > 0 {
        let more = format!("+{hidden} more outlets");
        svg += &text(left, axis_y + 30.0, "start", &more);
    }
    svg + "</svg>"
}

/// "+42s", "+7m", "+1h 05m", "+2d 3h": how far behind the first copy, for titles and tables.
/// A negative delay (a copy before the reference) gets a "-" instead of the "+".
pub fn delay_label(seconds: i64) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    match seconds {
        0..60 => format!("{sign}{seconds}s"),
        60..3_600 => format!("{sign}{}m", seconds / 60),
        3_600..86_400 => format!("{sign}{}h {:02}m", seconds / 3_600, seconds % 3_600 / 60),
        _ => format!("{sign}{}d {}h", seconds / 86_400, seconds % 86_400 / 3_600),
    }
}

/// A coordinate or length with at most one decimal ("12", "12.5").
fn number(value: f64) -> String {
    let tenths = (value * 10.0).round() as i64;
    match tenths % 10 {
        0 => (tenths / 10).to_string(),
        _ => format!("{:.1}", tenths as f64 / 10.0),
    }
}

/// "1 match", "3 matches", "2 copies", "5 hours".
fn plural(count: u64, noun: &str) -> String {
    match (count, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "match") => format!("{count} matches"),
        (_, "copy") => format!("{count} copies"),
        _ => format!("{count} {noun}s"),
    }
}

fn svg_open(width: u32, height: u32, summary: &str) -> String {
    let summary = escape(summary);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{summary}\"><title>{summary}</title>"
    )
}

fn line(class: &str, x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    let [x1, y1, x2, y2] = [x1, y1, x2, y2].map(number);
    format!("<line class=\"{class}\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"/>")
}

fn text(x: f64, y: f64, anchor: &str, content: &str) -> String {
    let (x, y, content) = (number(x), number(y), escape(content));
    format!(
        "<text class=\"label\" x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\" font-size=\"10\">{content}</text>"
    )
}

/// Bars side by side across `width`, standing on `base`, the tallest reaching `top`.
fn draw_bars(bars: &[Bar], width: f64, top: f64, base: f64, format: &str, noun: &str) -> String {
    let max = bars.iter().map(|bar| bar.count).max().unwrap_or(0).max(1) as f64;
    let slot = width / bars.len().max(1) as f64;
    let gap = if slot >= 3.0 { 1.0 } else { 0.0 };
    let mut svg = String::new();
    for (index, bar) in bars.iter().enumerate() {
        let (class, height) = match bar.count {
            0 => ("bar-empty", 1.0),
            count => ("bar", (count as f64 / max * (base - top)).max(1.0)),
        };
        let left = slot * index as f64 + gap / 2.0;
        let [x, y, w, h] = [left, base - height, slot - gap, height].map(number);
        let when = bar.start.format(format);
        let title = escape(&format!("{when} UTC: {}", plural(bar.count, noun)));
        svg +=
            &format!("<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\">");
        svg += &format!("<title>{title}</title></rect>");
    }
    svg
}

fn histogram_summary(bars: &[Bar], bucket_label: &str, time_format: &str) -> String {
    let heading = format!("Matches per {bucket_label}");
    let (Some(first), Some(peak)) = (bars.first(), bars.iter().rev().max_by_key(|bar| bar.count))
    else {
        return format!("{heading}: No matches");
    };
    let (buckets, from) = (
        plural(bars.len() as u64, bucket_label),
        first.start.format(time_format),
    );
    let across = format!("{buckets}, from {from} UTC");
    match bars.iter().map(|bar| bar.count).sum::<u64>() {
        0 => format!("{heading}, {across}: no matches"),
        total => {
            let (most, at) = (peak.count, peak.start.format(time_format));
            format!("{heading}, {across}: {total} in total, most {most} at {at} UTC")
        }
    }
}

fn timeline_summary(first: &Copy, copy_count: usize, lane_count: usize, span: i64) -> String {
    let copies = plural(copy_count as u64, "copy");
    let outlets = plural(lane_count as u64, "outlet");
    let over = match span {
        0 => String::new(),
        _ => format!(" over {}", delay_label(span).trim_start_matches('+')),
    };
    let (source, when) = (&first.source, first.time.format("%H:%M UTC"));
    format!("Story timeline: {copies} from {outlets}{over}, first from {source} at {when}")
}

/// A lane's name, right-aligned before the lane, truncated with an ellipsis (full name in a title).
fn lane_name(x: f64, y: f64, name: &str) -> String {
    if name.chars().count() <= LANE_NAME_CHARS {
        return text(x, y, "end", name);
    }
    let short: String = name.chars().take(LANE_NAME_CHARS - 1).collect();
    let (x, y, short, full) = (number(x), number(y), escape(&short), escape(name));
    format!(
        "<text class=\"label\" x=\"{x}\" y=\"{y}\" text-anchor=\"end\" font-size=\"10\">{short}…<title>{full}</title></text>"
    )
}

fn dot(copy: &Copy, is_first: bool, first_time: DateTime<Utc>, x: f64, y: f64) -> String {
    let mut class = String::from("dot");
    if copy.from_agency {
        class.push_str(" dot-agency");
    }
    if is_first {
        class.push_str(" dot-first");
    }
    let (source, when, headline) = (&copy.source, copy.time.format("%H:%M UTC"), &copy.headline);
    let title = if is_first {
        format!("{source}, {when}, the first: {headline}")
    } else {
        let delay = delay_label((copy.time - first_time).num_seconds());
        format!("{source}, {when}, {delay} after the first: {headline}")
    };
    let (cx, cy, title) = (number(x), number(y), escape(&title));
    let circle = format!(
        "<circle class=\"{class}\" cx=\"{cx}\" cy=\"{cy}\" r=\"{DOT_RADIUS}\"><title>{title}</title></circle>"
    );
    match &copy.href {
        Some(href) => format!("<a href=\"{}\">{circle}</a>", escape(href)),
        None => circle,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 1, hour, minute, 0).unwrap()
    }

    fn bars(counts: &[u64]) -> Vec<Bar> {
        let bar = |(hour, &count): (usize, &u64)| Bar {
            start: at(hour as u32, 0),
            count,
        };
        counts.iter().enumerate().map(bar).collect()
    }

    fn copy(lane: &str, source: &str, minute: u32) -> Copy {
        let (lane, source, headline, time) = (
            lane.into(),
            source.into(),
            format!("Quake {minute}"),
            at(9, minute),
        );
        Copy {
            lane,
            source,
            headline,
            time,
            from_agency: false,
            href: None,
        }
    }

    /// Every opening tag is closed in order (or self-closing), and no `style` is used.
    fn assert_well_formed(svg: &str) {
        assert_eq!(svg.matches("<svg").count(), svg.matches("</svg>").count());
        assert!(!svg.contains("style"), "{svg}");
        let mut open: Vec<&str> = Vec::new();
        for rest in svg.split('<').skip(1) {
            let tag = rest.split('>').next().unwrap();
            if let Some(closing) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(closing), "{svg}");
            } else if !tag.ends_with('/') {
                open.push(tag.split(' ').next().unwrap());
            }
        }
        assert!(open.is_empty(), "unclosed {open:?} in {svg}");
    }

    #[test]
    fn histogram_draws_one_bar_per_bucket_and_summarises() {
        let svg = histogram(&bars(&[3, 0, 9, 1]), "hour", 400, 120);
        assert_well_formed(&svg);
        assert_eq!(svg.matches("<rect").count(), 4);
        assert_eq!(svg.matches("class=\"bar-empty\"").count(), 1);
        assert!(svg.contains("role=\"img\" aria-label=\"Matches per hour, 4 hours"));
        assert!(svg.contains("13 in total, most 9 at 2024-05-01 02:00 UTC</title>"));
        assert!(svg.contains("<title>2024-05-01 02:00 UTC: 9 matches</title>"));
        assert!(svg.contains(">2024-05-01 00:00</text>"));
        assert!(svg.contains(">2024-05-01 03:00</text>"));
        let days = histogram(&bars(&[1]), "day", 400, 120);
        assert!(days.contains("<title>2024-05-01 UTC: 1 match</title>"));
    }

    #[test]
    fn empty_inputs() {
        let svg = histogram(&[], "day", 400, 120);
        assert_well_formed(&svg);
        assert!(svg.contains("<title>Matches per day: No matches</title>"));
        assert!(svg.contains("class=\"axis\"") && !svg.contains("<rect"));
        assert!(sparkline(&[], 120, 24).contains("aria-label=\"No items\""));
        assert_eq!(timeline(&[], 600), "");
    }

    #[test]
    fn sparkline_has_no_labels() {
        let svg = sparkline(&bars(&[2, 0, 10]), 120, 24);
        assert_well_formed(&svg);
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("aria-label=\"12 items in the last 3 hours\""));
        assert!(!svg.contains("<text"));
    }

    #[test]
    fn timeline_orders_lanes_by_first_copy_and_marks_the_first() {
        let (late, early) = (copy("Reuters", "bbc", 30), copy("AFP", "afp", 5));
        let copies = [late, early, copy("Reuters", "r", 10)];
        let svg = timeline(&copies, 600);
        assert_well_formed(&svg);
        assert!(svg.find(">AFP</text>").unwrap() < svg.find(">Reuters</text>").unwrap());
        assert_eq!(svg.matches("dot-first").count(), 1);
        assert!(svg.contains("class=\"dot dot-first\" cx=\"120\""), "{svg}");
        assert!(svg.contains("<title>afp, 09:05 UTC, the first: Quake 5</title>"));
        assert!(svg.contains("<title>bbc, 09:30 UTC, +25m after the first: Quake 30</title>"));
        assert!(svg.contains(">first</text>") && svg.contains(">+25m</text>"));
        assert!(svg.contains("Story timeline: 3 copies from 2 outlets over 25m, first from afp"));
    }

    #[test]
    fn timeline_centres_one_instant_and_links_dots() {
        let mut only = copy("AP", "ap", 0);
        (only.from_agency, only.href) = (true, Some("/articles/a?x=1&y=2".into()));
        let svg = timeline(&[only], 600);
        assert_well_formed(&svg);
        assert!(svg.contains("<a href=\"/articles/a?x=1&amp;y=2\"><circle class=\"dot dot-agency"));
        assert!(svg.contains("class=\"dot dot-agency dot-first\" cx=\"352\""));
    }

    #[test]
    fn timeline_caps_lanes_and_truncates_names() {
        let outlet = |n: u32| copy(&format!("Outlet number {n:02} long"), "s", n);
        let copies: Vec<Copy> = (0..15).map(outlet).collect();
        let svg = timeline(&copies, 600);
        assert_well_formed(&svg);
        assert_eq!(svg.matches("class=\"lane\"").count(), 12);
        assert_eq!(svg.matches("<circle").count(), 12);
        assert!(svg.contains(">+3 more outlets</text>"));
        assert!(svg.contains(">Outlet number 00 …<title>Outlet number 00 long</title>"));
        assert!(svg.contains("height=\"314\""), "{svg}");
    }

    #[test]
    fn hostile_text_is_escaped() {
        let mut evil = copy("<script>alert(1)</script>", "x\" onload=\"y", 0);
        evil.headline = "<script>'&'</script>".into();
        let svg = timeline(&[evil, copy("b", "b", 1)], 600);
        let svg = svg + &histogram(&bars(&[1]), "<script>", 9, 9) + &sparkline(&[], 9, 9);
        assert_well_formed(&svg);
        assert!(!svg.contains("<script") && !svg.contains("\" onload"));
        assert!(svg.contains("&lt;script&gt;&#39;&amp;&#39;&lt;/script&gt;"));
    }

    #[test]
    fn delay_labels() {
        let cases = [(0, "+0s"), (42, "+42s"), (420, "+7m"), (3_900, "+1h 05m")];
        for (seconds, label) in cases.into_iter().chain([(183_600, "+2d 3h"), (-90, "-1m")]) {
            assert_eq!(delay_label(seconds), label);
        }
        assert_eq!(number(12.04), "12");
        assert_eq!(number(-0.04), "0");
        assert_eq!(number(2.25), "2.3");
    }
}
