//! The author's look (`[theme]` in `site.toml`): colour checks for the accent.
//!
//! WCAG 2.x contrast from sRGB relative luminance, a few lines not worth a crate.

/// A colour as red, green and blue, each 0–255.
pub type Rgb = [u8; 3];

/// Reads `#rgb` or `#rrggbb`.
pub fn parse_hex(text: &str) -> Option<Rgb> {
    let hex = text.trim().strip_prefix('#')?;
    let digit = |c: char| c.to_digit(16).map(|d| d as u8);
    let digits: Option<Vec<u8>> = hex.chars().map(digit).collect();
    match digits?.as_slice() {
        [r, g, b] => Some([r * 17, g * 17, b * 17]),
        [r1, r2, g1, g2, b1, b2] => Some([r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2]),
        _ => None,
    }
}

/// Writes `#rrggbb`.
pub fn to_hex(rgb: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

/// Relative luminance (WCAG 2.x) of an sRGB colour.
pub fn luminance(rgb: Rgb) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

/// Contrast ratio of two colours, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The accent mixed toward white in steps of 5 % until it reaches `needed` against `background`.
pub fn lighten_until(accent: Rgb, background: Rgb, needed: f64) -> Rgb {
    let mix = |c: u8, t: f64| (f64::from(c) + (255.0 - f64::from(c)) * t).round() as u8;
    (0..=20)
        .map(|step| {
            let t = f64::from(step) / 20.0;
            [mix(accent[0], t), mix(accent[1], t), mix(accent[2], t)]
        })
        .find(|shade| contrast(*shade, background) >= needed)
        .unwrap_or([255, 255, 255])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_short_and_long_hex() {
        assert_eq!(parse_hex("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_hex("#24594b"), Some([0x24, 0x59, 0x4b]));
        assert_eq!(parse_hex("24594b"), None);
        assert_eq!(parse_hex("#12345"), None);
        assert_eq!(to_hex([0x24, 0x59, 0x4b]), "#24594b");
    }

    #[test]
    fn contrast_matches_wcag() {
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
        assert!(contrast([0xdd, 0xdd, 0xdd], [255, 255, 255]) < 4.5);
    }

    #[test]
    fn lightening_reaches_aa_on_dark() {
        let dark = [0x12, 0x12, 0x12];
        let shade = lighten_until([0x24, 0x59, 0x4b], dark, 4.5);
        assert!(contrast(shade, dark) >= 4.5);
    }
}
