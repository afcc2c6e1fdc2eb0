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

/// [`contact_rng`]'s generator made lazily: exactly the numbers of
/// `Xoshiro256PlusPlus::seed_from_u64(seed)` (xoshiro256++ seeded through SplitMix64),
/// with the four SplitMix64 words of its state computed only when a draw needs them.
/// xoshiro256++'s first output reads only the first and last words, so a sub-stream that
/// draws once costs two SplitMix64 words instead of four and no state update; one that
/// draws more costs a little more than the plain generator. The engine's lean path uses it
/// for a service's draws (an exponential handle time, and a resolution drawn only when
/// uncertain: mostly one draw). The test `contact_rng_draws_what_xoshiro_draws` pins the
/// identity.
#[derive(Clone, Debug)]
pub struct ContactRng {
    /// The SplitMix64 state it was seeded with.
    seed: u64,
    /// xoshiro256++'s state: words 0 and 3 after the first draw, all four after that.
    s: [u64; 4],
    /// Draws made, up to 2 (then `s` is a plain xoshiro256++ state).
    drawn: u8,
}

impl ContactRng {
    /// A generator seeded with `seed`, no word computed yet.
    #[inline(always)]
    pub fn new(seed: u64) -> ContactRng {
        ContactRng {
            seed,
            s: [0; 4],
            drawn: 0,
        }
    }

