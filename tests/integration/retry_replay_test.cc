// Acceptance (DESIGN.md §5, "a retry with the same id returns the first result and changes
// nothing"): a retried request returns a response byte-identical to the first one, for every
// mutating RPC of records (its nine services) and assessment — every method whose request has a
// `request_id`.
//
// One table, one row per mutating RPC:
//   setup   the world the call needs (a fresh case or resource of its own, so rows are
//           independent; the services and their databases are shared by the rows),
//   request the call, made once,
//   change  an intervening change that would alter the answer if the retry were recomputed from
//           today's state: another mutation of the same case or resource (its version,
//           updated_at, status or lists move on), and/or a day passing on the services' clocks
//           (what is "as of today" moves on). Where no change can alter the answer, the row says
//           why and makes an unrelated change anyway,
//   retry   the same request (the same bytes, so the same request_id) by the same caller.
// The retry must answer OK; its response, serialized deterministically, must be byte-identical to
// the first response's; and it must change no row (every table but the audit log, the inbox and
// the idempotency keys themselves; the outbox by its row count, so no second event either).
//
// Also here: the table covers every mutating method of records' nine services and assessment's
// and names only those (checked against the protobuf descriptors), and a request_id reused for
// another method (of the same service or another one of the same server) or by another caller is
// refused with ALREADY_EXISTS.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ccms/assessment/v1/assessment_service.grpc.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "tests/integration/assessment_harness.h"
#include "tests/integration/records_harness.h"
#include "tests/support/hostile_values.h"
#include "tests/support/integration_env.h"

namespace ccms::testing {
namespace {

namespace v1 = records::v1;
namespace av1 = assessment::v1;
using absl::CivilDay;
using auth::Role;
using google::protobuf::Descriptor;
using google::protobuf::Message;
using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;
using CaseStub = v1::CaseService::Stub;
using SupervisionStub = v1::SupervisionService::Stub;
using SanctionStub = v1::SanctionService::Stub;
using LeaveStub = v1::LeaveService::Stub;
using OrderStub = v1::OrderService::Stub;
using IntakeStub = v1::IntakeService::Stub;
using TransferStub = v1::TransferService::Stub;
using DischargeStub = v1::DischargeService::Stub;
using AssessmentStub = av1::AssessmentService::Stub;

constexpr char kDistrict[] = "110101";
constexpr char kOtherDistrict[] = "310101";

google::type::Date D(int y, int m, int d) { return ToProtoDate(CivilDay(y, m, d)); }

std::string CodeAndMessage(const grpc::Status& st) {
  return absl::StrCat(static_cast<int>(st.error_code()), " ", st.error_message());
}

// The message's bytes with deterministic serialization (the comparison the acceptance names).
std::string Deterministic(const Message& m) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    EXPECT_TRUE(m.SerializeToCodedStream(&coded));
  }
  return out;
}

// One unary call with raw bytes, as any client sends them (the request's bytes are kept so the
// retry is the very same request).
struct Reply {
  grpc::Status status;
  std::string bytes;
};

