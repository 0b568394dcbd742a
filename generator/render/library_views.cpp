#include "render/library_views.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <array>
#include <optional>
#include <set>

#include "text/text.h"

namespace pmkb::render {

using kainjow::mustache::list;
using kainjow::mustache::object;

namespace {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string number(double value, int decimals = 0) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::optional<model::CivilDate> newest_date(const model::Site& site) {
  for (const auto& entry : site.incidents) {
    if (entry.incident.date) return entry.incident.date;  // newest first
  }
  return std::nullopt;
}

/*** SVG charts: drawn at build time, with a title and a data table for screen readers ***/

struct Bar {
  std::string label;
  double value = 0;
};

std::string horizontal_bars(const std::string& title, const std::vector<Bar>& bars, const std::string& css_class) {
  const double max = bars.empty() ? 1 : std::max(1.0, std::max_element(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.value < b.value; })->value);
  const int row = 22;
  const int height = static_cast<int>(bars.size()) * row + 8;
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 640 " + std::to_string(height) + "\" role=\"img\" aria-labelledby=\"t-" +
                    css_class + "\"><title id=\"t-" + css_class + "\">" + xml_escape(title) + "</title>";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const int y = static_cast<int>(i) * row + 4;
    const double width = 380 * bars[i].value / max;
    svg += "<text x=\"200\" y=\"" + std::to_string(y + 14) + "\" text-anchor=\"end\" class=\"label\">" +
           xml_escape(text::truncate_utf8(bars[i].label, 28)) + "</text>";
    svg += "<rect x=\"208\" y=\"" + std::to_string(y + 2) + "\" width=\"" + number(width, 1) + "\" height=\"16\" class=\"bar " + css_class + "\"/>";
    svg += "<text x=\"" + number(214 + width, 1) + "\" y=\"" + std::to_string(y + 14) + "\" class=\"value\">" + number(bars[i].value) + "</text>";
  }
  return svg + "</svg>";
}

View table_of(const std::vector<Bar>& bars) {
  list rows;
  rows.reserve(bars.size());
  for (const auto& bar : bars) {
    View r = object{};
    put(r, "label", bar.label);
    put(r, "value", number(bar.value));
    rows.push_back(std::move(r));
  }
  return make_list(std::move(rows));
}

// Incidents per month, stacked by severity, over the last 24 months of the library.
std::string monthly_chart(const model::Site& site, std::vector<Bar>& table) {
  const auto newest = newest_date(site);
  if (!newest) return "";
  std::vector<std::pair<int, int>> months;  // year, month (oldest first)
  for (int back = 23; back >= 0; --back) {
    int month = newest->month - back;
    int year = newest->year;
    while (month <= 0) { month += 12; --year; }
    months.emplace_back(year, month);
  }
  std::map<std::pair<int, int>, std::array<int, 5>> counts;
  for (const auto& entry : site.incidents) {
    if (!entry.incident.date) continue;
    const auto key = std::pair{entry.incident.date->year, entry.incident.date->month};
    const int severity = entry.incident.severity ? static_cast<int>(*entry.incident.severity) - 1 : 4;
    ++counts[key][static_cast<std::size_t>(severity)];
  }
  int max = 1;
  for (const auto& m : months) {
    int total = 0;
    for (int c : counts[m]) total += c;
    max = std::max(max, total);
  }
  const double width = 26;
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 660 220\" role=\"img\" aria-labelledby=\"t-monthly\"><title id=\"t-monthly\">"
                    "Incidents per month by severity, last 24 months</title>";
  static const char* kClasses[] = {"sev1", "sev2", "sev3", "sev4", "sev-unknown"};
  for (std::size_t i = 0; i < months.size(); ++i) {
    const auto& counts_of = counts[months[i]];
    double y = 190;
    int total = 0;
    for (std::size_t s = 0; s < 5; ++s) {
      if (counts_of[s] == 0) continue;
      const double h = 170.0 * counts_of[s] / max;
      y -= h;
      svg += "<rect x=\"" + number(20 + static_cast<double>(i) * width, 1) + "\" y=\"" + number(y, 1) + "\" width=\"" + number(width - 4, 1) +
             "\" height=\"" + number(h, 1) + "\" class=\"bar " + kClasses[s] + "\"/>";
      total += counts_of[s];
    }
    if (i % 3 == 0) {
      svg += "<text x=\"" + number(20 + static_cast<double>(i) * width, 1) + "\" y=\"208\" class=\"label\">" +
             std::to_string(months[i].first % 100) + "-" + (months[i].second < 10 ? "0" : "") + std::to_string(months[i].second) + "</text>";
    }
    table.push_back({std::to_string(months[i].first) + "-" + (months[i].second < 10 ? "0" : "") + std::to_string(months[i].second), static_cast<double>(total)});
  }
  return svg + "</svg>";
}

