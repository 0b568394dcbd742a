#include "extract/dates.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <cmath>
#include <algorithm>
#include <string>

#include "text/text.h"

namespace pmkb::extract {

namespace {

/*** Scanning helpers ***/

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return text::is_ascii_alpha(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

// Reads up to `max` digits at `i`; returns the number of digits read.
int read_number(std::string_view s, std::size_t& i, int max, int& value) {
  int count = 0;
  value = 0;
  while (i < s.size() && is_digit(s[i]) && count < max) {
    value = value * 10 + (s[i] - '0');
    ++i;
    ++count;
  }
  return count;
}

void skip_spaces(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  while (s.substr(i).starts_with("\xC2\xA0")) i += 2;
}

bool word_start(std::string_view s, std::size_t i) { return i == 0 || !is_alnum(s[i - 1]); }

struct MonthName { std::string_view name; int month; };
constexpr std::array<MonthName, 44> kMonths = {{
    {"january", 1}, {"february", 2}, {"march", 3}, {"april", 4}, {"may", 5}, {"june", 6},
    {"july", 7}, {"august", 8}, {"september", 9}, {"october", 10}, {"november", 11}, {"december", 12},
    {"januar", 1}, {"februar", 2}, {"m\xC3\xA4rz", 3}, {"maerz", 3}, {"mai", 5}, {"juni", 6}, {"juli", 7},
    {"oktober", 10}, {"dezember", 12}, {"j\xC3\xA4n", 1},
    {"sept", 9}, {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"jun", 6}, {"jul", 7}, {"aug", 8},
    {"sep", 9}, {"oct", 10}, {"okt", 10}, {"nov", 11}, {"dec", 12}, {"dez", 12}, {"mrz", 3},
    {"enero", 1}, {"febrero", 2}, {"marzo", 3}, {"abril", 4}, {"mayo", 5}, {"junio", 6}, {"julio", 7}}};

// kMonthLengths[c]: bit n is set when some name in kMonths starts with the (lower-case) byte
// c and is n bytes long. Most words are ruled out by their first letter and length.
constexpr std::array<std::uint16_t, 256> kMonthLengths = [] {
  std::array<std::uint16_t, 256> lengths{};
  for (const auto& m : kMonths) lengths[static_cast<unsigned char>(m.name[0])] |= static_cast<std::uint16_t>(1u << m.name.size());
  return lengths;
}();

// The kMonthLengths entry for a word starting with `c`: none when no month name does.
std::uint16_t month_lengths(char c) { return kMonthLengths[static_cast<unsigned char>(text::ascii_lower(static_cast<unsigned char>(c)))]; }

// Month name at `i` (whole word, optional trailing '.'); advances `i`.
std::optional<int> read_month(std::string_view s, std::size_t& i) {
  if (i >= s.size() || !is_alpha(s[i]) || !word_start(s, i)) return std::nullopt;
  const std::uint16_t lengths = month_lengths(s[i]);
  if (lengths == 0) return std::nullopt;
  std::size_t end = i;
  while (end < s.size() && (is_alpha(s[end]) || static_cast<unsigned char>(s[end]) >= 0x80)) ++end;
  constexpr std::size_t kLongest = 9;  // "september"; most words are longer or start elsewhere
  if (end - i > kLongest || (lengths & (1u << (end - i))) == 0) return std::nullopt;
  const std::string word = text::to_lower(s.substr(i, end - i));  // short: no allocation
  for (const auto& m : kMonths) {
    if (word == m.name) {
      i = end;
      if (i < s.size() && s[i] == '.') ++i;
      return m.month;
    }
  }
  return std::nullopt;
}

std::optional<model::CivilDate> valid(int y, int m, int d) {
  model::CivilDate date{y, m, d};
  return model::is_valid(date) ? std::optional(date) : std::nullopt;
}

int expand_year(int year, int digits) { return digits == 2 ? 2000 + year : year; }

/*** Date formats, each tried at one position ***/

// 2024-06-20, 2024/06/20, 2024.06.20, 20240620 is not accepted (too ambiguous).
std::optional<DateHit> iso_date(std::string_view s, std::size_t start) {
  std::size_t i = start;
  int y = 0, m = 0, d = 0;
  if (read_number(s, i, 4, y) != 4 || i >= s.size()) return std::nullopt;
  const char sep = s[i];
  if (sep != '-' && sep != '/' && sep != '.') return std::nullopt;
  ++i;
  if (read_number(s, i, 2, m) == 0 || i >= s.size() || s[i] != sep) return std::nullopt;
  ++i;
  if (read_number(s, i, 2, d) == 0) return std::nullopt;
  if (i < s.size() && is_digit(s[i])) return std::nullopt;
  auto date = valid(y, m, d);
  if (!date) return std::nullopt;
  return DateHit{*date, start, i - start, true};
}

// 2021年11月25日
std::optional<DateHit> cjk_date(std::string_view s, std::size_t start) {
  std::size_t i = start;
  int y = 0, m = 0, d = 0;
  if (read_number(s, i, 4, y) != 4) return std::nullopt;
  skip_spaces(s, i);
  if (!s.substr(i).starts_with("\xE5\xB9\xB4")) return std::nullopt;  // 年
  i += 3;
  skip_spaces(s, i);
  if (read_number(s, i, 2, m) == 0) return std::nullopt;
  skip_spaces(s, i);
  if (!s.substr(i).starts_with("\xE6\x9C\x88")) return std::nullopt;  // 月
  i += 3;
  skip_spaces(s, i);
  if (read_number(s, i, 2, d) == 0) return std::nullopt;
  skip_spaces(s, i);
  if (s.substr(i).starts_with("\xE6\x97\xA5")) i += 3;  // 日
  auto date = valid(y, m, d);
  if (!date) return std::nullopt;
  return DateHit{*date, start, i - start, true};
}

// 21.01.2025, 03/10/2021, 10-03-2021, 3/10/21
std::optional<DateHit> numeric_date(std::string_view s, std::size_t start, DayOrder order) {
  std::size_t i = start;
  int a = 0, b = 0, y = 0;
  if (read_number(s, i, 2, a) == 0 || i >= s.size()) return std::nullopt;
  const char sep = s[i];
  if (sep != '.' && sep != '/' && sep != '-') return std::nullopt;
  ++i;
  if (read_number(s, i, 2, b) == 0 || i >= s.size() || s[i] != sep) return std::nullopt;
  ++i;
  const int digits = read_number(s, i, 4, y);
  if (digits != 4 && digits != 2) return std::nullopt;
  if (i < s.size() && (is_digit(s[i]) || (s[i] == sep && i + 1 < s.size() && is_digit(s[i + 1])))) return std::nullopt;
  y = expand_year(y, digits);
  // Dots are day-first everywhere they are used; otherwise follow the document, unless impossible.
  bool day_first = sep == '.' || order == DayOrder::DayFirst;
  if (day_first && b > 12 && a <= 12) day_first = false;
  if (!day_first && a > 12 && b <= 12) day_first = true;
  auto date = day_first ? valid(y, b, a) : valid(y, a, b);
  if (!date) return std::nullopt;
  return DateHit{*date, start, i - start, true};
}

// Reads "8", "8th", "8." as a day of month.
bool read_day(std::string_view s, std::size_t& i, int& day) {
  if (read_number(s, i, 2, day) == 0) return false;
  if (i < s.size() && is_digit(s[i])) return false;
  for (std::string_view suffix : {"st", "nd", "rd", "th"}) {
    if (s.substr(i).starts_with(suffix) && (i + 2 >= s.size() || !is_alpha(s[i + 2]))) {
      i += 2;
      break;
    }
  }
  if (i < s.size() && s[i] == '.') ++i;
  return day >= 1 && day <= 31;
}

// Reads ", 2024", " 2024" after a day; returns false when no year follows.
bool read_year(std::string_view s, std::size_t& i, int& year) {
  std::size_t j = i;
  if (j < s.size() && s[j] == ',') ++j;
  skip_spaces(s, j);
  if (read_number(s, j, 4, year) != 4 || (j < s.size() && is_digit(s[j]))) return false;
  i = j;
  return true;
}

// June 8, 2024 / Jun 8th 2024 / Tuesday, June 8, 2024 / June 8 (with a default year)
std::optional<DateHit> month_first(std::string_view s, std::size_t start, std::optional<int> default_year) {
  std::size_t i = start;
  const auto month = read_month(s, i);
  if (!month) return std::nullopt;
  skip_spaces(s, i);
  int day = 0;
  if (!read_day(s, i, day)) return std::nullopt;
  int year = 0;
  bool has_year = read_year(s, i, year);
  if (!has_year) {
    if (!default_year) return std::nullopt;
    year = *default_year;
  }
  auto date = valid(year, *month, day);
  if (!date) return std::nullopt;
  return DateHit{*date, start, i - start, has_year};
}

// 8 June 2024 / 21. Januar 2025 / 8th of June, 2024
std::optional<DateHit> day_first_named(std::string_view s, std::size_t start, std::optional<int> default_year) {
  std::size_t i = start;
  int day = 0;
  if (!read_day(s, i, day)) return std::nullopt;
  skip_spaces(s, i);
  if (s.substr(i).starts_with("of ")) i += 3;
  const auto month = read_month(s, i);
  if (!month) return std::nullopt;
  int year = 0;
  bool has_year = read_year(s, i, year);
  if (!has_year) {
    if (!default_year) return std::nullopt;
    year = *default_year;
  }
  auto date = valid(year, *month, day);
  if (!date) return std::nullopt;
  return DateHit{*date, start, i - start, has_year};
}

// "11/25" or "25.11." without a year, read with `default_year`.
std::optional<DateHit> month_day(std::string_view s, std::size_t start, DayOrder order, std::optional<int> default_year) {
  if (!default_year || !word_start(s, start)) return std::nullopt;
  std::size_t i = start;
  int a = 0, b = 0;
  if (read_number(s, i, 2, a) == 0 || i >= s.size() || (s[i] != '/' && s[i] != '.')) return std::nullopt;
  const char sep = s[i++];
  if (read_number(s, i, 2, b) == 0) return std::nullopt;
  if (sep == '.' && i < s.size() && s[i] == '.') ++i;
  if (i < s.size() && (text::is_ascii_alnum(static_cast<unsigned char>(s[i])) || s[i] == '/' || s[i] == ':')) return std::nullopt;
  const bool day_first = sep == '.' || order == DayOrder::DayFirst;
  auto date = day_first ? valid(*default_year, b, a) : valid(*default_year, a, b);
  if (!date) return std::nullopt;
  return DateHit{*date, start, i - start, false};
}

std::optional<DateHit> date_at(std::string_view s, std::size_t i, DayOrder order, std::optional<int> default_year) {
  if (i >= s.size() || !word_start(s, i)) return std::nullopt;
  if (is_digit(s[i])) {
    if (auto hit = iso_date(s, i)) return hit;
    if (auto hit = cjk_date(s, i)) return hit;
    if (auto hit = numeric_date(s, i, order)) return hit;
    return day_first_named(s, i, default_year);
  }
  if (is_alpha(s[i])) return month_first(s, i, default_year);
  return std::nullopt;
}

/*** Times ***/

// " PM", "pm", " a.m." after a time; returns 0 (none), 1 (am) or 2 (pm) and advances `i`.
int read_meridiem(std::string_view s, std::size_t& i) {
  std::size_t j = i;
  skip_spaces(s, j);
  const std::string rest = text::to_lower(s.substr(j, 4));
  for (auto [word, kind] : {std::pair{"a.m.", 1}, std::pair{"p.m.", 2}, std::pair{"am", 1}, std::pair{"pm", 2}}) {
    const std::string_view w = word;
    if (std::string_view(rest).starts_with(w) && (j + w.size() >= s.size() || !is_alpha(s[j + w.size()]))) {
      i = j + w.size();
      return kind;
    }
  }
  return 0;
}

// " UTC", " (PDT)", "Z", "+02:00" after a time; advances `i` when found.
// `minute_of_day` is the time the zone follows: "12:26-12:30" is a range, not UTC-12:30.
std::optional<int> read_zone(std::string_view s, std::size_t& i, int minute_of_day) {
  std::size_t j = i;
  skip_spaces(s, j);
  const bool paren = j < s.size() && s[j] == '(';
  if (paren) ++j;
  std::size_t end = j;
  if (end < s.size() && (s[end] == '+' || s[end] == '-') && end + 1 < s.size() && is_digit(s[end + 1])) {
    ++end;
    int digits = 0;
    int value = 0;
    while (end < s.size() && (is_digit(s[end]) || s[end] == ':')) {
      // Only a four-digit offset is read as a zone; longer runs stop counting
      // before `value` could overflow.
      if (is_digit(s[end]) && ++digits <= 4) value = value * 10 + (s[end] - '0');
      ++end;
    }
    if (s[j] == '-') {
      // Only "-HH:MM"/"-HHMM" whose clock reading is earlier than the time itself
      // ("16:00-07:00"); "13:30-13:45" and "12:26-12:??" are ranges.
      if (digits != 4 || (value / 100) * 60 + value % 100 >= minute_of_day) return std::nullopt;
    }
  } else {
    while (end < s.size() && (is_alpha(s[end]) || ((s[end] == '+' || s[end] == '-') && end > j) ||
                              (is_digit(s[end]) && end > j))) ++end;
  }
  if (end == j || end - j > 9) return std::nullopt;
  const std::string_view token = s.substr(j, end - j);
  // Zone abbreviations are written in capitals; "z" alone must be upper case.
  if (is_alpha(token[0]) && !text::is_ascii_upper(static_cast<unsigned char>(token[0]))) return std::nullopt;
  const auto offset = text::parse_zone(token);
  if (!offset) return std::nullopt;
  if (paren && end < s.size() && s[end] == ')') ++end;
  i = end;
  return offset;
}

// 午後3時, 午前10時47分, 15時30分
std::optional<TimeHit> japanese_time(std::string_view s, std::size_t start) {
  std::size_t i = start;
  int meridiem = 0;
  if (s.substr(i).starts_with("\xE5\x8D\x88\xE5\x89\x8D")) { meridiem = 1; i += 6; }       // 午前
  else if (s.substr(i).starts_with("\xE5\x8D\x88\xE5\xBE\x8C")) { meridiem = 2; i += 6; }  // 午後
  int hour = 0;
  if (read_number(s, i, 2, hour) == 0 || !s.substr(i).starts_with("\xE6\x99\x82")) return std::nullopt;  // 時
  i += 3;
  int minute = 0;
  std::size_t j = i;
  if (read_number(s, j, 2, minute) > 0 && s.substr(j).starts_with("\xE5\x88\x86")) i = j + 3;  // 分
  else minute = 0;
  if (meridiem == 2 && hour < 12) hour += 12;
  if (meridiem == 1 && hour == 12) hour = 0;
  if (hour > 23 || minute > 59) return std::nullopt;
  return TimeHit{hour * 60 + minute, std::nullopt, start, i - start};
}

std::optional<TimeHit> time_at(std::string_view s, std::size_t start) {
  if (start < s.size() && static_cast<unsigned char>(s[start]) >= 0x80) return japanese_time(s, start);
  if (!word_start(s, start) && !(start > 0 && s[start - 1] == 'T' && start > 1 && is_digit(s[start - 2]))) return std::nullopt;
  std::size_t i = start;
  int hour = 0;
  const int hour_digits = read_number(s, i, 2, hour);
  if (hour_digits == 0 || (i < s.size() && is_digit(s[i]))) return std::nullopt;
  int minute = 0;
  bool has_minutes = false;
  if (i + 2 < s.size() + 0 && (s[i] == ':' || s[i] == 'h' || s[i] == 'H') && i + 1 < s.size() && is_digit(s[i + 1])) {
    std::size_t j = i + 1;
    if (read_number(s, j, 2, minute) == 2 && (j >= s.size() || !is_digit(s[j]))) {
      has_minutes = true;
      i = j;
      if (s[start + static_cast<std::size_t>(hour_digits)] == ':' && i + 2 < s.size() + 1 && i < s.size() && s[i] == ':') {
        std::size_t k = i + 1;
        int seconds = 0;
        if (read_number(s, k, 2, seconds) == 2) i = k;
      }
    }
  }
  const int meridiem = read_meridiem(s, i);
  if (!has_minutes && meridiem == 0) return std::nullopt;
  if (meridiem != 0) {
    if (hour < 1 || hour > 12) return std::nullopt;
    hour = hour % 12 + (meridiem == 2 ? 12 : 0);
  }
  if (hour > 24 || minute > 59) return std::nullopt;
  if (hour == 24) hour = 0;
  // "4h" alone is an amount of time, not a time of day, and so is "3:1".
  TimeHit hit{hour * 60 + minute, std::nullopt, start, 0};
  hit.utc_offset_minutes = read_zone(s, i, hit.minute_of_day);
  hit.length = i - start;
  return hit;
}

/*** Durations ***/

struct Unit { std::string_view name; double minutes; };
constexpr std::array<Unit, 30> kUnits = {{
    {"minutes", 1}, {"minute", 1}, {"mins", 1}, {"min.", 1}, {"min", 1}, {"m", 1}, {"minuten", 1},
    {"hours", 60}, {"hour", 60}, {"hrs", 60}, {"hr", 60}, {"h", 60}, {"std.", 60}, {"stunden", 60}, {"stunde", 60},
    {"days", 1440}, {"day", 1440}, {"d", 1440}, {"tage", 1440}, {"tag", 1440},
    {"seconds", 1.0 / 60}, {"second", 1.0 / 60}, {"secs", 1.0 / 60}, {"sec", 1.0 / 60}, {"s", 1.0 / 60},
    {"\xE6\x99\x82\xE9\x96\x93", 60}, {"\xE5\x88\x86", 1}, {"\xE6\x97\xA5", 1440}, {"weeks", 10080}, {"week", 10080}}};

// One "<number> <unit>" component at `i`; advances `i`.
std::optional<double> duration_component(std::string_view s, std::size_t& i) {
  std::size_t j = i;
  if (j < s.size() && s[j] == '~') ++j;
  if (j >= s.size() || !is_digit(s[j]) || !word_start(s, j)) return std::nullopt;
  double value = 0;
  while (j < s.size() && is_digit(s[j])) value = value * 10 + (s[j++] - '0');
  if (j + 1 < s.size() && (s[j] == '.' || s[j] == ',') && is_digit(s[j + 1])) {
    double scale = 0.1;
    ++j;
    while (j < s.size() && is_digit(s[j])) {
      value += (s[j++] - '0') * scale;
      scale /= 10;
    }
  }
  std::size_t k = j;
  skip_spaces(s, k);
  const std::string rest = text::to_lower(s.substr(k, 12));
  for (const auto& unit : kUnits) {
    if (!std::string_view(rest).starts_with(unit.name)) continue;
    const std::size_t end = k + unit.name.size();
    if (end < s.size() && is_alpha(s[end])) continue;
    // Single-letter units must follow the number directly ("7m", not "7 m").
    if (unit.name.size() == 1 && k != j) continue;
    i = end;
    return value * unit.minutes;
  }
  return std::nullopt;
}

}  // namespace

std::optional<DateHit> find_date(std::string_view text, DayOrder order, std::optional<int> default_year, std::size_t from) {
  for (std::size_t i = from; i < text.size(); ++i) {
    // Only a digit or a month name's first letter can start a date, and only at a word's start.
    const char c = text[i];
    if (!is_digit(c) && !(is_alpha(c) && month_lengths(c) != 0)) continue;
    if (!word_start(text, i)) continue;
    if (auto hit = date_at(text, i, order, default_year)) return hit;
  }
  return std::nullopt;
}

std::optional<TimeHit> find_time(std::string_view text, std::size_t from) {
  for (std::size_t i = from; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) == 0xE5) {
      if (auto hit = japanese_time(text, i)) return hit;
    }
    if (!is_digit(text[i])) continue;
    if (auto hit = time_at(text, i)) return hit;
  }
  return std::nullopt;
}

