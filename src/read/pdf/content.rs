//! The content-stream interpreter: runs a page's operators (and its form XObjects) and collects what layout
//! needs — each glyph's text, box, direction and size in page space, and the straight axis-aligned rules drawn
//! as stroked lines or as thin filled rectangles. Colours only matter to drop white rules; images are counted.

use crate::hash::HashMap;
use std::rc::Rc;

use hayro_syntax::content::ops::TypedInstruction as Op;
use hayro_syntax::content::TypedIter;
use hayro_syntax::object::{Array, Dict, Name, Object, ObjectIdentifier, Stream};
use hayro_syntax::page::Resources;

use super::font::{Code, Font};
use super::geom::{Matrix, Rect};
use super::Budget;

/// Form XObjects nest at most this deep (a form drawing itself would otherwise never end).
const MAX_FORM_DEPTH: usize = 8;
/// Graphics states saved at once (`q` nesting); deeper saves are ignored.
const MAX_SAVED_STATES: usize = 64;
/// A filled shape at most this thick (points) is a rule, not an area.
const MAX_RULE_THICKNESS: f64 = 2.5;
/// Text whose direction leaves the page's axes by more than this (the sine of about 3°) is slanted.
const MAX_SLANT: f64 = 0.05;
/// Shorter strokes are glyph parts or dots, not rules.
const MIN_RULE_LENGTH: f64 = 1.0;

/// The direction text advances in, on the displayed page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Right,
    Down,
    Left,
    Up,
}

/// One shown character (or an `ActualText` replacement for a run of them).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub text: String,
    pub rect: Rect,
    pub dir: Dir,
    /// The em size in points.
    pub size: f64,
}

/// A straight horizontal or vertical rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub horizontal: bool,
    /// `y` of a horizontal rule, `x` of a vertical one.
    pub at: f64,
    pub from: f64,
    pub to: f64,
}

/// What a page draws.
#[derive(Debug, Default)]
pub struct PageContent {
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    /// Glyphs whose font maps them to no text.
    pub unmapped: usize,
    pub images: usize,
}

/// Fonts loaded so far in a document, by object.
#[derive(Default)]
pub struct FontCache {
    fonts: HashMap<ObjectIdentifier, Rc<Font>>,
}

impl FontCache {
    fn get(&mut self, dict: &Dict<'_>, budget: &mut Budget) -> Rc<Font> {
        match dict.obj_id() {
            Some(id) => self.fonts.entry(id).or_insert_with(|| Rc::new(Font::load(dict, budget))).clone(),
            None => Rc::new(Font::load(dict, budget)),
        }
    }
}

#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    stroke_visible: bool,
    fill_visible: bool,
    font: Option<Rc<Font>>,
    font_size: f64,
    char_spacing: f64,
    word_spacing: f64,
    hscale: f64,
    leading: f64,
    rise: f64,
}

/// A subpath in page space.
#[derive(Default)]
struct Subpath {
    points: Vec<(f64, f64)>,
    closed: bool,
}

/// `ActualText` of an open marked-content sequence: the glyphs shown inside are replaced by it.
struct ActualText {
    text: String,
    /// The glyph that carries the text, once one is shown.
    glyph: Option<usize>,
}

/// Interprets one page.
pub struct Interpreter<'c> {
    fonts: &'c mut FontCache,
    budget: &'c mut Budget,
    out: PageContent,
    state: GraphicsState,
    stack: Vec<GraphicsState>,
    tm: Matrix,
    tlm: Matrix,
    path: Vec<Subpath>,
    marked: Vec<Option<ActualText>>,
    codes: Vec<Code>,
    /// Fonts by resource name in the resources being run (some producers select a font before every glyph).
    by_name: HashMap<Vec<u8>, Rc<Font>>,
}

