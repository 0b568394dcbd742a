#include "content/front_matter.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include <toml++/toml.h>

namespace pmkb::content {

namespace {

// Bounds that keep hostile YAML (alias bombs, deep nesting) cheap to read.
constexpr int kMaxDepth = 16;
constexpr int kMaxNodes = 20000;

struct Block {
  FrontMatterFormat format = FrontMatterFormat::None;
  std::string text;       // between the delimiters
  int first_line = 0;     // 1-based source line of the text's first line
  int open_line = 0;      // line of the opening delimiter
  std::size_t body_offset = 0;
  int body_first_line = 1;
  bool closed = false;
};

Block find_block(std::string_view text) {
  Block block;
  std::size_t pos = 0;
  int line = 1;
  // Allow blank lines before the opening delimiter.
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(pos, end - pos);
    if (content.find_first_not_of(" \t") != std::string_view::npos) break;
    pos = end + 1;
    ++line;
  }
  auto line_at = [&](std::size_t p) {
    std::size_t end = text.find('\n', p);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(p, end - p);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
    return std::pair{l, end};
  };
  if (pos >= text.size()) return block;
  auto [opening, opening_end] = line_at(pos);
  std::string_view closing_a;
  std::string_view closing_b;
  if (opening == "---") {
    block.format = FrontMatterFormat::Yaml;
    closing_a = "---";
    closing_b = "...";
  } else if (opening == "+++") {
    block.format = FrontMatterFormat::Toml;
    closing_a = closing_b = "+++";
  } else {
    return block;
  }
  block.open_line = line;
  block.first_line = line + 1;
  std::size_t p = opening_end + 1;
  int current = line + 1;
  while (p <= text.size()) {
    auto [content, end] = line_at(p);
    if (content == closing_a || content == closing_b) {
      block.text = std::string(text.substr(opening_end + 1, p - (opening_end + 1)));
      block.closed = true;
      block.body_offset = std::min(end + 1, text.size());
      block.body_first_line = current + 1;
      return block;
    }
    if (end >= text.size()) break;
    p = end + 1;
    ++current;
  }
  return block;  // unclosed
}

class YamlReader {
 public:
  YamlReader(FrontMatter& out, int first_line) : out_(out), first_line_(first_line) {}

  void read_map(const YAML::Node& map, const std::string& prefix, int depth) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (++nodes_ > kMaxNodes || depth > kMaxDepth) throw std::length_error("front matter too large");
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
      const std::string full = prefix.empty() ? key : prefix + "." + key;
      const YAML::Node value = it->second;  // a copy: it->second lives in a temporary proxy
      if (value.IsMap()) {
        read_map(value, full, depth + 1);
        continue;
      }
      FrontMatterValue v;
      v.key = full;
      v.line = it->first.Mark().line + first_line_;
      v.column = it->first.Mark().column + 1;
      line_ = v.line;
      if (value.IsSequence()) {
        v.is_list = true;
        collect(value, v.items, depth + 1);
      } else if (value.IsScalar()) {
        v.items.push_back(value.Scalar());
      }
      out_.values[normalize_key(full)] = std::move(v);
    }
  }

  // The line of the key being read when a bound was hit.
  int line() const { return line_; }

 private:
  // The scalars of a list, nested lists flattened into it. Aliases are followed, so every
  // visit counts: "billion laughs" lists of lists of aliases hit kMaxNodes, not the memory.
  void collect(const YAML::Node& list, std::vector<std::string>& items, int depth) {
    if (depth > kMaxDepth) throw std::length_error("front matter too deep");
    for (const auto& item : list) {
      if (++nodes_ > kMaxNodes) throw std::length_error("front matter too large");
      if (item.IsScalar()) items.push_back(item.Scalar());
      else if (item.IsMap()) items.push_back(flatten(item, depth + 1));
      else if (item.IsSequence()) collect(item, items, depth + 1);
    }
  }

  // A map inside a list (e.g. authors: [{name: x}]) becomes "x" or "k: v; k: v".
  std::string flatten(const YAML::Node& map, int depth) {
    if (depth > kMaxDepth) throw std::length_error("front matter too deep");
    std::string out;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (++nodes_ > kMaxNodes) throw std::length_error("front matter too large");
      if (!it->second.IsScalar()) continue;
      if (!out.empty()) out += "; ";
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      if (key == "name" || key == "title") return it->second.Scalar();
      out += key + ": " + it->second.Scalar();
    }
    return out;
  }

  FrontMatter& out_;
  int first_line_;
  int nodes_ = 0;
  int line_ = 0;
};

