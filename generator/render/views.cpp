#include "render/views.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "text/digest.h"
#include "text/text.h"

namespace pmkb::render {

using kainjow::mustache::list;
using kainjow::mustache::object;

void put(View& view, const std::string& key, View&& value) {
  view.set(key, false);  // a placeholder, cheap to copy; then the value is moved over it
  *const_cast<View*>(view.get(key)) = std::move(value);
}

void put(View& view, const std::string& key, kainjow::mustache::list&& items) { put(view, key, make_list(std::move(items))); }
void put(View& view, const std::string& key, std::string value) { put(view, key, make_text(std::move(value))); }
void put(View& view, const std::string& key, const char* value) { put(view, key, make_text(value)); }
void put(View& view, const std::string& key, bool value) { view.set(key, value); }

void put_streamed(View& view, const std::string& key, std::size_t size, RowMaker rows) {
  if (size == 0) {
    put(view, key, list{});
    return;
  }
  // One chunk's rows at a time sit under a key of their own in the page, and the section is
  // rendered over them in the page's context: parent keys and partials resolve as before.
  constexpr std::size_t kChunk = 1000;
  const std::string chunk_key = "pmkb:rows:" + key;
  put(view, chunk_key, list{});
  View* chunk = const_cast<View*>(view.get(chunk_key));  // a map node: its address is stable
  put(view, key, View(kainjow::mustache::lambda2([chunk, chunk_key, size, rows = std::move(rows)](
                                                       const std::string& text, const kainjow::mustache::renderer& render) {
    const std::string section = "{{#" + chunk_key + "}}" + text + "{{/" + chunk_key + "}}";
    std::string out;
    for (std::size_t begin = 0; begin < size; begin += kChunk) {
      *chunk = make_list(rows(begin, std::min(size, begin + kChunk)));
      out += render(section);
    }
    *chunk = make_list(list{});
    return out;
  })));
}

View make_list(kainjow::mustache::list&& items) {
  View out(View::type::list);
  const_cast<kainjow::mustache::list&>(out.list_value()) = std::move(items);
  return out;
}

View make_text(std::string value) {
  View out(View::type::string);
  const_cast<std::string&>(out.string_value()) = std::move(value);
  return out;
}

namespace {

View text_or_false(const std::string& value) { return value.empty() ? View(false) : View(value); }

std::string severity_class(const model::Incident& incident) {
  return incident.severity ? "sev" + std::to_string(static_cast<int>(*incident.severity)) : "sev-unknown";
}

View severity_view(const model::Incident& incident) {
  View view = object{};
  put(view, "label", incident.severity ? std::string(model::to_string(*incident.severity)) : std::string("unknown"));
  put(view, "class", severity_class(incident));
  put(view, "written", text_or_false(incident.severity_label));
  return view;
}

View cause_links(const model::AnalyzedIncident& entry, const std::string& root) {
  list causes;
  causes.reserve(entry.causes.size());
  for (const auto& cause : entry.causes) {
    View c = object{};
    put(c, "id", cause.id);
    put(c, "title", cause.title);
    put(c, "url", root + "causes/" + cause.id + "/");
    put(c, "evidence", cause.evidence);
    put(c, "line", cause.line > 0 ? View(std::to_string(cause.line)) : View(false));
    put(c, "source", std::string(model::to_string(cause.source)));
    causes.push_back(std::move(c));
  }
  return make_list(std::move(causes));
}

View string_list(const std::vector<std::string>& values) {
  list out;
  out.reserve(values.size());
  for (const auto& v : values) out.push_back(View(v));
  return make_list(std::move(out));
}

}  // namespace

View incident_row(const model::AnalyzedIncident& entry, const std::string& root) {
  const auto& incident = entry.incident;
  View row = object{};
  put(row, "evidence", false);
  put(row, "recurred_after_fixes", false);
  put(row, "id", incident.id);
  put(row, "title", incident.title);
  put(row, "url", root + model::incident_url(incident));
  put(row, "date", incident.date ? model::to_iso(*incident.date) : std::string("undated"));
  put(row, "severity", severity_view(incident));
  put(row, "duration", incident.duration_minutes ? View(format_duration(*incident.duration_minutes)) : View(false));
  put(row, "services", string_list(incident.services));
  put(row, "causes", cause_links(entry, root));
  put(row, "filter_severity", text::slugify(incident.severity ? std::string(model::to_string(*incident.severity)) : "unknown"));
  put(row, "filter_year", incident.date ? std::to_string(incident.date->year) : std::string());
  std::string services;
  for (const auto& s : incident.services) services += (services.empty() ? "" : " ") + text::slugify(s);
  put(row, "filter_services", std::move(services));
  std::string causes;
  for (const auto& c : entry.causes) causes += (causes.empty() ? "" : " ") + c.id;
  put(row, "filter_causes", std::move(causes));
  return row;
}

namespace {

// The earlier incident that holds `earlier`'s action item, or null when its indexes point
// nowhere (they never do in an assembled site).
const model::AnalyzedIncident* earlier_incident(const model::Site& site, const model::EarlierAction& earlier) {
  if (earlier.incident_index >= site.incidents.size()) return nullptr;
  const model::AnalyzedIncident& other = site.incidents[earlier.incident_index];
  if (earlier.action_index >= other.incident.action_items.size() || earlier.cause_index >= other.causes.size()) return nullptr;
  return &other;
}

View action_rows(const std::vector<model::ActionItem>& items) {
  list rows;
  rows.reserve(items.size());
  for (const auto& item : items) {
    View row = object{};
    put(row, "text", item.text);
    put(row, "owner", text_or_false(item.owner));
    put(row, "status", std::string(model::to_string(item.status)));
    put(row, "priority", text_or_false(item.priority));
    put(row, "due", text_or_false(item.due));
    put(row, "line", std::to_string(item.line));
    rows.push_back(std::move(row));
  }
  return make_list(std::move(rows));
}

View timeline_rows(const model::Incident& incident) {
  list rows;
  rows.reserve(incident.timeline.size());
  std::optional<long> first;
  for (const auto& entry : incident.timeline) {
    View row = object{};
    put(row, "time", entry.time_text);
    put(row, "iso", entry.time ? View(model::to_iso(*entry.time)) : View(false));
    if (entry.time && entry.time->minute_of_day) {
      const long minutes = model::epoch_minutes(*entry.time);
      if (!first) first = minutes;
      const long offset = minutes - *first;
      put(row, "offset", offset >= 0 ? View("T+" + format_duration(static_cast<int>(offset))) : View(false));
    } else {
      put(row, "offset", false);
    }
    put(row, "text", entry.text);
    const std::string kind(model::to_string(entry.kind));
    put(row, "kind", text_or_false(kind));
    put(row, "line", std::to_string(entry.line));
    rows.push_back(std::move(row));
  }
  return rows;
}

View related_rows(const model::Site& site, const model::AnalyzedIncident& entry, const std::string& root) {
  list rows;
  rows.reserve(entry.related.size());
  for (const auto& related : entry.related) {
    const auto* other = site.find(related.id);
    if (!other) continue;
    View row = incident_row(*other, root);
    put(row, "reason", model::reason(related));
    std::string why;
    switch (related.kind) {
      case model::RelationKind::SameCause: {
        const auto* cause = site.taxonomy.find(related.detail);
        why = "same cause: " + (cause ? cause->title : related.detail);
        break;
      }
      case model::RelationKind::Similar: why = "similar text"; break;
      case model::RelationKind::SameService: why = "same service: " + related.detail; break;
    }
    put(row, "why", why);
    rows.push_back(std::move(row));
  }
  return make_list(std::move(rows));
}

View narrative(const model::Incident& incident) {
  struct Part { const char* key; const char* heading; const std::string* text; };
  const Part parts[] = {{"summary", "Summary", &incident.summary}, {"impact", "Impact", &incident.impact},
                        {"root_cause", "Root cause", &incident.root_cause},
                        {"contributing_factors", "Contributing factors", &incident.contributing_factors},
                        {"trigger", "Trigger", &incident.trigger}, {"detection", "Detection", &incident.detection},
                        {"resolution", "Resolution", &incident.resolution}, {"lessons", "Lessons", &incident.lessons}};
  list out;
  out.reserve(std::size(parts));
  for (const Part& part : parts) {
    if (part.text->empty()) continue;
    View v = object{};
    put(v, "key", std::string(part.key));
    put(v, "heading", std::string(part.heading));
    put(v, "text", *part.text);
    out.push_back(std::move(v));
  }
  return make_list(std::move(out));
}

}  // namespace

std::string format_duration(int minutes) {
  if (minutes < 60) return std::to_string(minutes) + " min";
  const int days = minutes / 1440;
  const int hours = (minutes % 1440) / 60;
  const int rest = minutes % 60;
  std::string out;
  if (days > 0) out += std::to_string(days) + " d";
  if (hours > 0) out += (out.empty() ? "" : " ") + std::to_string(hours) + " h";
  if (rest > 0 && days == 0) out += (out.empty() ? "" : " ") + std::to_string(rest) + " min";
  return out;
}

std::optional<std::string> linked_page(const model::Site& site, const model::PostmortemLink& link) {
  const auto it = site.by_source.find(link.target);
  if (it == site.by_source.end()) return std::nullopt;
  return "../../" + model::incident_url(site.incidents[it->second].incident) + "index.html";
}

std::string link_postmortems(const model::Incident& incident, const model::Site& site) {
  const std::string html = incident.body_html.text();
  std::string out;
  out.reserve(html.size());
  std::size_t copied = 0;
  for (const auto& link : incident.postmortem_links) {
    if (link.begin < copied || link.end < link.begin || link.end > html.size()) continue;  // not where the body has it
    out.append(html, copied, link.begin - copied);
    out += linked_page(site, link).value_or("#");
    copied = link.end;
  }
  out.append(html, copied, std::string::npos);
  return out;
}

View page_view(const model::Settings& settings, const std::string& root, const std::string& title) {
  View view = object{};
  put(view, "site_title", settings.site_title);
  put(view, "root", root);
  put(view, "page_title", title);
  return view;
}

View index_view(const model::Site& site, const model::Settings& settings) {
  View view = page_view(settings, "", settings.site_title);
  put_streamed(view, "incidents", site.incidents.size(), [&site](std::size_t begin, std::size_t end) {
    list rows;
    rows.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) rows.push_back(incident_row(site.incidents[i], ""));
    return rows;
  });
  put(view, "incident_count", std::to_string(site.incidents.size()));
  put(view, "cause_count", std::to_string(site.causes.size()));
  // Filter links: listing pages without JavaScript, instant filters with it.
  const auto links = [&](const std::string& kind, const std::string& folder) {
    list out;
    std::map<std::string, std::string> seen;  // slug -> label
    for (const auto& entry : site.incidents) {
      const auto& i = entry.incident;
      std::vector<std::string> values;
      if (kind == "service") values = i.services;
      if (kind == "year" && i.date) values.push_back(std::to_string(i.date->year));
      if (kind == "severity") values.push_back(i.severity ? std::string(model::to_string(*i.severity)) : "unknown");
      for (const auto& v : values) seen.emplace(text::slugify(v), v);
    }
    out.reserve(seen.size());
    for (const auto& [slug, label] : seen) {
      View link = object{};
      put(link, "slug", slug);
      put(link, "value", label);
      put(link, "url", folder + "/" + slug + "/");
      out.push_back(std::move(link));
    }
    return out;
  };
  put(view, "severities", links("severity", "severity"));
  list years = links("year", "years");
  std::reverse(years.begin(), years.end());
  put(view, "years", std::move(years));
  list services = links("service", "services");
  put(view, "has_services", !services.empty());
  put(view, "services", std::move(services));
  list causes;
  causes.reserve(site.causes.size());
  for (const auto& c : site.causes) {
    View cause = object{};
    put(cause, "id", c.id);
    causes.push_back(std::move(cause));
  }
  put(view, "causes", std::move(causes));
  return view;
}

