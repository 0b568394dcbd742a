// A seeded generator of realistic postmortem libraries for benchmarks.
//
//   generate_library OUT_DIR COUNT [SEED]
//
// Writes COUNT postmortems (1-15 KB each, about 5 KB on average) in the format mix of the real
// corpus: YAML front matter (SRE-style and cState-style keys), TOML, or none with bold labels
// and headings; timelines as lists or tables; action items as checklists or tables; recurring
// root causes across services. The same seed always gives the same bytes.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

using Rng = std::mt19937_64;

const std::vector<std::string> kServices = {
    "checkout", "payments", "search", "auth", "api-gateway", "billing", "notifications", "inventory", "cdn",
    "postgres", "redis", "kafka", "elasticsearch", "kubernetes", "dns", "ci", "monitoring", "storage", "mail", "web"};

struct CauseText {
  const char* title;
  const char* root_cause;
  const char* trigger;
};

const std::vector<CauseText> kCauses = {
    {"Database replication misconfiguration", "A change to the replication configuration set a wrong parameter, so the replicas fell behind and the primary was overwhelmed.", "The configuration change was rolled out during peak traffic."},
    {"Redis AOF corruption", "The Redis append-only file was corrupted after the volume filled up, and Redis could not load the AOF on restart.", "A burst of writes filled the persistent volume."},
    {"Disk full on the data volume", "The data volume ran out of space; writes failed with ENOSPC because log rotation had stopped.", "A debug log level was left enabled."},
    {"Out of memory", "The pods were OOM killed after the new release doubled the memory used per request beyond the memory limit.", "The release went out to all regions at once."},
    {"Expired TLS certificate", "The TLS certificate expired because the automated Let's Encrypt renewal had been failing silently for weeks.", "Browsers rejected the expired certificate at midnight UTC."},
    {"DNS records deleted", "A cleanup script deleted DNS records that were still in use, so clients could not resolve the service.", "The script ran against the production zone."},
    {"Bad deploy", "A deployment introduced a regression in request validation that rejected valid requests.", "The canary stage was skipped."},
    {"Upstream provider outage", "Our cloud provider had an outage in one region, and the service had no failover to another region.", "The provider's load balancers failed."},
    {"Connection pool exhaustion", "The database connection pool was exhausted by slow queries holding connections, and requests timed out.", "A new report ran a full table scan."},
    {"Network partition", "A network partition between two zones split the cluster, and both halves accepted writes.", "A switch firmware upgrade dropped links."},
    {"Clock skew", "Clock skew between nodes broke token validation after NTP stopped on a subset of hosts.", "A firewall change blocked NTP."},
    {"Certificate authority change", "An intermediate certificate was missing from the chain after the CA changed, and older clients failed.", "The new chain was deployed without testing old clients."},
    {"Rate limit hit", "We hit the API rate limit of an upstream service after a retry storm multiplied our calls.", "Retries had no backoff."},
    {"Memory leak", "A memory leak in the worker grew until the process was killed every few hours.", "A library upgrade introduced the leak."},
    {"Manual deletion", "An operator accidentally deleted the production namespace while cleaning up a test environment.", "The kubectl context pointed at production."}};

const std::vector<std::string> kFiller = {
    "We first suspected the load balancer, but its metrics were normal.",
    "The on-call engineer was paged and started investigating within minutes.",
    "Error rates rose sharply across all regions.",
    "Customers reported failures through the support channel.",
    "The team rolled back the most recent change, which did not help.",
    "Dashboards showed latency climbing steadily before the failure.",
    "We added extra capacity while investigating.",
    "The incident channel was opened and the status page updated.",
    "Several teams joined the call to check their services.",
    "Monitoring did not alert on the underlying condition.",
    "The runbook for this failure was out of date.",
    "After the fix, we watched the metrics for an hour before closing the incident."};

template <typename T>
const T& pick(Rng& rng, const std::vector<T>& items) {
  return items[std::uniform_int_distribution<std::size_t>(0, items.size() - 1)(rng)];
}

int between(Rng& rng, int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng); }

std::string two(int n) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%02d", n);
  return buffer;
}

std::string paragraph(Rng& rng, int sentences) {
  std::string out;
  for (int i = 0; i < sentences; ++i) out += (i ? " " : "") + pick(rng, kFiller);
  return out;
}

