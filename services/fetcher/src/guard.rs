//! The SSRF guard: a feed URL (or a redirect) must not make the fetcher reach private,
//! loopback, link-local or otherwise internal addresses, unless the source opts in with
//! `allow_private_network = true`.
//!
//! Checked at DNS resolution time (a resolver that drops forbidden addresses, so a hostname
//! that resolves to 10.0.0.1 cannot be reached, and DNS rebinding between check and connect is
//! impossible), and for IP-literal URLs before the request.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The marker in errors of refused targets (the fetcher classifies errors by it).
pub const BLOCKED_MARKER: &str = "refused by the ssrf guard";

/// Whether `ip` is an address a feed fetch must not reach by default.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(mapped) = v6.to_ipv4_mapped() {
                return is_forbidden_v4(mapped);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || v6 == Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0)
        }
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..=127).contains(&b)) // carrier-grade NAT 100.64.0.0/10
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (18..=19).contains(&b)) // benchmarking 198.18.0.0/15
        || a >= 240 // reserved
}

/// The error for a URL whose host is a forbidden IP literal, if it is one.
pub fn check_literal(url: &url::Url) -> Result<(), String> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return Ok(()),
    };
    if is_forbidden(ip) {
        Err(format!(
            "{ip} is a private or internal address: {BLOCKED_MARKER}"
        ))
    } else {
        Ok(())
    }
}

/// A DNS resolver that drops forbidden addresses and fails when none is left.
#[derive(Debug, Default)]
pub struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = resolved
                .iter()
                .copied()
                .filter(|addr| !is_forbidden(addr.ip()))
                .collect();
            if allowed.is_empty() && !resolved.is_empty() {
                let message = format!(
                    "{host} resolves only to private or internal addresses: {BLOCKED_MARKER}"
                );
                return Err(message.into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_forbidden_public_ones_are_not() {
        for forbidden in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(is_forbidden(forbidden.parse().unwrap()), "{forbidden}");
        }
        for allowed in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(!is_forbidden(allowed.parse().unwrap()), "{allowed}");
        }
    }

    #[test]
    fn ip_literal_urls_are_checked() {
        let metadata = url::Url::parse("http://169.254.169.254/latest/meta-data").unwrap();
        assert!(
            check_literal(&metadata)
                .unwrap_err()
                .contains(BLOCKED_MARKER)
        );
        let public = url::Url::parse("https://93.184.216.34/feed").unwrap();
        assert!(check_literal(&public).is_ok());
        let named = url::Url::parse("https://example.org/feed").unwrap();
        assert!(check_literal(&named).is_ok());
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_that_resolve_to_internal_addresses() {
        let name: Name = "localhost".parse().unwrap();
        let error = match GuardedResolver.resolve(name).await {
            Err(error) => error.to_string(),
            Ok(addrs) => panic!("resolved to {:?}", addrs.collect::<Vec<_>>()),
        };
        assert!(error.contains(BLOCKED_MARKER), "{error}");
    }
}
