#include "tests/bench/load/workload.h"

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/ids/uuid.h"

namespace ccms::bench {
namespace {

// Region codes (first six digits) of the identity numbers; any code not starting with 0.
constexpr const char* kRegions[] = {
    "110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111",
    "120101", "120102", "130102", "130104", "310101", "310104", "310105", "310106",
    "320102", "320104", "330102", "330105", "340102", "350102", "370102", "410102",
    "420102", "430102", "440103", "440104", "450102", "500101", "510104", "610102"};
constexpr uint64_t kRegionCount = sizeof(kRegions) / sizeof(kRegions[0]);
constexpr uint64_t kBirthDays = 20000;  // 1950-01-01 .. 2004-10-04
constexpr uint64_t kSequences = 1000;

void SetDate(google::type::Date* d, int y, int m, int day) {
  d->set_year(y);
  d->set_month(m);
  d->set_day(day);
}

}  // namespace

const std::vector<std::string>& BenchDistricts() {
  static const std::vector<std::string> kDistricts = {
      "110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111",
      "110112", "110113", "110114", "110115", "110116", "110117", "110118", "110119"};
  return kDistricts;
}

uint64_t IdNumberSpace() { return kRegionCount * kBirthDays * kSequences; }

char IdCheckCharacter(const std::string& first17) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

std::string IdNumberFor(uint64_t n) {
  n %= IdNumberSpace();
  const uint64_t seq = n % kSequences;
  n /= kSequences;
  const uint64_t day = n % kBirthDays;
  n /= kBirthDays;
  const absl::CivilDay birth = absl::CivilDay(1950, 1, 1) + static_cast<int64_t>(day);
  std::string body = absl::StrFormat("%s%04d%02d%02d%03d", kRegions[n % kRegionCount], birth.year(),
                                     birth.month(), birth.day(), seq);
  return body + IdCheckCharacter(body);
}

records::v1::OpenCaseRequest MakeOpenCase(uint64_t n) {
  const auto& districts = BenchDistricts();
  records::v1::OpenCaseRequest r;
  r.set_request_id(ids::NewUuid());
  auto* p = r.mutable_person();
  p->set_name("压测对象");
  p->set_id_number(IdNumberFor(n));
  p->set_phone(absl::StrFormat("138%08d", n % 100000000));
  p->set_household_address("测试市测试区测试街道一号");
  p->set_residence_address("测试市测试区测试街道二号");
  auto* s = r.mutable_sentence();
  s->set_kind(n % 4 == 1 ? common::v1::SENTENCE_KIND_PAROLE : common::v1::SENTENCE_KIND_PROBATION);
  s->set_offence_category("theft");
  s->set_deciding_authority("测试市人民法院");
  SetDate(s->mutable_judgment_effective_date(), 2025, 1, 10);
  SetDate(s->mutable_start_date(), 2025, 1, 10);
  SetDate(s->mutable_end_date(), 2027, 1, 9);
  auto* a = r.mutable_assignment();
  const std::string& district = districts[n % districts.size()];
  a->set_district_code(district);
  a->set_office_id(absl::StrFormat("%s-%02d", district, n % 8));
  a->set_officer_id("officer-1");
  a->set_social_worker_id("worker-1");
  return r;
}

}  // namespace ccms::bench
