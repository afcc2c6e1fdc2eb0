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
    /// Patience draws of a replayed feed's contacts (a generated contact draws its own
    /// from its seed, see [`patience_rng`]).
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
#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(GAMMA);
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

/// The generator of a contact's own draws (a [`SubStream`]), from the seed it was given on
/// arrival mixed with a salt (see [`salt`]).
#[inline(always)]
pub fn contact_rng(contact_seed: u64) -> SubStream {
    SubStream::new(contact_seed)
}

/// A contact's sub-stream: SplitMix64 (G. L. Steele, D. Lea and C. H. Flood, "Fast
/// splittable pseudorandom number generators", OOPSLA 2014; the generator of Java's
/// `SplittableRandom`), whose state is a 64-bit counter advanced by the golden gamma
/// `0x9e3779b97f4a7c15` and whose output is that counter through the [`mix`] finaliser.
/// Seeding costs nothing (the seed is the state) and a draw one finaliser, where
/// xoshiro256++ seeded through SplitMix64 costs four finalisers before its first draw:
/// a contact's sub-streams (a service, a bot session, a return) draw one to three numbers
/// each, so the seeding was most of their cost (issue 18).
///
/// Two sub-streams overlap only if their seeds differ by a small multiple of the gamma:
/// contact seeds are independent 64-bit draws, and the salts that tell one contact's
/// sub-streams apart (see [`salt`]) are chosen so that none do (the test
/// `sub_streams_of_a_contact_do_not_overlap` checks it). The test
/// `sub_stream_is_splitmix64` pins the published reference outputs.
#[derive(Clone, Debug)]
pub struct SubStream {
    /// The counter: the seed plus the gamma times the draws made.
    state: u64,
}

impl SubStream {
    /// The sub-stream whose state is `seed`.
    #[inline(always)]
    pub fn new(seed: u64) -> SubStream {
        SubStream { state: seed }
    }
}

impl rand::TryRng for SubStream {
    type Error = std::convert::Infallible;

    #[inline(always)]
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        // The upper half of the next 64 bits (the better half of most generators).
        self.try_next_u64().map(|x| (x >> 32) as u32)
    }

    #[inline(always)]
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        // `mix` adds the gamma first: SplitMix64's `state += gamma; finalise(state)`.
        let out = mix(self.state);
        self.state = self.state.wrapping_add(GAMMA);
        Ok(out)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let word = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

/// SplitMix64's gamma: 2^64 divided by the golden ratio, made odd.
const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// Salts of a contact's sub-streams: each of its own draws (a service, a bot session, a
/// return, a fresh patience) comes from its seed mixed with one of these and the attempt,
/// service or transfer number, so no two draws share a generator. A [`SubStream`]'s seed
/// is its state, so the additive salts must not be small multiples of SplitMix64's gamma
/// (or two services would draw the same numbers, one draw apart): the test
/// `sub_streams_of_a_contact_do_not_overlap` checks them. Changing a value changes every
/// result; the functions below are the only users.
pub mod salt {
    /// Per service of an attempt (`× service index`, added to the seed).
    pub const SERVICE: u64 = 0xbf58_476d_1ce4_e5b9;
    /// Per attempt, for its services (`× attempt index`, added to the seed).
    pub const SERVICE_ATTEMPT: u64 = 0xd1b5_4a32_d192_ed03;
    /// The bot session (xored into the seed).
    pub const BOT: u64 = 0xb07_5e55_10a5;
    /// Per attempt, for its bot session (`× attempt index`, xored).
    pub const BOT_ATTEMPT: u64 = 0x8cb9_2ba7_2f3d_8dd7;
    /// Whether and when a customer comes back (`× attempts made`, xored, then 1 more xored
    /// in for a repeat).
    pub const COME_BACK: u64 = 0x2545_f491_4f6c_dd1d;
    /// The patience of an attempt, drawn when it first waits (`× its attempt number`,
    /// xored).
    pub const PATIENCE: u64 = 0x9fb2_1c65_1e98_df25;
    /// The patience in a transfer queue (`× transfer number`, xored).
    pub const TRANSFER_PATIENCE: u64 = 0xa076_1d64_78bd_642f;
    /// Per attempt, for a transfer queue's patience (`× attempt index`, xored).
    pub const TRANSFER_ATTEMPT: u64 = 0xe703_7ed1_a0b4_28db;
    /// The patience of a replayed attempt (whose patience is drawn on arrival, beyond the
    /// wait its log row gives) that starts waiting in another interval than it arrived
    /// in, when the two intervals' patience differs (`× attempt number`, xored).
    pub const WAIT_PATIENCE: u64 = 0xbb67_ae85_84ca_a73b;
    /// Whether a waiting attempt accepts the callback offered (`× attempt number`, xored).
    pub const CALLBACK: u64 = 0x3c6e_f372_fe94_f82b;
}

