// Action items: checklists, tables with Owner/Status/Priority/Due columns, and lists under
// action headings, with owner, status, priority and due date where the document gives them.
#pragma once

#include <string_view>
#include <vector>

#include "extract/outline.h"
#include "model/incident.h"
#include "model/vocabulary.h"

namespace pmkb::extract {

// Items from `action_sections` (kind ActionItems), plus checklist items ("- [ ] ...") found in
// `other_sections` outside the timeline. Sorted by line; no line is read twice.
std::vector<model::ActionItem> extract_action_items(const std::vector<const Section*>& action_sections,
                                                    const std::vector<const Section*>& other_sections,
                                                    const model::Vocabulary& vocabulary);

// "done", "✅", "[x]", "closed" -> Done; "open", "todo", "in progress", "☐" -> Open; else Unknown.
model::ActionStatus parse_status(std::string_view text);

// True for template placeholders: "[YYYY-MM-DD]", "[Team/Individual]", "TBA", "<fill me>", "TBD".
bool is_placeholder(std::string_view text);

}  // namespace pmkb::extract
