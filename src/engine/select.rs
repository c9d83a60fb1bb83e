//! Which rules apply to a page: generic rules always; a site's rules when the page's URL
//! host is one of the site's `hosts` (or a subdomain of one), or when one of its `detect`
//! patterns matches the page text.

use super::{Page, RuleSet, Scratch};

impl RuleSet {
    /// For each rule, whether it applies to this page.
    pub fn select(&self, page: &Page<'_>, url: Option<&str>) -> Vec<bool> {
        self.with_scratch(|sc| self.select_with(sc, page, url))
    }

    pub(crate) fn select_with(
        &self,
        sc: &mut Scratch,
        page: &Page<'_>,
        url: Option<&str>,
    ) -> Vec<bool> {
        let host = url.and_then(host_of);
        let site_on: Vec<bool> = self
            .sites
            .iter()
            .map(|s| {
                host.as_deref()
                    .is_some_and(|h| s.hosts.iter().any(|sh| host_matches(h, sh)))
                    || s.detect
                        .as_ref()
                        .is_some_and(|d| d.is_match(sc, page.bytes()))
            })
            .collect();
        self.rules
            .iter()
            .map(|r| r.site.is_none_or(|s| site_on[s]))
            .collect()
    }
}

/// The lower-case host of a URL (`https://user@www.NPR.org:443/x` → `www.npr.org`); a bare
/// host (`npr.org/x`) works too.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.trim();
    let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

fn host_matches(host: &str, site: &str) -> bool {
    host == site || host.strip_suffix(site).is_some_and(|p| p.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://user@www.NPR.org:443/x?y").as_deref(),
            Some("www.npr.org")
        );
        assert_eq!(host_of("npr.org/sections").as_deref(), Some("npr.org"));
        assert_eq!(host_of("http://[::1]:80/").as_deref(), Some("[::1]"));
        assert_eq!(host_of(""), None);
        assert!(host_matches("www.npr.org", "npr.org"));
        assert!(host_matches("npr.org", "npr.org"));
        assert!(!host_matches("notnpr.org", "npr.org"));
    }
}
