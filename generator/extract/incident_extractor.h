// Stage 3, extract: one parsed postmortem -> model::Incident, with provenance and lint.
#pragma once

#include <optional>

#include "content/front_matter.h"
#include "content/loader.h"
#include "diag/diagnostics.h"
#include "markdown/parsed_document.h"
#include "model/incident.h"
#include "model/settings.h"

namespace pmkb::extract {

// Whether the incident keeps its body (HTML and plain text, deflated) for render and index, or
// drops it, as `pmkb lint` does: it renders and indexes nothing, and deflating costs CPU.
enum class Body { Keep, Drop };

// Builds the incident model of PRODUCT.md §3 from front matter first, then the body.
// Front matter wins over inference; a disagreement between date sources is a
// `date-conflict` warning. Fields the document does not support stay empty.
// Returns nullopt (and an `empty-document` warning) for a document with no content.
// Content problems are reported to `diagnostics` at source:line:col; nothing throws.
std::optional<model::Incident> extract_incident(const content::SourceFile& source,
                                                const content::SplitDocument& split,
                                                const markdown::ParsedDocument& doc,
                                                const model::Settings& settings,
                                                diag::Diagnostics& diagnostics, Body body = Body::Keep);

}  // namespace pmkb::extract
