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

// The pieces of the export of an earlier build made with the same settings and pmkb. An
// incident whose digest is among them is copied from that export instead of printed again.
struct EarlierExport {
  std::vector<Piece> pieces;
};

// Where export_json() writes, from the calling thread: `append` takes printed bytes;
// `copy_earlier` copies `size` bytes at `offset` of the earlier export to the end, or returns
// false, having written nothing, when it cannot (the pieces are then printed).
struct ExportSink {
  std::function<void(std::string_view)> append;
  std::function<bool(std::size_t offset, std::size_t size)> copy_earlier;
};

// Writes the export to `sink` a piece at a time, so that a library's export never has to be in
// memory whole: at 10,000 incidents it is over 100 MB. The pieces are printed on up to `jobs`
// threads, a few hundred at a time; runs of pieces that lie in the earlier export as they lie
// in this one are copied from it in one range. Deterministic: the same site gives the same
// bytes, for any `jobs` and any `earlier`. Returns the incidents' pieces, for the next build's
// EarlierExport.
std::vector<Piece> export_json(const model::Site& site, unsigned jobs, const ExportSink& sink, const EarlierExport& earlier = {});

}  // namespace pmkb::exporter
