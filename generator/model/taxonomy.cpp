#include "model/taxonomy.h"

#include <algorithm>

namespace pmkb::model {

const Cause* Taxonomy::find(std::string_view id) const {
  auto it = std::lower_bound(causes.begin(), causes.end(), id,
                             [](const Cause& cause, std::string_view key) { return cause.id < key; });
  return it != causes.end() && it->id == id ? &*it : nullptr;
}

}  // namespace pmkb::model
