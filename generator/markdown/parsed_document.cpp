#include "markdown/parsed_document.h"

#include <md4c-html.h>
#include <md4c.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include "diag/line_index.h"

namespace pmkb::markdown {

namespace {

/*** Building blocks from md4c's callbacks ***/

class BlockBuilder {
 public:
  BlockBuilder(std::string_view body, int first_line)
      : body_(body), lines_(body), first_line_(first_line) {}

  std::vector<Block> take() { return std::move(blocks_); }
  int deepest_nesting() const { return deepest_nesting_; }
  int cut_at_line() const { return cut_at_line_; }
  bool cut() const { return cut_; }
  int deep_nesting_line() const { return deep_nesting_line_; }

  int enter_block(MD_BLOCKTYPE type, void* detail) {
    if (type == MD_BLOCK_QUOTE || type == MD_BLOCK_UL || type == MD_BLOCK_OL) note_depth(quote_depth_ + list_depth_ + 1);
    switch (type) {
      case MD_BLOCK_UL: ++list_depth_; list_ids_.push_back(++list_counter_); ordered_.push_back(false); break;
      case MD_BLOCK_OL: ++list_depth_; list_ids_.push_back(++list_counter_); ordered_.push_back(true); break;
      case MD_BLOCK_LI: open_list_item(static_cast<MD_BLOCK_LI_DETAIL*>(detail)); break;
      case MD_BLOCK_H: open(BlockKind::Heading, static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level)); break;
      case MD_BLOCK_P: open_paragraph(); break;
      case MD_BLOCK_CODE: open(BlockKind::Code, 0); break;
      case MD_BLOCK_HTML: open(BlockKind::Html, 0); break;
      case MD_BLOCK_HR: open(BlockKind::Rule, 0); close(); break;
      case MD_BLOCK_QUOTE: ++quote_depth_; break;
      case MD_BLOCK_TABLE: ++table_counter_; break;
      case MD_BLOCK_THEAD: in_thead_ = true; break;
      case MD_BLOCK_TR: open(BlockKind::TableRow, 0); current().header_row = in_thead_; current().table_id = table_counter_; break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD: open_cell(); break;
      default: break;
    }
    return 0;
  }

  int leave_block(MD_BLOCKTYPE type) {
    switch (type) {
      case MD_BLOCK_UL:
      case MD_BLOCK_OL: --list_depth_; list_ids_.pop_back(); ordered_.pop_back(); break;
      case MD_BLOCK_LI:
      case MD_BLOCK_H:
      case MD_BLOCK_CODE:
      case MD_BLOCK_HTML:
      case MD_BLOCK_TR: close(); break;
      case MD_BLOCK_P: if (paragraph_open_.back()) close(); paragraph_open_.pop_back(); break;
      case MD_BLOCK_QUOTE: --quote_depth_; break;
      case MD_BLOCK_THEAD: in_thead_ = false; break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD: in_cell_ = false; break;
      default: break;
    }
    return 0;
  }

  int enter_span(MD_SPANTYPE type) {
    if ((type == MD_SPAN_STRONG || type == MD_SPAN_EM) && !stack_.empty() && emphasis_depth_++ == 0) {
      TextLine& line = current_line();
      const bool at_start = line.text.find_first_not_of(" \t") == std::string::npos;
      capturing_lead_ = at_start && line.lead_strong.empty();
    }
    return 0;
  }

  int leave_span(MD_SPANTYPE type) {
    if ((type == MD_SPAN_STRONG || type == MD_SPAN_EM) && emphasis_depth_ > 0 && --emphasis_depth_ == 0) {
      capturing_lead_ = false;
    }
    return 0;
  }

  int text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size) {
    if (stack_.empty()) return 0;
    note_position(text);
    switch (type) {
      case MD_TEXT_SOFTBR:
      case MD_TEXT_BR: new_line(); break;
      case MD_TEXT_NULLCHAR: append("\xEF\xBF\xBD"); break;
      case MD_TEXT_ENTITY: append(decode_entity(std::string_view(text, size))); break;
      default: append(std::string_view(text, size)); break;
    }
    return 0;
  }

