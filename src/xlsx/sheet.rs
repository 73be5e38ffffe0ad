//! Reading one sheet of a workbook (trang tính) within bounds, row by row: the cached value of
//! every cell as text, and the formula cells that have no cached value (a workbook saved by a
//! program that does not calculate), which must never be read as 0.
//!
//! calamine's own `worksheet_range` allocates the whole rectangle from A1 to the farthest
//! cell, so one stray cell at XFD1048576 asks for 17 billion cells. For `.xlsx` the cells are
//! streamed instead, in passes that keep no more than one row: a survey (bounds, counts, the
//! first rows for the header, formulas without a value), then the rows themselves.
//!
//! Merged cells (ô gộp) are read as Excel shows them: the top-left value in every cell of the
//! range, so a district merged down its communes' rows gives each commune its district.

use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Range, Reader, Sheets};

use crate::error::Diagnostic;
use crate::text;

/// Most cells a sheet may hold (with a value).
pub const MAX_CELLS: usize = 5_000_000;

/// Largest rectangle (rows × columns from the first to the last cell) a sheet may span.
pub const MAX_AREA: u64 = 10_000_000;

/// Rows at the top of a sheet kept by the survey, where a header is looked for.
pub const HEAD_ROWS: usize = 11;

/// Most merged ranges a sheet may have.
pub const MAX_MERGED: usize = 100_000;

/// A merged range: zero-based (row, column) of its top-left and bottom-right cells.
pub type Region = ((u32, u32), (u32, u32));

/// What a first pass over a sheet learnt, keeping none of its rows but the first.
pub struct Survey {
    /// Zero-based (row, column) of the first cell of the sheet's rectangle.
    pub start: (u32, u32),
    /// Columns of the rectangle.
    pub width: usize,
    /// The first [`HEAD_ROWS`] rows as text, relative to `start`.
    pub head: Vec<Vec<String>>,
    /// Zero-based (row, column) of formula cells without a value.
    pub uncalculated: Vec<(u32, u32)>,
    /// The sheet's merged ranges, by top-left row.
    pub merged: Vec<Region>,
}

type Book = Sheets<BufReader<std::fs::File>>;

/// A cell as text: whole numbers without decimals, other numbers in shortest form.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        // A decimal comma, which `number::parse_decimal` never reads as a thousands separator.
        Data::Float(f) => f.to_string().replace('.', ","),
        Data::String(s) => text::name(s),
        Data::Bool(b) => u8::from(*b).to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn cannot(workbook: &Path, name: &str, e: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::new(
        workbook,
        None,
        format!("sheet `{name}` cannot be read: {e}"),
    )
}

/// Surveys sheet `name`, refusing one whose cells are too many or too spread out; `None` when
/// it has no cell with a value.
pub fn survey(book: &mut Book, name: &str, workbook: &Path) -> Result<Option<Survey>, Diagnostic> {
    let merged = merged_regions(book, name, workbook)?;
    let Sheets::Xlsx(xlsx) = book else {
        // .xls and .ods: calamine's reader (an .xls sheet is at most 65 536 × 256 cells).
        let range = other_range(book, name, workbook)?;
        let (Some(start), Some(end)) = (range.start(), range.end()) else {
            return Ok(None);
        };
        return Ok(Some(Survey {
            start,
            width: (end.1 - start.1 + 1) as usize,
            head: range
                .rows()
                .take(HEAD_ROWS)
                .map(|r| r.iter().map(cell_text).collect())
                .collect(),
            uncalculated: Vec::new(),
            merged,
        }));
    };
    // Formula cells first (a sheet has few), so the values pass can tell which have a value.
    let mut formulas: Vec<(u32, u32)> = Vec::new();
    {
        let mut reader = xlsx
            .worksheet_cells_reader(name)
            .map_err(|e| cannot(workbook, name, &e))?;
        while let Some(cell) = reader
            .next_formula()
            .map_err(|e| cannot(workbook, name, &e))?
        {
            if cell.get_value().is_empty() {
                continue;
            }
            if formulas.len() >= MAX_CELLS {
                break;
            }
            formulas.push(cell.get_position());
        }
    }
    formulas.sort_unstable();
    let mut calculated = vec![false; formulas.len()];
    let mut cells = 0usize;
    let mut bounds: Option<((u32, u32), (u32, u32))> = None;
    // Head cells with absolute positions, until the start column is known.
    let mut head: Vec<(u32, u32, String)> = Vec::new();
    {
        let mut reader = xlsx
            .worksheet_cells_reader(name)
            .map_err(|e| cannot(workbook, name, &e))?;
        while let Some(cell) = reader.next_cell().map_err(|e| cannot(workbook, name, &e))? {
            let value = Data::from(cell.get_value().clone());
            if value == Data::Empty {
                continue;
            }
            cells += 1;
            if cells > MAX_CELLS {
                return Err(Diagnostic::new(
                    workbook,
                    None,
                    format!("sheet `{name}` has more than {MAX_CELLS} cells with values"),
                )
                .hint("import the commune and project tables alone, one sheet each"));
            }
            let (r, c) = cell.get_position();
            if let Ok(i) = formulas.binary_search(&(r, c)) {
                calculated[i] = true;
            }
            bounds = Some(match bounds {
                None => ((r, c), (r, c)),
                Some(((r0, c0), (r1, c1))) => {
                    if r < r1 {
                        return Err(out_of_order(workbook, name, r));
                    }
                    ((r0, c0.min(c)), (r1.max(r), c1.max(c)))
                }
            });
            if let Some(((r0, _), _)) = bounds {
                if ((r - r0) as usize) < HEAD_ROWS {
                    head.push((r, c, cell_text(&value)));
                }
            }
        }
    }
    let Some((start, end)) = bounds else {
        return Ok(None);
    };
    check_area(start, end, name, workbook)?;
    let width = (end.1 - start.1 + 1) as usize;
    let rows = ((end.0 - start.0 + 1) as usize).min(HEAD_ROWS);
    let mut rows_text = vec![vec![String::new(); width]; rows];
    for (r, c, value) in head {
        rows_text[(r - start.0) as usize][(c - start.1) as usize] = value;
    }
    let uncalculated = formulas
        .into_iter()
        .zip(calculated)
        .filter_map(|(pos, has_value)| (!has_value).then_some(pos))
        .collect();
    Ok(Some(Survey {
        start,
        width,
        head: rows_text,
        uncalculated,
        merged,
    }))
}

