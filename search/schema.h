// The Xapian schema of pmkb's search index: every term prefix and value slot.
// This is the only file that spells prefixes or slot numbers.
#pragma once

#include <xapian.h>

#include <string_view>

namespace pmkb::search::schema {

// Where the database lives under the output directory.
inline constexpr std::string_view kDatabaseDir = "xapian";

/*** Weighted free-text fields (also indexed without prefix, for plain queries) ***/
inline constexpr std::string_view kTitle = "S";           // title; wdf x5, positions
inline constexpr std::string_view kSummary = "XSUM";      // summary and impact; wdf x2, positions
inline constexpr std::string_view kRootCause = "XRC";     // root cause, contributing factors, trigger; wdf x4, positions
inline constexpr std::string_view kResolution = "XRES";   // resolution and lessons; wdf x1
inline constexpr std::string_view kTimeline = "XTL";      // timeline entries; wdf x1
inline constexpr std::string_view kActions = "XACT";      // action items; wdf x1
// The rest of the body is indexed without prefix, wdf x1, without positions.

/*** Boolean filter terms (lower-case values after the prefix) ***/
inline constexpr std::string_view kId = "Q";              // unique id: replace_document() key
inline constexpr std::string_view kSeverity = "XSEV";     // "XSEVsev1"
inline constexpr std::string_view kService = "XSVC";      // "XSVCredis cluster"
inline constexpr std::string_view kCause = "XCAUSE";      // "XCAUSEdisk-full"
inline constexpr std::string_view kYear = "Y";            // "Y2024"
inline constexpr std::string_view kSource = "XSRC";       // source path

/*** Value slots ***/
inline constexpr Xapian::valueno kDateSlot = 0;           // "YYYYMMDD", sortable and range-filterable
inline constexpr Xapian::valueno kDurationSlot = 1;       // sortable_serialise(minutes)
inline constexpr Xapian::valueno kSeverityRankSlot = 2;   // sortable_serialise(1..4); absent when unknown

/*** Field weights (wdf increments per term) ***/
inline constexpr Xapian::termcount kTitleWeight = 5;
inline constexpr Xapian::termcount kRootCauseWeight = 4;
inline constexpr Xapian::termcount kSummaryWeight = 2;
inline constexpr Xapian::termcount kBodyWeight = 1;

/*** Ranking ***/
// An incident that matches every word of a query gets this much of its weight again.
inline constexpr double kCoordinationBoost = 1.0;

// Stemming language for an ISO 639-1 code ("en", "de", ...); English when unknown.
Xapian::Stem stemmer_for(std::string_view language);

}  // namespace pmkb::search::schema
