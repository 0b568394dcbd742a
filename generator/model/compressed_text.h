// Text kept deflated in memory. A library's bodies (each postmortem's rendered HTML and its
// plain text) are read once or twice late in a build but would otherwise be most of its memory:
// about 1.4 GB of 2.5 GB at 100,000 postmortems. Deflated at the fastest level they take about
// a fifth of that. Plain data: copying or comparing one copies or compares bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pmkb::model {

class CompressedText {
 public:
  CompressedText() = default;
  explicit CompressedText(std::string_view text);  // deflates `text`

  std::string text() const;  // the text, inflated again
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }  // of the text, not of its deflated form

  bool operator==(const CompressedText&) const = default;

  // The deflated bytes, and the text made again from them and the text's size (for a cache of
  // the model; the bytes must be what deflated() gave, or text() throws).
  const std::string& deflated() const { return deflated_; }
  static CompressedText from_deflated(std::string deflated, std::size_t size) {
    CompressedText out;
    out.deflated_ = std::move(deflated);
    out.size_ = size;
    return out;
  }

  // The text of `size` bytes that `deflated` holds, or nullopt when the bytes are not that
  // (never throws for bad bytes, nor allocates more than deflate could expand them to).
  static std::optional<std::string> inflate(std::string_view deflated, std::size_t size);

 private:
  std::string deflated_;
  std::size_t size_ = 0;
};

}  // namespace pmkb::model
