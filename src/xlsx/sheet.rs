//! Reading one sheet of a workbook (trang tính) within bounds: the cached value of every cell,
//! and the formula cells that have no cached value (a workbook saved by a program that does
//! not calculate), which must never be read as 0.
//!
//! calamine's own `worksheet_range` allocates the whole rectangle from A1 to the farthest
//! cell, so one stray cell at XFD1048576 asks for 17 billion cells. For `.xlsx` the cells are
//! streamed instead, and the rectangle is built only when it is small enough.

use std::io::BufReader;
use std::path::Path;

use calamine::{Cell, Data, Range, Reader, Sheets};

use crate::error::Diagnostic;

/// Most cells a sheet may hold (with a value).
pub const MAX_CELLS: usize = 5_000_000;

/// Largest rectangle (rows × columns from the first to the last cell) a sheet may span.
pub const MAX_AREA: u64 = 10_000_000;

/// A sheet's values and the cells whose formula has no cached value.
pub struct SheetCells {
    /// Cached values.
    pub range: Range<Data>,
    /// Zero-based (row, column) of formula cells without a value.
    pub uncalculated: Vec<(u32, u32)>,
}

type Book = Sheets<BufReader<std::fs::File>>;

/// Reads sheet `name`, refusing one whose cells are too many or too spread out.
pub fn read_sheet(book: &mut Book, name: &str, workbook: &Path) -> Result<SheetCells, Diagnostic> {
    let cannot = |e: &dyn std::fmt::Display| {
        Diagnostic::new(
            workbook,
            None,
            format!("sheet `{name}` cannot be read: {e}"),
        )
    };
    let Sheets::Xlsx(xlsx) = book else {
        // .xls and .ods: calamine's reader (an .xls sheet is at most 65 536 × 256 cells).
        let range = book.worksheet_range(name).map_err(|e| cannot(&e))?;
        check_area(&range_bounds(&range), name, workbook)?;
        return Ok(SheetCells {
            range,
            uncalculated: Vec::new(),
        });
    };
    let mut cells: Vec<Cell<Data>> = Vec::new();
    {
        let mut reader = xlsx.worksheet_cells_reader(name).map_err(|e| cannot(&e))?;
        while let Some(cell) = reader.next_cell().map_err(|e| cannot(&e))? {
            let value = Data::from(cell.get_value().clone());
            if value == Data::Empty {
                continue;
            }
            if cells.len() >= MAX_CELLS {
                return Err(Diagnostic::new(
                    workbook,
                    None,
                    format!("sheet `{name}` has more than {MAX_CELLS} cells with values"),
                )
                .hint("import the commune and project tables alone, one sheet each"));
            }
            cells.push(Cell::new(cell.get_position(), value));
        }
    }
    let bounds = bounds(cells.iter().map(|c| c.get_position()));
    check_area(&bounds, name, workbook)?;
    let mut uncalculated = Vec::new();
    {
        let mut reader = xlsx.worksheet_cells_reader(name).map_err(|e| cannot(&e))?;
        let mut formulas = 0usize;
        while let Some(cell) = reader.next_formula().map_err(|e| cannot(&e))? {
            if cell.get_value().is_empty() {
                continue;
            }
            formulas += 1;
            if formulas > MAX_CELLS {
                break;
            }
            uncalculated.push(cell.get_position());
        }
    }
    let with_value: std::collections::BTreeSet<(u32, u32)> =
        cells.iter().map(|c| c.get_position()).collect();
    uncalculated.retain(|pos| !with_value.contains(pos));
    Ok(SheetCells {
        range: Range::from_sparse(cells),
        uncalculated,
    })
}

/// First and last (row, column), if any cell.
type Bounds = Option<((u32, u32), (u32, u32))>;

fn bounds(positions: impl Iterator<Item = (u32, u32)>) -> Bounds {
    positions.fold(None, |b, (r, c)| {
        Some(match b {
            None => ((r, c), (r, c)),
            Some(((r0, c0), (r1, c1))) => ((r0.min(r), c0.min(c)), (r1.max(r), c1.max(c))),
        })
    })
}

fn range_bounds(range: &Range<Data>) -> Bounds {
    range.start().zip(range.end())
}

fn check_area(bounds: &Bounds, name: &str, workbook: &Path) -> Result<(), Diagnostic> {
    let Some((start, end)) = bounds else {
        return Ok(());
    };
    let area = u64::from(end.0 - start.0 + 1) * u64::from(end.1 - start.1 + 1);
    if area > MAX_AREA {
        return Err(Diagnostic::new(
            workbook,
            None,
            format!(
                "sheet `{name}` spans {} to {} ({area} cells), more than the {MAX_AREA} ntm reads",
                super::import::cell_ref(start.0, start.1),
                super::import::cell_ref(end.0, end.1),
            ),
        )
        .hint("delete stray cells far from the table (Ctrl+End shows the last one)"));
    }
    Ok(())
}
