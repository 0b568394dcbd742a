#include "render/site_renderer.h"

#include <algorithm>
#include <map>

#include "render/library_views.h"
#include "render/views.h"

namespace pmkb::render {

namespace {

using kainjow::mustache::mustache;
using kainjow::mustache::partial;

// Compiles each template once and renders many pages with it.
class PageRenderer {
 public:
  PageRenderer(const Theme& theme, diag::Diagnostics& diagnostics) : theme_(theme), diagnostics_(diagnostics) {}

  void render(const std::string& template_name, View view, const std::string& path, std::vector<model::OutputFile>& out) {
    auto it = theme_.templates.find(template_name);
    if (it == theme_.templates.end()) {
      report(template_name, "theme has no template \"" + template_name + ".mustache\"");
      return;
    }
    for (const auto& [name, text] : theme_.partials) {
      const std::string* body = &text;
      view.set(name, partial([body] { return *body; }));
    }
    auto [cached, inserted] = compiled_.try_emplace(template_name, it->second);
    mustache& compiled = cached->second;
    std::string html = compiled.render(view);
    if (!compiled.is_valid()) {
      report(template_name, "cannot render " + path + ": " + compiled.error_message());
      return;
    }
    out.push_back({path, std::move(html)});
  }

 private:
  void report(const std::string& template_name, std::string message) {
    auto origin = theme_.origins.find("template:" + template_name);
    diagnostics_.report(diag::Level::Error, {origin != theme_.origins.end() ? origin->second : template_name, 0, 0},
                        std::move(message), "template-error");
  }

  const Theme& theme_;
  diag::Diagnostics& diagnostics_;
  std::map<std::string, mustache> compiled_;
};

}  // namespace

std::vector<model::OutputFile> render_site(const model::Site& site, const model::Settings& settings, const Theme& theme,
                                           diag::Diagnostics& diagnostics) {
  std::vector<model::OutputFile> out;
  PageRenderer pages(theme, diagnostics);
  pages.render("index", index_view(site, settings), "index.html", out);
  for (const auto& entry : site.incidents) {
    auto [body, missing] = link_postmortems(entry.incident.body_html, entry.incident.source, site);
    View view = incident_view(site, entry, settings);
    view.set("body_html", std::move(body));
    pages.render("incident", std::move(view), model::incident_url(entry.incident) + "index.html", out);
    for (const auto& target : missing) {
      diagnostics.report(diag::Level::Warning, {entry.incident.source, 1, 1},
                         "link to \"" + target + "\" names a postmortem that is not in the library, so it links nowhere; "
                         "fix the path or link to a full URL", "broken-link");
    }
  }
  pages.render("causes", causes_index_view(site, settings), "causes/index.html", out);
  for (const auto& cause : site.causes) {
    pages.render("cause", cause_view(site, cause, settings), "causes/" + cause.id + "/index.html", out);
  }
  for (const auto& [kind, folder] : {std::pair{"service", "services"}, std::pair{"year", "years"}, std::pair{"severity", "severity"}}) {
    const std::vector<Listing> listings = listings_by(site, kind);
    pages.render("listings", listings_index_view(listings, kind, settings), std::string(folder) + "/index.html", out);
    for (const auto& listing : listings) {
      const std::string dir = std::string(folder) + "/" + listing.slug + "/";
      pages.render("listing", listing_view(site, listing, settings), dir + "index.html", out);
      if (std::string_view(kind) == "service") out.push_back({dir + "index.json", service_json(listing)});
    }
  }
  pages.render("actions", actions_view(site, settings), "actions/index.html", out);
  pages.render("insights", insights_view(site, settings), "insights/index.html", out);
  pages.render("404", page_view(settings, "", "Page not found"), "404.html", out);
  pages.render("search", page_view(settings, "../", "Search"), "search/index.html", out);
  out.push_back({"feed.xml", atom_feed(site, settings)});
  out.push_back({"sitemap.xml", sitemap(out, settings)});
  for (const auto& [path, bytes] : theme.assets) out.push_back({path, bytes});
  std::sort(out.begin(), out.end(), [](const model::OutputFile& a, const model::OutputFile& b) { return a.path < b.path; });
  return out;
}

}  // namespace pmkb::render
