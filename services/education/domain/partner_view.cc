#include "services/education/domain/partner_view.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ccms::education::domain {

bool IsAgencyId(std::string_view agency_id) {
  if (agency_id.empty() || agency_id.size() > 64) return false;
  for (char c : agency_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::string ReferralCode(std::string_view enrolment_id) {
  std::string hex;
  for (auto it = enrolment_id.rbegin(); it != enrolment_id.rend() && hex.size() < 12; ++it) {
    if (*it != '-') hex.insert(hex.begin(), *it);
  }
  return absl::StrCat("E-", absl::AsciiStrToUpper(hex));
}

bool IdentityWithheld(bool minor) { return minor; }

absl::Status CheckPartnerOutcome(Outcome outcome, std::string_view excuse) {
  if (outcome == Outcome::kAbsentAfterNotice) {
    return absl::InvalidArgumentError(
        "ABSENT_AFTER_NOTICE is recorded by the office, which gives the notice (an admonition "
        "ground): a partner records ABSENT");
  }
  if (outcome == Outcome::kExcused && excuse == "APPROVED_LEAVE") {
    return absl::InvalidArgumentError(
        "APPROVED_LEAVE comes from records' approved leaves, not from a partner");
  }
  return absl::OkStatus();
}

bool IsGivenName(std::string_view name) {
  if (name.empty() || name.size() > 50) return false;
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace ccms::education::domain
