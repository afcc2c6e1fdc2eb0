//! Bounds the core holds a run to, shared with the readers outside it (ccsim's `limits`
//! re-exports them).

/// Most memory a run may plan to hold for its results, in bytes (8 GiB, a third of the
/// machines ccsim is built on); larger runs are refused before they start.
pub const MAX_RESULT_BYTES: u64 = 8 << 30;

/// A byte count in words: `16 MiB`, `1 GiB`, `512 kiB`, `100 B`.
pub fn show_bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 4] = [
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("kiB", 1 << 10),
        ("B", 1),
    ];
    for (unit, size) in UNITS {
        if n >= size {
            let v = n as f64 / size as f64;
            return if v.fract() == 0.0 || v >= 100.0 {
                format!("{v:.0} {unit}")
            } else {
                format!("{v:.1} {unit}")
            };
        }
    }
    "0 B".into()
}