std::string document(Rng& rng, int index) {
  const auto& cause = kCauses[static_cast<std::size_t>(between(rng, 0, static_cast<int>(kCauses.size()) - 1))];
  const std::string service = pick(rng, kServices);
  const int year = 2018 + between(rng, 0, 7);
  const int month = between(rng, 1, 12);
  const int day = between(rng, 1, 28);
  const int hour = between(rng, 0, 20);
  const int duration = between(rng, 5, 600);
  const std::string date = std::to_string(year) + "-" + two(month) + "-" + two(day);
  const std::string title = std::string(cause.title) + " in " + service + " (#" + std::to_string(index) + ")";
  const int format = between(rng, 0, 9);  // 0-3 YAML, 4 TOML, 5-9 none
  const char* severities[] = {"SEV1", "SEV2", "SEV3", "P2", "critical", "major", "minor"};
  std::string out;
  if (format <= 3) {
    out += "---\ntitle: \"" + title + "\"\nincident_id: INC-" + std::to_string(100000 + index) + "\nstarted_at: " + date +
           "T" + two(hour) + ":00:00Z\nseverity: " + severities[between(rng, 0, 6)] + "\nservices: [" + service + "]\n---\n\n";
  } else if (format == 4) {
    out += "+++\ntitle = \"" + title + "\"\ndate = " + date + "\nseverity = \"" + severities[between(rng, 0, 6)] + "\"\n+++\n\n";
  } else {
    out += "# " + title + "\n\n**Date:** " + date + "  \n**Severity:** " + severities[between(rng, 0, 6)] +
           "  \n**Duration:** " + std::to_string(duration) + " minutes  \n**Affected services:** " + service + "\n\n";
  }
  out += "## Summary\n\n" + service + " was degraded for " + std::to_string(duration) + " minutes. " + paragraph(rng, between(rng, 1, 3)) + "\n\n";
  out += "## Impact\n\n" + std::to_string(between(rng, 1, 100)) + "% of requests to " + service + " failed. " + paragraph(rng, between(rng, 0, 2)) + "\n\n";
  out += "## Root Cause\n\n" + std::string(cause.root_cause) + " " + paragraph(rng, between(rng, 0, 3)) + "\n\n";
  out += "## Trigger\n\n" + std::string(cause.trigger) + "\n\n";
  out += between(rng, 0, 1) ? "## Timeline (UTC)\n\n" : "## Timeline\n\n| Time | Event |\n|---|---|\n";
  const bool table = out.back() == '\n' && out.find("| Time |") != std::string::npos;
  int minute = hour * 60 + between(rng, 0, 59);
  const int entries = between(rng, 4, 18);
  for (int e = 0; e < entries; ++e) {
    const std::string stamp = date + " " + two((minute / 60) % 24) + ":" + two(minute % 60);
    const std::string what = e == 0 ? "Alert fired for " + service : e == entries - 1 ? "Service restored and incident resolved" : pick(rng, kFiller);
    out += table ? "| " + stamp + " | " + what + " |\n" : "- **" + stamp + "** - " + what + "\n";
    minute += between(rng, 1, 40);
  }
  out += "\n## Action Items\n\n";
  const int actions = between(rng, 1, 8);
  const bool action_table = between(rng, 0, 1) == 1;
  if (action_table) out += "| Action | Owner | Status | Priority |\n|---|---|---|---|\n";
  const char* owners[] = {"@alice", "@bob", "@carol", "@dave", "SRE team", "Platform team"};
  for (int a = 0; a < actions; ++a) {
    const std::string what = "Follow up on " + std::string(cause.title).substr(0, 24) + " step " + std::to_string(a + 1);
    const bool done = between(rng, 0, 2) == 0;
    if (action_table) out += "| " + what + " | " + owners[between(rng, 0, 5)] + " | " + (done ? "Done" : "Open") + " | P" + std::to_string(between(rng, 1, 3)) + " |\n";
    else out += std::string("- [") + (done ? "x" : " ") + "] " + what + " " + owners[between(rng, 0, 3)] + "\n";
  }
  out += "\n## Lessons Learned\n\n";
  // Narrative padding to reach 1-15 KB, skewed towards short documents like the real corpus.
  const int target = between(rng, 1, 15) <= 10 ? between(rng, 1500, 5000) : between(rng, 5000, 15000);
  while (static_cast<int>(out.size()) < target) out += paragraph(rng, between(rng, 3, 6)) + "\n\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: generate_library OUT_DIR COUNT [SEED]\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  const int count = std::stoi(argv[2]);
  Rng rng(argc > 3 ? std::stoull(argv[3]) : 42);
  std::filesystem::create_directories(out);
  std::size_t bytes = 0;
  for (int i = 0; i < count; ++i) {
    const std::string text = document(rng, i);
    const std::filesystem::path dir = out / ("team-" + two(i % 40));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / ("pm-" + std::to_string(i) + ".md"), std::ios::binary) << text;
    bytes += text.size();
  }
  std::cout << "wrote " << count << " postmortems, " << bytes << " bytes, to " << out.string() << "\n";
  return 0;
}
