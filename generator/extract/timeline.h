// Timeline entries from the timeline sections of a postmortem: list items, table rows,
// paragraph lines and one-heading-per-timestamp layouts, with normalized times.
#pragma once

#include <optional>
#include <vector>

#include "extract/dates.h"
#include "extract/outline.h"
#include "model/incident.h"

namespace pmkb::extract {

struct TimelineContext {
  DayOrder order = DayOrder::MonthFirst;
  std::optional<model::CivilDate> date_hint;  // the incident date, for entries that give only a time
  std::optional<int> default_zone;            // from pmkb.yaml
  std::optional<model::TimePoint> start;      // the incident start, for "T+0:05" entries
};

struct TimelineResult {
  std::vector<model::TimelineEntry> entries;
  // The first entry that goes back in time, and the entry before it (source lines).
  std::optional<std::pair<int, int>> out_of_order;
};

// Reads entries from `sections` (all of kind Timeline), in document order.
TimelineResult extract_timeline(const std::vector<const Section*>& sections, const TimelineContext& context);

// detect / escalate / mitigate / resolve, from the entry's wording.
model::TimelineKind classify_event(std::string_view text);

}  // namespace pmkb::extract
