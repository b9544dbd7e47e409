//! IP networks for the context tables that name addresses or CIDR ranges (`content_filter_relays`,
//! `network_zones`, `log4j_ips`, ...).

use std::net::IpAddr;

/// An address range: an address and a prefix length (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Parses `192.0.2.0/24`, `2001:db8::/32` or a bare address.
    pub fn parse(s: &str) -> Option<IpNet> {
        let (a, p) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.parse::<u8>().ok().filter(|&n| n <= max)?,
            None => max,
        };
        Some(IpNet { addr, prefix })
    }

    /// Whether `ip` (text, as logged) lies in the range; text that is no address lies in none.
    pub fn contains_str(&self, ip: &str) -> bool {
        ip.parse::<IpAddr>().is_ok_and(|ip| self.contains(ip))
    }

    /// Whether `ip` lies in the range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix as u32).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix as u32).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let lo = IpNet::parse("127.0.0.0/8").unwrap();
        assert!(lo.contains_str("127.0.0.1") && lo.contains_str("::ffff:127.1.2.3"));
        assert!(
            !lo.contains_str("128.0.0.1")
                && !lo.contains_str("::1")
                && !lo.contains_str("private/x")
        );
        assert!(IpNet::parse("::1").unwrap().contains_str("::1"));
        assert!(IpNet::parse("2001:db8::/32")
            .unwrap()
            .contains_str("2001:db8:ffff::1"));
        assert!(IpNet::parse("0.0.0.0/0").unwrap().contains_str("192.0.2.1"));
        assert_eq!(IpNet::parse("10.0.0.0/33"), None);
        assert_eq!(IpNet::parse("mx.example"), None);
    }
}
