use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Role {
    Admin,
    #[default]
    User,
    /// A service account of a component (terminal, RDP gateway, database
    /// proxy): it calls the API with an access key and never signs in.
    Component,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
            Role::Component => "component",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "user" => Some(Role::User),
            "component" => Some(Role::Component),
            _ => None,
        }
    }

    /// The role's name in English; show it with `crate::i18n::t`.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => crate::i18n::n_("Administrator"),
            Role::User => crate::i18n::n_("User"),
            Role::Component => crate::i18n::n_("Component (service account)"),
        }
    }
}

/// The signed-in person, as the page shell needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: Uuid,
    pub username: String,
    pub name: String,
    pub role: Role,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Where the sign-in page sends the person afterwards: only a local path, so
/// the page cannot be used to bounce people to another site.
pub fn safe_next_path(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_owned(),
        _ => "/profile".to_owned(),
    }
}

#[cfg(feature = "ssr")]
pub use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::CurrentUser;
    use uuid::Uuid;

    /// How far a sign-in has got.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum SessionStage {
        /// Signed in with every factor required.
        Full,
        /// The password was right; a second factor is pending.
        Mfa,
        /// MFA is required but none is bound: binding one is all it may do.
        MfaSetup,
        /// Every factor was right but the password has expired: changing it
        /// is all it may do.
        PasswordExpired,
    }

    impl SessionStage {
        pub fn as_str(self) -> &'static str {
            match self {
                SessionStage::Full => "full",
                SessionStage::Mfa => "mfa",
                SessionStage::MfaSetup => "mfa_setup",
                SessionStage::PasswordExpired => "password_expired",
            }
        }

        pub fn parse(s: &str) -> Self {
            match s {
                "full" => SessionStage::Full,
                "mfa_setup" => SessionStage::MfaSetup,
                "password_expired" => SessionStage::PasswordExpired,
                // Anything unknown is treated as the most restricted useful state.
                _ => SessionStage::Mfa,
            }
        }
    }

    /// Put into the request's extensions by the server when a valid session
    /// cookie came with the request.
    #[derive(Debug, Clone)]
    pub struct SessionCtx {
        pub session_id: Uuid,
        pub user: CurrentUser,
        pub stage: SessionStage,
        /// Re-authenticated until this time (ms since the epoch), and how.
        pub confirmed_until: i64,
        pub confirmed_with: String,
    }

    impl SessionCtx {
        pub fn is_full(&self) -> bool {
            self.stage == SessionStage::Full
        }
    }

    /// Facts about the client, put into the request's extensions by the server.
    #[derive(Debug, Clone, Default)]
    pub struct ClientInfo {
        pub ip: Option<String>,
        pub user_agent: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_path_stays_on_this_site() {
        assert_eq!(safe_next_path(Some("/admin/users?page=2")), "/admin/users?page=2");
        assert_eq!(safe_next_path(Some("//evil.example/")), "/profile");
        assert_eq!(safe_next_path(Some("https://evil.example/")), "/profile");
        assert_eq!(safe_next_path(Some("/\\evil.example")), "/profile");
        assert_eq!(safe_next_path(None), "/profile");
    }
}
