//! Typed indices of what the compiled model and the engine address: each is a `u32` index
//! into one `Vec` (of the model or of the engine's workspace; [`ClassId`], a `u8`), so a
//! contact slot cannot be passed where an agent is meant, nor a group where a channel is.
//! They cost nothing at run time: `Copy`, the size of their number, compared and hashed as
//! the number, serialized (and deserialized) as the bare number, so a model's canonical
//! serialization (its shard identity) is the same as with plain integers.
//!
//! Invariant: an id is only made from an index into the `Vec` it names (the model's, for
//! channels, categories, contact types, streams, groups, bots and priority classes; the
//! workspace's, for contacts, agents and queues), so `index()` is always in range for that
//! `Vec`.

/// What every typed index of this module is: made from and turned back into a `Vec`
/// index, so that code over "a name → its index" table (scenario loading) can be written
/// once for channels, categories and groups.
pub trait Id: Copy + Ord + std::hash::Hash + std::fmt::Debug {
    /// The id of index `i` (which must fit in the id's width).
    fn from_index(i: usize) -> Self;
    /// The index into its `Vec`.
    fn index(self) -> usize;
}

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        id! { $(#[$doc])* $name: u32 }
    };
    ($(#[$doc:meta])* $name:ident: $repr:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name($repr);

        impl $name {
            /// The id of index `i`.
            #[inline]
            pub const fn new(i: $repr) -> Self {
                Self(i)
            }

            /// The id of index `i` (which must fit in the id's width).
            #[inline]
            pub fn from_index(i: usize) -> Self {
                debug_assert!(
                    $repr::try_from(i).is_ok(),
                    "index {i} past {}",
                    stringify!($repr)
                );
                Self(i as $repr)
            }

            /// The index into its `Vec`.
            #[inline]
            pub const fn index(self) -> usize {
                self.0 as usize
            }

            /// The index as the number it is stored as.
            #[inline]
            pub const fn get(self) -> $repr {
                self.0
            }
        }

        impl Id for $name {
            #[inline]
            fn from_index(i: usize) -> Self {
                $name::from_index(i)
            }
            #[inline]
            fn index(self) -> usize {
                $name::index(self)
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
    /// A customer priority class: index into `Model::priority_levels` (0, the highest
    /// level, is served first). One byte: a contact carries it.
    ClassId: u8
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
        assert_eq!(std::mem::size_of::<ClassId>(), 1);
        assert_eq!(serde_json::to_string(&ClassId::new(2)).unwrap(), "2");
        let back: ChannelId = serde_json::from_str("5").unwrap();
        assert_eq!(back, ChannelId::new(5));
    }
}
