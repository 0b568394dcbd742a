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
  text.body = incident.body_text.text();
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

nlohmann::json stored_record(const model::AnalyzedIncident& entry, const DocumentText& text, std::size_t max_section_bytes) {
  const model::Incident& incident = entry.incident;
  const auto cut = [max_section_bytes](const std::string& section) {
    if (section.size() <= max_section_bytes) return section;
    std::size_t end = max_section_bytes;
    while (end > 0 && (static_cast<unsigned char>(section[end]) & 0xC0) == 0x80) --end;
    return section.substr(0, end);
  };
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
      {"sections", {{"root_cause", cut(text.root_cause)}, {"summary", cut(text.summary)}, {"resolution", cut(text.resolution)},
                    {"timeline", cut(text.timeline)}, {"action_items", cut(text.actions)}, {"body", cut(text.body)}}},
  };
}

std::string gist(const model::Incident& incident) {
  // A title made from the file name ("A asava 0x19 postmortem README") says nothing.
  const auto title = incident.provenance.find(model::Field::Title);
  const bool named = title == incident.provenance.end() || title->second.kind != model::OriginKind::FileName;
  static const std::string kNone;
  std::string out = join({named ? &incident.title : &kNone, &incident.summary, &incident.root_cause,
                          &incident.contributing_factors, &incident.trigger, &incident.impact});
  if (incident.summary.empty() && incident.root_cause.empty()) {
    const std::string body = incident.body_text.text();
    std::size_t cut = std::min<std::size_t>(body.size(), 1500);
    while (cut > 0 && cut < body.size() && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;
    out += '\n';
    out.append(body, 0, cut);
  }
  return out;
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
      "eine", "zu", "den", "von", "mit", "auf", "für", "im", "es", "wurde", "werden", "des", "aus", "wieder", "möglich",
      "sind", "ist", "bei", "dem", "nach", "auch", "noch", "nur", "kann", "können", "wird", "hat", "haben", "am", "um",
      "incident", "issue", "postmortem", "post", "mortem", "outage", "team", "time", "service", "services", "users",
      "system", "systems", "summary", "root", "cause", "causes", "timeline", "update", "updates", "initial", "final",
      "message", "investigating", "identified", "resolved", "monitoring", "readme", "markdown", "report", "details",
      "impact", "resolution", "action", "actions", "item", "items", "lessons", "learned", "issues", "problem",
      "problems", "störung", "aktualisierung", "hinweis", "infos", "informationen"};
  return kWords;
}

}  // namespace pmkb::search