Reply CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& path,
              const std::string& token, const std::string& request) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, path, grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  Reply reply;
  reply.status = done.get_future().get();
  if (reply.status.ok()) {
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(out.Dump(&slices).ok());
    for (const grpc::Slice& s : slices) {
      reply.bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return reply;
}

// Whether `service` (a full proto name) is one of records' services.
bool IsRecords(const std::string& service) {
  return std::find(RecordsServiceNames().begin(), RecordsServiceNames().end(), service) !=
         RecordsServiceNames().end();
}

// A case of records to open: probation, judgment (and start of supervision) on `judgment`,
// reported for intake on `reported_on` (none: still PENDING_INTAKE).
struct CaseSpec {
  common::v1::SentenceKind kind = common::v1::SENTENCE_KIND_PROBATION;
  CivilDay judgment = CivilDay(2025, 1, 10);
  CivilDay end = CivilDay(2028, 1, 9);
  std::optional<CivilDay> reported_on = CivilDay(2025, 1, 15);
};

// Both services in-process on their own databases, the dev broker and free ports, with clocks
// the rows move. Today is FixedTestNow() (2026-11-30, a month end) at the start of every row.
// Records is called as a city_admin (every action, every district); assessment as office staff
// of the case's district (only they acknowledge crisis flags).
class World {
 public:
  World()
      : records_clock_(FixedTestNow()),
        records_(&records_clock_),
        records_rows_(DatabaseSnapshot(records_.db().dsn(), {"idempotency_keys"})),
        assessment_rows_(DatabaseSnapshot(assessment_.db().dsn(), {"idempotency_keys"})) {
    // Nothing but the calls may write while a row watches the database: not other tests' cases
    // on the shared topic, not the monthly maintenance. Cases reach assessment via Process().
    assessment_.consumer().Stop();
    assessment_.maintenance().Stop();
  }

  // Every row starts on the same day.
  void Reset() {
    records_clock_.Set(FixedTestNow());
    assessment_.clock().Set(FixedTestNow());
  }
  // A day passes, for both services.
  void NextDay() {
    records_clock_.Advance(absl::Hours(24));
    assessment_.clock().Advance(absl::Hours(24));
  }
  CivilDay Today() const { return time::ShanghaiDay(records_clock_.Now()); }
  google::type::Date Day(int days_from_today) const {
    return ToProtoDate(Today() + days_from_today);
  }

  // Generic access by service name, for the rows' first call and retry.
  std::shared_ptr<grpc::Channel> Channel(const std::string& service) {
    return IsRecords(service) ? records_.channel() : assessment_.channel();
  }
  std::string Token(const std::string& service, const std::string& subject = "") {
    if (IsRecords(service)) return RecordsToken(subject);
    return assessment_.Token(Role::kOfficeStaff, {kDistrict},
                             subject.empty() ? "staff-a" : subject);
  }
  std::string Rows(const std::string& service) {
    return IsRecords(service) ? records_rows_() : assessment_rows_();
  }

  // ---- records ----

  // A token of the city admin (every action, every district).
  std::string RecordsToken(const std::string& subject = "") {
    return records_.Token(Role::kCityAdmin, {"*"}, subject.empty() ? "admin-1" : subject);
  }

  // Calls records (`rpc` of one of its services' stubs) as the city admin; the test fails unless
  // the call is OK.
  template <typename Stub, typename Req, typename Resp>
  Resp Rec(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), const Req& request) {
    Resp response;
    auto ctx = records_.Context(RecordsToken());
    const grpc::Status st = (records_.StubFor<Stub>().*rpc)(ctx.get(), request, &response);
    EXPECT_TRUE(st.ok()) << Req::descriptor()->name() << ": " << CodeAndMessage(st);
    return response;
  }

  std::string NextIdNumber() { return MakeIdNumber("19900307", 1 + 2 * (seq_++ % 499), "120101"); }

  v1::Case OpenCase(const CaseSpec& spec = {}) {
    v1::OpenCaseRequest req = ValidOpenCase(NextIdNumber(), kDistrict);
    req.mutable_sentence()->set_kind(spec.kind);
    *req.mutable_sentence()->mutable_judgment_effective_date() = ToProtoDate(spec.judgment);
    *req.mutable_sentence()->mutable_start_date() = ToProtoDate(spec.judgment);
    *req.mutable_sentence()->mutable_end_date() = ToProtoDate(spec.end);
    v1::Case c = Rec(&CaseStub::OpenCase, req).case_();
    if (spec.reported_on.has_value()) c = CheckIn(c.case_id(), *spec.reported_on);
    return c;
  }
  v1::Case PendingCase() { return OpenCase({.reported_on = std::nullopt}); }
  std::string ActiveCase(const CaseSpec& spec = {}) { return OpenCase(spec).case_id(); }

  v1::Case CheckIn(const std::string& case_id, CivilDay on) {
    v1::RecordIntakeCheckInRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    *req.mutable_reported_on() = ToProtoDate(on);
    return Rec(&CaseStub::RecordIntakeCheckIn, req).case_();
  }
  void Contact(const std::string& case_id, v1::ContactKind kind) {
    v1::RecordContactRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_kind(kind);
    Rec(&SupervisionStub::RecordContact, req);
  }
  std::string Sanction(const std::string& case_id, v1::SanctionKind kind) {
    v1::IssueSanctionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_kind(kind);
    req.set_reason("reason text");
    return Rec(&SanctionStub::IssueSanction, req).sanction_id();
  }
  void LostContact(const std::string& case_id, CivilDay since) {
    v1::MarkLostContactRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    *req.mutable_since() = ToProtoDate(since);
    Rec(&SupervisionStub::MarkLostContact, req);
  }
  void Commendation(const std::string& case_id) {
    v1::RecordCommendationRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_reason("helped a neighbour");
    Rec(&SanctionStub::RecordCommendation, req);
  }
  void Team(const std::string& case_id, const std::string& officer) {
    v1::SetSupervisionTeamRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_officer_id(officer);
    req.set_social_worker_id("sw-9");
    Rec(&IntakeStub::SetSupervisionTeam, req);
  }
  // A transfer of the case to the other district, moving in 40 days.
  std::string RequestTransfer(const std::string& case_id) {
    v1::RequestTransferRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_to_district_code(kOtherDistrict);
    req.set_to_office_id("office-b");
    *req.mutable_planned_move_on() = Day(40);
    return Rec(&TransferStub::RequestTransfer, req).transfer().transfer_id();
  }
  // One decision on a transfer (Consent, Accept, Reject or CompleteTransfer).
  template <typename Req, typename Resp>
  void Decide(grpc::Status (TransferStub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
              const std::string& transfer_id) {
    Req req;
    req.set_request_id(ids::NewUuid());
    req.set_transfer_id(transfer_id);
    Rec(rpc, req);
  }
  // A leave of `days` days starting `starts_in` days from today (office level up to 7 days).
  std::string RequestLeave(const std::string& case_id, int starts_in, int days) {
    v1::RequestLeaveRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    *req.mutable_start_date() = Day(starts_in);
    *req.mutable_end_date() = Day(starts_in + days - 1);
    req.set_destination("上海市浦东新区");
    req.set_reason("探望住院的母亲");
    return Rec(&LeaveStub::RequestLeave, req).leave().leave_id();
  }
  // One decision on a leave (Approve, Reject or CancelLeave).
  template <typename Req, typename Resp>
  void DecideLeave(grpc::Status (LeaveStub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
                   const std::string& case_id, const std::string& leave_id) {
    Req req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_leave_id(leave_id);
    req.set_reason("decided");
    Rec(rpc, req);
  }
  std::string GrantStanding(const std::string& case_id) {
    v1::GrantStandingApprovalRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_destination("天津市");
    req.set_purpose("routine work travel");
    *req.mutable_valid_from() = Day(0);
    *req.mutable_valid_until() = Day(90);
    return Rec(&LeaveStub::GrantStandingApproval, req).standing_approval().standing_approval_id();
  }
  void RevokeStanding(const std::string& case_id, const std::string& standing_id) {
    v1::RevokeStandingApprovalRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_standing_approval_id(standing_id);
    req.set_reason("no longer needed");
    Rec(&LeaveStub::RevokeStandingApproval, req);
  }
  // An electronic monitoring order from today for 60 days (ground: a prohibition order breach).
  // A revocation request issued today on the grounds of a re-offence reported today.
  std::string RevocationRequest(const std::string& case_id) {
    v1::RecordReoffenceRequest reoffence;
    reoffence.set_request_id(ids::NewUuid());
    reoffence.set_case_id(case_id);
    reoffence.set_reported_by("district public security bureau");
    *reoffence.mutable_occurred_on() = Day(-1);
    reoffence.set_offence_category("theft");
    Rec(&SanctionStub::RecordReoffence, reoffence);
    v1::IssueSanctionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_kind(v1::SANCTION_KIND_REVOCATION_REQUEST);
    req.add_grounds(v1::REVOCATION_GROUND_REOFFENDING_DURING_TERM);
    req.set_reason("reason text");
    return Rec(&SanctionStub::IssueSanction, req).sanction_id();
  }
  std::string Order(const std::string& case_id) {
    v1::OrderMonitoringRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.add_grounds(v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH);
    *req.mutable_starts_on() = Day(0);
    *req.mutable_ends_on() = Day(60);
    return Rec(&OrderStub::OrderMonitoring, req).order().order_id();
  }
  void Renew(const std::string& case_id, const std::string& order_id, int new_end_in) {
    v1::RenewMonitoringRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_order_id(order_id);
    *req.mutable_new_ends_on() = Day(new_end_in);
    Rec(&OrderStub::RenewMonitoring, req);
  }
  void EndOrder(const std::string& case_id, const std::string& order_id) {
    v1::EndMonitoringRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_order_id(order_id);
    req.set_reason(v1::MONITORING_END_REASON_GROUNDS_NO_LONGER_APPLY);
    Rec(&OrderStub::EndMonitoring, req);
  }
  void HealthReport(const std::string& case_id, int days_from_today) {
    v1::RecordHealthReportRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    *req.mutable_received_on() = Day(days_from_today);
    Rec(&OrderStub::RecordHealthReport, req);
  }
  void MedicalReview(const std::string& case_id, int days_from_today) {
    v1::RecordMedicalReviewRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    *req.mutable_reviewed_on() = Day(days_from_today);
    req.set_institution("Hospital No. 3");
    req.set_outcome(v1::MEDICAL_REVIEW_OUTCOME_CONDITION_CONTINUES);
    Rec(&OrderStub::RecordMedicalReview, req);
  }
  std::string Commission() {
    v1::CommissionInvestigationRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_district_code(kDistrict);
    req.set_office_id("office-1");
    req.set_commissioning_body_kind(v1::COMMISSIONING_BODY_KIND_COURT);
    req.set_commissioning_body_name("某区人民法院");
    req.set_person_name("调查对象");
    req.set_id_number(NextIdNumber());
    req.set_proposed_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
    return Rec(&IntakeStub::CommissionInvestigation, req).investigation().investigation_id();
  }
  void Conclude(const std::string& investigation_id) {
    v1::RecordInvestigationConclusionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_investigation_id(investigation_id);
    req.set_conclusion(v1::INVESTIGATION_CONCLUSION_SUITABLE);
    req.set_reasons("stable family, employed");
    Rec(&IntakeStub::RecordInvestigationConclusion, req);
  }
  // A case whose term ended yesterday, discharged today (its follow-ups are due).
  std::string DischargedCase() {
    const std::string case_id = ActiveCase({.end = Today() - 1});
    v1::DischargeRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_certificate_number("CERT-0");
    req.set_announced(true);
    Rec(&DischargeStub::Discharge, req);
    return case_id;
  }
  void FollowUpVisit(const std::string& case_id) {
    v1::RecordFollowUpVisitRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    Rec(&DischargeStub::RecordFollowUpVisit, req);
  }

  // ---- assessment ----

  template <typename Req, typename Resp>
  Resp Asm(grpc::Status (AssessmentStub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
           const Req& request) {
    Resp response;
    auto ctx = assessment_.Context(Token(av1::AssessmentService::service_full_name()));
    const grpc::Status st = (assessment_.stub().*rpc)(ctx.get(), request, &response);
    EXPECT_TRUE(st.ok()) << Req::descriptor()->name() << ": " << CodeAndMessage(st);
    return response;
  }

  // An active case of district 110101 as assessment knows it from records' events (opened 35
  // days ago, intake 30 days ago: INITIAL_STRICT), and the stand-in records server too.
  std::string AssessedCase() {
    const std::string case_id = ids::NewUuid();
    const CivilDay today = time::ShanghaiDay(assessment_.clock().Now());
    v1::CaseOpened opened;
    opened.set_case_id(case_id);
    opened.set_district_code(kDistrict);
    opened.set_office_id("office-1");
    *opened.mutable_supervision_start_date() = ToProtoDate(today - 35);
    *opened.mutable_supervision_end_date() = ToProtoDate(today + 700);
    v1::IntakeReported intake;
    intake.set_case_id(case_id);
    intake.set_district_code(kDistrict);
    *intake.mutable_reported_on() = ToProtoDate(today - 30);
    for (const auto& [type, payload] : std::vector<std::pair<std::string, const Message*>>{
             {"ccms.records.case_opened", &opened}, {"ccms.records.intake_reported", &intake}}) {
      const auto envelope = kafka::MakeEnvelope(type, case_id, kDistrict, absl::Now(), absl::Now(),
                                                "records-test", *payload);
      auto applied = assessment_.consumer().Process("ccms.records.v1", 0, offset_++,
                                                    envelope.SerializeAsString());
      EXPECT_TRUE(applied.ok() && *applied) << type << ": " << applied.status();
    }
    v1::Case c;
    c.set_case_id(case_id);
    c.mutable_assignment()->set_district_code(kDistrict);
    c.set_status(v1::CASE_STATUS_ACTIVE);
    *c.mutable_sentence()->mutable_start_date() = ToProtoDate(today - 35);
    *c.mutable_sentence()->mutable_end_date() = ToProtoDate(today + 700);
    *c.mutable_intake_reported_on() = ToProtoDate(today - 30);
    assessment_.records().Put(c);
    return case_id;
  }
  // Every item of the current social-risk instrument answered with its first option.
  av1::RecordAssessmentRequest SocialRiskAnswers(const std::string& case_id) {
    av1::RecordAssessmentRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_instrument_id("social_risk");
    req.set_kind(av1::ASSESSMENT_KIND_INTAKE);
    for (const auto& item : assessment_.catalog().Find("social_risk", 0)->instrument.items) {
      auto* a = req.add_answers();
      a->set_item_id(item.id);
      a->set_option_id(item.options[0].id);
    }
    return req;
  }
  void Override(const std::string& case_id, common::v1::SupervisionLevel level) {
    av1::OverrideSupervisionLevelRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_level(level);
    req.set_reason("team review");
    Asm(&AssessmentStub::OverrideSupervisionLevel, req);
  }
  std::string RaiseFlag(const std::string& case_id) {
    av1::RaiseCrisisFlagRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_kind(av1::CRISIS_KIND_SELF_HARM);
    req.set_note("said so at the visit");
    return Asm(&AssessmentStub::RaiseCrisisFlag, req).flag().flag_id();
  }
  void Acknowledge(const std::string& flag_id) {
    av1::AcknowledgeCrisisFlagRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_flag_id(flag_id);
    req.set_note("called the family");
    Asm(&AssessmentStub::AcknowledgeCrisisFlag, req);
  }
  void AddPoints(const std::string& case_id, int amount) {
    av1::AddPointsEntryRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_amount(amount);
    req.set_note("correction");
    Asm(&AssessmentStub::AddPointsEntry, req);
  }

 private:
  time::FakeClock records_clock_;
  RecordsHarness records_;
  AssessmentHarness assessment_;
  std::function<std::string()> records_rows_;
  std::function<std::string()> assessment_rows_;
  int seq_ = 0;
  int64_t offset_ = 1;
};

// ---- the table ----

struct Row {
  std::string service;  // full proto name
  std::string method;
  std::string setup;   // in words: the world the call needs
  std::string change;  // in words: the intervening change, or why none can alter the answer
  const Descriptor* request_type = nullptr;
  const Descriptor* response_type = nullptr;
  // Builds the world; returns the request (a fresh request_id).
  std::function<std::unique_ptr<Message>(World&)> arrange;
  // The intervening change, given the request and the first response.
  std::function<void(World&, const Message&, const Message&)> intervene;
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.service << "/" << row.method; }

template <typename Req, typename Resp>
Row MakeRow(std::string service, std::string method, std::string setup, std::string change,
            std::function<Req(World&)> arrange,
            std::function<void(World&, const Req&, const Resp&)> intervene) {
  Row row{std::move(service), std::move(method),  std::move(setup), std::move(change),
          Req::descriptor(),  Resp::descriptor(), nullptr,          nullptr};
  row.arrange = [arrange](World& w) -> std::unique_ptr<Message> {
    return std::make_unique<Req>(arrange(w));
  };
  row.intervene = [intervene](World& w, const Message& request, const Message& first) {
    Req req;
    req.CopyFrom(request);
    Resp resp;
    resp.CopyFrom(first);
    intervene(w, req, resp);
  };
  return row;
}

// The records service that has a method `method` (its full proto name), or a name no service has
// (the coverage test then reports the row's method as one that does not exist).
std::string RecordsServiceOf(const std::string& method) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : RecordsServiceNames()) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service != nullptr && service->FindMethodByName(method) != nullptr) return name;
  }
  return "ccms.records.v1.<no service has this method>";
}

