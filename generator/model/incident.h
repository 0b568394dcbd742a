// The incident model: what pmkb knows about one postmortem after extraction.
// Plain data: no I/O and no third-party types. See PRODUCT.md §3.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/compressed_text.h"
#include "model/time_point.h"
#include "model/vocabulary.h"

namespace pmkb::model {

enum class Severity { Sev1 = 1, Sev2, Sev3, Sev4 };
std::string_view to_string(Severity severity);  // "SEV1".."SEV4"

enum class ActionStatus { Open, Done, Unknown };
std::string_view to_string(ActionStatus status);  // "open", "done", "unknown"

enum class TimelineKind { Unknown, Detect, Escalate, Mitigate, Resolve };
std::string_view to_string(TimelineKind kind);  // "", "detect", "escalate", "mitigate", "resolve"

// The fields whose origin is recorded in Incident::provenance.
enum class Field {
  Id, Title, Date, Start, End, Duration, Severity, Status, Services, Tags, Authors,
  Summary, Impact, Detection, RootCause, ContributingFactors, Trigger, Resolution, Lessons,
  Timeline, ActionItems, Causes
};
std::string_view to_string(Field field);  // the JSON key, e.g. "root_cause"

enum class OriginKind { FrontMatter, Heading, Label, Table, Title, Text, Timeline, FileName };
std::string_view to_string(OriginKind kind);  // "front-matter", "heading", "label", ...

// Where a field's value came from: e.g. {FrontMatter, "started_at", 3} or {Heading, "Root Cause", 40}.
struct Origin {
  OriginKind kind = OriginKind::Text;
  std::string detail;  // the key, heading or label as written
  int line = 0;        // 1-based line in the source file
};

struct TimelineEntry {
  std::optional<TimePoint> time;  // normalized, when a date can be known
  std::string time_text;          // the time as written, e.g. "4:05 PM UTC"
  std::string text;
  int line = 0;
  TimelineKind kind = TimelineKind::Unknown;
};

struct ActionItem {
  std::string text;
  std::string owner;
  ActionStatus status = ActionStatus::Unknown;
  std::string priority;
  std::string due;
  int line = 0;
};

// A cause id named in front matter (`causes:`), kept with its line for lint.
struct DeclaredCause {
  std::string id;
  int line = 0;
};

// A line of text from the body, with the section it belongs to: the input of cause
// classification, which needs to know where a phrase stood.
struct Passage {
  int line = 0;                 // line of the text's start
  std::string text;             // a paragraph's lines are joined with spaces
  std::vector<std::pair<std::size_t, int>> line_starts;  // (offset in text, source line) after the first
  SectionKind section = SectionKind::Other;
  bool is_title = false;
};

// A link in the body to another postmortem's Markdown file, which the incident's page points
// at that postmortem's page: where the href's value is in body_html, the href as written, and
// the source path it names (resolved against the linking postmortem's folder).
struct PostmortemLink {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string href;
  std::string target;
};

struct Incident {
  std::string id;
  std::string slug;    // the page folder name: incidents/<slug>/
  std::string source;  // path relative to the content directory, with '/'
  // A digest of the source file's bytes (text::Digest): with the same settings and pmkb, the
  // same bytes at the same path extract to the same incident.
  std::uint64_t source_digest = 0;
  std::string title;
  std::optional<CivilDate> date;
  std::optional<TimePoint> start;
  std::optional<TimePoint> end;
  std::optional<int> duration_minutes;
  std::optional<Severity> severity;
  std::string severity_label;  // as written
  std::string status;
  std::vector<std::string> services;
  std::vector<std::string> tags;
  std::vector<std::string> authors;
  std::string summary;
  std::string impact;
  std::string detection;
  std::string root_cause;
  std::string contributing_factors;
  std::string trigger;
  std::string resolution;
  std::string lessons;
  std::vector<TimelineEntry> timeline;
  std::vector<ActionItem> action_items;
  std::vector<DeclaredCause> declared_causes;
  bool declared_causes_replace = false;  // front matter `causes_override: true`
  std::string language = "en";           // ISO 639-1: front matter `lang`, else detected
  CompressedText body_html;              // the rendered Markdown body
  CompressedText body_text;              // the body as plain text, for search
  std::vector<PostmortemLink> postmortem_links;  // in the order of body_html
  std::vector<Passage> passages;         // the body line by line, by section
  std::map<Field, Origin> provenance;
};

// The URL of an incident's page relative to the output root: "incidents/<slug>/".
std::string incident_url(const Incident& incident);

}  // namespace pmkb::model