 private:
  // Past kMaxBlocks, blocks are read into one scratch block that is reused, so that md4c still
  // reports every line (for locations) while the memory stays bounded.
  static constexpr std::size_t kScratch = static_cast<std::size_t>(-1);
  Block& current() { return stack_.back() == kScratch ? scratch_ : blocks_[stack_.back()]; }
  TextLine& current_line() {
    Block& block = current();
    if (block.lines.empty()) block.lines.push_back({last_line_, "", ""});
    return block.lines.back();
  }

  void open(BlockKind kind, int level) {
    Block block;
    block.kind = kind;
    block.level = level;
    block.line = 0;
    block.in_quote = quote_depth_ > 0;
    if (blocks_.size() >= kMaxBlocks) {
      if (!cut_) cut_line_pending_ = true;
      cut_ = true;
      scratch_ = std::move(block);
      stack_.push_back(kScratch);
    } else {
      blocks_.push_back(std::move(block));
      stack_.push_back(blocks_.size() - 1);
    }
    line_pending_ = true;
  }

  void open_list_item(const MD_BLOCK_LI_DETAIL* detail) {
    open(BlockKind::ListItem, list_depth_);
    current().ordered = !ordered_.empty() && ordered_.back();
    current().list_id = list_ids_.empty() ? 0 : list_ids_.back();
    if (detail->is_task) {
      current().task = (detail->task_mark == 'x' || detail->task_mark == 'X') ? TaskMark::Done : TaskMark::Open;
      // The task mark's own position gives the item's line even before any text.
      set_line(body_.data() + detail->task_mark_offset);
    }
  }

  void open_cell() {
    if (stack_.empty()) return;
    Block& row = current();
    if (!row.cells.empty()) {
      row.text += " | ";
      current_line().text += " | ";
    }
    row.cells.emplace_back();
    in_cell_ = true;
  }

  void open_paragraph() {
    // Paragraphs inside list items and table cells belong to them.
    if (!stack_.empty() && (current().kind == BlockKind::ListItem)) {
      paragraph_open_.push_back(false);
      if (!current().text.empty()) new_line();
      return;
    }
    paragraph_open_.push_back(true);
    open(BlockKind::Paragraph, 0);
  }

  void close() {
    if (stack_.empty()) return;
    Block& block = current();
    if (block.line == 0) block.line = last_line_;
    if (block.kind == BlockKind::Code || block.kind == BlockKind::Html) {
      while (!block.text.empty() && block.text.back() == '\n') block.text.pop_back();
    }
    stack_.pop_back();
  }

  void set_line(const char* pointer) {
    if (pointer < body_.data() || pointer >= body_.data() + body_.size()) return;
    last_line_ = first_line_ - 1 + lines_.line_of(static_cast<std::size_t>(pointer - body_.data()));
    if (deep_line_pending_) {
      deep_nesting_line_ = last_line_;
      deep_line_pending_ = false;
    }
    if (cut_line_pending_) {
      cut_at_line_ = last_line_;
      cut_line_pending_ = false;
    }
  }

  // md4c reports where text is, not where blocks open: the line of a too-deep nesting is that
  // of the first text inside it.
  void note_depth(int depth) {
    if (depth > kDeepNesting && deepest_nesting_ <= kDeepNesting) deep_line_pending_ = true;
    deepest_nesting_ = std::max(deepest_nesting_, depth);
  }

  void note_position(const char* pointer) {
    set_line(pointer);
    Block& block = current();
    if (block.line == 0) block.line = last_line_;
    if (line_pending_) {
      if (!block.lines.empty() && block.lines.back().text.empty()) block.lines.back().line = last_line_;
      line_pending_ = false;
    }
  }