/// The merged ranges of sheet `name` (`.xlsx` and `.xls`; calamine reads none from `.ods`),
/// sorted by top-left row.
fn merged_regions(book: &mut Book, name: &str, workbook: &Path) -> Result<Vec<Region>, Diagnostic> {
    let dimensions = match book {
        Sheets::Xlsx(xlsx) => match xlsx.worksheet_merge_cells(name) {
            Some(found) => found.map_err(|e| cannot(workbook, name, &e))?,
            None => Vec::new(),
        },
        Sheets::Xls(xls) => xls.worksheet_merge_cells(name).unwrap_or_default(),
        _ => Vec::new(),
    };
    if dimensions.len() > MAX_MERGED {
        return Err(Diagnostic::new(
            workbook,
            None,
            format!("sheet `{name}` has more than {MAX_MERGED} merged ranges"),
        )
        .hint("unmerge the cells of the table (Excel: Merge & Center ▸ Unmerge Cells)"));
    }
    let mut regions: Vec<Region> = dimensions.iter().map(|d| (d.start, d.end)).collect();
    regions.sort_unstable();
    Ok(regions)
}

/// Fills the merged ranges of rows visited in order with their top-left value.
struct MergedFill<'a> {
    regions: &'a [Region],
    next: usize,
    /// Ranges over the current row, with their top-left value.
    active: Vec<(Region, String)>,
}

