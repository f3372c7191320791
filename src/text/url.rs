//! The project's one reading of URLs: the host (IDNA-normalised, so
//! `MÜLLER.de`, `müller.de` and `xn--mller-kva.de` are one host), its
//! top-level domain, and the comparison form used by `url_dedup`. Block
//! lists, URL rules, PII's country hints and charset hints all use it.

/// The scheme, user info, host, port and rest of a URL; `None` parts are absent.
struct Parts<'a> {
    /// Host as written: no brackets around IPv6, no port, no trailing dot.
    host: &'a str,
    /// `:port` digits, if any.
    port: Option<&'a str>,
    /// Path, query and fragment (starts with `/`, `?` or `#`, or is empty).
    rest: &'a str,
}

fn parts(url: &str) -> Option<Parts<'_>> {
    let url = url.trim();
    let after_scheme = match url.split_once("://") {
        Some((scheme, rest))
            if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)) =>
        {
            rest
        }
        _ => url.strip_prefix("//").unwrap_or(url),
    };
    let cut = after_scheme.find(['/', '?', '#']).unwrap_or(after_scheme.len());
    let (authority, rest) = after_scheme.split_at(cut);
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h, after.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
            _ => (hostport, None),
        }
    };
    let host = host.trim_end_matches('.');
    (!host.is_empty()).then_some(Parts { host, port, rest })
}

/// A domain name in its one comparison form: lower case, IDNA (UTS #46)
/// mapped to ASCII (`xn--…`), no trailing dot. A name IDNA refuses keeps its
/// lower-cased form, so it still compares with itself.
pub fn domain(name: &str) -> String {
    let name = name.trim().trim_end_matches('.');
    if name.is_ascii() && !name.contains("xn--") {
        return name.to_ascii_lowercase();
    }
    idna::domain_to_ascii(name).unwrap_or_else(|_| name.to_lowercase())
}

/// The host of a URL in [`domain`] form (IPv6 without brackets).
pub fn host(url: &str) -> Option<String> {
    parts(url).map(|p| domain(p.host))
}

/// The top-level domain of a URL's host, lower case (`de`, `uk`); `None`
/// for IP addresses.
pub fn tld(url: &str) -> Option<String> {
    let h = host(url)?;
    if h.contains(':') || h.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let t = h.rsplit('.').next()?;
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')).then(|| t.to_string())
}

/// The comparison form of a URL (`url_dedup`): no scheme or user info,
/// the host in [`domain`] form, no default port (80, 443), no fragment, no
/// trailing slash, and the query only when `ignore_query` is false.
pub fn comparison_form(url: &str, ignore_query: bool) -> String {
    let Some(p) = parts(url) else {
        return url.trim().to_string();
    };
    let rest = p.rest.split('#').next().unwrap_or("");
    let (path, query) = match rest.split_once('?') {
        Some((path, q)) if !ignore_query && !q.is_empty() => (path, Some(q)),
        Some((path, _)) => (path, None),
        None => (rest, None),
    };
    let mut out = domain(p.host);
    if let Some(port) = p.port.filter(|&port| port != "80" && port != "443" && !port.is_empty()) {
        out.push(':');
        out.push_str(port);
    }
    out.push_str(path.trim_end_matches('/'));
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host("https://User@WWW.Example.com:8080/a?b").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(host("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(host("http://example.com./x").as_deref(), Some("example.com"));
        assert_eq!(host("example.com/x").as_deref(), Some("example.com"));
        assert_eq!(host("http://user:pw@host.eu/").as_deref(), Some("host.eu"));
        assert_eq!(host("http:///x"), None);
    }

    /// IDNA: the published example of RFC 3492 / UTS #46 (`müller` is
    /// `xn--mller-kva`), and case folding of non-ASCII letters.
    #[test]
    fn international_domains_compare_in_one_form() {
        assert_eq!(host("https://müller.de/").as_deref(), Some("xn--mller-kva.de"));
        assert_eq!(host("https://MÜLLER.de/").as_deref(), Some("xn--mller-kva.de"));
        assert_eq!(host("https://xn--mller-kva.de/").as_deref(), Some("xn--mller-kva.de"));
        assert_eq!(domain("ΕΛΛΑΔΑ.gr"), domain("ελλαδα.gr"));
    }

    #[test]
    fn top_level_domains() {
        assert_eq!(tld("https://www.gov.uk/x").as_deref(), Some("uk"));
        assert_eq!(tld("http://Example.DE:8080").as_deref(), Some("de"));
        assert_eq!(tld("http://192.168.1.1/"), None);
        assert_eq!(tld("http://[2001:db8::1]/"), None);
    }

    #[test]
    fn comparison_forms() {
        let n = |u| comparison_form(u, false);
        assert_eq!(n("https://WWW.Example.eu:443/a/b/#top"), "www.example.eu/a/b");
        assert_eq!(n("http://www.example.eu/a/b"), "www.example.eu/a/b");
        assert_eq!(n("http://example.eu/?q=1"), "example.eu?q=1");
        assert_ne!(n("http://example.eu/a?q=1"), n("http://example.eu/a?q=2"));
        assert_eq!(comparison_form("http://example.eu/a?q=1", true), "example.eu/a");
        assert_eq!(n("https://example.eu:8443/a"), "example.eu:8443/a");
        assert_ne!(n("https://example.eu/A"), n("https://example.eu/a"));
        assert_eq!(n("https://müller.de/a"), n("https://xn--mller-kva.de/a/"));
    }
}
