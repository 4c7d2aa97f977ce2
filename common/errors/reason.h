#pragma once

// Stable reasons for errors: one UPPER_SNAKE_CASE word a client can switch on, which the gRPC
// boundary sends as google.rpc.ErrorInfo{reason, domain "ccms"} next to the status code and the
// other details (common/grpc/status.h, docs/api.md "Errors"). The code says what kind of error it
// is; the reason says which, where the code alone is ambiguous (ALREADY_EXISTS: a reused request
// id or a duplicate record). Every error has a reason: the one its code implies
// (DefaultReason), or a more specific one named where the error arises (WithReason).
//
// Pure Abseil, so the domain, the stores and the kit can all name a reason. A reason is a fixed
// word, never data: WithReason refuses anything but [A-Z0-9_]{1,63}.

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace ccms::errors {

// The ErrorInfo domain of every ccms reason.
inline constexpr char kDomain[] = "ccms";

// The reasons (docs/api.md "Errors" lists them with their codes). Defaults by code:
inline constexpr char kInvalidRequest[] = "INVALID_REQUEST";      // INVALID_ARGUMENT, OUT_OF_RANGE
inline constexpr char kUnauthenticated[] = "UNAUTHENTICATED";     // UNAUTHENTICATED
inline constexpr char kPermissionDenied[] = "PERMISSION_DENIED";  // PERMISSION_DENIED
inline constexpr char kNotFound[] = "NOT_FOUND";                  // NOT_FOUND
inline constexpr char kAlreadyExists[] = "ALREADY_EXISTS";        // ALREADY_EXISTS
inline constexpr char kRuleViolated[] = "RULE_VIOLATED";          // FAILED_PRECONDITION
inline constexpr char kConflict[] = "CONFLICT";                   // ABORTED
inline constexpr char kOverloaded[] = "OVERLOADED";               // RESOURCE_EXHAUSTED
inline constexpr char kDeadlineExceeded[] = "DEADLINE_EXCEEDED";  // DEADLINE_EXCEEDED
inline constexpr char kCancelled[] = "CANCELLED";                 // CANCELLED
inline constexpr char kUnavailable[] = "UNAVAILABLE";             // UNAVAILABLE
inline constexpr char kUnimplemented[] = "UNIMPLEMENTED";         // UNIMPLEMENTED
inline constexpr char kInternal[] = "INTERNAL";                   // INTERNAL, UNKNOWN, DATA_LOSS
// Named where they arise:
// ALREADY_EXISTS: the request_id was first used for another method or by another caller.
inline constexpr char kRequestIdReused[] = "REQUEST_ID_REUSED";
// ABORTED: a request with this request_id is still running; retry it later, unchanged.
inline constexpr char kRequestInProgress[] = "REQUEST_IN_PROGRESS";

// The reason an error of `code` has when none is named; "" for OK.
std::string_view DefaultReason(absl::StatusCode code);

// Whether `reason` has the form of a reason: 1 to 63 of A-Z, 0-9 and '_'.
bool IsReasonWord(std::string_view reason);

// `status` with `reason` attached (an absl::Status payload, kept when the status is copied or
// returned on). An OK status, or a `reason` that is not a reason word, leaves `status` as it is.
absl::Status WithReason(absl::Status status, std::string_view reason);

// The reason named with WithReason, else DefaultReason(status.code()).
std::string ReasonOf(const absl::Status& status);

}  // namespace ccms::errors
