//! The dense grids ccsim's per-interval data is stored in: intervals by channel (tallies,
//! outcomes) or by group, row-major. One place for the index arithmetic.

/// A dense grid of `rows × width` cells stored row-major — the reporting intervals by
/// channel (or by group) of the tallies and of a replication's outcome. One place for the
/// index arithmetic `row * width + column`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid {
    /// Rows (intervals).
    pub rows: usize,
    /// Columns per row (channels, or groups).
    pub width: usize,
}

impl Grid {
    /// The cell of `row` and `column`.
    #[inline]
    pub fn at(&self, row: usize, column: usize) -> usize {
        debug_assert!(column < self.width);
        row * self.width + column
    }

    /// The cells of one row, in column order.
    #[inline]
    pub fn row(&self, row: usize) -> std::ops::Range<usize> {
        row * self.width..(row + 1) * self.width
    }

    /// The cells of one column over `rows`, in row order.
    pub fn column(
        &self,
        column: usize,
        rows: std::ops::Range<usize>,
    ) -> impl Iterator<Item = usize> + Clone + use<> {
        let width = self.width;
        rows.map(move |r| r * width + column)
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.rows * self.width
    }

    /// Whether the grid has no cell.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_indexes_row_major() {
        let g = Grid { rows: 3, width: 4 };
        assert_eq!(g.at(2, 1), 9);
        assert_eq!(g.row(1), 4..8);
        assert_eq!(g.column(1, 0..3).collect::<Vec<_>>(), vec![1, 5, 9]);
        assert_eq!(g.len(), 12);
    }
}
