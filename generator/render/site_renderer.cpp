#include "render/site_renderer.h"

#include <algorithm>
#include <map>
#include <optional>

#include "parallel/parallel.h"

#include "render/library_views.h"
#include "render/views.h"

namespace pmkb::render {

namespace {

using kainjow::mustache::mustache;
using kainjow::mustache::partial;

// Compiles each template once and renders many pages with it. One per worker thread.
class PageRenderer {
 public:
  explicit PageRenderer(const Theme& theme) : theme_(&theme) {}

  // The page, or nothing (and a `template-error`) when the template is missing or fails.
  std::optional<std::string> render(const std::string& template_name, View view, const std::string& path,
                                    diag::Diagnostics& diagnostics) {
    auto it = theme_->templates.find(template_name);
    if (it == theme_->templates.end()) {
      report(template_name, "theme has no template \"" + template_name + ".mustache\"", diagnostics);
      return std::nullopt;
    }
    for (const auto& [name, text] : theme_->partials) {
      const std::string* body = &text;
      put(view, name, partial([body] { return *body; }));
    }
    auto [cached, inserted] = compiled_.try_emplace(template_name, it->second);
    mustache& compiled = cached->second;
    std::string html = compiled.render(view);
    if (!compiled.is_valid()) {
      report(template_name, "cannot render " + path + ": " + compiled.error_message(), diagnostics);
      return std::nullopt;
    }
    return html;
  }

 private:
  void report(const std::string& template_name, std::string message, diag::Diagnostics& diagnostics) const {
    auto origin = theme_->origins.find("template:" + template_name);
    diagnostics.report(diag::Level::Error, {origin != theme_->origins.end() ? origin->second : template_name, 0, 0},
                       std::move(message), "template-error");
  }

  const Theme* theme_;
  std::map<std::string, mustache> compiled_;
};

// Hands rendered files to the sink and remembers the pages' paths for the sitemap.
class Emitter {
 public:
  Emitter(const model::FileSink& sink, const Theme& theme, diag::Diagnostics& diagnostics)
      : sink_(sink), renderer_(theme), diagnostics_(diagnostics) {}

  void page(const std::string& template_name, View view, const std::string& path) {
    if (auto html = renderer_.render(template_name, std::move(view), path, diagnostics_)) file(path, std::move(*html));
  }
  void file(const std::string& path, std::string bytes) {
    paths_.push_back(path);
    sink_({path, std::move(bytes)});
  }
  std::vector<std::string>& paths() { return paths_; }

 private:
  const model::FileSink& sink_;
  PageRenderer renderer_;
  diag::Diagnostics& diagnostics_;
  std::vector<std::string> paths_;
};

// The incident pages, on the worker pool: each worker renders with its own compiled
// templates, and each page reports into its own sink, merged in incident order. A page that
// `earlier` holds with the same digest is kept instead of rendered.
PageDigests render_incident_pages(const model::Site& site, const model::Settings& settings, const Theme& theme, unsigned jobs,
                                  const model::FileSink& sink, const EarlierPages& earlier, std::vector<std::string>& paths,
                                  diag::Diagnostics& diagnostics) {
  std::vector<PageRenderer> renderers(std::max(1u, jobs), PageRenderer(theme));
  std::vector<diag::Diagnostics> found(site.incidents.size());
  std::vector<std::string> written(site.incidents.size());  // each page's path, once it is written
  std::vector<std::uint64_t> digests(site.incidents.size());
  parallel::for_each_index_by_worker(site.incidents.size(), jobs, [&](std::size_t worker, std::size_t i) {
    const model::AnalyzedIncident& entry = site.incidents[i];
    auto [body, missing] = link_postmortems(entry.incident.body_html.text(), entry.incident.source, site);
    const std::string path = model::incident_url(entry.incident) + "index.html";
    digests[i] = incident_page_digest(site, entry, body);
    const auto before = earlier.digests.find(path);
    if (before != earlier.digests.end() && before->second == digests[i] && earlier.keep && earlier.keep(path)) {
      written[i] = path;
    } else {
      View view = incident_view(site, entry, settings);
      put(view, "body_html", std::move(body));
      if (auto html = renderers[worker].render("incident", std::move(view), path, found[i])) {
        sink({path, std::move(*html)});
        written[i] = path;
      }
    }
    constexpr std::size_t kReported = 10;  // per incident; a pasted page of links is one problem
    for (std::size_t m = 0; m < std::min(missing.size(), kReported); ++m) {
      found[i].report(diag::Level::Warning, {entry.incident.source, 1, 1},
                      "link to \"" + missing[m] + "\" names a postmortem that is not in the library, so it links nowhere; "
                      "fix the path or link to a full URL", "broken-link");
    }
    if (missing.size() > kReported) {
      found[i].report(diag::Level::Warning, {entry.incident.source, 1, 1},
                      std::to_string(missing.size() - kReported) + " more links name postmortems that are not in the library",
                      "broken-link");
    }
  });
  PageDigests made;
  for (std::size_t i = 0; i < site.incidents.size(); ++i) {
    if (!written[i].empty()) {
      made.emplace(written[i], digests[i]);
      paths.push_back(std::move(written[i]));
    }
    diagnostics.merge(std::move(found[i]));
  }
  return made;
}

}  // namespace

PageDigests render_site(const model::Site& site, const model::Settings& settings, const Theme& theme, unsigned jobs,
                        const model::FileSink& sink, diag::Diagnostics& diagnostics, const EarlierPages& earlier) {
  Emitter out(sink, theme, diagnostics);
  out.page("index", index_view(site, settings), "index.html");
  PageDigests digests = render_incident_pages(site, settings, theme, jobs, sink, earlier, out.paths(), diagnostics);
  out.page("causes", causes_index_view(site, settings), "causes/index.html");
  for (const auto& cause : site.causes) out.page("cause", cause_view(site, cause, settings), "causes/" + cause.id + "/index.html");
  for (const auto& [kind, folder] : {std::pair{"service", "services"}, std::pair{"year", "years"}, std::pair{"severity", "severity"}}) {
    const std::vector<Listing> listings = listings_by(site, kind);
    out.page("listings", listings_index_view(listings, kind, settings), std::string(folder) + "/index.html");
    for (const auto& listing : listings) {
      const std::string dir = std::string(folder) + "/" + listing.slug + "/";
      out.page("listing", listing_view(site, listing, settings), dir + "index.html");
      if (std::string_view(kind) == "service") out.file(dir + "index.json", service_json(listing));
    }
  }
  out.page("actions", actions_view(site, settings), "actions/index.html");
  out.page("insights", insights_view(site, settings), "insights/index.html");
  out.page("404", page_view(settings, "", "Page not found"), "404.html");
  out.page("search", page_view(settings, "../", "Search"), "search/index.html");
  out.file("feed.xml", atom_feed(site, settings));
  std::vector<std::string> pages = out.paths();
  std::sort(pages.begin(), pages.end());
  out.file("sitemap.xml", sitemap(pages, settings));
  for (const auto& [path, bytes] : theme.assets) out.file(path, bytes);
  return digests;
}

}  // namespace pmkb::render