template <typename Req, typename Resp>
Row RecordsRow(std::string method, std::string setup, std::string change,
               std::function<Req(World&)> arrange,
               std::function<void(World&, const Req&, const Resp&)> intervene) {
  std::string service = RecordsServiceOf(method);
  return MakeRow<Req, Resp>(std::move(service), std::move(method), std::move(setup),
                            std::move(change), std::move(arrange), std::move(intervene));
}

template <typename Req, typename Resp>
Row AssessmentRow(std::string method, std::string setup, std::string change,
                  std::function<Req(World&)> arrange,
                  std::function<void(World&, const Req&, const Resp&)> intervene) {
  return MakeRow<Req, Resp>(av1::AssessmentService::service_full_name(), std::move(method),
                            std::move(setup), std::move(change), std::move(arrange),
                            std::move(intervene));
}

// Requests that carry only ids besides the request_id.
template <typename Req>
Req WithIds(const std::string& case_id) {
  Req req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(case_id);
  return req;
}

const std::vector<Row>& Table() {
  static const std::vector<Row>* const kRows = new std::vector<Row>{
      // ---------------- records: intake ----------------
      RecordsRow<v1::OpenCaseRequest, v1::OpenCaseResponse>(
          "OpenCase", "a new person",
          "the person reports for intake: the case becomes ACTIVE, version 2, a new updated_at",
          [](World& w) { return ValidOpenCase(w.NextIdNumber(), kDistrict); },
          [](World& w, const auto&, const auto& first) {
            w.CheckIn(first.case_().case_id(), CivilDay(2025, 1, 15));
          }),
      RecordsRow<v1::RecordIntakeCheckInRequest, v1::RecordIntakeCheckInResponse>(
          "RecordIntakeCheckIn", "a case pending intake",
          "a new supervision team: the case's officer changes, version and updated_at move on",
          [](World& w) {
            auto req = WithIds<v1::RecordIntakeCheckInRequest>(w.PendingCase().case_id());
            *req.mutable_reported_on() = D(2025, 1, 15);
            return req;
          },
          [](World& w, const auto& req, const auto&) { w.Team(req.case_id(), "officer-2"); }),

      RecordsRow<v1::RecordSentenceChangeRequest, v1::RecordSentenceChangeResponse>(
          "RecordSentenceChange", "an active case (term to 2028-01-09)",
          "a second ruling moves the end again: the case in the answer (its end date, version) "
          "would show the later state",
          [](World& w) {
            auto req = WithIds<v1::RecordSentenceChangeRequest>(w.ActiveCase());
            req.set_kind(v1::SENTENCE_CHANGE_KIND_REDUCTION);
            req.set_court("intermediate court");
            req.set_document_number("ruling-1");
            *req.mutable_new_end_date() = D(2027, 6, 30);
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            auto again = req;
            again.set_request_id(ids::NewUuid());
            again.set_document_number("ruling-2");
            *again.mutable_new_end_date() = D(2027, 3, 31);
            w.Rec(&CaseStub::RecordSentenceChange, again);
          }),

      // ---------------- records: contacts, lost contact, the ladder ----------------
      RecordsRow<v1::RecordContactRequest, v1::RecordContactResponse>(
          "RecordContact", "an active case (intake 2025-01-15)",
          "an in-person check-in on the case and a day passes: next_due is computed from the "
          "contacts as they stand, as of today",
          [](World& w) {
            auto req = WithIds<v1::RecordContactRequest>(w.ActiveCase());
            req.set_kind(v1::CONTACT_KIND_HOME_VISIT);
            req.set_notes("private notes");
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.Contact(req.case_id(), v1::CONTACT_KIND_CHECK_IN_IN_PERSON);
            w.NextDay();
          }),
      RecordsRow<v1::MarkLostContactRequest, v1::MarkLostContactResponse>(
          "MarkLostContact", "an active case",
          "the person is found again (the period closes); the answer is only the period's id, "
          "which nothing changes",
          [](World& w) {
            auto req = WithIds<v1::MarkLostContactRequest>(w.ActiveCase());
            *req.mutable_since() = w.Day(-10);
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            auto found = WithIds<v1::MarkFoundAgainRequest>(req.case_id());
            *found.mutable_found_on() = w.Day(0);
            found.mutable_liability()->set_reason(v1::LOST_CONTACT_REASON_PERSON_ABSCONDED);
            w.Rec(&SupervisionStub::MarkFoundAgain, found);
          }),
      RecordsRow<v1::MarkFoundAgainRequest, v1::MarkFoundAgainResponse>(
          "MarkFoundAgain", "an active case marked lost contact since 30 days ago",
          "contact is lost again (a new period) and a day passes; the closed period's days do not "
          "change, so this row is expected to hold even today",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            w.LostContact(case_id, w.Today() - 30);
            auto req = WithIds<v1::MarkFoundAgainRequest>(case_id);
            *req.mutable_found_on() = w.Day(-18);
            req.mutable_liability()->set_staff_responsible(true);
            req.mutable_liability()->set_reason(v1::LOST_CONTACT_REASON_STAFF_CONTACTS_NOT_MADE);
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.LostContact(req.case_id(), w.Today() - 2);
            w.NextDay();
          }),
      RecordsRow<v1::RecordViolationRequest, v1::RecordViolationResponse>(
          "RecordViolation", "an active case",
          "a warning citing the violation; the answer is only the violation's id, which nothing "
          "changes",
          [](World& w) {
            auto req = WithIds<v1::RecordViolationRequest>(w.ActiveCase());
            req.set_kind(v1::VIOLATION_KIND_LATE_REPORTING);
            req.set_facts("came two days late");
            return req;
          },
          [](World& w, const auto& req, const auto& first) {
            auto sanction = WithIds<v1::IssueSanctionRequest>(req.case_id());
            sanction.set_kind(v1::SANCTION_KIND_WARNING);
            sanction.add_violation_ids(first.violation_id());
            w.Rec(&SanctionStub::IssueSanction, sanction);
          }),
      RecordsRow<v1::RecordReoffenceRequest, v1::RecordReoffenceResponse>(
          "RecordReoffence", "an active case",
          "a second re-offence is reported: the ladder status in the answer (its grounds) moves on",
          [](World& w) {
            auto req = WithIds<v1::RecordReoffenceRequest>(w.ActiveCase());
            req.set_reported_by("district public security bureau");
            *req.mutable_occurred_on() = w.Day(-5);
            req.set_offence_category("theft");
            req.set_detained(true);
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            auto again = req;
            again.set_request_id(ids::NewUuid());
            *again.mutable_occurred_on() = w.Day(-2);
            w.Rec(&SanctionStub::RecordReoffence, again);
          }),
      RecordsRow<v1::IssueSanctionRequest, v1::IssueSanctionResponse>(
          "IssueSanction", "an active case",
          "the warning is corrected and an admonition issued: the ladder status in the answer "
          "(uncorrected counts, next step) moves on",
          [](World& w) {
            auto req = WithIds<v1::IssueSanctionRequest>(w.ActiveCase());
            req.set_kind(v1::SANCTION_KIND_WARNING);
            req.set_reason("reason text");
            return req;
          },
          [](World& w, const auto& req, const auto& first) {
            auto corrected = WithIds<v1::MarkSanctionCorrectedRequest>(req.case_id());
            corrected.set_sanction_id(first.sanction_id());
            w.Rec(&SanctionStub::MarkSanctionCorrected, corrected);
            w.Sanction(req.case_id(), v1::SANCTION_KIND_ADMONITION);
          }),
      RecordsRow<v1::MarkSanctionCorrectedRequest, v1::MarkSanctionCorrectedResponse>(
          "MarkSanctionCorrected", "an active case with an uncorrected warning",
          "another warning: the ladder status in the answer moves on",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            auto req = WithIds<v1::MarkSanctionCorrectedRequest>(case_id);
            req.set_sanction_id(w.Sanction(case_id, v1::SANCTION_KIND_WARNING));
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.Sanction(req.case_id(), v1::SANCTION_KIND_WARNING);
          }),
      RecordsRow<v1::RecordCommendationRequest, v1::RecordCommendationResponse>(
          "RecordCommendation", "an active case",
          "another commendation; the answer is only the commendation's id, which nothing changes",
          [](World& w) {
            auto req = WithIds<v1::RecordCommendationRequest>(w.ActiveCase());
            req.set_reason("volunteered at the community centre");
            return req;
          },
          [](World& w, const auto& req, const auto&) { w.Commendation(req.case_id()); }),

      // ---------------- records: transfers ----------------
      RecordsRow<v1::RequestTransferRequest, v1::RequestTransferResponse>(
          "RequestTransfer", "an active case of 110101",
          "the sending district consents: the transfer's status and decided_on move on",
          [](World& w) {
            auto req = WithIds<v1::RequestTransferRequest>(w.ActiveCase());
            req.set_to_district_code(kOtherDistrict);
            req.set_to_office_id("office-b");
            *req.mutable_planned_move_on() = w.Day(40);
            req.set_reason("moved for work");
            return req;
          },
          [](World& w, const auto&, const auto& first) {
            w.Decide(&TransferStub::ConsentTransfer, first.transfer().transfer_id());
          }),
      RecordsRow<v1::ConsentTransferRequest, v1::ConsentTransferResponse>(
          "ConsentTransfer", "a transfer requested",
          "the receiving district accepts: status ACCEPTED, decided_on, report_due",
          [](World& w) {
            v1::ConsentTransferRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_transfer_id(w.RequestTransfer(w.ActiveCase()));
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.Decide(&TransferStub::AcceptTransfer, req.transfer_id());
          }),
      RecordsRow<v1::AcceptTransferRequest, v1::AcceptTransferResponse>(
          "AcceptTransfer", "a transfer requested and consented",
          "the person reports to the new office: status COMPLETED, decided_on",
          [](World& w) {
            const std::string transfer_id = w.RequestTransfer(w.ActiveCase());
            w.Decide(&TransferStub::ConsentTransfer, transfer_id);
            v1::AcceptTransferRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_transfer_id(transfer_id);
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.Decide(&TransferStub::CompleteTransfer, req.transfer_id());
          }),
      RecordsRow<v1::RejectTransferRequest, v1::RejectTransferResponse>(
          "RejectTransfer", "a transfer requested and consented",
          "a new transfer of the same case is requested and a day passes; a rejected transfer is "
          "final (nothing changes it), so this row is expected to hold even today",
          [](World& w) {
            const std::string transfer_id = w.RequestTransfer(w.ActiveCase());
            w.Decide(&TransferStub::ConsentTransfer, transfer_id);
            v1::RejectTransferRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_transfer_id(transfer_id);
            req.set_reason("no housing in the district");
            return req;
          },
          [](World& w, const auto&, const auto& first) {
            w.RequestTransfer(first.transfer().case_id());
            w.NextDay();
          }),
      RecordsRow<v1::CompleteTransferRequest, v1::CompleteTransferResponse>(
          "CompleteTransfer", "a transfer requested, consented and accepted",
          "a new transfer of the case (back out of the receiving district) is requested and a "
          "day passes; a completed transfer is final, so this row is expected to hold even today",
          [](World& w) {
            const std::string transfer_id = w.RequestTransfer(w.ActiveCase());
            w.Decide(&TransferStub::ConsentTransfer, transfer_id);
            w.Decide(&TransferStub::AcceptTransfer, transfer_id);
            v1::CompleteTransferRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_transfer_id(transfer_id);
            return req;
          },
          [](World& w, const auto&, const auto& first) {
            auto again = WithIds<v1::RequestTransferRequest>(first.transfer().case_id());
            again.set_to_district_code(kDistrict);
            again.set_to_office_id("office-1");
            *again.mutable_planned_move_on() = w.Day(40);
            w.Rec(&TransferStub::RequestTransfer, again);
            w.NextDay();
          }),

      // ---------------- records: endings and after ----------------
      RecordsRow<v1::DischargeRequest, v1::DischargeResponse>(
          "Discharge",
          "an active case whose term ended yesterday, intake 2026-09-01 (STRICT until "
          "2026-12-01); discharged_on left to default to today",
          "a day passes: the case's supervision_level (as of today) turns STANDARD and the "
          "follow-ups a recomputation derives from \"today\" move by a day",
          [](World& w) {
            auto req = WithIds<v1::DischargeRequest>(
                w.ActiveCase({.end = w.Today() - 1, .reported_on = CivilDay(2026, 9, 1)}));
            req.set_certificate_number("CERT-1");
            req.set_announced(true);
            return req;
          },
          [](World& w, const auto&, const auto&) { w.NextDay(); }),
      RecordsRow<v1::CloseCaseRequest, v1::CloseCaseResponse>(
          "CloseCase", "an active case, intake 2026-09-01 (STRICT until 2026-12-01)",
          "a day passes: the closed case's supervision_level (as of today) turns STANDARD; no "
          "mutation is possible on a closed case",
          [](World& w) {
            auto req =
                WithIds<v1::CloseCaseRequest>(w.ActiveCase({.reported_on = CivilDay(2026, 9, 1)}));
            req.set_reason(v1::CASE_CLOSE_REASON_DECEASED);
            return req;
          },
          [](World& w, const auto&, const auto&) { w.NextDay(); }),
      RecordsRow<v1::RecordDischargeSummaryRequest, v1::RecordDischargeSummaryResponse>(
          "RecordDischargeSummary", "an active case whose term ends in 20 days (window open)",
          "a contact on the case and a day passes; window_opens follows from the end date, which "
          "nothing changes, so a faithful replay holds",
          [](World& w) {
            return WithIds<v1::RecordDischargeSummaryRequest>(
                w.ActiveCase({.end = w.Today() + 20}));
          },
          [](World& w, const auto& req, const auto&) {
            w.Contact(req.case_id(), v1::CONTACT_KIND_HOME_VISIT);
            w.NextDay();
          }),
      RecordsRow<v1::RecordFollowUpVisitRequest, v1::RecordFollowUpVisitResponse>(
          "RecordFollowUpVisit", "a case discharged today (follow-ups due at 1, 3, 6 months)",
          "another follow-up visit closes the next follow-up: still_due shrinks",
          [](World& w) {
            auto req = WithIds<v1::RecordFollowUpVisitRequest>(w.DischargedCase());
            req.set_notes("private notes of the visit");
            return req;
          },
          [](World& w, const auto& req, const auto&) { w.FollowUpVisit(req.case_id()); }),

      // ---------------- records: leave ----------------
      RecordsRow<v1::RequestLeaveRequest, v1::RequestLeaveResponse>(
          "RequestLeave", "an active case",
          "the leave is approved: status, decided_on, decided_by move on",
          [](World& w) {
            auto req = WithIds<v1::RequestLeaveRequest>(w.ActiveCase());
            *req.mutable_start_date() = w.Day(5);
            *req.mutable_end_date() = w.Day(7);
            req.set_destination("上海市浦东新区");
            req.set_reason("探望住院的母亲");
            return req;
          },
          [](World& w, const auto& req, const auto& first) {
            w.DecideLeave(&LeaveStub::ApproveLeave, req.case_id(), first.leave().leave_id());
          }),
      RecordsRow<v1::ApproveLeaveRequest, v1::ApproveLeaveResponse>(
          "ApproveLeave", "a leave requested, starting in 5 days",
          "the leave is cancelled before its first day: status CANCELLED",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            auto req = WithIds<v1::ApproveLeaveRequest>(case_id);
            req.set_leave_id(w.RequestLeave(case_id, 5, 3));
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.DecideLeave(&LeaveStub::CancelLeave, req.case_id(), req.leave_id());
          }),
      RecordsRow<v1::RejectLeaveRequest, v1::RejectLeaveResponse>(
          "RejectLeave", "a leave requested, starting in 5 days",
          "another leave is requested and a day passes; a rejected leave is final (and only a "
          "REQUESTED leave's decision_overdue follows today), so this row is expected to hold",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            auto req = WithIds<v1::RejectLeaveRequest>(case_id);
            req.set_leave_id(w.RequestLeave(case_id, 5, 3));
            req.set_reason("the court hearing is that week");
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.RequestLeave(req.case_id(), 20, 2);
            w.NextDay();
          }),
      RecordsRow<v1::CancelLeaveRequest, v1::CancelLeaveResponse>(
          "CancelLeave", "a leave requested, starting in 5 days",
          "another leave is requested and a day passes; a cancelled leave is final, so this row is "
          "expected to hold",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            auto req = WithIds<v1::CancelLeaveRequest>(case_id);
            req.set_leave_id(w.RequestLeave(case_id, 5, 3));
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.RequestLeave(req.case_id(), 20, 2);
            w.NextDay();
          }),
      RecordsRow<v1::RecordLeaveReturnRequest, v1::RecordLeaveReturnResponse>(
          "RecordLeaveReturn", "a 3-day leave from today, approved; returned_on defaults to today",
          "another leave is requested and approved and a day passes; a returned leave is final, "
          "so this row is expected to hold",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            const std::string leave_id = w.RequestLeave(case_id, 0, 3);
            w.DecideLeave(&LeaveStub::ApproveLeave, case_id, leave_id);
            auto req = WithIds<v1::RecordLeaveReturnRequest>(case_id);
            req.set_leave_id(leave_id);
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.DecideLeave(&LeaveStub::ApproveLeave, req.case_id(),
                          w.RequestLeave(req.case_id(), 20, 2));
            w.NextDay();
          }),
      RecordsRow<v1::GrantStandingApprovalRequest, v1::GrantStandingApprovalResponse>(
          "GrantStandingApproval", "an active case",
          "the standing approval is revoked: revoked_on is set",
          [](World& w) {
            auto req = WithIds<v1::GrantStandingApprovalRequest>(w.ActiveCase());
            req.set_destination("天津市");
            req.set_purpose("routine work travel");
            *req.mutable_valid_until() = w.Day(90);
            return req;
          },
          [](World& w, const auto& req, const auto& first) {
            w.RevokeStanding(req.case_id(), first.standing_approval().standing_approval_id());
          }),
      RecordsRow<v1::RevokeStandingApprovalRequest, v1::RevokeStandingApprovalResponse>(
          "RevokeStandingApproval", "a standing approval granted today for 90 days",
          "another standing approval is granted and a day passes; a revoked approval is final, so "
          "this row is expected to hold",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            auto req = WithIds<v1::RevokeStandingApprovalRequest>(case_id);
            req.set_standing_approval_id(w.GrantStanding(case_id));
            req.set_reason("no longer needed");
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.GrantStanding(req.case_id());
            w.NextDay();
          }),

      // ---------------- records: orders ----------------
      RecordsRow<v1::OrderMonitoringRequest, v1::OrderMonitoringResponse>(
          "OrderMonitoring", "an active case (term to 2028)",
          "the order is renewed: ends_on and renewals move on",
          [](World& w) {
            auto req = WithIds<v1::OrderMonitoringRequest>(w.ActiveCase());
            req.add_grounds(v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH);
            *req.mutable_ends_on() = w.Day(60);
            return req;
          },
          [](World& w, const auto& req, const auto& first) {
            w.Renew(req.case_id(), first.order().order_id(), 80);
          }),
      RecordsRow<v1::RenewMonitoringRequest, v1::RenewMonitoringResponse>(
          "RenewMonitoring", "a monitoring order from today for 60 days",
          "the order is ended early: ended_on, end_reason, status ENDED",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            auto req = WithIds<v1::RenewMonitoringRequest>(case_id);
            req.set_order_id(w.Order(case_id));
            *req.mutable_new_ends_on() = w.Day(80);
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.EndOrder(req.case_id(), req.order_id());
          }),
      RecordsRow<v1::EndMonitoringRequest, v1::EndMonitoringResponse>(
          "EndMonitoring", "a monitoring order from today for 60 days",
          "a new order on the case and a day passes; an ended order is final (status ENDED on "
          "every later day), so this row is expected to hold",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            auto req = WithIds<v1::EndMonitoringRequest>(case_id);
            req.set_order_id(w.Order(case_id));
            req.set_reason(v1::MONITORING_END_REASON_GROUNDS_NO_LONGER_APPLY);
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.Order(req.case_id());
            w.NextDay();
          }),
      RecordsRow<v1::RecordHealthReportRequest, v1::RecordHealthReportResponse>(
          "RecordHealthReport",
          "an active temporary-execution-outside-prison case; the report was received 10 days ago",
          "a later health report (today): next_due is computed from the latest report",
          [](World& w) {
            auto req = WithIds<v1::RecordHealthReportRequest>(
                w.ActiveCase({.kind = common::v1::SENTENCE_KIND_TEMPORARY_OUTSIDE_PRISON}));
            *req.mutable_received_on() = w.Day(-10);
            return req;
          },
          [](World& w, const auto& req, const auto&) { w.HealthReport(req.case_id(), 0); }),
      RecordsRow<v1::RecordMedicalReviewRequest, v1::RecordMedicalReviewResponse>(
          "RecordMedicalReview",
          "an active temporary-execution-outside-prison case; the review was 10 days ago",
          "a later medical review (today): next_due is computed from the latest review",
          [](World& w) {
            auto req = WithIds<v1::RecordMedicalReviewRequest>(
                w.ActiveCase({.kind = common::v1::SENTENCE_KIND_TEMPORARY_OUTSIDE_PRISON}));
            *req.mutable_reviewed_on() = w.Day(-10);
            req.set_institution("Hospital No. 3");
            req.set_outcome(v1::MEDICAL_REVIEW_OUTCOME_CONDITION_CONTINUES);
            req.set_details("private diagnosis");
            return req;
          },
          [](World& w, const auto& req, const auto&) { w.MedicalReview(req.case_id(), 0); }),

      // ---------------- records: investigations, handover and intake ----------------
      RecordsRow<v1::CommissionInvestigationRequest, v1::CommissionInvestigationResponse>(
          "CommissionInvestigation", "none (an investigation is not a case)",
          "the investigation is concluded: status, conclusion, closed_on move on",
          [](World& w) {
            v1::CommissionInvestigationRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_district_code(kDistrict);
            req.set_office_id("office-1");
            req.set_commissioning_body_kind(v1::COMMISSIONING_BODY_KIND_COURT);
            req.set_commissioning_body_name("某区人民法院");
            req.set_person_name("调查对象");
            req.set_id_number(w.NextIdNumber());
            req.set_proposed_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
            return req;
          },
          [](World& w, const auto&, const auto& first) {
            w.Conclude(first.investigation().investigation_id());
          }),
      RecordsRow<v1::RecordInvestigationConclusionRequest,
                 v1::RecordInvestigationConclusionResponse>(
          "RecordInvestigationConclusion", "an investigation commissioned today",
          "another investigation is commissioned and a day passes; a concluded investigation is "
          "final, so this row is expected to hold",
          [](World& w) {
            v1::RecordInvestigationConclusionRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_investigation_id(w.Commission());
            req.set_conclusion(v1::INVESTIGATION_CONCLUSION_NOT_SUITABLE);
            req.set_reasons("no fixed residence");
            return req;
          },
          [](World& w, const auto&, const auto&) {
            w.Commission();
            w.NextDay();
          }),
      RecordsRow<v1::WithdrawInvestigationRequest, v1::WithdrawInvestigationResponse>(
          "WithdrawInvestigation", "an investigation commissioned today",
          "another investigation is commissioned and a day passes; a withdrawn investigation is "
          "final, so this row is expected to hold",
          [](World& w) {
            v1::WithdrawInvestigationRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_investigation_id(w.Commission());
            req.set_reason("the court withdrew the commission");
            return req;
          },
          [](World& w, const auto&, const auto&) {
            w.Commission();
            w.NextDay();
          }),
      RecordsRow<v1::RecordHandoverNotificationRequest, v1::RecordHandoverNotificationResponse>(
          "RecordHandoverNotification", "a case pending intake (judgment 2025-01-10)",
          "a later notification call adds the documents' arrival: the case's handover is updated "
          "in place",
          [](World& w) {
            auto req = WithIds<v1::RecordHandoverNotificationRequest>(w.PendingCase().case_id());
            *req.mutable_notified_on() = D(2025, 1, 12);
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            auto later = WithIds<v1::RecordHandoverNotificationRequest>(req.case_id());
            *later.mutable_notified_on() = D(2025, 1, 12);
            *later.mutable_documents_received_on() = D(2025, 1, 25);
            w.Rec(&IntakeStub::RecordHandoverNotification, later);
          }),
      RecordsRow<v1::RecordIntakeAnnouncementRequest, v1::RecordIntakeAnnouncementResponse>(
          "RecordIntakeAnnouncement", "an active case (intake 2025-01-15)",
          "a new supervision team and a day passes; the announcement is recorded once and never "
          "changed, so this row is expected to hold",
          [](World& w) {
            auto req = WithIds<v1::RecordIntakeAnnouncementRequest>(w.ActiveCase());
            *req.mutable_announced_on() = D(2025, 1, 16);
            req.add_present_staff_ids("staff-1");
            req.add_present_staff_ids("staff-2");
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.Team(req.case_id(), "officer-2");
            w.NextDay();
          }),
      RecordsRow<v1::SetSupervisionTeamRequest, v1::SetSupervisionTeamResponse>(
          "SetSupervisionTeam", "an active case",
          "another team replaces this one and a day passes; the answer is the team as set (the "
          "replaced team's fields do not change), so this row is expected to hold",
          [](World& w) {
            auto req = WithIds<v1::SetSupervisionTeamRequest>(w.ActiveCase());
            req.set_officer_id("officer-1");
            req.set_social_worker_id("sw-1");
            req.add_volunteer_ids("vol-1");
            req.mutable_family_contact()->set_name("家属");
            req.mutable_family_contact()->set_phone("13900000000");
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.Team(req.case_id(), "officer-2");
            w.NextDay();
          }),
      RecordsRow<v1::RecordPerformanceReportRequest, v1::RecordPerformanceReportResponse>(
          "RecordPerformanceReport", "an active case whose term ends in 20 days (window open)",
          "the personal summary is recorded and a day passes; window_opens follows from the end "
          "date and the author from the first request, so a faithful replay holds",
          [](World& w) {
            auto req =
                WithIds<v1::RecordPerformanceReportRequest>(w.ActiveCase({.end = w.Today() + 20}));
            req.set_author("officer-7");
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.Rec(&DischargeStub::RecordDischargeSummary,
                  WithIds<v1::RecordDischargeSummaryRequest>(req.case_id()));
            w.NextDay();
          }),
      RecordsRow<v1::RecordExitRestrictionRequest, v1::RecordExitRestrictionResponse>(
          "RecordExitRestriction", "an active case (intake 2025-01-15), the filing done today",
          "a day passes: a filing recomputed today would be done a day later (done_on, late); the "
          "filing is recorded once",
          [](World& w) {
            auto req = WithIds<v1::RecordExitRestrictionRequest>(w.ActiveCase());
            req.set_action(v1::EXIT_RESTRICTION_ACTION_FILED);
            req.set_authority("exit-and-entry administration");
            req.set_document_number("EX-2025-1");
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.Team(req.case_id(), "officer-2");
            w.NextDay();
          }),

      // ---------------- records: follow-through (issue 17 items 6-8) ----------------
      RecordsRow<v1::RecordMonitoringOutageRequest, v1::RecordMonitoringOutageResponse>(
          "RecordMonitoringOutage", "a monitoring order from today; a 4 h outage from 00:30",
          "a second 4 h outage on the order: counted_outages in the answer moves on",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            auto req = WithIds<v1::RecordMonitoringOutageRequest>(case_id);
            req.set_order_id(w.Order(case_id));
            const absl::Time midnight =
                absl::FromCivil(absl::CivilSecond(w.Today()), time::ShanghaiTimeZone());
            *req.mutable_started_at() = ToProtoTimestamp(midnight + absl::Minutes(30));
            *req.mutable_ended_at() = ToProtoTimestamp(midnight + absl::Minutes(270));
            req.set_cause(v1::OUTAGE_CAUSE_SWITCHED_OFF);
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            auto again = req;
            again.set_request_id(ids::NewUuid());
            const absl::Time midnight =
                absl::FromCivil(absl::CivilSecond(w.Today()), time::ShanghaiTimeZone());
            *again.mutable_started_at() = ToProtoTimestamp(midnight + absl::Hours(5));
            *again.mutable_ended_at() = ToProtoTimestamp(midnight + absl::Hours(9));
            w.Rec(&OrderStub::RecordMonitoringOutage, again);
          }),
      RecordsRow<v1::RecordRevocationDetentionRequest, v1::RecordRevocationDetentionResponse>(
          "RecordRevocationDetention",
          "an active case with a revocation request (grounds: a re-offence) issued today",
          "the court's decision is recorded (a new detention would now be refused) and a day "
          "passes; the answer is the detention's last day, which nothing changes",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            auto req = WithIds<v1::RecordRevocationDetentionRequest>(case_id);
            req.set_sanction_id(w.RevocationRequest(case_id));
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            auto decision = WithIds<v1::RecordRevocationDecisionRequest>(req.case_id());
            decision.set_sanction_id(req.sanction_id());
            decision.set_decision(v1::REVOCATION_DECISION_GRANTED);
            decision.set_document_number("(2026)津0101刑更2号");
            w.Rec(&SanctionStub::RecordRevocationDecision, decision);
            w.NextDay();
          }),
      RecordsRow<v1::RecordRevocationDecisionRequest, v1::RecordRevocationDecisionResponse>(
          "RecordRevocationDecision",
          "an active case with a revocation request (grounds: a re-offence) issued today",
          "a day passes; a decision is final (a second one is refused), so this row is expected "
          "to hold even today",
          [](World& w) {
            const std::string case_id = w.ActiveCase();
            auto req = WithIds<v1::RecordRevocationDecisionRequest>(case_id);
            req.set_sanction_id(w.RevocationRequest(case_id));
            req.set_decision(v1::REVOCATION_DECISION_REFUSED);
            req.set_document_number("(2026)津0101刑更1号");
            return req;
          },
          [](World& w, const auto&, const auto&) { w.NextDay(); }),
      RecordsRow<v1::RecordFileHandoverRequest, v1::RecordFileHandoverResponse>(
          "RecordFileHandover", "a transfer requested, consented and accepted today",
          "the transfer is completed and a day passes; a hand-over is recorded once, so this row "
          "is expected to hold even today",
          [](World& w) {
            const std::string transfer_id = w.RequestTransfer(w.ActiveCase());
            w.Decide(&TransferStub::ConsentTransfer, transfer_id);
            w.Decide(&TransferStub::AcceptTransfer, transfer_id);
            v1::RecordFileHandoverRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_transfer_id(transfer_id);
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.Decide(&TransferStub::CompleteTransfer, req.transfer_id());
            w.NextDay();
          }),

      // ---------------- assessment ----------------
      AssessmentRow<av1::RecordAssessmentRequest, av1::RecordAssessmentResponse>(
          "RecordAssessment", "an active case in its initial STRICT period",
          "staff override the level: the supervision state in the answer (level, rule, history, "
          "version) moves on",
          [](World& w) { return w.SocialRiskAnswers(w.AssessedCase()); },
          [](World& w, const auto& req, const auto&) {
            w.Override(req.case_id(), common::v1::SUPERVISION_LEVEL_RELAXED);
          }),
      AssessmentRow<av1::OverrideSupervisionLevelRequest, av1::OverrideSupervisionLevelResponse>(
          "OverrideSupervisionLevel", "an active case in its initial STRICT period",
          "another override: level, history and version move on",
          [](World& w) {
            av1::OverrideSupervisionLevelRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_case_id(w.AssessedCase());
            req.set_level(common::v1::SUPERVISION_LEVEL_STANDARD);
            req.set_reason("team review");
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.Override(req.case_id(), common::v1::SUPERVISION_LEVEL_RELAXED);
          }),
      AssessmentRow<av1::RaiseCrisisFlagRequest, av1::RaiseCrisisFlagResponse>(
          "RaiseCrisisFlag", "an active case",
          "the flag is acknowledged: acknowledged_at and acknowledged_by are set",
          [](World& w) {
            av1::RaiseCrisisFlagRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_case_id(w.AssessedCase());
            req.set_kind(av1::CRISIS_KIND_SUICIDE);
            req.set_note("said so at the visit");
            return req;
          },
          [](World& w, const auto&, const auto& first) { w.Acknowledge(first.flag().flag_id()); }),
      AssessmentRow<av1::AcknowledgeCrisisFlagRequest, av1::AcknowledgeCrisisFlagResponse>(
          "AcknowledgeCrisisFlag", "a crisis flag raised on an active case",
          "another flag is raised on the case and a day passes; an acknowledged flag is final "
          "(overdue only counts unacknowledged ones), so this row is expected to hold",
          [](World& w) {
            av1::AcknowledgeCrisisFlagRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_flag_id(w.RaiseFlag(w.AssessedCase()));
            req.set_note("called the family");
            return req;
          },
          [](World& w, const auto&, const auto& first) {
            w.RaiseFlag(first.flag().case_id());
            w.NextDay();
          }),
      AssessmentRow<av1::AddPointsEntryRequest, av1::AddPointsEntryResponse>(
          "AddPointsEntry", "an active case; occurred_on left to default to today (2026-11-30)",
          "another entry, then a day passes into December: a recomputed answer looks for the "
          "entry in the month of the new today",
          [](World& w) {
            av1::AddPointsEntryRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_case_id(w.AssessedCase());
            req.set_amount(5);
            req.set_note("helped at the community centre");
            return req;
          },
          [](World& w, const auto& req, const auto&) {
            w.AddPoints(req.case_id(), -3);
            w.NextDay();
          }),
  };
  return *kRows;
}

