#include "extract/actions.h"

#include <algorithm>
#include <map>
#include <set>

#include "text/text.h"

namespace pmkb::extract {

using markdown::BlockKind;
using markdown::TaskMark;
using model::ActionItem;
using model::ActionStatus;
using model::ColumnKind;

namespace {

bool has_word(std::string_view lower, std::string_view word) {
  for (std::size_t pos = lower.find(word); pos != std::string_view::npos; pos = lower.find(word, pos + 1)) {
    const bool start = pos == 0 || !text::is_ascii_alnum(static_cast<unsigned char>(lower[pos - 1]));
    const std::size_t end = pos + word.size();
    const bool finish = end >= lower.size() || !text::is_ascii_alnum(static_cast<unsigned char>(lower[end]));
    if (start && finish) return true;
  }
  return false;
}

std::optional<ColumnKind> column_kind(std::string_view header, const model::Vocabulary& vocabulary) {
  const std::string normalized = text::normalize_phrase(header);
  for (const auto& entry : vocabulary.action_columns) {
    if (std::find(entry.phrases.begin(), entry.phrases.end(), normalized) != entry.phrases.end()) return entry.kind;
  }
  return std::nullopt;
}

// "Owner: [Team/Individual]" -> "" ; "@alice" -> "alice".
std::string clean_owner(std::string_view owner) {
  owner = text::trim(owner);
  if (is_placeholder(owner)) return "";
  if (owner.starts_with('@')) owner.remove_prefix(1);
  return std::string(owner);
}

// Pulls "Owner: x", "Due Date: y", "Status: z", "Priority: p" out of an item's text.
void read_inline_fields(ActionItem& item) {
  struct Field { std::string_view key; std::string* into; };
  std::string status;
  const Field fields[] = {{"owner:", &item.owner}, {"assignee:", &item.owner}, {"due date:", &item.due},
                          {"due:", &item.due}, {"status:", &status}, {"priority:", &item.priority}};
  std::string lower = text::to_lower(item.text);
  std::size_t cut = item.text.size();
  for (const Field& field : fields) {
    const std::size_t pos = lower.find(field.key);
    if (pos == std::string::npos || !field.into->empty()) continue;
    std::size_t end = item.text.size();
    for (const Field& other : fields) {
      const std::size_t next = lower.find(other.key, pos + field.key.size());
      if (next != std::string::npos) end = std::min(end, next);
    }
    std::string_view value = text::trim(std::string_view(item.text).substr(pos + field.key.size(), end - pos - field.key.size()));
    while (!value.empty() && (value.back() == ',' || value.back() == ';' || value.back() == ')')) value.remove_suffix(1);
    *field.into = std::string(value);
    cut = std::min(cut, pos);
  }
  if (!status.empty()) item.status = parse_status(status);
  if (cut < item.text.size()) {
    std::string_view kept = text::trim(std::string_view(item.text).substr(0, cut));
    while (!kept.empty() && (kept.back() == '(' || kept.back() == ',' || kept.back() == ';' || kept.back() == '-')) kept = text::trim(kept.substr(0, kept.size() - 1));
    item.text = std::string(kept);
  }
  if (!item.due.empty() && is_placeholder(item.due)) item.due.clear();
  item.owner = clean_owner(item.owner);
}

void read_mention(ActionItem& item) {
  if (!item.owner.empty()) return;
  for (std::size_t pos = item.text.find('@'); pos != std::string::npos; pos = item.text.find('@', pos + 1)) {
    if (pos > 0 && text::is_ascii_alnum(static_cast<unsigned char>(item.text[pos - 1]))) continue;  // e-mail address
    std::size_t end = pos + 1;
    while (end < item.text.size() && (text::is_ascii_alnum(static_cast<unsigned char>(item.text[end])) || item.text[end] == '-' || item.text[end] == '_' || item.text[end] == '.')) ++end;
    while (end > pos + 1 && item.text[end - 1] == '.') --end;
    if (end > pos + 1) {
      item.owner = item.text.substr(pos + 1, end - pos - 1);
      return;
    }
  }
}

// Leading markers: "[DONE]", "✅", "☐", "[ ]", "~~done~~".
void read_markers(ActionItem& item) {
  std::string_view text = text::trim(item.text);
  struct Marker { std::string_view mark; ActionStatus status; };
  const Marker markers[] = {{"[DONE]", ActionStatus::Done}, {"[done]", ActionStatus::Done}, {"[x]", ActionStatus::Done},
                            {"[X]", ActionStatus::Done}, {"[ ]", ActionStatus::Open}, {"[TODO]", ActionStatus::Open},
                            {"\xE2\x9C\x85", ActionStatus::Done}, {"\xE2\x9C\x94", ActionStatus::Done},
                            {"\xE2\x98\x91", ActionStatus::Done}, {"\xE2\x98\x90", ActionStatus::Open},
                            {"\xE2\x9D\x8C", ActionStatus::Open}, {"\xE2\x8F\xB3", ActionStatus::Open}};
  for (const Marker& marker : markers) {
    if (text.starts_with(marker.mark)) {
      if (item.status == ActionStatus::Unknown) item.status = marker.status;
      text = text::trim(text.substr(marker.mark.size()));
      if (text.starts_with("\xEF\xB8\x8F")) text = text::trim(text.substr(3));  // emoji variation selector
    }
  }
  item.text = std::string(text);
}

ActionItem item_from_text(const Unit& unit) {
  ActionItem item;
  item.text = text::collapse_whitespace(unit.text);
  item.line = unit.line;
  if (unit.block->task == TaskMark::Done) item.status = ActionStatus::Done;
  if (unit.block->task == TaskMark::Open) item.status = ActionStatus::Open;
  read_markers(item);
  for (std::string_view prefix : {"Task:", "TODO:", "Action:", "AI:"}) {
    if (item.text.starts_with(prefix)) item.text = std::string(text::trim(std::string_view(item.text).substr(prefix.size())));
  }
  read_inline_fields(item);
  read_mention(item);
  return item;
}

class TableReader {
 public:
  explicit TableReader(const model::Vocabulary& vocabulary) : vocabulary_(vocabulary) {}

