#include "analyze/classifier.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <unordered_map>

#include "parallel/parallel.h"
#include "text/text.h"

namespace pmkb::analyze {

using model::SectionKind;

namespace {

bool word_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return text::is_ascii_alnum(u) || u >= 0x80 || c == '\'' || c == '%' || c == '_';
}

// Lower case, with typographic apostrophes made plain (one pass: a word made of 100,000 of
// them stays linear).
std::string lowered_for_words(std::string_view text) {
  std::string lower = text::to_lower(text);
  if (lower.find("\xE2\x80\x99") == std::string::npos) return lower;
  std::string plain;
  plain.reserve(lower.size());
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (lower.compare(i, 3, "\xE2\x80\x99") == 0) {
      plain += '\'';
      i += 2;
    } else {
      plain += lower[i];
    }
  }
  return plain;
}

// The words of `lower` (from lowered_for_words), as views into it, in `words` (cleared first);
// '-', '.', '/' inside a word are kept ("x.509", "re-shard", "dump.rdb").
void words_in(std::string_view lower, std::vector<std::string_view>& words) {
  words.clear();
  std::size_t start = 0;
  std::size_t length = 0;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    const char c = lower[i];
    const bool inner = (c == '-' || c == '.' || c == '/') && length > 0 && i + 1 < lower.size() && word_char(lower[i + 1]);
    if (word_char(c) || inner) {
      if (length++ == 0) start = i;
    } else if (length > 0) {
      words.push_back(lower.substr(start, length));
      length = 0;
    }
  }
  if (length > 0) words.push_back(lower.substr(start, length));
}

std::vector<std::string> words_of(std::string_view text) {
  const std::string lower = lowered_for_words(text);
  std::vector<std::string_view> views;
  words_in(lower, views);
  return {views.begin(), views.end()};
}

// True when `text` holds kana or CJK ideographs (U+3040..U+30FF, U+3400..U+9FFF): scripts
// written without spaces, where a "word" is a whole clause.
bool has_unspaced_script(std::string_view text) {
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    if (b0 == 0xE3 && b1 >= 0x81 && b1 <= 0x83) return true;  // hiragana, katakana
    if (b0 >= 0xE3 && b0 <= 0xE9 && !(b0 == 0xE3 && b1 < 0x90)) return true;  // CJK ideographs
  }
  return false;
}

