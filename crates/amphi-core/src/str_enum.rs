//! Enums of names stored in the database, submitted in forms and shown to templates: the
//! `str_enum!` macro that declares them and the [`StoredName`] trait that storage uses to read
//! them back.
//!
//! Each variant has one name, used everywhere: the stored column value, the form value, the
//! serde name (so templates and the API see the same strings) and `Display`.

use std::fmt;

/// An enum whose every value has a stable name. Implemented by `str_enum!`.
pub trait StoredName: Copy + fmt::Debug + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];

    /// The stored name of this value.
    fn name(self) -> &'static str;

    /// The value a stored name stands for, exactly as written (no trimming), or `None` for a
    /// name this build does not know (a row written by a newer version, a hand edit).
    fn from_stored(raw: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == raw)
    }
}

/// A name that is not one of the enum's names (from [`std::str::FromStr`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// The enum's type name.
    pub of: &'static str,
    /// The name that was given.
    pub name: String,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} name {:?}", self.of, self.name)
    }
}

impl std::error::Error for UnknownName {}

/// Declares an enum of named values: `as_str`, `ALL`, `parse` (a submitted value, a field
/// error when unknown), [`StoredName`], `Display`, `FromStr` and serde under the same names.
macro_rules! str_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vdoc])* #[serde(rename = $s)] $v),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            /// Stored and submitted name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }

            /// Parses a stored or submitted name (surrounding spaces ignored); an unknown name
            /// is a field error on `field`.
            pub fn parse(field: &str, raw: &str) -> $crate::error::Result<Self> {
                match raw.trim() {
                    $($s => Ok($name::$v),)+
                    _ => Err($crate::error::Error::field(field, $crate::codes::CHOICE_INVALID)),
                }
            }
        }

        impl $crate::str_enum::StoredName for $name {
            const ALL: &'static [$name] = $name::ALL;

            fn name(self) -> &'static str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::str_enum::UnknownName;

            fn from_str(raw: &str) -> std::result::Result<Self, Self::Err> {
                <$name as $crate::str_enum::StoredName>::from_stored(raw).ok_or_else(|| {
                    $crate::str_enum::UnknownName { of: stringify!($name), name: raw.to_owned() }
                })
            }
        }
    };
}

pub(crate) use str_enum;

#[cfg(test)]
pub(crate) mod tests {
    use super::StoredName;
    use std::collections::HashSet;

    /// Every value's name parses back to it (stored, submitted with spaces, `FromStr`, serde),
    /// names are distinct, fit a column of `max_len` characters, and unknown names are refused.
    pub(crate) fn round_trips<T>(max_len: usize)
    where
        T: StoredName
            + PartialEq
            + std::str::FromStr
            + std::fmt::Display
            + serde::Serialize
            + serde::de::DeserializeOwned,
        <T as std::str::FromStr>::Err: std::fmt::Debug,
    {
        assert!(!T::ALL.is_empty());
        let mut seen = HashSet::new();
        for &v in T::ALL {
            let name = v.name();
            assert!(seen.insert(name), "{name} twice");
            assert!(!name.is_empty() && name.len() <= max_len, "{name} too long");
            assert_eq!(T::from_stored(name), Some(v));
            assert_eq!(name.parse::<T>().unwrap(), v);
            assert_eq!(v.to_string(), name);
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v);
            assert_eq!(
                T::from_stored(&format!(" {name}")),
                None,
                "stored names are exact"
            );
        }
        assert_eq!(T::from_stored("no_such_name"), None);
        assert!("no_such_name".parse::<T>().is_err());
        assert!(serde_json::from_str::<T>("\"no_such_name\"").is_err());
    }
}
