//! The SSRF guard: a feed URL (or a redirect) must not make the fetcher reach private,
//! loopback, link-local or otherwise internal addresses, unless the source opts in with
//! `allow_private_network = true`.
//!
//! Checked on every hop (the first request and each redirect, which `http` follows by hand):
//! - IP-literal URLs before the request ([`Guard::check_hop`]);
//! - names at DNS resolution time ([`GuardedResolver`] drops forbidden addresses, so a hostname
//!   that resolves to 10.0.0.1 cannot be reached, and DNS rebinding between check and connect
//!   is impossible);
//! - names again before the request when a proxy is configured in the environment
//!   (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, either case), because reqwest then sends the
//!   request to the proxy, which resolves the name itself, and the resolver above is never
//!   asked. The guard resolves the target's name here and refuses the hop when any of its
//!   addresses is internal (or when it does not resolve here: the guard cannot vouch for it).
//!   The proxy resolves again when it connects, so a name that changes its answer between the
//!   two lookups can still reach what the proxy can reach: a proxy that itself refuses
//!   internal destinations closes that gap. The proxy's own host name is trusted (the operator
//!   set it), so a proxy on a private address works.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// The marker in errors of refused targets (the fetcher classifies errors by it).
pub const BLOCKED_MARKER: &str = "refused by the ssrf guard";

/// Whether `ip` is an address a feed fetch must not reach by default.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(embedded) = embedded_v4(v6) {
                return is_forbidden_v4(embedded);
            }
            let [first, second, ..] = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || (first == 0x2001 && second == 0x0db8) // documentation 2001:db8::/32
        }
    }
}

/// The IPv4 address inside an IPv6 one that carries it: IPv4-mapped `::ffff:a.b.c.d`,
/// IPv4-compatible `::a.b.c.d` (deprecated, still routed by some stacks) and NAT64
/// `64:ff9b::a.b.c.d`, which a NAT64 gateway translates to that IPv4 address.
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(mapped) = v6.to_ipv4_mapped() {
        return Some(mapped);
    }
    let segments = v6.segments();
    let [a, b] = segments[6].to_be_bytes();
    let [c, d] = segments[7].to_be_bytes();
    let embedded = Ipv4Addr::new(a, b, c, d);
    let compatible = segments[..6].iter().all(|s| *s == 0) && u32::from(embedded) > 1;
    let nat64 = segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    (compatible || nat64).then_some(embedded)
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

/// Why the guard refused a hop.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The target is (or resolves to) an internal address.
    #[error("{0}: {BLOCKED_MARKER}")]
    Blocked(String),
    /// With a proxy configured, the target's name did not resolve here, so the guard cannot
    /// check where the proxy would connect.
    #[error("{0}")]
    Unresolved(String),
}

/// The SSRF guard of one fetcher: the checks before each hop and the resolver for its client.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// Exact socket addresses of IP-literal URLs let through (tests: their servers listen on
    /// 127.0.0.1). Never from configuration.
    exempt: Arc<[SocketAddr]>,
    /// Host names of the proxies configured in the environment (empty: no proxy).
    proxy_hosts: Arc<[String]>,
}

impl Guard {
    /// The guard for this process, with the proxies of its environment.
    pub fn from_environment() -> Self {
        Self::with_proxy_variables(|name| std::env::var(name).ok())
    }

    /// The guard with the proxies that `variable` (an environment lookup) names.
    pub fn with_proxy_variables(variable: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            exempt: Arc::default(),
            proxy_hosts: proxy_hosts(variable).into(),
        }
    }

    /// Lets these exact socket addresses through when a URL names them as IP literals (host
    /// and port): for tests, whose servers listen on 127.0.0.1. A name that resolves to them
    /// is still refused.
    pub fn exempting(mut self, addresses: &[SocketAddr]) -> Self {
        self.exempt = addresses.into();
        self
    }

    /// Whether a proxy configured in the environment may carry requests.
    pub fn proxied(&self) -> bool {
        !self.proxy_hosts.is_empty()
    }

    /// The resolver for the guarded client: it trusts the proxies' own names.
    pub fn resolver(&self) -> GuardedResolver {
        GuardedResolver {
            trusted_hosts: self.proxy_hosts.clone(),
        }
    }

    /// Checks one hop before its request: an IP-literal host must not be internal; with a
    /// proxy configured, a named host is resolved here and must have no internal address.
    /// Without a proxy, named hosts are left to the [`GuardedResolver`] at connect time.
    pub async fn check_hop(&self, url: &url::Url) -> Result<(), Refused> {
        let port = url.port_or_known_default().unwrap_or(0);
        let host = match url.host() {
            Some(url::Host::Ipv4(v4)) => return self.check_ip(IpAddr::V4(v4), port),
            Some(url::Host::Ipv6(v6)) => return self.check_ip(IpAddr::V6(v6), port),
            Some(url::Host::Domain(host)) if self.proxied() => host,
            _ => return Ok(()),
        };
        let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| {
                Refused::Unresolved(format!(
                    "{host} does not resolve here, and the guard must check it before \
                     the proxy connects: {e}"
                ))
            })?
            .collect();
        match resolved.iter().find(|addr| is_forbidden(addr.ip())) {
            Some(internal) => Err(Refused::Blocked(format!(
                "{host} resolves to the private or internal address {}",
                internal.ip()
            ))),
            None => Ok(()),
        }
    }

    fn check_ip(&self, ip: IpAddr, port: u16) -> Result<(), Refused> {
        if is_forbidden(ip) && !self.exempt.contains(&SocketAddr::new(ip, port)) {
            return Err(Refused::Blocked(format!(
                "{ip} is a private or internal address"
            )));
        }
        Ok(())
    }
}

