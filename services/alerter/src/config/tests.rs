use super::*;
use crate::digest::Schedule;
use chrono::NaiveTime;

#[test]
fn debug_output_hides_the_smtp_password_and_webhook_secrets() {
    let smtp: SmtpConfig = serde_json::from_str(
        r#"{"host": "smtp.example", "from": "a@example.org", "password": "hunter2-smtp"}"#,
    )
    .unwrap_or_else(|e| unreachable!("{e}"));
    let webhook = WebhookTarget {
        url: "https://desk.example/hook".to_owned(),
        kind: WebhookKind::Generic,
        secret: Some("hunter2-hook".to_owned()),
        secret_file: None,
    };
    let shown = format!("{smtp:?} {webhook:?} {:?}", vec![webhook.clone()]);
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("(hidden)") && shown.contains("smtp.example"));
}

#[test]
fn the_default_is_the_embedded_toml_with_no_other_rust_default() {
    let loaded = wire_runtime::LoadedConfig::load_from(None, &[]).unwrap_or_else(|e| {
        unreachable!("{e}");
    });
    let loaded: AlerterConfig = loaded
        .section("alerter")
        .unwrap_or_else(|e| unreachable!("{e}"));
    let default = AlerterConfig::default();
    assert_eq!(format!("{default:?}"), format!("{loaded:?}"));
    assert_eq!(
        format!("{:?}", WebhookDeliveryConfig::default()),
        format!("{:?}", loaded.webhook)
    );
    assert!(default.validate().is_ok());
    assert!(default.print_alerts);
    assert_eq!(
        wire_runtime::config::keys_with_rust_defaults::<AlerterConfig>("alerter"),
        Vec::<String>::new()
    );
}

/// `[alerter.smtp]` is optional, so its defaults live in Rust; the commented example in
/// config/wirefeed.toml states the same values.
#[test]
fn the_commented_smtp_example_states_the_rust_defaults() {
    let example: String = wire_runtime::config::DEFAULTS_TOML
        .lines()
        .skip_while(|line| line.trim() != "# [alerter.smtp]")
        .skip(1)
        .take_while(|line| line.starts_with("# ") && line.contains(" = "))
        .map(|line| format!("{}\n", &line[2..]))
        .collect();
    let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
    let file = dir.path().join("smtp.toml");
    std::fs::write(&file, format!("[alerter.smtp]\n{example}"))
        .unwrap_or_else(|e| unreachable!("{e}"));
    let stated: AlerterConfig = wire_runtime::LoadedConfig::load_from(Some(&file), &[])
        .and_then(|loaded| loaded.section("alerter"))
        .unwrap_or_else(|e| unreachable!("{e}: {example}"));
    let Some(stated) = stated.smtp else {
        unreachable!("no smtp in {example}")
    };
    let bare: SmtpConfig = serde_json::from_str(r#"{"host": "h", "from": "a@example.org"}"#)
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(stated.port, bare.port);
    assert_eq!(stated.starttls, bare.starttls);
    assert_eq!(stated.timeout_secs, bare.timeout_secs);
    assert_eq!(stated.retry_policy(), bare.retry_policy());
}

fn subscription(json: &str) -> SubscriptionConfig {
    serde_json::from_str(json).unwrap_or_default()
}

#[test]
fn email_channels_and_pacing_parse_and_are_checked() {
    let ok = subscription(
        r#"{"id": "syria-desk", "query": "syria",
            "channels": [{"kind": "email", "to": ["desk@example.org"]}],
            "mode": "digest", "every_minutes": 60}"#,
    );
    assert_eq!(ok.mode, Mode::Digest);
    assert_eq!(ok.channels[0].to, vec!["desk@example.org".to_owned()]);
    assert!(ok.compile().is_ok());
    let key = |s: SubscriptionConfig| s.compile().err().map(|e| e.key).unwrap_or_default();
    let no_period = SubscriptionConfig {
        every_minutes: None,
        ..ok.clone()
    };
    assert_eq!(key(no_period.clone()), "mode");
    let set_times = SubscriptionConfig {
        at: vec!["16:30".to_owned(), "07:00".to_owned()],
        time_zone: Some("Europe/Berlin".to_owned()),
        ..no_period.clone()
    };
    assert!(set_times.compile().is_ok());
    assert_eq!(
        set_times.digest_schedule(),
        Some(Schedule::At {
            times: vec![
                NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default(),
                NaiveTime::from_hms_opt(16, 30, 0).unwrap_or_default()
            ],
            zone: chrono_tz::Europe::Berlin
        })
    );
    assert_eq!(ok.digest_schedule(), Some(Schedule::Every(60)));
    let both = SubscriptionConfig {
        at: vec!["07:00".to_owned()],
        ..ok.clone()
    };
    assert_eq!(key(both), "at");
    let bad_time = SubscriptionConfig {
        at: vec!["7 am".to_owned()],
        ..set_times.clone()
    };
    assert_eq!(key(bad_time), "at");
    let bad_zone = SubscriptionConfig {
        time_zone: Some("Mars/Olympus".to_owned()),
        ..set_times.clone()
    };
    assert_eq!(key(bad_zone), "time_zone");
    let zone_with_period = SubscriptionConfig {
        time_zone: Some("UTC".to_owned()),
        ..ok.clone()
    };
    assert_eq!(key(zone_with_period), "time_zone");
    let realtime_with_period = SubscriptionConfig {
        mode: Mode::Realtime,
        ..ok.clone()
    };
    assert_eq!(key(realtime_with_period), "every_minutes");
    let bad_address = SubscriptionConfig {
        channels: vec![ChannelTarget {
            kind: ChannelKind::Email,
            to: vec!["not an address".to_owned()],
        }],
        ..ok.clone()
    };
    assert_eq!(key(bad_address), "channels[0].to");
    let zero_cap = SubscriptionConfig {
        mode: Mode::Realtime,
        every_minutes: None,
        max_per_minute: Some(0),
        ..ok.clone()
    };
    assert_eq!(key(zero_cap), "max_per_minute");
}

