// Stage 2b, parse: the Markdown body as a flat list of blocks with source lines, plus its HTML.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pmkb::markdown {

enum class BlockKind {
  Heading,    // <h1>..<h6>; level is 1..6
  Paragraph,  // <p>; lines holds each source line of it
  ListItem,   // <li>; level is the list depth (1 = outermost)
  TableRow,   // <tr>; cells holds the cell texts
  Code,       // <pre><code>
  Html,       // raw HTML block
  Rule,       // <hr>
};

enum class TaskMark { None, Open, Done };

// One source line of a paragraph or list item.
struct TextLine {
  int line = 0;             // 1-based source line
  std::string text;         // inline text with markup removed
  std::string lead_strong;  // text of a bold or italic span that opens the line, if any
};

struct Block {
  BlockKind kind = BlockKind::Paragraph;
  int level = 0;
  int line = 0;             // 1-based source line where the block's text starts
  std::string text;         // inline text, soft breaks as '\n'
  std::vector<TextLine> lines;
  std::vector<std::string> cells;  // TableRow only
  bool header_row = false;         // TableRow in <thead>
  bool ordered = false;            // ListItem of an ordered list
  int list_id = 0;                 // ListItem: items of the same list share it
  int table_id = 0;                // TableRow: rows of the same table share it
  bool in_quote = false;
  TaskMark task = TaskMark::None;  // ListItem: "[ ]" or "[x]"
};

// A link whose href names a Markdown file by a relative path ("../db/outage.md#fix"), which
// the renderer points at that postmortem's page: where the href's value is in the HTML, the
// value as written, and the file path it names (percent-decoded, without the fragment),
// relative to the linking document's folder.
struct MarkdownFileLink {
  std::size_t begin = 0;  // of the href's value in ParsedDocument::html
  std::size_t end = 0;
  std::string href;
  std::string path;
};

struct ParsedDocument {
  std::vector<Block> blocks;  // in document order
  std::string html;           // rendered body
  int unsafe_links = 0;       // javascript:/data:/vbscript: URLs dropped from the HTML
  int first_unsafe_link_line = 0;
  // Relative links (to files of the source repository) that the site cannot serve: dropped
  // from the HTML, with their targets for the warning.
  std::vector<std::string> dropped_relative_links;
  std::vector<MarkdownFileLink> markdown_file_links;  // in the order of the HTML
  // Block quotes and lists nested deeper than kDeepNesting: the deepest level seen and the line
  // where the nesting first went past the bound (0: it never did). Up to kMaxRenderedNesting
  // the HTML keeps every level; beyond it, html is the escaped source in <pre>.
  int deepest_nesting = 0;
  int deep_nesting_line = 0;
  // A document of more than kMaxBlocks blocks: `blocks` holds the first kMaxBlocks, and this is
  // the line where reading stopped (0: all were read). The HTML is always whole.
  int blocks_cut_at_line = 0;
};

// Blocks read for extraction from one document. Each block costs a few hundred bytes, so a
// file of 2 million one-line headings would cost a gigabyte; a real postmortem has far fewer.
inline constexpr std::size_t kMaxBlocks = 100000;

inline constexpr int kDeepNesting = 32;
// Beyond this depth the body is shown as its escaped source in <pre> instead of rendered: a
// file of 100,000 '>' would otherwise become 2.7 MB of <blockquote> per 100 KB of text.
inline constexpr int kMaxRenderedNesting = 256;

struct MarkdownOptions {
  bool unsafe_html = false;  // pass raw HTML through instead of escaping it
};

// Parses `body`, whose first line is line `first_line` of the source file.
ParsedDocument parse_markdown(std::string_view body, int first_line, const MarkdownOptions& options);

}  // namespace pmkb::markdown
