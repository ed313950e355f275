//! The repair vocabulary: what a [`Repairer`] step is, and the record of what it changed
//! ([`Repair`], [`RepairKind`], [`Repaired`]). Every repairer imports this; the default
//! pipeline that composes them lives above them, in `pipeline`.

use serde::{Deserialize, Serialize};

/// The kinds of damage vnnews repairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RepairKind {
    /// Invalid bytes in a UTF-8 page, read as windows-1252 instead of dropped.
    InvalidUtf8,
    /// Decomposed text (NFD, or windows-1258 combining tone marks) composed to NFC.
    Nfc,
    /// UTF-8 that was decoded through a single-byte code page (`Viá»‡t`).
    DoubleEncoded,
    /// Letters that became `?` or `�` in a code page that could not hold them.
    LostLetters,
    /// TCVN3 (`.VnTime`) font text shown as windows-1252.
    Tcvn3,
    /// VNI-Windows font text shown as windows-1252.
    Vni,
    /// VISCII text shown as windows-1252.
    Viscii,
}

/// One change made to a text: what it was, what it became, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repair {
    pub kind: RepairKind,
    /// Byte offset of `before` in the text as it was given to the step that repaired it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    pub before: String,
    pub after: String,
    /// Why, in words (most notes are fixed phrases, so no copy is made of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<std::borrow::Cow<'static, str>>,
}

/// A repaired text with the record of its repairs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Repaired {
    pub text: String,
    pub repairs: Vec<Repair>,
}

/// One repair step. A step returns `None` when it had nothing to change, so clean text is
/// passed through without copying.
pub trait Repairer: Sync {
    fn repair(&self, text: &str, log: &mut Vec<Repair>) -> Option<String>;
}
