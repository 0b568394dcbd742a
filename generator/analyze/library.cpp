#include "analyze/library.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

namespace pmkb::analyze {

using model::AnalyzedIncident;
using model::CauseMatch;
using model::RelatedIncident;
using model::RelationKind;

namespace {

std::string display(const std::map<std::string, std::string>& paths, const std::string& source) {
  auto it = paths.find(source);
  return it != paths.end() ? it->second : source;
}

void make_ids_unique(std::vector<model::Incident>& incidents, const std::map<std::string, std::string>& paths,
                     diag::Diagnostics& diagnostics) {
  std::map<std::string, std::string> id_owner;    // id -> source
  std::map<std::string, std::string> slug_owner;  // slug -> source
  for (auto& incident : incidents) {
    const std::string base_id = incident.id;
    const std::string base_slug = incident.slug;
    const bool id_taken = id_owner.count(base_id) > 0;
    const auto& origin = incident.provenance[model::Field::Id];
    const diag::SourceLocation where{display(paths, incident.source), std::max(origin.line, 1), 1};
    if (id_taken) {
      diagnostics.report(diag::Level::Error, where,
                         "incident id \"" + base_id + "\" is also used by " + display(paths, id_owner[base_id]) +
                             "; give each postmortem its own id (this one is published with a numbered id meanwhile)",
                         "duplicate-id");
    } else if (slug_owner.count(base_slug)) {
      diagnostics.report(diag::Level::Warning, where,
                         "page name \"" + base_slug + "\" is already used by " + display(paths, slug_owner[base_slug]) +
                             "; this page gets a numbered name. Rename one of the files or set `id:`",
                         "duplicate-slug");
    }
    for (int n = 2; id_owner.count(incident.id) || slug_owner.count(incident.slug); ++n) {
      if (id_taken) incident.id = base_id + "-" + std::to_string(n);
      incident.slug = base_slug + "-" + std::to_string(n);
    }
    id_owner[incident.id] = incident.source;
    slug_owner[incident.slug] = incident.source;
  }
}

std::vector<CauseMatch> causes_of(const model::Incident& incident, const model::Settings& settings) {
  std::vector<CauseMatch> inferred = classify_incident(incident, settings.taxonomy);
  std::vector<CauseMatch> declared;
  for (const auto& d : incident.declared_causes) {
    const model::Cause* cause = settings.taxonomy.find(d.id);
    if (!cause) continue;  // reported as unknown-cause by extraction
    declared.push_back({d.id, cause->title, "front matter `causes: " + d.id + "`", d.line, model::CauseSource::FrontMatter, 10.0});
  }
  if (incident.declared_causes_replace) return declared;
  for (auto& match : inferred) {
    const bool dup = std::any_of(declared.begin(), declared.end(), [&](const CauseMatch& c) { return c.id == match.id; });
    if (!dup) declared.push_back(std::move(match));
  }
  return declared;
}

class Relater {
 public:
  Relater(const std::vector<AnalyzedIncident>& entries, const RelatedLimits& limits) : entries_(entries), limits_(limits) {
    const std::size_t n = entries.size();
    guard_ = std::max(limits.min_shared_guard, static_cast<std::size_t>(std::floor(static_cast<double>(n) * limits.max_shared_fraction)));
    for (std::size_t i = 0; i < n; ++i) {
      for (const auto& cause : entries[i].causes) by_cause_[cause.id].push_back(i);
      for (const auto& service : entries[i].incident.services) by_service_[service].push_back(i);
    }
  }

  void add_similarity(std::size_t a, std::size_t b, double score) {
    if (score < limits_.min_similarity || a == b) return;
    similar_[a].emplace_back(b, score);
    similar_[b].emplace_back(a, score);
  }

  std::vector<RelatedIncident> related_to(std::size_t i) const {
    std::vector<RelatedIncident> out;
    std::set<std::size_t> taken{i};
    const double n = static_cast<double>(entries_.size());
    // Same cause: the rarest shared cause is the reason; rarer causes rank first.
    std::vector<RelatedIncident> same_cause;
    std::map<std::size_t, RelatedIncident> best_by_other;
    for (const auto& cause : entries_[i].causes) {
      const auto& group = by_cause_.at(cause.id);
      if (group.size() < 2 || group.size() > guard_) continue;
      const double rarity = std::log((n + 1) / static_cast<double>(group.size()));
      for (std::size_t other : group) {
        if (other == i) continue;
        RelatedIncident r{entries_[other].incident.id, RelationKind::SameCause, cause.id, rarity};
        auto [it, inserted] = best_by_other.emplace(other, r);
        if (!inserted && r.score > it->second.score) it->second = r;
      }
    }
    for (auto& [other, r] : best_by_other) same_cause.push_back(r);
    append(out, taken, std::move(same_cause), limits_.max_same_cause);

    std::vector<RelatedIncident> similar;
    if (auto it = similar_.find(i); it != similar_.end()) {
      for (const auto& [other, score] : it->second) similar.push_back({entries_[other].incident.id, RelationKind::Similar, "", score});
    }
    append(out, taken, std::move(similar), limits_.max_similar);

    std::vector<RelatedIncident> same_service;
    for (const auto& service : entries_[i].incident.services) {
      const auto& group = by_service_.at(service);
      if (group.size() < 2 || group.size() > guard_) continue;
      for (std::size_t other : group) {
        if (other != i) same_service.push_back({entries_[other].incident.id, RelationKind::SameService, service, 1.0 / static_cast<double>(group.size())});
      }
    }
    append(out, taken, std::move(same_service), limits_.max_same_service);
    if (out.size() > limits_.max_related) out.resize(limits_.max_related);
    return out;
  }