std::optional<StampHit> find_leading_stamp(std::string_view text, DayOrder order, std::optional<int> default_year) {
  std::size_t i = 0;
  const auto skip_decoration = [&] {
    while (i < text.size() && std::string_view(" \t*_[(`~").find(text[i]) != std::string_view::npos) ++i;
  };
  skip_decoration();
  // Status-page updates: "Update 27.08.2022 10:00", "UPDATE #2 - 14:05", "Resolved - 10:30".
  for (std::string_view word : {"update", "aktualisierung", "nachtrag", "edit", "resolved", "monitoring", "identified",
                                "investigating", "mitigated"}) {
    if (text::starts_with_ascii_nocase(text.substr(i), word) && i + word.size() < text.size() && !text::is_ascii_alpha(static_cast<unsigned char>(text[i + word.size()]))) {
      std::size_t j = i + word.size();
      while (j < text.size() && std::string_view(" #:-â	").find(text[j]) != std::string_view::npos) ++j;
      while (j < text.size() && text::is_ascii_digit(static_cast<unsigned char>(text[j])) && j + 1 < text.size() &&
             !text::is_ascii_digit(static_cast<unsigned char>(text[j + 1])) && text[j + 1] != '.' && text[j + 1] != ':' && text[j + 1] != '/') ++j;
      while (j < text.size() && std::string_view(" #:-	").find(text[j]) != std::string_view::npos) ++j;
      i = j;
      break;
    }
  }
  // "At 3:15 PM", "On June 8", "Around 10:00", "approx. 14:05", "ca. 18:30".
  for (std::string_view word : {"at ", "on ", "around ", "about ", "approx. ", "approximately ", "ca. ", "~"}) {
    if (text::starts_with_ascii_nocase(text.substr(i), word)) {
      i += word.size();
      while (i < text.size() && text[i] == ' ') ++i;
      break;
    }
  }
  StampHit stamp;
  // "T+0:05", "T+12m", "T+1h": relative to the incident start.
  if ((text.substr(i).starts_with("T+") || text.substr(i).starts_with("t+")) && i + 2 < text.size() && is_digit(text[i + 2])) {
    std::size_t j = i + 2;
    int first = 0;
    read_number(text, j, 3, first);
    int minutes = first;
    if (j + 2 < text.size() + 1 && j < text.size() && text[j] == ':' && j + 1 < text.size() && is_digit(text[j + 1])) {
      int second = 0;
      ++j;
      read_number(text, j, 2, second);
      minutes = first * 60 + second;
    } else if (j < text.size() && (text[j] == 'h' || text[j] == 'H')) {
      minutes = first * 60;
      ++j;
    } else if (j < text.size() && text[j] == 'm') {
      ++j;
    } else {
      return std::nullopt;
    }
    stamp.offset_minutes = minutes;
    i = j;
    while (i < text.size() && std::string_view(" \t*_])`~:-,|>").find(text[i]) != std::string_view::npos) ++i;
    for (std::string_view dash : {"\xE2\x80\x93", "\xE2\x80\x94"}) {
      if (text.substr(i).starts_with(dash)) i += dash.size();
    }
    while (i < text.size() && text[i] == ' ') ++i;
    stamp.length = i;
    return stamp;
  }
  // Weekday names before a date ("Tue, June 8").
  if (auto weekday_end = text.find_first_of(", ", i); weekday_end != std::string_view::npos && weekday_end - i <= 9) {
    const std::string word = text::to_lower(text.substr(i, weekday_end - i));
    for (std::string_view day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday",
                                 "thursday", "friday", "saturday", "sunday", "tues", "thurs"}) {
      if (word == day) {
        i = weekday_end + 1;
        skip_decoration();
        break;
      }
    }
  }
  if (auto date = date_at(text, i, order, default_year)) {
    stamp.date = date;
    i = date->pos + date->length;
    // "2025-04-26T03:29", "2025-04-26 03:29", "June 8, 2024, 4:00 PM", "June 8 at 4:00".
    std::size_t j = i;
    if (j < text.size() && (text[j] == 'T' || text[j] == ',')) ++j;
    skip_spaces(text, j);
    if (text.substr(j).starts_with("at ")) j += 3;
    if (text.substr(j).starts_with("um ")) j += 3;
    if (auto time = time_at(text, j)) {
      stamp.time = time;
      i = time->pos + time->length;
    }
  } else if (auto time = time_at(text, i)) {
    stamp.time = time;
    i = time->pos + time->length;
    // "17:41 UTC on 2023-07-19", "4:05 PM, June 8, 2024"
    std::size_t j = i;
    if (j < text.size() && text[j] == ',') ++j;
    skip_spaces(text, j);
    if (text::starts_with_ascii_nocase(text.substr(j), "on ")) j += 3;
    if (auto trailing = date_at(text, j, order, default_year)) {
      stamp.date = trailing;
      i = trailing->pos + trailing->length;
    }
  } else if (auto short_date = month_day(text, i, order, default_year)) {
    // "11/25" under a known year, as nested date bullets write it.
    stamp.date = short_date;
    i = short_date->pos + short_date->length;
  } else {
    return std::nullopt;
  }
  // A range end ("05:00–06:00") belongs to the stamp, then the separator before the text.
  std::size_t j = i;
  skip_spaces(text, j);
  for (std::string_view dash : {"\xE2\x80\x93", "\xE2\x80\x94", "-", "to "}) {
    if (text.substr(j).starts_with(dash)) {
      std::size_t k = j + dash.size();
      skip_spaces(text, k);
      if (auto end = time_at(text, k)) i = end->pos + end->length;
      break;
    }
  }
  while (i < text.size() && std::string_view(" \t*_])`~:-,|>").find(text[i]) != std::string_view::npos) ++i;
  for (std::string_view dash : {"\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x86\x92"}) {
    if (text.substr(i).starts_with(dash)) i += dash.size();
  }
  while (i < text.size() && std::string_view(" \t*_:").find(text[i]) != std::string_view::npos) ++i;
  stamp.length = i;
  return stamp;
}

