//! The OS keychain behind keyring-core: Keychain Services on macOS, the Credential Manager on
//! Windows, the Secret Service elsewhere. A store is made per use, so a keychain the user
//! starts or unlocks after an error works on the next try.

use std::sync::Arc;

use keyring_core::{CredentialStore, Result};

#[cfg(target_os = "macos")]
pub fn store() -> Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
pub fn store() -> Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(all(unix, not(target_os = "macos")))]
pub fn store() -> Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

/// What to do when the keychain is missing, in this platform's words.
#[cfg(target_os = "macos")]
pub const SETUP_HINT: &str =
    "Open Keychain Access, make sure the login keychain is unlocked, and try again.";

#[cfg(target_os = "windows")]
pub const SETUP_HINT: &str =
    "Make sure the Windows Credential Manager service is running, and try again.";

#[cfg(all(unix, not(target_os = "macos")))]
pub const SETUP_HINT: &str = "Codex Desk keeps sign-in tokens in the system keychain (the Secret Service). Start or install one — GNOME Keyring (`gnome-keyring`) or KWallet — make sure it is unlocked, and try again.";
