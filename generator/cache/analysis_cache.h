// The library-wide analysis of the previous build (similar incidents and themes), so that a
// rebuild whose inputs to that analysis did not change does not measure it again. The inputs
// are each incident's id, language, title and gist, in order, with whether a taxonomy cause
// explains it; the caller digests them, with the pmkb binary, into the key. An edit that
// leaves every gist as it was (a new timeline entry, an action item closed) reuses the
// analysis; any other change measures it again, so a rebuild matches a clean build exactly.
//
// The file (OUT/.pmkb-analysis) is versioned JSON. A missing, damaged or foreign file, or one
// written under another key, is never an error: the analysis is measured again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/site.h"

namespace pmkb::cache {

struct Analysis {
  std::vector<model::Similarity> similarities;
  std::vector<model::Theme> themes;
};

// The analysis as the file stores it, under `key`.
std::string encode_analysis(std::uint64_t key, const Analysis& analysis);

// The analysis stored in `bytes` when it was stored under `key` for `incidents` incidents;
// nullopt otherwise, or when the bytes are damaged.
std::optional<Analysis> decode_analysis(std::string_view bytes, std::uint64_t key, std::size_t incidents);

}  // namespace pmkb::cache
