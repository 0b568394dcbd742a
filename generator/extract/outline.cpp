#include "extract/outline.h"

#include <algorithm>

#include "extract/dates.h"
#include "text/text.h"

namespace pmkb::extract {

using markdown::Block;
using markdown::BlockKind;
using model::SectionKind;

namespace {

constexpr int kPseudoHeadingLevel = 7;
constexpr int kLabelLevel = 8;

std::size_t word_count(std::string_view s) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

// True when `phrase` occurs in `text` as whole words at `pos`.
bool whole_word_at(std::string_view text, std::size_t pos, std::size_t length) {
  const auto boundary = [&](std::size_t i) {
    return i >= text.size() || !(text::is_ascii_alnum(static_cast<unsigned char>(text[i])));
  };
  return (pos == 0 || boundary(pos - 1)) && boundary(pos + length);
}

// "Root Cause: text" / "**Root Cause:** text": splits into label and value.
std::optional<std::pair<std::string, std::string>> split_label(const Unit& unit) {
  std::string_view text = unit.text;
  if (!unit.lead.empty() && text.starts_with(unit.lead)) {
    std::string_view name = text::trim(unit.lead);
    std::string_view rest = text::trim(text.substr(unit.lead.size()));
    if (name.ends_with(':')) name.remove_suffix(1);
    else if (rest.starts_with(':')) rest = text::trim(rest.substr(1));
    else return std::nullopt;
    if (rest.starts_with("-") || rest.starts_with("\xE2\x80\x93")) rest = text::trim(rest.substr(rest[0] == '-' ? 1 : 3));
    return std::pair{std::string(text::trim(name)), std::string(rest)};
  }
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 60) return std::nullopt;
  // "https://..." and times ("10:30") are not labels.
  if (colon + 1 < text.size() && text[colon + 1] != ' ' && text[colon + 1] != '\t') return std::nullopt;
  const std::string_view name = text::trim(text.substr(0, colon));
  if (word_count(name) > 6 || name.empty() || text::is_ascii_digit(static_cast<unsigned char>(name.back()))) return std::nullopt;
  return std::pair{std::string(name), std::string(text::trim(text.substr(colon + 1)))};
}

class OutlineBuilder {
 public:
  explicit OutlineBuilder(const model::Vocabulary& vocabulary) : vocabulary_(vocabulary) {
    outline_.sections.push_back(Section{});  // the preamble
  }

  Outline build(const markdown::ParsedDocument& doc) {
    for (const Unit& unit : flatten(doc)) add(unit);
    outline_.title = first_h1_ ? first_h1_ : first_heading_ ? first_heading_ : first_strong_;
    return std::move(outline_);
  }

 private:
  void add(const Unit& unit) {
    const Block& block = *unit.block;
    if (unit.kind == BlockKind::Heading) return add_heading(unit);
    if (pending_label_ && (unit.kind == BlockKind::Paragraph || unit.kind == BlockKind::ListItem)) {
      // "## Status:" followed by its value on the next line.
      pending_label_->value = unit.text;
      outline_.labels.push_back(*pending_label_);
    }
    pending_label_.reset();
    if (unit.kind == BlockKind::TableRow && block.cells.size() == 2 && !block.header_row) {
      if (auto kind = match_label(block.cells[0], vocabulary_)) {
        outline_.labels.push_back({*kind, std::string(text::trim(block.cells[0])), std::string(text::trim(block.cells[1])), unit.line, model::OriginKind::Table});
      }
    }
    if (unit.kind == BlockKind::Paragraph || unit.kind == BlockKind::ListItem) {
      if (add_label_or_heading_line(unit)) return;
    }
    current().units.push_back(unit);
  }

