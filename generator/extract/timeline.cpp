#include "extract/timeline.h"

#include <algorithm>

#include "text/text.h"

namespace pmkb::extract {

using markdown::BlockKind;
using model::TimelineEntry;

namespace {

bool contains_any(std::string_view text, std::initializer_list<std::string_view> words) {
  for (std::string_view word : words) {
    if (text.find(word) != std::string_view::npos) return true;
  }
  return false;
}

// A zone named in the timeline heading: "Timeline (UTC)", "all times PDT".
std::optional<int> heading_zone(std::string_view heading) {
  std::string word;
  for (std::size_t i = 0; i <= heading.size(); ++i) {
    const char c = i < heading.size() ? heading[i] : ' ';
    if (text::is_ascii_alnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == ':') {
      word += c;
      continue;
    }
    if (word.size() >= 3 && text::is_ascii_upper(static_cast<unsigned char>(word[0]))) {
      if (auto zone = text::parse_zone(word)) return zone;
    }
    word.clear();
  }
  return std::nullopt;
}

class TimelineReader {
 public:
  explicit TimelineReader(const TimelineContext& context) : context_(context), current_date_(context.date_hint) {}

  void read(const Section& section) {
    // A subsection keeps the zone of the timeline above it unless it names its own.
    if (auto zone = heading_zone(section.heading)) {
      zone_ = zone;
      zone_level_ = section.level;
    } else if (section.level <= zone_level_ || !zone_) {
      zone_ = context_.default_zone;
      zone_level_ = section.level;
    }
    // A named section ("Leadup", "Timeline") is a narrative of its own for the order check;
    // timestamp headings ("### 14:29") continue the one above them.
    const bool stamped_heading = find_leading_stamp(section.heading, context_.order, current_year()).has_value();
    if (!stamped_heading && group_starts_.back() != entries_.size()) group_starts_.push_back(entries_.size());
    // One heading per timestamp ("### 2018-02-22 16:30", "**2021-04-19T21:12Z**"): the heading is the entry.
    if (section.heading_block && section.level <= 7) {
      read_unit({section.heading_block, markdown::BlockKind::Heading, section.heading, "", section.line}, 0);
    }
    int list_level = 0;
    int list_id = -1;
    for (const Unit& unit : section.units) {
      // A new list or table (not a nested one) starts a new group for the order check.
      const int id = unit.kind == BlockKind::TableRow ? -2 - unit.block->table_id : unit.kind == BlockKind::ListItem ? unit.block->list_id : list_id;
      const bool nested = unit.kind == BlockKind::ListItem && list_level > 0 && unit.block->level > list_level;
      if (id != list_id && !nested) {
        if (list_id != -1 && (group_starts_.empty() || group_starts_.back() != entries_.size())) group_starts_.push_back(entries_.size());
        list_id = id;
      }
      if (unit.kind == BlockKind::Paragraph && is_zone_note(unit.text)) {
        zone_ = heading_zone(unit.text);
        zone_level_ = section.level;
        continue;
      }
      if (unit.kind == BlockKind::ListItem && (list_level == 0 || unit.block->level < list_level)) list_level = unit.block->level;
      read_unit(unit, list_level);
    }
  }

  TimelineResult finish() {
    TimelineResult result;
    // Each list or table is checked on its own: a summary list ("Key events") followed by a
    // detailed one that starts over is two timelines, each in order.
    group_starts_.push_back(entries_.size());
    for (std::size_t g = 0; g + 1 < group_starts_.size() && !result.out_of_order; ++g) {
      const auto begin = entries_.begin() + static_cast<std::ptrdiff_t>(group_starts_[g]);
      const auto end = entries_.begin() + static_cast<std::ptrdiff_t>(group_starts_[g + 1]);
      result.out_of_order = find_out_of_order(std::vector<TimelineEntry>(begin, end));
    }
    result.entries = std::move(entries_);
    return result;
  }

