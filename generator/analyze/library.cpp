#include "analyze/library.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "parallel/parallel.h"

namespace pmkb::analyze {

using model::AnalyzedIncident;
using model::CauseMatch;
using model::RelatedIncident;
using model::RelationKind;

namespace {

bool has_cause(const AnalyzedIncident& entry, const std::string& id) {
  return std::any_of(entry.causes.begin(), entry.causes.end(), [&](const CauseMatch& c) { return c.id == id; });
}

/*** Related incidents ***/

class Relater {
 public:
  Relater(const std::vector<AnalyzedIncident>& entries, const std::vector<model::Similarity>& similarities,
          const RelatedLimits& limits)
      : entries_(entries), limits_(limits) {
    const std::size_t n = entries.size();
    guard_ = std::max(limits.min_shared_guard, static_cast<std::size_t>(std::floor(static_cast<double>(n) * limits.max_shared_fraction)));
    for (std::size_t i = 0; i < n; ++i) {
      for (const auto& cause : entries[i].causes) by_cause_[cause.id].push_back(i);
      for (const auto& service : entries[i].incident.services) by_service_[service].push_back(i);
    }
    // Groups ordered by incident id, so that ties break the same way whatever the input order.
    const auto by_id = [&](std::size_t a, std::size_t b) { return entries[a].incident.id < entries[b].incident.id; };
    for (auto& [cause, group] : by_cause_) std::sort(group.begin(), group.end(), by_id);
    for (auto& [service, group] : by_service_) std::sort(group.begin(), group.end(), by_id);
    for (const auto& s : similarities) {
      if (s.a >= n || s.b >= n || s.a == s.b) continue;
      neighbours_[s.a][s.b] = s.score;
      neighbours_[s.b][s.a] = s.score;
    }
  }

  std::vector<RelatedIncident> related_to(std::size_t i) const {
    std::vector<RelatedIncident> out;
    std::set<std::size_t> taken{i};
    append(out, taken, same_cause(i), limits_.max_same_cause);
    append(out, taken, similar(i), limits_.max_similar);
    append(out, taken, same_service(i), limits_.max_same_service);
    if (out.size() > limits_.max_related) out.resize(limits_.max_related);
    return out;
  }

 private:
  using Candidates = std::vector<std::pair<std::size_t, RelatedIncident>>;

  double similarity(std::size_t a, std::size_t b) const {
    auto it = neighbours_.find(a);
    if (it == neighbours_.end()) return 0.0;
    auto jt = it->second.find(b);
    return jt == it->second.end() ? 0.0 : jt->second;
  }

  // The rarest shared cause is the reason; rarer causes, then similar text, then id rank first.
  // Within one cause only similar incidents and the first few by id can make the list, so big
  // groups cost no more than small ones.
  Candidates same_cause(std::size_t i) const {
    const double n = static_cast<double>(entries_.size());
    std::map<std::size_t, RelatedIncident> best;
    const auto offer = [&](std::size_t other, const std::string& cause, double score) {
      RelatedIncident r{entries_[other].incident.id, RelationKind::SameCause, cause, score};
      auto [it, inserted] = best.emplace(other, r);
      if (!inserted && r.score > it->second.score) it->second = r;
    };
    for (const auto& cause : entries_[i].causes) {
      const auto& group = by_cause_.at(cause.id);
      if (group.size() < 2 || group.size() > guard_) continue;
      const double rarity = std::log((n + 1) / static_cast<double>(group.size()));
      if (auto it = neighbours_.find(i); it != neighbours_.end()) {
        for (const auto& [other, score] : it->second) {
          if (has_cause(entries_[other], cause.id)) offer(other, cause.id, rarity + score);
        }
      }
      std::size_t taken = 0;
      for (std::size_t other : group) {  // by id
        if (other == i) continue;
        offer(other, cause.id, rarity + similarity(i, other));
        if (++taken > limits_.max_same_cause) break;
      }
    }
    return Candidates(best.begin(), best.end());
  }

  Candidates similar(std::size_t i) const {
    Candidates out;
    if (auto it = neighbours_.find(i); it != neighbours_.end()) {
      for (const auto& [other, score] : it->second) {
        if (score >= limits_.min_similarity) out.push_back({other, {entries_[other].incident.id, RelationKind::Similar, "", score}});
      }
    }
    return out;
  }

  Candidates same_service(std::size_t i) const {
    Candidates out;
    for (const auto& service : entries_[i].incident.services) {
      const auto& group = by_service_.at(service);
      if (group.size() < 2 || group.size() > guard_) continue;
      std::size_t taken = 0;
      for (std::size_t other : group) {  // by id
        if (other == i) continue;
        out.push_back({other, {entries_[other].incident.id, RelationKind::SameService, service, 1.0 / static_cast<double>(group.size())}});
        if (++taken > limits_.max_same_service) break;
      }
    }
    return out;
  }

