#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "services/education/domain/session_rules.h"

namespace ccms::education::domain {

// The partner view of sessions (issue 14 item 14; docs/education.md, "Partner view"): what a
// partner agency that delivers a session may see of the people enrolled, and what it may record.

// An agency id as a partner certificate names it (ccms-partner://<agency_id>): 1-64 characters of
// [A-Za-z0-9._-]. A session delivered by a partner agency names its provider with one.
bool IsAgencyId(std::string_view agency_id);

// The referral code of a person's place in a session, from the enrolment id: "E-" and the last 12
// hex digits in upper case (enrolment ids are UUIDv7, whose trailing digits are random). What the
// partner sees and names instead of the case id.
std::string ReferralCode(std::string_view enrolment_id);

// Whether a partner is shown the person's given name: never for a minor. Education records no
// guardian's consent to show a minor's identity, so a minor's is always withheld (Law art. 52's
// protection of minors' identities; employment withholds it unless a consent is recorded).
bool IdentityWithheld(bool minor);

// Whether a partner may record `outcome` with `excuse` (the excuse's name, "" without one):
// ATTENDED, LATE, ABSENT, and EXCUSED for HOSPITAL, WORK or OTHER. ABSENT_AFTER_NOTICE is an
// admonition ground whose notice the office gives, and APPROVED_LEAVE comes from records' leaves:
// both are the office's. InvalidArgument naming the rule otherwise.
absl::Status CheckPartnerOutcome(Outcome outcome, std::string_view excuse);

// A given name partners may be shown: 1-50 bytes after trimming, no control characters.
bool IsGivenName(std::string_view name);

}  // namespace ccms::education::domain
