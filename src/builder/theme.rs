//! The author's look: `[theme]` in `site.toml`.
//!
//! - `accent`: the colour of links and buttons. It must reach WCAG AA (4.5:1) against the light
//!   theme's background and under the buttons' white text, or the build refuses it and gives the
//!   ratio and a darker shade that passes. The dark theme's accent is `accent_dark`, checked the
//!   same way, or derived from `accent` (lightened until it passes), with a warning that says so.
//! - `logo`: an image or SVG of the content folder, processed like every other (no metadata, no
//!   scripts), shown in the header before the title, or instead of it (`show_title = false`,
//!   where the title stays the link's name for screen readers and in forced colours).
//! - `favicon`: made into the tab's icon and the web manifest's install icons (192 and 512 px,
//!   and a maskable 512).
//! - `css`: the author's stylesheet, after the site's own; the files its `url()`s name are
//!   published beside it, and it may load nothing from another site.
//! - `font`: a font file of the content folder, for the whole site, with `font-display: swap`.
//!
//! Everything but the icons goes into one stylesheet, `theme/theme.<hash>.css`, that every page
//! links after the site's own; the app's code is the same with or without a theme. WCAG 2.x
//! contrast is a few lines of sRGB arithmetic, not worth a crate.

use super::error::Problem;
use super::images::{self, Format, ImageOptions};
use crate::model::{Icon, Theme};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The folder of the data folder that holds the theme's files.
pub const THEME_DIR: &str = "theme";
/// The background of the light theme (`--bg` in `style/main.css`).
pub const LIGHT_BACKGROUND: Rgb = [0xfb, 0xfa, 0xf7];
/// The background of the dark theme.
pub const DARK_BACKGROUND: Rgb = [0x15, 0x19, 0x17];
/// The text on the accent's buttons in the light theme (`--accent-fg`).
const LIGHT_ON_ACCENT: Rgb = [0xff, 0xff, 0xff];
/// The text on the accent's buttons in the dark theme.
const DARK_ON_ACCENT: Rgb = [0x0f, 0x14, 0x12];
/// WCAG AA for text.
pub const AA: f64 = 4.5;
/// The logo's height in the header, in rem.
const LOGO_HEIGHT: f64 = 2.0;
/// The widest a logo may be in the header, in rem.
const LOGO_MAX_WIDTH: f64 = 12.0;
/// A font file larger than this, in bytes, is published with a warning of what it costs.
const FONT_WARNING: usize = 100 * 1024;
/// The font family the theme's font is known by.
const FONT_FAMILY: &str = "Fieldnotes theme";

/// `[theme]` in `site.toml`: paths are relative to the content folder.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeSettings {
    /// `#rrggbb` or `#rgb`: links and buttons in the light theme.
    #[serde(default)]
    pub accent: Option<String>,
    /// The dark theme's accent; derived from `accent` when not given.
    #[serde(default)]
    pub accent_dark: Option<String>,
    /// An image or SVG shown in the header.
    #[serde(default)]
    pub logo: Option<String>,
    /// Whether the header shows the title beside the logo (the default) or the logo alone.
    #[serde(default)]
    pub show_title: Option<bool>,
    /// A square image or SVG: the tab's icon and the installed site's.
    #[serde(default)]
    pub favicon: Option<String>,
    /// A stylesheet added after the site's own.
    #[serde(default)]
    pub css: Option<String>,
    /// A font file (WOFF2, WOFF, TTF or OTF) for the whole site.
    #[serde(default)]
    pub font: Option<String>,
}

/// The accent of each theme, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accent {
    pub light: Rgb,
    pub dark: Rgb,
}

/// Why an accent is refused: the setting, and what to tell the author.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub key: &'static str,
    pub message: String,
    pub hint: String,
}

