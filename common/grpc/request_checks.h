#pragma once

// Request checks every service shares. Each refusal is INVALID_ARGUMENT with a
// google.rpc.BadRequest naming the field (common/grpc/status.h); the descriptions are part of the
// API (clients and tests read them), so they change only with care. The checks that return a
// Status stop a handler at the first bad field; those taking `violations` collect several.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/principal.h"
#include "common/grpc/status.h"
#include "google/protobuf/message.h"
#include "google/type/date.pb.h"

namespace ccms::grpc_util {

// Checks every string field of a request, nested and repeated ones included, for what no field of
// ccms may hold: a NUL byte (PostgreSQL's text cannot store it, and no name, note or id has one).
// Protobuf's parser has already refused strings that are not UTF-8. INVALID_ARGUMENT names the
// first offending fields by path ("contacts[2].name").
absl::Status CheckRequestStrings(const google::protobuf::Message& request);

// ---- Identifiers ----

// The request_id of a mutating request (DESIGN §5): a UUID, required.
absl::Status CheckRequestId(const std::string& request_id);

// `value` must be a UUID; otherwise `field` "must be <what>" (what: "a leave id (UUID)").
absl::Status CheckUuidField(const std::string& value, const char* field, const char* what);

// An optional UUID, as a list filter: empty, or a UUID; otherwise `field` "must be <what>".
void OptionalUuidField(const std::string& value, const char* field, const char* what,
                       std::vector<FieldViolation>* violations);

// A case id, the id every service knows cases by: CheckUuidField for "case_id".
absl::Status CheckCaseId(const std::string& case_id);

// ---- Districts ----

// An optional district_code filter: empty, or a 6-digit district code (auth::IsDistrictCode).
void DistrictFilterField(const std::string& district, std::vector<FieldViolation>* violations);

// The district_code filter of a list that is kept to the caller's districts: a 6-digit code,
// required unless the caller sees all districts.
void CheckListDistrict(const auth::Principal& principal, const std::string& district,
                       std::vector<FieldViolation>* violations);

// ---- Lists ----

// A list's page size: `requested`, or `default_size` when 0; outside 0..max_size a violation
// (and the value returned is then not to be used).
int CheckPageSize(int requested, int default_size, int max_size,
                  std::vector<FieldViolation>* violations);

// ---- Text ----

// A free-text field of at most `max_bytes` bytes (UTF-8 is checked by protobuf's parser).
absl::Status CheckText(const std::string& text, const char* field, size_t max_bytes);

// ---- Dates (google.type.Date; an all-zero date is "not given") ----

// An optional date field; a malformed one (grpc_util::FromProtoDate) becomes a violation.
std::optional<absl::CivilDay> DateField(const google::type::Date& d, const char* field,
                                        std::vector<FieldViolation>* violations);

// A date field that must be given: missing (or all zero) and malformed are both violations.
std::optional<absl::CivilDay> RequiredDateField(const google::type::Date& d, const char* field,
                                                std::vector<FieldViolation>* violations);

// A date field that defaults to `today` and may not lie after it.
absl::StatusOr<absl::CivilDay> DayNotInFuture(const google::type::Date& d, const char* field,
                                              absl::CivilDay today);

// The same, collecting: a malformed or future date becomes a violation (the value returned is
// then not to be used).
absl::CivilDay DayNotInFuture(const google::type::Date& d, const char* field, absl::CivilDay today,
                              std::vector<FieldViolation>* violations);

}  // namespace ccms::grpc_util