std::optional<std::pair<TimeHit, TimeHit>> find_time_window(std::string_view text) {
  for (std::size_t from = 0; from < text.size();) {
    const auto first = find_time(text, from);
    if (!first) return std::nullopt;
    std::size_t i = first->pos + first->length;
    skip_spaces(text, i);
    bool joined = false;
    // "between 12:17 and 12:30"
    const bool between = first->pos == 0 || (first->pos >= 8 && text::starts_with_ascii_nocase(text.substr(first->pos - 8), "between "));
    for (std::string_view joiner : {"-", "\xE2\x80\x93", "\xE2\x80\x94", "to ", "until ", "till ", "bis ", "\xE3\x80\x9C", "~", "and "}) {
      if (joiner == "and " && !between) continue;
      if (text.substr(i).starts_with(joiner)) {
        i += joiner.size();
        joined = true;
        break;
      }
    }
    if (joined) {
      skip_spaces(text, i);
      // "June 20, 2024, 4:00 PM - June 20, 2024, 7:00 PM": allow a date before the end time.
      if (auto date = date_at(text, i, DayOrder::MonthFirst, std::nullopt)) {
        i = date->pos + date->length;
        if (i < text.size() && text[i] == ',') ++i;
        skip_spaces(text, i);
      }
      if (auto second = time_at(text, i)) {
        TimeHit start = *first;
        // "10:30 AM to 12:45 PM EDT": one zone for both ends.
        if (!start.utc_offset_minutes) start.utc_offset_minutes = second->utc_offset_minutes;
        return std::pair{start, *second};
      }
    }
    from = first->pos + first->length;
  }
  return std::nullopt;
}