// ---- the shared world ----

World* g_world = nullptr;

class WorldEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    delete g_world;
    g_world = nullptr;
  }
};
[[maybe_unused]] ::testing::Environment* const kWorldEnvironment =
    ::testing::AddGlobalTestEnvironment(new WorldEnvironment);

// The world, made on first use (nullptr outside tests/run).
World* SharedWorld() {
  if (g_world == nullptr && IntegrationEnv::Get() != nullptr) g_world = new World();
  return g_world;
}

// ---- the table's test ----

class RetryReplayTest : public ::testing::TestWithParam<Row> {
 protected:
  void SetUp() override {
    if (SharedWorld() == nullptr) {
      GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
    }
    SharedWorld()->Reset();
  }
};

TEST_P(RetryReplayTest, RetryReturnsTheFirstResponseByteForByteAndChangesNothing) {
  const Row& row = GetParam();
  World& w = *SharedWorld();
  RecordProperty("setup", row.setup);
  RecordProperty("change", row.change);
  SCOPED_TRACE(absl::StrCat(row.method, "\n  setup: ", row.setup, "\n  change: ", row.change));

  const std::unique_ptr<Message> request = row.arrange(w);
  ASSERT_FALSE(HasFailure()) << "the setup failed";
  const std::string request_bytes = request->SerializeAsString();
  const std::string path = absl::StrCat("/", row.service, "/", row.method);
  const std::string token = w.Token(row.service);
  auto* factory = google::protobuf::MessageFactory::generated_factory();

  const Reply first = CallRaw(w.Channel(row.service), path, token, request_bytes);
  ASSERT_TRUE(first.status.ok()) << "the first call failed: " << CodeAndMessage(first.status);
  std::unique_ptr<Message> first_response(factory->GetPrototype(row.response_type)->New());
  ASSERT_TRUE(first_response->ParseFromString(first.bytes));

  row.intervene(w, *request, *first_response);
  ASSERT_FALSE(HasFailure()) << "the intervening change failed";

  const std::string rows_before = w.Rows(row.service);
  const Reply retry = CallRaw(w.Channel(row.service), path, token, request_bytes);
  EXPECT_EQ(w.Rows(row.service), rows_before)
      << "the retry changed rows or wrote an event (status " << CodeAndMessage(retry.status) << ")";
  ASSERT_TRUE(retry.status.ok()) << "the retry failed: " << CodeAndMessage(retry.status);
  std::unique_ptr<Message> retry_response(factory->GetPrototype(row.response_type)->New());
  ASSERT_TRUE(retry_response->ParseFromString(retry.bytes));

  if (Deterministic(*retry_response) != Deterministic(*first_response)) {
    std::string diff;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&diff);
    differencer.Compare(*first_response, *retry_response);
    ADD_FAILURE() << "the retry's response is not byte-identical to the first response; "
                     "first -> retry:\n"
                  << diff;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryMutatingRpc, RetryReplayTest, ::testing::ValuesIn(Table()),
                         [](const ::testing::TestParamInfo<Row>& info) {
                           return info.param.method;
                         });

