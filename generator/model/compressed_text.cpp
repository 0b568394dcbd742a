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
  std::string out(size_, '\0');
  if (size_ == 0) return out;
  uLongf length = static_cast<uLongf>(size_);
  const int status = uncompress(reinterpret_cast<Bytef*>(out.data()), &length, reinterpret_cast<const Bytef*>(deflated_.data()),
                                static_cast<uLong>(deflated_.size()));
  if (status != Z_OK || length != size_) throw std::logic_error("deflated text is corrupt");  // only this class writes it
  return out;
}

}  // namespace pmkb::model
