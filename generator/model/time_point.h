// Calendar dates and times as written in postmortems, without time zone database lookups.
#pragma once

#include <compare>
#include <optional>
#include <string>

namespace pmkb::model {

struct CivilDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  auto operator<=>(const CivilDate&) const = default;
};

// A date with an optional time of day and UTC offset, as far as the text says.
struct TimePoint {
  CivilDate date;
  std::optional<int> minute_of_day;      // 0..1439 when a time was given
  std::optional<int> utc_offset_minutes;  // when a zone was given or configured
  bool operator==(const TimePoint&) const = default;
};

// Days since 1970-01-01 (proleptic Gregorian).
long days_from_civil(const CivilDate& date);
CivilDate civil_from_days(long days);
bool is_valid(const CivilDate& date);

// Minutes since the epoch, in UTC when an offset is known, else in the local clock.
long epoch_minutes(const TimePoint& point);

// "2024-06-20"
std::string to_iso(const CivilDate& date);
// "2024-06-20", "2024-06-20T16:00", "2024-06-20T16:00Z" or "2024-06-20T16:00-04:00"
std::string to_iso(const TimePoint& point);

}  // namespace pmkb::model