/// Checks `accent` and `accent_dark`. Returns the accents and, when the dark one was derived, a
/// sentence that says so.
pub fn accent(settings: &ThemeSettings) -> Result<Option<(Accent, Option<String>)>, Refusal> {
    let Some(text) = &settings.accent else {
        if settings.accent_dark.is_some() {
            return Err(Refusal {
                key: "accent_dark",
                message: "accent_dark is set without accent".into(),
                hint: "set accent (the light theme's) too".into(),
            });
        }
        return Ok(None);
    };
    let light = colour("accent", text)?;
    check(
        "accent",
        light,
        ("light", LIGHT_BACKGROUND, LIGHT_ON_ACCENT),
        [0, 0, 0],
    )?;
    if let Some(text) = &settings.accent_dark {
        let dark = colour("accent_dark", text)?;
        check(
            "accent_dark",
            dark,
            ("dark", DARK_BACKGROUND, DARK_ON_ACCENT),
            [255, 255, 255],
        )?;
        return Ok(Some((Accent { light, dark }, None)));
    }
    let dark = mix_until(light, [255, 255, 255], |c| {
        passes(c, DARK_BACKGROUND, DARK_ON_ACCENT)
    });
    let note = format!(
        "[theme] accent {} is too dark for the dark theme ({:.1}:1 on its background), so the dark theme uses {} ({:.1}:1); set accent_dark to choose another",
        to_hex(light),
        contrast(light, DARK_BACKGROUND),
        to_hex(dark),
        contrast(dark, DARK_BACKGROUND)
    );
    let derived = (dark != light).then_some(note);
    Ok(Some((Accent { light, dark }, derived)))
}

fn colour(key: &'static str, text: &str) -> Result<Rgb, Refusal> {
    parse_hex(text).ok_or_else(|| Refusal {
        key,
        message: format!("{key} {text:?} is not a colour"),
        hint: "write it as #rrggbb or #rgb, e.g. accent = \"#8a3b12\"".into(),
    })
}

/// Whether `accent` reaches AA on `background` and under `on_accent`.
fn passes(accent: Rgb, background: Rgb, on_accent: Rgb) -> bool {
    contrast(accent, background) >= AA && contrast(accent, on_accent) >= AA
}

/// Refuses `accent` when it fails AA in the theme `(name, background, on_accent)`, with the ratio
/// it got and a shade toward `fix` that passes.
fn check(
    key: &'static str,
    accent: Rgb,
    (name, background, on_accent): (&str, Rgb, Rgb),
    fix: Rgb,
) -> Result<(), Refusal> {
    if passes(accent, background, on_accent) {
        return Ok(());
    }
    let (ratio, against) = if contrast(accent, background) < AA {
        (
            contrast(accent, background),
            format!("the {name} theme's background {}", to_hex(background)),
        )
    } else {
        (
            contrast(accent, on_accent),
            format!("the {name} theme's button text {}", to_hex(on_accent)),
        )
    };
    let shade = mix_until(accent, fix, |c| passes(c, background, on_accent));
    Err(Refusal {
        key,
        message: format!(
            "{key} {} has a contrast of {ratio:.2}:1 with {against}; WCAG AA needs {AA}:1 for text",
            to_hex(accent)
        ),
        hint: format!(
            "a shade that passes: {key} = \"{}\" ({:.1}:1)",
            to_hex(shade),
            contrast(shade, background).min(contrast(shade, on_accent))
        ),
    })
}

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

/// `colour` mixed toward `toward` in steps of 2 % until `good` holds (at worst, `toward` itself).
pub fn mix_until(colour: Rgb, toward: Rgb, good: impl Fn(Rgb) -> bool) -> Rgb {
    let mix =
        |c: u8, t: u8, k: f64| (f64::from(c) + (f64::from(t) - f64::from(c)) * k).round() as u8;
    (0..=50)
        .map(|step| {
            let k = f64::from(step) / 50.0;
            [0, 1, 2].map(|i| mix(colour[i], toward[i], k))
        })
        .find(|shade| good(*shade))
        .unwrap_or(toward)
}

/// The theme, made: what the manifest names, and the files to publish (by path under the data
/// folder).
#[derive(Debug, Default)]
pub struct Built {
    pub theme: Theme,
    pub files: BTreeMap<String, Vec<u8>>,
    pub warnings: Vec<Problem>,
    /// The files of the content folder the theme is made from (relative paths, with `/`): not
    /// files no post uses.
    pub sources: std::collections::BTreeSet<String>,
}