impl<'c> Interpreter<'c> {
    /// An interpreter for a page whose default user space maps to page space by `page`.
    pub fn new(fonts: &'c mut FontCache, budget: &'c mut Budget, page: Matrix) -> Self {
        Interpreter {
            fonts,
            budget,
            out: PageContent::default(),
            state: GraphicsState {
                ctm: page,
                stroke_visible: true,
                fill_visible: true,
                font: None,
                font_size: 0.0,
                char_spacing: 0.0,
                word_spacing: 0.0,
                hscale: 1.0,
                leading: 0.0,
                rise: 0.0,
            },
            stack: Vec::new(),
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            path: Vec::new(),
            marked: Vec::new(),
            codes: Vec::new(),
            by_name: HashMap::default(),
        }
    }

    pub fn finish(self) -> PageContent {
        self.out
    }

    /// Runs a content stream with its resources.
    pub fn run(&mut self, content: &[u8], resources: &Resources<'_>, depth: usize) {
        let mut ops = TypedIter::new(content);
        while let Some(op) = ops.next() {
            if self.budget.glyphs_exhausted() {
                return;
            }
            self.op(op, resources, depth);
        }
    }

    fn op(&mut self, op: Op<'_, '_>, resources: &Resources<'_>, depth: usize) {
        let n = |x: hayro_syntax::object::Number| x.as_f64();
        match op {
            Op::SaveState(_) if self.stack.len() < MAX_SAVED_STATES => self.stack.push(self.state.clone()),
            Op::RestoreState(_) => {
                if let Some(s) = self.stack.pop() {
                    self.state = s;
                }
            }
            Op::Transform(t) => {
                let m = Matrix::new([n(t.0), n(t.1), n(t.2), n(t.3), n(t.4), n(t.5)]);
                self.state.ctm = m.then(self.state.ctm);
            }
            Op::MoveTo(p) => {
                let pt = self.state.ctm.apply(n(p.0), n(p.1));
                self.path.push(Subpath { points: vec![pt], closed: false });
            }
            Op::LineTo(p) => {
                let pt = self.state.ctm.apply(n(p.0), n(p.1));
                match self.path.last_mut() {
                    Some(sub) if !sub.closed => sub.points.push(pt),
                    _ => self.path.push(Subpath { points: vec![pt], closed: false }),
                }
            }
            Op::CubicTo(c) => self.curve_to(n(c.4), n(c.5)),
            Op::CubicStartTo(c) => self.curve_to(n(c.2), n(c.3)),
            Op::CubicEndTo(c) => self.curve_to(n(c.2), n(c.3)),
            Op::ClosePath(_) => {
                if let Some(sub) = self.path.last_mut() {
                    sub.closed = true;
                }
            }
            Op::RectPath(r) => {
                let (x, y, w, h) = (n(r.0), n(r.1), n(r.2), n(r.3));
                let m = self.state.ctm;
                let points = vec![m.apply(x, y), m.apply(x + w, y), m.apply(x + w, y + h), m.apply(x, y + h)];
                self.path.push(Subpath { points, closed: true });
            }
            Op::StrokePath(_) | Op::CloseAndStrokePath(_) => self.paint(true, false),
            Op::FillPathNonZero(_) | Op::FillPathNonZeroCompatibility(_) | Op::FillPathEvenOdd(_) => {
                self.paint(false, true)
            }
            Op::FillAndStrokeNonZero(_)
            | Op::FillAndStrokeEvenOdd(_)
            | Op::CloseFillAndStrokeNonZero(_)
            | Op::CloseFillAndStrokeEvenOdd(_) => self.paint(true, true),
            Op::EndPath(_) => self.path.clear(),
            Op::StrokeColorDeviceGray(g) => self.state.stroke_visible = !is_white(&[n(g.0)]),
            Op::NonStrokeColorDeviceGray(g) => self.state.fill_visible = !is_white(&[n(g.0)]),
            Op::StrokeColorDeviceRgb(c) => self.state.stroke_visible = !is_white(&[n(c.0), n(c.1), n(c.2)]),
            Op::NonStrokeColorDeviceRgb(c) => self.state.fill_visible = !is_white(&[n(c.0), n(c.1), n(c.2)]),
            Op::StrokeColorCmyk(c) => self.state.stroke_visible = !is_white_cmyk([n(c.0), n(c.1), n(c.2), n(c.3)]),
            Op::NonStrokeColorCmyk(c) => self.state.fill_visible = !is_white_cmyk([n(c.0), n(c.1), n(c.2), n(c.3)]),
            // Colours in other spaces (separations, patterns, ICC) are taken as visible.
            Op::ColorSpaceStroke(_) | Op::StrokeColor(_) | Op::StrokeColorNamed(_) => self.state.stroke_visible = true,
            Op::ColorSpaceNonStroke(_) | Op::NonStrokeColor(_) | Op::NonStrokeColorNamed(_) => {
                self.state.fill_visible = true
            }
            Op::BeginText(_) => {
                self.tm = Matrix::IDENTITY;
                self.tlm = Matrix::IDENTITY;
            }
            Op::CharacterSpacing(v) => self.state.char_spacing = n(v.0),
            Op::WordSpacing(v) => self.state.word_spacing = n(v.0),
            Op::HorizontalScaling(v) => self.state.hscale = n(v.0) / 100.0,
            Op::TextLeading(v) => self.state.leading = n(v.0),
            Op::TextRise(v) => self.state.rise = n(v.0),
            Op::TextFont(f) => {
                self.state.font_size = n(f.1);
                let font = match self.by_name.get(f.0.as_ref()) {
                    Some(font) => font.clone(),
                    None => {
                        let font = match resources.get_font(f.0) {
                            Some(dict) => self.fonts.get(&dict, self.budget),
                            None => Rc::new(Font::unknown()),
                        };
                        self.by_name.insert(f.0.to_vec(), font.clone());
                        font
                    }
                };
                self.state.font = Some(font);
            }
            Op::NextLine(t) => self.next_line(n(t.0), n(t.1)),
            Op::NextLineAndSetLeading(t) => {
                self.state.leading = -n(t.1);
                self.next_line(n(t.0), n(t.1));
            }
            Op::SetTextMatrix(t) => {
                self.tm = Matrix::new([n(t.0), n(t.1), n(t.2), n(t.3), n(t.4), n(t.5)]);
                self.tlm = self.tm;
            }
            Op::NextLineUsingLeading(_) => self.next_line(0.0, -self.state.leading),
            Op::ShowText(s) => self.show(s.0.as_bytes()),
            Op::NextLineAndShowText(s) => {
                self.next_line(0.0, -self.state.leading);
                self.show(s.0.as_bytes());
            }
            Op::ShowTextWithParameters(s) => {
                self.state.word_spacing = n(s.0);
                self.state.char_spacing = n(s.1);
                self.next_line(0.0, -self.state.leading);
                self.show(s.2.as_bytes());
            }
            Op::ShowTexts(array) => self.show_array(array.0),
            Op::XObject(name) => self.xobject(name.0, resources, depth),
            Op::InlineImage(_) => self.out.images += 1,
            Op::BeginMarkedContent(_) => self.marked.push(None),
            Op::BeginMarkedContentWithProperties(m) => {
                let props = match m.1 {
                    Object::Dict(d) => Some(d.clone()),
                    Object::Name(name) => resources.properties.get::<Dict<'_>>(name.as_ref()),
                    _ => None,
                };
                let text = props.and_then(|p| p.get::<hayro_syntax::object::String<'_>>(b"ActualText"));
                self.marked.push(text.map(|t| ActualText { text: text_string(t.as_bytes()), glyph: None }));
            }
            Op::EndMarkedContent(_) => {
                self.marked.pop();
            }
            _ => {}
        }
    }

    fn curve_to(&mut self, x: f64, y: f64) {
        // Curves are never rules: the subpath ends here and a new one starts at the curve's end.
        let pt = self.state.ctm.apply(x, y);
        self.path.push(Subpath { points: vec![pt], closed: false });
    }

    fn next_line(&mut self, tx: f64, ty: f64) {
        self.tlm = Matrix::translate(tx, ty).then(self.tlm);
        self.tm = self.tlm;
    }

    fn paint(&mut self, stroke: bool, fill: bool) {
        let path = std::mem::take(&mut self.path);
        if stroke && self.state.stroke_visible {
            for sub in &path {
                let closing = sub.closed.then(|| (sub.points.last(), sub.points.first()));
                let pairs = sub.points.windows(2).map(|w| (w[0], w[1]));
                let closing = closing.and_then(|(a, b)| Some((*a?, *b?)));
                for (a, b) in pairs.chain(closing) {
                    self.push_rule(a, b);
                }
            }
        }
        if fill && self.state.fill_visible {
            for sub in path.iter().filter(|s| s.points.len() >= 2) {
                let r = Rect::around(&sub.points);
                if r.height() <= MAX_RULE_THICKNESS && r.width() >= MIN_RULE_LENGTH {
                    self.push_rule((r.x0, r.cy()), (r.x1, r.cy()));
                } else if r.width() <= MAX_RULE_THICKNESS && r.height() >= MIN_RULE_LENGTH {
                    self.push_rule((r.cx(), r.y0), (r.cx(), r.y1));
                }
            }
        }
    }

    fn push_rule(&mut self, a: (f64, f64), b: (f64, f64)) {
        let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
        let rule = if dy < 0.5 && dx >= MIN_RULE_LENGTH {
            Rule { horizontal: true, at: (a.1 + b.1) / 2.0, from: a.0.min(b.0), to: a.0.max(b.0) }
        } else if dx < 0.5 && dy >= MIN_RULE_LENGTH {
            Rule { horizontal: false, at: (a.0 + b.0) / 2.0, from: a.1.min(b.1), to: a.1.max(b.1) }
        } else {
            return;
        };
        if rule.at.is_finite() && rule.from.is_finite() && rule.to.is_finite() && self.budget.take_rule() {
            self.out.rules.push(rule);
        }
    }

    fn show_array(&mut self, array: &Array<'_>) {
        for item in array.iter::<Object<'_>>() {
            match item {
                Object::String(s) => self.show(s.as_bytes()),
                Object::Number(adjust) => {
                    let shift = -adjust.as_f64() / 1000.0 * self.state.font_size;
                    let vertical = self.state.font.as_ref().is_some_and(|f| f.vertical);
                    let m = if vertical {
                        Matrix::translate(0.0, shift)
                    } else {
                        Matrix::translate(shift * self.state.hscale, 0.0)
                    };
                    self.tm = m.then(self.tm);
                }
                _ => {}
            }
        }
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.state.font.clone() else { return };
        let mut codes = std::mem::take(&mut self.codes);
        codes.clear();
        font.decode(bytes, &mut codes);
        let s = self.state.clone();
        let size = s.font_size;
        for code in &codes {
            let trm = Matrix::new([size * s.hscale, 0.0, 0.0, size, 0.0, s.rise]).then(self.tm).then(s.ctm);
            let spacing = s.char_spacing + if code.is_space { s.word_spacing } else { 0.0 };
            let (corners, advance) = if font.vertical {
                let w = code.width.max(0.1);
                let v = code.vertical_advance.min(-0.1);
                ([(-w / 2.0, v), (w / 2.0, v), (w / 2.0, 0.0), (-w / 2.0, 0.0)], (0.0, -1.0))
            } else {
                let w = code.width.max(0.0);
                ([(0.0, -0.2), (w, -0.2), (w, 0.8), (0.0, 0.8)], (1.0, 0.0))
            };
            let em = (trm.a * trm.d - trm.b * trm.c).abs().sqrt();
            if code.text.is_none() {
                self.out.unmapped += 1;
            }
            let text = code.text.clone().unwrap_or_else(|| "\u{FFFD}".to_string());
            let (vx, vy) = trm.apply_vector(advance.0, advance.1);
            // Text set at a slant (a diagonal watermark, the name around a seal) is drawn over the page, not part of
            // its lines or cells.
            let slanted = vx.abs().min(vy.abs()) > MAX_SLANT * vx.hypot(vy);
            if em.is_finite() && (0.5..=1000.0).contains(&em) && !text.trim().is_empty() && !slanted {
                let points: Vec<(f64, f64)> = corners.iter().map(|&(x, y)| trm.apply(x, y)).collect();
                let dir = if vx.abs() >= vy.abs() {
                    if vx >= 0.0 {
                        Dir::Right
                    } else {
                        Dir::Left
                    }
                } else if vy > 0.0 {
                    Dir::Down
                } else {
                    Dir::Up
                };
                self.push_glyph(Glyph { text, rect: Rect::around(&points), dir, size: em });
            }
            let tm_shift = if font.vertical {
                Matrix::translate(0.0, code.vertical_advance * size + spacing)
            } else {
                Matrix::translate((code.width * size + spacing) * s.hscale, 0.0)
            };
            self.tm = tm_shift.then(self.tm);
        }
        self.codes = codes;
    }