View incident_view(const model::Site& site, const model::AnalyzedIncident& entry, const model::Settings& settings) {
  const auto& incident = entry.incident;
  const std::string root = "../../";
  View view = page_view(settings, root, incident.title);
  View row = incident_row(entry, root);
  put(view, "incident", std::move(row));
  put(view, "status", text_or_false(incident.status));
  put(view, "authors", string_list(incident.authors));
  put(view, "has_authors", !incident.authors.empty());
  put(view, "source", incident.source);
  put(view, "edit_url", settings.repo_url.empty() ? View(false) : View(settings.repo_url + incident.source));
  put(view, "start", incident.start ? View(model::to_iso(*incident.start)) : View(false));
  put(view, "end", incident.end ? View(model::to_iso(*incident.end)) : View(false));
  put(view, "narrative", narrative(incident));
  put(view, "timeline", timeline_rows(incident));
  put(view, "has_timeline", !incident.timeline.empty());
  put(view, "actions", action_rows(incident.action_items));
  put(view, "has_actions", !incident.action_items.empty());
  put(view, "causes", cause_links(entry, root));
  put(view, "has_causes", !entry.causes.empty());
  put(view, "related", related_rows(site, entry, root));
  put(view, "has_related", !entry.related.empty());
  list earlier;
  earlier.reserve(entry.earlier_open_actions.size());
  for (const auto& e : entry.earlier_open_actions) {
    const auto* other = earlier_incident(site, e);
    if (!other) continue;
    const model::ActionItem& action = other->incident.action_items[e.action_index];
    View a = object{};
    put(a, "text", action.text);
    put(a, "owner", text_or_false(action.owner));
    put(a, "cause", other->causes[e.cause_index].id);
    put(a, "incident_title", other->incident.title);
    put(a, "incident_url", root + model::incident_url(other->incident));
    put(a, "incident_date", other->incident.date ? model::to_iso(*other->incident.date) : std::string("undated"));
    earlier.push_back(std::move(a));
  }
  put(view, "has_earlier_actions", !earlier.empty());
  put(view, "earlier_actions", std::move(earlier));
  list recurred;
  recurred.reserve(entry.recurred_after_fixes.size());
  for (const auto& id : entry.recurred_after_fixes) {
    const auto* cause = site.taxonomy.find(id);
    View r = object{};
    put(r, "id", id);
    put(r, "title", cause ? cause->title : id);
    put(r, "url", root + "causes/" + id + "/");
    recurred.push_back(std::move(r));
  }
  put(view, "has_recurred", !recurred.empty());
  put(view, "recurred", std::move(recurred));
  return view;
}

