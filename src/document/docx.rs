//! Writer stage: the outline as a .docx (docx-rs), in the administrative format of Nghị định
//! 30/2020/NĐ-CP, Phụ lục I: A4 portrait, margins top and bottom 20 mm, left 30 mm, right
//! 15 mm (the decree allows 20-25, 20-25, 30-35, 15-20), Times New Roman, body 14 pt, page
//! numbers centred in the top margin from page 2.
//!
//! Every look comes from a named Word style (Normal through the document defaults, heading 1-3,
//! Body Text, the table style, the header-block styles), none from direct formatting, so an
//! office template restyles the whole draft.

use std::io::Cursor;
use std::path::Path;

use docx_rs::{
    AlignmentType, BorderType, Docx, Header, LineSpacing, PageMargin, PageNum, Paragraph,
    ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType,
    Style, StyleType, Table, TableBorder, TableBorderPosition, TableBorders, TableCell, TableRow,
    VAlignType, WidthType,
};

use crate::error::{Error, Result};

use super::outline::{self, Block, HeaderBlock, PlanDocument};

/// Twips per millimetre is 1440 / 25,4; the values below are exact multiples used by Word.
const MM: f64 = 1440.0 / 25.4;
const A4_WIDTH: u32 = 11906;
const A4_HEIGHT: u32 = 16838;

fn mm(v: f64) -> i32 {
    (v * MM).round() as i32
}

/// Page margins (mm): top, bottom, left, right.
pub const MARGINS_MM: [f64; 4] = [20.0, 20.0, 30.0, 15.0];

fn text_width() -> i32 {
    A4_WIDTH as i32 - mm(MARGINS_MM[2]) - mm(MARGINS_MM[3])
}

/// Font of the document (NĐ 30/2020, Phụ lục I, I.4: Times New Roman, TCVN 6909:2001 Unicode).
const FONT: &str = "Times New Roman";

/// Half-points.
const PT14: usize = 28;
const PT13: usize = 26;
const PT12: usize = 24;

/// Writes the document to `path` atomically: nothing is left behind on failure.
pub fn write_docx(doc: &PlanDocument, path: &Path) -> Result<()> {
    let bytes = docx_bytes(doc)?;
    crate::text::write_atomic(path, &bytes)
}

/// The .docx bytes of the document.
pub fn docx_bytes(doc: &PlanDocument) -> Result<Vec<u8>> {
    let mut docx = page(Docx::new());
    for style in styles() {
        docx = docx.add_style(style);
    }
    docx = docx.add_table(header_table(&doc.header));
    docx = docx
        .add_paragraph(styled("Title", &doc.header.kind))
        .add_paragraph(styled("Subtitle", &doc.header.title))
        .add_paragraph(Paragraph::new().style("NtmRuleTitle"));
    for block in &doc.blocks {
        docx = match block {
            Block::Table(t) => docx.add_table(table(t)),
            Block::Signature { recipients, signer } => {
                docx.add_table(signature(recipients, signer))
            }
            other => paragraphs(other)
                .into_iter()
                .fold(docx, |d, p| d.add_paragraph(p)),
        };
    }
    let mut out = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| Error::Solver(format!("cannot build the .docx: {e}")))?;
    Ok(out.into_inner())
}

fn page(docx: Docx) -> Docx {
    let [top, bottom, left, right] = MARGINS_MM.map(mm);
    docx.page_size(A4_WIDTH, A4_HEIGHT)
        .page_margin(PageMargin {
            top,
            bottom,
            left,
            right,
            header: mm(10.0),
            footer: mm(10.0),
            gutter: 0,
        })
        .default_fonts(
            RunFonts::new()
                .ascii(FONT)
                .hi_ansi(FONT)
                .east_asia(FONT)
                .cs(FONT),
        )
        .default_size(PT14)
        .header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .style("Header")
                    .add_page_num(PageNum::new()),
            ),
        )
        .first_header(Header::new().add_paragraph(Paragraph::new().style("Header")))
        .title_pg()
}

fn styled(style: &str, text: &str) -> Paragraph {
    let p = Paragraph::new().style(style);
    if text.is_empty() {
        p
    } else {
        p.add_run(Run::new().add_text(text))
    }
}

fn paragraphs(block: &Block) -> Vec<Paragraph> {
    match block {
        Block::Heading { level, text } => {
            vec![styled(&format!("Heading{}", (*level).clamp(1, 3)), text)]
        }
        Block::Paragraph { text } => vec![styled("BodyText", text)],
        Block::Item { text } => vec![styled("NtmItem", &format!("- {text}"))],
        Block::Note { text } => vec![styled("NtmNote", text)],
        Block::Appendix { label, title } => vec![
            styled("NtmAppendixLabel", label),
            styled("NtmAppendixTitle", title),
        ],
        Block::Table(_) | Block::Signature { .. } => Vec::new(),
    }
}

