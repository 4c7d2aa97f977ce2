#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/domain/assessment_policy.h"
#include "services/assessment/domain/instrument.h"

namespace ccms::assessment {

// A file compiled into the binary.
struct EmbeddedFile {
  std::string_view name;
  std::string_view text;
};

// services/assessment/instruments/*.yaml, compiled in (embed_instruments.cmake).
const std::vector<EmbeddedFile>& EmbeddedInstruments();

struct CatalogEntry {
  domain::Instrument instrument;  // as shipped, or with a policy's weights once ApplyPolicy ran
  std::string sha256;             // of the file as shipped
  bool current = false;           // the highest version of its id
};

// Every shipped version of every instrument, validated at start. A file is named
// <id>_v<version>.yaml and must say that id and version.
class InstrumentCatalog {
 public:
  static absl::StatusOr<InstrumentCatalog> Load(const std::vector<EmbeddedFile>& files);

  // Item ids of every instrument, for reading assessment.weights from the policy.
  domain::WeightKeys WeightKeys() const;
  // Sets one policy version's weights on every version. The service does not: it applies the
  // weights of the version in force on each assessment's day when it scores.
  void ApplyPolicy(const domain::AssessmentPolicy& policy);

  // `version` 0 = the current one; nullptr if unknown.
  const CatalogEntry* Find(std::string_view instrument_id, int version) const;
  std::vector<const CatalogEntry*> Current() const;
  std::vector<InstrumentFingerprint> Fingerprints() const;

 private:
  std::vector<CatalogEntry> entries_;
};

// Lowercase hex SHA-256.
std::string Sha256Hex(std::string_view data);

}  // namespace ccms::assessment
