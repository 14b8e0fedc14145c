//! Plane geometry for page content: affine matrices (PDF's row-vector convention) and axis-aligned rectangles
//! in page space (points, origin at the top left of the displayed page, y growing downwards).

/// An affine transform `[a b c d e f]`: a point `(x, y)` maps to `(a·x + c·y + e, b·x + d·y + f)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matrix {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
    pub e: f64,
    pub f: f64,
}

impl Matrix {
    pub const IDENTITY: Matrix = Matrix { a: 1.0, b: 0.0, c: 0.0, d: 1.0, e: 0.0, f: 0.0 };

    pub fn new(v: [f64; 6]) -> Matrix {
        Matrix { a: v[0], b: v[1], c: v[2], d: v[3], e: v[4], f: v[5] }
    }

    pub fn translate(x: f64, y: f64) -> Matrix {
        Matrix { e: x, f: y, ..Matrix::IDENTITY }
    }

    /// `self` then `next` (PDF: `self × next`).
    pub fn then(self, next: Matrix) -> Matrix {
        Matrix {
            a: self.a * next.a + self.b * next.c,
            b: self.a * next.b + self.b * next.d,
            c: self.c * next.a + self.d * next.c,
            d: self.c * next.b + self.d * next.d,
            e: self.e * next.a + self.f * next.c + next.e,
            f: self.e * next.b + self.f * next.d + next.f,
        }
    }

    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        (self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f)
    }

    /// A direction vector (no translation).
    pub fn apply_vector(&self, x: f64, y: f64) -> (f64, f64) {
        (self.a * x + self.c * y, self.b * x + self.d * y)
    }

    /// The transform from a page's default user space to page space (y down, the page's `/Rotate` applied),
    /// for a crop box `[x0 y0 x1 y1]`.
    pub fn page(crop: [f64; 4], rotate: i64) -> Matrix {
        let [x0, y0, x1, y1] = crop;
        let (x0, y0, x1, y1) = (x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1));
        match rotate.rem_euclid(360) {
            90 => Matrix { a: 0.0, b: 1.0, c: 1.0, d: 0.0, e: -y0, f: -x0 },
            180 => Matrix { a: -1.0, b: 0.0, c: 0.0, d: 1.0, e: x1, f: -y0 },
            270 => Matrix { a: 0.0, b: -1.0, c: -1.0, d: 0.0, e: y1, f: x1 },
            _ => Matrix { a: 1.0, b: 0.0, c: 0.0, d: -1.0, e: -x0, f: y1 },
        }
    }
}

/// An axis-aligned rectangle in page space.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect { x0: x0.min(x1), y0: y0.min(y1), x1: x0.max(x1), y1: y0.max(y1) }
    }

    /// The bounding box of points.
    pub fn around(points: &[(f64, f64)]) -> Rect {
        let mut r = Rect { x0: f64::MAX, y0: f64::MAX, x1: f64::MIN, y1: f64::MIN };
        for &(x, y) in points {
            r.x0 = r.x0.min(x);
            r.y0 = r.y0.min(y);
            r.x1 = r.x1.max(x);
            r.y1 = r.y1.max(y);
        }
        r
    }

    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    pub fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    pub fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }

    pub fn union(&self, o: &Rect) -> Rect {
        Rect { x0: self.x0.min(o.x0), y0: self.y0.min(o.y0), x1: self.x1.max(o.x1), y1: self.y1.max(o.y1) }
    }

    pub fn contains_point(&self, x: f64, y: f64) -> bool {
        self.x0 <= x && x <= self.x1 && self.y0 <= y && y <= self.y1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn page_space_puts_the_origin_top_left_for_every_rotation() {
        let crop = [0.0, 0.0, 600.0, 800.0];
        let m = Matrix::page(crop, 0);
        assert!(close(m.apply(0.0, 800.0), (0.0, 0.0)));
        // Rotated 90° clockwise: the top left of the displayed page is the original bottom left.
        let m = Matrix::page(crop, 90);
        assert!(close(m.apply(0.0, 0.0), (0.0, 0.0)));
        assert!(close(m.apply(600.0, 0.0), (0.0, 600.0)));
        let m = Matrix::page(crop, 270);
        assert!(close(m.apply(600.0, 800.0), (0.0, 0.0)));
        let m = Matrix::page(crop, 180);
        assert!(close(m.apply(600.0, 0.0), (0.0, 0.0)));
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        let scale = Matrix::new([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let shift = Matrix::translate(10.0, 0.0);
        assert!(close(scale.then(shift).apply(1.0, 1.0), (12.0, 2.0)));
        assert!(close(shift.then(scale).apply(1.0, 1.0), (22.0, 2.0)));
    }
}
