// How postmortems name their sections, metadata labels and action-table columns.
// Loaded from generator/data/vocabulary.yaml (built in) and pmkb.yaml by config/.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pmkb::model {

enum class SectionKind {
  Other, Summary, Impact, Detection, RootCause, ContributingFactors, Trigger, Resolution,
  Timeline, ActionItems, Lessons
};
enum class LabelKind { Id, Date, Start, End, Duration, Severity, Services, Status, Authors };
enum class ColumnKind { Text, Owner, Status, Priority, Due };

// "root_cause" <-> SectionKind::RootCause, and so on; the names used in vocabulary.yaml.
std::string_view to_string(SectionKind kind);
std::string_view to_string(LabelKind kind);
std::string_view to_string(ColumnKind kind);

template <typename Kind>
struct Synonyms {
  Kind kind;
  std::vector<std::string> phrases;  // normalized: lower case, single spaces
};

struct Vocabulary {
  std::vector<Synonyms<SectionKind>> sections;
  std::vector<Synonyms<LabelKind>> labels;
  std::vector<Synonyms<ColumnKind>> action_columns;
};

}  // namespace pmkb::model
