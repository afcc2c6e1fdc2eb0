//! Typed indices of what the engine addresses: each is a `u32` index into one `Vec` (of
//! the model or of the engine's workspace), so a contact slot cannot be passed where an
//! agent is meant. They cost nothing at run time: `Copy`, four bytes, compared and hashed as
//! the number, serialized as the bare number.
//!
//! Invariant: an id is only made from an index into the `Vec` it names (the model's, for
//! channels, categories, contact types, streams, groups and bots; the workspace's, for
//! contacts, agents and queues), so `index()` is always in range for that `Vec`.

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(u32);

        impl $name {
            /// The id of index `i`.
            #[inline]
            pub const fn new(i: u32) -> Self {
                Self(i)
            }

            /// The id of index `i` (which must fit in a `u32`).
            #[inline]
            pub fn from_index(i: usize) -> Self {
                debug_assert!(u32::try_from(i).is_ok(), "index {i} past u32");
                Self(i as u32)
            }

            /// The index into its `Vec`.
            #[inline]
            pub const fn index(self) -> usize {
                self.0 as usize
            }

            /// The index as the `u32` it is stored as.
            #[inline]
            pub const fn get(self) -> u32 {
                self.0
            }
        }
    };
}

id! {
    /// A contact slot in the engine's `contacts` (reused once the contact has left; a
    /// [`Stamp`] tells its occupants apart).
    ContactId
}
id! {
    /// An agent slot in the engine's `agents` (reused once the agent has left).
    AgentId
}
id! {
    /// An agent group: index into `Model::groups`.
    GroupId
}
id! {
    /// A contact type (a channel/category pair): index into `Model::contact_types`.
    ContactTypeId
}
id! {
    /// A channel: index into `Model::channels`.
    ChannelId
}
id! {
    /// A category: index into `Model::categories`.
    CategoryId
}
id! {
    /// A generated arrival stream: index into `Model::streams`.
    StreamId
}
id! {
    /// A replayed contact log (feed) of one replication, in the order given to the engine.
    FeedId
}
id! {
    /// A bot: index into `Model::bots`.
    BotId
}
id! {
    /// A FIFO queue of the engine: `(contact type × priority classes + class)` for the
    /// contact types' queues, then `((n_types + group) × priority classes + class)` for
    /// the groups' transfer queues.
    QueueId
}
id! {
    /// A reporting cell: `interval × n_channels + channel`, an index into the tallies'
    /// per-interval, per-channel arrays.
    CellId
}

/// A generation stamp: it changes whenever its contact leaves a queue or its slot is freed
/// (or its agent's next service end is rescheduled), and an event or queue entry that
/// carries an older stamp is stale and skipped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Stamp(u32);

impl Stamp {
    /// The stamp as carried by an event.
    #[inline]
    pub const fn new(raw: u32) -> Stamp {
        Stamp(raw)
    }

    /// The next generation (wrapping).
    #[inline]
    pub const fn next(self) -> Stamp {
        Stamp(self.0.wrapping_add(1))
    }

    /// The raw number.
    #[inline]
    pub const fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_their_index_and_serialize_as_a_number() {
        let a = AgentId::from_index(7);
        assert_eq!((a.index(), a.get()), (7, 7));
        assert_eq!(AgentId::new(7), a);
        assert!(ContactId::new(1) < ContactId::new(2));
        assert_eq!(serde_json::to_string(&GroupId::new(3)).unwrap(), "3");
        assert_eq!(serde_json::to_string(&Stamp::new(4)).unwrap(), "4");
        assert_eq!(Stamp::new(u32::MAX).next(), Stamp::new(0));
        assert_eq!(std::mem::size_of::<Option<ContactId>>(), 8);
        assert_eq!(std::mem::size_of::<ContactId>(), 4);
    }
}
