// Parses cause taxonomies (PRODUCT.md §4) from YAML.
#pragma once

#include <string>
#include <string_view>

#include "diag/diagnostics.h"
#include "model/taxonomy.h"

namespace pmkb::config {

// Parses a rule such as "replication & (misconfig*|wrong config*)". Returns an empty rule
// (no terms) when the text has none.
model::MatchRule parse_match_rule(std::string_view text);

// Parses a taxonomy document ({version, causes: [{id, title, description, parent, match}]}).
// Problems are diagnostics at `display_path`:line:col.
model::Taxonomy parse_taxonomy(std::string_view yaml, const std::string& display_path,
                               diag::Diagnostics& diagnostics);

// Adds `extra` to `base`: a cause with a known id replaces the built-in one.
model::Taxonomy merge_taxonomies(model::Taxonomy base, const model::Taxonomy& extra);

}  // namespace pmkb::config
