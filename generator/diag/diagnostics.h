// Diagnostics: content problems found while reading a library.
//
// Content problems (a bad date, a broken front matter block) never stop a build:
// each stage reports them into a Diagnostics sink and carries on. Environment
// failures (unreadable directory, unwritable output) are exceptions instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmkb::diag {

enum class Level { Info, Warning, Error };

std::string_view to_string(Level level);

// A place in a source file. Line and column start at 1; 0 means "unknown".
struct SourceLocation {
  std::string path;  // as it will be printed (relative to the working directory)
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  Level level = Level::Warning;
  SourceLocation where;
  std::string message;  // says what is wrong and what to do about it
  std::string rule;     // lint rule id, e.g. "date-conflict"
};

// Collects diagnostics in the order they are reported. Not thread-safe:
// parallel stages report into their own sink and merge() the results in input order.
class Diagnostics {
 public:
  void report(Diagnostic diagnostic);
  void report(Level level, SourceLocation where, std::string message, std::string rule);
  void merge(Diagnostics other);

  const std::vector<Diagnostic>& all() const { return items_; }
  int count(Level level) const;

  // Sorted by path, line, column, rule: the order in which they are printed.
  std::vector<Diagnostic> sorted() const;

 private:
  std::vector<Diagnostic> items_;
};

enum class Format { Text, Json, Github };

// "path:line:col: level: message [rule]", one per line.
std::string format_text(const std::vector<Diagnostic>& diagnostics);
// One JSON array of {"path","line","column","level","message","rule"}.
std::string format_json(const std::vector<Diagnostic>& diagnostics);
// GitHub Actions workflow commands ("::error file=...,line=...,col=...::message").
std::string format_github(const std::vector<Diagnostic>& diagnostics);
std::string format(const std::vector<Diagnostic>& diagnostics, Format format);
// Reads back what format_json() wrote; nothing when `json` is not such an array.
std::optional<std::vector<Diagnostic>> parse_json(std::string_view json);

}  // namespace pmkb::diag
