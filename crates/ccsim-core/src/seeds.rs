//! Seed derivation: every random stream of a replication is seeded from
//! (scenario seed, replication, stream, purpose) alone, so results never depend on thread
//! count or scheduling, and two variants of a scenario see the same customers.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// What a random stream is used for; each purpose gets an independent stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Inter-arrival times of an arrival stream.
    ArrivalTimes = 1,
    /// Patience draws of an arrival stream's contacts.
    Patience = 2,
    /// Per-contact seeds for handle-time draws.
    ContactSeeds = 3,
    /// Busyness factors of a channel (the stream number is the channel's).
    Busyness = 4,
    /// Copies of replayed log rows (volume scaling, bootstrap).
    ReplayCopies = 5,
    /// Which busy agents of a group leave when its staffing drops (the stream number is
    /// the group's).
    Staffing = 6,
}

/// The SplitMix64 finaliser: a bijective mix of 64 bits.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The generator of one stream of one replication.
pub fn stream_rng(
    seed: u64,
    replication: u32,
    stream: u32,
    purpose: Purpose,
) -> Xoshiro256PlusPlus {
    let key = mix(mix(mix(seed) ^ replication as u64) ^ ((stream as u64) << 8 | purpose as u64));
    Xoshiro256PlusPlus::seed_from_u64(key)
}

/// The generator of a contact's own draws, from the seed it was given on arrival.
#[inline]
pub fn contact_rng(contact_seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(contact_seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngExt};

    /// The first draw of each contact's own stream (a resolve or containment draw) is
    /// uniform over the contacts of a stream.
    #[test]
    fn first_draw_of_contact_streams_is_uniform() {
        for rep in 0..3 {
            let mut seeds = stream_rng(1, rep, 0, Purpose::ContactSeeds);
            let n = 200_000;
            let mut below = [0u32; 4];
            for _ in 0..n {
                let mut r = contact_rng(seeds.next_u64());
                let u: f64 = r.random();
                for (i, p) in [0.25, 0.5, 0.55, 0.75].iter().enumerate() {
                    below[i] += (u < *p) as u32;
                }
            }
            for (i, p) in [0.25f64, 0.5, 0.55, 0.75].iter().enumerate() {
                let share = below[i] as f64 / n as f64;
                let se = (p * (1.0 - p) / n as f64).sqrt();
                assert!((share - p).abs() < 4.0 * se, "rep {rep}: {share} below {p}");
            }
        }
    }
}
