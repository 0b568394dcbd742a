// The analyzed library: incidents with their causes and related incidents.
// Built by analyze::assemble_site(), then given each incident's relations and the themes
// (analyze::relate_site()), and read-only afterwards.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/incident.h"
#include "model/taxonomy.h"

namespace pmkb::model {

enum class CauseSource { FrontMatter, Inferred };
std::string_view to_string(CauseSource source);  // "front-matter", "inferred"

struct CauseMatch {
  std::string id;
  std::string title;
  std::string evidence;  // the sentence fragment that matched, or the front-matter value
  int line = 0;
  CauseSource source = CauseSource::Inferred;
  double score = 0;      // strength of the textual evidence
};

enum class RelationKind { SameCause, Similar, SameService };

struct RelatedIncident {
  std::string id;
  RelationKind kind = RelationKind::Similar;
  std::string detail;  // the cause id or service name; empty for Similar
  double score = 0;
};
// "same-cause:<id>", "similar" or "same-service:<name>"
std::string reason(const RelatedIncident& related);

// An action item still open in an earlier incident that had the same cause, by position: the
// incident is Site::incidents[incident_index], the item its action_items[action_index] and the
// cause its causes[cause_index]. Indexes, not copies: a library lists each open item on many
// later incidents (about 200,000 listings at 10,000 incidents).
struct EarlierAction {
  std::size_t incident_index = 0;
  std::size_t cause_index = 0;
  std::size_t action_index = 0;
};

struct AnalyzedIncident {
  Incident incident;
  std::vector<CauseMatch> causes;
  std::vector<RelatedIncident> related;
  std::vector<EarlierAction> earlier_open_actions;  // the most recent first, at most 20
  std::size_t earlier_open_total = 0;               // all of them, when more than are listed
  // Causes that struck again although every action item of an earlier incident with that
  // cause was done ("recurred after fixes").
  std::vector<std::string> recurred_after_fixes;
};

// A cause as it occurs across the library.
struct CauseOccurrences {
  std::string id;
  std::string title;
  std::string description;
  std::vector<std::string> incident_ids;  // oldest first
  std::optional<CivilDate> first_seen;
  std::optional<CivilDate> last_seen;
  std::vector<int> intervals_days;        // between consecutive dated occurrences
  std::vector<std::string> services;      // every service affected, sorted
  std::size_t open_actions = 0;           // action items still open across its incidents
  std::size_t done_actions = 0;
};

// Incidents that no taxonomy cause explains but whose text is alike: a theme the taxonomy may
// be missing.
struct Theme {
  std::vector<std::string> incident_ids;  // by id
  std::vector<std::string> top_terms;     // what the group's text shares most
  double similarity = 0;                   // the group's mean similarity to its seed, 0..1
};

struct Site {
  std::vector<AnalyzedIncident> incidents;  // newest first, then by id
  std::vector<CauseOccurrences> causes;      // causes that occur at least once, by id
  std::vector<Theme> themes;                 // largest first
  Taxonomy taxonomy;
  std::map<std::string, std::size_t, std::less<>> by_id;      // incident id -> index in `incidents`
  std::map<std::string, std::size_t, std::less<>> by_source;  // source path -> index in `incidents`

  const AnalyzedIncident* find(std::string_view id) const;
};

// A pair of incidents whose text is similar, as measured by the search engine.
struct Similarity {
  std::size_t a = 0;  // indexes into the extracted incident list
  std::size_t b = 0;
  double score = 0;   // 0..1
};

}  // namespace pmkb::model
