//! Message subscriptions and the in-site inbox, in JumpServer's names.

use crate::common::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a notification can go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Backend {
    /// The in-site inbox: always on.
    SiteMsg,
    Email,
    Dingtalk,
    Wecom,
    Feishu,
    Lark,
    Slack,
}

impl Backend {
    pub const ALL: [Backend; 7] = [
        Backend::SiteMsg,
        Backend::Email,
        Backend::Dingtalk,
        Backend::Wecom,
        Backend::Feishu,
        Backend::Lark,
        Backend::Slack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::SiteMsg => "site_msg",
            Backend::Email => "email",
            Backend::Dingtalk => "dingtalk",
            Backend::Wecom => "wecom",
            Backend::Feishu => "feishu",
            Backend::Lark => "lark",
            Backend::Slack => "slack",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Backend::SiteMsg => crate::i18n::n_("Site messages"),
            Backend::Email => crate::i18n::n_("Email"),
            Backend::Dingtalk => "DingTalk",
            Backend::Wecom => "WeCom",
            Backend::Feishu => "Feishu",
            Backend::Lark => "Lark",
            Backend::Slack => "Slack",
        }
    }

    /// The admin setting holding this robot's webhook URL.
    pub fn webhook_setting(self) -> Option<&'static str> {
        match self {
            Backend::SiteMsg | Backend::Email => None,
            Backend::Dingtalk => Some("DINGTALK_WEBHOOK_URL"),
            Backend::Wecom => Some("WECOM_WEBHOOK_URL"),
            Backend::Feishu => Some("FEISHU_WEBHOOK_URL"),
            Backend::Lark => Some("LARK_WEBHOOK_URL"),
            Backend::Slack => Some("SLACK_WEBHOOK_URL"),
        }
    }
}

/// A backend the server can deliver to now (`GET /api/v1/notifications/backends/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BackendInfo {
    pub name: Backend,
    pub name_display: String,
}

/// Where one user's notifications go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Subscription {
    pub user_id: Uuid,
    pub receive_backends: Vec<Backend>,
}

impl Subscription {
    /// What a user who chose nothing receives.
    pub fn default_backends() -> Vec<Backend> {
        vec![Backend::SiteMsg, Backend::Email]
    }

    /// The chosen backends, with the inbox always in, each once, in order.
    pub fn normalized(mut backends: Vec<Backend>) -> Vec<Backend> {
        backends.push(Backend::SiteMsg);
        backends.sort();
        backends.dedup();
        backends
    }
}

/// A message in the in-site inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SiteMessage {
    pub id: Uuid,
    pub subject: String,
    pub message: String,
    pub has_read: bool,
    pub read_at: Option<Timestamp>,
    pub date_created: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_round_trip_and_the_inbox_is_always_on() {
        for b in Backend::ALL {
            assert_eq!(Backend::parse(b.as_str()), Some(b));
        }
        assert_eq!(
            Subscription::normalized(vec![Backend::Slack, Backend::Email, Backend::Slack]),
            vec![Backend::SiteMsg, Backend::Email, Backend::Slack]
        );
    }
}