bool word_matches(const std::string& pattern, std::string_view word) {
  const bool prefix = !pattern.empty() && pattern.back() == '*';
  const std::string_view head = prefix ? std::string_view(pattern).substr(0, pattern.size() - 1) : std::string_view(pattern);
  if (!head.empty() && (word.empty() || word[0] != head[0])) return false;  // most words differ at once
  return prefix ? word.starts_with(head) : word == head;
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
// The alternatives (indexes) that start with one word or prefix, split by what follows it, so
// that a common first word ("the", "not") does not try each of its many phrases in turn.
struct Candidates {
  std::vector<std::size_t> any;                                 // one word long, or a prefix next
  std::vector<std::pair<std::string, std::size_t>> by_second;  // an exact second word; sorted
};
using WordTable = std::unordered_map<std::string, Candidates, StringHash, std::equal_to<>>;

// The taxonomy's rules, compiled once: every alternative phrase is indexed by its first word
// (exact words in one table, prefixes such as "misconfig*" in another), so that a sentence
// only looks up its own words instead of testing every rule.
struct Alternative {
  std::vector<std::string> words;  // patterns; a trailing '*' is a prefix
  std::size_t term = 0;            // index into CompiledTaxonomy::terms
};

struct Term {
  std::size_t rule = 0;
  bool negated = false;
};

// The first two bytes of a word, as an index into 65,536 entries.
std::size_t two_byte_lead(std::string_view word) {
  return static_cast<std::size_t>(static_cast<unsigned char>(word[0])) << 8 | static_cast<unsigned char>(word[1]);
}

// The first three bytes of a word (two when it has only two), hashed to an index into 65,536
// entries: words that start alike share an entry, and a few others do too, which only lets
// more words through the filter below.
std::size_t lead_of(std::string_view word) {
  std::uint32_t lead = static_cast<std::uint32_t>(two_byte_lead(word));
  if (word.size() >= 3) lead = (lead << 8 | static_cast<unsigned char>(word[2])) | std::uint32_t{1} << 24;
  return (lead * 2654435761u) >> 16;
}

// Filters in front of the word tables, so that most words of a sentence are ruled out without
// being hashed. Exact words: for each lead (lead_of), the lengths of the keys with it (31
// standing for 31 or more; one-byte keys apart). Prefixes: for each lead, the lengths of the
// prefixes with it, so that a word is looked up at those lengths only; two-byte prefixes by
// their two bytes. A prefix shorter than two bytes or longer than 31 is tried on every word.
class LeadFilter {
 public:
  LeadFilter() : exact_lengths_(65536, 0), prefix_lengths_(65536, 0), two_byte_prefixes_(65536, false) {}

  void add_exact(std::string_view key) {
    if (key.size() == 1) one_byte_.push_back(key[0]);
    else if (key.size() >= 2) exact_lengths_[lead_of(key)] |= length_bit(key.size());
  }
  void add_prefix(std::string_view prefix) {
    if (prefix.size() < 2 || prefix.size() > 31) always_.push_back(prefix.size());
    else if (prefix.size() == 2) two_byte_prefixes_[two_byte_lead(prefix)] = true;
    else prefix_lengths_[lead_of(prefix)] |= std::uint32_t{1} << prefix.size();
  }
  void finish() {
    std::sort(always_.begin(), always_.end());
    always_.erase(std::unique(always_.begin(), always_.end()), always_.end());
  }

  bool may_be_exact(std::string_view word) const {
    if (word.size() == 1) return std::find(one_byte_.begin(), one_byte_.end(), word[0]) != one_byte_.end();
    return word.size() >= 2 && (exact_lengths_[lead_of(word)] & length_bit(word.size())) != 0;
  }
  // Calls try_length(n) for each prefix length n, at most the word's size, worth a lookup.
  template <class Try>
  void prefix_lengths(std::string_view word, Try&& try_length) const {
    for (std::size_t length : always_) {
      if (length <= word.size()) try_length(length);
    }
    if (word.size() < 2) return;
    if (two_byte_prefixes_[two_byte_lead(word)]) try_length(2);
    if (word.size() < 3) return;
    for (std::uint32_t mask = prefix_lengths_[lead_of(word)]; mask != 0; mask &= mask - 1) {
      const auto length = static_cast<std::size_t>(__builtin_ctz(mask));
      if (length > word.size()) break;
      try_length(length);
    }
  }

 private:
  static std::uint32_t length_bit(std::size_t length) { return std::uint32_t{1} << std::min<std::size_t>(length, 31); }

  std::vector<std::uint32_t> exact_lengths_;
  std::vector<char> one_byte_;
  std::vector<std::uint32_t> prefix_lengths_;
  std::vector<bool> two_byte_prefixes_;
  std::vector<std::size_t> always_;
};

struct Rule {
  std::size_t cause = 0;
  std::size_t required = 0;  // terms that must match
};

class CompiledTaxonomy {
 public:
  explicit CompiledTaxonomy(const model::Taxonomy& taxonomy) {
    for (std::size_t c = 0; c < taxonomy.causes.size(); ++c) {
      for (const auto& rule : taxonomy.causes[c].rules) {
        const std::size_t r = rules_.size();
        rules_.push_back({c, rule.all_of.size()});
        add_terms(rule.all_of, r, false);
        add_terms(rule.none_of, r, true);
      }
    }
    for (WordTable* table : {&exact_, &prefix_}) {
      for (auto& [first, candidates] : *table) std::sort(candidates.by_second.begin(), candidates.by_second.end());
    }
    leads_.finish();
  }

  // The causes (indexes into the taxonomy) that some rule finds in a sentence, given lowered
  // by lowered_for_words; `words` is scratch space, reused from call to call.
  std::vector<std::size_t> causes_in(std::string_view lower, std::vector<std::string_view>& words) const {
    words_in(lower, words);
    std::vector<std::size_t> hit_terms;  // few: most sentences match nothing
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string_view word = words[i];
      if (leads_.may_be_exact(word)) {
        if (auto it = exact_.find(word); it != exact_.end()) check(it->second, words, i, hit_terms);
      }
      // A phrase in kana or kanji can stand anywhere inside such a clause.
      if (!unspaced_.empty() && has_unspaced_script(word)) {
        for (const auto& [phrase, term] : unspaced_) {
          if (word.find(phrase) != std::string_view::npos &&
              std::find(hit_terms.begin(), hit_terms.end(), term) == hit_terms.end()) {
            hit_terms.push_back(term);
          }
        }
      }
      // Only the lengths some prefix rule has: a 10 MB "word" costs no more than a short one.
      leads_.prefix_lengths(word, [&](std::size_t length) {
        if (auto it = prefix_.find(word.substr(0, length)); it != prefix_.end()) check(it->second, words, i, hit_terms);
      });
    }
    if (hit_terms.empty()) return {};
    std::vector<std::size_t> required(rules_.size(), 0);
    std::vector<bool> vetoed(rules_.size(), false);
    for (std::size_t t : hit_terms) {
      if (terms_[t].negated) vetoed[terms_[t].rule] = true;
      else ++required[terms_[t].rule];
    }
    std::vector<std::size_t> causes;
    for (std::size_t t : hit_terms) {
      const std::size_t r = terms_[t].rule;
      if (!vetoed[r] && required[r] == rules_[r].required && rules_[r].required > 0) causes.push_back(rules_[r].cause);
    }
    std::sort(causes.begin(), causes.end());
    causes.erase(std::unique(causes.begin(), causes.end()), causes.end());
    return causes;
  }

 private:
  void add_terms(const std::vector<std::vector<std::string>>& terms, std::size_t rule, bool negated) {
    for (const auto& alternatives : terms) {
      const std::size_t term = terms_.size();
      terms_.push_back({rule, negated});
      for (const auto& alternative : alternatives) {
        Alternative alt{{}, term};
        for (const auto& part : text::split(alternative, ' ')) {
          if (part.empty()) continue;
          const bool prefix = part.back() == '*';
          auto tokens = words_of(prefix ? std::string_view(part).substr(0, part.size() - 1) : std::string_view(part));
          for (std::size_t k = 0; k < tokens.size(); ++k) alt.words.push_back(tokens[k] + (prefix && k + 1 == tokens.size() ? "*" : ""));
        }
        if (alt.words.empty()) continue;
        if (alt.words.size() == 1 && alt.words.front().back() != '*' && has_unspaced_script(alt.words.front())) {
          unspaced_.emplace_back(alt.words.front(), term);
          continue;
        }
        const std::string& first = alt.words.front();
        const std::size_t index = alternatives_.size();
        alternatives_.push_back(std::move(alt));
        if (first.back() == '*') {
          add_candidate(prefix_[first.substr(0, first.size() - 1)], index);
          leads_.add_prefix(std::string_view(first).substr(0, first.size() - 1));
        } else {
          add_candidate(exact_[first], index);
          leads_.add_exact(first);
        }
      }
    }
  }

  void add_candidate(Candidates& candidates, std::size_t index) const {
    const Alternative& alt = alternatives_[index];
    if (alt.words.size() >= 2 && alt.words[1].back() != '*') candidates.by_second.emplace_back(alt.words[1], index);
    else candidates.any.push_back(index);
  }

  // Records the terms of the alternatives whose whole phrase starts at words[at].
  void check(const Candidates& candidates, const std::vector<std::string_view>& words, std::size_t at,
             std::vector<std::size_t>& hit_terms) const {
    const auto try_alternative = [&](std::size_t index) {
      const Alternative& alt = alternatives_[index];
      if (at + alt.words.size() > words.size()) return;
      if (std::find(hit_terms.begin(), hit_terms.end(), alt.term) != hit_terms.end()) return;
      bool all = true;
      for (std::size_t k = 1; k < alt.words.size() && all; ++k) all = word_matches(alt.words[k], words[at + k]);
      if (all) hit_terms.push_back(alt.term);
    };
    for (std::size_t index : candidates.any) try_alternative(index);
    if (at + 1 >= words.size() || candidates.by_second.empty()) return;
    const std::string_view second = words[at + 1];
    const auto by_word = [](const auto& entry, std::string_view word) { return std::string_view(entry.first) < word; };
    for (auto it = std::lower_bound(candidates.by_second.begin(), candidates.by_second.end(), second, by_word);
         it != candidates.by_second.end() && it->first == second; ++it) {
      try_alternative(it->second);
    }
  }

  std::vector<Rule> rules_;
  std::vector<Term> terms_;
  std::vector<Alternative> alternatives_;
  WordTable exact_;
  WordTable prefix_;
  LeadFilter leads_;
  std::vector<std::pair<std::string, std::size_t>> unspaced_;  // (kana/kanji phrase, term): substring match
};