/// Makes the theme's files from `settings` (paths relative to `content`) and the checked
/// `accent`; `config` is `site.toml`'s path, for problems with a setting. None when nothing is
/// set.
pub fn load(
    content: &Path,
    config: &Path,
    settings: &ThemeSettings,
    accent: Option<Accent>,
) -> Result<Option<Built>, Vec<Problem>> {
    let mut built = Built::default();
    let mut problems = Vec::new();
    let mut css = String::new();
    if let Some(accent) = accent {
        css.push_str(&format!(
            ":root {{ --accent: light-dark({}, {}); }}\n",
            to_hex(accent.light),
            to_hex(accent.dark)
        ));
        built.theme.color = Some(to_hex(accent.light));
    }
    let mut step = |key: &str, result: Result<String, String>| match result {
        Ok(rules) => css.push_str(&rules),
        Err(message) => problems.push(Problem::new(
            config,
            format!("[theme] {key}: {message}"),
            hint(key),
        )),
    };
    if let Some(logo) = &settings.logo {
        let show_title = settings.show_title.unwrap_or(true);
        step("logo", logo_rules(content, logo, show_title, &mut built));
    }
    if let Some(font) = &settings.font {
        step("font", font_rules(content, font, &mut built));
    }
    if let Some(file) = &settings.css {
        step("css", author_rules(content, file, &mut built));
    }
    if let Some(favicon) = &settings.favicon {
        step(
            "favicon",
            icons(content, favicon, &mut built).map(|()| String::new()),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if !css.is_empty() {
        let css = format!("/* The author's look: [theme] in site.toml. */\n{css}");
        built.theme.css = Some(publish(&mut built.files, "theme", "css", css.into_bytes()));
    }
    Ok((built.theme != Theme::default()).then_some(built))
}

fn hint(key: &str) -> &'static str {
    match key {
        "logo" => "a JPEG, PNG, WebP, GIF or SVG file of the content folder, e.g. logo = \"theme/logo.svg\"",
        "font" => "a WOFF2, WOFF, TTF or OTF file of the content folder, e.g. font = \"theme/body.woff2\"",
        "css" => "a stylesheet of the content folder, e.g. css = \"theme/extra.css\"",
        _ => "a square PNG or SVG of at least 512 px, e.g. favicon = \"theme/icon.svg\"",
    }
}

/// Adds `bytes` to `files` as `theme/<stem>.<hash>.<extension>`; returns that path.
fn publish(
    files: &mut BTreeMap<String, Vec<u8>>,
    stem: &str,
    extension: &str,
    bytes: Vec<u8>,
) -> String {
    let path = format!(
        "{THEME_DIR}/{}.{}.{extension}",
        super::assets::url_safe(stem),
        super::content_hash(&bytes)
    );
    files.insert(path.clone(), bytes);
    path
}

/// Reads `relative` below `content`, refusing a path that leaves it.
fn read(content: &Path, relative: &str, built: &mut Built) -> Result<(PathBuf, Vec<u8>), String> {
    let relative = Path::new(relative.trim());
    if relative.is_absolute()
        || relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "{} is not a path inside the content folder",
            relative.display()
        ));
    }
    // As the assets are keyed: relative, with `/`, no `./`.
    let parts: Vec<_> = relative
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect();
    let path = parts
        .iter()
        .fold(content.to_path_buf(), |path, part| path.join(part));
    let bytes =
        std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", relative.display()))?;
    let key: Vec<_> = parts
        .iter()
        .map(|p| p.as_os_str().to_string_lossy())
        .collect();
    built.sources.insert(key.join("/"));
    Ok((path, bytes))
}