/// The host names of the proxies in `ALL_PROXY`, `HTTP_PROXY` and `HTTPS_PROXY` (either case),
/// as reqwest reads them (a value without a scheme is an `http://` proxy).
fn proxy_hosts(variable: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut hosts = Vec::new();
    for name in [
        "ALL_PROXY",
        "all_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
    ] {
        let Some(value) = variable(name).filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        let value = value.trim();
        let parsed = url::Url::parse(value)
            .ok()
            .filter(|u| u.has_host())
            .or_else(|| url::Url::parse(&format!("http://{value}")).ok());
        // An unparsable proxy still counts as a proxy: the guard checks names itself.
        let host = parsed
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    hosts
}

/// A DNS resolver that drops forbidden addresses and fails when none is left. The trusted
/// hosts (the configured proxies) resolve unfiltered.
#[derive(Debug, Default)]
pub struct GuardedResolver {
    trusted_hosts: Arc<[String]>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let trusted = self
            .trusted_hosts
            .iter()
            .any(|trusted| trusted.eq_ignore_ascii_case(&host));
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = resolved
                .iter()
                .copied()
                .filter(|addr| trusted || !is_forbidden(addr.ip()))
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
    fn ipv6_forms_that_carry_an_internal_ipv4_address_are_forbidden() {
        for forbidden in [
            "::7f00:1",
            "64:ff9b::a00:1",
            "64:ff9b::",
            "fec0::1",
            "2001:db8::1",
        ] {
            assert!(is_forbidden(forbidden.parse().unwrap()), "{forbidden}");
        }
        assert!(!is_forbidden("64:ff9b::808:808".parse().unwrap()));
    }

    fn url(text: &str) -> url::Url {
        url::Url::parse(text).unwrap()
    }

    #[tokio::test]
    async fn ip_literal_urls_are_checked() {
        let guard = Guard::default();
        for forbidden in [
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]:8080/",
            "http://2130706433/",
            "http://0x7f.1/",
        ] {
            let refused = guard.check_hop(&url(forbidden)).await.unwrap_err();
            assert!(matches!(refused, Refused::Blocked(_)), "{forbidden}");
            assert!(refused.to_string().contains(BLOCKED_MARKER), "{refused}");
        }
        assert!(
            guard
                .check_hop(&url("https://93.184.216.34/feed"))
                .await
                .is_ok()
        );
        // Without a proxy, names are the resolver's to check.
        assert!(guard.check_hop(&url("http://localhost/")).await.is_ok());
    }

    #[tokio::test]
    async fn an_exemption_is_one_exact_socket_address() {
        let guard = Guard::default().exempting(&["127.0.0.1:8080".parse().unwrap()]);
        assert!(
            guard
                .check_hop(&url("http://127.0.0.1:8080/a"))
                .await
                .is_ok()
        );
        for refused in [
            "http://127.0.0.1:8081/",
            "http://127.0.0.1/",
            "http://[::1]:8080/",
        ] {
            assert!(guard.check_hop(&url(refused)).await.is_err(), "{refused}");
        }
    }

    #[test]
    fn proxies_are_read_as_reqwest_reads_them() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        assert!(!Guard::with_proxy_variables(vars(&[])).proxied());
        assert!(!Guard::with_proxy_variables(vars(&[("HTTP_PROXY", " ")])).proxied());
        let guard = Guard::with_proxy_variables(vars(&[
            ("https_proxy", "http://user:pw@proxy.corp:3128"),
            ("HTTP_PROXY", "proxy.corp:3128"),
            ("ALL_PROXY", "socks5h://[fd00::1]:1080"),
        ]));
        assert!(guard.proxied());
        assert_eq!(&*guard.proxy_hosts, ["fd00::1", "proxy.corp"]);
    }

    #[tokio::test]
    async fn with_a_proxy_names_are_resolved_and_checked_before_the_request() {
        let guard = Guard::with_proxy_variables(|name| {
            (name == "HTTP_PROXY").then(|| "http://127.0.0.1:3128".to_owned())
        });
        let refused = guard
            .check_hop(&url("http://localhost:8080/"))
            .await
            .unwrap_err();
        assert!(matches!(refused, Refused::Blocked(_)), "{refused}");
        let unresolved = guard
            .check_hop(&url("http://no-such-host.invalid/"))
            .await
            .unwrap_err();
        assert!(matches!(unresolved, Refused::Unresolved(_)), "{unresolved}");
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_that_resolve_to_internal_addresses() {
        let name: Name = "localhost".parse().unwrap();
        let error = match GuardedResolver::default().resolve(name).await {
            Err(error) => error.to_string(),
            Ok(addrs) => panic!("resolved to {:?}", addrs.collect::<Vec<_>>()),
        };
        assert!(error.contains(BLOCKED_MARKER), "{error}");
    }

    #[tokio::test]
    async fn the_resolver_trusts_the_proxy_name() {
        let guard = Guard::with_proxy_variables(|name| {
            (name == "HTTPS_PROXY").then(|| "http://localhost:3128".to_owned())
        });
        let name: Name = "localhost".parse().unwrap();
        let resolved: Vec<SocketAddr> = match guard.resolver().resolve(name).await {
            Ok(addrs) => addrs.collect(),
            Err(error) => panic!("{error}"),
        };
        assert!(
            resolved.iter().all(|addr| addr.ip().is_loopback()),
            "{resolved:?}"
        );
        assert!(!resolved.is_empty());
    }
}
