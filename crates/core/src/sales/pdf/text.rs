//! Text in the PDF's built-in Helvetica: WinAnsi encoding, advance widths and word wrapping.

/// Helvetica advance widths (1/1000 em) of WinAnsi codes 32..=255.
const REGULAR: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 222, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 333, 556, 222, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 333,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 556, 556, 556,
    556, 260, 556, 333, 737, 370, 333, 584, 584, 737, 333, 400, 584, 333, 333, 333, 578, 537, 278,
    333, 333, 365, 333, 834, 834, 834, 611, 667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667,
    667, 278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667,
    667, 611, 556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, 556,
    556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];
/// Helvetica-Bold advance widths (1/1000 em) of WinAnsi codes 32..=255.
const BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 278, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 333, 556, 278, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 333,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 556, 556, 556,
    556, 280, 556, 333, 737, 370, 333, 584, 584, 737, 333, 400, 584, 333, 333, 333, 611, 556, 278,
    333, 333, 365, 333, 834, 834, 834, 611, 722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667,
    667, 278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667,
    667, 611, 556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, 611,
    611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

/// One character as its WinAnsi byte (`?` when it has none).
fn win_ansi(ch: char) -> u8 {
    match ch {
        ' '..='~' => ch as u8,
        '\u{a0}'..='\u{ff}' => ch as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '™' => 0x99,
        'Š' => 0x8a,
        'š' => 0x9a,
        'Œ' => 0x8c,
        'œ' => 0x9c,
        'Ž' => 0x8e,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        '\t' => b' ',
        _ => b'?',
    }
}

pub(super) fn encode(text: &str) -> Vec<u8> {
    text.chars().map(win_ansi).collect()
}

/// Helvetica widths of the WinAnsi punctuation between 0x80 and 0xA0 that is not 556 wide.
fn punctuation(b: u8) -> Option<u32> {
    Some(match b {
        0x82 | 0x91 | 0x92 => 222,
        0x84 | 0x93 | 0x94 => 333,
        0x85 | 0x97 | 0x99 | 0x8C => 1000,
        0x9C => 944,
        0x95 => 350,
        0xA0 => 278,
        _ => return None,
    })
}

/// The width of `text` in points at `size`.
pub(super) fn width(text: &str, bold: bool, size: f32) -> f32 {
    let table = if bold { &BOLD } else { &REGULAR };
    let units: u32 = encode(text)
        .into_iter()
        .map(|b| match punctuation(b) {
            Some(w) => w,
            None if b >= 32 => u32::from(table[usize::from(b - 32)]),
            None => 556,
        })
        .sum();
    units as f32 * size / 1000.0
}

/// Breaks `text` into lines no wider than `max` points.
pub(super) fn wrap(text: &str, bold: bool, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for long in paragraph.split_whitespace() {
            // A word wider than the column (a URL, an IBAN without spaces) is cut to fit.
            let mut pieces = Vec::new();
            let mut piece = String::new();
            for ch in long.chars() {
                piece.push(ch);
                if width(&piece, bold, size) > max && piece.chars().count() > 1 {
                    piece.pop();
                    pieces.push(std::mem::take(&mut piece));
                    piece.push(ch);
                }
            }
            let last = piece;
            for p in pieces {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                lines.push(p);
            }
            let word = last.as_str();
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, bold, size) <= max || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_owned();
            }
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}
