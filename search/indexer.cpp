#include "search/indexer.h"

#include <xapian.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "search/document_text.h"
#include "search/schema.h"

namespace pmkb::search {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void index_field(Xapian::TermGenerator& generator, const std::string& text, Xapian::termcount weight,
                 std::string_view prefix, bool positions) {
  if (text.empty()) return;
  if (positions) {
    generator.index_text(text, weight, std::string(prefix));
    generator.index_text(text, weight);
  } else {
    generator.index_text_without_positions(text, weight, std::string(prefix));
    generator.index_text_without_positions(text, weight);
  }
  generator.increase_termpos();
}

Xapian::Document make_document(const model::AnalyzedIncident& entry, Xapian::TermGenerator& generator) {
  const model::Incident& incident = entry.incident;
  const DocumentText text = document_text(incident);
  Xapian::Document doc;
  generator.set_document(doc);
  generator.set_stemmer(schema::stemmer_for(incident.language));
  index_field(generator, incident.title, schema::kTitleWeight, schema::kTitle, true);
  index_field(generator, text.root_cause, schema::kRootCauseWeight, schema::kRootCause, true);
  index_field(generator, text.summary, schema::kSummaryWeight, schema::kSummary, true);
  index_field(generator, text.resolution, schema::kBodyWeight, schema::kResolution, false);
  index_field(generator, text.timeline, schema::kBodyWeight, schema::kTimeline, false);
  index_field(generator, text.actions, schema::kBodyWeight, schema::kActions, false);
  generator.index_text_without_positions(incident.body_text, schema::kBodyWeight);

  doc.add_boolean_term(std::string(schema::kId) + incident.id);
  doc.add_boolean_term(std::string(schema::kSource) + incident.source);
  if (incident.severity) doc.add_boolean_term(std::string(schema::kSeverity) + lower(std::string(model::to_string(*incident.severity))));
  for (const auto& service : incident.services) doc.add_boolean_term(std::string(schema::kService) + lower(service));
  for (const auto& cause : entry.causes) doc.add_boolean_term(std::string(schema::kCause) + cause.id);
  if (incident.date) {
    doc.add_boolean_term(std::string(schema::kYear) + std::to_string(incident.date->year));
    char date[16];
    std::snprintf(date, sizeof date, "%04d%02d%02d", incident.date->year, incident.date->month, incident.date->day);
    doc.add_value(schema::kDateSlot, date);
  }
  if (incident.duration_minutes) doc.add_value(schema::kDurationSlot, Xapian::sortable_serialise(*incident.duration_minutes));
  if (incident.severity) doc.add_value(schema::kSeverityRankSlot, Xapian::sortable_serialise(static_cast<int>(*incident.severity)));
  doc.set_data(stored_record(entry, text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return doc;
}

}  // namespace

void build_index(const model::Site& site, const std::filesystem::path& db_dir) {
  Xapian::WritableDatabase db(db_dir.string(), Xapian::DB_CREATE);
  Xapian::TermGenerator generator;
  generator.set_database(db);
  generator.set_flags(Xapian::TermGenerator::FLAG_SPELLING | Xapian::TermGenerator::FLAG_CJK_NGRAM);
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  db.begin_transaction();
  for (const auto& entry : site.incidents) {
    Xapian::Document doc = make_document(entry, generator);
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
