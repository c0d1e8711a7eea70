//! The toolbar's icons, drawn as vector shapes in the button's text colour (so they follow the
//! theme and the disabled state, and need no image files or icon font).

use egui::epaint::{PathShape, PathStroke};
use egui::{pos2, vec2, Atom, Color32, Painter, Pos2, Rect, Stroke};

/// An icon of the toolbar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    /// A new page.
    New,
    /// A folder.
    Open,
    /// A disk.
    Save,
    /// A disk with a pen.
    SaveAs,
    /// A check mark.
    Validate,
    /// A padlock.
    Protect,
    /// Two linked nodes.
    Connectivity,
    /// A key.
    Login,
    /// A triangle.
    Start,
    /// A square.
    Stop,
    /// A circular arrow.
    Restart,
}

/// The icon's edge, in points.
pub const SIZE: f32 = 14.0;

/// The icon as an atom for a button: `Button::new((icon(Icon::Save), "Save"))`.
pub fn icon(icon: Icon) -> Atom<'static> {
    Atom::paint(vec2(SIZE, SIZE), move |ui, args| paint(ui.painter(), icon, args.rect, args.fallback_text_color))
}

/// A toolbar button: the icon, if any, then the label (which stays the button's accessible name).
pub fn button(icon_of: Option<Icon>, label: &str) -> egui::Button<'static> {
    let text = label.to_owned();
    match icon_of {
        Some(i) => egui::Button::new((icon(i), text)),
        None => egui::Button::new(text),
    }
}

fn at(rect: Rect, x: f32, y: f32) -> Pos2 {
    pos2(rect.left() + x * rect.width(), rect.top() + y * rect.height())
}

fn polyline(painter: &Painter, points: Vec<Pos2>, stroke: Stroke) {
    painter.add(PathShape::line(points, PathStroke::new(stroke.width, stroke.color)));
}

/// Draws `icon` in `rect` with `colour`.
pub fn paint(painter: &Painter, icon: Icon, rect: Rect, colour: Color32) {
    let stroke = Stroke::new(1.4, colour);
    let r = rect.shrink(1.0);
    let p = |x: f32, y: f32| at(r, x, y);
    match icon {
        Icon::New => {
            polyline(
                painter,
                vec![p(0.2, 0.0), p(0.62, 0.0), p(0.85, 0.25), p(0.85, 1.0), p(0.2, 1.0), p(0.2, 0.0)],
                stroke,
            );
            polyline(painter, vec![p(0.62, 0.0), p(0.62, 0.25), p(0.85, 0.25)], stroke);
        }
        Icon::Open => {
            polyline(
                painter,
                vec![p(0.0, 0.15), p(0.38, 0.15), p(0.48, 0.3), p(1.0, 0.3), p(1.0, 0.9), p(0.0, 0.9), p(0.0, 0.15)],
                stroke,
            );
        }
        Icon::Save | Icon::SaveAs => {
            polyline(
                painter,
                vec![p(0.0, 0.0), p(0.8, 0.0), p(1.0, 0.2), p(1.0, 1.0), p(0.0, 1.0), p(0.0, 0.0)],
                stroke,
            );
            painter.rect_stroke(Rect::from_min_max(p(0.25, 0.0), p(0.7, 0.32)), 0.0, stroke, egui::StrokeKind::Middle);
            painter.rect_stroke(Rect::from_min_max(p(0.22, 0.58), p(0.78, 1.0)), 0.0, stroke, egui::StrokeKind::Middle);
            if icon == Icon::SaveAs {
                painter.line_segment([p(0.55, 0.95), p(1.05, 0.45)], Stroke::new(2.0, colour));
            }
        }
        Icon::Validate => {
            polyline(painter, vec![p(0.05, 0.55), p(0.38, 0.88), p(0.95, 0.12)], Stroke::new(2.0, colour))
        }
        Icon::Protect => {
            painter.rect_filled(Rect::from_min_max(p(0.12, 0.45), p(0.88, 1.0)), 1.5, colour);
            let shackle: Vec<Pos2> = (0..=12)
                .map(|i| {
                    let a = std::f32::consts::PI * (i as f32 / 12.0);
                    p(0.5 - 0.25 * a.cos(), 0.45 - 0.4 * a.sin())
                })
                .collect();
            polyline(painter, shackle, stroke);
        }
        Icon::Connectivity => {
            painter.line_segment([p(0.2, 0.8), p(0.8, 0.2)], stroke);
            painter.circle_filled(p(0.2, 0.8), r.width() * 0.17, colour);
            painter.circle_filled(p(0.8, 0.2), r.width() * 0.17, colour);
        }
        Icon::Login => {
            painter.circle_stroke(p(0.28, 0.5), r.width() * 0.24, stroke);
            polyline(painter, vec![p(0.52, 0.5), p(1.0, 0.5), p(1.0, 0.72)], stroke);
            painter.line_segment([p(0.8, 0.5), p(0.8, 0.7)], stroke);
        }
        Icon::Start => {
            painter.add(egui::Shape::convex_polygon(
                vec![p(0.15, 0.05), p(0.95, 0.5), p(0.15, 0.95)],
                colour,
                Stroke::NONE,
            ));
        }
        Icon::Stop => {
            painter.rect_filled(Rect::from_min_max(p(0.12, 0.12), p(0.88, 0.88)), 1.0, colour);
        }
        Icon::Restart => {
            let arc: Vec<Pos2> = (0..=16)
                .map(|i| {
                    let a = -0.35 + 5.2 * (i as f32 / 16.0);
                    p(0.5 + 0.42 * a.cos(), 0.5 + 0.42 * a.sin())
                })
                .collect();
            let tip = *arc.last().unwrap_or(&p(0.5, 0.5));
            polyline(painter, arc, stroke);
            painter.add(egui::Shape::convex_polygon(
                vec![tip + vec2(-3.5, -1.0), tip + vec2(2.0, -3.5), tip + vec2(1.5, 2.5)],
                colour,
                Stroke::NONE,
            ));
        }
    }
}