// <option> values (lower case) and labels for a filter menu.
View options_of(const std::set<std::string>& values) {
  list out;
  out.reserve(values.size());
  for (const auto& v : values) {
    View option = object{};
    put(option, "value", text::to_lower(v));
    put(option, "label", v);
    out.push_back(std::move(option));
  }
  return make_list(std::move(out));
}

}  // namespace

long days_between(const model::CivilDate& from, const model::CivilDate& to) {
  return model::days_from_civil(to) - model::days_from_civil(from);
}

std::vector<Listing> listings_by(const model::Site& site, const std::string& kind) {
  std::map<std::string, Listing> groups;
  for (const auto& entry : site.incidents) {
    std::vector<std::string> values;
    if (kind == "service") values = entry.incident.services;
    if (kind == "year" && entry.incident.date) values.push_back(std::to_string(entry.incident.date->year));
    if (kind == "severity") values.push_back(entry.incident.severity ? std::string(model::to_string(*entry.incident.severity)) : "unknown");
    for (const auto& value : values) {
      const std::string slug = text::slugify(value);
      auto& group = groups[slug];
      if (group.value.empty()) group = {kind, value, slug, {}};
      group.incidents.push_back(&entry);
    }
  }
  std::vector<Listing> out;
  for (auto& [slug, group] : groups) out.push_back(std::move(group));
  return out;
}

View listing_view(const model::Site& site, const Listing& listing, const model::Settings& settings) {
  const std::string root = "../../";
  const std::string heading = listing.kind == "service" ? "Service: " + listing.value
                              : listing.kind == "year"  ? "Incidents in " + listing.value
                                                        : "Severity " + listing.value;
  View view = page_view(settings, root, heading);
  put(view, "heading", heading);
  list rows;
  rows.reserve(listing.incidents.size());
  std::map<std::string, int> causes;
  for (const auto* entry : listing.incidents) {
    rows.push_back(incident_row(*entry, root));
    for (const auto& c : entry->causes) ++causes[c.id];
  }
  put(view, "incidents", std::move(rows));
  put(view, "count", std::to_string(listing.incidents.size()));
  list recurring;
  recurring.reserve(causes.size());
  for (const auto& [id, n] : causes) {
    if (n < 2) continue;
    const auto* cause = site.taxonomy.find(id);
    View c = object{};
    put(c, "title", cause ? cause->title : id);
    put(c, "url", root + "causes/" + id + "/");
    put(c, "count", std::to_string(n));
    recurring.push_back(std::move(c));
  }
  put(view, "has_recurring", !recurring.empty());
  put(view, "recurring", std::move(recurring));
  put(view, "json_url", listing.kind == "service" ? View("index.json") : View(false));
  return view;
}

