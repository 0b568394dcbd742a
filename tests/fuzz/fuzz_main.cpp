// One libFuzzer entry point per target: PMKB_FUZZ_ENTRY names the harness function
// (tests/fuzz/CMakeLists.txt builds this file once per target).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pmkb::fuzz::PMKB_FUZZ_ENTRY(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
