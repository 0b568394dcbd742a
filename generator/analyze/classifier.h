// Cause classification: which taxonomy causes an incident's text gives evidence for.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "diag/diagnostics.h"
#include "model/incident.h"
#include "model/settings.h"
#include "model/site.h"
#include "model/taxonomy.h"

namespace pmkb::analyze {

// How much a match counts, by where it stood. Root cause, contributing factors and trigger
// weigh most; the timeline and sentences that only suspect or rule out a cause count little.
struct ClassifierWeights {
  double cause_sections = 3.0;   // root cause, contributing factors, trigger
  double summary = 2.0;          // title and summary
  double other_sections = 1.0;   // impact, detection, resolution, lessons
  double body = 0.5;             // anything else
  double timeline = 0.25;
  double hedged = 0.2;           // factor for "suspected", "ruled out", "not the cause"...
  // A sentence that states a cause ("the root cause was", "caused by", "due to") counts as a
  // cause section in a document that has none (a timeline entry as the summary), and
  // twice its region's weight (at most the summary's) in one that has.
  double causal = 2.0;
  double threshold = 2.0;        // minimum total score to assign a cause
  double cap = 8.0;              // a cause's score stops growing here
};

// The inferred causes of `incident`, strongest first (then by id), each with the
// sentence that gave the strongest evidence and its line.
std::vector<model::CauseMatch> classify_incident(const model::Incident& incident, const model::Taxonomy& taxonomy,
                                                 const ClassifierWeights& weights = {});

// Classifies incidents one at a time against settings.taxonomy, compiled once. Thread-safe:
// one Classifier serves every worker. `settings` must outlive it.
//
// classify() gives the causes of `incident`: front-matter `causes:` first (they replace the
// inferred ones with `causes_override: true`), then the inferred ones. It reports `no-cause`
// (info) for an incident nothing explains and `cause-conflict` when front matter names
// causes but the root cause reads like another one. Diagnostics name the incident's source
// path (relative to the content directory). Only the incident's passages and front matter
// are read, so passages may be released once it returns.
class Classifier {
 public:
  explicit Classifier(const model::Settings& settings);
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;
  std::vector<model::CauseMatch> classify(const model::Incident& incident, diag::Diagnostics& diagnostics) const;

 private:
  struct Compiled;
  const model::Settings& settings_;
  std::unique_ptr<const Compiled> compiled_;
};

// Classifier::classify for every incident (parallel to `incidents`), on `jobs` threads; the
// result and the diagnostics' order do not depend on `jobs`.
std::vector<std::vector<model::CauseMatch>> classify_all(const std::vector<model::Incident>& incidents,
                                                         const model::Settings& settings, unsigned jobs,
                                                         diag::Diagnostics& diagnostics);

// True when `lower` (a lower-case sentence) states a cause: "root cause", "caused", "due to",
// "because of", "was the cause", German "Ursache", "aufgrund"... Exposed for tests.
bool states_cause(std::string_view lower);

// True when `sentence` (lower case) satisfies `rule`. Exposed for tests.
bool rule_matches(const model::MatchRule& rule, std::string_view sentence);

}  // namespace pmkb::analyze
