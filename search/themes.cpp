#include "search/themes.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "search/document_text.h"
#include "search/gist_database.h"

namespace pmkb::search {

namespace {

// A term a reader can take in: a word of three letters or more that is not a stop word or a
// number (nor a prefixed term, such as kLeftOutTerm).
bool is_readable(const std::string& term) {
  if (term.size() < 3 || std::isupper(static_cast<unsigned char>(term[0]))) return false;
  if (std::any_of(term.begin(), term.end(), [](unsigned char c) { return std::isdigit(c); })) return false;
  const auto& stop = stopwords();
  return std::find(stop.begin(), stop.end(), term) == stop.end();
}

class ReadableTerms : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override { return is_readable(term); }
};

std::vector<std::string> top_terms(const Xapian::Database& db, const std::vector<std::size_t>& members) {
  Xapian::RSet rset;
  for (std::size_t m : members) rset.add_document(static_cast<Xapian::docid>(m + 1));
  Xapian::Enquire enquire(db);
  const ReadableTerms decider;
  const Xapian::ESet eset = enquire.get_eset(5, rset, &decider);
  std::vector<std::string> terms(eset.begin(), eset.end());
  return terms;
}

}  // namespace

std::vector<model::Theme> find_themes(const std::vector<model::AnalyzedIncident>& incidents,
                                      const std::vector<model::Similarity>& similarities, unsigned jobs, double floor) {
  const auto explained = [&](std::size_t i) { return !incidents[i].causes.empty(); };
  std::map<std::size_t, std::map<std::size_t, double>> neighbours;
  for (const auto& s : similarities) {
    if (s.score < floor || s.a >= incidents.size() || s.b >= incidents.size() || explained(s.a) || explained(s.b)) continue;
    neighbours[s.a][s.b] = s.score;
    neighbours[s.b][s.a] = s.score;
  }
  if (neighbours.empty()) return {};

  // Words as written, so that the top terms read as words. Only the readable words of the
  // incidents that may join a theme are kept: top_terms() weighs no other, and their weights
  // are the same as in a database of every word (gist_database.h), for a fraction of the
  // postings.
  KeptTerms kept;
  kept.of_documents.assign(incidents.size(), false);
  kept.wanted = is_readable;
  for (const auto& [index, others] : neighbours) kept.of_documents[index] = true;
  const Xapian::WritableDatabase db = gist_database(incidents, GistWords::AsWritten, jobs, kept);

  // Seeds by most free neighbours (those in no theme yet), then by index: kept in a set ordered
  // that way and updated as incidents are assigned, so that taking each seed costs a lookup,
  // not a pass over every incident (which made themes quadratic in a large library).
  std::vector<std::size_t> free(incidents.size(), 0);
  const auto before = [](const std::pair<std::size_t, std::size_t>& a, const std::pair<std::size_t, std::size_t>& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  std::set<std::pair<std::size_t, std::size_t>, decltype(before)> by_free(before);  // (free, index)
  const auto rank = [&](std::size_t index) { return std::pair{free[index], index}; };
  for (const auto& [index, others] : neighbours) {
    free[index] = others.size();
    by_free.insert(rank(index));
  }
  std::vector<char> assigned(incidents.size(), 0);
  std::vector<model::Theme> themes;
  while (!by_free.empty() && by_free.begin()->first > 0) {
    const std::size_t seed = by_free.begin()->second;
    std::vector<std::size_t> members{seed};
    double total = 0;
    for (const auto& [other, score] : neighbours[seed]) {
      if (assigned[other]) continue;
      members.push_back(other);
      total += score;
    }
    for (std::size_t m : members) {
      by_free.erase(rank(m));
      assigned[m] = 1;
    }
    for (std::size_t m : members) {
      for (const auto& [other, score] : neighbours[m]) {
        if (assigned[other]) continue;
        by_free.erase(rank(other));
        --free[other];
        by_free.insert(rank(other));
      }
    }
    model::Theme theme;
    for (std::size_t m : members) theme.incident_ids.push_back(incidents[m].incident.id);
    std::sort(theme.incident_ids.begin(), theme.incident_ids.end());
    theme.top_terms = top_terms(db, members);
    theme.similarity = total / static_cast<double>(members.size() - 1);
    themes.push_back(std::move(theme));
  }
  std::stable_sort(themes.begin(), themes.end(), [](const model::Theme& a, const model::Theme& b) {
    if (a.incident_ids.size() != b.incident_ids.size()) return a.incident_ids.size() > b.incident_ids.size();
    if (a.similarity != b.similarity) return a.similarity > b.similarity;
    return a.incident_ids < b.incident_ids;
  });
  return themes;
}

}  // namespace pmkb::search