/// Widths in twips from relative widths.
fn widths(relative: &[u32], total: i32) -> Vec<usize> {
    let sum: u32 = relative.iter().sum::<u32>().max(1);
    relative
        .iter()
        .map(|w| (i64::from(*w) * i64::from(total) / i64::from(sum)) as usize)
        .collect()
}

fn cell(style: &str, lines: &[&str], width: usize) -> TableCell {
    lines
        .iter()
        .fold(TableCell::new(), |c, line| {
            c.add_paragraph(styled(style, line))
        })
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

fn table(t: &outline::Table) -> Table {
    let grid = widths(
        &t.columns.iter().map(|c| c.width).collect::<Vec<_>>(),
        text_width(),
    );
    let head = TableRow::new(
        t.columns
            .iter()
            .zip(&grid)
            .map(|(c, w)| cell("NtmTableHead", &[&c.title], *w))
            .collect(),
    )
    .cant_split();
    let row = |cells: &[String], text: &str, number: &str| {
        TableRow::new(
            cells
                .iter()
                .zip(t.columns.iter().zip(&grid))
                .map(|(v, (c, w))| cell(if c.numeric { number } else { text }, &[v], *w))
                .collect(),
        )
        .cant_split()
    };
    let mut rows = vec![head];
    rows.extend(
        t.rows
            .iter()
            .map(|r| row(r, "NtmTableText", "NtmTableNumber")),
    );
    rows.extend(
        t.total
            .iter()
            .map(|r| row(r, "NtmTableTotal", "NtmTableTotalNumber")),
    );
    Table::without_borders(rows)
        .style("NtmTable")
        .set_grid(grid)
        .width(text_width() as usize, WidthType::Dxa)
}

/// The two-column header block without borders: issuer and number left, national name, motto
/// and place-date right (NĐ 30/2020, Phụ lục I, mẫu 1.1).
fn header_table(h: &HeaderBlock) -> Table {
    let grid = widths(&[38, 62], text_width());
    let mut left = TableCell::new();
    if !h.issuer_parent.is_empty() {
        left = left.add_paragraph(styled("NtmIssuerParent", &h.issuer_parent));
    }
    left = left
        .add_paragraph(styled("NtmIssuer", &h.issuer))
        .add_paragraph(Paragraph::new().style("NtmRuleIssuer"))
        .add_paragraph(styled("NtmNumber", &h.number))
        .width(grid[0], WidthType::Dxa);
    let right = TableCell::new()
        .add_paragraph(styled("NtmCountry", &h.motto_country))
        .add_paragraph(styled("NtmMotto", &h.motto))
        .add_paragraph(Paragraph::new().style("NtmRuleMotto"))
        .add_paragraph(styled("NtmPlaceDate", &h.place_date))
        .width(grid[1], WidthType::Dxa);
    Table::without_borders(vec![TableRow::new(vec![left, right])])
        .style("NtmHeaderTable")
        .set_grid(grid)
        .width(text_width() as usize, WidthType::Dxa)
}

/// Recipients left, signing authority right, no borders.
fn signature(recipients: &[String], signer: &[String]) -> Table {
    let grid = widths(&[45, 55], text_width());
    let mut left = TableCell::new();
    for (i, line) in recipients.iter().enumerate() {
        let style = if i == 0 {
            "NtmRecipientsHead"
        } else {
            "NtmRecipients"
        };
        left = left.add_paragraph(styled(style, line));
    }
    let right = signer.iter().fold(TableCell::new(), |c, line| {
        c.add_paragraph(styled("NtmSigner", line))
    });
    Table::without_borders(vec![TableRow::new(vec![
        left.width(grid[0], WidthType::Dxa),
        right.width(grid[1], WidthType::Dxa),
    ])
    .cant_split()])
    .style("NtmHeaderTable")
    .set_grid(grid)
    .width(text_width() as usize, WidthType::Dxa)
}

/// Spacing in twentieths of a point.
fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new().before(before * 20).after(after * 20)
}

fn paragraph_style(id: &str, name: &str) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .q_format(true)
}

fn centred(id: &str, name: &str, size: usize) -> Style {
    paragraph_style(id, name)
        .size(size)
        .align(AlignmentType::Center)
        .line_spacing(spacing(0, 0))
}

