//! Page layout: A4 pages, a cursor that moves down and breaks pages, text wrapped by real glyph advances
//! (Japanese may break between any two characters, other text at spaces), lists, tables and drawing helpers.
//! Coordinates are in points from the top-left corner; they are flipped when written.

use pdf_writer::{Content, Name, Str};

use super::font::{FONT_NAME, Font};

pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const MARGIN_X: f32 = 48.0;
pub(crate) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const TOP: f32 = 52.0;
const BOTTOM: f32 = 60.0;
/// The graphics state (in every page's resources) that fills at 25 % opacity.
pub(crate) const TRANSLUCENT: Name<'static> = Name(b"GsFill25");

/// A colour as RGB fractions.
#[derive(Clone, Copy)]
pub(crate) struct Rgb(pub f32, pub f32, pub f32);

pub(crate) const TEXT: Rgb = Rgb(0.13, 0.13, 0.13);
pub(crate) const MUTED: Rgb = Rgb(0.40, 0.40, 0.40);
pub(crate) const ACCENT: Rgb = Rgb(0.122, 0.435, 0.698);
pub(crate) const RULE: Rgb = Rgb(0.80, 0.80, 0.80);
pub(crate) const SHADE: Rgb = Rgb(0.933, 0.949, 0.965);

/// How a line is stroked.
#[derive(Clone, Copy)]
pub(crate) struct Pen {
    pub colour: Rgb,
    pub width: f32,
    /// Dash and gap lengths; empty for a solid line.
    pub dash: &'static [f32],
}

impl Pen {
    pub(crate) const fn solid(colour: Rgb, width: f32) -> Self {
        Self { colour, width, dash: &[] }
    }
}

/// Horizontal alignment of a text at its x.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Align {
    Start,
    Middle,
    End,
}

/// The document being laid out.
pub(crate) struct Doc {
    pub font: Font,
    pages: Vec<Content>,
    /// The cursor: distance of the next block from the top of the page.
    pub y: f32,
}

