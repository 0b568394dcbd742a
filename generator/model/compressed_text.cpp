#include "model/compressed_text.h"

#include <libdeflate.h>

#include <limits>
#include <memory>
#include <stdexcept>

namespace pmkb::model {

namespace {

// Raw DEFLATE at libdeflate's fastest level: the text is only kept smaller in memory (and in
// the extraction cache, whose records have their own checksums), not sent anywhere.
constexpr int kLevel = 1;

struct FreeCompressor {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};
struct FreeDecompressor {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

}  // namespace

CompressedText::CompressedText(std::string_view text) : size_(text.size()) {
  if (text.empty()) return;
  const std::unique_ptr<libdeflate_compressor, FreeCompressor> compressor(libdeflate_alloc_compressor(kLevel));
  if (!compressor) throw std::bad_alloc();
  deflated_.resize(libdeflate_deflate_compress_bound(compressor.get(), text.size()));
  const std::size_t length = libdeflate_deflate_compress(compressor.get(), text.data(), text.size(), deflated_.data(), deflated_.size());
  if (length == 0) throw std::bad_alloc();  // the bound leaves room: only memory can fail
  deflated_.resize(length);
  deflated_.shrink_to_fit();
}

std::string CompressedText::text() const {
  std::optional<std::string> out = inflate(deflated_, size_);
  if (!out) throw std::logic_error("deflated text is corrupt");  // only this class writes it
  return std::move(*out);
}

std::optional<std::string> CompressedText::inflate(std::string_view deflated, std::size_t size) {
  if (size == 0) return deflated.empty() ? std::optional<std::string>(std::string()) : std::nullopt;
  // Deflate expands at most about 1032 to 1: a larger claimed size is not worth allocating.
  constexpr std::size_t kMaxRatio = 1032;
  if (size / kMaxRatio > deflated.size()) return std::nullopt;
  const std::unique_ptr<libdeflate_decompressor, FreeDecompressor> decompressor(libdeflate_alloc_decompressor());
  if (!decompressor) throw std::bad_alloc();
  std::string out(size, '\0');
  // With no actual-size pointer, libdeflate succeeds only when the data fills `out` exactly.
  const libdeflate_result result = libdeflate_deflate_decompress(decompressor.get(), deflated.data(), deflated.size(), out.data(), size, nullptr);
  if (result != LIBDEFLATE_SUCCESS) return std::nullopt;
  return out;
}

}  // namespace pmkb::model
