//! IP allowlists as JumpServer writes them: `*`, single addresses, CIDR
//! blocks and `first-last` ranges, IPv4 and IPv6 alike.

use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpRule {
    Any,
    Exact(IpAddr),
    /// An address and a prefix length (bits kept).
    Net(IpAddr, u8),
    Range(IpAddr, IpAddr),
}

fn addr(s: &str) -> Option<IpAddr> {
    s.trim().parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

fn bits(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

impl IpRule {
    /// Reads one entry, or says what is wrong with it.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        let bad = || {
            format!("“{s}” is not an IP address, a CIDR block (10.0.0.0/8), a range (10.0.0.1-10.0.0.9) or *.")
        };
        if s == "*" {
            return Ok(IpRule::Any);
        }
        if let Some((net, len)) = s.split_once('/') {
            let ip = addr(net).ok_or_else(bad)?;
            let max = bits(ip).1;
            let len: u8 = len.trim().parse().map_err(|_| bad())?;
            if len > max {
                return Err(format!("“{s}”: the prefix length is at most {max}."));
            }
            return Ok(IpRule::Net(ip, len));
        }
        if let Some((first, last)) = s.split_once('-') {
            let (a, b) = (addr(first).ok_or_else(bad)?, addr(last).ok_or_else(bad)?);
            if a.is_ipv4() != b.is_ipv4() {
                return Err(format!("“{s}”: both ends of a range are the same kind of address."));
            }
            if bits(a).0 > bits(b).0 {
                return Err(format!("“{s}”: the range starts after it ends."));
            }
            return Ok(IpRule::Range(a, b));
        }
        addr(s).map(IpRule::Exact).ok_or_else(bad)
    }

    pub fn matches(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        let (value, width) = bits(ip);
        match *self {
            IpRule::Any => true,
            IpRule::Exact(a) => a == ip,
            IpRule::Net(net, len) => {
                let (base, net_width) = bits(net);
                if net_width != width {
                    return false;
                }
                // IPv4 values sit in the low 32 bits, so the upper bits agree anyway.
                let host_bits = u32::from(width - len);
                let mask = if host_bits >= 128 { 0 } else { u128::MAX << host_bits };
                (base ^ value) & mask == 0
            }
            IpRule::Range(a, b) => {
                a.is_ipv4() == ip.is_ipv4() && (bits(a).0..=bits(b).0).contains(&value)
            }
        }
    }
}

/// Checks a whole allowlist: the cleaned entries, or every entry's problem.
pub fn parse_allowlist(entries: &[String]) -> Result<Vec<String>, Vec<String>> {
    let mut cleaned = Vec::new();
    let mut problems = Vec::new();
    for entry in entries.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        match IpRule::parse(entry) {
            Ok(_) => cleaned.push(entry.to_owned()),
            Err(e) => problems.push(e),
        }
    }
    if cleaned.is_empty() && problems.is_empty() {
        problems.push(crate::i18n::n_("Enter at least one entry; * allows every address.").into());
    }
    if problems.is_empty() {
        Ok(cleaned)
    } else {
        Err(problems)
    }
}

/// Whether `ip` is allowed by `entries` (entries that do not parse allow nothing).
pub fn allowed(entries: &[String], ip: IpAddr) -> bool {
    entries.iter().filter_map(|e| IpRule::parse(e).ok()).any(|r| r.matches(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn every_form_matches_what_it_should() {
        let list: Vec<String> =
            ["10.1.0.0/16", "192.168.1.10-192.168.1.20", "2001:db8::/32", "203.0.113.7"]
                .map(String::from)
                .into();
        for yes in
            ["10.1.200.3", "192.168.1.15", "2001:db8:ffff::1", "203.0.113.7", "::ffff:10.1.0.1"]
        {
            assert!(allowed(&list, ip(yes)), "{yes}");
        }
        for no in ["10.2.0.1", "192.168.1.21", "2001:db9::1", "203.0.113.8", "::1"] {
            assert!(!allowed(&list, ip(no)), "{no}");
        }
        assert!(allowed(&["*".into()], ip("::1")));
        assert!(allowed(&["0.0.0.0/0".into()], ip("8.8.8.8")));
        assert!(!allowed(&["0.0.0.0/0".into()], ip("2001:db8::1")));
        assert!(allowed(&["::/0".into()], ip("2001:db8::1")));
    }

    #[test]
    fn bad_entries_are_each_reported() {
        let list: Vec<String> =
            ["10.0.0.0/33", "nonsense", "10.0.0.9-10.0.0.1", "10.0.0.1-::1", "*"]
                .map(String::from)
                .into();
        let problems = parse_allowlist(&list).unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(parse_allowlist(&[]).is_err());
        assert_eq!(parse_allowlist(&[" 10.0.0.1 ".into(), "".into()]).unwrap(), vec!["10.0.0.1"]);
    }
}
