// Follow-through of issue 17 against real PostgreSQL and the dev broker, one test per item:
// lost-contact liability (责任性脱管), device outages as a warning ground, the court's decision on
// a revocation request and detention pending it, and the paper file after a transfer. Today is
// FixedTestNow(), Monday 2026-11-30 12:00 Asia/Shanghai; each test has its own districts.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
using grpc_util::ToProtoTimestamp;
namespace v1 = records::v1;

class RecordsFollowThroughTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() != nullptr) harness_ = new RecordsHarness();
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }
  RecordsHarness& h() { return *harness_; }

  static google::type::Date D(int y, int m, int d) {
    google::type::Date out;
    out.set_year(y);
    out.set_month(m);
    out.set_day(d);
    return out;
  }
  static absl::Time At(int y, int mo, int d, int hh, int mm = 0) {
    return absl::FromCivil(absl::CivilMinute(y, mo, d, hh, mm), time::ShanghaiTimeZone());
  }

  // An active case in `district` (term 2025-01-10 .. 2027-01-09, intake 2025-01-15).
  v1::Case ActiveCase(const std::string& token, const std::string& district) {
    v1::OpenCaseResponse resp;
    auto ctx = h().Context(token);
    const int n = seq_++;
    const std::string id =
        MakeIdNumber("19790909", 1 + 2 * (n % 499), absl::StrCat(150501 + n / 499));
    grpc::Status st = h().cases().OpenCase(ctx.get(), ValidOpenCase(id, district), &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    v1::RecordIntakeCheckInRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(resp.case_().case_id());
    *req.mutable_reported_on() = D(2025, 1, 15);
    v1::RecordIntakeCheckInResponse in;
    auto ctx2 = h().Context(token);
    EXPECT_TRUE(h().cases().RecordIntakeCheckIn(ctx2.get(), req, &in).ok());
    return in.case_();
  }

  // The events of `type` about `case_id` on the records topic (waits for at least `count`).
  std::vector<events::v1::Envelope> Events(const std::string& case_id, const std::string& type,
                                           size_t count = 1) {
    auto records = ReadTopic(
        "ccms.records.v1",
        [&](const std::vector<ConsumedRecord>& got) {
          size_t seen = 0;
          for (const auto& r : got) {
            if (r.key == case_id && r.headers.count("ce_type") && r.headers.at("ce_type") == type)
              ++seen;
          }
          return seen >= count;
        },
        absl::Seconds(30));
    std::vector<events::v1::Envelope> out;
    for (const auto& r : records) {
      if (r.key != case_id || !r.headers.count("ce_type") || r.headers.at("ce_type") != type)
        continue;
      events::v1::Envelope env;
      EXPECT_TRUE(env.ParseFromString(r.value));
      out.push_back(env);
    }
    return out;
  }

  // ListOverdue of one kind in `district` as of a day.
  std::vector<v1::OverdueItem> Overdue(const std::string& token, const std::string& district,
                                       v1::OverdueKind kind, google::type::Date as_of) {
    v1::ListOverdueRequest req;
    req.set_district_code(district);
    req.set_kind(kind);
    *req.mutable_as_of() = as_of;
    v1::ListOverdueResponse resp;
    auto ctx = h().Context(token);
    grpc::Status st = h().supervision().ListOverdue(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return {resp.items().begin(), resp.items().end()};
  }

  static RecordsHarness* harness_;
  static int seq_;
};

RecordsHarness* RecordsFollowThroughTest::harness_ = nullptr;
int RecordsFollowThroughTest::seq_ = 0;

// Item 4: finding again or closing a case while lost needs whether staff were responsible; it is
// refused without it (and with it when nothing is open), on the timeline and in the events.
TEST_F(RecordsFollowThroughTest, LostContactLiabilityAtFindingAndClosing) {
  const std::string district = "150401";
  const std::string staff = h().Token(Role::kOfficeStaff, {district}, "liability-staff");
  const v1::Case c = ActiveCase(staff, district);
  v1::MarkLostContactRequest lost;
  lost.set_request_id(ids::NewUuid());
  lost.set_case_id(c.case_id());
  *lost.mutable_since() = D(2026, 11, 1);
  v1::MarkLostContactResponse lost_resp;
  auto ctx = h().Context(staff);
  ASSERT_TRUE(h().supervision().MarkLostContact(ctx.get(), lost, &lost_resp).ok());

  v1::MarkFoundAgainRequest found;
  found.set_request_id(ids::NewUuid());
  found.set_case_id(c.case_id());
  *found.mutable_found_on() = D(2026, 11, 20);
  v1::MarkFoundAgainResponse found_resp;
  ctx = h().Context(staff);
  grpc::Status st = h().supervision().MarkFoundAgain(ctx.get(), found, &found_resp);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("liability"), std::string::npos) << st.error_message();
  // A staff reason without staff_responsible disagrees.
  found.mutable_liability()->set_reason(v1::LOST_CONTACT_REASON_STAFF_CONTACTS_NOT_MADE);
  ctx = h().Context(staff);
  EXPECT_EQ(h().supervision().MarkFoundAgain(ctx.get(), found, &found_resp).error_code(),
            grpc::INVALID_ARGUMENT);
  found.mutable_liability()->set_staff_responsible(true);
  ctx = h().Context(staff);
  st = h().supervision().MarkFoundAgain(ctx.get(), found, &found_resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(found_resp.days_lost(), 19);
  EXPECT_EQ(h().db().QueryValue(
                absl::StrCat("SELECT staff_responsible::text || ' ' || liability_reason FROM "
                             "lost_contact_periods WHERE case_id = '",
                             c.case_id(), "'")),
            "true STAFF_CONTACTS_NOT_MADE");

  v1::GetCaseTimelineRequest tl;
  tl.set_case_id(c.case_id());
  v1::GetCaseTimelineResponse timeline;
  ctx = h().Context(staff);
  ASSERT_TRUE(h().cases().GetCaseTimeline(ctx.get(), tl, &timeline).ok());
  bool on_timeline = false;
  for (const auto& e : timeline.entries()) {
    on_timeline = on_timeline || (e.kind() == "LOST_CONTACT" &&
                                  e.summary() ==
                                      "lost contact until 2026-11-20 (staff responsible: staff "
                                      "contacts not made)");
  }
  EXPECT_TRUE(on_timeline);
  auto found_events = Events(c.case_id(), "ccms.records.found_again");
  ASSERT_EQ(found_events.size(), 1u);
  v1::LostContactChanged changed;
  ASSERT_TRUE(found_events[0].payload().UnpackTo(&changed));
  EXPECT_TRUE(changed.liability().staff_responsible());
  EXPECT_EQ(changed.liability().reason(), v1::LOST_CONTACT_REASON_STAFF_CONTACTS_NOT_MADE);

  // Closing a case while the person is lost: refused without the liability, then the period
  // ends with the case.
  const v1::Case gone = ActiveCase(staff, district);
  lost.set_request_id(ids::NewUuid());
  lost.set_case_id(gone.case_id());
  ctx = h().Context(staff);
  ASSERT_TRUE(h().supervision().MarkLostContact(ctx.get(), lost, &lost_resp).ok());
  v1::CloseCaseRequest close;
  close.set_request_id(ids::NewUuid());
  close.set_case_id(gone.case_id());
  close.set_reason(v1::CASE_CLOSE_REASON_DECEASED);
  *close.mutable_closed_on() = D(2026, 11, 25);
  v1::CloseCaseResponse closed;
  ctx = h().Context(staff);
  st = h().discharge().CloseCase(ctx.get(), close, &closed);
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("lost_contact_liability"), std::string::npos);
  close.set_request_id(ids::NewUuid());
  close.mutable_lost_contact_liability()->set_reason(
      v1::LOST_CONTACT_REASON_PERSON_ILLNESS_OR_ACCIDENT);
  ctx = h().Context(staff);
  st = h().discharge().CloseCase(ctx.get(), close, &closed);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(h().db().QueryValue(
                absl::StrCat("SELECT ended_on::text || ' ' || staff_responsible::text || ' ' || "
                             "liability_reason FROM lost_contact_periods WHERE case_id = '",
                             gone.case_id(), "'")),
            "2026-11-25 false PERSON_ILLNESS_OR_ACCIDENT");
  auto closed_events = Events(gone.case_id(), "ccms.records.case_closed");
  ASSERT_EQ(closed_events.size(), 1u);
  v1::CaseClosed case_closed;
  ASSERT_TRUE(closed_events[0].payload().UnpackTo(&case_closed));
  EXPECT_EQ(case_closed.lost_contact_period_id(), lost_resp.period_id());
  EXPECT_FALSE(case_closed.lost_contact_liability().staff_responsible());
  EXPECT_EQ(case_closed.lost_contact_liability().reason(),
            v1::LOST_CONTACT_REASON_PERSON_ILLNESS_OR_ACCIDENT);

  // A liability on a case nobody lost is refused.
  const v1::Case present = ActiveCase(staff, district);
  close.set_request_id(ids::NewUuid());
  close.set_case_id(present.case_id());
  ctx = h().Context(staff);
  EXPECT_EQ(h().discharge().CloseCase(ctx.get(), close, &closed).error_code(),
            grpc::FAILED_PRECONDITION);
}