/// The generator of whether attempt `attempt` (1 first) accepts a callback.
pub fn callback_rng(contact_seed: u64, attempt: u8) -> SubStream {
    contact_rng(contact_seed ^ salt::CALLBACK.wrapping_mul(attempt as u64))
}

/// The generator of the patience of a replayed attempt `attempt` (1 first) drawn again
/// for the interval it starts waiting in (`patience_by` hours, after a bot).
pub fn wait_patience_rng(contact_seed: u64, attempt: u8) -> SubStream {
    contact_rng(contact_seed ^ salt::WAIT_PATIENCE.wrapping_mul(attempt as u64))
}

/// The generator of service `service` (0 first) of attempt `attempt` (0 first) of the
/// contact with seed `contact_seed`: handle time, resolution and penalties.
#[inline]
pub fn service_rng(contact_seed: u64, attempt: u64, service: u64) -> SubStream {
    contact_rng(service_seed(contact_seed, attempt, service))
}

/// The seed of [`service_rng`]'s generator.
#[inline]
pub fn service_seed(contact_seed: u64, attempt: u64, service: u64) -> u64 {
    contact_seed
        .wrapping_add(service.wrapping_mul(salt::SERVICE))
        .wrapping_add(attempt.wrapping_mul(salt::SERVICE_ATTEMPT))
}

/// The generator of the bot session of attempt `attempt` (0 first): length, outcome,
/// misrouting.
#[inline]
pub fn bot_rng(contact_seed: u64, attempt: u64) -> SubStream {
    contact_rng(contact_seed ^ salt::BOT ^ attempt.wrapping_mul(salt::BOT_ATTEMPT))
}

/// The generator deciding whether a customer who has made `attempts` attempts comes back,
/// and after what delay; `repeat` (unresolved, else abandoned) picks a second stream.
#[inline]
pub fn come_back_rng(contact_seed: u64, attempts: u8, repeat: bool) -> SubStream {
    let salt = salt::COME_BACK.wrapping_mul(attempts as u64);
    contact_rng(contact_seed ^ salt ^ (repeat as u64))
}

/// The generator of the patience of attempt `attempt` (1 first, 2 for the first return),
/// drawn when the attempt first waits for an agent: a customer answered at once, or
/// contained by a bot, never draws one.
#[inline]
pub fn patience_rng(contact_seed: u64, attempt: u8) -> SubStream {
    contact_rng(contact_seed ^ salt::PATIENCE.wrapping_mul(attempt as u64))
}

