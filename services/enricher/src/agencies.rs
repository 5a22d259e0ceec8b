//! Pure: which wire agency a story is, and whether a copy came from the agency itself.
//!
//! Hand-written because no crate knows the world's news agencies: a list of agencies with the
//! names they are credited by (`AFP`, `Agence France-Presse`, `أ ف ب`), matched as whole words
//! with one Aho-Corasick automaton over the few short fields that name a provider. The agency
//! whose story it is comes from the credit (`(AFP)`), else the dateline, else the provider
//! (copyright holder, source id, link host); the copy is the agency's own when its provider (the
//! configured source, the link's host, else the copyright holder) is an agency, or the source is
//! listed in `enricher.agency_sources`.

use crate::config::AgencyConfig;
use aho_corasick::{AhoCorasick, MatchKind};
use wire_model::Envelope;

/// The wire agencies recognised by default: short name, then the names they are credited by
/// (matched case-insensitively as whole words; punctuation counts as a space).
const BUILT_IN: &[(&str, &[&str])] = &[
    (
        "AFP",
        &["afp", "agence france presse", "france presse", "أ ف ب"],
    ),
    ("Reuters", &["reuters", "thomson reuters", "رويترز"]),
    ("AP", &["ap", "associated press", "apnews"]),
    ("dpa", &["dpa", "deutsche presse agentur", "د ب أ"]),
    ("EFE", &["efe", "agencia efe"]),
    ("ANSA", &["ansa"]),
    ("Kyodo", &["kyodo", "kyodo news"]),
    ("Xinhua", &["xinhua", "xinhuanet", "新华社"]),
    ("PA", &["pa", "pa media", "press association"]),
    ("AAP", &["aap", "australian associated press"]),
    ("ANP", &["anp"]),
    ("Belga", &["belga"]),
    ("APA", &["apa", "austria presse agentur"]),
    (
        "Keystone-SDA",
        &["keystone sda", "sda", "keystone ats", "ats"],
    ),
    ("TT", &["tt", "tidningarnas telegrambyrå"]),
    ("NTB", &["ntb", "norsk telegrambyrå"]),
    ("STT", &["stt", "stt info"]),
    ("Ritzau", &["ritzau"]),
    ("Lusa", &["lusa", "agência lusa"]),
    ("ANA-MPA", &["ana mpa", "athens news agency"]),
    ("Yonhap", &["yonhap"]),
    ("Jiji", &["jiji", "jiji press"]),
    ("PTI", &["pti", "press trust of india"]),
    ("Bernama", &["bernama"]),
    ("Antara", &["antara"]),
    ("TASS", &["tass", "itar tass"]),
    ("Interfax", &["interfax"]),
    ("Anadolu", &["anadolu", "anadolu agency"]),
    ("CTK", &["ctk", "čtk"]),
    ("PAP", &["pap", "polish press agency"]),
    ("MTI", &["mti"]),
    ("Agerpres", &["agerpres"]),
    ("Europa Press", &["europa press"]),
    ("AGI", &["agi"]),
    ("Adnkronos", &["adnkronos"]),
    ("Canadian Press", &["canadian press"]),
    ("Notimex", &["notimex"]),
    ("Prensa Latina", &["prensa latina"]),
    ("Ukrinform", &["ukrinform"]),
];

/// What the enricher knows of a copy's agency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The agency whose story it is, by its short name.
    pub agency: Option<String>,
    /// The copy came from the agency itself.
    pub from_agency: bool,
}

/// The agencies known to this enricher.
#[derive(Debug)]
pub struct Agencies {
    names: Vec<String>,
    /// The agency (index into `names`) of each pattern.
    pattern_agency: Vec<usize>,
    automaton: Option<AhoCorasick>,
    sources: Vec<String>,
}

