// Text kept deflated in memory. A library's bodies (each postmortem's rendered HTML and its
// plain text) are read once or twice late in a build but would otherwise be most of its memory:
// about 1.4 GB of 2.5 GB at 100,000 postmortems. Deflated at the fastest level they take about
// a fifth of that. Plain data: copying or comparing one copies or compares bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pmkb::model {

class CompressedText {
 public:
  CompressedText() = default;
  explicit CompressedText(std::string_view text);  // deflates `text`

  std::string text() const;  // the text, inflated again
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }  // of the text, not of its deflated form

  bool operator==(const CompressedText&) const = default;

 private:
  std::string deflated_;
  std::size_t size_ = 0;
};

}  // namespace pmkb::model
