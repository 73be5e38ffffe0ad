//! Text said in two languages (song ngữ): Vietnamese, which people read first, and English
//! beside it. Results that explain themselves line by line (the audit's arithmetic, the
//! counting test's steps) build each line once as a [`Bilingual`] and hand out both languages.

use serde::Serialize;

/// One sentence or label in Vietnamese and in English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    /// Vietnamese (tiếng Việt).
    pub vi: String,
    /// English.
    pub en: String,
}

impl Bilingual {
    /// A text from its Vietnamese and its English.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Bilingual {
        Bilingual {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The same text in both languages (numbers, symbols, ids).
    pub fn same(text: impl Into<String>) -> Bilingual {
        let text = text.into();
        Bilingual {
            vi: text.clone(),
            en: text,
        }
    }
}

/// The Vietnamese of every line.
pub fn vi(lines: &[Bilingual]) -> Vec<String> {
    lines.iter().map(|l| l.vi.clone()).collect()
}

/// The English of every line.
pub fn en(lines: &[Bilingual]) -> Vec<String> {
    lines.iter().map(|l| l.en.clone()).collect()
}
