// The Xapian schema of pmkb's search index: every term prefix and value slot.
// This is the only file that spells prefixes or slot numbers.
#pragma once

#include <xapian.h>

#include <map>
#include <string>
#include <string_view>

namespace pmkb::search::schema {

// Where the database lives under the output directory.
inline constexpr std::string_view kDatabaseDir = "xapian";

/*** Fields for fielded queries ("title:", "summary:", "rootcause:") ***/
// Free text is indexed without prefix: title wdf x5, root cause x4 and summary x2 with
// positions (phrase queries) and spelling data, then the whole body x1 without positions.
// Each of the three is also indexed once more under its field's prefix.
inline constexpr std::string_view kTitle = "S";           // title, with positions
inline constexpr std::string_view kSummary = "XSUM";      // summary and impact, without positions
inline constexpr std::string_view kRootCause = "XRC";     // root cause, contributing factors, trigger, without positions

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
inline constexpr Xapian::valueno kFacetSlot = 3;          // "severity=sev1\nservice=redis\ncause=...\nyear=2024", for facet counts
inline constexpr Xapian::valueno kContentHashSlot = 4;    // digest of what the document is made from: unchanged ones are not re-indexed
inline constexpr Xapian::valueno kIdSlot = 5;             // the unique id again, as the "Q" term has it, read in one pass

// Database metadata key: the identity of the pmkb binary that wrote the index; an index
// written by another one is rebuilt from scratch rather than updated.
inline constexpr std::string_view kWriterKey = "pmkb-writer";
// Bytes of each section kept in the document data: snippets are made from this much of the
// section that shows the most query words (a smaller record is faster to read per hit).
inline constexpr std::size_t kStoredSectionBytes = 4000;

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

// Every document's value in `slot`, by docid: one pass over the slot's value stream. For the
// ids (kIdSlot), this replaces looking up each "Q" term's posting list, a B-tree path per
// document.
std::map<Xapian::docid, std::string> values_by_docid(const Xapian::Database& db, Xapian::valueno slot);

}  // namespace pmkb::search::schema
