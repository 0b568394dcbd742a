#include "model/incident.h"

namespace pmkb::model {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Sev1: return "SEV1";
    case Severity::Sev2: return "SEV2";
    case Severity::Sev3: return "SEV3";
    case Severity::Sev4: return "SEV4";
  }
  return "SEV4";
}

std::string_view to_string(ActionStatus status) {
  switch (status) {
    case ActionStatus::Open: return "open";
    case ActionStatus::Done: return "done";
    case ActionStatus::Unknown: return "unknown";
  }
  return "unknown";
}

std::string_view to_string(TimelineKind kind) {
  switch (kind) {
    case TimelineKind::Unknown: return "";
    case TimelineKind::Detect: return "detect";
    case TimelineKind::Escalate: return "escalate";
    case TimelineKind::Mitigate: return "mitigate";
    case TimelineKind::Resolve: return "resolve";
  }
  return "";
}

std::string_view to_string(Field field) {
  switch (field) {
    case Field::Id: return "id";
    case Field::Title: return "title";
    case Field::Date: return "date";
    case Field::Start: return "start";
    case Field::End: return "end";
    case Field::Duration: return "duration_minutes";
    case Field::Severity: return "severity";
    case Field::Status: return "status";
    case Field::Services: return "services";
    case Field::Tags: return "tags";
    case Field::Authors: return "authors";
    case Field::Summary: return "summary";
    case Field::Impact: return "impact";
    case Field::Detection: return "detection";
    case Field::RootCause: return "root_cause";
    case Field::ContributingFactors: return "contributing_factors";
    case Field::Trigger: return "trigger";
    case Field::Resolution: return "resolution";
    case Field::Lessons: return "lessons";
    case Field::Timeline: return "timeline";
    case Field::ActionItems: return "action_items";
    case Field::Causes: return "causes";
  }
  return "";
}

std::string_view to_string(OriginKind kind) {
  switch (kind) {
    case OriginKind::FrontMatter: return "front-matter";
    case OriginKind::Heading: return "heading";
    case OriginKind::Label: return "label";
    case OriginKind::Table: return "table";
    case OriginKind::Title: return "title";
    case OriginKind::Text: return "text";
    case OriginKind::Timeline: return "timeline";
    case OriginKind::FileName: return "file-name";
  }
  return "";
}

std::string incident_url(const Incident& incident) { return "incidents/" + incident.slug + "/"; }

}  // namespace pmkb::model
