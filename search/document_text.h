// What the index stores of each incident: the text of its searchable sections, and the
// record returned with a result (id, title, url, ...). Shared by indexer and query.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "model/site.h"

namespace pmkb::search {

struct DocumentText {
  std::string summary;     // summary + impact
  std::string root_cause;  // root cause + contributing factors + trigger
  std::string resolution;  // resolution + lessons
  std::string timeline;    // one entry per line
  std::string actions;     // one action item per line
  std::string body;        // the whole body as plain text
};

DocumentText document_text(const model::Incident& incident);

// The document data: {"id","title","url","source","date","severity","causes",
// "services","sections":{"summary":..,"root_cause":..,..,"body":..}}, each section cut to at
// most `max_section_bytes` (on a UTF-8 boundary).
nlohmann::json stored_record(const model::AnalyzedIncident& entry, const DocumentText& text, std::size_t max_section_bytes);

// The text that says what an incident is about, for similarity and themes: title, summary,
// root cause, contributing factors and trigger; for a document without sections, its opening.
std::string gist(const model::Incident& incident);

// Section names in the order a match is attributed to them.
const std::vector<std::string>& section_names();

// English stop words, which name no theme (not for search, where they help phrases).
const std::vector<std::string>& stopwords();

}  // namespace pmkb::search