std::uint64_t incident_page_digest(const model::Site& site, const model::AnalyzedIncident& entry) {
  text::Digest digest;
  const auto add_incident = [&](const model::Incident& incident) {
    digest.add(incident.source_digest).add(incident.source).add(incident.id).add(incident.slug);
  };
  add_incident(entry.incident);
  for (const auto& link : entry.incident.postmortem_links) digest.add(link.target).add(linked_page(site, link).value_or(""));
  for (const auto& related : entry.related) {
    digest.add(related.id).add(static_cast<std::uint64_t>(related.kind)).add(related.detail);
    if (const auto* other = site.find(related.id)) add_incident(other->incident);
  }
  for (const auto& earlier : entry.earlier_open_actions) {
    if (const auto* other = earlier_incident(site, earlier)) {
      digest.add(other->incident.id).add(other->causes[earlier.cause_index].id).add(earlier.action_index);
      add_incident(other->incident);
    }
  }
  digest.add(entry.earlier_open_total);
  for (const auto& id : entry.recurred_after_fixes) digest.add(id);
  // Causes come from the incident's own text and the settings, both covered; they are added
  // all the same, so that a change to how causes are found cannot leave a page stale.
  for (const auto& cause : entry.causes) digest.add(cause.id).add(cause.evidence).add(static_cast<std::uint64_t>(cause.line));
  return digest.value();
}

