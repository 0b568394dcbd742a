#include "config/taxonomy_loader.h"

#include <algorithm>
#include <set>

#include "config/yaml_util.h"
#include "text/text.h"

namespace pmkb::config {

model::MatchRule parse_match_rule(std::string_view text) {
  model::MatchRule rule;
  rule.text = std::string(text::trim(text));
  for (const std::string& term : text::split(text, '&')) {
    std::string_view t = text::trim(term);
    const bool negated = t.starts_with('!');
    if (negated) t = text::trim(t.substr(1));
    if (t.starts_with('(') && t.ends_with(')')) t = t.substr(1, t.size() - 2);
    std::vector<std::string> alternatives;
    for (const std::string& alternative : text::split(t, '|')) {
      std::string lowered = text::to_lower(text::collapse_whitespace(alternative));
      if (!lowered.empty()) alternatives.push_back(std::move(lowered));
    }
    if (alternatives.empty()) continue;
    (negated ? rule.none_of : rule.all_of).push_back(std::move(alternatives));
  }
  return rule;
}

namespace {

std::string scalar(const YAML::Node& map, const char* key) {
  const YAML::Node node = map[key];
  return node && node.IsScalar() ? node.Scalar() : std::string();
}

model::Cause parse_cause(const YAML::Node& node, const std::string& path, diag::Diagnostics& diagnostics) {
  model::Cause cause;
  cause.id = scalar(node, "id");
  cause.title = scalar(node, "title");
  cause.description = scalar(node, "description");
  cause.parent = scalar(node, "parent");
  if (cause.title.empty()) cause.title = cause.id;
  const YAML::Node match = node["match"];
  if (match && match.IsSequence()) {
    for (const auto& item : match) {
      if (!item.IsScalar()) continue;
      model::MatchRule rule = parse_match_rule(item.Scalar());
      if (rule.all_of.empty()) {
        diagnostics.report(diag::Level::Warning, location_of(item, path), "empty match rule ignored", "invalid-config");
        continue;
      }
      cause.rules.push_back(std::move(rule));
    }
  }
  return cause;
}

}  // namespace

model::Taxonomy parse_taxonomy(std::string_view yaml, const std::string& path, diag::Diagnostics& diagnostics) {
  model::Taxonomy taxonomy;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    report_yaml_error(e, path, "cause taxonomy", diagnostics);
    return taxonomy;
  }
  if (!root.IsMap()) {
    diagnostics.report(diag::Level::Error, {path, 1, 1}, "a taxonomy is a map with `version` and `causes`", "invalid-config");
    return taxonomy;
  }
  taxonomy.version = scalar(root, "version");
  std::set<std::string> seen;
  const YAML::Node causes = root["causes"];
  if (causes && causes.IsSequence()) {
    for (const auto& node : causes) {
      if (!node.IsMap()) continue;
      model::Cause cause = parse_cause(node, path, diagnostics);
      if (cause.id.empty() || cause.id != text::slugify(cause.id)) {
        diagnostics.report(diag::Level::Error, location_of(node, path),
                           "cause id \"" + cause.id + "\" must be lower-case letters, digits and '-'", "invalid-config");
        continue;
      }
      if (!seen.insert(cause.id).second) {
        diagnostics.report(diag::Level::Error, location_of(node, path), "cause id \"" + cause.id + "\" is defined twice", "invalid-config");
        continue;
      }
      taxonomy.causes.push_back(std::move(cause));
    }
  }
  std::sort(taxonomy.causes.begin(), taxonomy.causes.end(),
            [](const model::Cause& a, const model::Cause& b) { return a.id < b.id; });
  return taxonomy;
}

model::Taxonomy merge_taxonomies(model::Taxonomy base, const model::Taxonomy& extra) {
  for (const model::Cause& cause : extra.causes) {
    auto it = std::find_if(base.causes.begin(), base.causes.end(), [&](const model::Cause& c) { return c.id == cause.id; });
    if (it != base.causes.end()) *it = cause;
    else base.causes.push_back(cause);
  }
  std::sort(base.causes.begin(), base.causes.end(),
            [](const model::Cause& a, const model::Cause& b) { return a.id < b.id; });
  if (!extra.version.empty()) base.version = base.version + "+" + extra.version;
  return base;
}

}  // namespace pmkb::config