  void new_line() {
    Block& block = current();
    if (block.kind == BlockKind::Code || block.kind == BlockKind::Html) {
      append("\n");
      return;
    }
    block.text += '\n';
    block.lines.push_back({last_line_ + 1, "", ""});
    line_pending_ = true;
  }

  void append(std::string_view text) {
    Block& block = current();
    if (block.kind == BlockKind::Code || block.kind == BlockKind::Html) {
      block.text.append(text);
      return;
    }
    TextLine& line = current_line();
    line.text.append(text);
    block.text.append(text);
    if (capturing_lead_) line.lead_strong.append(text);
    if (in_cell_ && !block.cells.empty()) block.cells.back().append(text);
  }

  static std::string decode_entity(std::string_view entity) {
    if (entity == "&amp;") return "&";
    if (entity == "&lt;") return "<";
    if (entity == "&gt;") return ">";
    if (entity == "&quot;") return "\"";
    if (entity == "&nbsp;") return " ";
    if (entity == "&#39;" || entity == "&apos;") return "'";
    return std::string(entity);
  }

  std::string_view body_;
  diag::LineIndex lines_;
  int first_line_;
  std::vector<Block> blocks_;
  std::vector<std::size_t> stack_;
  std::vector<bool> paragraph_open_;
  std::vector<int> list_ids_;
  std::vector<bool> ordered_;
  int list_depth_ = 0;
  int list_counter_ = 0;
  int table_counter_ = 0;
  int quote_depth_ = 0;
  int emphasis_depth_ = 0;
  bool capturing_lead_ = false;
  bool in_thead_ = false;
  bool in_cell_ = false;
  bool line_pending_ = false;
  int last_line_ = 1;
  int deepest_nesting_ = 0;
  int deep_nesting_line_ = 0;
  int cut_at_line_ = 0;
  bool cut_line_pending_ = false;
  bool cut_ = false;
  Block scratch_;
  bool deep_line_pending_ = false;
};

constexpr unsigned kParserFlags = MD_DIALECT_GITHUB;

/*** HTML rendering ***/

void append_html(const MD_CHAR* text, MD_SIZE size, void* userdata) {
  static_cast<std::string*>(userdata)->append(text, size);
}

bool is_unsafe_url(std::string_view value) {
  std::string scheme;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20) continue;  // browsers ignore control characters and spaces in schemes
    if (c == ':') break;
    scheme += static_cast<char>(std::tolower(u));
    if (scheme.size() > 12) return false;
  }
  return scheme == "javascript" || scheme == "vbscript" || scheme == "data";
}

bool is_relative_file_link(std::string_view value) {
  if (value.empty() || value[0] == '#' || value[0] == '/' || value[0] == '?') return false;
  const std::size_t colon = value.find(':');
  const std::size_t slash = value.find('/');
  const bool relative = colon == std::string_view::npos || (slash != std::string_view::npos && slash < colon);  // no scheme
  // Links to other postmortems stay: the renderer points them at the incident's page.
  const std::string_view path = value.substr(0, value.find_first_of("#?"));
  return relative && !path.ends_with(".md") && !path.ends_with(".markdown");
}

// "&amp;" -> "&" in one pass (md4c escapes attribute text; the escapes could hide a scheme).
std::string unescape_amp(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    out += value[i];
    if (value.compare(i, 5, "&amp;") == 0) i += 4;
  }
  return out;
}

// The position of the next `attribute` (" href=\"", " src=\"") in `html` at or after `from`, or
// npos. Looked for by its name, not its leading space: a space is in nearly every word of the
// text, a name's first letter far less often.
std::size_t find_attribute(std::string_view html, std::string_view attribute, std::size_t from) {
  const std::string_view name = attribute.substr(1);
  for (std::size_t at = html.find(name, from + 1); at != std::string_view::npos; at = html.find(name, at + 1)) {
    if (html[at - 1] == attribute[0]) return at - 1;
  }
  return std::string_view::npos;
}

