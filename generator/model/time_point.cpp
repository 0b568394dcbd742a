#include "model/time_point.h"

#include <cstdio>

namespace pmkb::model {

// Howard Hinnant's days_from_civil / civil_from_days algorithms (public domain formulas).
long days_from_civil(const CivilDate& date) {
  const long y = date.year - (date.month <= 2 ? 1 : 0);
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long mp = (date.month + 9) % 12;
  const long doy = (153 * mp + 2) / 5 + date.day - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(long days) {
  days += 719468;
  const long era = (days >= 0 ? days : days - 146096) / 146097;
  const long doe = days - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

bool is_valid(const CivilDate& date) {
  if (date.year < 1970 || date.year > 2100 || date.month < 1 || date.month > 12 || date.day < 1) {
    return false;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (date.day > kDays[date.month - 1]) return false;
  const bool leap = (date.year % 4 == 0 && date.year % 100 != 0) || date.year % 400 == 0;
  return !(date.month == 2 && date.day == 29 && !leap);
}

long epoch_minutes(const TimePoint& point) {
  long minutes = days_from_civil(point.date) * 1440 + point.minute_of_day.value_or(0);
  return minutes - point.utc_offset_minutes.value_or(0);
}

std::string to_iso(const CivilDate& date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buffer;
}

std::string to_iso(const TimePoint& point) {
  std::string out = to_iso(point.date);
  if (!point.minute_of_day) return out;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "T%02d:%02d", *point.minute_of_day / 60, *point.minute_of_day % 60);
  out += buffer;
  if (point.utc_offset_minutes) {
    const int offset = *point.utc_offset_minutes;
    if (offset == 0) {
      out += 'Z';
    } else {
      const int magnitude = offset < 0 ? -offset : offset;
      std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", offset < 0 ? '-' : '+', magnitude / 60,
                    magnitude % 60);
      out += buffer;
    }
  }
  return out;
}

}  // namespace pmkb::model