 private:
  void read_unit(const Unit& unit, int list_level) {
    const BlockKind kind = unit.kind;
    if (kind == BlockKind::Code || kind == BlockKind::Html) return;
    if (kind == BlockKind::TableRow) return read_row(unit);
    std::string_view text = unit.text;
    auto stamp = find_leading_stamp(text, context_.order, current_year());
    // "- Customer service forwarded the ticket at 3:17 PM": a bullet of the timeline with its time inside.
    if (!stamp && kind == BlockKind::ListItem && unit.block->level <= list_level) {
      if (auto time = find_time(text.substr(0, std::min<std::size_t>(text.size(), 160)))) {
        StampHit inner;
        inner.time = time;
        // "Incident declared 2020-08-05 11:04": the date before the time belongs to it.
        if (auto date = find_date(text.substr(0, time->pos), context_.order, current_year()); date && date->pos + date->length + 3 >= time->pos) {
          inner.date = date;
        }
        add_entry(inner, std::string(text.substr(time->pos, time->length)), std::string(text::trim(text)), unit.line);
        pending_heading_ = false;
        return;
      }
    }
    if (!stamp) {
      // Details under an entry: nested bullets, or the paragraphs under a timestamp heading.
      const bool nested = kind == BlockKind::ListItem && unit.block->level > list_level;
      if (!entries_.empty() && (nested || pending_heading_ || kind == BlockKind::Paragraph) && entries_.back().text.size() < 2000) {
        append_text(entries_.back(), unit.text);
      }
      return;
    }
    const std::string rest(text::trim(text.substr(stamp->length)));
    if (stamp->date && !stamp->time && rest.empty()) {  // a date heading or bullet for the entries below it
      current_date_ = stamp->date->date;
      last_minutes_.reset();
      return;
    }
    add_entry(*stamp, std::string(text::trim(text.substr(0, stamp->length))), rest, unit.line);
    pending_heading_ = kind == BlockKind::Heading;
  }

  void read_row(const Unit& unit) {
    const auto& cells = unit.block->cells;
    if (unit.block->header_row || cells.empty()) return;
    for (std::size_t i = 0; i < cells.size() && i < 2; ++i) {
      const auto stamp = find_leading_stamp(cells[i], context_.order, current_year());
      if (!stamp) continue;
      std::string rest(text::trim(std::string_view(cells[i]).substr(stamp->length)));
      // A date column followed by a time column.
      std::optional<StampHit> combined = stamp;
      std::size_t next = i + 1;
      if (stamp->date && !stamp->time && next < cells.size() && rest.empty()) {
        if (auto time = find_leading_stamp(cells[next], context_.order, current_year()); time && time->time && !time->date) {
          combined->time = time->time;
          ++next;
        }
      }
      for (std::size_t j = next; j < cells.size(); ++j) {
        const std::string_view cell = text::trim(cells[j]);
        if (cell.empty()) continue;
        if (!rest.empty()) rest += " \xE2\x80\x94 ";
        rest += cell;
      }
      add_entry(*combined, std::string(text::trim(cells[i])), rest, unit.line);
      return;
    }
  }

  void add_entry(const StampHit& stamp, std::string time_text, std::string text, int line) {
    TimelineEntry entry;
    // "**4:00 PM UTC:**" -> "4:00 PM UTC"
    std::string_view shown = time_text;
    const std::string_view decoration = " \t*_:-|[]()`~>,";
    while (!shown.empty() && decoration.find(shown.front()) != std::string_view::npos) shown.remove_prefix(1);
    while (!shown.empty() && decoration.find(shown.back()) != std::string_view::npos) shown.remove_suffix(1);
    for (std::string_view dash : {"\xE2\x80\x93", "\xE2\x80\x94"}) {
      if (shown.ends_with(dash)) shown = text::trim(shown.substr(0, shown.size() - dash.size()));
    }
    entry.time_text = std::string(shown);
    entry.text = std::move(text);
    entry.line = line;
    entry.kind = classify_event(entry.text);
    if (stamp.offset_minutes) {
      // "T+0:05": known only when the incident start is.
      if (context_.start && context_.start->minute_of_day) {
        const long at = model::days_from_civil(context_.start->date) * 1440 + *context_.start->minute_of_day + *stamp.offset_minutes;
        entry.time = model::TimePoint{model::civil_from_days(at / 1440), static_cast<int>(at % 1440), context_.start->utc_offset_minutes};
      }
      entries_.push_back(std::move(entry));
      return;
    }
    if (stamp.date) {
      current_date_ = stamp.date->date;
      last_minutes_.reset();
    }
    if (current_date_) {
      model::TimePoint point;
      point.date = *current_date_;
      if (stamp.time) {
        int minutes = stamp.time->minute_of_day;
        // A time that drops by more than 6 hours on the same day crosses midnight.
        if (!stamp.date && last_minutes_ && minutes + 360 < *last_minutes_) {
          current_date_ = model::civil_from_days(model::days_from_civil(*current_date_) + 1);
          point.date = *current_date_;
        }
        last_minutes_ = minutes;
        point.minute_of_day = minutes;
        point.utc_offset_minutes = stamp.time->utc_offset_minutes ? stamp.time->utc_offset_minutes : zone_;
      }
      entry.time = point;
    }
    entries_.push_back(std::move(entry));
  }

