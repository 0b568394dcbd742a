// Maps byte offsets in a text to 1-based line and column numbers.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace pmkb::diag {

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  // 1-based line of the byte at `offset` (offsets past the end map to the last line).
  int line_of(std::size_t offset) const;
  // 1-based column, counted in UTF-8 code points from the start of the line.
  int column_of(std::size_t offset) const;
  // Byte offset where 1-based `line` starts.
  std::size_t line_start(int line) const;
  int line_count() const { return static_cast<int>(starts_.size()); }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

}  // namespace pmkb::diag