View listings_index_view(const std::vector<Listing>& listings, const std::string& kind, const model::Settings& settings) {
  View view = page_view(settings, "../", kind == "service" ? "Services" : kind == "year" ? "Years" : "Severities");
  list items;
  items.reserve(listings.size());
  for (const auto& listing : listings) {
    View item = object{};
    put(item, "value", listing.value);
    put(item, "url", listing.slug + "/");
    put(item, "count", std::to_string(listing.incidents.size()));
    items.push_back(std::move(item));
  }
  put(view, "heading", kind == "service" ? "Services" : kind == "year" ? "Incidents by year" : "Incidents by severity");
  put(view, "items", std::move(items));
  return view;
}

View actions_view(const model::Site& site, const model::Settings& settings) {
  const std::string root = "../";
  View view = page_view(settings, root, "Action items");
  const auto newest = newest_date(site);
  std::vector<std::pair<const model::AnalyzedIncident*, std::size_t>> items;  // (incident, action index)
  std::set<std::string> owners;
  std::set<std::string> services;
  int open = 0, done = 0, unknown = 0;
  for (const auto& entry : site.incidents) {
    services.insert(entry.incident.services.begin(), entry.incident.services.end());
    for (std::size_t a = 0; a < entry.incident.action_items.size(); ++a) {
      const model::ActionItem& item = entry.incident.action_items[a];
      if (!item.owner.empty()) owners.insert(item.owner);
      if (item.status == model::ActionStatus::Open) ++open;
      else if (item.status == model::ActionStatus::Done) ++done;
      else ++unknown;
      items.emplace_back(&entry, a);
    }
  }
  // A large library has hundreds of thousands of actions: their rows are made as the page renders.
  const std::size_t count = items.size();
  put_streamed(view, "actions", count, [items = std::move(items), root, newest](std::size_t begin, std::size_t end) {
    list rows;
    rows.reserve(end - begin);
    for (std::size_t k = begin; k < end; ++k) {
      const model::Incident& incident = items[k].first->incident;
      const model::ActionItem& item = incident.action_items[items[k].second];
      std::string service_list;
      for (const auto& s : incident.services) service_list += (service_list.empty() ? "" : ", ") + s;
      View row = object{};
      put(row, "text", item.text);
      put(row, "owner", item.owner.empty() ? View(false) : View(item.owner));
      put(row, "owner_key", item.owner.empty() ? std::string("none") : text::to_lower(item.owner));
      put(row, "status", std::string(model::to_string(item.status)));
      put(row, "service_keys", text::to_lower(service_list));
      put(row, "service", std::move(service_list));
      put(row, "incident_title", incident.title);
      put(row, "incident_url", root + model::incident_url(incident));
      const bool is_open = item.status == model::ActionStatus::Open;
      put(row, "age", is_open && incident.date && newest ? View(std::to_string(days_between(*incident.date, *newest)) + " d") : View(false));
      rows.push_back(std::move(row));
    }
    return rows;
  });
  put(view, "open", std::to_string(open));
  put(view, "done", std::to_string(done));
  put(view, "unknown", std::to_string(unknown));
  put(view, "as_of", newest ? View(model::to_iso(*newest)) : View(false));
  put(view, "owners", options_of(owners));
  put(view, "services", options_of(services));
  return view;
}