std::uint64_t listed_incident_digest(const model::AnalyzedIncident& entry) {
  text::Digest digest;
  const model::Incident& incident = entry.incident;
  const auto optional_number = [&](bool present, long value) { digest.add(present ? 1 : 0).add(static_cast<std::uint64_t>(present ? value : 0)); };
  digest.add(incident.id).add(incident.title).add(incident.slug).add(incident.severity_label);
  optional_number(incident.date.has_value(), incident.date ? (incident.date->year * 16L + incident.date->month) * 32 + incident.date->day : 0);
  optional_number(incident.severity.has_value(), incident.severity ? static_cast<long>(*incident.severity) : 0);
  optional_number(incident.duration_minutes.has_value(), incident.duration_minutes.value_or(0));
  digest.add(incident.services.size());
  for (const auto& service : incident.services) digest.add(service);
  digest.add(entry.causes.size());
  for (const auto& cause : entry.causes) {
    digest.add(cause.id).add(cause.title).add(cause.evidence).add(static_cast<std::uint64_t>(cause.line)).add(static_cast<std::uint64_t>(cause.source));
  }
  digest.add(entry.recurred_after_fixes.size());
  for (const auto& id : entry.recurred_after_fixes) digest.add(id);
  digest.add(incident.action_items.size());
  for (const auto& item : incident.action_items) {
    digest.add(item.text).add(item.owner).add(static_cast<std::uint64_t>(item.status)).add(item.priority).add(item.due).add(static_cast<std::uint64_t>(item.line));
  }
  return digest.value();
}

