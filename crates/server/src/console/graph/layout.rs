//! Where the graph's text goes. The server draws the graph, so it cannot
//! measure text: the graph's text is set in a monospace font (see
//! `console.css`), whose width this module estimates from the number of
//! characters, generously. Nodes sit on a circle far enough apart that their
//! captions do not meet; each edge label is put beside its curve where its box
//! overlaps no node, no other label, no curve and stays inside the drawing,
//! shortened with an ellipsis when the full text does not fit (the full text
//! is the edge's tooltip). A label with no free place is left out.

use std::f64::consts::{FRAC_PI_2, PI};

/// Width of one character cell, in ems, a little more than common
/// monospace fonts' (0.6); characters beyond ASCII count as two cells.
const ADVANCE: f64 = 0.62;
/// Font size of a node's caption (`.graph .node text`).
pub const NODE_FONT: f64 = 12.0;
/// Font size of an edge label (`.graph .edge-label`).
const EDGE_FONT: f64 = 11.0;
/// Radius of a node's circle, as drawn, with room for its widest outline.
pub const NODE_RADIUS: f64 = 22.0;
const NODE_OUTLINE: f64 = 3.0;
/// The first caption line's baseline below the node's centre, and the step
/// between lines, as `templates/graph.html` draws them.
pub const CAPTION_TOP: f64 = 38.0;
pub const CAPTION_STEP: f64 = 15.0;
/// Character cells of a caption line at most.
pub const CAPTION_CELLS: usize = 26;
/// Caption lines of a node at most (a partner's).
const CAPTION_LINES: usize = 6;
/// Character cells an edge label tries, longest first.
const LABEL_CELLS: [usize; 3] = [40, 26, 16];
/// Clearance kept around a label.
const CLEARANCE: f64 = 4.0;
/// Room left free at the edge of the drawing.
const MARGIN: f64 = 6.0;

/// A point of the drawing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// An upright rectangle.
#[derive(Clone, Copy, Debug)]
pub struct Rect {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Rect {
    fn around(center: Point, width: f64, height: f64) -> Rect {
        Rect {
            left: center.x - width / 2.0,
            top: center.y - height / 2.0,
            right: center.x + width / 2.0,
            bottom: center.y + height / 2.0,
        }
    }

    fn grown(self, by: f64) -> Rect {
        Rect { left: self.left - by, top: self.top - by, right: self.right + by, bottom: self.bottom + by }
    }

    fn overlaps(&self, other: &Rect) -> bool {
        self.left < other.right && other.left < self.right && self.top < other.bottom && other.top < self.bottom
    }

    fn within(&self, outer: &Rect) -> bool {
        self.left >= outer.left && self.right <= outer.right && self.top >= outer.top && self.bottom <= outer.bottom
    }

    fn contains(&self, p: Point) -> bool {
        p.x >= self.left && p.x <= self.right && p.y >= self.top && p.y <= self.bottom
    }

    /// Whether the segment from `a` to `b` touches the rectangle (clipped
    /// against each side in turn, Liang–Barsky).
    fn meets_segment(&self, a: Point, b: Point) -> bool {
        if self.contains(a) || self.contains(b) {
            return true;
        }
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let (mut from, mut to) = (0.0_f64, 1.0_f64);
        for (p, q) in [(-dx, a.x - self.left), (dx, self.right - a.x), (-dy, a.y - self.top), (dy, self.bottom - a.y)] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    from = from.max(r);
                } else {
                    to = to.min(r);
                }
                if from > to {
                    return false;
                }
            }
        }
        true
    }
}

/// Character cells `text` takes: one per ASCII character, two per other.
fn cells(text: &str) -> usize {
    text.chars().map(char_cells).sum()
}

fn char_cells(c: char) -> usize {
    if c.is_ascii() {
        1
    } else {
        2
    }
}

fn text_width(text: &str, font: f64) -> f64 {
    cells(text) as f64 * font * ADVANCE
}

