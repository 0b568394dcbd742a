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
  auto it = by_id.find(id);
  return it != by_id.end() && it->second < incidents.size() ? &incidents[it->second] : nullptr;
}

}  // namespace pmkb::model
