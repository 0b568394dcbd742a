// Finding dates, times of day, time windows and durations in free text, in the formats
// postmortems use: ISO, "June 8, 2024", "03/10/2021", "21.01.2025", "2021年11月25日",
// 12- and 24-hour clocks, "14h34", zones in the value; "35 minutes", "0h 07m", "3 Std. 25 Min.".
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include "model/time_point.h"

namespace pmkb::extract {

// How to read an ambiguous numeric date such as 03/10/2021.
enum class DayOrder { MonthFirst, DayFirst };

struct DateHit {
  model::CivilDate date;
  std::size_t pos = 0;     // byte offset of the match in the searched text
  std::size_t length = 0;
  bool has_year = true;    // false when the year came from `default_year`
};

struct TimeHit {
  int minute_of_day = 0;
  std::optional<int> utc_offset_minutes;
  std::size_t pos = 0;
  std::size_t length = 0;
};

// The first date in `text` at or after `from`. Dates without a year ("June 8") are found only
// when `default_year` is given.
std::optional<DateHit> find_date(std::string_view text, DayOrder order, std::optional<int> default_year = {},
                                 std::size_t from = 0);

// The first time of day at or after `from`: "03:29", "4:00 PM UTC", "4 pm", "14h34", "07:28:15".
std::optional<TimeHit> find_time(std::string_view text, std::size_t from = 0);

// A date and/or time at the very start of `text` (after markup and brackets), as used by
// timeline entries: "2025-04-26 03:29 – ...", "[08:47] ...", "4:00 PM UTC: ...". `length`
// covers the stamp and the separator after it.
struct StampHit {
  std::optional<DateHit> date;
  std::optional<TimeHit> time;
  std::optional<int> offset_minutes;  // "T+0:05", "T+12m": minutes after the incident start
  std::size_t length = 0;
};
std::optional<StampHit> find_leading_stamp(std::string_view text, DayOrder order,
                                           std::optional<int> default_year);

// "4:00 PM - 7:00 PM", "from 10:30 AM to 12:45 PM", "03:29–06:00": start and end times.
std::optional<std::pair<TimeHit, TimeHit>> find_time_window(std::string_view text);

// A window introduced in prose: "from 10:30 to 12:45", "between 12:17 and 12:30 UTC".
std::optional<std::pair<TimeHit, TimeHit>> find_stated_window(std::string_view text);

// An explicit amount of time: "35 minutes", "1 hour 17 minutes", "0h 07m", "35h 36m",
// "1h 30m 22s" (rounded), "3 Std. 25 Min.", "2 days", "~1hr", "1.5 hours". Minutes, or nullopt.
std::optional<int> find_duration(std::string_view text);

// A bare count of minutes, as front matter writes `duration: 95`: digits only, at most
// ten years. Minutes, or nullopt for anything else (signs, units, overflowing numbers).
std::optional<int> plain_minutes(std::string_view text);

// A duration stated in prose: "lasted 35 minutes", "for about 30 minutes", "a 2 hour outage".
std::optional<int> find_stated_duration(std::string_view text);

}  // namespace pmkb::extract
