// Cause classification and cross-linking on hand-labelled real postmortems (bench/causes/).
// Runs the analysis over the whole corpus, as a build would, then scores:
//   - per-document cause recall and precision (labels.tsv)
//   - same-cause pairs linked by that cause: both incidents carry it, so each page links the
//     cause page that lists the other (same_cause_pairs.tsv); also reported: how many of them
//     are in each other's related list, which is capped and guarded by design
//   - look-alike pairs wrongly linked by cause: they share any cause (lookalike_pairs.tsv)
//
//   cause_eval LABELS_DIR CORPUS_DIR [--verbose] [--regression] [--explain PATH_PART]
//
// --explain prints, for every incident whose source path contains PATH_PART, each passage that
// some rule matches (its section, and the causes with the matching sentence), then every
// cause's total score, including those below the threshold; for tuning the taxonomy.
//
// Exits 1 below the floors of issue #4 (recall 85%, precision 80%, pairs 80%, look-alikes at
// most 10%). With --regression it exits 1 below the levels reached so far, which are at or
// above those floors (recall 85%, precision 83%, pairs 84%, look-alikes at most 8%), so that
// CTest catches a classifier change that makes things worse, and still prints the real floors.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <set>
#include <string>
#include <vector>

#include "analyze/classifier.h"
#include "build/build.h"
#include "config/settings_loader.h"
#include "content/front_matter.h"
#include "content/loader.h"
#include "extract/incident_extractor.h"
#include "markdown/parsed_document.h"
#include "model/vocabulary.h"
#include "text/text.h"

namespace {

using namespace pmkb;

std::vector<std::vector<std::string>> read_tsv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(text::split(line, '\t'));
  }
  return rows;
}

std::set<std::string> split_ids(const std::string& field) {
  std::set<std::string> ids;
  for (const auto& id : text::split(field, ',')) {
    const auto trimmed = std::string(text::trim(id));
    if (!trimmed.empty()) ids.insert(trimmed);
  }
  return ids;
}