/// An empty paragraph drawn as a short horizontal rule (đường kẻ ngang, nét liền): its bottom
/// border, narrowed by equal indents.
fn rule(id: &str, name: &str, indent: i32) -> Style {
    let mut s = paragraph_style(id, name)
        .size(8)
        .indent(Some(indent), None, Some(indent), None)
        .line_spacing(spacing(0, 6));
    s.paragraph_property = s.paragraph_property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .val(BorderType::Single)
                .size(6)
                .space(1),
        ),
    );
    s
}

fn table_borders() -> TableBorders {
    [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ]
    .into_iter()
    .fold(TableBorders::with_empty(), |b, p| {
        b.set(
            TableBorder::new(p)
                .border_type(BorderType::Single)
                .size(4)
                .color("000000"),
        )
    })
}

/// All styles of the draft.
fn styles() -> Vec<Style> {
    let width = text_width();
    let first_line = Some(SpecialIndentType::FirstLine(mm(10.0)));
    let heading = |id: &str, name: &str, level: usize| {
        paragraph_style(id, name)
            .size(PT14)
            .bold()
            .outline_lvl(level)
            .align(AlignmentType::Both)
            .indent(None, first_line, None, None)
            .line_spacing(spacing(6, 6))
    };
    vec![
        heading("Heading1", "heading 1", 0),
        heading("Heading2", "heading 2", 1),
        heading("Heading3", "heading 3", 2).italic(),
        paragraph_style("BodyText", "Body Text")
            .align(AlignmentType::Both)
            .indent(None, first_line, None, None)
            .line_spacing(spacing(0, 6)),
        paragraph_style("NtmItem", "List Dash")
            .align(AlignmentType::Both)
            .indent(None, first_line, None, None)
            .line_spacing(spacing(0, 6)),
        paragraph_style("NtmNote", "Draft Note")
            .size(PT12)
            .italic()
            .align(AlignmentType::Left)
            .line_spacing(spacing(0, 4)),
        centred("Title", "Title", PT14)
            .bold()
            .line_spacing(spacing(18, 0)),
        centred("Subtitle", "Subtitle", PT14).bold(),
        rule("NtmRuleTitle", "Rule Title", width * 2 / 5),
        centred("Header", "header", PT13),
        centred("NtmIssuerParent", "Issuer Parent", PT13),
        centred("NtmIssuer", "Issuer", PT13).bold(),
        rule("NtmRuleIssuer", "Rule Issuer", width * 38 / 100 * 3 / 10),
        centred("NtmNumber", "Document Number", PT13).line_spacing(spacing(4, 0)),
        centred("NtmCountry", "National Name", PT13).bold(),
        centred("NtmMotto", "Motto", PT14).bold(),
        rule("NtmRuleMotto", "Rule Motto", width * 62 / 100 / 5),
        centred("NtmPlaceDate", "Place and Date", PT14)
            .italic()
            .line_spacing(spacing(4, 0)),
        centred("NtmAppendixTitle", "Appendix Title", PT14)
            .bold()
            .line_spacing(spacing(0, 12)),
        {
            let mut s = centred("NtmAppendixLabel", "Appendix Label", PT14)
                .bold()
                .line_spacing(spacing(0, 0));
            s.paragraph_property = s.paragraph_property.page_break_before(true);
            s
        },
        centred("NtmTableHead", "Table Heading", PT12).bold(),
        paragraph_style("NtmTableText", "Table Text")
            .size(PT12)
            .line_spacing(spacing(0, 0)),
        paragraph_style("NtmTableNumber", "Table Number")
            .size(PT12)
            .align(AlignmentType::Right)
            .line_spacing(spacing(0, 0)),
        paragraph_style("NtmTableTotal", "Table Total")
            .size(PT12)
            .bold()
            .line_spacing(spacing(0, 0)),
        paragraph_style("NtmTableTotalNumber", "Table Total Number")
            .size(PT12)
            .bold()
            .align(AlignmentType::Right)
            .line_spacing(spacing(0, 0)),
        paragraph_style("NtmRecipientsHead", "Recipients Heading")
            .size(PT12)
            .bold()
            .italic()
            .line_spacing(spacing(12, 0)),
        paragraph_style("NtmRecipients", "Recipients")
            .size(11 * 2)
            .line_spacing(spacing(0, 0)),
        centred("NtmSigner", "Signer", PT14)
            .bold()
            .line_spacing(spacing(0, 0)),
        Style::new("NtmTable", StyleType::Table)
            .name("NTM Table")
            .set_borders(table_borders()),
        Style::new("NtmHeaderTable", StyleType::Table)
            .name("NTM Layout Table")
            .set_borders(TableBorders::with_empty()),
    ]
}
