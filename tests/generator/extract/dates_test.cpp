#include <catch2/catch.hpp>

#include "extract/dates.h"

using namespace pmkb;
using namespace pmkb::extract;

namespace {
std::string date_of(std::string_view text, DayOrder order = DayOrder::MonthFirst, std::optional<int> year = {}) {
  const auto hit = find_date(text, order, year);
  return hit ? model::to_iso(hit->date) : "none";
}
}  // namespace

TEST_CASE("dates: the formats postmortems use", "[extract]") {
  CHECK(date_of("on 2024-06-20 at noon") == "2024-06-20");
  CHECK(date_of("June 8, 2024") == "2024-06-08");
  CHECK(date_of("Outage on Aug 20, 2023") == "2023-08-20");
  CHECK(date_of("On August 22nd, 2025, the cluster") == "2025-08-22");
  CHECK(date_of("Tuesday, 8 June 2024") == "2024-06-08");
  CHECK(date_of("21.01.2025 um 14h34") == "2025-01-21");
  CHECK(date_of("am 21. Januar 2025") == "2025-01-21");
  CHECK(date_of("2021\xE5\xB9\xB4" "11\xE6\x9C\x88" "25\xE6\x97\xA5") == "2021-11-25");
  CHECK(date_of("03/10/2021") == "2021-03-10");
  CHECK(date_of("03/10/2021", DayOrder::DayFirst) == "2021-10-03");
  CHECK(date_of("25/10/2021") == "2021-10-25");  // only day-first is possible
  CHECK(date_of("June 8", DayOrder::MonthFirst, 2024) == "2024-06-08");
  CHECK(date_of("June 8") == "none");
  CHECK(date_of("version 1.4.0 and 10.5.3") == "none");
  CHECK(date_of("2024-02-30") == "none");
}

TEST_CASE("times: 12 and 24 hour clocks with zones", "[extract]") {
  auto t = find_time("at 4:05 PM UTC the alert");
  REQUIRE(t);
  CHECK(t->minute_of_day == 16 * 60 + 5);
  CHECK(t->utc_offset_minutes == 0);
  t = find_time("12:45 AM");
  REQUIRE(t);
  CHECK(t->minute_of_day == 45);
  t = find_time("um 14h34 Uhr");
  REQUIRE(t);
  CHECK(t->minute_of_day == 14 * 60 + 34);
  t = find_time("07:28:15 (PDT)");
  REQUIRE(t);
  CHECK(t->minute_of_day == 7 * 60 + 28);
  CHECK(t->utc_offset_minutes == -420);
  CHECK_FALSE(find_time("ratio 3:1 and version 2"));
  CHECK_FALSE(find_time("for 4h"));
  // A run of digits after a time is no zone, however long (it once overflowed the offset).
  t = find_time("16:00 -070000000000000000000");
  REQUIRE(t);
  CHECK(t->minute_of_day == 16 * 60);
  CHECK_FALSE(t->utc_offset_minutes);
}

TEST_CASE("time windows: start and end, with the zone shared", "[extract]") {
  auto w = find_time_window("The outage lasted from 10:30 AM to 12:45 PM EDT on June 8, 2024.");
  REQUIRE(w);
  CHECK(w->first.minute_of_day == 10 * 60 + 30);
  CHECK(w->second.minute_of_day == 12 * 60 + 45);
  CHECK(w->first.utc_offset_minutes == -240);
  w = find_time_window("June 20, 2024, 4:00 PM - 7:00 PM UTC (3 hours)");
  REQUIRE(w);
  CHECK(w->second.minute_of_day - w->first.minute_of_day == 180);
}

TEST_CASE("durations: explicit amounts in several languages", "[extract]") {
  CHECK(find_duration("35 minutes") == 35);
  CHECK(find_duration("1 hour 17 minutes") == 77);
  CHECK(find_duration("Time to repair: 0h 07m") == 7);
  CHECK(find_duration("35h 36m") == 35 * 60 + 36);
  CHECK(find_duration("1h 30m 22s") == 90);
  CHECK(find_duration("3 Std. 25 Min.") == 205);
  CHECK(find_duration("Time to recovery: 240 minutes") == 240);
  CHECK(find_duration("~1hr") == 60);
  CHECK(find_duration("1.5 hours") == 90);
  CHECK(find_duration("2 days") == 2880);
  CHECK_FALSE(find_duration("15% of requests"));
  CHECK_FALSE(find_duration("at 4:00 PM"));
}

TEST_CASE("durations: a bare count of minutes from front matter", "[extract]") {
  CHECK(plain_minutes("95") == 95);
  CHECK(plain_minutes("0") == 0);
  CHECK_FALSE(plain_minutes(""));
  CHECK_FALSE(plain_minutes("-5"));
  CHECK_FALSE(plain_minutes("95 min"));
  CHECK_FALSE(plain_minutes("99999999999999999999"));  // overflows an int: not read as minutes
  CHECK_FALSE(plain_minutes("999999999"));             // over ten years
}

TEST_CASE("durations: stated in prose", "[extract]") {
  CHECK(find_stated_duration("Klamm prod was completely unavailable for about 30 minutes during non-working hours") == 30);
  CHECK(find_stated_duration("The outage lasted 2 hours and 10 minutes.") == 130);
  CHECK_FALSE(find_stated_duration("for 15% of users"));
}

TEST_CASE("leading stamps: how timeline entries begin", "[extract]") {
  auto s = find_leading_stamp("**2025-04-26 03:29** \xE2\x80\x93 Shard crashes detected", DayOrder::MonthFirst, std::nullopt);
  REQUIRE(s);
  REQUIRE(s->date);
  REQUIRE(s->time);
  CHECK(s->time->minute_of_day == 3 * 60 + 29);
  CHECK(std::string("**2025-04-26 03:29** \xE2\x80\x93 Shard crashes detected").substr(s->length) == "Shard crashes detected");
  s = find_leading_stamp("[08:47] paged", DayOrder::MonthFirst, std::nullopt);
  REQUIRE(s);
  CHECK(s->time->minute_of_day == 8 * 60 + 47);
  s = find_leading_stamp("2025-04-26 05:00\xE2\x80\x93" "06:00 \xE2\x80\x93 Customer paused", DayOrder::MonthFirst, std::nullopt);
  REQUIRE(s);
  CHECK(std::string("2025-04-26 05:00\xE2\x80\x93" "06:00 \xE2\x80\x93 Customer paused").substr(s->length) == "Customer paused");
  CHECK_FALSE(find_leading_stamp("Engineers met to discuss", DayOrder::MonthFirst, std::nullopt));
}