// The analysed library keeps no passages, so the document is read and extracted again.
void explain(const std::filesystem::path& corpus, const std::string& path) {
  std::ifstream in(corpus / path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const auto settings = config::default_settings();
  const model::Taxonomy& taxonomy = settings.taxonomy;
  diag::Diagnostics d;
  const auto source = content::make_source_file(path, path, bytes.str(), d);
  const auto split = content::split_front_matter(source, d);
  const auto doc = markdown::parse_markdown(split.body, split.body_first_line, {});
  const auto extracted = extract::extract_incident(source, split, doc, settings, d);
  if (!extracted) return;
  const model::Incident& incident = *extracted;
  std::cout << "== " << path << "\n";
  analyze::ClassifierWeights flat;
  flat.cause_sections = flat.summary = flat.other_sections = flat.body = flat.timeline = 1.0;
  flat.threshold = 0.01;
  for (const model::Passage& passage : incident.passages) {
    model::Incident one;
    one.passages.push_back(passage);
    one.passages.back().is_title = false;
    for (const auto& m : analyze::classify_incident(one, taxonomy, flat)) {
      std::cout << "  [" << (passage.is_title ? "title" : model::to_string(passage.section)) << " l." << m.line << "] "
                << m.id << (m.score < 1.0 ? " (hedged)" : "") << ": " << m.evidence << "\n";
    }
  }
  analyze::ClassifierWeights all;
  all.threshold = 0.01;
  std::cout << "  scores:";
  for (const auto& m : analyze::classify_incident(incident, taxonomy, all)) std::cout << " " << m.id << "=" << m.score;
  std::cout << "\n";
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::cerr << "usage: cause_eval LABELS_DIR CORPUS_DIR [--verbose] [--regression]\n";
    return 2;
  }
  const std::filesystem::path labels = argv[1];
  const std::filesystem::path corpus = argv[2];
  bool verbose = false, regression = false;
  std::string explain_part;
  for (int i = 3; i < argc; ++i) {
    if (std::string(argv[i]) == "--explain" && i + 1 < argc) explain_part = argv[++i];
    verbose = verbose || std::string(argv[i]) == "--verbose";
    regression = regression || std::string(argv[i]) == "--regression";
  }
  if (!std::filesystem::is_directory(corpus)) {
    std::cerr << "cause_eval: corpus " << corpus << " not found; the evaluation reads ../shared/corpus/public\n";
    return 1;
  }
  diag::Diagnostics ignored;
  build::BuildOptions options;
  options.content_dir = corpus;
  const auto library = build::analyze_content(options, ignored);
  std::map<std::string, const model::AnalyzedIncident*> by_source;
  for (const auto& entry : library.site.incidents) by_source[entry.incident.source] = &entry;
  if (!explain_part.empty()) {
    for (const auto& entry : library.site.incidents) {
      if (entry.incident.source.find(explain_part) != std::string::npos) explain(corpus, entry.incident.source);
    }
    return 0;
  }
  const auto causes_of = [&](const std::string& path) {
    std::set<std::string> ids;
    if (auto it = by_source.find(path); it != by_source.end()) {
      for (const auto& c : it->second->causes) ids.insert(c.id);
    }
    return ids;
  };

  int true_positive = 0, predicted = 0, expected = 0;
  for (const auto& row : read_tsv(labels / "labels.tsv")) {
    const std::set<std::string> gold = split_ids(row.at(1));
    const std::set<std::string> got = causes_of(row.at(0));
    int hit = 0;
    for (const auto& id : got) hit += gold.count(id) ? 1 : 0;
    true_positive += hit;
    predicted += static_cast<int>(got.size());
    expected += static_cast<int>(gold.size());
    if (verbose && (hit != static_cast<int>(gold.size()) || hit != static_cast<int>(got.size()))) {
      std::string g, p;
      for (const auto& id : gold) g += id + " ";
      for (const auto& id : got) p += id + " ";
      std::cout << "  " << row[0] << "\n      want: " << g << "\n      got:  " << p << "\n";
    }
  }
  const auto related_by_cause = [&](const std::string& a, const std::string& b) {
    auto it = by_source.find(a);
    auto other = by_source.find(b);
    if (it == by_source.end() || other == by_source.end()) return false;
    for (const auto& r : it->second->related) {
      if (r.id == other->second->incident.id && r.kind == model::RelationKind::SameCause) return true;
    }
    return false;
  };
  int pairs = 0, linked = 0, in_related = 0;
  for (const auto& row : read_tsv(labels / "same_cause_pairs.tsv")) {
    ++pairs;
    const bool ok = causes_of(row.at(0)).count(row.at(2)) && causes_of(row.at(1)).count(row.at(2));
    linked += ok ? 1 : 0;
    in_related += related_by_cause(row.at(0), row.at(1)) || related_by_cause(row.at(1), row.at(0)) ? 1 : 0;
    if (verbose && !ok) std::cout << "  pair not linked (" << row.at(2) << "): " << row[0] << " ~ " << row[1] << "\n";
  }
  int lookalikes = 0, wrongly = 0;
  for (const auto& row : read_tsv(labels / "lookalike_pairs.tsv")) {
    ++lookalikes;
    const auto a = causes_of(row.at(0));
    const auto b = causes_of(row.at(1));
    const bool bad = std::any_of(a.begin(), a.end(), [&](const std::string& id) { return b.count(id) > 0; });
    wrongly += bad ? 1 : 0;
    if (verbose && bad) std::cout << "  look-alike linked: " << row[0] << " ~ " << row[1] << "\n";
  }
  const double recall = expected ? 100.0 * true_positive / expected : 0;
  const double precision = predicted ? 100.0 * true_positive / predicted : 0;
  const double pair_recall = pairs ? 100.0 * linked / pairs : 0;
  const double wrong_rate = lookalikes ? 100.0 * wrongly / lookalikes : 0;
  std::printf("cause classification over %zu incidents (taxonomy %s)\n", library.site.incidents.size(), library.site.taxonomy.version.c_str());
  std::printf("  cause recall          %5.1f%%  (%d/%d, floor 85%%)%s\n", recall, true_positive, expected, recall >= 85 ? "" : "  BELOW FLOOR");
  std::printf("  cause precision       %5.1f%%  (%d/%d, floor 80%%)%s\n", precision, true_positive, predicted, precision >= 80 ? "" : "  BELOW FLOOR");
  std::printf("  same-cause pairs      %5.1f%%  linked by their cause (%d/%d, floor 80%%)%s\n", pair_recall, linked, pairs, pair_recall >= 80 ? "" : "  BELOW FLOOR");
  std::printf("    in related lists    %5.1f%%  (%d/%d; lists are capped at 5 same-cause links)\n", pairs ? 100.0 * in_related / pairs : 0, in_related, pairs);
  std::printf("  look-alikes linked    %5.1f%%  (%d/%d, ceiling 10%%)%s\n", wrong_rate, wrongly, lookalikes, wrong_rate <= 10 ? "" : "  ABOVE CEILING");
  if (regression) {
    const bool kept = recall >= 85 && precision >= 83 && pair_recall >= 84 && wrong_rate <= 8;
    if (!kept) {
      std::printf("cause classification got worse than the levels reached so far (recall 85%%, precision 83%%, pairs 84%%, "
                  "look-alikes at most 8%%)\n");
    }
    return kept ? 0 : 1;
  }
  return recall >= 85 && precision >= 80 && pair_recall >= 80 && wrong_rate <= 10 ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "cause_eval: " << e.what() << "\n";
  return 1;
}
