// Fuzz harnesses: each takes arbitrary bytes, runs one stage of pmkb on them and checks the
// stage's contract (no exception escapes where none may, locations stay inside the input,
// served paths stay inside the site). A broken contract aborts, which libFuzzer reports as
// a crash. The same functions replay tests/fuzz/regressions/<target>/* in the Catch2 suite,
// so every crasher stays a regression test in the normal and the sanitizer builds.
#pragma once

#include <string_view>
#include <vector>

namespace pmkb::fuzz {

struct Target {
  std::string_view name;  // also the folder under tests/fuzz/regressions/
  void (*run)(std::string_view bytes);
};

// YAML/TOML front matter and pmkb.yaml: make_source_file + split_front_matter, parse_settings.
void front_matter(std::string_view bytes);
// A whole document: load, front matter, Markdown, extraction (dates, durations, timeline,
// action items, severity, lint).
void extract_document(std::string_view bytes);
// The date, time, window and duration parsers on their own.
void dates(std::string_view bytes);
// Extraction, then cause classification against the built-in taxonomy.
void classify(std::string_view bytes);
// The bytes as a search query (Xapian QueryParser) with filters, over a small built index;
// and as a URL path for pmkb serve's path resolution.
void query(std::string_view bytes);

// The extraction cache (OUT/.pmkb-cache): the bytes as a cache file, in the environment its
// header names, then every entry found unpacked; and the bytes as one encoded entry. What
// reads back must write and read again to the same thing.
void cache(std::string_view bytes);

const std::vector<Target>& targets();

}  // namespace pmkb::fuzz
