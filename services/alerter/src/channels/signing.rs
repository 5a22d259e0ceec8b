//! Pure: the signature of a generic webhook delivery, and its check on the receiving side.
//!
//! `X-Wirefeed-Signature: t=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>.<body>">`, keyed
//! with the subscription's secret (the scheme Stripe and others use). The time is signed with
//! the body, so a receiver that rejects signatures older than a few minutes ([`verify`],
//! default [`DEFAULT_TOLERANCE_SECS`]) cannot be fed a recorded delivery again later. Each
//! retry is signed anew with its own time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Wirefeed-Signature";
/// How old a signature a receiver should accept, by default (five minutes).
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Option<Hmac<Sha256>> {
    // HMAC takes keys of any length; the error is unreachable but not worth a panic.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

/// `t=<timestamp>,sha256=<hex>` of `body` sent at `timestamp` (unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    match mac(secret, timestamp, body) {
        Some(mac) => format!(
            "t={timestamp},sha256={}",
            hex::encode(mac.finalize().into_bytes())
        ),
        None => String::new(),
    }
}

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is not t=<seconds>,sha256=<hex>")]
    Malformed,
    #[error("the signature is {age_secs} s old, over the tolerance of {tolerance_secs} s")]
    Expired { age_secs: i64, tolerance_secs: i64 },
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Checks `header` for `body` at `now` (unix seconds): the HMAC (compared in constant time)
/// and the age, at most `tolerance_secs` either way.
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut digest = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("sha256", value)) => digest = hex::decode(value).ok(),
            _ => {}
        }
    }
    let (Some(timestamp), Some(digest)) = (timestamp, digest) else {
        return Err(SignatureError::Malformed);
    };
    let age_secs = now.saturating_sub(timestamp);
    if age_secs.abs() > tolerance_secs {
        return Err(SignatureError::Expired {
            age_secs,
            tolerance_secs,
        });
    }
    let mac = mac(secret, timestamp, body).ok_or(SignatureError::Mismatch)?;
    mac.verify_slice(&digest)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hex_hmac_sha256_of_the_time_and_the_body() {
        // RFC 4231 test case 2, with the message "<t>.<body>" = "what do ya want for nothing?".
        assert_eq!(
            signature("Jefe", 1, b"what do ya want for nothing?")
                .split_once(",sha256=")
                .map(|(t, _)| t.to_owned()),
            Some("t=1".to_owned())
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap_or_else(|_| unreachable!());
        mac.update(b"1700000000.{\"a\":1}");
        let expected = format!(
            "t=1700000000,sha256={}",
            hex::encode(mac.finalize().into_bytes())
        );
        assert_eq!(signature("Jefe", 1_700_000_000, b"{\"a\":1}"), expected);
    }

    #[test]
    fn verify_accepts_a_fresh_signature_and_refuses_replays_tampering_and_garbage() {
        let body = br#"{"headline":"Syria talks resume"}"#;
        let header = signature("secret", 1_000, body);
        assert_eq!(verify("secret", &header, body, 1_000, 300), Ok(()));
        assert_eq!(verify("secret", &header, body, 1_299, 300), Ok(()));
        assert_eq!(
            verify("secret", &header, body, 1_301, 300),
            Err(SignatureError::Expired {
                age_secs: 301,
                tolerance_secs: 300
            })
        );
        assert_eq!(
            verify("secret", &header, b"{\"headline\":\"forged\"}", 1_000, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("other", &header, body, 1_000, 300),
            Err(SignatureError::Mismatch)
        );
        // A recorded body re-signed with a new time by someone without the secret fails.
        let replayed = header.replace("t=1000", "t=1200");
        assert_eq!(
            verify("secret", &replayed, body, 1_200, 300),
            Err(SignatureError::Mismatch)
        );
        for garbage in ["", "sha256=00", "t=1000", "t=x,sha256=zz"] {
            assert_eq!(
                verify("secret", garbage, body, 1_000, 300),
                Err(SignatureError::Malformed),
                "{garbage}"
            );
        }
    }
}
