//! IPAexGothic, measured with `ttf-parser` and embedded as a subset: a CID-keyed Type0 font (CIDFontType2,
//! Identity-H) with its widths and a ToUnicode map, so the text can be searched and copied.

use std::collections::BTreeMap;
use std::io::Write as _;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::writers::WMode;
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use crate::ReportError;

/// IPAexGothic 00401 (IPA Font License, see `fonts/IPA_Font_License.txt`).
static FONT_DATA: &[u8] = include_bytes!("../../fonts/ipaexg.ttf");

/// The resource name of the font in every page.
pub(crate) const FONT_NAME: Name<'static> = Name(b"F1");

/// The embedded font: measures text and records which glyphs the document uses.
pub(crate) struct Font {
    face: Face<'static>,
    /// Advance widths are in thousandths of the font size, as PDF wants them.
    scale: f32,
    remapper: GlyphRemapper,
    /// Used glyphs by CID (the glyph id in the subset): the original glyph id and the text it stands for.
    used: BTreeMap<u16, (u16, char)>,
}

impl Font {
    /// Parses the embedded font.
    pub(crate) fn new() -> Result<Self, ReportError> {
        let face = Face::parse(FONT_DATA, 0).map_err(|e| ReportError::Pdf(format!("font: {e}")))?;
        let scale = 1000.0 / f32::from(face.units_per_em());
        let mut remapper = GlyphRemapper::new();
        remapper.remap(0);
        Ok(Self { face, scale, remapper, used: BTreeMap::new() })
    }

    /// The glyph of `c`: a space for control characters, `?` when the font lacks it.
    fn glyph(&self, c: char) -> (char, GlyphId) {
        let c = if c.is_control() { ' ' } else { c };
        match self.face.glyph_index(c) {
            Some(g) => (c, g),
            None => ('?', self.face.glyph_index('?').unwrap_or(GlyphId(0))),
        }
    }

    fn advance(&self, g: GlyphId) -> f32 {
        f32::from(self.face.glyph_hor_advance(g).unwrap_or(0)) * self.scale
    }

    /// Width of `text` set at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(self.glyph(c).1)).sum::<f32>() * size / 1000.0
    }

    /// The two-byte CIDs of `text` for a `Tj` operator; marks the glyphs as used.
    pub(crate) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (c, g) = self.glyph(c);
            let cid = self.remapper.remap(g.0);
            self.used.entry(cid).or_insert((g.0, c));
            out.extend_from_slice(&cid.to_be_bytes());
        }
        out
    }

    /// Writes the Type0 font at `type0` and its parts at the next free ids from `next`.
    pub(crate) fn write(self, pdf: &mut Pdf, type0: Ref, next: &mut Ref) -> Result<(), ReportError> {
        let mut alloc = || next.bump();
        let (cid_ref, descriptor_ref, cmap_ref, file_ref) = (alloc(), alloc(), alloc(), alloc());
        let subset = subsetter::subset(FONT_DATA, 0, &self.remapper)
            .map_err(|e| ReportError::Pdf(format!("font subset: {e:?}")))?;
        let base = format!("{}+IPAexGothic", self.tag());
        let base = Name(base.as_bytes());
        pdf.type0_font(type0)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_ref)
            .to_unicode(cmap_ref);
        let system = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
        let mut cid = pdf.cid_font(cid_ref);
        cid.subtype(CidFontType::Type2).base_font(base).system_info(system).font_descriptor(descriptor_ref);
        cid.default_width(0.0).cid_to_gid_map_predefined(Name(b"Identity"));
        let widths: Vec<f32> =
            self.remapper.remapped_gids().map(|g| (self.advance(GlyphId(g)) * 10.0).round() / 10.0).collect();
        cid.widths().consecutive(0, widths);
        cid.finish();
        let s = self.scale;
        let bbox = self.face.global_bounding_box();
        let units = |v: i16| f32::from(v) * s;
        pdf.font_descriptor(descriptor_ref)
            .name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(units(bbox.x_min), units(bbox.y_min), units(bbox.x_max), units(bbox.y_max)))
            .italic_angle(0.0)
            .ascent(units(self.face.ascender()))
            .descent(units(self.face.descender()))
            .cap_height(units(self.face.capital_height().unwrap_or(self.face.ascender())))
            .stem_v(80.0)
            .font_file2(file_ref);
        let mut cmap = UnicodeCmap::with_writing_mode(Name(b"Custom"), system, WMode::Horizontal);
        for (cid, (_, c)) in &self.used {
            cmap.pair(*cid, *c);
        }
        let cmap = deflate(&cmap.finish());
        pdf.cmap(cmap_ref, &cmap).filter(Filter::FlateDecode);
        let file = deflate(&subset);
        pdf.stream(file_ref, &file).filter(Filter::FlateDecode).pair(Name(b"Length1"), subset.len() as i32);
        Ok(())
    }

    /// The six-letter subset tag, derived from the glyphs used (so equal documents stay equal).
    fn tag(&self) -> String {
        let mut h: u32 = 0x811c_9dc5;
        for (cid, (g, _)) in &self.used {
            for b in cid.to_be_bytes().into_iter().chain(g.to_be_bytes()) {
                h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
            }
        }
        (0..6)
            .map(|i| {
                let letter = (h >> (i * 5)) % 26;
                char::from(b'A' + letter as u8)
            })
            .collect()
    }
}

/// zlib-compresses a stream.
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}
