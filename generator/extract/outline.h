// The outline of a postmortem body: its sections (by heading, bold line or "Label:" line),
// matched to section kinds by synonyms, and its metadata labels ("**Date:** ...").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "markdown/parsed_document.h"
#include "model/incident.h"
#include "model/vocabulary.h"

namespace pmkb::extract {

// One line of content: a paragraph line, a list item, a table row, a heading or a code block.
struct Unit {
  const markdown::Block* block = nullptr;
  markdown::BlockKind kind = markdown::BlockKind::Paragraph;  // usually block->kind; see build_outline
  std::string text;
  std::string lead;  // bold/italic text that opens the line, if any
  int line = 0;
};

struct Section {
  model::SectionKind kind = model::SectionKind::Other;
  bool exact = false;        // the heading is a synonym as a whole, not just contains one
  int rank = 0;              // position of the synonym in its list: lower is preferred
  std::string heading;       // as written
  const markdown::Block* heading_block = nullptr;  // the heading or line that opened the section
  int line = 0;
  int level = 0;             // 1..6 for headings, 7 for a bold or plain heading line, 8 for "Label: text"
  model::OriginKind origin = model::OriginKind::Heading;
  std::vector<Unit> units;   // the content, in order (the heading line itself excluded)

  std::string text() const;  // the content as plain text, list items prefixed with "- "
};

struct Label {
  model::LabelKind kind;
  std::string name;   // as written
  std::string value;
  int line = 0;
  model::OriginKind origin = model::OriginKind::Label;  // Label or Table
};

struct Outline {
  std::vector<Section> sections;  // sections[0] is the preamble before any heading
  std::vector<Label> labels;
  std::optional<Unit> title;      // first H1, else first non-section heading, else first bold line
};

// Synonym lookup: the best kind for a heading or label, if any.
struct KindMatch {
  model::SectionKind kind = model::SectionKind::Other;
  bool exact = false;
  int rank = 0;
};
KindMatch match_section(std::string_view heading, const model::Vocabulary& vocabulary, bool allow_partial);
std::optional<model::LabelKind> match_label(std::string_view name, const model::Vocabulary& vocabulary);

// Plain-text documents put "Label: text" and "Why did it happen?" lines inside list items
// (as lazy continuation lines) or under a lone "-" (as setext headings). Such lines are read
// as the paragraph lines they are meant to be, and a "heading" of more than 15 words as text.
Outline build_outline(const markdown::ParsedDocument& doc, const model::Vocabulary& vocabulary);

}  // namespace pmkb::extract