  void add_heading(const Unit& unit) {
    const KindMatch match = match_section(unit.text, vocabulary_, true);
    const int level = unit.block->level;
    pending_label_.reset();
    if (match.kind == SectionKind::Other) {
      if (auto label = match_label(unit.text, vocabulary_)) pending_label_ = Label{*label, unit.text, "", unit.line, model::OriginKind::Heading};
    }
    while (!open_.empty() && open_.back().first >= level) open_.pop_back();
    SectionKind kind = match.kind;
    // A subheading continues its parent's section ("### Immediate" under "Action Items") unless
    // it is itself a section name ("### What went well" under "Lessons").
    const bool has_parent = !open_.empty() && open_.back().second != SectionKind::Other;
    if (has_parent && !match.exact) kind = open_.back().second;
    // "## 09:25", "### Update 27.08.2022 10:00 Uhr": status-page updates form a timeline.
    if (kind == SectionKind::Other && is_stamp_only(unit.text)) kind = SectionKind::Timeline;
    open_.emplace_back(level, kind);
    if (!match.exact && !text::normalize_phrase(unit.text).empty()) {
      if (level == 1 && !first_h1_) first_h1_ = unit;
      if (!first_heading_ && match.kind == SectionKind::Other) first_heading_ = unit;
    }
    start_section({kind, match.exact, match.rank, unit.text, unit.block, unit.line, level, model::OriginKind::Heading, {}});
  }

  std::vector<Unit> flatten(const markdown::ParsedDocument& doc) const {
    std::vector<Unit> units;
    for (const Block& block : doc.blocks) {
      if (block.kind == BlockKind::Rule) continue;
      if (block.kind == BlockKind::Paragraph && !block.lines.empty()) {
        for (const auto& line : block.lines) add_line_unit(units, block, line, BlockKind::Paragraph);
        continue;
      }
      if (block.kind == BlockKind::ListItem && block.lines.size() > 1) {
        split_list_item(units, block);
        continue;
      }
      const std::string lead = block.lines.empty() ? std::string() : std::string(text::trim(block.lines.front().lead_strong));
      const bool long_heading = block.kind == BlockKind::Heading && word_count(block.text) > 15;
      units.push_back({&block, long_heading ? BlockKind::Paragraph : block.kind, block.text, lead, block.line});
    }
    return units;
  }

  static void add_line_unit(std::vector<Unit>& units, const Block& block, const markdown::TextLine& line, BlockKind kind) {
    const std::string_view text = text::trim(line.text);
    if (text.empty()) return;
    units.push_back({&block, kind, std::string(text), std::string(text::trim(line.lead_strong)), line.line});
  }

  // "- Severity: Critical\nBrief Description: ..." -> the item, then paragraph lines.
  void split_list_item(std::vector<Unit>& units, const Block& block) const {
    Unit item{&block, BlockKind::ListItem, std::string(text::trim(block.lines.front().text)),
              std::string(text::trim(block.lines.front().lead_strong)), block.line};
    std::size_t i = 1;
    for (; i < block.lines.size(); ++i) {
      const auto& line = block.lines[i];
      if (is_structure_line({&block, BlockKind::Paragraph, std::string(text::trim(line.text)), std::string(text::trim(line.lead_strong)), line.line})) break;
      item.text += '\n';
      item.text += line.text;
    }
    units.push_back(std::move(item));
    for (; i < block.lines.size(); ++i) add_line_unit(units, block, block.lines[i], BlockKind::Paragraph);
  }

  // A line that starts a section or holds a metadata label.
  bool is_structure_line(const Unit& unit) const {
    const bool whole_strong = !unit.lead.empty() && text::trim(unit.text) == unit.lead;
    if (whole_strong || looks_like_plain_heading(unit.text)) {
      const KindMatch match = match_section(unit.text, vocabulary_, true);
      if (match.kind != SectionKind::Other && (match.exact || starts_with_synonym(unit.text))) return true;
    }
    const auto label = split_label(unit);
    return label && (match_label(label->first, vocabulary_) || match_section(label->first, vocabulary_, false).exact);
  }

