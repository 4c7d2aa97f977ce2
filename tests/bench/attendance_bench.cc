// Bulk attendance for a 50-person session (issue 14 acceptance: p99 <= 50 ms on this machine):
// ccms-education in-process (the test harness: the service as ccms-education wires it, over TLS,
// on a fresh database of the given PostgreSQL and the dev broker), 50 active cases enrolled in one
// session, then RecordAttendance for all 50 in one call, again and again with a new request id
// and changing outcomes (every call rewrites the 50 attendances and puts 50 events in the outbox).
// Prints key=value figures (tests/bench/run reads them):
//   attendance.calls attendance.p50_ms attendance.p90_ms attendance.p99_ms attendance.max_ms
//   attendance.mean_ms attendance.errors
//
//   ccms-bench-attendance [--calls N] [--warmup N] [--people N]
// Needs CCMS_TEST_PG_ADMIN_DSN, CCMS_TEST_KAFKA_BOOTSTRAP, CCMS_TEST_KAFKA_CONTROL_PORT (as
// tests/run exports them; tests/bench/run sets them to its stack's).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "tests/integration/education_harness.h"

namespace ccms::testing {
namespace {

namespace v1 = education::v1;
using grpc_util::ToProtoDate;

constexpr char kDistrict[] = "110101";

int Flag(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

int Run(int argc, char** argv) {
  if (IntegrationEnv::Get() == nullptr) {
    std::fprintf(stderr,
                 "ccms-bench-attendance: needs CCMS_TEST_PG_ADMIN_DSN, CCMS_TEST_KAFKA_BOOTSTRAP "
                 "and CCMS_TEST_KAFKA_CONTROL_PORT\n");
    return 2;
  }
  const int calls = Flag(argc, argv, "--calls", 200);
  const int warmup = Flag(argc, argv, "--warmup", 10);
  const int people = Flag(argc, argv, "--people", 50);
  EducationHarness h;
  h.consumer().Stop();  // cases come from Process below
  const absl::CivilDay today = time::ShanghaiDay(h.clock().Now());
  const std::string staff = h.Token(auth::Role::kOfficeStaff, {kDistrict}, "bench-staff");
  int64_t offset = 0;
  auto apply = [&](const std::string& type, const std::string& id,
                   const google::protobuf::Message& p) {
    auto e = kafka::MakeEnvelope(type, id, kDistrict, absl::Now(), absl::Now(), "bench", p);
    auto r = h.consumer().Process("ccms.records.v1", 0, offset++, e.SerializeAsString());
    return r.ok() && *r;
  };
  std::vector<std::string> cases;
  for (int i = 0; i < people; ++i) {
    const std::string id = ids::NewUuid();
    records::v1::CaseOpened p;
    p.set_case_id(id);
    p.set_district_code(kDistrict);
    p.set_office_id("office-1");
    *p.mutable_supervision_start_date() = ToProtoDate(today - 20);
    *p.mutable_supervision_end_date() = ToProtoDate(today + 700);
    p.set_sex(common::v1::SEX_MALE);
    p.set_age_band(records::v1::AGE_BAND_26_TO_35);
    p.set_offence_category("theft");
    records::v1::IntakeReported in;
    in.set_case_id(id);
    in.set_district_code(kDistrict);
    *in.mutable_reported_on() = ToProtoDate(today - 10);
    if (!apply("ccms.records.case_opened", id, p) ||
        !apply("ccms.records.intake_reported", id, in)) {
      std::fprintf(stderr, "ccms-bench-attendance: the case events were not applied\n");
      return 1;
    }
    cases.push_back(id);
  }
  // A session an hour from now, the cases enrolled; then the clock moves past its start.
  const absl::Time start = h.clock().Now() + absl::Hours(1);
  v1::ScheduleSessionRequest sreq;
  sreq.set_request_id(ids::NewUuid());
  sreq.set_district_code(kDistrict);
  sreq.set_office_id("office-1");
  sreq.set_kind(v1::SESSION_KIND_CENTRALIZED);
  sreq.set_form(v1::SESSION_FORM_FACE_TO_FACE);
  sreq.set_venue("Hall");
  *sreq.mutable_start_time() = grpc_util::ToProtoTimestamp(start);
  *sreq.mutable_end_time() = grpc_util::ToProtoTimestamp(start + absl::Hours(2));
  sreq.mutable_provider()->set_kind(v1::PROVIDER_KIND_STAFF);
  sreq.mutable_provider()->set_id("bench-staff");
  sreq.set_capacity(std::max(people, 1));
  sreq.set_audience(v1::AUDIENCE_ADULTS_ONLY);
  v1::ScheduleSessionResponse sresp;
  {
    auto ctx = h.Context(staff);
    const grpc::Status st = h.sessions().ScheduleSession(ctx.get(), sreq, &sresp);
    if (!st.ok() || sresp.sessions_size() == 0) {
      std::fprintf(stderr, "ccms-bench-attendance: ScheduleSession: %s\n",
                   st.error_message().c_str());
      return 1;
    }
  }
  const std::string session = sresp.sessions(0).session_id();
  for (const auto& id : cases) {
    v1::EnrolCaseRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_session_id(session);
    req.set_case_id(id);
    v1::EnrolCaseResponse resp;
    auto ctx = h.Context(staff);
    const grpc::Status st = h.sessions().EnrolCase(ctx.get(), req, &resp);
    if (!st.ok()) {
      std::fprintf(stderr, "ccms-bench-attendance: EnrolCase: %s\n", st.error_message().c_str());
      return 1;
    }
  }
  h.clock().Set(start + absl::Hours(2) + absl::Minutes(5));

  const v1::AttendanceOutcome outcomes[] = {v1::ATTENDANCE_OUTCOME_ATTENDED,
                                            v1::ATTENDANCE_OUTCOME_LATE};
  std::vector<double> ms;
  int errors = 0;
  for (int call = 0; call < warmup + calls; ++call) {
    v1::RecordAttendanceRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_session_id(session);
    for (size_t i = 0; i < cases.size(); ++i) {
      v1::AttendanceEntry* e = req.add_entries();
      e->set_case_id(cases[i]);
      e->set_outcome(outcomes[(i + call) % 2]);
    }
    v1::RecordAttendanceResponse resp;
    auto ctx = h.Context(staff);
    const auto t0 = std::chrono::steady_clock::now();
    const grpc::Status st = h.sessions().RecordAttendance(ctx.get(), req, &resp);
    const auto t1 = std::chrono::steady_clock::now();
    if (!st.ok() || resp.enrolments_size() != static_cast<int>(cases.size())) {
      ++errors;
      if (errors == 1) {
        std::fprintf(stderr, "ccms-bench-attendance: RecordAttendance: %s\n",
                     st.error_message().c_str());
      }
      continue;
    }
    if (call >= warmup) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  double sum = 0;
  for (double x : ms) sum += x;
  std::printf("attendance.people=%d\n", people);
  std::printf("attendance.calls=%zu\n", ms.size());
  std::printf("attendance.errors=%d\n", errors);
  std::printf("attendance.p50_ms=%.2f\n", Percentile(ms, 0.50));
  std::printf("attendance.p90_ms=%.2f\n", Percentile(ms, 0.90));
  std::printf("attendance.p99_ms=%.2f\n", Percentile(ms, 0.99));
  std::printf("attendance.max_ms=%.2f\n",
              ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()));
  std::printf("attendance.mean_ms=%.2f\n", ms.empty() ? 0.0 : sum / static_cast<double>(ms.size()));
  return errors == 0 && !ms.empty() ? 0 : 1;
}

}  // namespace
}  // namespace ccms::testing

int main(int argc, char** argv) { return ccms::testing::Run(argc, argv); }