  // Returns the item of a data row, or nullopt for a header or a row without text.
  std::optional<ActionItem> read(const Unit& unit) {
    const auto& block = *unit.block;
    if (block.table_id != table_id_) {
      table_id_ = block.table_id;
      columns_.clear();
    }
    if (block.header_row) {
      for (std::size_t i = 0; i < block.cells.size(); ++i) {
        if (auto kind = column_kind(block.cells[i], vocabulary_)) columns_.emplace(*kind, i);
      }
      return std::nullopt;
    }
    const auto cell = [&](ColumnKind kind) -> std::string {
      auto it = columns_.find(kind);
      return it != columns_.end() && it->second < block.cells.size() ? std::string(text::trim(block.cells[it->second])) : "";
    };
    ActionItem item;
    item.line = unit.line;
    item.text = columns_.count(ColumnKind::Text) ? cell(ColumnKind::Text) : longest_cell(block.cells);
    if (item.text.empty()) return std::nullopt;
    item.owner = clean_owner(cell(ColumnKind::Owner));
    item.priority = cell(ColumnKind::Priority);
    item.due = cell(ColumnKind::Due);
    if (is_placeholder(item.due)) item.due.clear();
    item.status = parse_status(cell(ColumnKind::Status));
    read_markers(item);
    read_mention(item);
    return item;
  }

 private:
  static std::string longest_cell(const std::vector<std::string>& cells) {
    std::string best;
    for (const auto& c : cells) {
      if (text::trim(c).size() > best.size()) best = std::string(text::trim(c));
    }
    return best;
  }

