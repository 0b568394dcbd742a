// Severity normalization (PRODUCT.md §3): "SEV-1", "P2", "Critical", "down", "major outage"...
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "model/incident.h"

namespace pmkb::extract {

// Maps a written severity to SEV1..SEV4. `overrides` (lower-case label -> severity, from
// pmkb.yaml) is consulted before the built-in mapping. Nullopt when nothing is recognized.
std::optional<model::Severity> normalize_severity(std::string_view label,
                                                  const std::map<std::string, model::Severity>& overrides);

}  // namespace pmkb::extract
