// Stage 5, render: the analyzed site -> the HTML pages and static assets of the theme.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "diag/diagnostics.h"
#include "model/output_file.h"
#include "model/settings.h"
#include "model/site.h"
#include "render/theme.h"

namespace pmkb::render {

// What each incident page, and each page that lists incidents, was rendered from
// (incident_page_digest, and a listing page's path with listed_incident_digest of each incident
// it lists), by its path.
using PageDigests = std::map<std::string, std::uint64_t, std::less<>>;

// The pages of an earlier build, made with the same settings, theme and pmkb. A page whose
// digest is the same as then is not rendered again: keep(path) keeps the earlier file,
// or returns false when it cannot, and the page is rendered after all. Called from several
// threads at once.
struct EarlierPages {
  PageDigests digests;
  std::function<bool(const std::string& path)> keep;
};

// Renders index.html, incidents/<slug>/index.html (on `jobs` threads), the cause, listing,
// actions, insights, search and 404 pages, feed.xml, sitemap.xml and the theme's static
// files, handing each to `sink` rather than keeping them: no page outlives its write.
// Rendering errors in a template are reported as `template-error` diagnostics and the page
// is skipped. The diagnostics do not depend on `jobs`, nor on which pages `earlier` kept.
// Returns the pages' digests, for the next build's EarlierPages.
PageDigests render_site(const model::Site& site, const model::Settings& settings, const Theme& theme, unsigned jobs,
                        const model::FileSink& sink, diag::Diagnostics& diagnostics, const EarlierPages& earlier = {});

}  // namespace pmkb::render
