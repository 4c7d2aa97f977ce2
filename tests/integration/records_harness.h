#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ccms/records/v1/records_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/crypto/pii_cipher.h"
#include "common/server/service_host.h"
#include "services/records/pg_records_store.h"
#include "services/records/records_service.h"
#include "tests/support/integration_env.h"

namespace ccms::testing {

// The records service in-process, exactly as main() wires it (ServiceHost, PgRecordsStore,
// RecordsServiceImpl), on a fresh database, the dev broker and a free port.
class RecordsHarness {
 public:
  static constexpr char kJwtKey[] = "integration-test-key-0123456789abcdef";
  static constexpr char kPiiKey[] =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  // `service_clock` (when given) is the records service's "now" — a test's own clock for the
  // rules over dates; else a clock fixed at FixedTestNow(). Tokens keep the system clock.
  explicit RecordsHarness(const time::Clock* service_clock = nullptr);
  ~RecordsHarness();

  records::v1::RecordsService::Stub& stub() { return *stub_; }
  // The channel to the service (plaintext, loopback), for generic calls.
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  server::ServiceHost& host() { return *host_; }
  TestDatabase& db() { return db_; }
  // The service's today (Asia/Shanghai): the tests' dates are computed from it.
  absl::CivilDay Today() const;
  records::RecordsServiceImpl& service() { return *service_; }

  // A token for a role and districts ("*" = all).
  std::string Token(auth::Role role, std::vector<std::string> districts,
                    const std::string& subject = "tester", const std::string& agency = "");
  // Calls with a bearer token.
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token);

 private:
  TestDatabase db_;
  time::FakeClock fixed_clock_{FixedTestNow()};
  const time::Clock& clock_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<crypto::PiiCipher> cipher_;
  std::unique_ptr<records::PgRecordsStore> store_;
  std::unique_ptr<records::domain::RecordsPolicies> policy_;
  std::unique_ptr<records::RecordsServiceImpl> service_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<records::v1::RecordsService::Stub> stub_;
};

// A valid resident identity number for tests, with its check digit computed: region 110101,
// the given birth date (YYYYMMDD) and sequence (odd = male).
std::string MakeIdNumber(const std::string& birth_yyyymmdd, int sequence,
                         const std::string& region = "110101");

// A valid OpenCaseRequest for district `district` with a fresh request id.
records::v1::OpenCaseRequest ValidOpenCase(const std::string& id_number,
                                           const std::string& district = "110101");

}  // namespace ccms::testing
