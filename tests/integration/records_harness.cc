#include "tests/integration/records_harness.h"

#include "absl/strings/str_format.h"
#include "common/ids/uuid.h"

namespace ccms::testing {

RecordsHarness::RecordsHarness(const time::Clock* service_clock)
    : service_(records::Definition(),
               {.clock = service_clock, .settings = {{"CCMS_PII_KEY", kPiiKey}}}),
      stubs_(records::v1::CaseService::NewStub(service_.channel()),
             records::v1::SupervisionService::NewStub(service_.channel()),
             records::v1::SanctionService::NewStub(service_.channel()),
             records::v1::LeaveService::NewStub(service_.channel()),
             records::v1::OrderService::NewStub(service_.channel()),
             records::v1::IntakeService::NewStub(service_.channel()),
             records::v1::TransferService::NewStub(service_.channel()),
             records::v1::DischargeService::NewStub(service_.channel()),
             records::v1::AuditService::NewStub(service_.channel())) {}

const std::vector<std::string>& RecordsServiceNames() {
  static const auto* const kNames =
      new std::vector<std::string>{records::v1::CaseService::service_full_name(),
                                   records::v1::SupervisionService::service_full_name(),
                                   records::v1::SanctionService::service_full_name(),
                                   records::v1::LeaveService::service_full_name(),
                                   records::v1::OrderService::service_full_name(),
                                   records::v1::IntakeService::service_full_name(),
                                   records::v1::TransferService::service_full_name(),
                                   records::v1::DischargeService::service_full_name(),
                                   records::v1::AuditService::service_full_name()};
  return *kNames;
}

std::string MakeIdNumber(const std::string& birth_yyyymmdd, int sequence,
                         const std::string& region) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[] = "10X98765432";
  std::string body = region + birth_yyyymmdd + absl::StrFormat("%03d", sequence % 1000);
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return body + kCheck[sum % 11];
}

records::v1::OpenCaseRequest ValidOpenCase(const std::string& id_number,
                                           const std::string& district) {
  records::v1::OpenCaseRequest r;
  r.set_request_id(ids::NewUuid());
  auto* p = r.mutable_person();
  p->set_name("测试人员");
  p->set_id_number(id_number);
  p->set_phone("13800000000");
  p->set_household_address("测试市测试区一号");
  p->set_residence_address("测试市测试区二号");
  auto* s = r.mutable_sentence();
  s->set_kind(common::v1::SENTENCE_KIND_PROBATION);
  s->set_offence_category("theft");
  s->set_deciding_authority("test court");
  auto set_date = [](google::type::Date* d, int y, int m, int day) {
    d->set_year(y);
    d->set_month(m);
    d->set_day(day);
  };
  set_date(s->mutable_judgment_effective_date(), 2025, 1, 10);
  set_date(s->mutable_start_date(), 2025, 1, 10);
  set_date(s->mutable_end_date(), 2027, 1, 9);
  auto* a = r.mutable_assignment();
  a->set_district_code(district);
  a->set_office_id("office-1");
  return r;
}

}  // namespace ccms::testing
