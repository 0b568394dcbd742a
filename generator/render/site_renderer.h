// Stage 5, render: the analyzed site -> the HTML pages and static assets of the theme.
#pragma once

#include <vector>

#include "diag/diagnostics.h"
#include "model/output_file.h"
#include "model/settings.h"
#include "model/site.h"
#include "render/theme.h"

namespace pmkb::render {

// Renders index.html, incidents/<slug>/index.html, causes/index.html, causes/<id>/index.html,
// 404.html and the theme's static files, sorted by path. Rendering errors in a template
// are reported as `template-error` diagnostics and the page is skipped.
std::vector<model::OutputFile> render_site(const model::Site& site, const model::Settings& settings,
                                           const Theme& theme, diag::Diagnostics& diagnostics);

}  // namespace pmkb::render