  static void append_text(TimelineEntry& entry, std::string_view more) {
    if (!entry.text.empty()) entry.text += ' ';
    entry.text += text::trim(more);
  }

  std::optional<int> current_year() const {
    return current_date_ ? std::optional(current_date_->year) : std::nullopt;
  }

  // Reverse-chronological timelines (newest first, as status pages write them) are in order too.
  static std::optional<std::pair<int, int>> find_out_of_order(const std::vector<TimelineEntry>& entries) {
    // Compare in UTC only when every time has a zone; otherwise as the clock reads.
    const bool all_zoned = std::all_of(entries.begin(), entries.end(), [](const TimelineEntry& e) {
      return !e.time || !e.time->minute_of_day || e.time->utc_offset_minutes;
    });
    std::vector<std::pair<long, int>> times;
    for (const auto& e : entries) {
      if (!e.time || !e.time->minute_of_day) continue;
      model::TimePoint clock = *e.time;
      if (!all_zoned) clock.utc_offset_minutes.reset();
      times.emplace_back(model::epoch_minutes(clock), e.line);
    }
    if (times.size() < 3) return std::nullopt;
    int ups = 0;
    int downs = 0;
    for (std::size_t i = 1; i < times.size(); ++i) {
      if (times[i].first > times[i - 1].first) ++ups;
      if (times[i].first < times[i - 1].first) ++downs;
    }
    const bool forward = ups >= downs;
    for (std::size_t i = 1; i < times.size(); ++i) {
      const bool backwards = forward ? times[i].first < times[i - 1].first : times[i].first > times[i - 1].first;
      if (backwards) return std::pair{times[i].second, times[i - 1].second};
    }
    return std::nullopt;
  }

  // "All times in PST", "Times are UTC": a short line that sets the zone.
  static bool is_zone_note(std::string_view text) {
    if (text.size() > 60) return false;
    const std::string lower = text::to_lower(text);
    return lower.find("time") != std::string::npos && heading_zone(text).has_value();
  }

  const TimelineContext& context_;
  int zone_level_ = 0;  // level of the section whose heading or note set zone_
  std::vector<std::size_t> group_starts_{0};  // entries_ index where each list or table begins
  std::optional<model::CivilDate> current_date_;
  std::optional<int> last_minutes_;
  std::optional<int> zone_;
  std::vector<TimelineEntry> entries_;
  bool pending_heading_ = false;
};

}  // namespace

model::TimelineKind classify_event(std::string_view text) {
  const std::string lower = text::to_lower(text);
  if (contains_any(lower, {"resolved", "fully restored", "restored", "full resolution", "fully operational", "back to normal",
                           "recovered", "all clear", "incident closed", "closed the incident", "back online", "service restored",
                           "behoben", "wiederhergestellt", "復旧"})) {
    return model::TimelineKind::Resolve;
  }
  if (contains_any(lower, {"mitigat", "rolled back", "rollback", "roll back", "reverted", "revert", "workaround", "restarted",
                           "failover", "failed over", "disabled", "scaled up", "scaled", "applied fix", "deployed a fix",
                           "deployed fix", "hotfix", "patched"})) {
    return model::TimelineKind::Mitigate;
  }
  if (contains_any(lower, {"escalat", "paged", "incident declared", "incident is declared", "declared", "notified",
                           "war room", "incident channel", "called in", "engaged"})) {
    return model::TimelineKind::Escalate;
  }
  if (contains_any(lower, {"alert", "detected", "noticed", "reported", "monitoring", "first report", "observed",
                           "discovered", "pagerduty", "customer report", "began investigat", "started investigat"})) {
    return model::TimelineKind::Detect;
  }
  return model::TimelineKind::Unknown;
}

TimelineResult extract_timeline(const std::vector<const Section*>& sections, const TimelineContext& context) {
  TimelineReader reader(context);
  for (const Section* section : sections) reader.read(*section);
  return reader.finish();
}

}  // namespace pmkb::extract
