//! A voice channel's trunk capacity and callback offer (`[[channel]] lines` and
//! `callback`); the engine's side is `engine/lines.rs`.

/// `callback = { after = "2m", accept = 0.6 }`: a caller still waiting `after` seconds
/// into its first queue is offered a callback and takes it with probability `accept`.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct CallbackOffer {
    /// Seconds of waiting before the offer (> 0).
    pub after: f64,
    /// Probability that the caller accepts (0 to 1).
    pub accept: f64,
}
