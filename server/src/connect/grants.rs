//! What asset permissions allow: pure rules over the permissions naming a
//! person and an asset, shared by the asset list, token creation and
//! redemption (which asks again, since a permission may have changed).

use app::common::Timestamp;
use app::connect::model::{ACTIONS, ALIASES, ALIAS_ALL};

/// One permission as it applies to a person and an asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub accounts: Vec<String>,
    pub protocols: Vec<String>,
    pub actions: Vec<String>,
    pub is_active: bool,
    pub date_start: Timestamp,
    pub date_expired: Timestamp,
}

/// `@USER`, `@INPUT` or `@ANON`: an account chosen at connect time.
pub fn is_alias(account: &str) -> bool {
    ALIASES.contains(&account)
}

impl Grant {
    /// Switched on and inside its window: `date_start <= now < date_expired`.
    pub fn in_force_at(&self, now: Timestamp) -> bool {
        self.is_active && self.date_start <= now && now < self.date_expired
    }

    /// Lists the account, or `@ALL` for a real one; aliases must be listed
    /// by name.
    pub fn covers_account(&self, account: &str) -> bool {
        self.accounts.iter().any(|a| a == account)
            || (!is_alias(account) && self.accounts.iter().any(|a| a == ALIAS_ALL))
    }

    pub fn covers_protocol(&self, protocol: &str) -> bool {
        self.protocols.iter().any(|p| p == protocol || p == "all")
    }

    fn covers(&self, account: &str, protocol: &str) -> bool {
        self.covers_account(account) && self.covers_protocol(protocol)
    }
}

/// The union of the grants' actions, in [`ACTIONS`] order.
fn union<'a>(grants: impl Iterator<Item = &'a Grant>) -> Vec<String> {
    let granted: Vec<&String> = grants.flat_map(|g| g.actions.iter()).collect();
    ACTIONS.iter().filter(|a| granted.iter().any(|g| g == *a)).map(|a| (*a).to_owned()).collect()
}

/// What the grants in force at `now` allow with `account` over `protocol`.
pub fn actions_for(grants: &[Grant], account: &str, protocol: &str, now: Timestamp) -> Vec<String> {
    union(grants.iter().filter(|g| g.in_force_at(now) && g.covers(account, protocol)))
}

/// What the grants in force at `now` allow with `account`, over any protocol.
pub fn account_actions(grants: &[Grant], account: &str, now: Timestamp) -> Vec<String> {
    union(grants.iter().filter(|g| g.in_force_at(now) && g.covers_account(account)))
}

/// Whether any grant in force at `now` covers `protocol`.
pub fn protocol_allowed(grants: &[Grant], protocol: &str, now: Timestamp) -> bool {
    grants.iter().any(|g| g.in_force_at(now) && g.covers_protocol(protocol))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Connecting is allowed, with these actions.
    Allowed(Vec<String>),
    /// Only permissions whose window has ended allowed it.
    Expired,
    /// Nothing allows it (any more): removed, switched off, not yet started
    /// or no longer listing the account or protocol.
    Denied,
}

/// May the person connect with `account` over `protocol` at `now`?
pub fn verdict(grants: &[Grant], account: &str, protocol: &str, now: Timestamp) -> Verdict {
    let actions = actions_for(grants, account, protocol, now);
    if actions.iter().any(|a| a == "connect") {
        return Verdict::Allowed(actions);
    }
    let ended = grants.iter().any(|g| {
        g.is_active
            && g.date_expired <= now
            && g.covers(account, protocol)
            && g.actions.iter().any(|a| a == "connect")
    });
    if ended {
        Verdict::Expired
    } else {
        Verdict::Denied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(accounts: &[&str], protocols: &[&str], actions: &[&str]) -> Grant {
        Grant {
            accounts: accounts.iter().map(|s| (*s).to_owned()).collect(),
            protocols: protocols.iter().map(|s| (*s).to_owned()).collect(),
            actions: actions.iter().map(|s| (*s).to_owned()).collect(),
            is_active: true,
            date_start: Timestamp::from_millis(1_000),
            date_expired: Timestamp::from_millis(10_000),
        }
    }

    const NOW: Timestamp = Timestamp::from_millis(5_000);

    #[test]
    fn all_covers_real_accounts_but_aliases_must_be_listed() {
        let g = grant(&["@ALL"], &["all"], &["connect"]);
        assert!(g.covers_account("root"));
        assert!(!g.covers_account("@INPUT"));
        assert!(!g.covers_account("@USER"));
        let g = grant(&["@INPUT"], &["ssh"], &["connect"]);
        assert!(g.covers_account("@INPUT"));
        assert!(!g.covers_account("root"));
        assert!(g.covers_protocol("ssh") && !g.covers_protocol("rdp"));
    }

    #[test]
    fn the_window_includes_its_start_and_excludes_its_end() {
        let g = grant(&["root"], &["ssh"], &["connect"]);
        assert!(!g.in_force_at(Timestamp::from_millis(999)));
        assert!(g.in_force_at(Timestamp::from_millis(1_000)));
        assert!(g.in_force_at(Timestamp::from_millis(9_999)));
        assert!(!g.in_force_at(Timestamp::from_millis(10_000)));
        let off = Grant { is_active: false, ..g };
        assert!(!off.in_force_at(NOW));
    }

    #[test]
    fn actions_are_the_union_of_the_matching_grants() {
        let grants = [
            grant(&["root"], &["ssh"], &["connect", "download"]),
            grant(&["@ALL"], &["all"], &["upload"]),
            grant(&["root"], &["rdp"], &["paste"]),
        ];
        assert_eq!(actions_for(&grants, "root", "ssh", NOW), ["connect", "upload", "download"]);
        assert_eq!(actions_for(&grants, "admin", "ssh", NOW), ["upload"]);
        assert_eq!(
            account_actions(&grants, "root", NOW),
            ["connect", "upload", "download", "paste"]
        );
        assert!(protocol_allowed(&grants, "vnc", NOW));
    }

    #[test]
    fn a_verdict_tells_an_ended_window_from_no_permission() {
        let grants = [grant(&["root"], &["ssh"], &["connect"])];
        assert_eq!(verdict(&grants, "root", "ssh", NOW), Verdict::Allowed(vec!["connect".into()]));
        let later = Timestamp::from_millis(10_000);
        assert_eq!(verdict(&grants, "root", "ssh", later), Verdict::Expired);
        assert_eq!(verdict(&grants, "root", "rdp", NOW), Verdict::Denied);
        assert_eq!(verdict(&[], "root", "ssh", NOW), Verdict::Denied);
        let no_connect = [grant(&["root"], &["ssh"], &["upload"])];
        assert_eq!(verdict(&no_connect, "root", "ssh", NOW), Verdict::Denied);
        let off = [Grant { is_active: false, ..grant(&["root"], &["ssh"], &["connect"]) }];
        assert_eq!(verdict(&off, "root", "ssh", NOW), Verdict::Denied);
    }
}
