#include "tools/ccmsctl/health_command.h"

#include <future>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/stub_options.h"
#include "nlohmann/json.hpp"
#include "tools/ccmsctl/rpc_client.h"

namespace ccms::ctl {
namespace {

// Debian ships no generated C++ for grpc/health/v1/health.proto, so the two
// tiny messages are encoded by hand:
//   HealthCheckRequest  { string service = 1; }
//   HealthCheckResponse { ServingStatus status = 1; }
//   enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2;
//                        SERVICE_UNKNOWN = 3; }
constexpr char kCheckMethod[] = "/grpc.health.v1.Health/Check";
constexpr int kServiceField = 1;
constexpr int kStatusField = 1;
constexpr uint64_t kServing = 1;

std::string ServingStatusName(uint64_t status) {
  switch (status) {
    case 0:
      return "UNKNOWN";
    case 1:
      return "SERVING";
    case 2:
      return "NOT_SERVING";
    case 3:
      return "SERVICE_UNKNOWN";
    default:
      return std::to_string(status);
  }
}

grpc::ByteBuffer EncodeRequest(const std::string& service) {
  google::protobuf::UnknownFieldSet fields;
  if (!service.empty()) fields.AddLengthDelimited(kServiceField, service);
  std::string bytes;
  fields.SerializeToString(&bytes);
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// The response's status; a missing field is proto3's default, UNKNOWN.
absl::StatusOr<uint64_t> DecodeResponse(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) {
    return absl::DataLossError("cannot read the health response");
  }
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) {
    return absl::DataLossError("malformed health response");
  }
  uint64_t status = 0;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& field = fields.field(i);
    if (field.number() == kStatusField &&
        field.type() == google::protobuf::UnknownField::TYPE_VARINT) {
      status = field.varint();  // The last occurrence wins, as in protobuf.
    }
  }
  return status;
}

int RunHealth(const GlobalOptions& global, const std::string& service) {
  grpc::GenericStub stub(Connect(global));
  std::unique_ptr<grpc::ClientContext> context = NewCallContext(global, /*with_token=*/false);
  const grpc::ByteBuffer request = EncodeRequest(service);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(), kCheckMethod, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) return ReportRpcError(status, global);
  absl::StatusOr<uint64_t> serving = DecodeResponse(response);
  if (!serving.ok()) return ReportLocalError(serving.status());
  const std::string name = ServingStatusName(*serving);
  if (global.json) {
    std::cout << nlohmann::json{{"status", name}}.dump() << "\n";
  } else {
    std::cout << name << "\n";
  }
  return *serving == kServing ? kExitOk : kExitFailure;
}

}  // namespace

void AddHealthCommand(CLI::App& app, const GlobalOptions& global, Action* action) {
  auto service = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("health", "Check grpc.health.v1 health on --addr; exit 0 only if SERVING");
  cmd->footer(
      "Calls grpc.health.v1.Health/Check (no token needed) and prints SERVING, "
      "NOT_SERVING or SERVICE_UNKNOWN. Exits 0 only if SERVING, so scripts "
      "can wait for a service:\n"
      "  until ccmsctl health --timeout 1; do sleep 1; done");
  cmd->add_option("--service", *service,
                  "Service name to check, e.g. ccms.records.v1.CaseService; "
                  "default: the server as a whole");
  cmd->callback([service, &global, action] {
    *action = [service, &global] { return RunHealth(global, *service); };
  });
}

}  // namespace ccms::ctl
