//! The events of many entities gathered in bulk for their `ent` entries (`ent.rs`): a
//! rebuild's whole log, or the groups of an import or a demo whose views wait for the end
//! (`import::Deferred`).
//!
//! A pair is 16 bytes: the entity as a number given as first seen, the device as an index,
//! the seq. The 628,000 events of the 100,000-hazard store take 10 MB and their 114,000
//! entities 4 MB with their map. Held as a map from each entity's 17-byte key to a vector of
//! (device, seq), the same events took about 30 MB; as pairs holding the key, 20 MB (33 MB
//! with the vector's doubling).

use super::ent::Ref;
use std::collections::HashMap;
use uuid::Uuid;

/// The `ent` key of an entity: tag and id (`views::entity_prefix`).
pub(crate) type EntityKey = [u8; 17];

/// (entity, event) pairs as they come; [`RefPairs::into_sorted`] gives them entity by entity.
#[derive(Debug, Default)]
pub(crate) struct RefPairs {
    devices: Vec<Uuid>,
    device_index: HashMap<Uuid, u32>,
    /// The device of the pair added last, and its index.
    last_device: Option<(Uuid, u32)>,
    entities: Vec<EntityKey>,
    numbered: HashMap<EntityKey, u32>,
    pairs: Vec<(u32, u32, u64)>,
}

impl RefPairs {
    /// Notes that event `seq` of `device` belongs to `entity`.
    pub(crate) fn add(&mut self, entity: EntityKey, device: Uuid, seq: u64) {
        // Events come device by device: the device just seen is checked first, and a
        // bundle naming thousands of devices in turn costs a map lookup each, not a search.
        let d = match self.last_device {
            Some((last, d)) if last == device => d,
            _ => *self.device_index.entry(device).or_insert_with(|| {
                self.devices.push(device);
                (self.devices.len() - 1) as u32
            }),
        };
        self.last_device = Some((device, d));
        let e = *self.numbered.entry(entity).or_insert_with(|| {
            self.entities.push(entity);
            (self.entities.len() - 1) as u32
        });
        self.pairs.push((e, d, seq));
    }

    /// The pairs sorted by entity key, then device and seq.
    pub(crate) fn into_sorted(self) -> SortedRefs {
        let RefPairs {
            devices,
            device_index,
            last_device: _,
            entities,
            numbered,
            mut pairs,
        } = self;
        drop((device_index, numbered));
        // The vector doubled as it grew: up to 6 MB of it unused at 628,000 events.
        pairs.shrink_to_fit();
        // Entities renumbered in key order, so the sorted pairs come entity by entity in the
        // order `ent` keeps them.
        let mut in_key_order: Vec<u32> = (0..entities.len() as u32).collect();
        in_key_order.sort_unstable_by_key(|&e| entities[e as usize]);
        let mut rank = vec![0u32; entities.len()];
        for (r, &e) in in_key_order.iter().enumerate() {
            rank[e as usize] = r as u32;
        }
        for p in &mut pairs {
            p.0 = rank[p.0 as usize];
        }
        drop(rank);
        pairs.sort_unstable();
        SortedRefs {
            devices,
            entities,
            in_key_order,
            pairs,
        }
    }
}

/// [`RefPairs`] sorted: [`SortedRefs::groups`] gives each entity's events.
pub(crate) struct SortedRefs {
    devices: Vec<Uuid>,
    entities: Vec<EntityKey>,
    in_key_order: Vec<u32>,
    pairs: Vec<(u32, u32, u64)>,
}

impl SortedRefs {
    /// Each entity's key and its events, entities in key order.
    pub(crate) fn groups(&self) -> impl Iterator<Item = (EntityKey, Vec<Ref>)> + '_ {
        self.pairs.chunk_by(|a, b| a.0 == b.0).map(|group| {
            let key = self.entities[self.in_key_order[group[0].0 as usize] as usize];
            let refs = group
                .iter()
                .map(|&(_, d, seq)| (self.devices[d as usize], seq))
                .collect();
            (key, refs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_come_back_entity_by_entity_in_key_order() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let key = |tag: u8, n: u8| {
            let mut k = [0u8; 17];
            k[0] = tag;
            k[16] = n;
            k
        };
        let mut p = RefPairs::default();
        p.add(key(b'i', 1), b, 3);
        p.add(key(b'f', 9), b, 4);
        p.add(key(b'f', 2), a, 1);
        p.add(key(b'f', 9), a, 2);
        p.add(key(b'i', 1), b, 1);
        let groups: Vec<_> = p.into_sorted().groups().collect();
        assert_eq!(
            groups,
            vec![
                (key(b'f', 2), vec![(a, 1)]),
                // Devices in the order first seen, seqs ascending: `ent::encode` sorts anyway.
                (key(b'f', 9), vec![(b, 4), (a, 2)]),
                (key(b'i', 1), vec![(b, 1), (b, 3)]),
            ]
        );
    }
}