// ---- the table's coverage (no infrastructure needed) ----

// The nine records services and assessment's.
std::vector<std::string> Services() {
  std::vector<std::string> services = RecordsServiceNames();
  services.push_back(av1::AssessmentService::service_full_name());
  return services;
}

TEST(RetryReplayCoverageTest, EveryMutatingRpcHasARowAndEveryRowAMutatingRpc) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  std::map<std::string, const Row*> rows;
  for (const Row& row : Table()) {
    const std::string name = absl::StrCat(row.service, "/", row.method);
    EXPECT_TRUE(rows.emplace(name, &row).second) << "two rows for " << name;
  }
  int mutating = 0;
  for (const std::string& service_name : Services()) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name;
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      if (method->input_type()->FindFieldByName("request_id") == nullptr) continue;
      ++mutating;
      EXPECT_TRUE(rows.count(absl::StrCat(service_name, "/", method->name())))
          << "mutating method " << service_name << "/" << method->name()
          << " has no row in the retry table: add one (setup, request, intervening change)";
    }
  }
  for (const auto& [name, row] : rows) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(row->service);
    const google::protobuf::MethodDescriptor* method =
        service == nullptr ? nullptr : service->FindMethodByName(row->method);
    if (method == nullptr) {
      ADD_FAILURE() << "row " << name << " names a method that does not exist";
      continue;
    }
    EXPECT_NE(method->input_type()->FindFieldByName("request_id"), nullptr)
        << "row " << name << " names a method that is not mutating (no request_id)";
    EXPECT_EQ(method->input_type(), row->request_type)
        << "row " << name << " builds a " << row->request_type->full_name();
    EXPECT_EQ(method->output_type(), row->response_type)
        << "row " << name << " reads a " << row->response_type->full_name();
  }
  std::printf("retry table: %d mutating methods, %zu rows\n", mutating, rows.size());
  EXPECT_EQ(static_cast<size_t>(mutating), rows.size());
}

