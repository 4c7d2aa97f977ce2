#pragma once

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "ccms/records/v1/audit_service.grpc.pb.h"
#include "ccms/records/v1/case_service.grpc.pb.h"
#include "ccms/records/v1/discharge_service.grpc.pb.h"
#include "ccms/records/v1/intake_service.grpc.pb.h"
#include "ccms/records/v1/leave_service.grpc.pb.h"
#include "ccms/records/v1/order_service.grpc.pb.h"
#include "ccms/records/v1/sanction_service.grpc.pb.h"
#include "ccms/records/v1/supervision_service.grpc.pb.h"
#include "ccms/records/v1/transfer_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "services/records/wiring.h"
#include "tests/support/integration_env.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {

// The records service in-process, wired as ccms-records wires it (records::Definition() on the
// kit's ServiceHarness), on a fresh database, the dev broker and a free port.
class RecordsHarness {
 public:
  static constexpr const char* kJwtKey = ServiceHarness::kJwtKey;
  static constexpr char kPiiKey[] =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  // `service_clock` (when given) is the records service's "now" — a test's own clock for the
  // rules over dates; else a clock fixed at FixedTestNow(). Tokens keep the system clock.
  explicit RecordsHarness(const time::Clock* service_clock = nullptr);

  // A stub per records service, all on the one channel to the one server.
  records::v1::CaseService::Stub& cases() { return StubFor<records::v1::CaseService::Stub>(); }
  records::v1::SupervisionService::Stub& supervision() {
    return StubFor<records::v1::SupervisionService::Stub>();
  }
  records::v1::SanctionService::Stub& sanctions() {
    return StubFor<records::v1::SanctionService::Stub>();
  }
  records::v1::LeaveService::Stub& leave() { return StubFor<records::v1::LeaveService::Stub>(); }
  records::v1::OrderService::Stub& orders() { return StubFor<records::v1::OrderService::Stub>(); }
  records::v1::IntakeService::Stub& intake() { return StubFor<records::v1::IntakeService::Stub>(); }
  records::v1::TransferService::Stub& transfers() {
    return StubFor<records::v1::TransferService::Stub>();
  }
  records::v1::DischargeService::Stub& discharge() {
    return StubFor<records::v1::DischargeService::Stub>();
  }
  records::v1::AuditService::Stub& audit() { return StubFor<records::v1::AuditService::Stub>(); }
  // The stub of type `Stub` (one of the above), for helpers over a stub's member functions.
  template <typename Stub>
  Stub& StubFor() {
    return *std::get<std::unique_ptr<Stub>>(stubs_);
  }
  // The channel to the service (plaintext, loopback), for generic calls.
  std::shared_ptr<grpc::Channel> channel() { return service_.channel(); }
  server::ServiceHost& host() { return service_.host(); }
  TestDatabase& db() { return service_.db(); }
  // The service's today (Asia/Shanghai): the tests' dates are computed from it.
  absl::CivilDay Today() const { return service_.Today(); }
  // The service's wiring: its handlers (wiring().discharge()...) and store.
  records::RecordsWiring& wiring() { return service_.wiring<records::RecordsWiring>(); }

  // A token for a role and districts ("*" = all).
  std::string Token(auth::Role role, std::vector<std::string> districts,
                    const std::string& subject = "tester", const std::string& agency = "") {
    return ServiceHarness::Token(role, std::move(districts), subject, agency);
  }
  // Calls with a bearer token.
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    return ServiceHarness::Context(token);
  }

 private:
  ServiceHarness service_;
  std::tuple<std::unique_ptr<records::v1::CaseService::Stub>,
             std::unique_ptr<records::v1::SupervisionService::Stub>,
             std::unique_ptr<records::v1::SanctionService::Stub>,
             std::unique_ptr<records::v1::LeaveService::Stub>,
             std::unique_ptr<records::v1::OrderService::Stub>,
             std::unique_ptr<records::v1::IntakeService::Stub>,
             std::unique_ptr<records::v1::TransferService::Stub>,
             std::unique_ptr<records::v1::DischargeService::Stub>,
             std::unique_ptr<records::v1::AuditService::Stub>>
      stubs_;
};

// The full proto names of the nine records services (ccms.records.v1.CaseService, ...), all
// served by the one ccms-records server.
const std::vector<std::string>& RecordsServiceNames();

// A valid resident identity number for tests, with its check digit computed: region 110101,
// the given birth date (YYYYMMDD) and sequence (odd = male).
std::string MakeIdNumber(const std::string& birth_yyyymmdd, int sequence,
                         const std::string& region = "110101");

// A valid OpenCaseRequest for district `district` with a fresh request id.
records::v1::OpenCaseRequest ValidOpenCase(const std::string& id_number,
                                           const std::string& district = "110101");

}  // namespace ccms::testing
