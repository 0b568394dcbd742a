#include "model/site.h"

namespace pmkb::model {

std::string_view to_string(CauseSource source) {
  return source == CauseSource::FrontMatter ? "front-matter" : "inferred";
}

std::string reason(const RelatedIncident& related) {
  switch (related.kind) {
    case RelationKind::SameCause: return "same-cause:" + related.detail;
    case RelationKind::Similar: return "similar";
    case RelationKind::SameService: return "same-service:" + related.detail;
  }
  return "similar";
}

const AnalyzedIncident* Site::find(std::string_view id) const {
  for (const auto& entry : incidents) {
    if (entry.incident.id == id) return &entry;
  }
  return nullptr;
}

}  // namespace pmkb::model