// Replaces javascript:, vbscript: and data: URLs in href/src attributes by "#", and relative
// links to files of the source repository (which the site does not have) too. Linear in the
// size of the HTML, however many links there are.
int drop_unsafe_urls(std::string& html, std::vector<std::string>& dropped_relative) {
  int dropped = 0;
  for (std::string_view attribute : {" href=\"", " src=\""}) {
    std::string out;  // made only when a link is dropped
    std::size_t copied = 0;
    std::size_t pos = 0;
    while ((pos = find_attribute(html, attribute, pos)) != std::string::npos) {
      const std::size_t start = pos + attribute.size();
      const std::size_t end = html.find('"', start);
      if (end == std::string::npos) break;
      const std::string unescaped = unescape_amp(std::string_view(html).substr(start, end - start));
      const bool unsafe = is_unsafe_url(unescaped);
      if (unsafe || is_relative_file_link(unescaped)) {
        if (unsafe) ++dropped;
        else dropped_relative.push_back(unescaped);
        if (out.empty()) out.reserve(html.size());
        out.append(html, copied, start - copied);
        out += '#';
        copied = end;
      }
      pos = end;
    }
    if (copied == 0) continue;
    out.append(html, copied, std::string::npos);
    html = std::move(out);
  }
  return dropped;
}

// An href as the file name it names: md4c writes "&" as "&amp;" and percent-encodes spaces and
// non-ASCII bytes ("two%20words.md", "caf%C3%A9.md").
std::string href_to_path(std::string_view href) {
  const auto hex = [](char c) {  // the value of an ASCII hex digit, or -1
    if (c >= '0' && c <= '9') return c - '0';
    const char lower = static_cast<char>(c | 0x20);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  };
  std::string out;
  for (std::size_t i = 0; i < href.size(); ++i) {
    if (href[i] == '%' && i + 2 < href.size() && hex(href[i + 1]) >= 0 && hex(href[i + 2]) >= 0) {
      out += static_cast<char>(hex(href[i + 1]) * 16 + hex(href[i + 2]));
      i += 2;
    } else if (href.compare(i, 5, "&amp;") == 0) {
      out += '&';
      i += 4;
    } else {
      out += href[i];
    }
  }
  return out;
}

// The links of `html` to Markdown files by relative paths: no scheme, not from the root.
std::vector<MarkdownFileLink> find_markdown_file_links(const std::string& html) {
  std::vector<MarkdownFileLink> links;
  for (std::size_t pos = 0; (pos = find_attribute(html, " href=\"", pos)) != std::string::npos;) {
    const std::size_t begin = pos + 7;
    const std::size_t end = html.find('"', begin);
    if (end == std::string::npos) break;
    pos = end;
    std::string href = html.substr(begin, end - begin);
    std::string path = href_to_path(std::string_view(href).substr(0, href.find('#')));
    if (path.empty() || path[0] == '/' || path.find(':') != std::string::npos || !(path.ends_with(".md") || path.ends_with(".markdown"))) {
      continue;
    }
    links.push_back({begin, end, std::move(href), std::move(path)});
  }
  return links;
}