// yaml-cpp reports an unclosed "[", "{" or quote where the text ends; point at the line that
// opened it instead, which is where the fix goes. Returns a 0-based line and column.
std::pair<int, int> yaml_error_position(std::string_view text, int line, int column) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  if (line < lines - 1) return {std::max(0, line), std::max(0, column)};
  int current = 0;
  int depth = 0;
  int open_line = -1;
  int open_column = 0;
  char quote = 0;
  int col = 0;
  for (char c : text) {
    if (c == '\n') {
      ++current;
      col = 0;
      if (quote == 0 && depth == 0) open_line = -1;
      continue;
    }
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      if (col > 0) {
        quote = c;
        if (open_line < 0) { open_line = current; open_column = col; }
      }
    } else if (c == '[' || c == '{') {
      if (depth++ == 0 && open_line < 0) { open_line = current; open_column = col; }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    ++col;
  }
  if (open_line >= 0 && (depth > 0 || quote != 0)) return {open_line, open_column};
  return {std::max(0, line), std::max(0, column)};
}

// Calls visit(scalar) for the scalars of `node`, keys included, until it returns false. True
// when every scalar was visited; false when `visit` stopped the walk, or when the node is too
// large (more than `budget` nodes) or deep to look through.
template <class Visit>
bool each_scalar(const YAML::Node& node, int depth, int& budget, const Visit& visit) {
  if (depth > kMaxDepth || --budget < 0) return false;
  if (node.IsScalar()) return visit(node);
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!each_scalar(item, depth + 1, budget, visit)) return false;
    }
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!each_scalar(it->first, depth + 1, budget, visit) || !each_scalar(it->second, depth + 1, budget, visit)) return false;
    }
  }
  return true;
}

// Whether the scalar at `pos` of `text` is not quoted, or its quote closes before the text ends.
bool quote_closes(std::string_view text, std::size_t pos) {
  const char quote = text[pos];
  if (quote != '"' && quote != '\'') return true;
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') ++i;  // an escape: the next character is not the end
    else if (quote == '\'' && text[i] == '\'' && i + 1 < text.size() && text[i + 1] == '\'') ++i;  // '' is a quote
    else if (text[i] == quote) return true;
  }
  return false;
}

// yaml-cpp 0.7 accepts a quoted value that is never closed when the text ends inside it, and
// silently reads the rest of the front matter into that value. Parsing again with a last
// key appended tells: an unclosed quote swallows the key. Returns the position (0-based) of
// the value that does.
constexpr std::string_view kEndKey = "pmkb-end-of-front-matter-7f3a9";