bool is_hedged(std::string_view lower) {
  for (std::string_view cue : {"suspect", "we assumed", "assumption", "was assumed", "initially thought", "first thought", "we thought", "ruled out", "rule out",
                               "not the cause", "was not the", "wasn't the", "were not the", "misleading", "red herring",
                               "no evidence", "unrelated", "rather than", "instead of", "not caused by", "hypothes",
                               "might have been", "may have been", "could have been", "seems", "seemed", "presume", "thought to be", "is thought", "was thought", "haven't identified", "have not identified",
                               "not yet identified", "not been identified", "checked for", "investigated whether",
                               "did not resolve", "didn't resolve"}) {
    if (lower.find(cue) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

bool states_cause(std::string_view lower) {
  for (std::string_view cue : {"root cause", "root-cause", "the cause of", "the cause was", "was the cause", "were the cause",
                               "primary cause", "main cause", "underlying cause", "caused", "due to", "because", "as a result of", "resulted from", "stemmed from",
                               "was triggered by", "were triggered by", "traced to", "traced back to", "ursache", "aufgrund",
                               "zurückzuführen", "verursacht", "hängt mit", "grund ist", "grund war", "grund dafür", "原因", "durch eine", "durch einen"}) {
    if (lower.find(cue) != std::string_view::npos) return true;
  }
  return false;
}

namespace {

// `has_cause_sections`: whether the document names its root cause, contributing factors or
// trigger. A document that does not tells its cause in its other text, which then counts more.
double region_weight(const model::Passage& passage, const ClassifierWeights& w, bool has_cause_sections) {
  if (passage.is_title) return w.summary;
  if (!has_cause_sections && (passage.section == SectionKind::Other || passage.section == SectionKind::Impact ||
                              passage.section == SectionKind::Resolution)) {
    return w.other_sections;
  }
  switch (passage.section) {
    case SectionKind::RootCause:
    case SectionKind::ContributingFactors:
    case SectionKind::Trigger: return w.cause_sections;
    case SectionKind::Summary: return w.summary;
    case SectionKind::Impact:
    case SectionKind::Detection:
    case SectionKind::Resolution:
    case SectionKind::Lessons: return w.other_sections;
    case SectionKind::Timeline: return w.timeline;
    case SectionKind::ActionItems:
    case SectionKind::Other: return w.body;
  }
  return w.body;
}

// Splits a passage into sentences at ". ", "; ", "! ", "? " and line breaks.
std::vector<std::string_view> sentences_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool end = c == '\n' || ((c == '.' || c == ';' || c == '!' || c == '?') && (i + 1 == text.size() || text[i + 1] == ' '));
    if (end) {
      if (i > start) out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

struct Evidence {
  double score = 0;
  double best = 0;
  std::string sentence;
  int line = 0;
};

}  // namespace

bool rule_matches(const model::MatchRule& rule, std::string_view sentence) {
  model::Taxonomy one;
  one.causes.push_back({"rule", "rule", "", "", {rule}});
  std::vector<std::string_view> words;
  return !CompiledTaxonomy(one).causes_in(lowered_for_words(sentence), words).empty();
}

namespace {

std::vector<model::CauseMatch> classify_with(const model::Incident& incident, const model::Taxonomy& taxonomy,
                                             const CompiledTaxonomy& compiled, const ClassifierWeights& weights) {
  std::map<std::string, Evidence> evidence;
  const bool has_cause_sections = std::any_of(incident.passages.begin(), incident.passages.end(), [](const model::Passage& p) {
    return p.section == SectionKind::RootCause || p.section == SectionKind::ContributingFactors || p.section == SectionKind::Trigger;
  });
  std::vector<std::string_view> words;  // scratch for causes_in
  for (const model::Passage& passage : incident.passages) {
    const double base = region_weight(passage, weights, has_cause_sections);
    int line = passage.line;
    std::size_t next_line = 0;  // sentences come in order of their offsets
    // Lowered once for the whole passage: to_lower keeps every byte in place, so a sentence is
    // the same range of it, unless typographic apostrophes (made plain) shortened it.
    const std::string lowered = lowered_for_words(passage.text);
    const bool aligned = lowered.size() == passage.text.size();
    for (std::string_view sentence : sentences_of(passage.text)) {
      const std::size_t offset = static_cast<std::size_t>(sentence.data() - passage.text.data());
      while (next_line < passage.line_starts.size() && passage.line_starts[next_line].first <= offset) {
        line = passage.line_starts[next_line++].second;
      }
      const std::string own = aligned ? std::string() : lowered_for_words(sentence);
      const std::string_view lower = aligned ? std::string_view(lowered).substr(offset, sentence.size()) : std::string_view(own);
      const std::vector<std::size_t> found = compiled.causes_in(lower, words);
      if (found.empty()) continue;
      double weight = base;
      if (is_hedged(lower)) {
        weight *= weights.hedged;
      } else if (states_cause(lower)) {
        // A timeline entry that gives a cause is still a moment's account, not the analysis.
        const double stated = passage.section == SectionKind::Timeline ? weights.summary : weights.cause_sections;
        weight = has_cause_sections ? std::max(base, std::min(base * weights.causal, weights.summary)) : std::max(base, stated);
      }
      for (std::size_t c : found) {
        const model::Cause& cause = taxonomy.causes[c];
        Evidence& e = evidence[cause.id];
        e.score = std::min(weights.cap, e.score + weight);
        if (weight > e.best) {
          e.best = weight;
          e.sentence = text::truncate_utf8(text::collapse_whitespace(sentence), 200);
          e.line = line;
        }
      }
    }
  }
  std::vector<model::CauseMatch> matches;
  const auto assigned = [&](const std::string& id) {
    auto it = evidence.find(id);
    return it != evidence.end() && it->second.score >= weights.threshold;
  };
  for (const auto& [id, e] : evidence) {
    if (e.score < weights.threshold) continue;
    // A more specific cause replaces its parent ("replication-misconfig" over "config-change").
    const bool child_found = std::any_of(taxonomy.causes.begin(), taxonomy.causes.end(), [&, &parent = id](const model::Cause& c) {
      return c.parent == parent && assigned(c.id);
    });
    if (child_found) continue;
    const model::Cause* cause = taxonomy.find(id);
    matches.push_back({id, cause ? cause->title : id, e.sentence, e.line, model::CauseSource::Inferred, e.score});
  }
  std::sort(matches.begin(), matches.end(), [](const model::CauseMatch& a, const model::CauseMatch& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  return matches;
}

bool is_related_cause(const model::Taxonomy& taxonomy, const std::string& a, const std::string& b) {
  if (a == b) return true;
  const model::Cause* ca = taxonomy.find(a);
  const model::Cause* cb = taxonomy.find(b);
  return (ca && ca->parent == b) || (cb && cb->parent == a);
}

std::vector<model::CauseMatch> causes_of(const model::Incident& incident, const model::Settings& settings,
                                         const CompiledTaxonomy& compiled, diag::Diagnostics& diagnostics) {
  std::vector<model::CauseMatch> inferred = classify_with(incident, settings.taxonomy, compiled, {});
  std::vector<model::CauseMatch> declared;
  for (const auto& d : incident.declared_causes) {
    const model::Cause* cause = settings.taxonomy.find(d.id);
    if (!cause) continue;  // reported as unknown-cause by extraction
    declared.push_back({d.id, cause->title, "front matter `causes: " + d.id + "`", d.line, model::CauseSource::FrontMatter, 10.0});
  }
  if (!declared.empty()) {
    // Strong evidence (a root-cause sentence) for a cause the front matter does not name.
    constexpr double kStrong = 3.0;
    for (const auto& match : inferred) {
      const bool named = std::any_of(declared.begin(), declared.end(),
                                     [&](const auto& d) { return is_related_cause(settings.taxonomy, d.id, match.id); });
      if (!named && match.score >= kStrong) {
        diagnostics.report(diag::Level::Warning, {incident.source, match.line, 1},
                           "front matter names causes " + [&] {
                             std::string ids;
                             for (const auto& d : declared) ids += (ids.empty() ? "" : ", ") + d.id;
                             return ids;
                           }() + ", but this reads like " + match.id + ": \"" + match.evidence + "\"; add it to `causes:` or reword",
                           "cause-conflict");
        break;
      }
    }
  }
  if (incident.declared_causes_replace) return declared;
  for (auto& match : inferred) {
    const bool duplicate = std::any_of(declared.begin(), declared.end(), [&](const auto& c) { return c.id == match.id; });
    if (!duplicate) declared.push_back(std::move(match));
  }
  return declared;
}

}  // namespace

std::vector<model::CauseMatch> classify_incident(const model::Incident& incident, const model::Taxonomy& taxonomy,
                                                 const ClassifierWeights& weights) {
  return classify_with(incident, taxonomy, CompiledTaxonomy(taxonomy), weights);
}

struct Classifier::Compiled {
  CompiledTaxonomy taxonomy;
};

Classifier::Classifier(const model::Settings& settings)
    : settings_(settings), compiled_(std::make_unique<const Compiled>(Compiled{CompiledTaxonomy(settings.taxonomy)})) {}

Classifier::~Classifier() = default;

std::vector<model::CauseMatch> Classifier::classify(const model::Incident& incident, diag::Diagnostics& diagnostics) const {
  std::vector<model::CauseMatch> causes = causes_of(incident, settings_, compiled_->taxonomy, diagnostics);
  if (causes.empty()) {
    const auto it = incident.provenance.find(model::Field::RootCause);
    const int line = it != incident.provenance.end() ? it->second.line : 1;
    diagnostics.report(diag::Level::Info, {incident.source, line, 1},
                       "no cause from the taxonomy matched; name one with `causes:` in the front matter, or add a rule "
                       "under `taxonomy:` in pmkb.yaml",
                       "no-cause");
  }
  return causes;
}

std::vector<std::vector<model::CauseMatch>> classify_all(const std::vector<model::Incident>& incidents,
                                                         const model::Settings& settings, unsigned jobs,
                                                         diag::Diagnostics& diagnostics) {
  const Classifier classifier(settings);
  std::vector<diag::Diagnostics> found(incidents.size());
  std::vector<std::vector<model::CauseMatch>> out = parallel::map_indexes(
      incidents.size(), jobs, [&](std::size_t i) { return classifier.classify(incidents[i], found[i]); });
  for (auto& sink : found) diagnostics.merge(std::move(sink));
  return out;
}

}  // namespace pmkb::analyze