impl<'a> MergedFill<'a> {
    fn new(regions: &'a [Region]) -> MergedFill<'a> {
        MergedFill {
            regions,
            next: 0,
            active: Vec::new(),
        }
    }

    /// Fills the empty cells of row `row` (absolute; `cells` start at column `first`) that lie
    /// in a merged range; whether any was filled.
    fn fill(&mut self, row: u32, first: u32, cells: &mut [String]) -> bool {
        let at = |c: u32| c.checked_sub(first).map(|i| i as usize);
        while let Some(&region) = self.regions.get(self.next) {
            if region.0 .0 > row {
                break;
            }
            self.next += 1;
            // The top-left value, read when its row is visited (empty when it is not a cell
            // of the rectangle, as Excel then shows nothing).
            let value = if region.0 .0 == row {
                at(region.0 .1)
                    .and_then(|i| cells.get(i))
                    .cloned()
                    .unwrap_or_default()
            } else {
                String::new()
            };
            if !value.is_empty() {
                self.active.push((region, value));
            }
        }
        self.active.retain(|(region, _)| region.1 .0 >= row);
        let mut filled = false;
        for ((top_left, bottom_right), value) in &self.active {
            for c in top_left.1..=bottom_right.1 {
                if (row, c) == *top_left {
                    continue;
                }
                if let Some(slot) = at(c).and_then(|i| cells.get_mut(i)) {
                    if slot.is_empty() {
                        slot.clone_from(value);
                        filled = true;
                    }
                }
            }
        }
        filled
    }
}

/// Calls `visit` with every row of the surveyed rectangle in order (its index from the first
/// row, and its cells as text, `width` of them, merged ranges filled with their top-left
/// value), keeping one row at a time.
pub fn for_each_row(
    book: &mut Book,
    name: &str,
    workbook: &Path,
    survey: &Survey,
    mut visit: impl FnMut(usize, &[String]),
) -> Result<(), Diagnostic> {
    let mut merged = MergedFill::new(&survey.merged);
    let (first_row, first_col) = survey.start;
    let Sheets::Xlsx(xlsx) = book else {
        let range = other_range(book, name, workbook)?;
        let mut row_text = Vec::with_capacity(survey.width);
        for (i, row) in range.rows().enumerate() {
            row_text.clear();
            row_text.extend(row.iter().map(cell_text));
            merged.fill(first_row + i as u32, first_col, &mut row_text);
            visit(i, &row_text);
        }
        return Ok(());
    };
    let mut reader = xlsx
        .worksheet_cells_reader(name)
        .map_err(|e| cannot(workbook, name, &e))?;
    let mut row_text = vec![String::new(); survey.width];
    let mut current = 0usize;
    let mut dirty = false;
    while let Some(cell) = reader.next_cell().map_err(|e| cannot(workbook, name, &e))? {
        let value = Data::from(cell.get_value().clone());
        if value == Data::Empty {
            continue;
        }
        let (r, c) = cell.get_position();
        let (Some(row), Some(col)) = (
            r.checked_sub(survey.start.0).map(|x| x as usize),
            c.checked_sub(survey.start.1).map(|x| x as usize),
        ) else {
            return Err(out_of_order(workbook, name, r));
        };
        if row < current {
            return Err(out_of_order(workbook, name, r));
        }
        while current < row {
            dirty |= merged.fill(first_row + current as u32, first_col, &mut row_text);
            visit(current, &row_text);
            if dirty {
                row_text.iter_mut().for_each(String::clear);
                dirty = false;
            }
            current += 1;
        }
        if let Some(slot) = row_text.get_mut(col) {
            *slot = cell_text(&value);
            dirty = true;
        }
    }
    if dirty {
        merged.fill(first_row + current as u32, first_col, &mut row_text);
        visit(current, &row_text);
    }
    Ok(())
}

fn other_range(book: &mut Book, name: &str, workbook: &Path) -> Result<Range<Data>, Diagnostic> {
    let range = book
        .worksheet_range(name)
        .map_err(|e| cannot(workbook, name, &e))?;
    if let (Some(start), Some(end)) = (range.start(), range.end()) {
        check_area(start, end, name, workbook)?;
    }
    Ok(range)
}

fn out_of_order(workbook: &Path, name: &str, row: u32) -> Diagnostic {
    Diagnostic::new(
        workbook,
        Some(row as usize + 1),
        format!("sheet `{name}` stores its rows out of order"),
    )
    .hint("open and save the workbook in Excel or LibreOffice, which write rows in order")
}

fn check_area(
    start: (u32, u32),
    end: (u32, u32),
    name: &str,
    workbook: &Path,
) -> Result<(), Diagnostic> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    /// A sheet whose rectangle starts at B2: a district merged down C2:C4, a title merged across
    /// D2:E2, and a merged range whose top-left cell is empty (Excel shows nothing there).
    #[test]
    fn merged_ranges_are_filled_as_excel_shows_them() {
        let regions: Vec<Region> = vec![((1, 2), (3, 2)), ((1, 3), (1, 4)), ((5, 1), (6, 1))];
        let mut fill = MergedFill::new(&regions);
        let mut r2 = row(&["Xã A", "Huyện Một", "Tiêu đề", ""]);
        assert!(fill.fill(1, 1, &mut r2));
        assert_eq!(r2, row(&["Xã A", "Huyện Một", "Tiêu đề", "Tiêu đề"]));
        let mut r3 = row(&["Xã B", "", "1", "0"]);
        assert!(fill.fill(2, 1, &mut r3));
        assert_eq!(r3, row(&["Xã B", "Huyện Một", "1", "0"]));
        // A cell of the range that has its own value keeps it.
        let mut r4 = row(&["Xã C", "Huyện Hai", "1", "1"]);
        assert!(!fill.fill(3, 1, &mut r4));
        assert_eq!(r4[1], "Huyện Hai");
        // Below the range: nothing is filled.
        let mut r5 = row(&["Xã D", "", "", ""]);
        assert!(!fill.fill(4, 1, &mut r5));
        assert_eq!(r5, row(&["Xã D", "", "", ""]));
        let mut r6 = row(&["", "", "", ""]);
        assert!(!fill.fill(5, 1, &mut r6));
        let mut r7 = row(&["", "", "", ""]);
        assert!(!fill.fill(6, 1, &mut r7));
        assert!(r7.iter().all(String::is_empty));
    }
}
