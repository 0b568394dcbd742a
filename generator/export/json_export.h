// incidents.json: the whole model, {"incidents":[...], "causes":[...]}, keys as in PRODUCT.md §3.
#pragma once

#include <string>

#include "model/site.h"

namespace pmkb::exporter {

// Deterministic: the same site gives the same bytes.
std::string export_json(const model::Site& site);

}  // namespace pmkb::exporter