/// The generator of the patience in a transfer queue after transfer number `transfer`
/// (1 first) of attempt `attempt` (0 first).
#[inline]
pub fn transfer_patience_rng(contact_seed: u64, transfer: u8, attempt: u64) -> SubStream {
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

    /// The sub-stream is SplitMix64: the outputs of the reference implementation
    /// (<https://prng.di.unimi.it/splitmix64.c>) for seeds 0 and 1234567, as `u64`, as the
    /// upper half for `u32`, and as an `f64` from the upper 53 bits.
    #[test]
    fn sub_stream_is_splitmix64() {
        let mut zero = SubStream::new(0);
        assert_eq!(zero.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(zero.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        let mut r = SubStream::new(1_234_567);
        let expected = [
            6_457_827_717_110_365_317u64,
            3_203_168_211_198_807_973,
            9_817_491_932_198_370_423,
            4_593_380_528_125_082_431,
            16_408_922_859_458_223_821,
        ];
        for e in expected {
            assert_eq!(r.next_u64(), e);
        }
        let mut r = SubStream::new(1_234_567);
        assert_eq!(r.next_u32(), (expected[0] >> 32) as u32);
        let u: f64 = r.random();
        assert_eq!(u, (expected[1] >> 11) as f64 / (1u64 << 53) as f64);
    }

    /// How many SplitMix64 draws apart two states are: `b - a` divided by the gamma (mod
    /// 2^64), as a signed number (the gamma is odd, so it has an inverse).
    fn draws_apart(a: u64, b: u64) -> i64 {
        // Newton's iteration for the inverse of an odd number mod 2^64.
        let mut inverse = GAMMA;
        for _ in 0..6 {
            inverse = inverse.wrapping_mul(2u64.wrapping_sub(GAMMA.wrapping_mul(inverse)));
        }
        assert_eq!(GAMMA.wrapping_mul(inverse), 1);
        b.wrapping_sub(a).wrapping_mul(inverse) as i64
    }

    /// No two sub-streams of a contact share numbers: the services of its attempts (whose
    /// salts are added to the seed: checked for every difference of up to 63 services and
    /// 31 attempts, for any seed) and all its other sub-streams (xored salts: checked on
    /// contact seeds drawn as the engine draws them) start at least 2^32 draws apart,
    /// where a sub-stream draws a handful.
    #[test]
    fn sub_streams_of_a_contact_do_not_overlap() {
        for dk in -63i64..=63 {
            for da in -31i64..=31 {
                if (dk, da) == (0, 0) {
                    continue;
                }
                let d = (dk as u64)
                    .wrapping_mul(salt::SERVICE)
                    .wrapping_add((da as u64).wrapping_mul(salt::SERVICE_ATTEMPT));
                let apart = draws_apart(0, d);
                assert!(
                    apart.unsigned_abs() > 1 << 32,
                    "{dk} services, {da} attempts: {apart}"
                );
            }
        }
        let mut seeds = stream_rng(1, 0, 0, Purpose::ContactSeeds);
        for _ in 0..200 {
            let seed = seeds.next_u64();
            let mut starts = Vec::new();
            for a in 0..4u8 {
                for k in 0..8 {
                    starts.push(service_seed(seed, a as u64, k));
                }
                starts.push(seed ^ salt::BOT ^ (a as u64).wrapping_mul(salt::BOT_ATTEMPT));
                for repeat in [false, true] {
                    let salt = salt::COME_BACK.wrapping_mul(a as u64 + 1);
                    starts.push(seed ^ salt ^ repeat as u64);
                }
                let n = a as u64 + 1;
                starts.push(seed ^ salt::PATIENCE.wrapping_mul(n));
                starts.push(seed ^ salt::WAIT_PATIENCE.wrapping_mul(n));
                starts.push(seed ^ salt::CALLBACK.wrapping_mul(n));
                for t in 1..4u64 {
                    let salt = salt::TRANSFER_PATIENCE.wrapping_mul(t)
                        ^ salt::TRANSFER_ATTEMPT.wrapping_mul(a as u64);
                    starts.push(seed ^ salt);
                }
            }
            for (i, &a) in starts.iter().enumerate() {
                for &b in &starts[i + 1..] {
                    let apart = draws_apart(a, b);
                    assert!(
                        apart.unsigned_abs() > 1 << 32,
                        "seed {seed}: {apart} draws apart"
                    );
                }
            }
        }
    }

    /// A contact's first and second services draw independently: over 200,000 contacts
    /// the correlation of their first uniforms is within four standard errors of 0, and
    /// so is that of a service's first and second draws.
    #[test]
    fn consecutive_sub_streams_are_uncorrelated() {
        let mut seeds = stream_rng(7, 3, 2, Purpose::ContactSeeds);
        let n = 200_000;
        let (mut across, mut within) = (0.0, 0.0);
        for _ in 0..n {
            let seed = seeds.next_u64();
            let mut first = service_rng(seed, 0, 0);
            let u0: f64 = first.random();
            let u1: f64 = first.random();
            let v0: f64 = service_rng(seed, 0, 1).random();
            across += (u0 - 0.5) * (v0 - 0.5);
            within += (u0 - 0.5) * (u1 - 0.5);
        }
        // Each product has mean 0 and variance 1/144 when independent.
        let (across, within) = (12.0 * across / n as f64, 12.0 * within / n as f64);
        let se = 1.0 / (n as f64).sqrt();
        assert!(across.abs() < 4.0 * se, "services: correlation {across}");
        assert!(within.abs() < 4.0 * se, "draws: correlation {within}");
    }
}
