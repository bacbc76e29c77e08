//! The photo drawn in a hazard's detail where the terminal shows pictures (issue 18): which
//! one (`]` / `[` step through them), asking the worker to encode it, and taking its answer.
//! Without pictures (`App::images` false) nothing here acts and the detail keeps its list.

use super::Effect;
use crate::tui::app::{App, Screen};
use crate::tui::photo_view::{IMAGE_COLS, IMAGE_ROWS, PhotoImage, PhotoView, ViewImage};

/// Makes the detail on top show its photo (the one chosen, else the first), asking the worker
/// for it unless it is drawn or asked for already. Called when a detail opens or its hazard
/// changes (a photo attached or removed).
pub fn request(app: &mut App) -> Vec<Effect> {
    if !app.images {
        return vec![];
    }
    let Some(Screen::Detail(d)) = app.stack.last_mut() else {
        return vec![];
    };
    let photos = &d.finding.photos;
    if photos.is_empty() {
        d.view = None;
        return vec![];
    }
    // The photo shown stays shown when others come or go (found by hash), else the same place.
    let index = match &d.view {
        Some(v) => photos
            .iter()
            .position(|p| p.hash == v.hash)
            .unwrap_or(v.index.min(photos.len() - 1)),
        None => 0,
    };
    let hash = photos[index].hash.clone();
    if let Some(v) = &mut d.view
        && v.hash == hash
    {
        v.index = index;
        return vec![];
    }
    d.view = Some(PhotoView {
        index,
        hash: hash.clone(),
        image: ViewImage::Loading,
    });
    vec![Effect::ShowPhoto {
        hash,
        cols: IMAGE_COLS,
        rows: IMAGE_ROWS,
    }]
}

/// `]` (by 1) or `[` (by -1): the next or previous photo, round the end.
pub fn step(app: &mut App, by: isize) -> Vec<Effect> {
    if !app.images {
        super::say(
            app,
            crate::tui::app::MessageKind::Info,
            "此终端不显示图片：按 o 用系统查看器逐张打开",
        );
        return vec![];
    }
    let Some(Screen::Detail(d)) = app.stack.last_mut() else {
        return vec![];
    };
    let n = d.finding.photos.len();
    if n == 0 {
        return vec![];
    }
    let at = d.view.as_ref().map_or(0, |v| v.index) as isize;
    let index = (at + by).rem_euclid(n as isize) as usize;
    d.view = Some(PhotoView {
        index,
        // Not the photo's hash yet: `request` asks for it.
        hash: String::new(),
        image: ViewImage::Loading,
    });
    d.next_photo = index;
    request(app)
}

/// The worker's answer: drawn if it is still the photo shown (a quick `]` may have moved on).
pub fn shown(app: &mut App, hash: &str, image: Result<PhotoImage, String>) {
    for s in app.stack.iter_mut().rev() {
        if let Screen::Detail(d) = s
            && let Some(v) = &mut d.view
            && v.hash == hash
        {
            v.image = match image {
                Ok(img) => ViewImage::Ready(img),
                Err(why) => ViewImage::Missing(why),
            };
            return;
        }
    }
}