View insights_view(const model::Site& site, const model::Settings& settings) {
  View view = page_view(settings, "../", "Insights");
  std::vector<Bar> monthly;
  put(view, "monthly_svg", monthly_chart(site, monthly));
  put(view, "monthly_table", table_of(monthly));

  // Durations are skewed: medians and percentiles tell the truth, a mean does not.
  std::vector<int> durations;
  for (const auto& e : site.incidents) {
    if (e.incident.duration_minutes) durations.push_back(*e.incident.duration_minutes);
  }
  std::sort(durations.begin(), durations.end());
  const auto percentile = [&](double p) { return durations[static_cast<std::size_t>(p * static_cast<double>(durations.size() - 1))]; };
  put(view, "duration_count", std::to_string(durations.size()));
  put(view, "median_duration", durations.empty() ? View(false) : View(format_duration(percentile(0.5))));
  put(view, "p90_duration", durations.empty() ? View(false) : View(format_duration(percentile(0.9))));
  const std::pair<int, const char*> kBuckets[] = {{15, "under 15 min"}, {30, "15-30 min"}, {60, "30-60 min"}, {120, "1-2 h"},
                                                  {240, "2-4 h"}, {480, "4-8 h"}, {1440, "8-24 h"}, {1 << 30, "over a day"}};
  std::vector<Bar> histogram;
  for (const auto& [limit, label] : kBuckets) histogram.push_back({label, 0});
  for (int d : durations) {
    for (std::size_t b = 0; b < std::size(kBuckets); ++b) {
      if (d < kBuckets[b].first) {
        ++histogram[b].value;
        break;
      }
    }
  }
  put(view, "duration_svg", horizontal_bars("Incidents by duration", histogram, "duration"));
  put(view, "duration_table", table_of(histogram));

  std::vector<Bar> causes;
  for (const auto& c : site.causes) causes.push_back({c.title, static_cast<double>(c.incident_ids.size())});
  std::stable_sort(causes.begin(), causes.end(), [](const Bar& a, const Bar& b) { return a.value > b.value; });
  if (causes.size() > 10) causes.resize(10);
  put(view, "causes_svg", horizontal_bars("Top causes", causes, "cause"));
  put(view, "causes_table", table_of(causes));

  std::map<std::string, int> service_counts;
  for (const auto& e : site.incidents) {
    for (const auto& s : e.incident.services) ++service_counts[s];
  }
  std::vector<Bar> services;
  for (const auto& [s, n] : service_counts) services.push_back({s, static_cast<double>(n)});
  std::stable_sort(services.begin(), services.end(), [](const Bar& a, const Bar& b) { return a.value > b.value; });
  if (services.size() > 10) services.resize(10);
  put(view, "services_svg", horizontal_bars("Top services", services, "service"));
  put(view, "services_table", table_of(services));
  put(view, "has_services", !services.empty());

  std::size_t classified = 0, recurring = 0, after_fixes = 0;
  for (const auto& e : site.incidents) {
    if (!e.causes.empty()) ++classified;
    const bool again = std::any_of(e.causes.begin(), e.causes.end(), [&](const model::CauseMatch& c) {
      for (const auto& occ : site.causes) {
        if (occ.id == c.id) return occ.incident_ids.size() > 1 && occ.incident_ids.front() != e.incident.id;
      }
      return false;
    });
    if (again) ++recurring;
    if (!e.recurred_after_fixes.empty()) ++after_fixes;
  }
  put(view, "classified", std::to_string(classified));
  put(view, "recurring", std::to_string(recurring));
  put(view, "recurrence_rate", classified ? number(100.0 * static_cast<double>(recurring) / static_cast<double>(classified)) + "%" : std::string("–"));
  put(view, "after_fixes", std::to_string(after_fixes));

  const auto newest = newest_date(site);
  std::vector<Bar> status = {{"done", 0}, {"open", 0}, {"unknown", 0}};
  std::vector<Bar> ages = {{"under 30 days", 0}, {"30-90 days", 0}, {"90-180 days", 0}, {"over 180 days", 0}};
  for (const auto& e : site.incidents) {
    for (const auto& a : e.incident.action_items) {
      const std::size_t s = a.status == model::ActionStatus::Done ? 0 : a.status == model::ActionStatus::Open ? 1 : 2;
      ++status[s].value;
      if (s == 1 && e.incident.date && newest) {
        const long age = days_between(*e.incident.date, *newest);
        ++ages[age < 30 ? 0 : age < 90 ? 1 : age < 180 ? 2 : 3].value;
      }
    }
  }
  const double total_actions = status[0].value + status[1].value + status[2].value;
  put(view, "completion", total_actions > 0 ? number(100.0 * status[0].value / total_actions) + "%" : std::string("–"));
  put(view, "actions_svg", horizontal_bars("Action items by status", status, "status"));
  put(view, "actions_table", table_of(status));
  put(view, "ages_svg", horizontal_bars("Open action items by age", ages, "age"));
  put(view, "ages_table", table_of(ages));
  put(view, "as_of", newest ? View(model::to_iso(*newest)) : View(false));
  put(view, "incident_count", std::to_string(site.incidents.size()));
  return view;
}

