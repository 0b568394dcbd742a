#include "diag/line_index.h"

#include <algorithm>

namespace pmkb::diag {

LineIndex::LineIndex(std::string_view text) : text_(text) {
  starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts_.push_back(i + 1);
  }
}

int LineIndex::line_of(std::size_t offset) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<int>(it - starts_.begin());
}

int LineIndex::column_of(std::size_t offset) const {
  std::size_t start = starts_[static_cast<std::size_t>(line_of(offset) - 1)];
  int column = 1;
  for (std::size_t i = start; i < offset && i < text_.size(); ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

std::size_t LineIndex::line_start(int line) const {
  if (line < 1) return 0;
  if (line > line_count()) return text_.size();
  return starts_[static_cast<std::size_t>(line - 1)];
}

}  // namespace pmkb::diag