std::optional<YAML::Mark> unclosed_quote(const std::string& text, const YAML::Node& root) {
  if (text.find_first_of("\"'") == std::string::npos) return std::nullopt;
  // An unclosed quote reads on to the end of the text, so its value is the last scalar: when
  // that one is not quoted, or its quote closes, there is none, and no second parse is needed.
  YAML::Mark last = YAML::Mark::null_mark();
  int scalars = kMaxNodes;
  const bool all_seen = each_scalar(root, 0, scalars, [&](const YAML::Node& scalar) {
    if (scalar.Mark().pos > last.pos) last = scalar.Mark();
    return true;
  });
  if (all_seen && (last.pos < 0 || quote_closes(text, static_cast<std::size_t>(last.pos)))) return std::nullopt;
  try {
    const YAML::Node probe = YAML::Load(text + "\n" + std::string(kEndKey) + ": 1\n");
    if (!probe.IsMap() || probe[std::string(kEndKey)]) return std::nullopt;
    std::optional<YAML::Mark> at;  // the value that swallowed the key
    int budget = kMaxNodes;
    each_scalar(probe, 0, budget, [&](const YAML::Node& scalar) {
      if (scalar.Scalar().find(kEndKey) != std::string::npos) at = scalar.Mark();
      return !at;
    });
    return at;
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

void parse_yaml(const Block& block, FrontMatter& out, const SourceFile& source,
                diag::Diagnostics& diagnostics) {
  YamlReader reader(out, block.first_line);
  try {
    YAML::Node root = YAML::Load(block.text);
    if (root.IsNull()) return;
    if (!root.IsMap()) {
      diagnostics.report(diag::Level::Error, {source.display_path, block.first_line, 1},
                         "front matter is not a list of `key: value` lines; fix it or remove the "
                         "--- delimiters",
                         "invalid-front-matter");
      return;
    }
    if (const auto at = unclosed_quote(block.text, root)) {
      diagnostics.report(diag::Level::Error, {source.display_path, block.first_line + at->line, at->column + 1},
                         "invalid YAML front matter: this quoted value is never closed, so the rest of the front "
                         "matter would be read into it; the file is read without its front matter until this is "
                         "fixed",
                         "invalid-front-matter");
      return;
    }
    reader.read_map(root, "", 0);
  } catch (const YAML::Exception& e) {
    out.values.clear();
    const auto [line, column] = yaml_error_position(block.text, e.mark.line, e.mark.column);
    diagnostics.report(diag::Level::Error, {source.display_path, block.first_line + line, column + 1},
                       "invalid YAML front matter: " + e.msg +
                           "; the file is read without its front matter until this is fixed",
                       "invalid-front-matter");
  } catch (const std::length_error&) {
    out.values.clear();
    diagnostics.report(diag::Level::Error, {source.display_path, std::max(reader.line(), block.first_line), 1},
                       "front matter is too large or too deeply nested (more than " + std::to_string(kMaxNodes) +
                           " values or " + std::to_string(kMaxDepth) +
                           " levels, e.g. aliases that expand to lists of lists); it is ignored",
                       "invalid-front-matter");
  }
}

std::string toml_scalar(const toml::node& node) {
  std::ostringstream text;
  if (auto s = node.as_string()) return s->get();
  if (auto d = node.as_date()) text << d->get();
  else if (auto dt = node.as_date_time()) text << dt->get();
  else if (auto t = node.as_time()) text << t->get();
  else if (auto i = node.as_integer()) text << i->get();
  else if (auto f = node.as_floating_point()) text << f->get();
  else if (auto b = node.as_boolean()) text << (b->get() ? "true" : "false");
  return text.str();
}

void read_toml_table(const toml::table& table, const std::string& prefix, int depth, FrontMatter& out,
                     int first_line) {
  if (depth > kMaxDepth) return;
  for (const auto& [key, node] : table) {
    const std::string full = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const auto* sub = node.as_table()) {
      read_toml_table(*sub, full, depth + 1, out, first_line);
      continue;
    }
    FrontMatterValue v;
    v.key = full;
    v.line = static_cast<int>(key.source().begin.line) + first_line - 1;
    v.column = static_cast<int>(key.source().begin.column);
    if (const auto* array = node.as_array()) {
      v.is_list = true;
      for (const auto& item : *array) v.items.push_back(toml_scalar(item));
    } else {
      v.items.push_back(toml_scalar(node));
    }
    out.values[normalize_key(full)] = std::move(v);
  }
}

void parse_toml(const Block& block, FrontMatter& out, const SourceFile& source,
                diag::Diagnostics& diagnostics) {
  try {
    toml::table table = toml::parse(block.text);
    read_toml_table(table, "", 0, out, block.first_line);
  } catch (const toml::parse_error& e) {
    out.values.clear();
    const auto& begin = e.source().begin;
    diagnostics.report(diag::Level::Error,
                       {source.display_path, block.first_line + static_cast<int>(begin.line) - 1,
                        static_cast<int>(begin.column)},
                       "invalid TOML front matter: " + std::string(e.description()) +
                           "; the file is read without its front matter until this is fixed",
                       "invalid-front-matter");
  }
}

}  // namespace

std::string FrontMatterValue::text() const {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string normalize_key(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '-' || c == ' ') out += '_';
    else out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

const FrontMatterValue* FrontMatter::find(std::initializer_list<std::string_view> keys) const {
  const auto usable = [](const FrontMatterValue& v) {
    return std::any_of(v.items.begin(), v.items.end(), [](const std::string& s) {
      return s.find_first_not_of(" \t") != std::string::npos;
    });
  };
  for (std::string_view key : keys) {
    auto it = values.find(normalize_key(key));
    if (it != values.end() && usable(it->second)) return &it->second;
  }
  for (std::string_view key : keys) {
    const std::string suffix = "." + normalize_key(key);
    for (const auto& [name, value] : values) {
      if (name.size() > suffix.size() && name.ends_with(suffix) && usable(value)) return &value;
    }
  }
  return nullptr;
}

SplitDocument split_front_matter(const SourceFile& source, diag::Diagnostics& diagnostics) {
  SplitDocument doc;
  const Block block = find_block(source.text);
  if (block.format == FrontMatterFormat::None) {
    doc.body = source.text;
    return doc;
  }
  if (!block.closed) {
    if (block.format == FrontMatterFormat::Toml) {
      diagnostics.report(diag::Level::Error, {source.display_path, block.open_line, 1},
                         "front matter opened with +++ is never closed; add a closing +++ line",
                         "invalid-front-matter");
    }
    // An unclosed "---" is most often a horizontal rule at the top of the body.
    doc.body = source.text;
    return doc;
  }
  doc.front_matter.format = block.format;
  if (block.format == FrontMatterFormat::Yaml) parse_yaml(block, doc.front_matter, source, diagnostics);
  else parse_toml(block, doc.front_matter, source, diagnostics);
  doc.body = source.text.substr(block.body_offset);
  doc.body_first_line = block.body_first_line;
  return doc;
}

}  // namespace pmkb::content
