#include "search/indexer.h"

#include <xapian.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "search/document_text.h"
#include "search/schema.h"
#include "text/text.h"

namespace pmkb::search {

namespace {

// The text that counts most (title, summary, root cause) is indexed with positions, for
// phrase queries, and feeds the spelling dictionary; the rest without either: positions and
// spelling data are most of an index's size and build time.
struct Generators {
  Xapian::TermGenerator strong;  // positions + spelling
  Xapian::TermGenerator plain;   // neither

  void start(Xapian::Document& doc, const Xapian::Stem& stemmer) {
    strong.set_document(doc);
    plain.set_document(doc);
    strong.set_stemmer(stemmer);
    plain.set_stemmer(stemmer);
  }
};

void index_strong(Generators& g, const std::string& text, Xapian::termcount weight, std::string_view prefix) {
  if (text.empty()) return;
  g.strong.index_text(text, weight);                                  // free text
  g.strong.index_text(text, 1, std::string(prefix));                  // field queries ("title:")
  g.strong.increase_termpos();
}

void index_plain(Generators& g, const std::string& text, std::string_view prefix) {
  if (text.empty()) return;
  g.plain.index_text_without_positions(text, 1, std::string(prefix));
}

Xapian::Document make_document(const model::AnalyzedIncident& entry, Generators& generators) {
  const model::Incident& incident = entry.incident;
  const DocumentText text = document_text(incident);
  Xapian::Document doc;
  generators.start(doc, schema::stemmer_for(incident.language));
  index_strong(generators, incident.title, schema::kTitleWeight, schema::kTitle);
  index_strong(generators, text.root_cause, schema::kRootCauseWeight, schema::kRootCause);
  index_strong(generators, text.summary, schema::kSummaryWeight, schema::kSummary);
  index_plain(generators, text.timeline, schema::kTimeline);
  index_plain(generators, text.actions, schema::kActions);
  // The whole body once more, unprefixed: every word is findable, the sections above weigh more.
  generators.plain.index_text_without_positions(incident.body_text, schema::kBodyWeight);

  doc.add_boolean_term(std::string(schema::kId) + incident.id);
  doc.add_boolean_term(std::string(schema::kSource) + incident.source);
  if (incident.severity) doc.add_boolean_term(std::string(schema::kSeverity) + text::to_lower(std::string(model::to_string(*incident.severity))));
  for (const auto& service : incident.services) doc.add_boolean_term(std::string(schema::kService) + text::to_lower(service));
  for (const auto& cause : entry.causes) doc.add_boolean_term(std::string(schema::kCause) + cause.id);
  if (incident.date) {
    doc.add_boolean_term(std::string(schema::kYear) + std::to_string(incident.date->year));
    char date[16];
    std::snprintf(date, sizeof date, "%04d%02d%02d", incident.date->year, incident.date->month, incident.date->day);
    doc.add_value(schema::kDateSlot, date);
  }
  if (incident.duration_minutes) doc.add_value(schema::kDurationSlot, Xapian::sortable_serialise(*incident.duration_minutes));
  std::string facets;
  if (incident.severity) facets += "severity=" + text::to_lower(std::string(model::to_string(*incident.severity))) + "\n";
  for (const auto& service : incident.services) facets += "service=" + text::to_lower(service) + "\n";
  for (const auto& cause : entry.causes) facets += "cause=" + cause.id + "\n";
  if (incident.date) facets += "year=" + std::to_string(incident.date->year) + "\n";
  doc.add_value(schema::kFacetSlot, facets);
  if (incident.severity) doc.add_value(schema::kSeverityRankSlot, Xapian::sortable_serialise(static_cast<int>(*incident.severity)));
  doc.set_data(stored_record(entry, text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return doc;
}

}  // namespace

void build_index(const model::Site& site, const std::filesystem::path& db_dir) {
  Xapian::WritableDatabase db(db_dir.string(), Xapian::DB_CREATE);
  Generators generators;
  generators.strong.set_database(db);
  generators.strong.set_flags(Xapian::TermGenerator::FLAG_SPELLING | Xapian::TermGenerator::FLAG_CJK_NGRAM);
  generators.plain.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
  generators.strong.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  generators.plain.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  db.begin_transaction();
  for (const auto& entry : site.incidents) {
    Xapian::Document doc = make_document(entry, generators);
    db.replace_document(std::string(schema::kId) + entry.incident.id, doc);
  }
  db.commit_transaction();
  db.close();
}

std::vector<model::Similarity> find_similar_incidents(const std::vector<model::Incident>& incidents, double min_score,
                                                      std::size_t per_incident) {
  if (incidents.size() < 2) return {};
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  Xapian::TermGenerator generator;
  const Xapian::SimpleStopper stopper(stopwords().begin(), stopwords().end());
  generator.set_stopper(&stopper);
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
  generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
  for (const auto& incident : incidents) {
    Xapian::Document doc;
    generator.set_document(doc);
    generator.set_stemmer(schema::stemmer_for(incident.language));
    generator.index_text(incident.title);  // counted twice: the title says most
    generator.index_text(gist(incident));
    db.add_document(doc);
  }
  std::map<std::pair<std::size_t, std::size_t>, double> pairs;
  Xapian::Enquire enquire(db);
  for (Xapian::docid id = 1; id <= incidents.size(); ++id) {
    Xapian::RSet rset;
    rset.add_document(id);
    const Xapian::ESet eset = enquire.get_eset(25, rset);
    if (eset.empty()) continue;
    Xapian::Query query(Xapian::Query::OP_OR, eset.begin(), eset.end());
    enquire.set_query(query);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(per_incident + 1));
    // Scores relative to the incident itself, so that long and short documents compare alike.
    double self = 0;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      if (*it == id) self = it.get_weight();
    }
    if (self <= 0) continue;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      if (*it == id) continue;
      const double score = std::min(1.0, it.get_weight() / self);
      if (score < min_score) continue;
      const std::size_t a = std::min<std::size_t>(id, *it) - 1;
      const std::size_t b = std::max<std::size_t>(id, *it) - 1;
      double& kept = pairs[{a, b}];
      kept = std::max(kept, score);
    }
  }
  std::vector<model::Similarity> out;
  for (const auto& [key, score] : pairs) out.push_back({key.first, key.second, score});
  return out;
}

}  // namespace pmkb::search
