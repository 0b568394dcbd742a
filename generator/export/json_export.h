// incidents.json: the whole model, {"incidents":[...], "causes":[...]}, keys as in PRODUCT.md §3.
#pragma once

#include <functional>
#include <string_view>

#include "model/site.h"

namespace pmkb::exporter {

// Hands the export to `append` a piece at a time (an incident per call, from the calling
// thread), so that a library's export never has to be in memory whole: at 10,000 incidents it
// is over 100 MB. The pieces are printed on up to `jobs` threads, a few hundred at a time.
// Deterministic: the same site gives the same bytes, for any `jobs`.
void export_json(const model::Site& site, unsigned jobs, const std::function<void(std::string_view)>& append);

}  // namespace pmkb::exporter
