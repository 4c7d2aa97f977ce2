#include "common/errors/reason.h"

#include "absl/strings/cord.h"

namespace ccms::errors {
namespace {

constexpr char kReasonPayloadUrl[] = "ccms.errors.Reason";

}  // namespace

std::string_view DefaultReason(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return "";
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return kInvalidRequest;
    case absl::StatusCode::kUnauthenticated:
      return kUnauthenticated;
    case absl::StatusCode::kPermissionDenied:
      return kPermissionDenied;
    case absl::StatusCode::kNotFound:
      return kNotFound;
    case absl::StatusCode::kAlreadyExists:
      return kAlreadyExists;
    case absl::StatusCode::kFailedPrecondition:
      return kRuleViolated;
    case absl::StatusCode::kAborted:
      return kConflict;
    case absl::StatusCode::kResourceExhausted:
      return kOverloaded;
    case absl::StatusCode::kDeadlineExceeded:
      return kDeadlineExceeded;
    case absl::StatusCode::kCancelled:
      return kCancelled;
    case absl::StatusCode::kUnavailable:
      return kUnavailable;
    case absl::StatusCode::kUnimplemented:
      return kUnimplemented;
    default:
      return kInternal;
  }
}

bool IsReasonWord(std::string_view reason) {
  if (reason.empty() || reason.size() > 63) return false;
  for (char c : reason) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

absl::Status WithReason(absl::Status status, std::string_view reason) {
  if (status.ok() || !IsReasonWord(reason)) return status;
  status.SetPayload(kReasonPayloadUrl, absl::Cord(absl::string_view(reason.data(), reason.size())));
  return status;
}

std::string ReasonOf(const absl::Status& status) {
  if (auto payload = status.GetPayload(kReasonPayloadUrl); payload.has_value()) {
    return std::string(*payload);
  }
  return std::string(DefaultReason(status.code()));
}

}  // namespace ccms::errors
