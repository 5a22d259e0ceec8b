//! Pure: agency copy on the old wire framing, as dpa and AP still deliver it to drop folders:
//! IPTC 7901 and ANPA-1312. A message runs from SOH (`\x01`) to ETX (`\x03`): a header line
//! (IPTC 7901: `eca062 4 i 211 ccccb   dpa 061`, the second field the priority; ANPA-1312:
//! `z6715\x1f...` then a line with the priority letter and the keyword `BC-BKN--Heat-Hawks`),
//! then STX (`\x02`), the headline block and the body.
//!
//! Hand-written because no maintained crate reads either: both are line formats whose headline
//! block has house rules (IPTC 7901: lines up to one ending in ` =`, with `REFILE`, `1ST LEAD`
//! and a `By ...` line among them; ANPA: lines starting with `^` and ending in `<` or `=`).

use super::ParsedItem;

const SOH: char = '\u{1}';
const STX: char = '\u{2}';
const ETX: char = '\u{3}';

/// Whether `text` is an IPTC 7901 or ANPA-1312 message: framed (SOH, then STX), or a 7901
/// message whose control characters a relay stripped, known by its header line.
pub fn is_wire_message(text: &str) -> bool {
    let start = text.trim_start_matches(['\u{16}', '\r', '\n', ' ']);
    (start.starts_with(SOH) && start.contains(STX)) || unframed_header(text).is_some()
}

/// The header line of an IPTC 7901 message without its control characters, and the text after
/// it: `bsf037 4 su 174 gef 1388` (service and sequence, a priority digit, a category of one to
/// three letters, a word count).
fn unframed_header(text: &str) -> Option<(&str, &str)> {
    let start = text.trim_start();
    let (line, rest) = start.split_once('\n').unwrap_or((start, ""));
    let fields: Vec<&str> = line.split_whitespace().collect();
    let service = fields.first()?;
    let letters = service.chars().take_while(char::is_ascii_lowercase).count();
    let digits = service[letters..]
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    let is_header = (2..=4).contains(&letters)
        && (3..=4).contains(&digits)
        && service.len() == letters + digits
        && fields
            .get(1)
            .is_some_and(|p| p.len() == 1 && p.chars().all(|c| ('1'..='8').contains(&c)))
        && fields.get(2).is_some_and(|c| {
            (1..=3).contains(&c.len()) && c.chars().all(|c| c.is_ascii_lowercase())
        })
        && fields
            .get(3)
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
    if !is_header {
        return None;
    }
    // The keyword line (`Notes de frais GE`, `Germany-politics/`) belongs to the header when a
    // headline block ending in ` =` follows it: it is not the headline.
    let body = rest.trim_start_matches(['\r', '\n']);
    let (keyword, after) = body.split_once('\n').unwrap_or((body, ""));
    let keyword_then_blank = after
        .trim_start_matches([' ', '\t', '\r'])
        .starts_with('\n');
    let headline_block_follows = after.lines().any(|l| l.trim_end().ends_with(" ="));
    if keyword_then_blank && headline_block_follows && !keyword.trim_end().ends_with('=') {
        let header_end = line.len() + (rest.len() - after.len()) + 1;
        return Some((&start[..header_end.min(start.len())], after));
    }
    Some((line, rest))
}

/// The item in an IPTC 7901 or ANPA-1312 message.
pub fn parse(text: &str) -> ParsedItem {
    let start = text.trim_start_matches(['\u{16}', '\r', '\n', ' ']);
    let (header, rest) = match start.strip_prefix(SOH) {
        Some(framed) => framed.split_once(STX).unwrap_or(("", framed)),
        None => unframed_header(start).unwrap_or(("", start)),
    };
    let (content, _trailer) = rest.split_once(ETX).unwrap_or((rest, ""));
    let content = content.replace("\r\n", "\n").replace('\r', "\n");
    let mut item = if content.lines().any(|line| line.starts_with('^')) {
        anpa_content(&content)
    } else {
        iptc_content(&content)
    };
    let header = Header::read(header);
    item.urgency = header.urgency;
    if item.slugline.is_none() {
        item.slugline = header.keyword;
    }
    item
}

/// What the header line(s) before STX say.
struct Header {
    urgency: Option<u8>,
    keyword: Option<String>,
}

