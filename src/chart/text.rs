//! Text width and wrapping (ngắt dòng): labels are wrapped at spaces to fit their box, never cut.
//!
//! Widths come from a table of DejaVu Sans advance widths (the font the charts name first and the
//! render test lays them out with), in thousandths of the font size. Letters with Vietnamese
//! diacritics take the width of their base letter (ư, ơ, ă … have the same advance as u, o, a in
//! DejaVu Sans), except the wider capitals Ư and Ơ. Characters outside the table count as one em,
//! so an estimate errs on the wide side.

use unicode_normalization::char::decompose_canonical;

/// Advance widths of U+0020..U+007E in DejaVu Sans, per 1000 units of font size.
const REGULAR: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];

/// The same for DejaVu Sans Bold.
const BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
    683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
    724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
    343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

/// Weight of a text run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// Regular.
    Regular,
    /// Bold (titles).
    Bold,
}

fn char_width(c: char, weight: Weight) -> u16 {
    let table = match weight {
        Weight::Regular => &REGULAR,
        Weight::Bold => &BOLD,
    };
    let lookup = |c: char| {
        let code = c as u32;
        (0x20..0x7f)
            .contains(&code)
            .then(|| table[(code - 0x20) as usize])
    };
    if let Some(w) = lookup(c) {
        return w;
    }
    match c {
        'Ư' | 'Ơ' => return 913,
        'đ' => return lookup('d').unwrap_or(1000),
        'Đ' => return 838,
        '–' | '·' => return 500,
        '\u{a0}' => return lookup(' ').unwrap_or(1000),
        _ => {}
    }
    let mut base = None;
    decompose_canonical(c, |d| {
        if base.is_none() {
            base = Some(d);
        }
    });
    match base {
        Some(b) if b != c => lookup(b).unwrap_or(1000),
        _ => 1000,
    }
}

/// Estimated width of `text` at `size` px.
pub fn width(text: &str, size: f64, weight: Weight) -> f64 {
    let units: u32 = text.chars().map(|c| u32::from(char_width(c, weight))).sum();
    f64::from(units) * size / 1000.0
}

/// Splits `text` into lines no wider than `max_width` at `size` px: breaks at spaces, and breaks
/// a single word that is wider than the line between characters (nothing is ever dropped).
pub fn wrap(text: &str, size: f64, weight: Weight, max_width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, size, weight) <= max_width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone: split it if it is still too wide.
        for c in word.chars() {
            let mut longer = line.clone();
            longer.push(c);
            if !line.is_empty() && width(&longer, size, weight) > max_width {
                lines.push(std::mem::take(&mut line));
                line.push(c);
            } else {
                line = longer;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_letters_take_their_base_width() {
        // "ệ" is e + dot below + circumflex: the advance of "e" (615).
        assert_eq!(width("ệ", 1000.0, Weight::Regular), 615.0);
        assert_eq!(width("xã", 1000.0, Weight::Regular), 592.0 + 613.0);
        assert_eq!(width("→", 10.0, Weight::Regular), 10.0);
    }

    #[test]
    fn wraps_at_spaces_and_never_drops_text() {
        let text = "Số xã đạt chuẩn (communes at standard) supercalifragilisticexpialidocious";
        let lines = wrap(text, 12.0, Weight::Regular, 100.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(width(line, 12.0, Weight::Regular) <= 100.0, "{line}");
        }
        let joined: String = lines.concat();
        let original: String = text.split_whitespace().collect();
        assert_eq!(joined.replace(' ', ""), original);
    }
}
