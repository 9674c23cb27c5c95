//! Personal data never leaves the collector in clear: the per-scan salt and its hashes, and
//! the unsalted content hash for what is not personal (templates, keyword replies).

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};

/// The per-scan salt: random, the same for every Region of one scan, never written out.
#[derive(Clone)]
pub struct Salt([u8; 32]);

impl std::fmt::Debug for Salt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Salt({})", self.id())
    }
}

impl Salt {
    pub fn random() -> Result<Salt> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::Usage(format!("cannot draw a random salt: {e}")))?;
        Ok(Salt(bytes))
    }

    /// A fixed salt, for tests.
    pub fn fixed(bytes: [u8; 32]) -> Salt {
        Salt(bytes)
    }

    /// Names the salt in the snapshot (`salt_id`) without revealing it.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"msgready salt id\0");
        h.update(self.0);
        hex_prefix(&h.finalize(), 16)
    }

    /// Salted hash of an already normalised value: SHA-256(salt ‖ value), hex, 16 chars.
    pub fn hash(&self, normalised: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.0);
        h.update(normalised.as_bytes());
        hex_prefix(&h.finalize(), 16)
    }

    pub fn hash_email(&self, address: &str) -> String {
        self.hash(&address.trim().to_lowercase())
    }

    pub fn hash_phone(&self, number: &str) -> String {
        self.hash(&normalise_e164(number))
    }
}

fn hex_prefix(digest: &[u8], chars: usize) -> String {
    let mut s = data_encoding::HEXLOWER.encode(digest);
    s.truncate(chars);
    s
}

/// Unsalted SHA-256 of content that is not personal data (templates, keyword replies), so
/// equal content compares equal across Regions. Parts are length-prefixed so that moving text
/// from one part to the next changes the hash.
pub fn content_hash(parts: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        match p {
            Some(s) => {
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            None => h.update(u64::MAX.to_be_bytes()),
        }
    }
    data_encoding::HEXLOWER.encode(&h.finalize())
}

/// E.164: a leading `+` and digits only (spaces, dashes, dots and brackets dropped).
pub fn normalise_e164(number: &str) -> String {
    let digits: String = number.chars().filter(|c| c.is_ascii_digit()).collect();
    format!("+{digits}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_salted_normalised_and_short() {
        let a = Salt::fixed([1; 32]);
        let b = Salt::fixed([2; 32]);
        assert_eq!(
            a.hash_email(" Bob@Example.COM"),
            a.hash_email("bob@example.com")
        );
        assert_ne!(
            a.hash_email("bob@example.com"),
            b.hash_email("bob@example.com")
        );
        assert_eq!(a.hash_email("bob@example.com").len(), 16);
        assert_eq!(
            a.hash_phone("+1 (206) 555-0100"),
            a.hash_phone("+12065550100")
        );
        assert_eq!(normalise_e164("1-206-555-0100"), "+12065550100");
        assert_ne!(a.id(), b.id());
        assert!(!format!("{a:?}").contains("1, 1"));
    }
}
