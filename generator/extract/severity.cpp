#include "extract/severity.h"

#include <array>
#include <cctype>

#include "text/text.h"

namespace pmkb::extract {

namespace {

using model::Severity;

struct Named { std::string_view phrase; Severity severity; };
// Longer phrases first, so that "major outage" is not read as "major".
constexpr std::array<Named, 30> kBuiltIn = {{
    {"major outage", Severity::Sev1}, {"partial outage", Severity::Sev2},
    {"degraded performance", Severity::Sev3}, {"full outage", Severity::Sev1}, {"total outage", Severity::Sev1},
    {"critical", Severity::Sev1}, {"down", Severity::Sev1}, {"blocker", Severity::Sev1},
    {"emergency", Severity::Sev1}, {"kritisch", Severity::Sev1}, {"störung", Severity::Sev2},
    {"major", Severity::Sev2}, {"high", Severity::Sev2}, {"disrupted", Severity::Sev2}, {"severe", Severity::Sev2},
    {"hoch", Severity::Sev2},
    {"minor", Severity::Sev3}, {"medium", Severity::Sev3}, {"moderate", Severity::Sev3}, {"notice", Severity::Sev3},
    {"degraded", Severity::Sev3}, {"mittel", Severity::Sev3}, {"wartung", Severity::Sev4},
    {"low", Severity::Sev4}, {"informational", Severity::Sev4}, {"information", Severity::Sev4},
    {"info", Severity::Sev4}, {"maintenance", Severity::Sev4}, {"niedrig", Severity::Sev4}, {"cosmetic", Severity::Sev4}}};

Severity from_number(int n) {
  if (n <= 1) return Severity::Sev1;
  if (n == 2) return Severity::Sev2;
  if (n == 3) return Severity::Sev3;
  return Severity::Sev4;
}

bool boundary(std::string_view s, std::size_t i) { return i >= s.size() || !text::is_ascii_alnum(static_cast<unsigned char>(s[i])); }

// "sev1", "sev-1", "sev 1", "severity 2", "p0", "p-1", "s2", "level 3".
std::optional<Severity> numbered(std::string_view s) {
  for (std::string_view prefix : {"severity", "sev", "level", "p", "s"}) {
    for (std::size_t pos = s.find(prefix); pos != std::string_view::npos; pos = s.find(prefix, pos + 1)) {
      if (pos > 0 && !boundary(s, pos - 1)) continue;
      std::size_t i = pos + prefix.size();
      while (i < s.size() && (s[i] == '-' || s[i] == ' ' || s[i] == '_' || s[i] == ':')) ++i;
      if (i < s.size() && text::is_ascii_digit(static_cast<unsigned char>(s[i])) && boundary(s, i + 1)) return from_number(s[i] - '0');
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Severity> normalize_severity(std::string_view label, const std::map<std::string, Severity>& overrides) {
  const std::string lower = text::to_lower(text::trim(label));
  if (lower.empty()) return std::nullopt;
  if (auto it = overrides.find(lower); it != overrides.end()) return it->second;
  for (const auto& [phrase, severity] : overrides) {
    if (lower.find(phrase) != std::string::npos) return severity;
  }
  if (auto severity = numbered(lower)) return severity;
  if (lower.size() == 1 && lower[0] >= '0' && lower[0] <= '4') return from_number(lower[0] - '0');
  for (const auto& named : kBuiltIn) {
    for (std::size_t pos = lower.find(named.phrase); pos != std::string::npos; pos = lower.find(named.phrase, pos + 1)) {
      if ((pos == 0 || boundary(lower, pos - 1)) && boundary(lower, pos + named.phrase.size())) return named.severity;
    }
  }
  return std::nullopt;
}

}  // namespace pmkb::extract
