//! TUI state of the facility registry and the patrol screens (issue 16).

use crate::domain::sanitize::escape_line;
use crate::domain::{Facility, Patrol, Place};
use crate::ops::VisitRow;

/// The registry screen: the facilities, the one selected, and the latest patrol visit of each
/// key site.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FacilitiesState {
    /// None until loaded.
    pub list: Option<Vec<Facility>>,
    pub selected: usize,
    /// Names typed on past records with no registry entry.
    pub unregistered: Vec<String>,
    /// The patrol log, newest first.
    pub log: Vec<VisitRow>,
    /// Which side the keys move: the facilities, or the selected facility's places.
    pub pane: RegistryPane,
    /// The selected place of the current facility (an index into its `places`).
    pub place: usize,
    /// The facility (and place) to select when the registry next arrives: what was just
    /// added or edited.
    pub want: Option<(uuid::Uuid, Option<uuid::Uuid>)>,
}

/// The side of the registry screen the keys act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegistryPane {
    #[default]
    Facilities,
    Places,
}

impl FacilitiesState {
    pub fn current(&self) -> Option<&Facility> {
        self.list.as_ref().and_then(|l| l.get(self.selected))
    }

    /// The selected place, when the places pane has the keys.
    pub fn current_place(&self) -> Option<&Place> {
        match self.pane {
            RegistryPane::Places => self.current()?.places.get(self.place),
            RegistryPane::Facilities => None,
        }
    }

    /// Every visit of one place, newest first (the site's patrol log).
    pub fn visits_of<'a>(
        &'a self,
        f: &'a Facility,
        place: &'a Place,
    ) -> impl Iterator<Item = &'a VisitRow> + 'a {
        self.log
            .iter()
            .filter(move |r| r.facility == f.name && r.site == place.path)
    }

    /// Takes a newly loaded registry, selecting what `want` names (else keeping the
    /// selection within the lists).
    pub fn loaded(&mut self, facilities: Vec<Facility>) {
        if let Some((fid, pid)) = self.want.take()
            && let Some(i) = facilities.iter().position(|f| f.id == fid)
        {
            self.selected = i;
            if let Some(j) = pid.and_then(|p| facilities[i].places.iter().position(|x| x.id == p)) {
                self.place = j;
            }
        }
        self.selected = self.selected.min(facilities.len().saturating_sub(1));
        let places = facilities.get(self.selected).map_or(0, |f| f.places.len());
        self.place = self.place.min(places.saturating_sub(1));
        self.list = Some(facilities);
    }

    /// The latest visit of a place, from the log.
    pub fn last_visit(&self, f: &Facility, place: &Place) -> Option<&VisitRow> {
        self.log
            .iter()
            .find(|r| r.facility == f.name && r.site == place.path)
    }
}

/// One patrol under way: the facility's key sites in order, the cursor, and the sites whose
/// visit is being saved.
#[derive(Debug, Clone, PartialEq)]
pub struct PatrolState {
    pub facility: Facility,
    pub patrol: Patrol,
    pub cursor: usize,
    /// Key sites sent to be saved, not yet confirmed (shown as 保存中).
    pub pending: Vec<uuid::Uuid>,
    /// The number (YH-…) of each hazard an 异常 of this patrol recorded, by hazard id.
    pub hazards: std::collections::BTreeMap<uuid::Uuid, String>,
}

impl PatrolState {
    pub fn sites(&self) -> Vec<&Place> {
        self.facility.key_sites().collect()
    }

    /// The key site under the cursor.
    pub fn current_site(&self) -> Option<&Place> {
        self.sites().get(self.cursor).copied()
    }

    /// The next site after `from` with no visit and nothing pending, if any.
    pub fn next_open(&self, from: usize) -> Option<usize> {
        let sites = self.sites();
        (from..sites.len()).chain(0..from).find(|i| {
            self.patrol.visit_of(sites[*i].id).is_none() && !self.pending.contains(&sites[*i].id)
        })
    }
}

/// A facility with every text shown escaped (text from other devices is hostile).
pub fn escaped_facility(mut f: Facility) -> Facility {
    for s in [
        &mut f.name,
        &mut f.address,
        &mut f.head,
        &mut f.head_phone,
        &mut f.deputy,
        &mut f.deputy_phone,
        &mut f.officer,
        &mut f.officer_phone,
    ] {
        *s = escape_line(s).into_owned();
    }
    for a in &mut f.aliases {
        *a = escape_line(a).into_owned();
    }
    for p in &mut f.places {
        for s in [
            &mut p.name,
            &mut p.path,
            &mut p.measures,
            &mut p.responsible,
        ] {
            *s = escape_line(s).into_owned();
        }
    }
    for c in &mut f.conflicts {
        for (_, v) in &mut c.values {
            *v = escape_line(v).into_owned();
        }
    }
    f
}

/// A patrol with its notes and patroller escaped.
pub fn escaped_patrol(mut p: Patrol) -> Patrol {
    p.patroller = escape_line(&p.patroller).into_owned();
    for v in &mut p.visits {
        v.note = escape_line(&v.note).into_owned();
        v.author = escape_line(&v.author).into_owned();
    }
    p
}

/// A log row escaped.
pub fn escaped_row(mut r: VisitRow) -> VisitRow {
    for s in [&mut r.facility, &mut r.site, &mut r.note, &mut r.patroller] {
        *s = escape_line(s).into_owned();
    }
    r
}