#[test]
fn the_embargo_choice_parses_defaults_to_notify_and_is_checked() {
    let notify = subscription(r#"{"id": "desk", "query": "syria"}"#);
    assert_eq!(notify.embargo, Embargo::Notify);
    let hold = subscription(
        r#"{"id": "desk", "query": "syria", "embargo": "hold",
            "webhooks": [{"url": "https://desk.example/hook"}]}"#,
    );
    assert_eq!(hold.embargo, Embargo::Hold);
    assert!(hold.compile().is_ok());
    let unknown: Result<SubscriptionConfig, _> =
        serde_json::from_str(r#"{"id": "desk", "query": "syria", "embargo": "ignore"}"#);
    let message = unknown.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("notify") && message.contains("hold"),
        "{message}"
    );
    // Holding needs something to hold for.
    let nothing_to_hold = SubscriptionConfig {
        webhooks: Vec::new(),
        ..hold
    };
    let error = nothing_to_hold.compile().err();
    assert_eq!(error.as_ref().map(|e| e.key.as_str()), Some("embargo"));
    let config = AlerterConfig {
        subscriptions: vec![nothing_to_hold],
        ..AlerterConfig::default()
    };
    let shown = config
        .validate()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        shown.contains("alerter.subscriptions[0].embargo"),
        "{shown}"
    );
}

#[test]
fn email_channels_need_an_smtp_server() {
    let mut config = AlerterConfig {
        subscriptions: vec![SubscriptionConfig {
            id: "desk".to_owned(),
            query: Some("syria".to_owned()),
            channels: vec![ChannelTarget {
                kind: ChannelKind::Email,
                to: vec!["desk@example.org".to_owned()],
            }],
            ..SubscriptionConfig::default()
        }],
        ..AlerterConfig::default()
    };
    assert!(config.validate().is_err());
    config.smtp = Some(SmtpConfig {
        host: "127.0.0.1".to_owned(),
        port: 25,
        from: "alerts@example.org".to_owned(),
        username: None,
        password: None,
        password_file: None,
        starttls: false,
        timeout_secs: 5,
        max_attempts: 3,
        initial_backoff_ms: 10,
        max_backoff_ms: 100,
    });
    assert!(config.validate().is_ok());
    if let Some(smtp) = config.smtp.as_mut() {
        smtp.from = "nobody".to_owned();
    }
    assert!(config.validate().is_err());
}

fn load_alerter(toml_text: &str) -> Result<AlerterConfig, ConfigError> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
    let file = dir.path().join("alerter.toml");
    std::fs::write(&file, toml_text).unwrap_or_else(|e| unreachable!("{e}"));
    wire_runtime::LoadedConfig::load_from(Some(&file), &[])?.section("alerter")
}

#[test]
fn secret_files_are_checked_at_start_up_and_errors_name_the_key_not_the_secret() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
    let hook_file = dir.path().join("hook-secret");
    let smtp_file = dir.path().join("smtp-password");
    std::fs::write(&hook_file, "hook-secret-3e1f\n").unwrap_or_else(|e| unreachable!("{e}"));
    std::fs::write(&smtp_file, "smtp-secret-7a2c\n").unwrap_or_else(|e| unreachable!("{e}"));
    let missing = dir.path().join("missing");
    let text = |hook: &std::path::Path, smtp: &std::path::Path| {
        format!(
            "[alerter.smtp]\nhost = \"h\"\nfrom = \"a@example.org\"\nusername = \"u\"\n\
             password_file = \"{}\"\n[[alerter.subscriptions]]\nid = \"s\"\nquery = \"q\"\n\
             webhooks = [{{ url = \"https://x.example/h\", secret_file = \"{}\" }}]\n",
            smtp.display(),
            hook.display()
        )
    };
    let config =
        load_alerter(&text(&hook_file, &smtp_file)).unwrap_or_else(|e| unreachable!("{e}"));
    let webhook = &config.subscriptions[0].webhooks[0];
    assert_eq!(
        webhook.signing_secret(),
        Ok(Some("hook-secret-3e1f".to_owned()))
    );
    let smtp = config.smtp.as_ref().map(SmtpConfig::read_password);
    assert!(matches!(smtp, Some(Ok(Some(p))) if p == "smtp-secret-7a2c"));
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("secret-3e1f") && !shown.contains("secret-7a2c"),
        "{shown}"
    );

    for (hook, smtp, key) in [
        (
            &missing,
            &smtp_file,
            "alerter.subscriptions[0].webhooks[0].secret_file",
        ),
        (&hook_file, &missing, "alerter.smtp.password_file"),
    ] {
        let error = match load_alerter(&text(hook, smtp)) {
            Err(error) => error.to_string(),
            Ok(_) => unreachable!("{key}: a missing file was accepted"),
        };
        assert!(error.contains(key) && error.contains("missing"), "{error}");
        assert!(
            !error.contains("secret-3e1f") && !error.contains("secret-7a2c"),
            "{error}"
        );
    }
    // Inline and file at once: refused.
    let both = "[[alerter.subscriptions]]\nid = \"s\"\nquery = \"q\"\n\
                webhooks = [{ url = \"https://x.example/h\", secret = \"x\", secret_file = \"/f\" }]\n";
    let error = load_alerter(both).map(|_| ()).unwrap_err().to_string();
    assert!(error.contains("webhooks[0].secret_file"), "{error}");
}