  const model::Vocabulary& vocabulary_;
  int table_id_ = -1;
  std::map<ColumnKind, std::size_t> columns_;
};

}  // namespace

ActionStatus parse_status(std::string_view text) {
  const std::string lower = text::to_lower(text::trim(text));
  if (lower.empty()) return ActionStatus::Unknown;
  for (std::string_view done : {"\xE2\x9C\x85", "\xE2\x9C\x94", "\xE2\x98\x91", "[x]"}) {
    if (lower.find(done) != std::string::npos) return ActionStatus::Done;
  }
  for (std::string_view open : {"\xE2\x98\x90", "\xE2\x9D\x8C", "\xE2\x8F\xB3", "[ ]"}) {
    if (lower.find(open) != std::string::npos) return ActionStatus::Open;
  }
  for (std::string_view word : {"not started", "not done", "in progress", "in-progress", "wip", "open", "todo", "to do",
                                "pending", "planned", "ongoing", "blocked", "backlog", "not yet", "offen", "未対応", "対応中"}) {
    if (has_word(lower, word) || (word.size() > 3 && lower.find(word) != std::string::npos && static_cast<unsigned char>(word[0]) >= 0x80)) return ActionStatus::Open;
  }
  for (std::string_view word : {"done", "complete", "completed", "fixed", "resolved", "closed", "merged", "shipped",
                                "implemented", "finished", "yes", "erledigt", "対応済", "完了"}) {
    if (has_word(lower, word) || (static_cast<unsigned char>(word[0]) >= 0x80 && lower.find(word) != std::string::npos)) return ActionStatus::Done;
  }
  return ActionStatus::Unknown;
}

bool is_placeholder(std::string_view text) {
  text = text::trim(text);
  if (text.empty()) return false;
  const std::string lower = text::to_lower(text);
  if (lower == "tba" || lower == "tbd" || lower == "n/a" || lower == "todo" || lower == "xxx" || lower == "?" || lower == "...") return true;
  if ((text.front() == '[' && text.back() == ']') || (text.front() == '<' && text.back() == '>') ||
      (text.front() == '{' && text.back() == '}')) {
    return true;
  }
  return lower.find("yyyy") != std::string::npos || lower.find("hh:mm") != std::string::npos || lower.find("fill me") != std::string::npos;
}

std::vector<ActionItem> extract_action_items(const std::vector<const Section*>& action_sections,
                                             const std::vector<const Section*>& other_sections,
                                             const model::Vocabulary& vocabulary) {
  std::vector<ActionItem> items;
  std::set<int> seen_lines;
  TableReader tables(vocabulary);
  const auto add = [&](ActionItem item) {
    if (item.text.empty() || !seen_lines.insert(item.line).second) return;
    items.push_back(std::move(item));
  };
  for (const Section* section : action_sections) {
    int list_level = 0;
    for (const Unit& unit : section->units) {
      const auto& block = *unit.block;
      if (unit.kind == BlockKind::TableRow) {
        if (auto item = tables.read(unit)) add(std::move(*item));
      } else if (unit.kind == BlockKind::ListItem) {
        // Only the outermost list level of a section holds items; deeper bullets are details.
        if (list_level == 0 || block.level < list_level) list_level = block.level;
        if (block.level == list_level || block.task != TaskMark::None) add(item_from_text(unit));
      } else if (unit.kind == BlockKind::Paragraph) {
        // Plain lines with a checkbox marker ("☐ Rotate keys").
        ActionItem item = item_from_text(unit);
        if (item.status != ActionStatus::Unknown && item.text != text::collapse_whitespace(unit.text)) add(std::move(item));
      }
    }
  }
  for (const Section* section : other_sections) {
    for (const Unit& unit : section->units) {
      if (unit.kind == BlockKind::ListItem && unit.block->task != TaskMark::None) add(item_from_text(unit));
    }
  }
  std::sort(items.begin(), items.end(), [](const ActionItem& a, const ActionItem& b) { return a.line < b.line; });
  return items;
}

}  // namespace pmkb::extract
