#include "render/site_renderer.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <type_traits>

#include "parallel/parallel.h"

#include "render/library_views.h"
#include "render/views.h"
#include "text/digest.h"

namespace pmkb::render {

namespace {

using kainjow::mustache::mustache;
using kainjow::mustache::partial;

// Compiles each template once, with its partials inlined, and renders many pages with it.
// One per worker thread.
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
    auto cached = compiled_.find(template_name);
    if (cached == compiled_.end()) {
      cached = compiled_.try_emplace(template_name, inline_partials(it->second, theme_->partials)).first;
      cached->second.set_custom_escape(escape_html);
    }
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

// Hands files to the sink and remembers their paths, for the sitemap.
class Emitter {
 public:
  explicit Emitter(const model::FileSink& sink) : sink_(sink) {}

  void file(const std::string& path, std::string bytes) {
    paths_.push_back(path);
    sink_({path, std::move(bytes)});
  }
  std::vector<std::string>& paths() { return paths_; }

 private:
  const model::FileSink& sink_;
  std::vector<std::string> paths_;
};

// Whether the page at `path` is kept from the earlier build: its digest is the same as then,
// and its file could be kept.
bool kept_from(const EarlierPages& earlier, const std::string& path, std::uint64_t digest) {
  const auto before = earlier.digests.find(path);
  return before != earlier.digests.end() && before->second == digest && earlier.keep && earlier.keep(path);
}

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
    const std::string path = model::incident_url(entry.incident) + "index.html";
    digests[i] = incident_page_digest(site, entry);
    if (kept_from(earlier, path, digests[i])) {
      written[i] = path;
    } else {
      View view = incident_view(site, entry, settings);
      put(view, "body_html", link_postmortems(entry.incident, site));
      if (auto html = renderers[worker].render("incident", std::move(view), path, found[i])) {
        sink({path, std::move(*html)});
        written[i] = path;
      }
    }
    std::vector<std::string> missing;
    for (const auto& link : entry.incident.postmortem_links) {
      if (!linked_page(site, link)) missing.push_back(link.href);
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

// A page other than an incident's: its template, how to make its view, and its path; for a
// page that lists incidents, how to digest what it reads of them (none: always rendered).
struct LibraryPage {
  std::string template_name;
  std::function<View()> make_view;
  std::string path;
  std::function<std::uint64_t()> digest = {};
};

// What listing pages read of each incident (listed_incident_digest), by its index in
// site.incidents: made once, on the pool, for the many pages that list each incident.
class ListedDigests {
 public:
  ListedDigests(const model::Site& site, unsigned jobs)
      : site_(site), digests_(parallel::map_indexes(site.incidents.size(), jobs, [&site](std::size_t i) {
          return listed_incident_digest(site.incidents[i]);
        })) {}

  // The digest of the page at `path` that lists `incidents` (AnalyzedIncident of the site, or
  // pointers to them), in order.
  template <class Incidents>
  std::function<std::uint64_t()> page(std::string path, const Incidents& incidents) const {
    return [this, path = std::move(path), &incidents] {
      text::Digest digest;
      digest.add(path);
      for (const auto& entry : incidents) {
        if constexpr (std::is_pointer_v<std::decay_t<decltype(entry)>>) digest.add(of(*entry));
        else digest.add(of(entry));
      }
      return digest.value();
    };
  }

 private:
  std::uint64_t of(const model::AnalyzedIncident& entry) const { return digests_[static_cast<std::size_t>(&entry - site_.incidents.data())]; }

  const model::Site& site_;
  std::vector<std::uint64_t> digests_;
};

std::vector<LibraryPage> library_pages(const model::Site& site, const model::Settings& settings, const ListedDigests& listed) {
  std::vector<LibraryPage> pages;
  pages.push_back({"index", [&site, &settings] { return index_view(site, settings); }, "index.html", listed.page("index.html", site.incidents)});
  pages.push_back({"causes", [&site, &settings] { return causes_index_view(site, settings); }, "causes/index.html"});
  for (const auto& cause : site.causes) {
    const std::string path = "causes/" + cause.id + "/index.html";
    auto listed_here = std::make_shared<std::vector<const model::AnalyzedIncident*>>();
    for (const auto& id : cause.incident_ids) {
      if (const auto* entry = site.find(id)) listed_here->push_back(entry);
    }
    pages.push_back({"cause", [&site, &settings, &cause] { return cause_view(site, cause, settings); }, path,
                     [&listed, path, listed_here] { return listed.page(path, *listed_here)(); }});
  }
  for (const auto& kind_folder : {std::pair{"service", "services"}, std::pair{"year", "years"}, std::pair{"severity", "severity"}}) {
    const std::string kind = kind_folder.first;  // a copy: clang before 16 cannot capture a structured binding
    const std::string folder = kind_folder.second;
    auto listings = std::make_shared<const std::vector<Listing>>(listings_by(site, kind));
    pages.push_back({"listings", [&settings, listings, kind] { return listings_index_view(*listings, kind, settings); },
                     folder + "/index.html"});
    for (const auto& listing : *listings) {
      const std::string path = folder + "/" + listing.slug + "/index.html";
      pages.push_back({"listing", [&site, &settings, &listing, listings] { return listing_view(site, listing, settings); }, path,
                       listed.page(path, listing.incidents)});
    }
  }
  pages.push_back({"actions", [&site, &settings] { return actions_view(site, settings); }, "actions/index.html",
                   listed.page("actions/index.html", site.incidents)});
  pages.push_back({"insights", [&site, &settings] { return insights_view(site, settings); }, "insights/index.html"});
  pages.push_back({"404", [&settings] { return page_view(settings, "", "Page not found"); }, "404.html"});
  pages.push_back({"search", [&settings] { return page_view(settings, "../", "Search"); }, "search/index.html"});
  return pages;
}

}  // namespace

PageDigests render_site(const model::Site& site, const model::Settings& settings, const Theme& theme, unsigned jobs,
                        const model::FileSink& sink, diag::Diagnostics& diagnostics, const EarlierPages& earlier) {
  Emitter out(sink);
  PageDigests digests = render_incident_pages(site, settings, theme, jobs, sink, earlier, out.paths(), diagnostics);
  // The other pages, on the pool too: the cause and listing pages of a large library are tens
  // of megabytes of HTML. Each page reports into its own sink, merged in page order.
  const ListedDigests listed(site, jobs);
  std::vector<LibraryPage> pages = library_pages(site, settings, listed);
  std::vector<PageRenderer> renderers(std::max(1u, jobs), PageRenderer(theme));
  std::vector<diag::Diagnostics> found(pages.size());
  std::vector<char> written(pages.size(), 0);  // not vector<bool>: its bits share words across threads
  std::vector<std::optional<std::uint64_t>> page_digests(pages.size());
  parallel::for_each_index_by_worker(pages.size(), jobs, [&](std::size_t worker, std::size_t i) {
    const LibraryPage& page = pages[i];
    if (page.digest) page_digests[i] = page.digest();
    if (page_digests[i] && kept_from(earlier, page.path, *page_digests[i])) {
      written[i] = 1;
    } else if (auto html = renderers[worker].render(page.template_name, page.make_view(), page.path, found[i])) {
      sink({page.path, std::move(*html)});
      written[i] = 1;
    }
  });
  for (std::size_t i = 0; i < pages.size(); ++i) {
    if (written[i] != 0) {
      out.paths().push_back(pages[i].path);
      if (page_digests[i]) digests.emplace(pages[i].path, *page_digests[i]);
    }
    diagnostics.merge(std::move(found[i]));
  }
  // Each service's JSON reads what its listing page reads: kept by the same digest.
  for (const auto& listing : listings_by(site, "service")) {
    const std::string path = "services/" + listing.slug + "/index.json";
    const std::uint64_t digest = listed.page(path, listing.incidents)();
    if (kept_from(earlier, path, digest)) {
      out.paths().push_back(path);
    } else {
      out.file(path, service_json(listing));
    }
    digests.emplace(path, digest);
  }
  out.file("feed.xml", atom_feed(site, settings));
  std::vector<std::string> paths = out.paths();
  std::sort(paths.begin(), paths.end());
  out.file("sitemap.xml", sitemap(paths, settings));
  for (const auto& [path, bytes] : theme.assets) out.file(path, bytes);
  return digests;
}

}  // namespace pmkb::render