// Item 6: outages of a monitoring device; those longer than 3 h that are the person's doing
// count, and the second makes the warning ground on GetSanctionStatus.
TEST_F(RecordsFollowThroughTest, DeviceOutagesMakeAWarningGround) {
  const std::string district = "150402";
  const std::string staff = h().Token(Role::kOfficeStaff, {district}, "outage-staff");
  const v1::Case c = ActiveCase(staff, district);
  v1::OrderMonitoringRequest order;
  order.set_request_id(ids::NewUuid());
  order.set_case_id(c.case_id());
  order.add_grounds(v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH);
  *order.mutable_starts_on() = D(2026, 11, 1);
  *order.mutable_ends_on() = D(2026, 12, 31);
  v1::OrderMonitoringResponse ordered;
  // Orders are the district bureau's; outages are recorded by office staff.
  auto ctx = h().Context(h().Token(Role::kDistrictBureau, {district}, "outage-bureau"));
  ASSERT_TRUE(h().orders().OrderMonitoring(ctx.get(), order, &ordered).ok());

  auto outage = [&](absl::Time from, absl::Time to, v1::OutageCause cause,
                    v1::RecordMonitoringOutageResponse* out) {
    v1::RecordMonitoringOutageRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(c.case_id());
    req.set_order_id(ordered.order().order_id());
    *req.mutable_started_at() = ToProtoTimestamp(from);
    *req.mutable_ended_at() = ToProtoTimestamp(to);
    req.set_cause(cause);
    auto octx = h().Context(staff);
    return h().orders().RecordMonitoringOutage(octx.get(), req, out);
  };
  auto status = [&]() {
    v1::GetSanctionStatusRequest req;
    req.set_case_id(c.case_id());
    v1::GetSanctionStatusResponse resp;
    auto sctx = h().Context(staff);
    EXPECT_TRUE(h().sanctions().GetSanctionStatus(sctx.get(), req, &resp).ok());
    return resp.status().device_outages();
  };
  v1::RecordMonitoringOutageResponse resp;
  // Exactly 3 h (the maximum), and a device fault of 8 h: recorded, not counted.
  ASSERT_TRUE(
      outage(At(2026, 11, 2, 8), At(2026, 11, 2, 11), v1::OUTAGE_CAUSE_BATTERY_FLAT, &resp).ok());
  EXPECT_FALSE(resp.counted());
  EXPECT_EQ(resp.minutes(), 180);
  ASSERT_TRUE(
      outage(At(2026, 11, 3, 8), At(2026, 11, 3, 16), v1::OUTAGE_CAUSE_DEVICE_FAULT, &resp).ok());
  EXPECT_FALSE(resp.counted());
  // 3 h 1 min switched off: counted; not yet a ground.
  ASSERT_TRUE(
      outage(At(2026, 11, 4, 22), At(2026, 11, 5, 1, 1), v1::OUTAGE_CAUSE_SWITCHED_OFF, &resp)
          .ok());
  EXPECT_TRUE(resp.counted());
  EXPECT_EQ(resp.counted_outages(), 1);
  v1::DeviceOutageStatus s = status();
  EXPECT_EQ(s.counted_outages(), 1);
  EXPECT_EQ(s.outages_for_warning(), 2);
  EXPECT_FALSE(s.warning_ground());
  // Overlapping the one before, before the order, in the future, without a cause: refused.
  EXPECT_EQ(
      outage(At(2026, 11, 5, 0), At(2026, 11, 5, 5), v1::OUTAGE_CAUSE_OTHER, &resp).error_code(),
      grpc::FAILED_PRECONDITION);
  EXPECT_EQ(
      outage(At(2026, 10, 31, 20), At(2026, 11, 1, 2), v1::OUTAGE_CAUSE_OTHER, &resp).error_code(),
      grpc::INVALID_ARGUMENT);
  EXPECT_EQ(outage(At(2026, 11, 30, 11), At(2026, 11, 30, 13), v1::OUTAGE_CAUSE_OTHER, &resp)
                .error_code(),
            grpc::INVALID_ARGUMENT);
  EXPECT_EQ(outage(At(2026, 11, 6, 1), At(2026, 11, 6, 5), v1::OUTAGE_CAUSE_UNSPECIFIED, &resp)
                .error_code(),
            grpc::INVALID_ARGUMENT);
  // The second counted outage (人机分离): the warning ground.
  ASSERT_TRUE(
      outage(At(2026, 11, 20, 9), At(2026, 11, 20, 14), v1::OUTAGE_CAUSE_DEVICE_LEFT, &resp).ok());
  EXPECT_EQ(resp.counted_outages(), 2);
  s = status();
  EXPECT_EQ(s.counted_outages(), 2);
  EXPECT_TRUE(s.warning_ground());
  EXPECT_NE(s.explanation().find("grounds for a warning"), std::string::npos) << s.explanation();

  auto events = Events(c.case_id(), "ccms.records.monitoring_outage_recorded", 4);
  EXPECT_EQ(events.size(), 4u);
  int counted = 0;
  for (const auto& env : events) {
    v1::MonitoringOutageRecorded p;
    ASSERT_TRUE(env.payload().UnpackTo(&p));
    counted += p.counted() ? 1 : 0;
  }
  EXPECT_EQ(counted, 2);
}