  static void append(std::vector<RelatedIncident>& out, std::set<std::size_t>& taken, Candidates candidates, std::size_t limit) {
    std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
      return a.second.score != b.second.score ? a.second.score > b.second.score : a.second.id < b.second.id;
    });
    std::size_t added = 0;
    for (auto& [index, related] : candidates) {
      if (added >= limit || !taken.insert(index).second) continue;
      out.push_back(std::move(related));
      ++added;
    }
  }

  const std::vector<AnalyzedIncident>& entries_;
  const RelatedLimits& limits_;
  std::size_t guard_ = 0;
  std::map<std::string, std::vector<std::size_t>> by_cause_;
  std::map<std::string, std::vector<std::size_t>> by_service_;
  std::unordered_map<std::size_t, std::map<std::size_t, double>> neighbours_;
};

/*** Recurrence ***/

bool newest_first(const model::Incident& a, const model::Incident& b) {
  const auto& da = a.date;
  const auto& db = b.date;
  if (da != db) {
    if (!da) return false;  // undated incidents last
    if (!db) return true;
    return *da > *db;
  }
  return a.id < b.id;
}

bool all_done(const model::Incident& incident) {
  return !incident.action_items.empty() &&
         std::all_of(incident.action_items.begin(), incident.action_items.end(),
                     [](const model::ActionItem& a) { return a.status == model::ActionStatus::Done; });
}

// Open actions of earlier incidents with the same cause, and causes that recurred although an
// earlier incident's actions were all done: one pass per cause over its incidents, oldest first.
// `entries` are newest first; only dated incidents have an "earlier".
void link_earlier_incidents(std::vector<AnalyzedIncident>& entries) {
  constexpr std::size_t kListed = 20;
  struct Occurrence {
    std::size_t incident = 0;  // index into `entries`
    std::size_t cause = 0;     // index into its causes
  };
  std::map<std::string_view, std::vector<Occurrence>> by_cause;  // cause -> dated incidents, oldest first
  for (std::size_t i = entries.size(); i-- > 0;) {
    if (!entries[i].incident.date) continue;
    for (std::size_t c = 0; c < entries[i].causes.size(); ++c) by_cause[entries[i].causes[c].id].push_back({i, c});
  }
  for (const auto& [cause, group] : by_cause) {
    std::vector<model::EarlierAction> open;  // oldest first
    bool fixed_before = false;
    std::size_t k = 0;
    while (k < group.size()) {
      // Incidents on the same day are not earlier than each other.
      const auto& day = entries[group[k].incident].incident.date;
      std::size_t end = k;
      while (end < group.size() && entries[group[end].incident].incident.date == day) ++end;
      for (std::size_t m = k; m < end; ++m) {
        auto& entry = entries[group[m].incident];
        if (fixed_before) entry.recurred_after_fixes.emplace_back(cause);
        entry.earlier_open_total += open.size();
        for (std::size_t a = open.size(); a-- > 0 && entry.earlier_open_actions.size() < kListed;) {
          entry.earlier_open_actions.push_back(open[a]);
        }
      }
      for (std::size_t m = k; m < end; ++m) {
        const auto& incident = entries[group[m].incident].incident;
        fixed_before = fixed_before || all_done(incident);
        for (std::size_t a = 0; a < incident.action_items.size(); ++a) {
          if (incident.action_items[a].status == model::ActionStatus::Open) open.push_back({group[m].incident, group[m].cause, a});
        }
      }
      k = end;
    }
  }
  for (auto& entry : entries) std::sort(entry.recurred_after_fixes.begin(), entry.recurred_after_fixes.end());
}

std::vector<model::CauseOccurrences> summarize_causes(const std::vector<AnalyzedIncident>& entries, const model::Taxonomy& taxonomy) {
  std::vector<model::CauseOccurrences> out;
  for (const model::Cause& cause : taxonomy.causes) {
    model::CauseOccurrences occurrences{cause.id, cause.title, cause.description, {}, std::nullopt, std::nullopt, {}, {}, 0, 0};
    std::set<std::string> services;
    std::optional<model::CivilDate> previous;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {  // oldest first
      if (!has_cause(*it, cause.id)) continue;
      occurrences.incident_ids.push_back(it->incident.id);
      services.insert(it->incident.services.begin(), it->incident.services.end());
      for (const auto& action : it->incident.action_items) {
        if (action.status == model::ActionStatus::Open) ++occurrences.open_actions;
        if (action.status == model::ActionStatus::Done) ++occurrences.done_actions;
      }
      if (!it->incident.date) continue;
      if (!occurrences.first_seen) occurrences.first_seen = it->incident.date;
      occurrences.last_seen = it->incident.date;
      if (previous) {
        occurrences.intervals_days.push_back(static_cast<int>(model::days_from_civil(*it->incident.date) - model::days_from_civil(*previous)));
      }
      previous = it->incident.date;
    }
    occurrences.services.assign(services.begin(), services.end());
    if (!occurrences.incident_ids.empty()) out.push_back(std::move(occurrences));
  }
  return out;
}

}  // namespace