    /// SplitMix64's word `i` (0 first) from the seed, as `seed_from_u64` fills the state.
    #[inline(always)]
    fn word(&self, i: u64) -> u64 {
        mix(self
            .seed
            .wrapping_add(i.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
    }

    /// xoshiro256++: the output of state `s`, then `s` advanced.
    #[inline(always)]
    fn step(s: &mut [u64; 4]) -> u64 {
        let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }
}

impl rand::TryRng for ContactRng {
    type Error = std::convert::Infallible;

    #[inline(always)]
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        // As xoshiro256++ does: the upper half of the next 64 bits.
        self.try_next_u64().map(|x| (x >> 32) as u32)
    }

    #[inline(always)]
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(match self.drawn {
            0 => {
                let (s0, s3) = (self.word(0), self.word(3));
                self.s[0] = s0;
                self.s[3] = s3;
                self.drawn = 1;
                s0.wrapping_add(s3).rotate_left(23).wrapping_add(s0)
            }
            1 => {
                // The first draw's state update, now that all four words are known.
                self.s[1] = self.word(1);
                self.s[2] = self.word(2);
                Self::step(&mut self.s);
                self.drawn = 2;
                Self::step(&mut self.s)
            }
            _ => Self::step(&mut self.s),
        })
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let word = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

/// Salts of a contact's sub-streams: each of its own draws (a service, a bot session, a
/// return, a fresh patience) comes from its seed mixed with one of these and the attempt,
/// service or transfer number, so no two draws share a generator. Changing a value changes
/// every result; the functions below are the only users.
pub mod salt {
    /// Per service of an attempt (`× service index`, added to the seed).
    pub const SERVICE: u64 = 0x9e37_79b9_7f4a_7c15;
    /// Per attempt, for its services (`× attempt index`, added to the seed).
    pub const SERVICE_ATTEMPT: u64 = 0xd1b5_4a32_d192_ed03;
    /// The bot session (xored into the seed).
    pub const BOT: u64 = 0xb07_5e55_10a5;
    /// Per attempt, for its bot session (`× attempt index`, xored).
    pub const BOT_ATTEMPT: u64 = 0x8cb9_2ba7_2f3d_8dd7;
    /// Whether and when a customer comes back (`× attempts made`, xored, then 1 more xored
    /// in for a repeat).
    pub const COME_BACK: u64 = 0x2545_f491_4f6c_dd1d;
    /// The patience of a returning attempt (`× its attempt number`, xored).
    pub const RETURN_PATIENCE: u64 = 0x9fb2_1c65_1e98_df25;
    /// The patience in a transfer queue (`× transfer number`, xored).
    pub const TRANSFER_PATIENCE: u64 = 0xa076_1d64_78bd_642f;
    /// Per attempt, for a transfer queue's patience (`× attempt index`, xored).
    pub const TRANSFER_ATTEMPT: u64 = 0xe703_7ed1_a0b4_28db;
    /// The patience on the channel a closed channel sends its contact to (`× attempt
    /// number`, xored).
    pub const REDIRECT_PATIENCE: u64 = 0x6a09_e667_f3bc_c909;
    /// The patience of an attempt that starts waiting in another interval than it arrived
    /// in, when the two intervals' patience differs (`× attempt number`, xored).
    pub const WAIT_PATIENCE: u64 = 0xbb67_ae85_84ca_a73b;
    /// Whether a waiting attempt accepts the callback offered (`× attempt number`, xored).
    pub const CALLBACK: u64 = 0x3c6e_f372_fe94_f82b;
}

/// The generator of whether attempt `attempt` (1 first) accepts a callback.
pub fn callback_rng(contact_seed: u64, attempt: u8) -> Xoshiro256PlusPlus {
    contact_rng(contact_seed ^ salt::CALLBACK.wrapping_mul(attempt as u64))
}

/// The generator of the patience of attempt `attempt` (1 first) drawn again for the
/// interval it starts waiting in (`patience_by` hours, after a bot).
pub fn wait_patience_rng(contact_seed: u64, attempt: u8) -> Xoshiro256PlusPlus {
    contact_rng(contact_seed ^ salt::WAIT_PATIENCE.wrapping_mul(attempt as u64))
}

/// The generator of the patience of attempt `attempt` (1 first) on the channel its closed
/// channel sends it to.
pub fn redirect_patience_rng(contact_seed: u64, attempt: u8) -> Xoshiro256PlusPlus {
    contact_rng(contact_seed ^ salt::REDIRECT_PATIENCE.wrapping_mul(attempt as u64))
}

/// The generator of service `service` (0 first) of attempt `attempt` (0 first) of the
/// contact with seed `contact_seed`: handle time, resolution and penalties.
#[inline]
pub fn service_rng(contact_seed: u64, attempt: u64, service: u64) -> Xoshiro256PlusPlus {
    contact_rng(service_seed(contact_seed, attempt, service))
}

/// The seed of [`service_rng`]'s generator (for [`ContactRng::new`]).
#[inline]
pub fn service_seed(contact_seed: u64, attempt: u64, service: u64) -> u64 {
    contact_seed
        .wrapping_add(service.wrapping_mul(salt::SERVICE))
        .wrapping_add(attempt.wrapping_mul(salt::SERVICE_ATTEMPT))
}

/// The generator of the bot session of attempt `attempt` (0 first): length, outcome,
/// misrouting.
#[inline]
pub fn bot_rng(contact_seed: u64, attempt: u64) -> Xoshiro256PlusPlus {
    contact_rng(contact_seed ^ salt::BOT ^ attempt.wrapping_mul(salt::BOT_ATTEMPT))
}

/// The generator deciding whether a customer who has made `attempts` attempts comes back,
/// and after what delay; `repeat` (unresolved, else abandoned) picks a second stream.
#[inline]
pub fn come_back_rng(contact_seed: u64, attempts: u8, repeat: bool) -> Xoshiro256PlusPlus {
    let salt = salt::COME_BACK.wrapping_mul(attempts as u64);
    contact_rng(contact_seed ^ salt ^ (repeat as u64))
}

/// The generator of the patience of attempt number `attempt` (2 for the first return).
#[inline]
pub fn return_patience_rng(contact_seed: u64, attempt: u8) -> Xoshiro256PlusPlus {
    contact_rng(contact_seed ^ salt::RETURN_PATIENCE.wrapping_mul(attempt as u64))
}

/// The generator of the patience in a transfer queue after transfer number `transfer`
/// (1 first) of attempt `attempt` (0 first).
#[inline]
pub fn transfer_patience_rng(contact_seed: u64, transfer: u8, attempt: u64) -> Xoshiro256PlusPlus {
    let salt = salt::TRANSFER_PATIENCE.wrapping_mul(transfer as u64)
        ^ salt::TRANSFER_ATTEMPT.wrapping_mul(attempt);
    contact_rng(contact_seed ^ salt)
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

    /// The lazy generator draws exactly what xoshiro256++ seeded through SplitMix64 draws,
    /// for the first draws (one word computed at a time) and far on, and as `u32`s.
    #[test]
    fn contact_rng_draws_what_xoshiro_draws() {
        for seed in [
            0u64,
            1,
            42,
            0x9e37_79b9_7f4a_7c15,
            0xdead_beef_cafe_f00d,
            u64::MAX,
        ] {
            for n in [1usize, 2, 3, 100] {
                let mut lazy = ContactRng::new(seed);
                let mut plain = contact_rng(seed);
                for _ in 0..n {
                    assert_eq!(lazy.next_u64(), plain.next_u64(), "seed {seed}, {n} draws");
                }
                assert_eq!(lazy.next_u32(), plain.next_u32());
                let (a, b): (f64, f64) = (lazy.random(), plain.random());
                assert_eq!(a.to_bits(), b.to_bits());
            }
        }
    }

    /// The sub-streams draw exactly what the engine's inline formulas drew before the salts
    /// were named (same seeds, same draws): the formulas are written out here by hand.
    #[test]
    fn sub_stream_salts_are_unchanged() {
        let first = |mut r: Xoshiro256PlusPlus| r.next_u64();
        for seed in [0u64, 1, 0xdead_beef_cafe_f00d, u64::MAX] {
            for n in [0u8, 1, 2, 7] {
                let (a, k) = (n as u64, n as u64 + 3);
                let old_service = seed
                    .wrapping_add(k.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                    .wrapping_add(a.wrapping_mul(0xd1b5_4a32_d192_ed03));
                assert_eq!(
                    first(service_rng(seed, a, k)),
                    first(contact_rng(old_service))
                );
                let old_bot = seed ^ 0xb07_5e55_10a5_u64 ^ a.wrapping_mul(0x8cb9_2ba7_2f3d_8dd7);
                assert_eq!(first(bot_rng(seed, a)), first(contact_rng(old_bot)));
                for repeat in [false, true] {
                    let old = seed ^ 0x2545_f491_4f6c_dd1d_u64.wrapping_mul(a) ^ (repeat as u64);
                    assert_eq!(
                        first(come_back_rng(seed, n, repeat)),
                        first(contact_rng(old))
                    );
                }
                let old_return = seed ^ 0x9fb2_1c65_1e98_df25_u64.wrapping_mul(a);
                assert_eq!(
                    first(return_patience_rng(seed, n)),
                    first(contact_rng(old_return))
                );
                let old_transfer = seed
                    ^ (0xa076_1d64_78bd_642f_u64.wrapping_mul(a)
                        ^ 0xe703_7ed1_a0b4_28db_u64.wrapping_mul(k));
                assert_eq!(
                    first(transfer_patience_rng(seed, n, k)),
                    first(contact_rng(old_transfer))
                );
            }
        }
    }
}