// Item 7: the court's decision within 30 days of the request and detention pending it at most
// 30 days, on ListOverdue from the day after each limit until the decision.
TEST_F(RecordsFollowThroughTest, RevocationDecisionAndDetentionDeadlines) {
  const std::string district = "150403";
  const std::string staff = h().Token(Role::kOfficeStaff, {district}, "court-staff");
  const v1::Case c = ActiveCase(staff, district);
  v1::RecordReoffenceRequest reoffence;
  reoffence.set_request_id(ids::NewUuid());
  reoffence.set_case_id(c.case_id());
  reoffence.set_reported_by("district public security bureau");
  *reoffence.mutable_occurred_on() = D(2026, 10, 1);
  reoffence.set_offence_category("theft");
  v1::RecordReoffenceResponse reoffended;
  auto ctx = h().Context(staff);
  ASSERT_TRUE(h().sanctions().RecordReoffence(ctx.get(), reoffence, &reoffended).ok());
  v1::IssueSanctionRequest request;
  request.set_request_id(ids::NewUuid());
  request.set_case_id(c.case_id());
  request.set_kind(v1::SANCTION_KIND_REVOCATION_REQUEST);
  request.add_grounds(v1::REVOCATION_GROUND_REOFFENDING_DURING_TERM);
  *request.mutable_issued_on() = D(2026, 10, 20);
  request.set_reason("confidential");
  v1::IssueSanctionResponse issued;
  ctx = h().Context(staff);
  grpc::Status st = h().sanctions().IssueSanction(ctx.get(), request, &issued);
  ASSERT_TRUE(st.ok()) << st.error_message();

  // Detention from 2026-10-25: at most until 2026-11-24.
  v1::RecordRevocationDetentionRequest detention;
  detention.set_request_id(ids::NewUuid());
  detention.set_case_id(c.case_id());
  detention.set_sanction_id(issued.sanction_id());
  *detention.mutable_detained_on() = D(2026, 10, 19);
  v1::RecordRevocationDetentionResponse detained;
  ctx = h().Context(staff);
  EXPECT_EQ(h().sanctions().RecordRevocationDetention(ctx.get(), detention, &detained).error_code(),
            grpc::INVALID_ARGUMENT);  // before the request
  *detention.mutable_detained_on() = D(2026, 10, 25);
  ctx = h().Context(staff);
  ASSERT_TRUE(h().sanctions().RecordRevocationDetention(ctx.get(), detention, &detained).ok());
  EXPECT_EQ(detained.detention_ends().month(), 11);
  EXPECT_EQ(detained.detention_ends().day(), 24);

  using v1::OVERDUE_KIND_REVOCATION_DECISION;
  using v1::OVERDUE_KIND_REVOCATION_DETENTION;
  // Decision due 2026-11-19: not listed that day, 1 day overdue the next, 11 days today.
  EXPECT_TRUE(Overdue(staff, district, OVERDUE_KIND_REVOCATION_DECISION, D(2026, 11, 19)).empty());
  auto items = Overdue(staff, district, OVERDUE_KIND_REVOCATION_DECISION, D(2026, 11, 20));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].days_overdue(), 1);
  EXPECT_EQ(items[0].case_id(), c.case_id());
  EXPECT_EQ(items[0].due().day(), 19);
  EXPECT_EQ(
      Overdue(staff, district, OVERDUE_KIND_REVOCATION_DECISION, D(2026, 11, 30))[0].days_overdue(),
      11);
  EXPECT_TRUE(Overdue(staff, district, OVERDUE_KIND_REVOCATION_DETENTION, D(2026, 11, 24)).empty());
  items = Overdue(staff, district, OVERDUE_KIND_REVOCATION_DETENTION, D(2026, 11, 25));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].days_overdue(), 1);
  // Without a kind both are listed too (beside the case's overdue contacts).
  int both = 0;
  for (const auto& i : Overdue(staff, district, v1::OVERDUE_KIND_UNSPECIFIED, D(2026, 11, 30))) {
    both += (i.kind() == OVERDUE_KIND_REVOCATION_DECISION ||
             i.kind() == OVERDUE_KIND_REVOCATION_DETENTION)
                ? 1
                : 0;
  }
  EXPECT_EQ(both, 2);

  // A warning is not a revocation request.
  v1::RecordRevocationDecisionRequest decision;
  decision.set_request_id(ids::NewUuid());
  decision.set_case_id(c.case_id());
  decision.set_sanction_id(ids::NewUuid());
  decision.set_decision(v1::REVOCATION_DECISION_REFUSED);
  decision.set_document_number("(2026)蒙0301刑更7号");
  *decision.mutable_decided_on() = D(2026, 11, 25);
  v1::RecordRevocationDecisionResponse decided;
  ctx = h().Context(staff);
  EXPECT_EQ(h().sanctions().RecordRevocationDecision(ctx.get(), decision, &decided).error_code(),
            grpc::NOT_FOUND);
  decision.set_request_id(ids::NewUuid());
  decision.set_sanction_id(issued.sanction_id());
  ctx = h().Context(staff);
  st = h().sanctions().RecordRevocationDecision(ctx.get(), decision, &decided);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(decided.decided_late());
  EXPECT_EQ(decided.decision_due().day(), 19);
  // Decided on the 25th: listed as of the 24th (decision and detention), not from the 25th.
  EXPECT_EQ(Overdue(staff, district, OVERDUE_KIND_REVOCATION_DECISION, D(2026, 11, 24)).size(), 1u);
  EXPECT_TRUE(Overdue(staff, district, OVERDUE_KIND_REVOCATION_DECISION, D(2026, 11, 25)).empty());
  EXPECT_TRUE(Overdue(staff, district, OVERDUE_KIND_REVOCATION_DETENTION, D(2026, 11, 30)).empty());
  // Once: a second decision, or a detention after it, is refused.
  decision.set_request_id(ids::NewUuid());
  ctx = h().Context(staff);
  EXPECT_EQ(h().sanctions().RecordRevocationDecision(ctx.get(), decision, &decided).error_code(),
            grpc::FAILED_PRECONDITION);
  detention.set_request_id(ids::NewUuid());
  ctx = h().Context(staff);
  EXPECT_EQ(h().sanctions().RecordRevocationDetention(ctx.get(), detention, &detained).error_code(),
            grpc::FAILED_PRECONDITION);

  auto events = Events(c.case_id(), "ccms.records.revocation_decided");
  ASSERT_EQ(events.size(), 1u);
  v1::RevocationProgress progress;
  ASSERT_TRUE(events[0].payload().UnpackTo(&progress));
  EXPECT_EQ(progress.decision(), "REFUSED");
  EXPECT_TRUE(progress.decided_late());
  EXPECT_EQ(progress.detained_on().day(), 25);
  EXPECT_EQ(events[0].SerializeAsString().find("刑更"), std::string::npos);  // not the number

  // REFUSED: the request no longer pends (the ground is still met, a new request may be made),
  // and the case cannot close as REVOKED.
  auto sanction_status = [&]() {
    v1::GetSanctionStatusRequest req;
    req.set_case_id(c.case_id());
    v1::GetSanctionStatusResponse resp;
    auto sctx = h().Context(staff);
    EXPECT_TRUE(h().sanctions().GetSanctionStatus(sctx.get(), req, &resp).ok());
    return resp.status();
  };
  EXPECT_FALSE(sanction_status().revocation_requested());
  v1::CloseCaseRequest close;
  close.set_request_id(ids::NewUuid());
  close.set_case_id(c.case_id());
  close.set_reason(v1::CASE_CLOSE_REASON_REVOKED);
  *close.mutable_closed_on() = D(2026, 11, 26);
  v1::CloseCaseResponse closed;
  ctx = h().Context(staff);
  st = h().discharge().CloseCase(ctx.get(), close, &closed);
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("GRANTED"), std::string::npos) << st.error_message();
  request.set_request_id(ids::NewUuid());
  *request.mutable_issued_on() = D(2026, 11, 26);
  ctx = h().Context(staff);
  st = h().sanctions().IssueSanction(ctx.get(), request, &issued);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(sanction_status().revocation_requested());
  // GRANTED on the second request: a third is refused, and the case closes as REVOKED.
  decision.set_request_id(ids::NewUuid());
  decision.set_sanction_id(issued.sanction_id());
  decision.set_decision(v1::REVOCATION_DECISION_GRANTED);
  *decision.mutable_decided_on() = D(2026, 11, 27);
  ctx = h().Context(staff);
  st = h().sanctions().RecordRevocationDecision(ctx.get(), decision, &decided);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_FALSE(decided.decided_late());
  EXPECT_NE(sanction_status().next_step().find("close the case as REVOKED"), std::string::npos);
  request.set_request_id(ids::NewUuid());
  *request.mutable_issued_on() = D(2026, 11, 28);
  ctx = h().Context(staff);
  EXPECT_EQ(h().sanctions().IssueSanction(ctx.get(), request, &issued).error_code(),
            grpc::FAILED_PRECONDITION);
  close.set_request_id(ids::NewUuid());
  *close.mutable_closed_on() = D(2026, 11, 28);
  ctx = h().Context(staff);
  st = h().discharge().CloseCase(ctx.get(), close, &closed);
  ASSERT_TRUE(st.ok()) << st.error_message();
}