View causes_index_view(const model::Site& site, const model::Settings& settings) {
  View view = page_view(settings, "../", "Recurring causes");
  list causes;
  causes.reserve(site.causes.size());
  std::vector<const model::CauseOccurrences*> ordered;
  for (const auto& cause : site.causes) ordered.push_back(&cause);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->incident_ids.size() > b->incident_ids.size(); });
  for (const auto* cause : ordered) {
    View c = object{};
    put(c, "id", cause->id);
    put(c, "title", cause->title);
    put(c, "url", cause->id + "/");
    put(c, "count", std::to_string(cause->incident_ids.size()));
    put(c, "recurring", cause->incident_ids.size() > 1);
    put(c, "first_seen", cause->first_seen ? View(model::to_iso(*cause->first_seen)) : View(false));
    put(c, "last_seen", cause->last_seen ? View(model::to_iso(*cause->last_seen)) : View(false));
    causes.push_back(std::move(c));
  }
  put(view, "causes", std::move(causes));
  list themes;
  themes.reserve(site.themes.size());
  for (const auto& theme : site.themes) {
    View t = object{};
    put(t, "terms", string_list(theme.top_terms));
    put(t, "count", std::to_string(theme.incident_ids.size()));
    list members;
    members.reserve(theme.incident_ids.size());
    for (const auto& id : theme.incident_ids) {
      if (const auto* entry = site.find(id)) members.push_back(incident_row(*entry, "../"));
    }
    put(t, "incidents", std::move(members));
    themes.push_back(std::move(t));
  }
  put(view, "has_themes", !themes.empty());
  put(view, "themes", std::move(themes));
  return view;
}

View cause_view(const model::Site& site, const model::CauseOccurrences& cause, const model::Settings& settings) {
  const std::string root = "../../";
  View view = page_view(settings, root, cause.title);
  put(view, "id", cause.id);
  put(view, "title", cause.title);
  put(view, "description", cause.description);
  put(view, "count", std::to_string(cause.incident_ids.size()));
  put(view, "first_seen", cause.first_seen ? View(model::to_iso(*cause.first_seen)) : View(false));
  put(view, "last_seen", cause.last_seen ? View(model::to_iso(*cause.last_seen)) : View(false));
  put(view, "services", string_list(cause.services));
  put(view, "has_services", !cause.services.empty());
  std::string intervals;
  for (int days : cause.intervals_days) intervals += (intervals.empty() ? "" : ", ") + std::to_string(days) + " d";
  put(view, "intervals", text_or_false(intervals));
  if (!cause.intervals_days.empty()) {
    std::vector<int> sorted = cause.intervals_days;
    std::sort(sorted.begin(), sorted.end());
    put(view, "median_interval", std::to_string(sorted[sorted.size() / 2]) + " days");
  } else {
    put(view, "median_interval", false);
  }
  put(view, "open_actions", std::to_string(cause.open_actions));
  put(view, "done_actions", std::to_string(cause.done_actions));
  list incidents;
  incidents.reserve(cause.incident_ids.size());
  list actions;
  std::size_t action_count = 0;
  for (const auto& id : cause.incident_ids) {
    if (const auto* entry = site.find(id)) action_count += entry->incident.action_items.size();
  }
  actions.reserve(action_count);
  bool any_recurred = false;
  for (const auto& id : cause.incident_ids) {
    const auto* entry = site.find(id);
    if (!entry) continue;
    View row = incident_row(*entry, root);
    for (const auto& match : entry->causes) {
      if (match.id == cause.id) put(row, "evidence", match.evidence);
    }
    const bool recurred = std::find(entry->recurred_after_fixes.begin(), entry->recurred_after_fixes.end(), cause.id) !=
                          entry->recurred_after_fixes.end();
    put(row, "recurred_after_fixes", std::move(recurred));
    any_recurred = any_recurred || recurred;
    incidents.push_back(std::move(row));
    for (const auto& item : entry->incident.action_items) {
      View a = object{};
      put(a, "text", item.text);
      put(a, "owner", text_or_false(item.owner));
      put(a, "status", std::string(model::to_string(item.status)));
      put(a, "incident_title", entry->incident.title);
      put(a, "incident_url", root + model::incident_url(entry->incident));
      actions.push_back(std::move(a));
    }
  }
  put(view, "incidents", std::move(incidents));
  put(view, "any_recurred", any_recurred);
  put(view, "has_actions", !actions.empty());
  put(view, "actions", std::move(actions));
  return view;
}

}  // namespace pmkb::render