std::string service_json(const Listing& service) {
  nlohmann::ordered_json incidents = nlohmann::ordered_json::array();
  nlohmann::ordered_json open = nlohmann::ordered_json::array();
  std::map<std::string, int> causes;
  for (const auto* entry : service.incidents) {
    const auto& i = entry->incident;
    nlohmann::ordered_json ids = nlohmann::ordered_json::array();
    for (const auto& c : entry->causes) {
      ids.push_back(c.id);
      ++causes[c.id];
    }
    incidents.push_back({{"id", i.id}, {"title", i.title}, {"url", "../../" + model::incident_url(i)},
                         {"date", i.date ? nlohmann::ordered_json(model::to_iso(*i.date)) : nlohmann::ordered_json()},
                         {"severity", i.severity ? nlohmann::ordered_json(model::to_string(*i.severity)) : nlohmann::ordered_json()},
                         {"causes", ids}});
    for (const auto& a : i.action_items) {
      if (a.status == model::ActionStatus::Open) open.push_back({{"text", a.text}, {"owner", a.owner}, {"incident", i.id}});
    }
  }
  nlohmann::ordered_json recurring = nlohmann::ordered_json::array();
  for (const auto& [id, n] : causes) {
    if (n > 1) recurring.push_back({{"id", id}, {"count", n}});
  }
  const nlohmann::ordered_json out = {{"service", service.value}, {"incidents", incidents}, {"open_actions", open},
                                      {"recurring_causes", recurring}};
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string atom_feed(const model::Site& site, const model::Settings& settings) {
  const auto newest = newest_date(site);
  const std::string updated = (newest ? model::to_iso(*newest) : std::string("1970-01-01")) + "T00:00:00Z";
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  out += "  <title>" + xml_escape(settings.site_title) + "</title>\n  <id>" +
         xml_escape(settings.base_url.empty() ? "urn:pmkb:" + text::slugify(settings.site_title) : settings.base_url) + "</id>\n";
  out += "  <updated>" + updated + "</updated>\n";
  if (!settings.base_url.empty()) out += "  <link href=\"" + xml_escape(settings.base_url) + "\"/>\n";
  std::size_t written = 0;
  for (const auto& entry : site.incidents) {
    if (written++ >= 50) break;
    const auto& i = entry.incident;
    const std::string date = (i.date ? model::to_iso(*i.date) : std::string("1970-01-01")) + "T00:00:00Z";
    const std::string link = settings.base_url + model::incident_url(i);
    out += "  <entry>\n    <title>" + xml_escape(i.title) + "</title>\n    <id>urn:pmkb:incident:" + xml_escape(i.id) + "</id>\n";
    out += "    <updated>" + date + "</updated>\n    <link href=\"" + xml_escape(link) + "\"/>\n";
    if (!i.summary.empty()) out += "    <summary>" + xml_escape(text::truncate_utf8(i.summary, 600)) + "</summary>\n";
    out += "  </entry>\n";
  }
  return out + "</feed>\n";
}

std::string sitemap(const std::vector<std::string>& paths, const model::Settings& settings) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (std::string path : paths) {
    if (!path.ends_with(".html") || path == "404.html") continue;
    if (path.ends_with("index.html")) path.resize(path.size() - 10);
    out += "  <url><loc>" + xml_escape(settings.base_url + path) + "</loc></url>\n";
  }
  return out + "</urlset>\n";
}

}  // namespace pmkb::render
