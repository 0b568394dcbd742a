// The cause taxonomy (PRODUCT.md §4): plain data, loaded by config/taxonomy_loader.
#pragma once

#include <string>
#include <vector>

namespace pmkb::model {

// One way of recognizing a cause in text, written "replication & (misconfig*|wrong* config*)".
// Every '&'-separated term must occur in the same sentence; a term may list alternatives
// between parentheses, separated by '|'. An alternative is a word or phrase, and a trailing
// '*' on a word matches any word starting with it ("misconfig*" matches "misconfigured").
// A term written "!(a|b)" must not occur in the sentence.
struct MatchRule {
  std::vector<std::vector<std::string>> all_of;  // terms, each a list of lower-case alternatives
  std::vector<std::vector<std::string>> none_of; // negated terms
  std::string text;                              // the rule as written, for messages
};

struct Cause {
  std::string id;
  std::string title;
  std::string description;
  std::string parent;  // empty for a top-level cause; a parent is dropped when its child is found
  std::vector<MatchRule> rules;
};

struct Taxonomy {
  std::string version;
  std::vector<Cause> causes;  // sorted by id

  const Cause* find(std::string_view id) const;
};

}  // namespace pmkb::model
