//! Property tests of the egress matcher ([`Grants`], [`HostPattern`], [`Origin`]).
//!
//! The matcher is checked against an independent oracle that restates the policy over
//! *structured* grants (labels, IP addresses, ports) and parses the URL with the `url` crate
//! only to read its scheme, user info, host and port. Generated URLs vary what must not change
//! the decision (case, one trailing dot, percent-encoded host characters, a Unicode host vs its
//! `xn--` form, an explicit default port, other spellings of an IPv4 address) and what must
//! (user info, look-alike hosts, confusable letters, extra or empty labels, other ports and
//! schemes, IPv4-mapped IPv6). Besides agreeing with the oracle, several properties state the
//! expected answer outright, so that a mistake shared by matcher and oracle still shows up.

use super::{Grants, HostPattern, Origin};
use proptest::prelude::*;
use proptest::sample::Index;
use std::net::{Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

// ----- hosts -----

/// One domain label: plain ASCII, an internationalised one (Unicode and its `xn--` form, both
/// written out here by hand), or a raw Unicode text (a confusable look-alike).
#[derive(Debug, Clone)]
enum Label {
    Ascii(&'static str),
    Idn(&'static str, &'static str),
    Raw(String),
}

const ASCII_LABELS: &[&str] = &["api", "vpn", "a", "example", "exampl", "evil", "net"];
const IDN_LABELS: &[(&str, &str)] = &[
    ("bücher", "xn--bcher-kva"),
    ("münchen", "xn--mnchen-3ya"),
    ("пример", "xn--e1afmkfd"),
];
const TLDS: &[&str] = &["com", "org"];

/// Private, loopback, link-local and one public IPv4 address.
const IPV4: &[[u8; 4]] = &[
    [10, 0, 0, 1],
    [127, 0, 0, 1],
    [169, 254, 169, 254],
    [172, 16, 5, 4],
    [192, 168, 1, 10],
    [93, 184, 216, 34],
];
const IPV6: &[&str] = &["::1", "2001:db8::1", "fd00::7"];

/// A host as the oracle sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Canon {
    Domain(Vec<String>),
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

#[derive(Debug, Clone)]
enum HostSpec {
    Domain(Vec<Label>),
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

impl HostSpec {
    /// The canonical form, computed from the structure (not by parsing a URL).
    fn canon(&self) -> Option<Canon> {
        Some(match self {
            HostSpec::Domain(labels) => {
                let mut out = Vec::new();
                for l in labels {
                    match l {
                        Label::Ascii(s) => out.push((*s).to_string()),
                        Label::Idn(_, ascii) => out.push((*ascii).to_string()),
                        Label::Raw(_) => return None,
                    }
                }
                Canon::Domain(out)
            }
            HostSpec::V4(ip) => Canon::V4(*ip),
            HostSpec::V6(ip) => Canon::V6(*ip),
        })
    }
}

/// How to write a host without changing what it names.
#[derive(Debug, Clone, Copy)]
struct Spelling {
    case: u64,
    percent: u64,
    unicode: bool,
    trailing_dot: bool,
    ipv4_form: u8,
}

impl Spelling {
    fn plain() -> Self {
        Self {
            case: 0,
            percent: 0,
            unicode: false,
            trailing_dot: false,
            ipv4_form: 0,
        }
    }
}

fn bit(bits: u64, n: usize) -> bool {
    bits >> (n % 64) & 1 == 1
}

fn percent_encode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn render_ascii(text: &str, sp: Spelling, n: &mut usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = if bit(sp.case, *n) {
            c.to_ascii_uppercase()
        } else {
            c
        };
        if c.is_ascii_alphanumeric() && bit(sp.percent, *n + 17) {
            out.push_str(&percent_encode(&c.to_string()));
        } else {
            out.push(c);
        }
        *n += 1;
    }
    out
}

/// Writes an IPv4 address in one of the forms WHATWG URL parsing accepts.
fn ipv4_text(ip: Ipv4Addr, form: u8) -> String {
    let n = u32::from(ip);
    let [a, b, c, d] = ip.octets();
    match form % 8 {
        0 => ip.to_string(),
        1 => n.to_string(),
        2 => format!("0x{n:x}"),
        3 => format!("0{n:o}"),
        4 => format!("0{a:o}.0x{b:x}.{c}.0{d:o}"),
        5 => format!(
            "{a}.{}",
            u32::from(b) << 16 | u32::from(c) << 8 | u32::from(d)
        ),
        6 => format!("{a}.{b}.{}", u32::from(c) << 8 | u32::from(d)),
        _ => {
            let dotted = ip.to_string();
            format!("{}{}", percent_encode(&dotted[..1]), &dotted[1..])
        }
    }
}

fn render_host(host: &HostSpec, sp: Spelling) -> String {
    match host {
        HostSpec::Domain(labels) => {
            let mut n = 0;
            let mut parts = Vec::new();
            for l in labels {
                parts.push(match l {
                    Label::Ascii(s) => render_ascii(s, sp, &mut n),
                    Label::Idn(unicode, _) if sp.unicode => {
                        n += 1;
                        let text = if bit(sp.case, n) {
                            unicode.to_uppercase()
                        } else {
                            (*unicode).to_string()
                        };
                        if bit(sp.percent, n) {
                            percent_encode(&text)
                        } else {
                            text
                        }
                    }
                    Label::Idn(_, ascii) => render_ascii(ascii, sp, &mut n),
                    Label::Raw(text) => text.clone(),
                });
            }
            let mut text = parts.join(".");
            if sp.trailing_dot {
                text.push('.');
            }
            text
        }
        HostSpec::V4(ip) => ipv4_text(*ip, sp.ipv4_form),
        HostSpec::V6(ip) => format!("[{ip}]"),
    }
}

// ----- grants -----

#[derive(Debug, Clone)]
struct PatternSpec {
    wildcard: bool,
    host: HostSpec,
    port: Option<u16>,
    spelling: Spelling,
}

impl PatternSpec {
    fn text(&self) -> String {
        let mut text = if self.wildcard {
            "*.".to_string()
        } else {
            String::new()
        };
        text.push_str(&render_host(&self.host, self.spelling));
        if let Some(port) = self.port {
            text.push_str(&format!(":{port}"));
        }
        text
    }
}

#[derive(Debug, Clone)]
struct EndpointSpec {
    scheme: &'static str,
    host: HostSpec,
    port: u16,
}

impl EndpointSpec {
    fn text(&self) -> String {
        format!(
            "{}://{}:{}",
            self.scheme,
            render_host(&self.host, Spelling::plain()),
            self.port
        )
    }
}

#[derive(Debug, Clone)]
struct GrantSpec {
    patterns: Vec<PatternSpec>,
    endpoint: Option<EndpointSpec>,
}

impl GrantSpec {
    /// The implementation's grants, built from the pattern *texts*.
    fn grants(&self) -> Grants {
        let patterns = self
            .patterns
            .iter()
            .map(|p| {
                HostPattern::parse(&p.text())
                    .unwrap_or_else(|e| panic!("generated pattern {:?}: {e}", p.text()))
            })
            .collect();
        let endpoint = self.endpoint.as_ref().map(|e| {
            Origin::parse(&e.text()).unwrap_or_else(|err| panic!("endpoint {}: {err}", e.text()))
        });
        Grants::new(patterns, endpoint)
    }

    /// Every granted host (patterns and endpoint).
    fn hosts(&self) -> Vec<HostSpec> {
        let mut hosts: Vec<HostSpec> = self.patterns.iter().map(|p| p.host.clone()).collect();
        hosts.extend(self.endpoint.as_ref().map(|e| e.host.clone()));
        hosts
    }

    fn texts(&self) -> Vec<String> {
        let mut out: Vec<String> = self.patterns.iter().map(PatternSpec::text).collect();
        if let Some(e) = &self.endpoint {
            out.push(format!("endpoint {}", e.text()));
        }
        out
    }
}

// ----- the oracle -----

/// The host of a parsed URL: domain labels (one trailing empty label dropped), or an address.
fn canon_of(url: &Url) -> Option<Canon> {
    Some(match url.host()? {
        Host::Domain(d) => {
            let mut labels: Vec<String> = d.split('.').map(str::to_ascii_lowercase).collect();
            if labels.len() > 1 && labels.last().is_some_and(String::is_empty) {
                labels.pop();
            }
            Canon::Domain(labels)
        }
        Host::Ipv4(ip) => Canon::V4(ip),
        Host::Ipv6(ip) => Canon::V6(ip),
    })
}

/// What the policy says about `url`, restated: no user info; the endpoint grants exactly its
/// scheme, host and port; a pattern grants `https` on its port (443 by default) for its host,
/// or, for `*.suffix`, for any domain that is one or more non-empty labels followed by the
/// suffix's labels.
fn oracle(spec: &GrantSpec, url: &str) -> bool {
    let Ok(url) = Url::parse(url) else {
        return false;
    };
    let scheme = url.scheme();
    if !(scheme == "https" || scheme == "http") {
        return false;
    }
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    let (Some(host), Some(port)) = (canon_of(&url), url.port_or_known_default()) else {
        return false;
    };
    if let Some(e) = &spec.endpoint
        && e.scheme == scheme
        && e.port == port
        && e.host.canon() == Some(host.clone())
    {
        return true;
    }
    scheme == "https"
        && spec.patterns.iter().any(|p| {
            if p.port.unwrap_or(443) != port {
                return false;
            }
            let Some(granted) = p.host.canon() else {
                return false;
            };
            match (p.wildcard, &granted, &host) {
                (false, g, h) => g == h,
                (true, Canon::Domain(suffix), Canon::Domain(labels)) => {
                    labels.len() > suffix.len()
                        && labels.ends_with(suffix)
                        && labels[..labels.len() - suffix.len()]
                            .iter()
                            .all(|l| !l.is_empty())
                }
                (true, _, _) => false,
            }
        })
}

/// What the implementation says about `url`.
fn matcher(grants: &Grants, url: &str) -> bool {
    Origin::parse(url).is_ok_and(|o| grants.allows(&o))
}

// ----- strategies -----

fn label() -> impl Strategy<Value = Label> {
    prop_oneof![
        4 => prop::sample::select(ASCII_LABELS).prop_map(Label::Ascii),
        1 => prop::sample::select(IDN_LABELS).prop_map(|(u, a)| Label::Idn(u, a)),
    ]
}

fn domain() -> impl Strategy<Value = HostSpec> {
    (
        prop::collection::vec(label(), 1..=2),
        prop::sample::select(TLDS),
    )
        .prop_map(|(mut labels, tld)| {
            labels.push(Label::Ascii(tld));
            HostSpec::Domain(labels)
        })
}

fn ip_host() -> impl Strategy<Value = HostSpec> {
    prop_oneof![
        3 => prop::sample::select(IPV4).prop_map(|o| HostSpec::V4(Ipv4Addr::from(o))),
        1 => prop::sample::select(IPV6).prop_map(|t| HostSpec::V6(t.parse().unwrap())),
    ]
}

fn spelling() -> impl Strategy<Value = Spelling> {
    (
        any::<u64>(),
        prop_oneof![Just(0u64), any::<u64>()],
        any::<bool>(),
        any::<bool>(),
        any::<u8>(),
    )
        .prop_map(
            |(case, percent, unicode, trailing_dot, ipv4_form)| Spelling {
                case,
                percent,
                unicode,
                trailing_dot,
                ipv4_form,
            },
        )
}

fn pattern() -> impl Strategy<Value = PatternSpec> {
    let port = prop_oneof![Just(None), Just(Some(443)), Just(Some(8443))];
    prop_oneof![
        3 => (domain(), any::<bool>(), port.clone(), spelling()).prop_map(
            |(host, wildcard, port, spelling)| PatternSpec { wildcard, host, port, spelling }
        ),
        1 => (ip_host(), port, spelling()).prop_map(|(host, port, spelling)| PatternSpec {
            wildcard: false,
            host,
            port,
            spelling: Spelling { trailing_dot: false, ..spelling },
        }),
    ]
}

fn endpoint() -> impl Strategy<Value = Option<EndpointSpec>> {
    prop::option::of(
        (
            prop::sample::select(&["http", "https"][..]),
            prop_oneof![domain(), ip_host()],
            prop::sample::select(&[80u16, 443, 4100, 8443][..]),
        )
            .prop_map(|(scheme, host, port)| EndpointSpec { scheme, host, port }),
    )
}

fn grant_spec() -> impl Strategy<Value = GrantSpec> {
    (prop::collection::vec(pattern(), 0..4), endpoint())
        .prop_map(|(patterns, endpoint)| GrantSpec { patterns, endpoint })
}

/// Changes that make a host a *different* host.
#[derive(Debug, Clone)]
enum Mutation {
    None,
    PrefixLabel,
    Glue(&'static str),
    AppendLabels,
    DropFirst,
    Confusable(Index),
    EmptyLabel,
    TwoTrailingDots,
    EncodedDot,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        8 => Just(Mutation::None),
        1 => Just(Mutation::PrefixLabel),
        1 => prop::sample::select(&["evil", "x", "a-"][..]).prop_map(Mutation::Glue),
        1 => Just(Mutation::AppendLabels),
        1 => Just(Mutation::DropFirst),
        1 => any::<Index>().prop_map(Mutation::Confusable),
        1 => Just(Mutation::EmptyLabel),
        1 => Just(Mutation::TwoTrailingDots),
        1 => Just(Mutation::EncodedDot),
    ]
}

/// Latin letters and the Cyrillic letters that look the same.
const CONFUSABLES: &[(char, char)] = &[
    ('a', 'а'),
    ('e', 'е'),
    ('o', 'о'),
    ('p', 'р'),
    ('c', 'с'),
    ('x', 'х'),
    ('i', 'і'),
];

fn ascii_of(l: &Label) -> String {
    match l {
        Label::Ascii(s) => (*s).to_string(),
        Label::Idn(_, a) => (*a).to_string(),
        Label::Raw(s) => s.clone(),
    }
}

/// Writes `host` with the change `m` applied (to its labels, or to its text for dots).
fn mutate(host: &HostSpec, sp: Spelling, m: &Mutation) -> String {
    let HostSpec::Domain(labels) = host else {
        return render_host(host, sp);
    };
    let mut labels = labels.clone();
    let sp_no_dot = Spelling {
        trailing_dot: false,
        ..sp
    };
    match m {
        Mutation::None => return render_host(host, sp),
        Mutation::PrefixLabel => labels.insert(0, Label::Ascii("x")),
        Mutation::Glue(prefix) => {
            labels[0] = Label::Raw(format!("{prefix}{}", ascii_of(&labels[0])));
        }
        Mutation::AppendLabels => {
            labels.extend([Label::Ascii("evil"), Label::Ascii("net")]);
        }
        Mutation::DropFirst if labels.len() > 1 => {
            labels.remove(0);
        }
        Mutation::DropFirst => {}
        Mutation::Confusable(at) => {
            let n = at.index(labels.len());
            let text = ascii_of(&labels[n]);
            if let Some((from, to)) = CONFUSABLES.iter().find(|(c, _)| text.contains(*c)) {
                labels[n] = Label::Raw(text.replacen(*from, &to.to_string(), 1));
            }
        }
        Mutation::EmptyLabel => labels.insert(0, Label::Raw(String::new())),
        Mutation::TwoTrailingDots => return format!("{}..", render_host(host, sp_no_dot)),
        Mutation::EncodedDot => {
            let text = render_host(&HostSpec::Domain(labels), sp_no_dot);
            return text.replacen('.', "%2e", 1) + ".evil.net";
        }
    }
    render_host(&HostSpec::Domain(labels), sp)
}

#[derive(Debug, Clone)]
struct UrlSpec {
    scheme: &'static str,
    userinfo: &'static str,
    base: Option<Index>,
    host: HostSpec,
    spelling: Spelling,
    mutation: Mutation,
    port: Option<&'static str>,
}

fn url_spec() -> impl Strategy<Value = UrlSpec> {
    (
        prop::sample::select(&["https", "https", "https", "http"][..]),
        prop_oneof![
            6 => Just(""),
            1 => prop::sample::select(&["user@", "user:pw@", "api.example.com@", ":@"][..]),
        ],
        prop::option::weighted(0.8, any::<Index>()),
        prop_oneof![3 => domain(), 1 => ip_host()],
        spelling(),
        mutation(),
        prop::option::weighted(
            0.4,
            prop::sample::select(&["443", "0443", "80", "8443", "4100", "444", ""][..]),
        ),
    )
        .prop_map(
            |(scheme, userinfo, base, host, spelling, mutation, port)| UrlSpec {
                scheme,
                userinfo,
                base,
                host,
                spelling,
                mutation,
                port,
            },
        )
}

impl UrlSpec {
    /// The URL text; `base` picks a granted host to start from, so that matches are common.
    fn text(&self, grants: &GrantSpec) -> String {
        let hosts = grants.hosts();
        let host = match (self.base, hosts.is_empty()) {
            (Some(i), false) => &hosts[i.index(hosts.len())],
            _ => &self.host,
        };
        let mut text = format!(
            "{}://{}{}",
            self.scheme,
            self.userinfo,
            mutate(host, self.spelling, &self.mutation)
        );
        if let Some(port) = self.port {
            text.push(':');
            text.push_str(port);
        }
        text.push_str("/v1/x");
        text
    }
}

// ----- properties -----

proptest! {
    /// Headline property: the matcher allows exactly what the oracle allows, so no generated
    /// URL outside the grants is allowed (and nothing inside is refused).
    #[test]
    fn matcher_agrees_with_the_oracle(spec in grant_spec(), url in url_spec()) {
        let text = url.text(&spec);
        let expected = oracle(&spec, &text);
        prop_assert_eq!(
            matcher(&spec.grants(), &text),
            expected,
            "url {} with grants {:?}",
            text,
            spec.texts()
        );
    }

    /// A URL with user info is refused even when its host is granted.
    #[test]
    fn user_info_is_never_allowed(
        spec in grant_spec(),
        url in url_spec(),
        userinfo in prop::sample::select(&["user@", "user:pw@", "api.example.com@", ":pw@"][..]),
    ) {
        let text = UrlSpec { userinfo, ..url }.text(&spec);
        prop_assert!(!matcher(&spec.grants(), &text), "{} allowed", text);
    }

    /// Case, one trailing dot, percent-encoding, Unicode vs `xn--` and IPv4 number forms do
    /// not change the decision; neither does writing the scheme's default port.
    #[test]
    fn spelling_does_not_change_the_decision(
        spec in grant_spec(),
        base in prop::option::weighted(0.8, any::<Index>()),
        other in prop_oneof![3 => domain(), 1 => ip_host()],
        front in any::<bool>(),
        sp in spelling(),
        scheme in prop::sample::select(&["https", "https", "http"][..]),
        explicit_port in any::<bool>(),
    ) {
        let grants = spec.grants();
        let hosts = spec.hosts();
        let mut host = match base {
            Some(i) if !hosts.is_empty() => hosts[i.index(hosts.len())].clone(),
            _ => other,
        };
        // A label in front, so that hosts under a wildcard are spelled too.
        if let (true, HostSpec::Domain(labels)) = (front, &mut host) {
            labels.insert(0, Label::Ascii("vpn"));
        }
        let port = match (explicit_port, scheme) {
            (false, _) => "",
            (true, "https") => ":443",
            (true, _) => ":80",
        };
        let plain = format!("{scheme}://{}{port}/", render_host(&host, Spelling::plain()));
        let spelled = format!("{scheme}://{}/", render_host(&host, sp));
        prop_assert_eq!(matcher(&grants, &plain), matcher(&grants, &spelled),
            "{} vs {} with grants {:?}", plain, spelled, spec.texts());
    }

    /// Look-alikes of an exactly granted host are refused: confusable letters, a glued
    /// prefix, extra or missing labels, empty labels, two trailing dots, an encoded dot.
    #[test]
    fn look_alikes_of_granted_hosts_are_refused(
        granted in prop::collection::vec(domain(), 1..4),
        pick in any::<Index>(),
        sp in spelling(),
        m in mutation().prop_filter("a change", |m| !matches!(m, Mutation::None)),
    ) {
        let spec = GrantSpec {
            patterns: granted
                .iter()
                .map(|host| PatternSpec {
                    wildcard: false,
                    host: host.clone(),
                    port: None,
                    spelling: Spelling::plain(),
                })
                .collect(),
            endpoint: None,
        };
        let target = &granted[pick.index(granted.len())];
        let text = format!("https://{}/", mutate(target, sp, &m));
        let parsed = Url::parse(&text).ok().and_then(|u| canon_of(&u));
        // Only when the change happens to land on another granted host may it be allowed.
        let lands_on_grant = granted.iter().any(|g| g.canon() == parsed);
        prop_assert_eq!(matcher(&spec.grants(), &text), lands_on_grant,
            "{} with grants {:?}", text, spec.texts());
    }

    /// `*.suffix` covers one or more whole labels in front of the suffix, on HTTPS and the
    /// pattern's port only; the bare suffix and glued look-alikes are refused.
    #[test]
    fn wildcards_need_a_whole_label(
        suffix in domain(),
        front in prop::collection::vec(prop::sample::select(ASCII_LABELS), 1..3),
        glue in prop::sample::select(&["evil", "x", "a-"][..]),
        sp in spelling(),
    ) {
        let pattern = format!("*.{}", render_host(&suffix, sp));
        let grants = Grants::new(vec![HostPattern::parse(&pattern).unwrap()], None);
        let suffix_text = render_host(&suffix, Spelling::plain());
        let under = format!("{}.{suffix_text}", front.join("."));
        let cases = [
            (format!("https://{under}/"), true),
            (format!("https://{under}:443/"), true),
            (format!("https://{suffix_text}/"), false),
            (format!("https://{glue}{suffix_text}/"), false),
            (format!("https://{under}.evil.net/"), false),
            (format!("https://.{suffix_text}/"), false),
            (format!("https://{}..{suffix_text}/", front.join(".")), false),
            (format!("https://..{suffix_text}/"), false),
            (format!("http://{under}/"), false),
            (format!("https://{under}:8443/"), false),
        ];
        for (url, expected) in cases {
            prop_assert_eq!(matcher(&grants, &url), expected, "{} against {}", url, pattern);
        }
    }

    /// Every spelling of an IPv4 address is that address: allowed exactly when the address
    /// is granted, and never through its IPv4-mapped IPv6 form.
    #[test]
    fn ipv4_forms_are_one_address(
        target in prop::sample::select(IPV4),
        others in prop::collection::vec(prop::sample::select(IPV4), 0..3),
        form in any::<u8>(),
        grant_target in any::<bool>(),
        as_endpoint in any::<bool>(),
    ) {
        let target = Ipv4Addr::from(target);
        let mut granted: Vec<Ipv4Addr> = others.into_iter().map(Ipv4Addr::from).collect();
        granted.retain(|ip| *ip != target);
        if grant_target {
            granted.push(target);
        }
        let patterns = granted
            .iter()
            .map(|ip| HostPattern::parse(&ip.to_string()).unwrap())
            .collect();
        let endpoint = (as_endpoint && grant_target)
            .then(|| Origin::parse(&format!("http://{target}:4100")).unwrap());
        let grants = Grants::new(patterns, endpoint);
        let text = ipv4_text(target, form);
        prop_assert_eq!(matcher(&grants, &format!("https://{text}/")), grant_target,
            "{} ({}) with {:?}", text, target, granted);
        prop_assert_eq!(
            matcher(&grants, &format!("http://{text}:4100/")),
            as_endpoint && grant_target
        );
        for mapped in [format!("[::ffff:{target}]"), format!("[::ffff:{:x}:{:x}]",
            u32::from(target) >> 16, u32::from(target) & 0xffff)]
        {
            prop_assert!(!matcher(&grants, &format!("https://{mapped}/")), "{}", mapped);
            prop_assert!(!matcher(&grants, &format!("http://{mapped}:4100/")), "{}", mapped);
        }
    }

    /// A pattern grants HTTPS on exactly its port (443 when it names none).
    #[test]
    fn ports_are_exact(
        host in domain(),
        pattern_port in prop::option::of(prop::sample::select(&[443u16, 8443, 80][..])),
        url_port in prop::option::of(prop::sample::select(&[443u16, 8443, 80, 444][..])),
        scheme in prop::sample::select(&["https", "http"][..]),
    ) {
        let host_text = render_host(&host, Spelling::plain());
        let pattern = match pattern_port {
            Some(p) => format!("{host_text}:{p}"),
            None => host_text.clone(),
        };
        let grants = Grants::new(vec![HostPattern::parse(&pattern).unwrap()], None);
        let url = match url_port {
            Some(p) => format!("{scheme}://{host_text}:{p}/"),
            None => format!("{scheme}://{host_text}/"),
        };
        let default = if scheme == "https" { 443 } else { 80 };
        let expected =
            scheme == "https" && url_port.unwrap_or(default) == pattern_port.unwrap_or(443);
        prop_assert_eq!(matcher(&grants, &url), expected, "{} against {}", url, pattern);
    }
}

#[test]
fn idn_table_matches_the_url_crate() {
    // The oracle trusts the hand-written `xn--` forms; check them once.
    for (unicode, ascii) in IDN_LABELS {
        let url = Url::parse(&format!("https://{unicode}.com/")).unwrap();
        assert_eq!(url.host_str(), Some(format!("{ascii}.com").as_str()));
    }
}
