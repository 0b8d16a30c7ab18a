//! FNV-1a (64 bits): short, stable fingerprints of output files for the
//! `?v=` cache-busting query of asset and search-file URLs. Not for
//! security; for that the bytes would need a cryptographic hash.

/// A 64-bit SipHash of any hashable value, with fixed keys so it is the
/// same in every process: what `remedy serve` compares between builds to
/// tell what changed (page keys, bodies, generated files). Two different
/// values collide once in 2^64.
pub fn hash64(value: impl std::hash::Hash) -> u64 {
    use std::hash::Hasher as _;
    let mut h = std::hash::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// A running FNV-1a hash over any number of byte slices.
#[derive(Clone, Copy, Debug)]
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    /// Adds `bytes` to the hash.
    pub fn update(mut self, bytes: &[u8]) -> Self {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    /// The whole hash.
    pub fn get(self) -> u64 {
        self.0
    }

    /// The low 32 bits as 8 hex digits, the form URLs carry.
    pub fn short(self) -> String {
        format!("{:08x}", self.0 as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(Fnv64::default().0, 0xcbf2_9ce4_8422_2325);
        assert_eq!(Fnv64::default().update(b"a").0, 0xaf63_dc4c_8601_ec8c);
        assert_eq!(
            Fnv64::default().update(b"foo").update(b"bar").short(),
            Fnv64::default().update(b"foobar").short()
        );
    }
}
