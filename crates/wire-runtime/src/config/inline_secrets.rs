//! Secrets written inline in a config file or a plain environment variable, found by key name
//! (never by value) so that start-up can warn about each and name the file form to use instead.
//!
//! A secret is a string value under a key named `password`, `secret` or `token`; a Kafka option
//! whose name ends in `password` or `secret` (`sasl.password`, `ssl.key.password`); or a request
//! header of a source whose name says it carries a credential (`Authorization`, `X-Api-Key`).

use super::ENV_PREFIX;

/// One inline secret: its config key (never its value) and what to use instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineSecret {
    /// `alerter.subscriptions[0].webhooks[1].secret`, or the environment variable's name.
    pub key: String,
    /// The file form: a `*_file` key beside it, or a `WIREFEED__..._FILE` variable.
    pub instead: String,
}

/// The inline secrets of a config file's TOML text (none when it does not parse: loading
/// reports that).
pub fn in_toml(text: &str) -> Vec<InlineSecret> {
    let Ok(root) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    walk(&toml::Value::Table(root), &mut Vec::new(), &mut found);
    found
}

/// The inline secrets among plain `WIREFEED__...` environment variables.
pub fn in_environment(env: &[(String, String)]) -> Vec<InlineSecret> {
    env.iter()
        .filter(|(name, value)| {
            name.starts_with(ENV_PREFIX) && !name.ends_with("_FILE") && !value.is_empty()
        })
        .filter(|(name, _)| {
            let path: Vec<String> = name[ENV_PREFIX.len()..]
                .split("__")
                .map(str::to_lowercase)
                .collect();
            file_form(&path).is_some()
        })
        .map(|(name, _)| InlineSecret {
            key: name.clone(),
            instead: format!("{name}_FILE"),
        })
        .collect()
}

fn walk(value: &toml::Value, path: &mut Vec<String>, found: &mut Vec<InlineSecret>) {
    match value {
        toml::Value::Table(table) => {
            for (key, inner) in table {
                path.push(key.clone());
                walk(inner, path, found);
                path.pop();
            }
        }
        toml::Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                let Some(last) = path.pop() else { continue };
                path.push(format!("{last}[{index}]"));
                walk(inner, path, found);
                path.pop();
                path.push(last);
            }
        }
        toml::Value::String(text) if !text.is_empty() => {
            if let Some(instead) = file_form(path) {
                found.push(InlineSecret {
                    key: path.join("."),
                    instead,
                });
            }
        }
        _ => {}
    }
}

/// The file form of the secret at `path` (keys without array indexes are matched by their
/// name), or `None` when `path` is no secret.
fn file_form(path: &[String]) -> Option<String> {
    let last = path.last()?.as_str();
    let parent = path.len().checked_sub(2).map(|at| base(&path[at]));
    let section = path.first().map(|first| base(first));
    if parent == Some("options") && section == Some("bus") {
        let lowered = last.to_lowercase();
        return (lowered.ends_with("password") || lowered.ends_with("secret")).then(|| {
            format!(
                "{ENV_PREFIX}BUS__KAFKA__OPTIONS__{}_FILE",
                last.to_uppercase()
            )
        });
    }
    if parent == Some("headers") {
        let lowered = last.to_lowercase();
        let credential = ["authorization", "cookie", "key", "token", "secret", "auth"]
            .iter()
            .any(|word| lowered.contains(word));
        return credential.then(|| "header_files (header name → file)".to_owned());
    }
    match last {
        "token" if section == Some("admin") => Some(format!("{ENV_PREFIX}ADMIN__TOKEN_FILE")),
        "password" | "secret" | "token" => Some(format!("{last}_file")),
        _ => None,
    }
}

/// A path part without its array index: `sources[0]` → `sources`.
fn base(part: &str) -> &str {
    part.split('[').next().unwrap_or(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_secrets_are_found_by_key_and_file_forms_are_not() {
        let text = r#"
[admin]
token = "admintoken-value"
[bus.kafka.options]
"sasl.username" = "wirefeed"
"sasl.password" = "kafka-value"
[[fetcher.sources]]
id = "a"
password = "feed-value"
headers = { "X-Api-Key" = "key-value", "Accept-Language" = "en" }
[[fetcher.sources]]
id = "b"
password_file = "/run/secrets/b"
[alerter.smtp]
password = ""
[[alerter.subscriptions]]
id = "s"
webhooks = [{ url = "https://x", secret_file = "/run/secrets/s" }, { url = "https://y", secret = "hook-value" }]
"#;
        let found: Vec<(String, String)> = in_toml(text)
            .into_iter()
            .map(|secret| (secret.key, secret.instead))
            .collect();
        let expected = [
            ("admin.token", "WIREFEED__ADMIN__TOKEN_FILE"),
            ("alerter.subscriptions[0].webhooks[1].secret", "secret_file"),
            (
                "bus.kafka.options.sasl.password",
                "WIREFEED__BUS__KAFKA__OPTIONS__SASL.PASSWORD_FILE",
            ),
            (
                "fetcher.sources[0].headers.X-Api-Key",
                "header_files (header name → file)",
            ),
            ("fetcher.sources[0].password", "password_file"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(key, instead)| ((*key).to_owned(), (*instead).to_owned()))
            .collect();
        assert_eq!(found, expected);
        assert!(!format!("{found:?}").contains("-value"));
    }

    #[test]
    fn plain_secret_variables_are_found_and_file_variables_are_not() {
        let env: Vec<(String, String)> = [
            ("WIREFEED__ALERTER__SMTP__PASSWORD", "smtp-value"),
            ("WIREFEED__ADMIN__TOKEN_FILE", "/run/secrets/token"),
            ("WIREFEED__BUS__KIND", "kafka"),
            ("HOME", "/root"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(
            in_environment(&env),
            vec![InlineSecret {
                key: "WIREFEED__ALERTER__SMTP__PASSWORD".to_owned(),
                instead: "WIREFEED__ALERTER__SMTP__PASSWORD_FILE".to_owned(),
            }]
        );
    }
}
