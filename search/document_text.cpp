#include "search/document_text.h"

namespace pmkb::search {

namespace {

std::string join(std::initializer_list<const std::string*> parts) {
  std::string out;
  for (const std::string* part : parts) {
    if (part->empty()) continue;
    if (!out.empty()) out += '\n';
    out += *part;
  }
  return out;
}

}  // namespace

DocumentText document_text(const model::Incident& incident) {
  DocumentText text;
  text.summary = join({&incident.summary, &incident.impact});
  text.root_cause = join({&incident.root_cause, &incident.contributing_factors, &incident.trigger});
  text.resolution = join({&incident.resolution, &incident.lessons});
  for (const auto& entry : incident.timeline) {
    if (!text.timeline.empty()) text.timeline += '\n';
    text.timeline += entry.time_text + " " + entry.text;
  }
  for (const auto& item : incident.action_items) {
    if (!text.actions.empty()) text.actions += '\n';
    text.actions += item.text;
  }
  return text;
}

nlohmann::json stored_record(const model::AnalyzedIncident& entry, const DocumentText& text) {
  const model::Incident& incident = entry.incident;
  nlohmann::json causes = nlohmann::json::array();
  for (const auto& cause : entry.causes) causes.push_back(cause.id);
  return {
      {"id", incident.id},
      {"title", incident.title},
      {"url", model::incident_url(incident)},
      {"source", incident.source},
      {"date", incident.date ? nlohmann::json(model::to_iso(*incident.date)) : nlohmann::json()},
      {"severity", incident.severity ? nlohmann::json(model::to_string(*incident.severity)) : nlohmann::json()},
      {"causes", causes},
      {"services", incident.services},
      {"sections", {{"root_cause", text.root_cause}, {"summary", text.summary}, {"resolution", text.resolution},
                    {"timeline", text.timeline}, {"action_items", text.actions}, {"body", incident.body_text}}},
  };
}

const std::vector<std::string>& section_names() {
  static const std::vector<std::string> kNames = {"root_cause", "summary", "resolution", "timeline", "action_items", "body"};
  return kNames;
}

const std::vector<std::string>& stopwords() {
  static const std::vector<std::string> kWords = {
      "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being",
      "but", "by", "can", "could", "did", "do", "does", "due", "during", "each", "for", "from", "had", "has", "have",
      "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "more", "most", "no", "not", "of", "on",
      "one", "or", "other", "our", "out", "over", "she", "so", "some", "such", "than", "that", "the", "their", "them",
      "then", "there", "these", "they", "this", "those", "to", "up", "us", "was", "we", "were", "what", "when", "which",
      "while", "who", "will", "with", "would", "you", "your", "der", "die", "das", "und", "ist", "nicht", "wir", "ein",
      "eine", "zu", "den", "von", "mit", "auf", "für", "im", "es", "wurde", "werden", "incident", "issue", "postmortem",
      "post", "mortem", "outage", "team", "time", "service", "services", "users", "system", "systems"};
  return kWords;
}

}  // namespace pmkb::search
