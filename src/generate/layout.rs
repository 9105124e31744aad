//! Rendering a document in one of the two published layouts
//! (FORMAT.md §1):
//!
//! - plain text: header lines, bare headings, every paragraph and list
//!   item starting `- `, LF line endings, no blank lines, no final newline;
//! - web page: an optional cookie banner, blank lines between blocks,
//!   numbered paragraphs (`  1.`, restarting at each heading and after a
//!   bullet block or citation paragraph), `  • ` bullets, `Back to top`
//!   after each section and `Print this page` at the end (a few pages use
//!   `- ` markers instead of numbers).

use super::facts::Form;
use super::rng::Rng;
use super::text::{Block, Doc, push_num};

const COOKIES: &str = "Privacy settings\n\nWe use some essential cookies to make this website work. We would also like to set optional analytics cookies to help us improve it. We will not set optional cookies unless you enable them.\n\nAccept all cookies\nReject optional cookies\nManage cookie settings\n\n";

/// Renders `doc` in `form`.
pub fn render(doc: &Doc, form: Form, rng: &mut Rng) -> String {
    match form {
        Form::Plain => plain(doc),
        Form::Page => page(doc, rng),
    }
}

fn plain(doc: &Doc) -> String {
    let mut out = String::with_capacity(doc.buf.len() + doc.blocks.len() * 3);
    for (i, (block, text)) in doc.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if matches!(block, Block::Para | Block::Bullet | Block::Cite) {
            out.push_str("- ");
        }
        out.push_str(text);
    }
    out
}

fn page(doc: &Doc, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(doc.buf.len() + doc.blocks.len() * 8 + 1_024);
    if rng.chance(0.3) {
        out.push_str(COOKIES);
    }
    let dashes = rng.chance(0.05);
    let mut number = 0u64;
    let mut headings = 0;
    let mut prev = Block::Title;
    for (i, (block, text)) in doc.iter().enumerate() {
        if i > 0 {
            let tight = block == Block::Bullet && prev == Block::Bullet;
            out.push_str(if tight { "\n" } else { "\n\n" });
        }
        match block {
            Block::Heading => {
                if headings > 0 {
                    out.push_str("Back to top\n\n");
                }
                headings += 1;
                number = 0;
                out.push_str(text);
            }
            Block::Para | Block::Cite => {
                if prev == Block::Bullet {
                    number = 0;
                }
                number += 1;
                if dashes {
                    out.push_str("- ");
                } else {
                    out.push_str("  ");
                    push_num(&mut out, number);
                    out.push_str(". ");
                }
                out.push_str(text);
                if block == Block::Cite {
                    number = 0;
                }
            }
            Block::Sub => {
                number = 0;
                out.push_str(text);
            }
            Block::Bullet => {
                out.push_str(if dashes { "- " } else { "  • " });
                out.push_str(text);
            }
            Block::Closing => {
                out.push_str(text);
                out.push_str("\n\nBack to top");
            }
            _ => out.push_str(text),
        }
        prev = block;
    }
    out.push_str("\n\nPrint this page\n");
    out
}