std::optional<std::pair<TimeHit, TimeHit>> find_stated_window(std::string_view text) {
  const std::string lower = text::to_lower(text);
  for (std::string_view cue : {"from ", "between "}) {
    for (std::size_t pos = lower.find(cue); pos != std::string::npos; pos = lower.find(cue, pos + 1)) {
      if (pos > 0 && text::is_ascii_alpha(static_cast<unsigned char>(lower[pos - 1]))) continue;
      const std::size_t start = pos + cue.size();
      const auto window = find_time_window(text.substr(start, 80));
      if (window && window->first.pos == 0) return window;
    }
  }
  return std::nullopt;
}

namespace {

// Minutes as an int, or nullopt for an amount no incident lasts ("8336384d" would overflow).
std::optional<int> whole_minutes(double total) {
  constexpr double kTenYears = 10 * 366 * 24 * 60.0;
  if (!(total >= 0 && total <= kTenYears)) return std::nullopt;
  return static_cast<int>(std::lround(total));
}

}  // namespace

std::optional<int> plain_minutes(std::string_view text) {
  if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), is_digit)) return std::nullopt;
  int value = 0;
  std::size_t i = 0;
  read_number(text, i, 9, value);
  return whole_minutes(value);
}

std::optional<int> find_duration(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_digit(text[i]) && text[i] != '~') continue;
    std::size_t j = i;
    auto first = duration_component(text, j);
    if (!first) continue;
    double total = *first;
    // Further components: "1 hour 17 minutes", "0h 07m", "1 hour and 5 minutes", "3 Std. 25 Min.".
    while (true) {
      std::size_t k = j;
      skip_spaces(text, k);
      if (text.substr(k).starts_with("and ")) k += 4;
      if (k < text.size() && text[k] == ',') ++k;
      skip_spaces(text, k);
      auto next = duration_component(text, k);
      if (!next) break;
      total += *next;
      j = k;
    }
    return whole_minutes(total);
  }
  return std::nullopt;
}

