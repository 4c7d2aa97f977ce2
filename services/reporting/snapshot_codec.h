#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "services/reporting/domain/reports.h"

namespace ccms::reporting {

// A snapshot's content as one line of JSON with its keys in a fixed (sorted) order: the same
// content gives the same bytes in any build. This text is stored and is what the checksum covers.
std::string CanonicalText(const domain::SnapshotContent& content);
// Reads CanonicalText back; DATA_LOSS when the stored text is not one.
absl::StatusOr<domain::SnapshotContent> ParseCanonicalText(std::string_view text);

// SHA-256 of `text`, 64 lower-case hex digits.
std::string Sha256Hex(std::string_view text);

}  // namespace ccms::reporting