impl Doc {
    pub(crate) fn new(font: Font) -> Self {
        Self { font, pages: vec![Content::new()], y: TOP }
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` fits below the cursor (or the page is still empty).
    pub(crate) fn ensure(&mut self, height: f32) {
        if self.y + height > PAGE_H - BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    /// Draws one line of text with its baseline at `y`.
    pub(crate) fn text(&mut self, x: f32, y: f32, size: f32, colour: Rgb, align: Align, text: &str) {
        let x = match align {
            Align::Start => x,
            Align::Middle => x - self.font.width(text, size) / 2.0,
            Align::End => x - self.font.width(text, size),
        };
        let bytes = self.font.encode(text);
        let c = self.page();
        c.set_fill_rgb(colour.0, colour.1, colour.2);
        c.begin_text().set_font(FONT_NAME, size).next_line(x, PAGE_H - y).show(Str(&bytes)).end_text();
    }

    fn pen(&mut self, pen: Pen) -> &mut Content {
        let c = self.page();
        c.set_stroke_rgb(pen.colour.0, pen.colour.1, pen.colour.2);
        c.set_line_width(pen.width);
        c.set_dash_pattern(pen.dash.iter().copied(), 0.0);
        c
    }

    pub(crate) fn line(&mut self, from: (f32, f32), to: (f32, f32), pen: Pen) {
        self.pen(pen).move_to(from.0, PAGE_H - from.1).line_to(to.0, PAGE_H - to.1).stroke();
    }

    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Rgb) {
        let c = self.page();
        c.set_fill_rgb(fill.0, fill.1, fill.2);
        c.rect(x, PAGE_H - y - h, w, h).fill_nonzero();
    }

    /// A closed (`close`) or open path through `points`, stroked with `pen` and optionally filled at 25 %.
    pub(crate) fn path(&mut self, points: &[(f32, f32)], close: bool, fill: Option<Rgb>, pen: Pen) {
        let Some(first) = points.first() else { return };
        let trace = |c: &mut Content| {
            c.move_to(first.0, PAGE_H - first.1);
            for p in &points[1..] {
                c.line_to(p.0, PAGE_H - p.1);
            }
            if close {
                c.close_path();
            }
        };
        if let Some(f) = fill {
            let c = self.page();
            c.save_state().set_parameters(TRANSLUCENT).set_fill_rgb(f.0, f.1, f.2);
            trace(c);
            c.fill_nonzero().restore_state();
        }
        let c = self.pen(pen);
        trace(c);
        c.stroke();
    }

    /// A circle, filled with `fill` or stroked with `pen`.
    pub(crate) fn circle(&mut self, centre: (f32, f32), r: f32, fill: Option<Rgb>, pen: Pen) {
        // Four Bézier quarters; k places the control points.
        let k = 0.552_284_8 * r;
        let (x, y) = (centre.0, PAGE_H - centre.1);
        let c = match fill {
            Some(f) => {
                let c = self.page();
                c.set_fill_rgb(f.0, f.1, f.2);
                c
            }
            None => self.pen(pen),
        };
        c.move_to(x + r, y)
            .cubic_to(x + r, y + k, x + k, y + r, x, y + r)
            .cubic_to(x - k, y + r, x - r, y + k, x - r, y)
            .cubic_to(x - r, y - k, x - k, y - r, x, y - r)
            .cubic_to(x + k, y - r, x + r, y - k, x + r, y)
            .close_path();
        if fill.is_some() {
            c.fill_nonzero();
        } else {
            c.stroke();
        }
    }

    /// A section heading with a rule under it, on a new page unless `keep` points of what follows fit under it.
    pub(crate) fn heading(&mut self, text: &str, keep: f32) {
        self.ensure(45.0 + keep);
        self.y += 14.0;
        for line in wrap(&self.font, text, 13.0, CONTENT_W) {
            self.y += 15.0;
            self.text(MARGIN_X, self.y, 13.0, ACCENT, Align::Start, &line);
        }
        self.y += 5.0;
        self.line((MARGIN_X, self.y), (MARGIN_X + CONTENT_W, self.y), Pen::solid(ACCENT, 0.8));
        self.y += 8.0;
    }

    /// Wrapped text starting at `x`, `width` wide, one line height `leading`, breaking pages between lines.
    pub(crate) fn paragraph(&mut self, x: f32, width: f32, size: f32, leading: f32, colour: Rgb, text: &str) {
        for line in wrap(&self.font, text, size, width) {
            self.ensure(leading);
            self.y += leading;
            self.text(x, self.y - (leading - size) / 2.0, size, colour, Align::Start, &line);
        }
    }

    /// A numbered or bulleted item: `marker` in a hanging indent, `text` wrapped beside it.
    pub(crate) fn item(&mut self, marker: &str, text: &str, size: f32) {
        let indent = 26.0;
        let lines = wrap(&self.font, text, size, CONTENT_W - indent);
        let leading = size * 1.45;
        self.ensure(leading * lines.len().min(3) as f32);
        for (i, line) in lines.iter().enumerate() {
            self.ensure(leading);
            self.y += leading;
            let base = self.y - (leading - size) / 2.0;
            if i == 0 {
                self.text(MARGIN_X + indent - 4.0, base, size, MUTED, Align::End, marker);
            }
            self.text(MARGIN_X + indent, base, size, TEXT, Align::Start, line);
        }
    }

    /// A table with a shaded header row (repeated on every page) and a rule under each row; cells wrap.
    pub(crate) fn table(&mut self, headers: &[&str], widths: &[f32], rows: &[Vec<String>], size: f32) {
        let pad = 3.0;
        let leading = size * 1.35;
        let layout = |font: &Font, cells: &[&str]| -> Vec<Vec<String>> {
            cells.iter().zip(widths).map(|(c, w)| wrap(font, c, size, w - 2.0 * pad)).collect()
        };
        let height = |cells: &[Vec<String>]| cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * leading;
        let header = layout(&self.font, headers);
        let header_h = height(&header) + 2.0 * pad;
        let draw_row = |doc: &mut Doc, cells: &[Vec<String>], h: f32, shaded: bool| {
            if shaded {
                doc.rect(MARGIN_X, doc.y, widths.iter().sum(), h, SHADE);
            }
            let mut x = MARGIN_X;
            for (lines, w) in cells.iter().zip(widths) {
                for (i, line) in lines.iter().enumerate() {
                    let base = doc.y + pad + leading * (i as f32 + 1.0) - (leading - size) / 2.0 - size * 0.12;
                    doc.text(x + pad, base, size, if shaded { MUTED } else { TEXT }, Align::Start, line);
                }
                x += w;
            }
            doc.y += h;
            let right = MARGIN_X + widths.iter().sum::<f32>();
            doc.line((MARGIN_X, doc.y), (right, doc.y), Pen::solid(RULE, 0.5));
        };
        self.ensure(header_h * 3.0);
        draw_row(self, &header, header_h, true);
        for row in rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            let cells = layout(&self.font, &cells);
            let h = height(&cells) + 2.0 * pad;
            if self.y + h > PAGE_H - BOTTOM {
                self.new_page();
                draw_row(self, &header, header_h, true);
            }
            draw_row(self, &cells, h, false);
        }
    }

    /// Adds the footer ("generated by" on the left, "n / N" on the right) and returns the font and the
    /// content stream of each page.
    pub(crate) fn finish(mut self, footer: &str) -> (Font, Vec<Vec<u8>>) {
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (i, page) in pages.into_iter().enumerate() {
            self.pages.push(page);
            let y = PAGE_H - BOTTOM + 30.0;
            self.text(MARGIN_X, y, 8.0, MUTED, Align::Start, footer);
            self.text(MARGIN_X + CONTENT_W, y, 8.0, MUTED, Align::End, &format!("{} / {total}", i + 1));
            if let Some(done) = self.pages.pop() {
                out.push(done.finish().into_vec());
            }
        }
        (self.font, out)
    }
}

/// Where a line may break: after spaces, and around Chinese/Japanese characters, except before closing
/// punctuation and small kana, or after opening brackets.
fn may_break(before: char, after: char) -> bool {
    if after == ' ' || NO_LINE_START.contains(after) || NO_LINE_END.contains(before) {
        return false;
    }
    before == ' ' || is_cjk(before) || is_cjk(after)
}

const NO_LINE_START: &str =
    "、。，．・：；？！）」』】〕〉》ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ)]},.;:!?%";
const NO_LINE_END: &str = "（「『【〔〈《([{";

fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FFFF)
}

/// Splits `text` into lines no wider than `width` at `size` points. Newlines start new lines; a word wider
/// than the whole line is cut between characters.
pub(crate) fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for seg in segments(para) {
            let candidate = format!("{line}{seg}");
            if font.width(candidate.trim_end(), size) <= width || line.trim().is_empty() {
                line = candidate;
            } else {
                lines.push(line.trim_end().to_owned());
                line = seg.trim_start().to_owned();
            }
            // Cut what still does not fit, one character at a time.
            while font.width(line.trim_end(), size) > width && line.chars().count() > 1 {
                let mut head = String::new();
                for c in line.chars() {
                    if !head.is_empty() && font.width(&format!("{head}{c}"), size) > width {
                        break;
                    }
                    head.push(c);
                }
                line = line[head.len()..].to_owned();
                lines.push(head);
            }
        }
        lines.push(line.trim_end().to_owned());
    }
    lines
}

/// The unbreakable pieces of a line, each keeping the spaces that follow it.
fn segments(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if let Some(p) = prev
            && may_break(p, c)
        {
            out.push(&text[start..i]);
            start = i;
        }
        prev = Some(c);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// `text` cut with an ellipsis so that it fits `width`.
pub(crate) fn fit(font: &Font, text: &str, size: f32, width: f32) -> String {
    if font.width(text, size) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        if font.width(&format!("{out}{c}…"), size) > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_japanese_between_characters_and_latin_at_spaces() {
        let font = Font::new().expect("the embedded font parses");
        let ja = wrap(
            &font,
            "経営者がサイバーセキュリティリスクを認識し、組織全体での対応方針を策定すること。",
            10.0,
            100.0,
        );
        assert!(ja.len() > 2, "{ja:?}");
        assert!(ja.iter().all(|l| font.width(l, 10.0) <= 100.0), "{ja:?}");
        assert!(ja.iter().all(|l| !l.starts_with('、') && !l.starts_with('。')), "{ja:?}");
        assert_eq!(ja.concat(), "経営者がサイバーセキュリティリスクを認識し、組織全体での対応方針を策定すること。");
        let en = wrap(&font, "Establish and communicate the organizational context", 10.0, 120.0);
        assert!(en.len() > 1, "{en:?}");
        for l in &en {
            assert!(font.width(l, 10.0) <= 120.0 && !l.starts_with(' ') && !l.ends_with(' '), "{en:?}");
        }
        assert_eq!(en.join(" "), "Establish and communicate the organizational context");
        let long = wrap(&font, &"x".repeat(200), 10.0, 100.0);
        assert!(long.len() > 1 && long.iter().all(|l| font.width(l, 10.0) <= 100.0));
    }
}