impl Header {
    fn read(header: &str) -> Self {
        let header = header.replace('\r', "\n");
        let lines: Vec<&str> = header
            .lines()
            .map(|line| line.trim_matches(|c: char| c.is_whitespace() || c.is_control()))
            .filter(|line| !line.is_empty())
            .collect();
        let first = lines.first().copied().unwrap_or("");
        // IPTC 7901: `<service id><sequence> <priority digit> <category> <words> ...`.
        let iptc_priority = first
            .split_whitespace()
            .nth(1)
            .filter(|field| field.len() == 1)
            .and_then(|field| field.parse::<u8>().ok())
            .filter(|priority| (1..=8).contains(priority));
        // ANPA-1312: a line `<priority letter> <category letter>\x13\x11 <keyword>`.
        let anpa = lines.iter().find(|line| line.contains('\u{13}'));
        let anpa_priority = anpa
            .and_then(|line| line.split_whitespace().next())
            .and_then(|letter| match letter {
                "f" => Some(1),
                "b" => Some(2),
                "u" => Some(3),
                "r" => Some(5),
                "d" | "a" => Some(6),
                _ => None,
            });
        let keyword = anpa
            .and_then(|line| line.split('\u{11}').nth(1))
            .map(|keyword| keyword.split_whitespace().next().unwrap_or("").to_owned())
            .filter(|keyword| !keyword.is_empty())
            .or_else(|| {
                // IPTC 7901: the keyword line (`Germany-politics/`) after the header.
                lines
                    .get(1)
                    .map(|line| line.trim_end_matches('/').to_owned())
                    .filter(|line| !line.is_empty())
            });
        Self {
            urgency: iptc_priority.or(anpa_priority),
            keyword,
        }
    }
}