// Item 8: the paper file within 3 working days of the acceptance, listed as FILE_HANDOVER in the
// receiving district from the day after the last day until it is recorded.
TEST_F(RecordsFollowThroughTest, PaperFileHandoverAfterATransfer) {
  const std::string from = "150404";
  const std::string to = "150405";
  const std::string sending = h().Token(Role::kOfficeStaff, {from}, "file-sending");
  const std::string receiving = h().Token(Role::kOfficeStaff, {to}, "file-receiving");
  const v1::Case c = ActiveCase(sending, from);
  v1::RequestTransferRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(c.case_id());
  req.set_to_district_code(to);
  req.set_to_office_id("office-r");
  *req.mutable_planned_move_on() = D(2027, 1, 5);
  v1::RequestTransferResponse requested;
  auto ctx = h().Context(sending);
  ASSERT_TRUE(h().transfers().RequestTransfer(ctx.get(), req, &requested).ok());
  const std::string transfer_id = requested.transfer().transfer_id();
  v1::ConsentTransferRequest consent;
  consent.set_request_id(ids::NewUuid());
  consent.set_transfer_id(transfer_id);
  v1::ConsentTransferResponse consented;
  ctx = h().Context(sending);
  ASSERT_TRUE(h().transfers().ConsentTransfer(ctx.get(), consent, &consented).ok());

  // Not before the acceptance.
  v1::RecordFileHandoverRequest handover;
  handover.set_request_id(ids::NewUuid());
  handover.set_transfer_id(transfer_id);
  v1::RecordFileHandoverResponse handed;
  ctx = h().Context(receiving);
  EXPECT_EQ(h().transfers().RecordFileHandover(ctx.get(), handover, &handed).error_code(),
            grpc::FAILED_PRECONDITION);

  v1::AcceptTransferRequest accept;
  accept.set_request_id(ids::NewUuid());
  accept.set_transfer_id(transfer_id);
  v1::AcceptTransferResponse accepted;
  ctx = h().Context(receiving);
  ASSERT_TRUE(h().transfers().AcceptTransfer(ctx.get(), accept, &accepted).ok());

  // Accepted Monday 2026-11-30: Tue, Wed, Thu → the last day is Thursday 2026-12-03.
  using v1::OVERDUE_KIND_FILE_HANDOVER;
  EXPECT_TRUE(Overdue(receiving, to, OVERDUE_KIND_FILE_HANDOVER, D(2026, 12, 3)).empty());
  auto items = Overdue(receiving, to, OVERDUE_KIND_FILE_HANDOVER, D(2026, 12, 4));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].case_id(), c.case_id());
  EXPECT_EQ(items[0].days_overdue(), 1);
  EXPECT_EQ(items[0].due().day(), 3);
  EXPECT_NE(items[0].rule().find("3 working days"), std::string::npos) << items[0].rule();
  EXPECT_EQ(Overdue(receiving, to, OVERDUE_KIND_FILE_HANDOVER, D(2026, 12, 7))[0].days_overdue(),
            4);
  EXPECT_TRUE(Overdue(sending, from, OVERDUE_KIND_FILE_HANDOVER, D(2026, 12, 7)).empty());

  // The sending side does not record it (the transfer is the receiving side's now); not before
  // the acceptance.
  handover.set_request_id(ids::NewUuid());
  ctx = h().Context(sending);
  EXPECT_EQ(h().transfers().RecordFileHandover(ctx.get(), handover, &handed).error_code(),
            grpc::NOT_FOUND);
  handover.set_request_id(ids::NewUuid());
  *handover.mutable_handed_over_on() = D(2026, 11, 29);
  ctx = h().Context(receiving);
  EXPECT_EQ(h().transfers().RecordFileHandover(ctx.get(), handover, &handed).error_code(),
            grpc::INVALID_ARGUMENT);
  handover.set_request_id(ids::NewUuid());
  handover.clear_handed_over_on();  // today
  ctx = h().Context(receiving);
  grpc::Status st = h().transfers().RecordFileHandover(ctx.get(), handover, &handed);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(handed.working_days_late(), 0);
  EXPECT_EQ(handed.due().day(), 3);
  EXPECT_TRUE(Overdue(receiving, to, OVERDUE_KIND_FILE_HANDOVER, D(2026, 12, 7)).empty());
  handover.set_request_id(ids::NewUuid());
  ctx = h().Context(receiving);
  EXPECT_EQ(h().transfers().RecordFileHandover(ctx.get(), handover, &handed).error_code(),
            grpc::FAILED_PRECONDITION);

  auto events = Events(c.case_id(), "ccms.records.file_handed_over");
  ASSERT_EQ(events.size(), 1u);
  v1::FileHandedOver payload;
  ASSERT_TRUE(events[0].payload().UnpackTo(&payload));
  EXPECT_EQ(payload.transfer_id(), transfer_id);
  EXPECT_EQ(payload.to_district_code(), to);
  EXPECT_EQ(payload.working_days_late(), 0);
  EXPECT_EQ(
      h().db().QueryValue(absl::StrCat(
          "SELECT count(*) FROM audit_log WHERE action = 'RecordFileHandover' AND case_id = '",
          c.case_id(), "' AND result = 'OK'")),
      "1");
}

}  // namespace
}  // namespace ccms::testing