/// `text` in at most `max` cells: as it is, or cut with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    if cells(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 2; // the ellipsis
    for c in text.chars() {
        used += char_cells(c);
        if used > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Nodes on a circle, in the given order, with room for their captions, and
/// the drawing's width and height.
pub fn positions(n: usize) -> (Vec<Point>, f64, f64) {
    let caption_width = CAPTION_CELLS as f64 * NODE_FONT * ADVANCE;
    // Neighbours are at least a caption's width (and some) apart.
    let apart = caption_width + 24.0;
    let radius = if n < 2 { 0.0 } else { (apart / (2.0 * (PI / n as f64).sin())).clamp(230.0, 1200.0) };
    // Beside the circle: half a caption, and room for the labels of edges outside it.
    let side = caption_width / 2.0 + 2.0 * MARGIN + 50.0;
    let above = NODE_RADIUS + NODE_OUTLINE + 20.0;
    let below = CAPTION_TOP + CAPTION_STEP * (CAPTION_LINES - 1) as f64 + 20.0;
    let width = (2.0 * radius + 2.0 * side).max(2.0 * side);
    // Two nodes side by side (with room above for the labels of curves bent
    // upwards); more start at the top.
    let (first, center_y, height) = match n {
        2 => (PI, above + 50.0, above + 50.0 + below),
        _ => (-FRAC_PI_2, radius + above, 2.0 * radius + above + below),
    };
    let center = Point { x: width / 2.0, y: center_y };
    let points = match n {
        0 => Vec::new(),
        1 => vec![center],
        _ => (0..n)
            .map(|i| {
                let angle = first + 2.0 * PI * i as f64 / n as f64;
                Point { x: center.x + radius * angle.cos(), y: center.y + radius * angle.sin() }
            })
            .collect(),
    };
    (points, width.round(), height.round())
}

/// The box a node takes: its circle and its caption lines below it.
pub fn node_box(center: Point, lines: &[String]) -> Rect {
    let widest = lines.iter().map(|l| text_width(l, NODE_FONT)).fold(0.0, f64::max);
    let half = (widest / 2.0).max(NODE_RADIUS + NODE_OUTLINE);
    let last_baseline = CAPTION_TOP + CAPTION_STEP * lines.len().saturating_sub(1) as f64;
    Rect {
        left: center.x - half,
        top: center.y - NODE_RADIUS - NODE_OUTLINE,
        right: center.x + half,
        bottom: center.y + last_baseline + NODE_FONT * 0.35,
    }
}

/// A quadratic curve.
#[derive(Clone, Copy, Debug)]
pub struct Curve {
    from: Point,
    control: Point,
    to: Point,
}

/// Segments a curve is checked as.
const SEGMENTS: usize = 32;

impl Curve {
    /// From `a` to `b`, bent by `bend` pixels to one side at its middle.
    pub fn new(a: Point, b: Point, bend: f64) -> Curve {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let length = (dx * dx + dy * dy).sqrt().max(1.0);
        let (nx, ny) = (-dy / length, dx / length);
        let control = Point { x: (a.x + b.x) / 2.0 + nx * bend * 2.0, y: (a.y + b.y) / 2.0 + ny * bend * 2.0 };
        Curve { from: a, control, to: b }
    }

    /// SVG path data.
    pub fn path(&self) -> String {
        let (a, c, b) = (self.from, self.control, self.to);
        format!("M{:.0} {:.0} Q{:.0} {:.0} {:.0} {:.0}", a.x, a.y, c.x, c.y, b.x, b.y)
    }

    /// The distance between its ends.
    fn span(&self) -> f64 {
        (self.to.x - self.from.x).hypot(self.to.y - self.from.y)
    }

    fn at(&self, t: f64) -> Point {
        let (a, c, b) = (self.from, self.control, self.to);
        let u = 1.0 - t;
        Point { x: u * u * a.x + 2.0 * u * t * c.x + t * t * b.x, y: u * u * a.y + 2.0 * u * t * c.y + t * t * b.y }
    }

    /// The unit normal at `t`.
    fn normal(&self, t: f64) -> Point {
        let (a, c, b) = (self.from, self.control, self.to);
        let dx = 2.0 * (1.0 - t) * (c.x - a.x) + 2.0 * t * (b.x - c.x);
        let dy = 2.0 * (1.0 - t) * (c.y - a.y) + 2.0 * t * (b.y - c.y);
        let length = (dx * dx + dy * dy).sqrt();
        if length == 0.0 {
            Point { x: 0.0, y: -1.0 }
        } else {
            Point { x: -dy / length, y: dx / length }
        }
    }

    fn points(&self) -> Vec<Point> {
        (0..=SEGMENTS).map(|i| self.at(i as f64 / SEGMENTS as f64)).collect()
    }
}

/// A curve as the segments it is checked as, with the box around them.
struct Polyline {
    points: Vec<Point>,
    bounds: Rect,
}

impl Polyline {
    fn of(curve: &Curve) -> Polyline {
        let points = curve.points();
        let mut bounds = Rect { left: f64::MAX, top: f64::MAX, right: f64::MIN, bottom: f64::MIN };
        for p in &points {
            bounds = Rect {
                left: bounds.left.min(p.x),
                top: bounds.top.min(p.y),
                right: bounds.right.max(p.x),
                bottom: bounds.bottom.max(p.y),
            };
        }
        Polyline { points, bounds }
    }

    fn meets(&self, r: &Rect) -> bool {
        self.bounds.overlaps(r) && self.points.windows(2).any(|w| r.meets_segment(w[0], w[1]))
    }
}

/// A placed label: the text shown and its centre.
#[derive(Debug, PartialEq)]
pub struct Placed {
    pub text: String,
    pub at: Point,
}

/// Place each curve's label (in the order given; `None`: left out) in a
/// drawing of `width` × `height` with these node boxes. The curves with the
/// least room (the shortest) are served first.
pub fn place_labels(width: f64, height: f64, nodes: Vec<Rect>, labels: &[(Curve, &str)]) -> Vec<Option<Placed>> {
    let curves: Vec<Curve> = labels.iter().map(|(c, _)| *c).collect();
    let mut space = Space::new(width, height, nodes, &curves);
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by(|a, b| curves[*a].span().total_cmp(&curves[*b].span()));
    let mut placed: Vec<Option<Placed>> = labels.iter().map(|_| None).collect();
    for i in order {
        placed[i] = space.place(&labels[i].0, labels[i].1);
    }
    placed
}

/// The drawing's occupied space, as labels are placed one by one.
struct Space {
    panel: Rect,
    taken: Vec<Rect>,
    curves: Vec<Polyline>,
}

impl Space {
    /// A drawing of `width` × `height` with these node boxes and curves.
    fn new(width: f64, height: f64, nodes: Vec<Rect>, curves: &[Curve]) -> Space {
        let panel = Rect { left: 0.0, top: 0.0, right: width, bottom: height }.grown(-MARGIN);
        Space { panel, taken: nodes, curves: curves.iter().map(Polyline::of).collect() }
    }

    fn free(&self, r: &Rect) -> bool {
        let clear = r.grown(CLEARANCE);
        r.within(&self.panel)
            && !self.taken.iter().any(|t| t.overlaps(&clear))
            && !self.curves.iter().any(|c| c.meets(&clear))
    }

    /// Put `text` beside `curve`: near the middle first, on either side, as
    /// long as fits. `None` when there is no free place.
    fn place(&mut self, curve: &Curve, text: &str) -> Option<Placed> {
        // From the middle outwards, on either side of it.
        const ALONG: [f64; 19] = [
            0.5, 0.46, 0.54, 0.42, 0.58, 0.38, 0.62, 0.34, 0.66, 0.3, 0.7, 0.26, 0.74, 0.22, 0.78, 0.18, 0.82, 0.14,
            0.86,
        ];
        let height = EDGE_FONT * 1.3;
        for most in LABEL_CELLS {
            let shown = shorten(text, most);
            let width = text_width(&shown, EDGE_FONT);
            for t in ALONG {
                let (p, n) = (curve.at(t), curve.normal(t));
                // Far enough along the normal that the box clears the curve here.
                let reach = (n.x.abs() * width + n.y.abs() * height) / 2.0 + CLEARANCE + 3.0;
                for (side, away) in [(1.0, 0.0), (-1.0, 0.0), (1.0, 12.0), (-1.0, 12.0), (1.0, 30.0), (-1.0, 30.0)] {
                    let d = side * (reach + away);
                    let at = Point { x: p.x + n.x * d, y: p.y + n.y * d };
                    let r = Rect::around(at, width, height);
                    if self.free(&r) {
                        self.taken.push(r);
                        return Some(Placed { text: shown, at });
                    }
                }
            }
            if cells(text) <= most {
                break; // the shorter tries would show the same text
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_an_ellipsis_within_its_cells() {
        assert_eq!(shorten("SUBSIDIARY ACTIVE", 40), "SUBSIDIARY ACTIVE");
        let cut = shorten("OPPORTUNITY_COLLABORATION PENDING · expires 2027-02-06T06:07:10.000Z", 26);
        assert_eq!(cut, "OPPORTUNITY_COLLABORATIO…");
        assert!(cells(&cut) <= 26);
        assert!(cells(&shorten("ÄÄÄÄÄÄÄÄÄÄ", 9)) <= 9);
    }

    #[test]
    fn nodes_and_their_captions_fit_the_drawing_and_keep_apart() {
        let caption = vec!["W".repeat(CAPTION_CELLS); CAPTION_LINES];
        for n in [1, 2, 3, 12, 20] {
            let (points, width, height) = positions(n);
            assert_eq!(points.len(), n);
            let panel = Rect { left: 0.0, top: 0.0, right: width, bottom: height };
            let boxes: Vec<Rect> = points.iter().map(|p| node_box(*p, &caption)).collect();
            for (i, b) in boxes.iter().enumerate() {
                assert!(b.within(&panel), "{n} nodes: {b:?} in {width}x{height}");
                for other in &boxes[i + 1..] {
                    assert!(!b.overlaps(other), "{n} nodes: {b:?} meets {other:?}");
                }
            }
        }
    }

    #[test]
    fn a_label_sits_beside_its_curve_clear_of_nodes() {
        let (a, b) = (Point { x: 100.0, y: 100.0 }, Point { x: 500.0, y: 100.0 });
        let curve = Curve::new(a, b, 0.0);
        assert_eq!(curve.path(), "M100 100 Q300 100 500 100");
        let nodes = vec![node_box(a, &["a".into()]), node_box(b, &["b".into()])];
        let mut space = Space::new(600.0, 300.0, nodes.clone(), &[curve]);
        let placed = space.place(&curve, "OPPORTUNITY_COLLABORATION ACTIVE");
        let placed = placed.unwrap_or_else(|| panic!("no place"));
        assert_eq!(placed.text, "OPPORTUNITY_COLLABORATION ACTIVE");
        assert!((placed.at.x - 300.0).abs() < 1.0 && placed.at.y != 100.0, "beside the middle: {placed:?}");
        let r = Rect::around(placed.at, text_width(&placed.text, EDGE_FONT), EDGE_FONT * 1.3);
        assert!(!Polyline::of(&curve).meets(&r));
        assert!(nodes.iter().all(|n| !n.overlaps(&r)));
        // The same text again goes to the other side, never on the first.
        let second = space.place(&curve, "OPPORTUNITY_COLLABORATION ACTIVE").unwrap_or_else(|| panic!("no place"));
        assert!((second.at.y - 100.0) * (placed.at.y - 100.0) < 0.0, "{placed:?} {second:?}");
    }

    #[test]
    fn a_label_with_no_room_is_left_out() {
        let curve = Curve::new(Point { x: 10.0, y: 20.0 }, Point { x: 90.0, y: 20.0 }, 0.0);
        let mut space = Space::new(100.0, 40.0, Vec::new(), &[curve]);
        assert_eq!(space.place(&curve, "OPPORTUNITY_COLLABORATION ACTIVE"), None);
    }

    #[test]
    fn segments_meet_a_rectangle_only_when_they_cross_it() {
        let r = Rect { left: 0.0, top: 0.0, right: 10.0, bottom: 10.0 };
        assert!(r.meets_segment(Point { x: -5.0, y: 5.0 }, Point { x: 15.0, y: 5.0 }));
        assert!(!r.meets_segment(Point { x: -5.0, y: 11.0 }, Point { x: 15.0, y: 11.0 }));
        assert!(!r.meets_segment(Point { x: -5.0, y: -1.0 }, Point { x: -1.0, y: -5.0 }));
        assert!(r.meets_segment(Point { x: 5.0, y: 5.0 }, Point { x: 50.0, y: 50.0 }), "from inside");
        assert!(!r.meets_segment(Point { x: 11.0, y: -5.0 }, Point { x: 20.0, y: 5.0 }));
    }
}
