#include "services/assessment/instrument_catalog.h"

#include <openssl/evp.h>

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ccms::assessment {

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += absl::StrFormat("%02x", digest[i]);
  return hex;
}

absl::StatusOr<InstrumentCatalog> InstrumentCatalog::Load(const std::vector<EmbeddedFile>& files) {
  InstrumentCatalog catalog;
  std::set<std::pair<std::string, int>> seen;
  for (const auto& f : files) {
    auto parsed = domain::ParseInstrument(f.text, f.name);
    if (!parsed.ok()) return parsed.status();
    const std::string expected = absl::StrCat(parsed->id, "_v", parsed->version, ".yaml");
    if (f.name != expected) {
      return absl::InvalidArgumentError(absl::StrCat("instrument ", std::string(f.name),
                                                     ": must be named ", expected,
                                                     " (its id and version)"));
    }
    if (!seen.insert({parsed->id, parsed->version}).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("instrument ", parsed->id, " version ", parsed->version, " shipped twice"));
    }
    catalog.entries_.push_back({*std::move(parsed), Sha256Hex(f.text), false});
  }
  for (auto& e : catalog.entries_) {
    e.current = true;
    for (const auto& other : catalog.entries_) {
      if (other.instrument.id == e.instrument.id &&
          other.instrument.version > e.instrument.version) {
        e.current = false;
      }
    }
  }
  for (const auto& e : catalog.entries_) {
    if (!e.current) continue;
    for (const auto& other : catalog.entries_) {
      if (other.current && other.instrument.id != e.instrument.id &&
          other.instrument.kind == e.instrument.kind) {
        return absl::InvalidArgumentError(
            absl::StrCat("instruments ", e.instrument.id, " and ", other.instrument.id,
                         " are both current for kind ",
                         std::string(domain::InstrumentKindName(e.instrument.kind))));
      }
    }
  }
  return catalog;
}

domain::WeightKeys InstrumentCatalog::WeightKeys() const {
  domain::WeightKeys keys;
  for (const auto& e : entries_) {
    auto& items = keys[e.instrument.id];
    for (const auto& item : e.instrument.items) {
      if (std::find(items.begin(), items.end(), item.id) == items.end()) items.push_back(item.id);
    }
  }
  return keys;
}

void InstrumentCatalog::ApplyPolicy(const domain::AssessmentPolicy& policy) {
  for (auto& e : entries_) {
    if (auto it = policy.weights.find(e.instrument.id); it != policy.weights.end()) {
      e.instrument = domain::WithWeights(e.instrument, it->second);
    }
  }
}

const CatalogEntry* InstrumentCatalog::Find(std::string_view instrument_id, int version) const {
  for (const auto& e : entries_) {
    if (e.instrument.id == instrument_id &&
        (version == 0 ? e.current : e.instrument.version == version)) {
      return &e;
    }
  }
  return nullptr;
}

std::vector<const CatalogEntry*> InstrumentCatalog::Current() const {
  std::vector<const CatalogEntry*> out;
  for (const auto& e : entries_) {
    if (e.current) out.push_back(&e);
  }
  return out;
}

std::vector<InstrumentFingerprint> InstrumentCatalog::Fingerprints() const {
  std::vector<InstrumentFingerprint> out;
  for (const auto& e : entries_) out.push_back({e.instrument.id, e.instrument.version, e.sha256});
  return out;
}

}  // namespace ccms::assessment
