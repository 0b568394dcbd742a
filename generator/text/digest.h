// A 64-bit digest of a sequence of pieces, to tell whether inputs changed since an earlier
// build. Each piece counts with its length, so ("ab", "c") and ("a", "bc") differ. Not for
// security: the inputs are the user's own files, and a collision only means a page is not
// rendered again. The same pieces give the same digest on every run of the same binary.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace pmkb::text {

class Digest {
 public:
  Digest& add(std::string_view piece) {
    mix(std::hash<std::string_view>{}(piece));
    mix(piece.size());
    return *this;
  }
  Digest& add(std::uint64_t number) {
    mix(number);
    return *this;
  }
  std::uint64_t value() const { return value_; }
  std::string hex() const { return to_hex(value_); }

  // Sixteen lower-case hex digits.
  static std::string to_hex(std::uint64_t value) {
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(value));
    return out;
  }

 private:
  void mix(std::uint64_t word) {
    // splitmix64's finalizer over the running value and the new word.
    std::uint64_t z = value_ ^ (word + 0x9e3779b97f4a7c15ULL + (value_ << 6) + (value_ >> 2));
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    value_ = z ^ (z >> 31);
  }

  std::uint64_t value_ = 0x6a09e667f3bcc908ULL;
};

}  // namespace pmkb::text