// ---- a request_id is one request's ----

class RetryReplayWorldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (SharedWorld() == nullptr) {
      GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
    }
    SharedWorld()->Reset();
  }
};

TEST_F(RetryReplayWorldTest, ARequestIdReusedForAnotherMethodOrByAnotherCallerIsAlreadyExists) {
  World& w = *SharedWorld();
  struct Reuse {
    std::string service;        // the first call's (full proto name)
    std::string method;         // the first call
    std::string other_service;  // the other method's (another service of the same server)
    std::string other_method;   // the same request_id with another method
    std::string request;        // bytes of the first call's request
    std::string other_request;  // bytes of the other method's request, same request_id
  };
  std::vector<Reuse> reuses;
  {
    const std::string case_id = w.ActiveCase();
    auto contact = WithIds<v1::RecordContactRequest>(case_id);
    contact.set_kind(v1::CONTACT_KIND_HOME_VISIT);
    auto commendation = WithIds<v1::RecordCommendationRequest>(case_id);
    commendation.set_request_id(contact.request_id());
    reuses.push_back({v1::SupervisionService::service_full_name(), "RecordContact",
                      v1::SanctionService::service_full_name(), "RecordCommendation",
                      contact.SerializeAsString(), commendation.SerializeAsString()});
  }
  {
    const std::string case_id = w.AssessedCase();
    av1::RaiseCrisisFlagRequest raise;
    raise.set_request_id(ids::NewUuid());
    raise.set_case_id(case_id);
    raise.set_kind(av1::CRISIS_KIND_OTHER);
    av1::AddPointsEntryRequest points;
    points.set_request_id(raise.request_id());
    points.set_case_id(case_id);
    points.set_amount(1);
    points.set_note("correction");
    reuses.push_back({av1::AssessmentService::service_full_name(), "RaiseCrisisFlag",
                      av1::AssessmentService::service_full_name(), "AddPointsEntry",
                      raise.SerializeAsString(), points.SerializeAsString()});
  }
  ASSERT_FALSE(HasFailure());
  for (const Reuse& r : reuses) {
    SCOPED_TRACE(r.method);
    const std::string path = absl::StrCat("/", r.service, "/", r.method);
    const std::string other_path = absl::StrCat("/", r.other_service, "/", r.other_method);
    const std::string caller = w.Token(r.service);
    // Another caller of the same role and reach ("admin-2" / "staff-a2").
    const std::string other_caller =
        w.Token(r.service, IsRecords(r.service) ? "admin-2" : "staff-a2");
    const Reply first = CallRaw(w.Channel(r.service), path, caller, r.request);
    ASSERT_TRUE(first.status.ok()) << CodeAndMessage(first.status);
    const std::string rows = w.Rows(r.service);

    const Reply other_method = CallRaw(w.Channel(r.service), other_path, caller, r.other_request);
    EXPECT_EQ(other_method.status.error_code(), grpc::ALREADY_EXISTS)
        << r.other_method << " with " << r.method
        << "'s request_id: " << CodeAndMessage(other_method.status);
    const Reply other_caller_reply = CallRaw(w.Channel(r.service), path, other_caller, r.request);
    EXPECT_EQ(other_caller_reply.status.error_code(), grpc::ALREADY_EXISTS)
        << "the same request by another caller: " << CodeAndMessage(other_caller_reply.status);
    EXPECT_EQ(w.Rows(r.service), rows) << "a refused reuse changed rows or wrote an event";
    // The first caller's own retry still gets the first answer.
    const Reply retry = CallRaw(w.Channel(r.service), path, caller, r.request);
    EXPECT_TRUE(retry.status.ok()) << CodeAndMessage(retry.status);
  }
}

}  // namespace
}  // namespace ccms::testing
