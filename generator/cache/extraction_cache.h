// A cache of what extraction made of each source file, so that a rebuild re-extracts only the
// files that changed. Entries are keyed by a digest of the source (its path, how its path is
// printed, and its bytes); a cache file holds the digest of the environment it was written in
// (this pmkb binary and the config files), and is ignored whole under another one.
//
// The file is a versioned binary format: a header, then one deflated entry per source with its
// own checksum. A missing, truncated, corrupt or foreign file, or a damaged entry, is never an
// error: what cannot be read back is extracted again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "diag/diagnostics.h"
#include "model/incident.h"
#include "model/site.h"

namespace pmkb::cache {

// What extraction and classification made of one source: the incident (its passages, which
// only classification reads, are not kept), its causes, and the diagnostics they reported.
struct Extraction {
  std::optional<model::Incident> incident;  // none when the source is not a postmortem
  std::vector<model::CauseMatch> causes;
  std::vector<diag::Diagnostic> diagnostics;
};

// The fields of one extraction as bytes, and the extraction read back from them (nullopt when
// the bytes are damaged).
std::string encode(const Extraction& extraction);
std::optional<Extraction> decode(std::string_view bytes);

// An entry as the cache file stores it: encode()d, then deflated (less than half the size);
// and read back, nullopt when damaged.
std::string pack(const Extraction& extraction);
std::optional<Extraction> unpack(std::string_view packed);

// A cache file read whole. Read-only after construction: entries may be looked up from
// several threads, so that the build's workers unpack them in parallel.
class ExtractionCache {
 public:
  ExtractionCache() = default;
  // The cache at `file` when it was written in `environment`; empty otherwise.
  static ExtractionCache read(const std::filesystem::path& file, std::uint64_t environment);
  // The same for a cache file's bytes.
  static ExtractionCache parse(std::string bytes, std::uint64_t environment);

  // The keys of the entries, in increasing order.
  std::vector<std::uint64_t> keys() const;

  // The packed entry cached under `key` (valid while this cache lives), or nullopt.
  std::optional<std::string_view> find(std::uint64_t key) const;
  std::size_t size() const { return entries_.size(); }

 private:
  // Indexes the entries of `bytes`, which `storage` keeps alive.
  static ExtractionCache index(std::string_view bytes, std::shared_ptr<const void> storage, std::uint64_t environment);

  std::shared_ptr<const void> storage_;  // the file's bytes: a string, or the file mapped read-only
  std::string_view bytes_;
  std::unordered_map<std::uint64_t, std::pair<std::size_t, std::size_t>> entries_;  // key -> (offset, size) in bytes_
};

// A cache file is its header, then one record per (key, packed entry), in the order the
// writer chooses: the same records in the same order give the same bytes.
std::string file_header(std::uint64_t environment);
std::string file_record(std::uint64_t key, std::string_view packed);

}  // namespace pmkb::cache