/// `text` lowercased, every run of non-alphanumeric characters one space, padded with a space
/// on both sides (so a pattern ` afp ` matches whole words only).
fn normalized(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// The host of an `http(s)://` link.
fn link_host(link: &str) -> Option<&str> {
    let rest = link.split_once("://")?.1;
    rest.split(['/', '?', '#', ':']).next()
}

/// The parenthesised credits of a dateline's opening (`PARIS (AFP) -`), where agencies sign.
fn dateline_credits(dateline: &str) -> String {
    let opening: String = dateline.chars().take(80).collect();
    opening
        .split('(')
        .skip(1)
        .filter_map(|part| part.split_once(')').map(|(inside, _)| inside))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Agencies {
    /// The built-in list (unless `config.replace_built_in`) and the operator's agencies.
    pub fn new(config: &AgencyConfig, agency_sources: &[String]) -> Self {
        let mut names = Vec::new();
        let mut patterns = Vec::new();
        let mut pattern_agency = Vec::new();
        let built_in =
            BUILT_IN
                .iter()
                .filter(|_| !config.replace_built_in)
                .map(|(name, aliases)| {
                    (
                        name.to_string(),
                        aliases.iter().map(|a| a.to_string()).collect(),
                    )
                });
        let extra = config
            .extra
            .iter()
            .map(|agency| (agency.name.clone(), agency.aliases.clone()));
        for (name, aliases) in built_in.chain(extra) {
            let index = names.len();
            for alias in aliases.iter().chain(std::iter::once(&name)) {
                let pattern = normalized(alias);
                if pattern.trim().is_empty() || patterns.contains(&pattern) {
                    continue;
                }
                patterns.push(pattern);
                pattern_agency.push(index);
            }
            names.push(name);
        }
        // Fails only for names beyond the automaton's size limits, which validation refuses
        // (`EnricherConfig::validate` builds this list): none are recognised then.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        Self {
            names,
            pattern_agency,
            automaton,
            sources: agency_sources.to_vec(),
        }
    }

    /// Whether every name could be built into the automaton.
    pub fn usable(&self) -> bool {
        self.automaton.is_some()
    }

    /// The agency named first in `text` (whole words; the longest name at a position).
    pub fn named_in(&self, text: &str) -> Option<&str> {
        let text = normalized(text);
        self.automaton
            .as_ref()?
            .find_overlapping_iter(&text)
            .min_by_key(|m| (m.start(), std::cmp::Reverse(m.len())))
            .map(|m| self.names[self.pattern_agency[m.pattern().as_usize()]].as_str())
    }

    /// The agency of `envelope`'s story and whether this copy is the agency's own.
    pub fn provenance(&self, envelope: &Envelope) -> Provenance {
        let wire = &envelope.wire;
        let article = &envelope.article;
        let source = wire.source.as_str();
        let host = wire.link.as_deref().and_then(link_host);
        // The provider: the link's host names the publisher; without a link, the copyright.
        let provider = self.named_in(source).or_else(|| match host {
            Some(host) => self.named_in(host),
            None => article
                .copyright_holder
                .as_deref()
                .and_then(|c| self.named_in(c)),
        });
        let credited = wire
            .credit
            .as_deref()
            .and_then(|credit| self.named_in(credit))
            .or_else(|| {
                wire.dateline
                    .as_deref()
                    .and_then(|dateline| self.named_in(&dateline_credits(dateline)))
            });
        let agency = credited.or(provider).map(str::to_owned);
        let listed = self.sources.iter().any(|listed| listed == source);
        let from_agency =
            listed || (provider.is_some() && (credited.is_none() || credited == provider));
        Provenance {
            agency: agency.or_else(|| listed.then(|| source.to_owned())),
            from_agency,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire_model::{Article, WireMeta};

    fn agencies() -> Agencies {
        Agencies::new(&AgencyConfig::default(), &["wires-in".to_owned()])
    }

    fn copy(source: &str, link: Option<&str>, credit: Option<&str>) -> Envelope {
        let wire = WireMeta {
            source: source.into(),
            link: link.map(str::to_owned),
            credit: credit.map(str::to_owned),
            ..WireMeta::default()
        };
        Envelope::new(Article::default(), wire)
    }

    #[test]
    fn names_are_found_as_whole_words_in_any_script() {
        let agencies = agencies();
        assert_eq!(agencies.named_in("Agence France-Presse"), Some("AFP"));
        assert_eq!(agencies.named_in("© 2026 AFP"), Some("AFP"));
        assert_eq!(agencies.named_in("afp-en-world"), Some("AFP"));
        assert_eq!(agencies.named_in("www.reuters.com"), Some("Reuters"));
        assert_eq!(agencies.named_in("أ ف ب"), Some("AFP"));
        assert_eq!(agencies.named_in("Deutsche Presse-Agentur"), Some("dpa"));
        assert_eq!(agencies.named_in("Kyodo News"), Some("Kyodo"));
        assert_eq!(agencies.named_in("The Straits Times"), None);
        assert_eq!(agencies.named_in("apartment"), None);
        assert_eq!(agencies.named_in("www.straitstimes.com"), None);
    }

    #[test]
    fn an_outlet_credited_afp_is_afp_story_but_not_afp_copy() {
        let agencies = agencies();
        let pickup = copy(
            "straits-times",
            Some("https://www.straitstimes.com/world/x"),
            Some("AFP"),
        );
        assert_eq!(
            agencies.provenance(&pickup),
            Provenance {
                agency: Some("AFP".into()),
                from_agency: false
            }
        );
        let own = copy("afp-world", None, Some("AFP"));
        assert!(agencies.provenance(&own).from_agency);
        // An agency feed carrying another agency's story is not that agency's copy.
        let relay = copy("afp-world", None, Some("Reuters"));
        assert_eq!(
            agencies.provenance(&relay),
            Provenance {
                agency: Some("Reuters".into()),
                from_agency: false
            }
        );
        let listed = copy("wires-in", None, None);
        assert!(agencies.provenance(&listed).from_agency);
    }

    #[test]
    fn the_dateline_credit_names_the_agency_when_no_credit_field_does() {
        let agencies = agencies();
        let mut pickup = copy("daily", Some("https://daily.example/a"), None);
        pickup.wire.dateline = Some("BERLIN (dpa) - Die Regierung hat".to_owned());
        assert_eq!(agencies.provenance(&pickup).agency.as_deref(), Some("dpa"));
    }

    #[test]
    fn operators_add_agencies_or_replace_the_list() {
        let config = AgencyConfig {
            replace_built_in: true,
            extra: vec![crate::config::AgencyName {
                name: "Wire One".to_owned(),
                aliases: vec!["W1".to_owned()],
            }],
        };
        let agencies = Agencies::new(&config, &[]);
        assert_eq!(agencies.named_in("(W1)"), Some("Wire One"));
        assert_eq!(agencies.named_in("AFP"), None);
    }
}
