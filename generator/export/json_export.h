// incidents.json: the whole model, {"incidents":[...], "causes":[...]}, keys as in PRODUCT.md §3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/site.h"

namespace pmkb::exporter {

// One incident's piece of an export: a digest of what it is printed from (the incident's
// postmortem bytes and path, id, page, causes and relations; the settings and pmkb itself are
// the caller's to compare), and where its bytes lie in the file.
struct Piece {
  std::uint64_t digest = 0;
  std::size_t offset = 0;
  std::size_t size = 0;
};

// The export of an earlier build made with the same settings and pmkb: its pieces, and how to
// read `size` bytes at `offset` of it (nullopt when they cannot be read). An incident whose
// digest is among the pieces is copied from there instead of printed again.
struct EarlierExport {
  std::vector<Piece> pieces;
  std::function<std::optional<std::string>(std::size_t offset, std::size_t size)> read;
};

// Hands the export to `append` a piece at a time (an incident per call, from the calling
// thread), so that a library's export never has to be in memory whole: at 10,000 incidents it
// is over 100 MB. The pieces are printed (or read from `earlier`) on up to `jobs` threads, a
// few hundred at a time. Deterministic: the same site gives the same bytes, for any `jobs` and
// any `earlier`. Returns the incidents' pieces, for the next build's EarlierExport.
std::vector<Piece> export_json(const model::Site& site, unsigned jobs, const std::function<void(std::string_view)>& append,
                               const EarlierExport& earlier = {});

}  // namespace pmkb::exporter
