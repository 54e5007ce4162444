//! What `bastion-profile authorized-keys <user> [fingerprint]` prints for
//! OpenSSH's `AuthorizedKeysCommand`: the active keys of a usable account.

use super::store;
use crate::core::Core;
use crate::users::store as users;
use app::common::validate::Username;
use app::common::AppError;

/// `authorized_keys` lines (key only, no options, no comment). With a
/// fingerprint (`%f`: `SHA256:...`) only the matching key, and its last
/// use is recorded. Unknown, disabled and expired accounts get none.
pub async fn lines(
    core: &Core,
    username: &str,
    fingerprint: Option<&str>,
) -> Result<Vec<String>, AppError> {
    let Ok(name) = Username::parse(username) else {
        return Ok(Vec::new());
    };
    let now = core.now();
    let Some(user) = users::find_by_username(&core.db, name.as_str()).await? else {
        return Ok(Vec::new());
    };
    if !user.usable_at(now) {
        return Ok(Vec::new());
    }
    let fingerprint = fingerprint.map(str::trim).filter(|f| !f.is_empty());
    let keys = store::active(&core.db, user.id, fingerprint).await?;
    if fingerprint.is_some() {
        for key in &keys {
            store::touch(&core.db, key.id, now).await?;
        }
    }
    Ok(keys.into_iter().map(|k| k.public_key).collect())
}