  // Handles "**Timeline**", "Why did it happen?", "**Root Cause:** text" and "Date: 2024-06-20".
  bool add_label_or_heading_line(const Unit& unit) {
    const bool paragraph = unit.kind == BlockKind::Paragraph;
    const bool whole_strong = !unit.lead.empty() && text::trim(unit.text) == unit.lead;
    if (paragraph && (whole_strong || looks_like_plain_heading(unit.text))) {
      const KindMatch match = match_section(unit.text, vocabulary_, true);
      if (match.kind != SectionKind::Other && (whole_strong || match.exact || starts_with_synonym(unit.text))) {
        start_section({match.kind, match.exact, match.rank, unit.text, unit.block, unit.line, kPseudoHeadingLevel, model::OriginKind::Heading, {}});
        return true;
      }
      if (whole_strong && is_stamp_only(unit.text)) {  // "**2021-04-19T21:12:00-00:00**"
        start_section({SectionKind::Timeline, false, 0, unit.text, unit.block, unit.line, kPseudoHeadingLevel, model::OriginKind::Heading, {}});
        return true;
      }
      if (whole_strong && !first_strong_ && in_preamble()) first_strong_ = unit;
      return false;
    }
    // "- **Key events**" / "- **Review actions**:" with nested bullets (a list used as an outline).
    if (!paragraph && current().kind != SectionKind::ActionItems) {
      std::string_view name = text::trim(unit.text);
      if (name.ends_with(':')) name.remove_suffix(1);
      const KindMatch match = match_section(name, vocabulary_, false);
      if (match.exact && (whole_strong || unit.text.ends_with(':'))) {
        start_section({match.kind, true, match.rank, std::string(name), unit.block, unit.line, kLabelLevel, model::OriginKind::Label, {}});
        return true;
      }
    }
    const auto label = split_label(unit);
    if (!label) {
      consider_titled_section_word(unit);
      return false;
    }
    if (auto kind = match_label(label->first, vocabulary_)) {
      outline_.labels.push_back({*kind, label->first, label->second, unit.line, model::OriginKind::Label});
      if (!paragraph) return false;
      // A metadata line ends a "Label: text" section.
      if (current().level == kLabelLevel) start_section({SectionKind::Other, false, 0, label->first, unit.block, unit.line, kLabelLevel, model::OriginKind::Label, {}});
      return true;
    }
    if (!paragraph && current().kind == SectionKind::ActionItems) return false;
    const KindMatch match = match_section(label->first, vocabulary_, false);
    if (match.kind == SectionKind::Other) return false;
    Section section{match.kind, true, match.rank, label->first, unit.block, unit.line, kLabelLevel, model::OriginKind::Label, {}};
    if (!label->second.empty()) section.units.push_back({unit.block, paragraph ? BlockKind::Paragraph : BlockKind::ListItem, label->second, "", unit.line});
    start_section(std::move(section));
    return true;
  }

  // "**Issue Summary** e-com disaster": a bold section word followed by the document's title.
  void consider_titled_section_word(const Unit& unit) {
    if (unit.lead.empty() || first_strong_ || !in_preamble() || unit.kind != BlockKind::Paragraph) return;
    const std::string_view rest = text::trim(std::string_view(unit.text).substr(std::min(unit.text.size(), unit.lead.size())));
    if (rest.empty() || word_count(rest) > 12 || !match_section(unit.lead, vocabulary_, false).exact) return;
    first_strong_ = Unit{unit.block, BlockKind::Paragraph, std::string(rest), "", unit.line};
  }

  bool in_preamble() const { return outline_.sections.size() == 1; }

  // A line that is nothing but a date and time (a status update's heading).
  static bool is_stamp_only(std::string_view text) {
    const auto stamp = find_leading_stamp(text, DayOrder::MonthFirst, std::nullopt);
    if (!stamp || !stamp->time) return false;
    const std::string_view rest = text::trim(text.substr(std::min(stamp->length, text.size())));
    return rest.empty() || rest == "Uhr" || rest == "Uhr:" || rest.size() <= 4;
  }

  bool looks_like_plain_heading(std::string_view text) const {
    text = text::trim(text);
    if (text.empty() || text.size() > 90 || word_count(text) > 8) return false;
    return text.ends_with(':') || text.ends_with('?') || match_section(text, vocabulary_, false).exact;
  }