    fn push_glyph(&mut self, glyph: Glyph) {
        // Inside an `ActualText` span the first glyph carries the replacement text and the others only widen it.
        if let Some(Some(actual)) = self.marked.iter_mut().rev().find(|m| m.is_some()) {
            match actual.glyph.and_then(|i| self.out.glyphs.get_mut(i)) {
                Some(first) => first.rect = first.rect.union(&glyph.rect),
                None => {
                    if actual.text.trim().is_empty() {
                        return;
                    }
                    actual.glyph = Some(self.out.glyphs.len());
                    self.out.glyphs.push(Glyph { text: actual.text.clone(), ..glyph });
                }
            }
            return;
        }
        if self.budget.take_glyph() {
            self.out.glyphs.push(glyph);
        }
    }

    fn xobject(&mut self, name: &Name<'_>, resources: &Resources<'_>, depth: usize) {
        let Some(stream) = resources.get_x_object(name) else { return };
        match stream.dict().get::<Name<'_>>(b"Subtype").as_deref() {
            Some(b"Form") if depth < MAX_FORM_DEPTH => self.form(&stream, resources, depth),
            Some(b"Image") => self.out.images += 1,
            _ => {}
        }
    }

    fn form(&mut self, stream: &Stream<'_>, resources: &Resources<'_>, depth: usize) {
        let Some(content) = self.budget.decode(stream) else { return };
        let matrix = stream
            .dict()
            .get::<Array<'_>>(b"Matrix")
            .map(|a| a.iter::<f64>().collect::<Vec<_>>())
            .and_then(|v| <[f64; 6]>::try_from(v).ok())
            .map_or(Matrix::IDENTITY, Matrix::new);
        let own = stream.dict().get::<Dict<'_>>(b"Resources").map(Resources::new);
        let saved = (self.state.clone(), self.stack.len(), std::mem::take(&mut self.path));
        // A form with its own resources names its own fonts.
        let names = own.is_some().then(|| std::mem::take(&mut self.by_name));
        self.state.ctm = matrix.then(self.state.ctm);
        self.run(&content, own.as_ref().unwrap_or(resources), depth + 1);
        self.state = saved.0;
        self.stack.truncate(saved.1);
        self.path = saved.2;
        if let Some(names) = names {
            self.by_name = names;
        }
    }
}

fn is_white(components: &[f64]) -> bool {
    components.iter().all(|c| *c >= 0.95)
}

fn is_white_cmyk(c: [f64; 4]) -> bool {
    c.iter().all(|v| *v <= 0.05)
}

/// A PDF text string: UTF-16BE with a byte order mark, UTF-8 with one, or PDFDocEncoding (Latin-1 here).
pub fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}
