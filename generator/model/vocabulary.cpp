#include "model/vocabulary.h"

namespace pmkb::model {

std::string_view to_string(SectionKind kind) {
  switch (kind) {
    case SectionKind::Other: return "other";
    case SectionKind::Summary: return "summary";
    case SectionKind::Impact: return "impact";
    case SectionKind::Detection: return "detection";
    case SectionKind::RootCause: return "root_cause";
    case SectionKind::ContributingFactors: return "contributing_factors";
    case SectionKind::Trigger: return "trigger";
    case SectionKind::Resolution: return "resolution";
    case SectionKind::Timeline: return "timeline";
    case SectionKind::ActionItems: return "action_items";
    case SectionKind::Lessons: return "lessons";
  }
  return "other";
}

std::string_view to_string(LabelKind kind) {
  switch (kind) {
    case LabelKind::Id: return "id";
    case LabelKind::Date: return "date";
    case LabelKind::Start: return "start";
    case LabelKind::End: return "end";
    case LabelKind::Duration: return "duration";
    case LabelKind::Severity: return "severity";
    case LabelKind::Services: return "services";
    case LabelKind::Status: return "status";
    case LabelKind::Authors: return "authors";
  }
  return "id";
}

std::string_view to_string(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::Text: return "text";
    case ColumnKind::Owner: return "owner";
    case ColumnKind::Status: return "status";
    case ColumnKind::Priority: return "priority";
    case ColumnKind::Due: return "due";
  }
  return "text";
}

}  // namespace pmkb::model