fn stem_and_extension(path: &Path) -> (String, String) {
    let part = |p: Option<&std::ffi::OsStr>| {
        p.map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    (
        part(path.file_stem()),
        part(path.extension()).to_ascii_lowercase(),
    )
}

/// An image made fit to publish, as one file: an SVG sanitised, a GIF as it is, anything else
/// re-encoded (no metadata) at most `width` pixels wide, in PNG or JPEG. Returns its path and
/// size.
fn one_image(
    path: &Path,
    bytes: &[u8],
    width: u32,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(String, u32, u32), String> {
    let (stem, extension) = stem_and_extension(path);
    let opts = ImageOptions {
        widths: vec![width],
        preview: false,
        ..ImageOptions::default()
    };
    let processed = images::process(bytes, &extension, &opts)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let variant = processed
        .variants
        .iter()
        .find(|v| !matches!(v.format, Format::Webp))
        .ok_or_else(|| format!("{}: no copy could be made", path.display()))?;
    let src = publish(
        files,
        &stem,
        variant.format.extension(),
        variant.bytes.clone(),
    );
    Ok((src, processed.width, processed.height))
}

/// The logo, drawn by the header's title link: before the title, or alone.
fn logo_rules(
    content: &Path,
    logo: &str,
    show_title: bool,
    built: &mut Built,
) -> Result<String, String> {
    let (path, bytes) = read(content, logo, built)?;
    let (src, width, height) = one_image(&path, &bytes, 480, &mut built.files)?;
    if width == 0 || height == 0 {
        return Err(format!(
            "{logo} has no size: give its <svg> a viewBox or width and height"
        ));
    }
    built.theme.uses.push(src.clone());
    let file = src.trim_start_matches(&format!("{THEME_DIR}/")).to_string();
    let logo_width = (LOGO_HEIGHT * f64::from(width) / f64::from(height)).min(LOGO_MAX_WIDTH);
    let mut rules = format!(
        ".site-title::before {{ content: \"\"; display: inline-block; inline-size: {logo_width:.3}rem; block-size: {LOGO_HEIGHT}rem; vertical-align: middle; background: url(\"{file}\") center / contain no-repeat; }}\n"
    );
    if show_title {
        rules.push_str(".site-title::before { margin-inline-end: 0.5rem; }\n");
    } else {
        // The title stays the link's text, for screen readers; it shows again where background
        // images do not (forced colours).
        rules.push_str(".site-title { font-size: 0; }\n@media (forced-colors: active) { .site-title { font-size: 1.125rem; } .site-title::before { display: none; } }\n");
    }
    Ok(rules)
}

/// The font, for the whole site: first in every font list of the site's stylesheet (through
/// `--theme-font`), so scripts it lacks still take the system's fonts.
fn font_rules(content: &Path, font: &str, built: &mut Built) -> Result<String, String> {
    let (path, bytes) = read(content, font, built)?;
    let (stem, extension) = stem_and_extension(&path);
    let (format, mime) = match extension.as_str() {
        "woff2" => ("woff2", "font/woff2"),
        "woff" => ("woff", "font/woff"),
        "ttf" => ("truetype", "font/ttf"),
        "otf" => ("opentype", "font/otf"),
        _ => {
            return Err(format!(
                "{font} is not a font file the browsers read (.woff2, .woff, .ttf, .otf)"
            ))
        }
    };
    let magic: &[&[u8]] = match format {
        "woff2" => &[b"wOF2"],
        "woff" => &[b"wOFF"],
        _ => &[b"\x00\x01\x00\x00", b"OTTO", b"true"],
    };
    if !magic.iter().any(|m| bytes.starts_with(m)) {
        return Err(format!(
            "{font} is not a {format} font (its first bytes say otherwise)"
        ));
    }
    if bytes.len() > FONT_WARNING {
        let kb = bytes.len() / 1024;
        built.warnings.push(
            Problem::new(&path, format!("the font is {kb} KB: every reader downloads it on a first visit"), "a WOFF2 file of only the scripts the site is written in (a subset, e.g. made with pyftsubset) is usually 20–60 KB")
                .warning(),
        );
    }
    let src = publish(&mut built.files, &stem, &extension, bytes);
    built.theme.uses.push(src.clone());
    built.theme.font = Some(Icon {
        src: src.clone(),
        mime: mime.into(),
        ..Icon::default()
    });
    let file = src.trim_start_matches(&format!("{THEME_DIR}/")).to_string();
    Ok(format!(
        "@font-face {{ font-family: \"{FONT_FAMILY}\"; src: url(\"{file}\") format(\"{format}\"); font-display: swap; }}\n:root {{ --theme-font: \"{FONT_FAMILY}\",; }}\n"
    ))
}

/// The author's stylesheet: each `url()` that names a file of the content folder is published
/// beside it (images made fit to publish like the others); a `url()` of another site, or an
/// `@import`, is refused.
fn author_rules(content: &Path, file: &str, built: &mut Built) -> Result<String, String> {
    let (path, bytes) = read(content, file, built)?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{file} is not UTF-8 text"))?;
    if without_comments(&text)
        .to_ascii_lowercase()
        .contains("@import")
    {
        return Err(format!("{file} has an @import: put those rules in this file (an import would be fetched after the page, unhashed)"));
    }
    let folder = path.parent().unwrap_or(content).to_path_buf();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.to_ascii_lowercase().find("url(") {
        let open = at + "url(".len();
        let Some(close) = rest[open..].find(')').map(|i| open + i) else {
            break;
        };
        let target = rest[open..close].trim().trim_matches(['"', '\'']).trim();
        out.push_str(&rest[..open]);
        out.push_str(&css_url(content, &folder, file, target, built)?);
        rest = &rest[close..];
    }
    out.push_str(rest);
    Ok(format!("/* {file} */\n{out}\n"))
}

/// What a `url(target)` of the author's stylesheet becomes, quoted.
fn css_url(
    content: &Path,
    folder: &Path,
    file: &str,
    target: &str,
    built: &mut Built,
) -> Result<String, String> {
    let lower = target.to_ascii_lowercase();
    if target.is_empty() || lower.starts_with("data:") || target.starts_with('#') {
        return Ok(format!("\"{target}\""));
    }
    if lower.contains("://") || target.starts_with("//") {
        return Err(format!("{file} loads {target} from another site: readers' browsers fetch only this site's files; copy the file into the content folder and name it by its path"));
    }
    if target.starts_with('/') {
        return Ok(format!("\"{target}\""));
    }
    let clean = target.split(['?', '#']).next().unwrap_or(target);
    let wanted = folder.join(clean);
    let relative = wanted
        .strip_prefix(content)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .map_err(|_| format!("{file} names {target}, outside the content folder"))?;
    let (path, bytes) = read(content, &relative, built)?;
    let (stem, extension) = stem_and_extension(&path);
    let src = if matches!(
        extension.as_str(),
        "jpg" | "jpeg" | "png" | "webp" | "gif" | "svg"
    ) {
        one_image(
            &path,
            &bytes,
            images::LADDER[images::LADDER.len() - 1],
            &mut built.files,
        )?
        .0
    } else {
        publish(&mut built.files, &stem, &extension, bytes)
    };
    built.theme.uses.push(src.clone());
    Ok(format!(
        "\"{}\"",
        src.trim_start_matches(&format!("{THEME_DIR}/"))
    ))
}

/// `css` without its `/* … */` comments.
fn without_comments(css: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(open) = rest.find("/*") {
        out.push_str(&rest[..open]);
        rest = rest[open + 2..]
            .find("*/")
            .map_or("", |close| &rest[open + 2 + close + 2..]);
    }
    out.push_str(rest);
    out
}

/// The tab's icon and the install icons, from a raster image or an SVG.
fn icons(content: &Path, favicon: &str, built: &mut Built) -> Result<(), String> {
    let (path, bytes) = read(content, favicon, built)?;
    let square = favicon_pixels(&path, &bytes, favicon, built)?;
    if built.theme.favicon.is_none() {
        let src = publish(
            &mut built.files,
            "favicon-32",
            "png",
            png(&square_of(&square, 32, 1.0, None))?,
        );
        built.theme.favicon = Some(Icon {
            src,
            sizes: "32x32".into(),
            mime: "image/png".into(),
            ..Icon::default()
        });
    }
    // Maskable: the icon within the safe circle (80% of the side), on the light background.
    let sets: [(&str, u32, f64, Option<Rgb>, &str); 3] = [
        ("icon-192", 192, 1.0, None, "any"),
        ("icon-512", 512, 1.0, None, "any"),
        (
            "maskable-512",
            512,
            0.56,
            Some(LIGHT_BACKGROUND),
            "maskable",
        ),
    ];
    for (stem, side, scale, background, purpose) in sets {
        let src = publish(
            &mut built.files,
            stem,
            "png",
            png(&square_of(&square, side, scale, background))?,
        );
        built.theme.icons.push(Icon {
            src,
            sizes: format!("{side}x{side}"),
            mime: "image/png".into(),
            purpose: purpose.into(),
        });
    }
    Ok(())
}

/// The favicon's pixels: an SVG (published as the tab's icon too) drawn at 512 px, or a raster
/// image decoded (a small one warned of).
fn favicon_pixels(
    path: &Path,
    bytes: &[u8],
    favicon: &str,
    built: &mut Built,
) -> Result<image::RgbaImage, String> {
    if stem_and_extension(path).1 == "svg" {
        let text =
            std::str::from_utf8(bytes).map_err(|_| format!("{favicon} is not UTF-8 text"))?;
        let clean = images::sanitise_svg(text).map_err(|e| format!("{favicon}: {e}"))?;
        let drawn = draw_svg(&clean, 512).map_err(|e| format!("{favicon}: {e}"))?;
        let src = publish(&mut built.files, "favicon", "svg", clean.into_bytes());
        built.theme.favicon = Some(Icon {
            src,
            sizes: "any".into(),
            mime: "image/svg+xml".into(),
            ..Icon::default()
        });
        return decode(&drawn);
    }
    let image = decode(bytes)?;
    let side = image.width().max(image.height());
    if side < 512 {
        built.warnings.push(
            Problem::new(
                path,
                format!("the favicon is {side} px: install icons are 512 px and will look blurred"),
                "give a square PNG of 512 px or more, or an SVG",
            )
            .warning(),
        );
    }
    Ok(image)
}

/// `image` as PNG bytes.
fn png(image: &image::RgbaImage) -> Result<Vec<u8>, String> {
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

fn decode(bytes: &[u8]) -> Result<image::RgbaImage, String> {
    image::load_from_memory(bytes)
        .map(|image| image.to_rgba8())
        .map_err(|e| format!("the image does not open: {e}"))
}

/// An SVG drawn into a `side` px square PNG, centred, its proportions kept.
fn draw_svg(svg: &str, side: u32) -> Result<Vec<u8>, String> {
    use resvg::{tiny_skia, usvg};
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).map_err(|e| e.to_string())?;
    let size = tree.size();
    let scale = side as f32 / size.width().max(size.height());
    let (dx, dy) = (
        (side as f32 - size.width() * scale) / 2.0,
        (side as f32 - size.height() * scale) / 2.0,
    );
    let mut pixmap = tiny_skia::Pixmap::new(side, side).ok_or("the icon has no size")?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale).post_translate(dx, dy),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| e.to_string())
}

/// `image` fitted into `scale` of a `side` px square, centred, on `background` or transparent.
fn square_of(
    image: &image::RgbaImage,
    side: u32,
    scale: f64,
    background: Option<Rgb>,
) -> image::RgbaImage {
    let fill = background.map_or(image::Rgba([0, 0, 0, 0]), |[r, g, b]| {
        image::Rgba([r, g, b, 255])
    });
    let mut canvas = image::RgbaImage::from_pixel(side, side, fill);
    let longest = image.width().max(image.height()).max(1);
    let inner = f64::from(side) * scale / f64::from(longest);
    let (w, h) = (
        ((f64::from(image.width()) * inner).round() as u32).max(1),
        ((f64::from(image.height()) * inner).round() as u32).max(1),
    );
    let resized = image::imageops::resize(image, w, h, image::imageops::FilterType::Lanczos3);
    image::imageops::overlay(
        &mut canvas,
        &resized,
        i64::from((side - w) / 2),
        i64::from((side - h) / 2),
    );
    canvas
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
        let shade = mix_until([0x24, 0x59, 0x4b], [255; 3], |c| contrast(c, dark) >= 4.5);
        assert!(contrast(shade, dark) >= 4.5);
    }
}