/// Paragraphs of wrapped lines: blank lines or indented lines start a new one.
fn paragraphs<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in lines {
        let indented = line.starts_with([' ', '\t']);
        let line = line.trim();
        if line.is_empty() || indented {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            if line.is_empty() {
                continue;
            }
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// Whether a headline-block line is a version marker (`REFILE`, `1ST LEAD`, `CORRECTION`).
fn is_marker(line: &str) -> bool {
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty()
        && letters.iter().all(|c| c.is_uppercase())
        && line.split_whitespace().count() <= 3
}

fn signal_of(marker: &str) -> Option<&'static str> {
    let marker = marker.to_lowercase();
    if marker.contains("correct") {
        Some("correction")
    } else if marker.contains("lead") || marker.contains("refile") || marker.contains("update") {
        Some("update")
    } else {
        None
    }
}

/// IPTC 7901 content: the headline block up to a line ending in ` =` (or the first blank
/// line), then the body.
fn iptc_content(content: &str) -> ParsedItem {
    let lines: Vec<&str> = content.lines().collect();
    let start = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
    let block_end = lines[start..]
        .iter()
        .position(|line| line.trim_end().ends_with('=') || line.trim().is_empty())
        .map_or(lines.len(), |at| start + at);
    let block_last = block_end.min(lines.len().saturating_sub(1));
    let block: Vec<&str> = lines
        .get(start..=block_last)
        .unwrap_or_default()
        .iter()
        .map(|line| line.trim().trim_end_matches('=').trim())
        .filter(|line| !line.is_empty())
        .collect();
    let mut item = ParsedItem::default();
    let mut headline_lines = Vec::new();
    for line in block {
        if let Some(by) = line.strip_prefix("By ") {
            item.by = Some(by.trim().to_owned());
        } else if is_marker(line) {
            item.signals.extend(signal_of(line).map(str::to_owned));
        } else {
            headline_lines.push(line);
        }
    }
    item.headline = Some(headline_lines.join(" ")).filter(|h| !h.is_empty());
    let body = paragraphs(lines.iter().skip(block_last + 1).copied());
    item.body_text = Some(body.join("\n\n")).filter(|b| !b.is_empty());
    item
}

/// ANPA-1312 content: `^`-lines (the keyword line, the headline, editors' notes, the byline
/// ending in `=`), then the tab-indented body.
///
/// Two AP shapes carry no headline line, and take the headline the item does have: a news
/// alert (keyword `APNewsAlert`) is one sentence after the dateline, which AP's other formats
/// send as the headline; an agate table (`BC-WEA--Global Weather-Fahrenheit`) is named by its
/// keyword. A digest (`AP Top Entertainment News`) has no tab-indented body: its `^`-lines
/// after the headline are the body.
fn anpa_content(content: &str) -> ParsedItem {
    let mut item = ParsedItem::default();
    let mut body_lines: Vec<String> = Vec::new();
    let mut keyword: Option<String> = None;
    let mut after_headline: Vec<String> = Vec::new();
    let mut marked_lines = 0usize;
    for line in content.lines() {
        // A table row opens with the tab line indicator (`\x08`), or a tab and then `^`; its
        // markers go and it stays a line of its own. TTS space bands (`\x10`) are spaces.
        let line = line.replace('\u{10}', " ");
        let table_row = line.strip_prefix('\u{8}').or_else(|| {
            line.strip_prefix('\t')
                .filter(|l| l.trim_start().starts_with('^'))
        });
        if let Some(row) = table_row {
            body_lines.push(format!("\t{}", row.trim_start().trim_start_matches('^')));
            continue;
        }
        let Some(marked) = line.strip_prefix('^') else {
            body_lines.push(line);
            continue;
        };
        marked_lines += 1;
        // A selector code can precede the keyword line (`^*9006< ^AP-Top-...`).
        let marked = if marked_lines == 1 {
            marked.rsplit(" ^").next().unwrap_or(marked)
        } else {
            marked
        };
        let marked = marked.trim().trim_end_matches(['<', '=']).trim();
        if marked.is_empty() || marked == "END" {
            continue;
        }
        if body_lines.iter().any(|l| !l.trim().is_empty()) {
            // A `^`-line inside the body is a heading of its own (`AMERICAN LEAGUE`).
            body_lines.extend([String::new(), marked.to_owned(), String::new()]);
            continue;
        }
        if marked_lines == 1 && is_keyword_line(marked) {
            keyword = marked.split(',').next().map(|slug| slug.trim().to_owned());
            continue;
        }
        if let Some(by) = marked.strip_prefix("By ") {
            item.by = Some(by.trim().to_owned());
        } else if is_editors_line(marked) {
            continue;
        } else if item.headline.is_none() {
            item.headline = Some(marked.to_owned());
        } else {
            after_headline.push(marked.to_owned());
        }
    }
    // Lines end in the quad-left code `<` in tables and digests.
    let body_lines = body_lines
        .iter()
        .map(|line| line.trim_end().trim_end_matches('<'));
    // The `^`-lines after the headline (a deck, a table's headings) open the body.
    let mut body = after_headline;
    body.extend(paragraphs(body_lines));
    if item.headline.is_none() {
        item.headline = match body.as_slice() {
            [alert] => Some(alert_headline(alert)),
            _ => keyword.as_deref().map(keyword_name).map(str::to_owned),
        }
        .filter(|h| !h.is_empty());
    }
    item.slugline = keyword;
    item.body_text = Some(body.join("\n\n")).filter(|b| !b.is_empty());
    item
}

/// Whether the first `^`-line is AP's keyword line: `BC-BKN--Heat-Hawks, 1st Ld-Writethru,416`
/// or `AP-Top-Entertainment-Headlines,0176` (the keyword and a word count).
fn is_keyword_line(line: &str) -> bool {
    ["BC-", "AP-", "AM-", "PM-"]
        .iter()
        .any(|prefix| line.starts_with(prefix))
        || line.rsplit_once(',').is_some_and(|(_, count)| {
            !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Editors' lines between the headline and the body: notes and photo references.
fn is_editors_line(line: &str) -> bool {
    let line = line.trim_start_matches('(');
    line.starts_with("Eds:") || line.starts_with("EDs:") || line.starts_with("AP Photo")
}

/// An alert's sentence without its dateline (`HONOLULU (AP) _ `) and closing full stop.
fn alert_headline(alert: &str) -> String {
    let sentence = alert
        .split_once(") _ ")
        .filter(|(dateline, _)| dateline.len() < 80)
        .map_or(alert, |(_, sentence)| sentence);
    sentence.trim().trim_end_matches('.').trim().to_owned()
}

/// The name in a keyword (`BC-WEA--Global Weather-Fahrenheit` -> `Global Weather-Fahrenheit`).
fn keyword_name(keyword: &str) -> &str {
    keyword
        .split_once("--")
        .map_or(keyword, |(_, name)| name)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_7901_message_that_lost_its_control_characters_is_known_by_its_header() {
        let text = "\nbsf037 4 su 174 gef 1388\n\nNotes de frais GE\n\nNotes de frais GE: \nL'affaire a marqué l'exécutif de la Ville = \n\nGenève (ats) Le scandale a provoqué un séisme. \n";
        assert!(is_wire_message(text));
        let item = parse(text);
        assert_eq!(item.urgency, Some(4));
        assert_eq!(
            item.headline.as_deref(),
            Some("Notes de frais GE: L'affaire a marqué l'exécutif de la Ville")
        );
        assert_eq!(item.slugline.as_deref(), Some("Notes de frais GE"));
        assert!(
            item.body_text
                .as_deref()
                .is_some_and(|b| b.contains("séisme")),
            "{item:?}"
        );
        assert!(!is_wire_message("Plain text about 2024 4 a 5 things\nmore"));
        assert!(!is_wire_message(
            "abc12 4 su 174\nnot a service id of 3-4 digits"
        ));
    }

    const IPTC: &str = "\u{1}eca062 4 i 211 ccccb   dpa 061\r\n\r\nGermany-politics/\r\n\u{2}Coalition talks could fail, Social Democrat warns =\r\n\r\n   Berlin (dpa) - Negotiations between the parties on forming a\r\ncoalition could fail, a senior member warned Wednesday.\r\n\r\n   \"One cannot yet say if it works,\" he said.\r\n\u{3}";

    #[test]
    fn an_iptc_7901_message_gives_headline_body_priority_and_keyword() {
        assert!(is_wire_message(IPTC));
        let item = parse(IPTC);
        assert_eq!(
            item.headline.as_deref(),
            Some("Coalition talks could fail, Social Democrat warns")
        );
        assert_eq!(item.urgency, Some(4));
        assert_eq!(item.slugline.as_deref(), Some("Germany-politics"));
        let body = item.body_text.unwrap_or_default();
        assert!(
            body.starts_with(
                "Berlin (dpa) - Negotiations between the parties on forming a coalition could fail"
            ),
            "{body}"
        );
        assert_eq!(body.split("\n\n").count(), 2, "{body}");
    }

    #[test]
    fn a_four_line_header_keeps_markers_and_byline_out_of_the_headline() {
        let message = "\u{1}eca0003 3 i 380  dpa 0045\r\n\r\nSwitzerland/migration/UN/\r\n\u{2}REFILE\r\n1ST LEAD\r\nSwitzerland joins list of countries resisting UN migration pact\r\nBy dpa correspondents =\r\n\r\nGeneva (dpa) - Switzerland is joining a growing number of countries\r\nthat will refrain from signing.\r\n\u{3}";
        let item = parse(message);
        assert_eq!(
            item.headline.as_deref(),
            Some("Switzerland joins list of countries resisting UN migration pact")
        );
        assert_eq!(item.by.as_deref(), Some("dpa correspondents"));
        assert_eq!(item.signals, ["update", "update"]);
        assert_eq!(item.urgency, Some(3));
    }

    #[test]
    fn an_anpa_message_gives_slug_headline_byline_and_body() {
        let message = "\u{16}\u{16}\u{1}z6715\u{1f}-----\nr z\u{13}\u{11} BC-BKN--Heat-Hawks 1stLd-Writethru   02-20 0500\r\n\u{2}^BC-BKN--Heat-Hawks, 1st Ld-Writethru,416<\r\n^Deng has 30 points, Heat beat Hawks 115-111<\r\n^Eds: Updates.<\r\n^By CHARLES ODUM=\r\n\t   ATLANTA (AP) _ Luol Deng scored 30 points on Friday night.\r\n\t   Wade was ruled out about an hour before the game.\r\n\u{3}AP-WF-02-20-16 0337GMT<\r\n";
        assert!(is_wire_message(message));
        let item = parse(message);
        assert_eq!(item.slugline.as_deref(), Some("BC-BKN--Heat-Hawks"));
        assert_eq!(
            item.headline.as_deref(),
            Some("Deng has 30 points, Heat beat Hawks 115-111")
        );
        assert_eq!(item.by.as_deref(), Some("CHARLES ODUM"));
        assert_eq!(item.urgency, Some(5));
        let body = item.body_text.unwrap_or_default();
        assert_eq!(body.split("\n\n").count(), 2, "{body}");
        assert!(body.starts_with("ATLANTA (AP) _ Luol Deng"), "{body}");
    }

    #[test]
    fn a_message_cut_short_is_read_without_a_panic() {
        for cut in [
            "\u{1}",
            "\u{1}\u{2}",
            "\u{1}x\u{2}^",
            "\u{1}x\u{2}=\n",
            "\u{1} 9 \u{2}\u{3}",
        ] {
            let _ = parse(cut);
        }
    }
}