namespace {

// "nine hours", "an hour", "half an hour": amounts written in words.
std::optional<double> worded_duration(std::string_view lower) {
  if (lower.starts_with("half an hour")) return 30;
  if (lower.starts_with("an hour") || lower.starts_with("one hour")) return 60;
  static constexpr std::pair<std::string_view, int> kNumbers[] = {
      {"two ", 2}, {"three ", 3}, {"four ", 4}, {"five ", 5}, {"six ", 6}, {"seven ", 7}, {"eight ", 8},
      {"nine ", 9}, {"ten ", 10}, {"eleven ", 11}, {"twelve ", 12}, {"fifteen ", 15}, {"twenty ", 20}, {"thirty ", 30},
      {"forty-five ", 45}, {"forty five ", 45}, {"ninety ", 90}};
  for (const auto& [word, n] : kNumbers) {
    if (!lower.starts_with(word)) continue;
    const std::string_view unit = lower.substr(word.size());
    if (unit.starts_with("minute")) return n;
    if (unit.starts_with("hour")) return n * 60.0;
    if (unit.starts_with("day")) return n * 1440.0;
  }
  return std::nullopt;
}

// An amount at `i`: "35 minutes", "1 hour and 31 minutes", "nine hours".
std::optional<int> amount_at(std::string_view text, const std::string& lower, std::size_t i) {
  for (std::string_view filler : {"about ", "approximately ", "approx. ", "around ", "roughly ", "nearly ", "almost ",
                                  "over ", "just over ", "~", "an estimated ", "a total of ", "only "}) {
    if (std::string_view(lower).substr(i).starts_with(filler)) i += filler.size();
  }
  if (auto worded = worded_duration(std::string_view(lower).substr(i))) return static_cast<int>(*worded);
  std::size_t j = i;
  auto minutes = duration_component(text, j);
  if (!minutes) return std::nullopt;
  double total = *minutes;
  std::size_t k = j;
  skip_spaces(text, k);
  if (text.substr(k).starts_with("and ")) k += 4;
  if (auto more = duration_component(text, k)) total += *more;
  return whole_minutes(total);
}

}  // namespace

