#include "services/reporting/snapshot_codec.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/time/civil_time.h"

namespace ccms::reporting {
namespace {

std::string DayText(absl::CivilDay d) { return absl::FormatCivilTime(d); }

bool ParseDay(const std::string& text, absl::CivilDay* out) {
  return absl::ParseCivilTime(text, out);
}

}  // namespace

std::string CanonicalText(const domain::SnapshotContent& s) {
  // nlohmann's objects keep their keys sorted: the dump is the same for the same content.
  nlohmann::json j;
  j["report"] = s.report_id;
  j["scope"] = s.scope;
  // Only an office's snapshot has the key: the text (and the checksum) of every other snapshot is
  // as it was before offices had snapshots.
  if (!s.office_id.empty()) j["office"] = s.office_id;
  j["period_start"] = DayText(s.period.start);
  j["period_end"] = DayText(s.period.end);
  j["definitions_version"] = s.definitions_version;
  j["reports_version"] = s.reports_version;
  j["policy_version"] = s.policy_version;
  j["tables"] = nlohmann::json::array();
  for (const auto& t : s.tables) {
    nlohmann::json jt;
    jt["id"] = t.id;
    jt["title"] = t.title;
    jt["breakdown"] = t.breakdown;
    jt["indicators"] = t.indicator_ids;
    jt["headings"] = t.headings;
    jt["keys"] = t.keys;
    jt["cells"] = t.cells;
    jt["total"] = t.total;
    j["tables"].push_back(std::move(jt));
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

absl::StatusOr<domain::SnapshotContent> ParseCanonicalText(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return absl::DataLossError("snapshot: not JSON");
  try {
    domain::SnapshotContent s;
    s.report_id = j.at("report").get<std::string>();
    s.scope = j.at("scope").get<std::string>();
    s.office_id = j.value("office", std::string());
    if (!ParseDay(j.at("period_start").get<std::string>(), &s.period.start) ||
        !ParseDay(j.at("period_end").get<std::string>(), &s.period.end)) {
      return absl::DataLossError("snapshot: bad period");
    }
    s.definitions_version = j.at("definitions_version").get<std::string>();
    s.reports_version = j.at("reports_version").get<std::string>();
    s.policy_version = j.at("policy_version").get<std::string>();
    for (const auto& jt : j.at("tables")) {
      domain::TableContent t;
      t.id = jt.at("id").get<std::string>();
      t.title = jt.at("title").get<std::string>();
      t.breakdown = jt.at("breakdown").get<std::string>();
      t.indicator_ids = jt.at("indicators").get<std::vector<std::string>>();
      t.headings = jt.at("headings").get<std::vector<std::string>>();
      t.keys = jt.at("keys").get<std::vector<std::string>>();
      t.cells = jt.at("cells").get<std::vector<std::vector<std::string>>>();
      t.total = jt.at("total").get<std::vector<std::string>>();
      if (t.cells.size() != t.keys.size()) return absl::DataLossError("snapshot: rows and keys");
      s.tables.push_back(std::move(t));
    }
    return s;
  } catch (const nlohmann::json::exception&) {
    return absl::DataLossError("snapshot: malformed content");
  }
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), static_cast<size_t>(length)));
}

}  // namespace ccms::reporting