// Gives every <h1>..<h6> of the body an id, so that each section can be linked to. One pass,
// with a set of the ids given so far: a file of 100,000 identical headings stays linear.
void add_heading_ids(std::string& html) {
  std::unordered_set<std::string> used;
  std::unordered_map<std::string, int> next_number;  // slug -> the next suffix to try
  std::string out;
  out.reserve(html.size() + html.size() / 8);
  std::size_t copied = 0;
  for (std::size_t pos = 0; (pos = html.find("<h", pos)) != std::string::npos;) {
    if (pos + 3 >= html.size() || html[pos + 2] < '1' || html[pos + 2] > '6' || html[pos + 3] != '>') {
      ++pos;
      continue;
    }
    const std::size_t close = html.find("</h", pos);
    if (close == std::string::npos) break;
    // The heading's text without tags, as a slug.
    std::string slug;
    bool in_tag = false;
    for (std::size_t i = pos + 4; i < close; ++i) {
      const char c = html[i];
      if (c == '<') in_tag = true;
      else if (c == '>') in_tag = false;
      else if (!in_tag && std::isalnum(static_cast<unsigned char>(c))) slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      else if (!in_tag && !slug.empty() && slug.back() != '-') slug += '-';
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    if (slug.empty()) slug = "section";
    std::string id = "s-" + slug;
    if (used.count(id) > 0) {
      int& n = next_number.try_emplace(slug, 2).first->second;
      do id = "s-" + slug + "-" + std::to_string(n++);
      while (used.count(id) > 0);
    }
    used.insert(id);
    out.append(html, copied, pos + 3 - copied);
    out += " id=\"" + id + "\"";
    copied = pos + 3;
    pos = close;  // headings do not nest: go on after this one
  }
  out.append(html, copied, std::string::npos);
  html = std::move(out);
}

int first_unsafe_link_line(std::string_view body, int first_line) {
  diag::LineIndex lines(body);
  // A scheme runs from just after a delimiter to the first ':' after it; later colons before
  // the next delimiter belong to the same candidate, so each byte is looked at once or twice.
  constexpr std::string_view kDelimiters = "(<\"' \n";
  std::size_t start = 0;
  bool checked = false;
  for (std::size_t pos = 0; pos < body.size(); ++pos) {
    if (kDelimiters.find(body[pos]) != std::string_view::npos) {
      start = pos + 1;
      checked = false;
    } else if (body[pos] == ':' && !checked) {
      checked = true;
      if (is_unsafe_url(body.substr(start, pos + 1 - start))) return first_line - 1 + lines.line_of(pos);
    }
  }
  return first_line;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

ParsedDocument parse_markdown(std::string_view body, int first_line, const MarkdownOptions& options) {
  ParsedDocument doc;
  BlockBuilder builder(body, first_line);
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = kParserFlags;
  parser.enter_block = [](MD_BLOCKTYPE t, void* d, void* u) { return static_cast<BlockBuilder*>(u)->enter_block(t, d); };
  parser.leave_block = [](MD_BLOCKTYPE t, void*, void* u) { return static_cast<BlockBuilder*>(u)->leave_block(t); };
  parser.enter_span = [](MD_SPANTYPE t, void*, void* u) { return static_cast<BlockBuilder*>(u)->enter_span(t); };
  parser.leave_span = [](MD_SPANTYPE t, void*, void* u) { return static_cast<BlockBuilder*>(u)->leave_span(t); };
  parser.text = [](MD_TEXTTYPE t, const MD_CHAR* s, MD_SIZE n, void* u) { return static_cast<BlockBuilder*>(u)->text(t, s, n); };
  md_parse(body.data(), static_cast<MD_SIZE>(body.size()), &parser, &builder);
  doc.blocks = builder.take();
  if (builder.cut()) doc.blocks_cut_at_line = std::max({builder.cut_at_line(), doc.blocks.back().line, first_line});
  doc.deepest_nesting = builder.deepest_nesting();
  if (doc.deepest_nesting > kDeepNesting) doc.deep_nesting_line = std::max(first_line, builder.deep_nesting_line());

  if (doc.deepest_nesting > kMaxRenderedNesting) {
    doc.html = "<pre class=\"unrendered\">" + escape_html(body) + "</pre>\n";
    return doc;
  }
  const unsigned html_flags = kParserFlags | (options.unsafe_html ? 0u : static_cast<unsigned>(MD_FLAG_NOHTML));
  doc.html.reserve(body.size() + body.size() / 4);
  md_html(body.data(), static_cast<MD_SIZE>(body.size()), append_html, &doc.html, html_flags, 0);
  doc.unsafe_links = drop_unsafe_urls(doc.html, doc.dropped_relative_links);
  add_heading_ids(doc.html);
  doc.markdown_file_links = find_markdown_file_links(doc.html);
  if (doc.unsafe_links > 0) doc.first_unsafe_link_line = first_unsafe_link_line(body, first_line);
  return doc;
}

}  // namespace pmkb::markdown