std::vector<model::Incident> assign_unique_ids(std::vector<model::Incident> incidents, diag::Diagnostics& diagnostics) {
  std::map<std::string, std::string> id_owner;    // id -> source
  std::map<std::string, std::string> slug_owner;  // slug -> source
  for (auto& incident : incidents) {
    const std::string base_id = incident.id;
    const std::string base_slug = incident.slug;
    const bool id_taken = id_owner.count(base_id) > 0;
    const auto& origin = incident.provenance[model::Field::Id];
    const diag::SourceLocation where{incident.source, std::max(origin.line, 1), 1};
    if (id_taken) {
      diagnostics.report(diag::Level::Error, where,
                         "incident id \"" + base_id + "\" is also used by " + id_owner[base_id] +
                             "; give each postmortem its own id (this one is published with a numbered id meanwhile)",
                         "duplicate-id");
    } else if (slug_owner.count(base_slug)) {
      diagnostics.report(diag::Level::Warning, where,
                         "page name \"" + base_slug + "\" is already used by " + slug_owner[base_slug] +
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
  return incidents;
}

namespace {

// The site's order of `incidents`: position in the site -> index in `incidents`.
std::vector<std::size_t> newest_first_order(const std::vector<model::Incident>& incidents) {
  std::vector<std::size_t> order(incidents.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return newest_first(incidents[a], incidents[b]); });
  return order;
}

model::Site assemble_in_order(std::vector<model::Incident> incidents, std::vector<std::vector<CauseMatch>> causes,
                              const std::vector<std::size_t>& order, const model::Taxonomy& taxonomy) {
  model::Site site;
  site.taxonomy = taxonomy;
  site.incidents.reserve(incidents.size());
  for (std::size_t i : order) {
    AnalyzedIncident entry;
    entry.incident = std::move(incidents[i]);
    entry.incident.passages = {};  // the classifier's input, needed by no later stage
    if (i < causes.size()) entry.causes = std::move(causes[i]);
    site.incidents.push_back(std::move(entry));
  }
  for (std::size_t i = 0; i < site.incidents.size(); ++i) {
    site.by_id[site.incidents[i].incident.id] = i;
    site.by_source[site.incidents[i].incident.source] = i;
  }
  link_earlier_incidents(site.incidents);
  site.causes = summarize_causes(site.incidents, site.taxonomy);
  return site;
}

}  // namespace

model::Site assemble_site(std::vector<model::Incident> incidents, std::vector<std::vector<CauseMatch>> causes,
                          const model::Taxonomy& taxonomy) {
  const std::vector<std::size_t> order = newest_first_order(incidents);
  return assemble_in_order(std::move(incidents), std::move(causes), order, taxonomy);
}

void relate_site(model::Site& site, const std::vector<model::Similarity>& similarities, std::vector<model::Theme> themes,
                 const RelatedLimits& limits, unsigned jobs) {
  const Relater relater(site.incidents, similarities, limits);  // reads no incident's `related`
  parallel::for_each_index(site.incidents.size(), jobs, [&](std::size_t i) { site.incidents[i].related = relater.related_to(i); });
  site.themes = std::move(themes);
}

model::Site analyze_library(std::vector<model::Incident> incidents, std::vector<std::vector<CauseMatch>> causes,
                            const std::vector<model::Similarity>& similarities, std::vector<model::Theme> themes,
                            const model::Taxonomy& taxonomy, const RelatedLimits& limits) {
  const std::vector<std::size_t> order = newest_first_order(incidents);
  std::vector<std::size_t> position(order.size());  // index in `incidents` -> position in the site
  for (std::size_t p = 0; p < order.size(); ++p) position[order[p]] = p;
  std::vector<model::Similarity> in_site_order;
  for (const auto& s : similarities) {
    if (s.a < position.size() && s.b < position.size()) in_site_order.push_back({position[s.a], position[s.b], s.score});
  }
  model::Site site = assemble_in_order(std::move(incidents), std::move(causes), order, taxonomy);
  relate_site(site, in_site_order, std::move(themes), limits);
  return site;
}

}  // namespace pmkb::analyze
