// Synonyms from the cause taxonomy: the phrases that each name a cause on their own (the
// alternatives of a one-term match rule, such as "enospc" or "no space left on device" for
// disk-full, plus the cause's id and title) are synonyms of one another, so that a search for
// "disk full" also finds the postmortem that only says ENOSPC.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/taxonomy.h"

namespace pmkb::search {

// Lower-case phrase (words joined by one space) -> the single words it is a synonym of,
// sorted. A phrase is never its own synonym; wildcard alternatives ("misconfig*") are left out.
std::map<std::string, std::vector<std::string>> taxonomy_synonyms(const model::Taxonomy& taxonomy);

}  // namespace pmkb::search