  bool starts_with_synonym(std::string_view text) const {
    const std::string normalized = text::normalize_phrase(text);
    for (const auto& entry : vocabulary_.sections) {
      for (const auto& phrase : entry.phrases) {
        if (std::string_view(normalized).starts_with(phrase) && whole_word_at(normalized, 0, phrase.size())) return true;
      }
    }
    return false;
  }

  void start_section(Section section) { outline_.sections.push_back(std::move(section)); }
  Section& current() { return outline_.sections.back(); }

  const model::Vocabulary& vocabulary_;
  Outline outline_;
  std::vector<std::pair<int, SectionKind>> open_;  // heading levels and kinds enclosing the current line
  std::optional<Label> pending_label_;
  std::optional<Unit> first_h1_;
  std::optional<Unit> first_heading_;
  std::optional<Unit> first_strong_;
};

}  // namespace

std::string Section::text() const {
  std::string out;
  const Block* previous = nullptr;
  for (const Unit& unit : units) {
    if (unit.kind == BlockKind::Code || unit.kind == BlockKind::Html) continue;
    const std::string_view t = text::trim(unit.text);
    const auto is = [t](std::string_view placeholder) { return t.size() == placeholder.size() && text::starts_with_ascii_nocase(t, placeholder); };
    if (t.empty() || is("tba") || is("tbd") || is("n/a")) continue;
    // Lines of one paragraph are one piece of prose; a new block starts a new line.
    const bool same_paragraph = unit.kind == BlockKind::Paragraph && unit.block == previous;
    if (!out.empty()) out += same_paragraph ? ' ' : '\n';
    if (unit.kind == BlockKind::ListItem) out += "- ";
    out += text::collapse_whitespace(unit.text);
    previous = unit.block;
  }
  return out;
}

KindMatch match_section(std::string_view heading, const model::Vocabulary& vocabulary, bool allow_partial) {
  const std::string normalized = text::normalize_phrase(heading);
  if (normalized.empty()) return {};
  for (const auto& entry : vocabulary.sections) {
    for (std::size_t rank = 0; rank < entry.phrases.size(); ++rank) {
      if (entry.phrases[rank] == normalized) return {entry.kind, true, static_cast<int>(rank)};
    }
  }
  if (!allow_partial || word_count(normalized) > 10) return {};
  const bool short_heading = word_count(normalized) <= 5;
  // The synonym found earliest in the heading wins; at the same place, the longest.
  KindMatch best;
  std::size_t best_pos = std::string::npos;
  std::size_t best_length = 0;
  for (const auto& entry : vocabulary.sections) {
    for (std::size_t rank = 0; rank < entry.phrases.size(); ++rank) {
      const std::string& phrase = entry.phrases[rank];
      for (std::size_t pos = normalized.find(phrase); pos != std::string::npos; pos = normalized.find(phrase, pos + 1)) {
        if (!whole_word_at(normalized, pos, phrase.size())) continue;
        if (pos > 0 && !short_heading) break;
        if (pos < best_pos || (pos == best_pos && phrase.size() > best_length)) {
          best = {entry.kind, false, static_cast<int>(rank)};
          best_pos = pos;
          best_length = phrase.size();
        }
        break;
      }
    }
  }
  return best;
}

std::optional<model::LabelKind> match_label(std::string_view name, const model::Vocabulary& vocabulary) {
  const std::string normalized = text::normalize_phrase(name);
  if (normalized.empty()) return std::nullopt;
  for (const auto& entry : vocabulary.labels) {
    if (std::find(entry.phrases.begin(), entry.phrases.end(), normalized) != entry.phrases.end()) return entry.kind;
  }
  return std::nullopt;
}

Outline build_outline(const markdown::ParsedDocument& doc, const model::Vocabulary& vocabulary) {
  return OutlineBuilder(vocabulary).build(doc);
}

}  // namespace pmkb::extract
