// Stage 5, render: the analyzed site -> the HTML pages and static assets of the theme.
#pragma once

#include <functional>

#include "diag/diagnostics.h"
#include "model/output_file.h"
#include "model/settings.h"
#include "model/site.h"
#include "render/theme.h"

namespace pmkb::render {

// Receives each rendered file as soon as it is ready; called from several threads at once.
using FileSink = std::function<void(model::OutputFile)>;

// Renders index.html, incidents/<slug>/index.html (on `jobs` threads), the cause, listing,
// actions, insights, search and 404 pages, feed.xml, sitemap.xml and the theme's static
// files, handing each to `sink` rather than keeping them: no page outlives its write.
// Rendering errors in a template are reported as `template-error` diagnostics and the page
// is skipped. The diagnostics do not depend on `jobs`.
void render_site(const model::Site& site, const model::Settings& settings, const Theme& theme, unsigned jobs,
                 const FileSink& sink, diag::Diagnostics& diagnostics);

}  // namespace pmkb::render
