//! The OS keychain: a check that it can store a secret before a sign-in depends on it, and the
//! name of the item codex keeps an account's tokens in. Codex itself writes and reads the
//! tokens (`cli_auth_credentials_store = "keyring"`); the app never holds them on disk.
//!
//! These calls block (D-Bus, Keychain Services): run them off the async workers.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::platform;

/// Where codex keeps the credentials of a codex home, as codex names it.
pub const CODEX_SERVICE: &str = "Codex Auth";

/// The item the check writes and removes (one of its own per check, so checks may overlap).
const CHECK_SERVICE: &str = "Codex Desk";

/// Why the keychain cannot be used, with what to do.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KeychainError {
    #[error("The system keychain is not available: {reason}. {hint}")]
    Unavailable { reason: String, hint: &'static str },
    #[error("The system keychain is locked or Codex Desk was not allowed to use it ({reason}). Unlock it (your login password usually does) and try again.")]
    Locked { reason: String },
    #[error("The system keychain failed: {reason}. Try again; if it keeps failing, restart your keychain (or log out and in).")]
    Failed { reason: String },
}

impl From<keyring_core::Error> for KeychainError {
    fn from(e: keyring_core::Error) -> Self {
        use keyring_core::Error as E;
        let reason = e.to_string();
        match e {
            E::NoStorageAccess(_) => KeychainError::Locked { reason },
            E::NoDefaultStore => KeychainError::Unavailable {
                reason,
                hint: platform::SETUP_HINT,
            },
            E::PlatformFailure(_) if looks_absent(&reason) => KeychainError::Unavailable {
                reason: plain_absence(&reason),
                hint: platform::SETUP_HINT,
            },
            _ => KeychainError::Failed { reason },
        }
    }
}

/// D-Bus errors that mean there is no bus, or no Secret Service on it.
fn looks_absent(reason: &str) -> bool {
    [
        "ServiceUnknown",
        "org.freedesktop.secrets",
        "DBUS_SESSION_BUS_ADDRESS",
        "No such file or directory",
        "Connection refused",
        "Address",
        "address",
    ]
    .iter()
    .any(|needle| reason.contains(needle))
}

fn plain_absence(reason: &str) -> String {
    if reason.contains("ServiceUnknown") || reason.contains("org.freedesktop.secrets") {
        "no Secret Service is running on the desktop session bus".into()
    } else {
        format!("the desktop session bus cannot be reached ({reason})")
    }
}

/// Proves the keychain can store, return and delete a secret now.
pub fn check() -> Result<(), KeychainError> {
    let store = platform::store()?;
    let user = format!("keychain-check-{}", uuid::Uuid::new_v4());
    let entry = store.build(CHECK_SERVICE, &user, None)?;
    entry.set_password("ok")?;
    let read = entry.get_password()?;
    let _ = entry.delete_credential();
    if read != "ok" {
        return Err(KeychainError::Failed {
            reason: "a value written to it read back different".into(),
        });
    }
    Ok(())
}

/// The keychain account codex files a codex home's credentials under:
/// `cli|` + the first 16 hex digits of SHA-256 of its canonical path.
pub fn codex_account(codex_home: &Path) -> String {
    let path = std::fs::canonicalize(codex_home).unwrap_or_else(|_| codex_home.to_path_buf());
    let digest = Sha256::digest(path.to_string_lossy().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("cli|{}", &hex[..16])
}

/// Whether codex has credentials stored for `codex_home`.
pub fn has_codex_credentials(codex_home: &Path) -> Result<bool, KeychainError> {
    let store = platform::store()?;
    let entry = store.build(CODEX_SERVICE, &codex_account(codex_home), None)?;
    match entry.get_password() {
        Ok(_) => Ok(true),
        Err(keyring_core::Error::NoEntry) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Removes codex's credentials for `codex_home` if they are still there (after a sign-out
/// codex could not finish itself). Returns whether something was removed.
pub fn delete_codex_credentials(codex_home: &Path) -> Result<bool, KeychainError> {
    let store = platform::store()?;
    let entry = store.build(CODEX_SERVICE, &codex_account(codex_home), None)?;
    match entry.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring_core::Error::NoEntry) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Where the values of sessions' environment variables are kept.
const SESSION_ENV_SERVICE: &str = "Codex Desk session environment";

fn session_env_entry(session: &str, name: &str) -> Result<keyring_core::Entry, KeychainError> {
    let store = platform::store()?;
    Ok(store.build(SESSION_ENV_SERVICE, &format!("{session}:{name}"), None)?)
}

/// Keeps (or, with `None`, removes) the value of environment variable `name` of a session.
pub fn set_session_env(
    session: &str,
    name: &str,
    value: Option<&str>,
) -> Result<(), KeychainError> {
    let entry = session_env_entry(session, name)?;
    match value {
        Some(value) => Ok(entry.set_password(value)?),
        None => match entry.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.into()),
        },
    }
}

/// The value of environment variable `name` of a session, if one is kept.
pub fn session_env(session: &str, name: &str) -> Result<Option<String>, KeychainError> {
    match session_env_entry(session, name)?.get_password() {
        Ok(value) => Ok(Some(value)),
        Err(keyring_core::Error::NoEntry) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codex_account_names_follow_codex() {
        // Codex hashes the canonical path of CODEX_HOME.
        let dir = tempfile::tempdir().expect("tempdir");
        let name = codex_account(dir.path());
        assert!(name.starts_with("cli|"));
        assert_eq!(name.len(), 4 + 16);
        let via_dots = dir.path().join(".").join("x").join("..");
        std::fs::create_dir_all(dir.path().join("x")).expect("mkdir");
        assert_eq!(codex_account(&via_dots), name);
    }

    #[test]
    fn errors_say_what_to_do() {
        let absent: KeychainError = keyring_core::Error::PlatformFailure(Box::new(
            std::io::Error::other("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided"),
        ))
        .into();
        let text = absent.to_string();
        assert!(text.contains("no Secret Service"), "{text}");
        assert!(text.contains("try again"), "{text}");
        let locked: KeychainError =
            keyring_core::Error::NoStorageAccess(Box::new(std::io::Error::other("locked"))).into();
        assert!(locked.to_string().contains("Unlock"), "{locked}");
    }
}