 private:
  void append(std::vector<RelatedIncident>& out, std::set<std::size_t>& taken, std::vector<RelatedIncident> candidates,
              std::size_t limit) const {
    std::sort(candidates.begin(), candidates.end(), [](const RelatedIncident& a, const RelatedIncident& b) {
      return a.score != b.score ? a.score > b.score : a.id < b.id;
    });
    std::size_t added = 0;
    for (auto& candidate : candidates) {
      const std::size_t index = index_of(candidate.id);
      if (added >= limit || !taken.insert(index).second) continue;
      out.push_back(std::move(candidate));
      ++added;
    }
  }

  std::size_t index_of(const std::string& id) const {
    if (index_.empty()) {
      for (std::size_t k = 0; k < entries_.size(); ++k) index_.emplace(entries_[k].incident.id, k);
    }
    return index_.at(id);
  }

  const std::vector<AnalyzedIncident>& entries_;
  const RelatedLimits& limits_;
  std::size_t guard_ = 0;
  std::map<std::string, std::vector<std::size_t>> by_cause_;
  std::map<std::string, std::vector<std::size_t>> by_service_;
  std::map<std::size_t, std::vector<std::pair<std::size_t, double>>> similar_;
  mutable std::unordered_map<std::string, std::size_t> index_;
};

bool newest_first(const AnalyzedIncident& a, const AnalyzedIncident& b) {
  const auto& da = a.incident.date;
  const auto& db = b.incident.date;
  if (da != db) {
    if (!da) return false;  // undated incidents last
    if (!db) return true;
    return *da > *db;
  }
  return a.incident.id < b.incident.id;
}

std::vector<model::CauseOccurrences> summarize_causes(const std::vector<AnalyzedIncident>& entries, const model::Taxonomy& taxonomy) {
  std::vector<model::CauseOccurrences> out;
  for (const model::Cause& cause : taxonomy.causes) {
    model::CauseOccurrences occurrences{cause.id, cause.title, cause.description, {}, std::nullopt, std::nullopt};
    // entries are newest first: walk backwards for oldest first.
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      const bool has = std::any_of(it->causes.begin(), it->causes.end(), [&](const CauseMatch& c) { return c.id == cause.id; });
      if (!has) continue;
      occurrences.incident_ids.push_back(it->incident.id);
      if (it->incident.date) {
        if (!occurrences.first_seen || *it->incident.date < *occurrences.first_seen) occurrences.first_seen = it->incident.date;
        if (!occurrences.last_seen || *it->incident.date > *occurrences.last_seen) occurrences.last_seen = it->incident.date;
      }
    }
    if (!occurrences.incident_ids.empty()) out.push_back(std::move(occurrences));
  }
  return out;
}

}  // namespace

model::Site analyze_library(std::vector<model::Incident> incidents, const model::Settings& settings,
                            const std::vector<model::Similarity>& similarities,
                            const std::map<std::string, std::string>& display_paths, diag::Diagnostics& diagnostics,
                            const RelatedLimits& limits) {
  make_ids_unique(incidents, display_paths, diagnostics);
  model::Site site;
  site.taxonomy = settings.taxonomy;
  site.incidents.reserve(incidents.size());
  for (auto& incident : incidents) {
    std::vector<CauseMatch> causes = causes_of(incident, settings);
    site.incidents.push_back({std::move(incident), std::move(causes), {}});
  }
  // Relate before sorting, while similarity indexes still point at the input order.
  Relater relater(site.incidents, limits);
  for (const auto& s : similarities) {
    if (s.a < site.incidents.size() && s.b < site.incidents.size()) relater.add_similarity(s.a, s.b, s.score);
  }
  std::vector<std::vector<RelatedIncident>> related(site.incidents.size());
  for (std::size_t i = 0; i < site.incidents.size(); ++i) related[i] = relater.related_to(i);
  for (std::size_t i = 0; i < site.incidents.size(); ++i) site.incidents[i].related = std::move(related[i]);
  std::sort(site.incidents.begin(), site.incidents.end(), newest_first);
  site.causes = summarize_causes(site.incidents, site.taxonomy);
  return site;
}

}  // namespace pmkb::analyze
