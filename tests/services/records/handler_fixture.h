#pragma once

// The fixture of the records handler unit tests: what every handler class is built with (the
// HandlerContext over a fake audit log, a fake clock, the shipped policy) and valid requests.

#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ccms/records/v1/case_service.pb.h"
#include "ccms/records/v1/intake_service.pb.h"
#include "common/auth/jwt.h"
#include "common/auth/principal.h"
#include "common/concurrency/worker_pool.h"
#include "common/crypto/pii_cipher.h"
#include "common/grpc/call_executor.h"
#include "common/ids/uuid.h"
#include "common/policy/policy.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "services/records/domain/records_policy.h"
#include "services/records/handler_support.h"
#include "tests/services/records/fake_stores.h"
#include "tests/support/test_tokens.h"

namespace ccms::records::testing {

inline constexpr char kPiiKey[] =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

// Today is 2026-11-22 10:00 UTC (18:00 in Shanghai); staff_ is office staff of 110101. Denials
// of every handler class land in audit_.
class HandlerTest : public ::testing::Test {
 protected:
  HandlerTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 11, 22, 10, 0, 0), absl::UTCTimeZone())),
        workers_(1, 1),
        verifier_(::ccms::testing::HmacVerifier(std::string(40, 'k'))),
        executor_(workers_, *verifier_, clock_),
        cipher_(*crypto::PiiCipher::FromHexKey(kPiiKey)),
        policy_(*domain::LoadRecordsPolicies(
            *policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default"))),
        context_{audit_, executor_, cipher_, clock_, policy_} {
    staff_.subject = "staff-1";
    staff_.role = auth::Role::kOfficeStaff;
    staff_.districts = {"110101"};
  }

  // A valid resident identity number (GB 11643 check digit computed here).
  static std::string ValidId() {
    const std::string body = "11010119900307001";
    static const int kW[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kW[i];
    return body + "10X98765432"[sum % 11];
  }

  static v1::OpenCaseRequest Valid() {
    v1::OpenCaseRequest r;
    r.set_request_id(ids::NewUuid());
    r.mutable_person()->set_name("测试");
    r.mutable_person()->set_id_number(ValidId());
    r.mutable_person()->set_residence_address("测试地址");
    auto* s = r.mutable_sentence();
    s->set_kind(common::v1::SENTENCE_KIND_PAROLE);
    s->set_offence_category("fraud");
    s->set_deciding_authority("court");
    for (auto* d : {s->mutable_judgment_effective_date(), s->mutable_start_date()}) {
      d->set_year(2026);
      d->set_month(11);
      d->set_day(19);
    }
    s->mutable_end_date()->set_year(2027);
    s->mutable_end_date()->set_month(11);
    s->mutable_end_date()->set_day(18);
    r.mutable_assignment()->set_district_code("110101");
    r.mutable_assignment()->set_office_id("office-1");
    return r;
  }

  // A valid commission of a pre-sentence investigation in 110101.
  static v1::CommissionInvestigationRequest ValidCommission() {
    v1::CommissionInvestigationRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_district_code("110101");
    r.set_commissioning_body_kind(v1::COMMISSIONING_BODY_KIND_COURT);
    r.set_commissioning_body_name("某区人民法院");
    r.set_person_name("调查对象");
    r.set_id_number(ValidId());
    r.set_proposed_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
    return r;
  }

  FakeAuditStore audit_;
  time::FakeClock clock_;
  concurrency::WorkerPool workers_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  grpc_util::CallExecutor executor_;
  crypto::PiiCipher cipher_;
  domain::RecordsPolicies policy_;
  HandlerContext context_;
  auth::Principal staff_;
};

// One handler class over its area's fake store: `service_` is built as the wiring builds it,
// `Service(store_, context_)`.
template <typename Store, typename Service>
class AreaTest : public HandlerTest {
 protected:
  AreaTest() : service_(store_, context_) {}

  Store store_;
  Service service_;
};

}  // namespace ccms::records::testing