std::optional<int> find_stated_duration(std::string_view text) {
  const std::string lower = text::to_lower(text);
  for (std::string_view cue : {"lasted ", "lasting ", "for about ", "for approximately ", "for around ", "for roughly ",
                               "for nearly ", "for almost ", "for over ", "for ", "duration of ", "outage of ",
                               "downtime of ", "a total of ", "period of ", "took ", "experienced a ", "experienced an "}) {
    for (std::size_t pos = lower.find(cue); pos != std::string::npos; pos = lower.find(cue, pos + 1)) {
      if (pos > 0 && text::is_ascii_alpha(static_cast<unsigned char>(lower[pos - 1]))) continue;
      if (auto minutes = amount_at(text, lower, pos + cue.size())) return minutes;
    }
  }
  // "recovered in 20 minutes", "patched within 24 minutes"
  for (std::string_view cue : {" in ", " within "}) {
    for (std::size_t pos = lower.find(cue); pos != std::string::npos; pos = lower.find(cue, pos + 1)) {
      const std::string_view before = std::string_view(lower).substr(pos > 30 ? pos - 30 : 0, pos > 30 ? 30 : pos);
      static constexpr std::string_view kRecoveryVerbs[] = {"recover", "resolv", "restor", "fixed", "mitigat", "patched", "healed"};
      const bool recovery = std::any_of(std::begin(kRecoveryVerbs), std::end(kRecoveryVerbs),
                                        [&](std::string_view verb) { return before.find(verb) != std::string_view::npos; });
      if (!recovery) continue;
      if (auto minutes = amount_at(text, lower, pos + cue.size())) return minutes;
    }
  }
  return std::nullopt;
}

}  // namespace pmkb::extract
