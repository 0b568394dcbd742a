// Stage 2a, parse: splits YAML (---) or TOML (+++) front matter from the Markdown body.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "content/loader.h"
#include "diag/diagnostics.h"

namespace pmkb::content {

enum class FrontMatterFormat { None, Yaml, Toml };

// One value: a scalar (one item) or a list. Nested tables become dotted keys ("incident.start").
struct FrontMatterValue {
  std::string key;                 // as written, dotted for nested keys
  std::vector<std::string> items;  // scalars as text; an empty quoted value is one empty item
  bool is_list = false;
  int line = 0;                    // 1-based line in the source file
  int column = 0;

  // The scalar, or the list joined with ", ".
  std::string text() const;
};

struct FrontMatter {
  FrontMatterFormat format = FrontMatterFormat::None;
  // Keyed by normalize_key(key): lower case, '-' and ' ' as '_'.
  std::map<std::string, FrontMatterValue> values;

  // The first of `keys` that is present with a non-empty value. A key also matches the last
  // component of a nested key ("start" finds "incident.start").
  const FrontMatterValue* find(std::initializer_list<std::string_view> keys) const;
};

struct SplitDocument {
  FrontMatter front_matter;
  std::string body;         // the Markdown after the front matter
  int body_first_line = 1;  // 1-based source line of the body's first line
};

// "Started-At" -> "started_at"
std::string normalize_key(std::string_view key);

// Splits and parses the front matter of `source`. A leading blank line before the opening
// delimiter is allowed. Broken YAML/TOML is an `invalid-front-matter` error at the exact line,
// and the document is then read without front matter.
SplitDocument split_front_matter(const SourceFile& source, diag::Diagnostics& diagnostics);

}  // namespace pmkb::content
