#include "common/grpc/status.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace ccms::grpc_util {
namespace {

constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";

std::vector<FieldViolation> FromBadRequest(const google::rpc::BadRequest& br) {
  std::vector<FieldViolation> out;
  for (const auto& v : br.field_violations()) out.push_back({v.field(), v.description()});
  return out;
}

bool DetailsOf(const grpc::Status& status, google::rpc::Status* details) {
  return !status.error_details().empty() && details->ParseFromString(status.error_details());
}

}  // namespace

absl::Status InvalidArgumentWithViolations(const std::vector<FieldViolation>& violations) {
  std::string message = "invalid request:";
  google::rpc::BadRequest br;
  for (const auto& v : violations) {
    auto* fv = br.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
    message += " " + v.field + " " + v.description + ";";
  }
  if (!violations.empty()) message.pop_back();
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestUrl, absl::Cord(br.SerializeAsString()));
  return status;
}

std::vector<FieldViolation> ViolationsOf(const absl::Status& status) {
  auto payload = status.GetPayload(kBadRequestUrl);
  if (!payload.has_value()) return {};
  google::rpc::BadRequest br;
  if (!br.ParseFromString(std::string(*payload))) return {};
  return FromBadRequest(br);
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  if (auto payload = status.GetPayload(kBadRequestUrl); payload.has_value()) {
    auto* any = details.add_details();
    any->set_type_url(kBadRequestUrl);
    any->set_value(std::string(*payload));
  }
  google::rpc::ErrorInfo info;
  info.set_reason(errors::ReasonOf(status));
  info.set_domain(errors::kDomain);
  details.add_details()->PackFrom(info);
  return grpc::Status(code, message, details.SerializeAsString());
}

std::vector<FieldViolation> ViolationsOf(const grpc::Status& status) {
  google::rpc::Status details;
  if (!DetailsOf(status, &details)) return {};
  std::vector<FieldViolation> out;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest br;
    if (any.UnpackTo(&br)) {
      auto v = FromBadRequest(br);
      out.insert(out.end(), v.begin(), v.end());
    }
  }
  return out;
}

std::string ReasonOf(const grpc::Status& status) {
  google::rpc::Status details;
  if (!DetailsOf(status, &details)) return "";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

}  // namespace ccms::grpc_util
