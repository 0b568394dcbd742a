#include "model/compressed_text.h"

#include <zlib.h>

#include <limits>
#include <stdexcept>

namespace pmkb::model {

CompressedText::CompressedText(std::string_view text) : size_(text.size()) {
  if (text.empty()) return;
  if (text.size() > std::numeric_limits<uLong>::max()) throw std::length_error("text too large to deflate");
  uLongf length = compressBound(static_cast<uLong>(text.size()));
  deflated_.resize(length);
  const int status = compress2(reinterpret_cast<Bytef*>(deflated_.data()), &length, reinterpret_cast<const Bytef*>(text.data()),
                               static_cast<uLong>(text.size()), Z_BEST_SPEED);
  if (status != Z_OK) throw std::bad_alloc();  // compressBound leaves room: only memory can fail
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
  if (deflated.size() > std::numeric_limits<uLong>::max() || size > std::numeric_limits<uLongf>::max() ||
      size / kMaxRatio > deflated.size()) {
    return std::nullopt;
  }
  std::string out(size, '\0');
  uLongf length = static_cast<uLongf>(size);
  const int status = uncompress(reinterpret_cast<Bytef*>(out.data()), &length, reinterpret_cast<const Bytef*>(deflated.data()),
                                static_cast<uLong>(deflated.size()));
  if (status != Z_OK || length != size) return std::nullopt;
  return out;
}

}  // namespace pmkb::model
