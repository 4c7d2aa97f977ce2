// Partner contracts and evaluations, welfare and relief, volunteers (issue 15 items 1, 8, 10) on
// PostgreSQL: who may record them, district reach in SQL (another district's objects NOT_FOUND),
// their events in the outbox (codes, amounts and ids; no name), the per-year sums of assistance
// equal to a count kept by the test and to the rows in SQL, at the year's edges (Asia/Shanghai
// days), a volunteer's day never above 24 hours, names and contacts encrypted at rest; every
// field of every request of the three services, one hostile value at a time.
#include <chrono>
#include <latch>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "services/employment/domain/support_rules.h"
#include "services/employment/pg_volunteer_store.h"
#include "tests/integration/employment_harness.h"
#include "tests/support/hostile_values.h"

namespace ccms::testing {
namespace {

namespace v1 = employment::v1;
using absl::CivilDay;
using grpc_util::ToProtoDate;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";

class EmploymentSupportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.consumer().Stop();  // only this test's events make cases
    staff_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictA}, "staff-a");
    bureau_ = h_.Token(auth::Role::kDistrictBureau, {kDistrictA}, "bureau-a");
    staff_b_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictB}, "staff-b");
    bureau_b_ = h_.Token(auth::Role::kDistrictBureau, {kDistrictB}, "bureau-b");
  }

  CivilDay Today() { return h_.Today(); }

  std::string Case(const std::string& district) {
    auto case_id = h_.FeedOpenedCase(district, {.judged_days_ago = 100, .reported_days_ago = 90});
    EXPECT_TRUE(case_id.ok()) << case_id.status();
    return case_id.value_or("");
  }

  void Close(const std::string& case_id, const std::string& district) {
    records::v1::CaseClosed closed;
    closed.set_case_id(case_id);
    *closed.mutable_closed_on() = ToProtoDate(Today());
    EXPECT_TRUE(h_.Feed("ccms.records.case_closed", case_id, district, closed).ok());
  }

  v1::Partner Register(const std::string& agency, const std::string& district) {
    v1::RegisterPartnerRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_agency_id(agency);
    req.set_name("Partner " + agency);
    req.set_kind(v1::PARTNER_KIND_SOCIAL_WORK_AGENCY);
    req.set_district_code(district);
    v1::RegisterPartnerResponse resp;
    auto ctx = h_.Context(h_.Token(auth::Role::kOfficeStaff, {district}, "staff-reg"));
    const grpc::Status st = h_.partners().RegisterPartner(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.partner();
  }

  v1::RecordPartnerContractRequest ContractRequest(const std::string& partner_id,
                                                   const std::string& district) {
    v1::RecordPartnerContractRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_partner_id(partner_id);
    req.set_district_code(district);
    req.set_scope_code("SOCIAL_WORK");
    *req.mutable_starts_on() = ToProtoDate(CivilDay(2026, 1, 1));
    *req.mutable_ends_on() = ToProtoDate(CivilDay(2026, 12, 31));
    req.set_amount_fen(12'345'600);
    return req;
  }

  v1::RecordPartnerEvaluationRequest EvaluationRequest(const std::string& partner_id,
                                                       const std::string& district) {
    v1::RecordPartnerEvaluationRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_partner_id(partner_id);
    req.set_district_code(district);
    *req.mutable_period_from() = ToProtoDate(CivilDay(2026, 1, 1));
    *req.mutable_period_to() = ToProtoDate(CivilDay(2026, 6, 30));
    for (const auto& [c, s] : std::vector<std::pair<std::string, int>>{
             {"SERVICE_QUALITY", 90}, {"OUTCOMES", 75}, {"COMPLIANCE", 100}}) {
      auto* sc = req.add_scores();
      sc->set_criterion_code(c);
      sc->set_score(s);
    }
    req.set_result_code("GOOD");
    return req;
  }

  grpc::Status Assist(const std::string& token, const std::string& case_id, v1::AssistanceKind kind,
                      v1::AssistanceStatus status, int64_t fen, std::optional<CivilDay> applied,
                      std::optional<CivilDay> granted, v1::AssistanceRecord* out) {
    v1::RecordAssistanceRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_kind(kind);
    req.set_status(status);
    req.set_amount_fen(fen);
    if (applied) *req.mutable_applied_on() = ToProtoDate(*applied);
    if (granted) *req.mutable_granted_on() = ToProtoDate(*granted);
    v1::RecordAssistanceResponse resp;
    auto ctx = h_.Context(token);
    grpc::Status st = h_.assistance().RecordAssistance(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.assistance();
    return st;
  }

  grpc::Status ChangeStatus(const std::string& token, const std::string& id,
                            v1::AssistanceStatus to, std::optional<CivilDay> on, int64_t fen,
                            const std::string& reason, v1::AssistanceRecord* out) {
    v1::ChangeAssistanceStatusRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_assistance_id(id);
    req.set_to_status(to);
    if (on) *req.mutable_on() = ToProtoDate(*on);
    req.set_amount_fen(fen);
    req.set_reason_code(reason);
    v1::ChangeAssistanceStatusResponse resp;
    auto ctx = h_.Context(token);
    grpc::Status st = h_.assistance().ChangeAssistanceStatus(ctx.get(), req, &resp);
    if (out != nullptr) *out = resp.assistance();
    return st;
  }

  v1::SumAssistanceResponse Sum(const std::string& token, const std::string& district, int year) {
    v1::SumAssistanceRequest req;
    req.set_district_code(district);
    req.set_year(year);
    v1::SumAssistanceResponse resp;
    auto ctx = h_.Context(token);
    const grpc::Status st = h_.assistance().SumAssistance(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp;
  }

  std::string Count(const std::string& sql) { return h_.db().QueryValue(sql); }

  EmploymentHarness h_;
  std::string staff_;
  std::string bureau_;
  std::string staff_b_;
  std::string bureau_b_;
};

TEST_F(EmploymentSupportTest, ContractsAndEvaluationsByTheDistrictBureauReadByOfficeStaff) {
  const v1::Partner p = Register("agency-contract", kDistrictA);
  // Office staff read but do not record; another district's bureau does not reach the partner
  // (NOT_FOUND) and cannot record for district A (PERMISSION_DENIED).
  v1::RecordPartnerContractResponse contract;
  {
    auto ctx = h_.Context(staff_);
    EXPECT_EQ(h_.partner_contracts()
                  .RecordPartnerContract(ctx.get(), ContractRequest(p.partner_id(), kDistrictA),
                                         &contract)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    auto ctx = h_.Context(bureau_b_);
    EXPECT_EQ(h_.partner_contracts()
                  .RecordPartnerContract(ctx.get(), ContractRequest(p.partner_id(), kDistrictB),
                                         &contract)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    auto ctx = h_.Context(bureau_b_);
    EXPECT_EQ(h_.partner_contracts()
                  .RecordPartnerContract(ctx.get(), ContractRequest(p.partner_id(), kDistrictA),
                                         &contract)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    auto ctx = h_.Context(bureau_);
    auto bad = ContractRequest(p.partner_id(), kDistrictA);
    *bad.mutable_ends_on() = ToProtoDate(CivilDay(2025, 12, 31));  // before the start
    EXPECT_EQ(h_.partner_contracts().RecordPartnerContract(ctx.get(), bad, &contract).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  auto ctx = h_.Context(bureau_);
  ASSERT_TRUE(
      h_.partner_contracts()
          .RecordPartnerContract(ctx.get(), ContractRequest(p.partner_id(), kDistrictA), &contract)
          .ok());
  EXPECT_EQ(contract.contract().status(), v1::CONTRACT_STATUS_ACTIVE);
  EXPECT_EQ(contract.contract().amount_fen(), 12'345'600);
  EXPECT_EQ(contract.contract().recorded_by(), "bureau-a");

  v1::RecordPartnerEvaluationResponse evaluation;
  auto ectx = h_.Context(bureau_);
  ASSERT_TRUE(h_.partner_contracts()
                  .RecordPartnerEvaluation(
                      ectx.get(), EvaluationRequest(p.partner_id(), kDistrictA), &evaluation)
                  .ok());
  EXPECT_EQ(evaluation.evaluation().total_score(), 88);  // (90 + 75 + 100) / 3 = 88.33
  EXPECT_EQ(evaluation.evaluation().evaluated_by(), "bureau-a");
  EXPECT_EQ(evaluation.evaluation().scores_size(), 3);
  // The same period twice is ALREADY_EXISTS.
  auto again = h_.Context(bureau_);
  EXPECT_EQ(h_.partner_contracts()
                .RecordPartnerEvaluation(again.get(), EvaluationRequest(p.partner_id(), kDistrictA),
                                         &evaluation)
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  // Office staff of A read both; B's staff do not see the partner.
  v1::ListPartnerContractsRequest lc;
  lc.set_partner_id(p.partner_id());
  v1::ListPartnerContractsResponse contracts;
  auto lctx = h_.Context(staff_);
  ASSERT_TRUE(h_.partner_contracts().ListPartnerContracts(lctx.get(), lc, &contracts).ok());
  ASSERT_EQ(contracts.contracts_size(), 1);
  EXPECT_EQ(contracts.contracts(0).contract_id(), contract.contract().contract_id());
  v1::ListPartnerEvaluationsRequest le;
  le.set_partner_id(p.partner_id());
  v1::ListPartnerEvaluationsResponse evaluations;
  auto lectx = h_.Context(staff_);
  ASSERT_TRUE(h_.partner_contracts().ListPartnerEvaluations(lectx.get(), le, &evaluations).ok());
  ASSERT_EQ(evaluations.evaluations_size(), 1);
  EXPECT_EQ(evaluations.evaluations(0).scores(1).criterion_code(), "OUTCOMES");
  EXPECT_EQ(evaluations.evaluations(0).scores(1).score(), 75);
  auto bctx = h_.Context(staff_b_);
  EXPECT_EQ(h_.partner_contracts().ListPartnerContracts(bctx.get(), lc, &contracts).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Events keyed by the partner id; partner_evaluated carries codes and numbers.
  EXPECT_EQ(
      Count("SELECT string_agg(event_type, ',' ORDER BY id) FROM outbox WHERE record_key = '" +
            p.partner_id() + "'"),
      "ccms.employment.partner_registered,ccms.employment.partner_contract_recorded,"
      "ccms.employment.partner_evaluated");
  const std::string hex = Count(
      "SELECT encode(payload, 'hex') FROM outbox WHERE event_type ="
      " 'ccms.employment.partner_evaluated' AND record_key = '" +
      p.partner_id() + "'");
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  events::v1::Envelope env;
  ASSERT_TRUE(env.ParseFromString(bytes));
  v1::PartnerEvaluated e;
  ASSERT_TRUE(env.payload().UnpackTo(&e));
  EXPECT_EQ(e.result_code(), "GOOD");
  EXPECT_EQ(e.total_score(), 88);
  EXPECT_EQ(e.scores_size(), 3);
  EXPECT_EQ(e.criterion_codes(2), "COMPLIANCE");
}

// A grant at each edge of the year 2025, then more at random, in districts A and B: the sums of
// district A equal a tally kept here and a count in SQL; B's records never count for A, and B's
// staff reach nothing of A.
TEST_F(EmploymentSupportTest, AssistanceSumsPerDistrictAndYearEqualAnIndependentCount) {
  const int year = 2025;
  const std::vector<std::string> cases_a = {Case(kDistrictA), Case(kDistrictA), Case(kDistrictA)};
  const std::string case_b = Case(kDistrictB);
  const std::string token_b = h_.Token(auth::Role::kSocialWorker, {kDistrictB}, "worker-b");
  std::map<v1::AssistanceKind, std::pair<int, int64_t>> tally;  // district A, year 2025
  int grants = 0;
  auto grant = [&](const std::string& token, const std::string& case_id, v1::AssistanceKind kind,
                   int64_t fen, CivilDay on, bool in_a) {
    v1::AssistanceRecord r;
    const grpc::Status st =
        Assist(token, case_id, kind, v1::ASSISTANCE_STATUS_GRANTED, fen, on - 3, on, &r);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ++grants;
    if (in_a && on.year() == year) {
      tally[kind].first += 1;
      tally[kind].second += fen;
    }
  };
  // The edges: 31 December 2024 and 1 January 2026 are out, 1 January and 31 December 2025 in.
  grant(staff_, cases_a[0], v1::ASSISTANCE_KIND_MINIMUM_LIVING, 100, CivilDay(2024, 12, 31), true);
  grant(staff_, cases_a[0], v1::ASSISTANCE_KIND_MINIMUM_LIVING, 200, CivilDay(2025, 1, 1), true);
  grant(staff_, cases_a[1], v1::ASSISTANCE_KIND_HARDSHIP_PAYMENT, 300, CivilDay(2025, 12, 31),
        true);
  grant(staff_, cases_a[1], v1::ASSISTANCE_KIND_HARDSHIP_PAYMENT, 400, CivilDay(2026, 1, 1), true);
  grant(token_b, case_b, v1::ASSISTANCE_KIND_MINIMUM_LIVING, 500, CivilDay(2025, 6, 1), false);
  // More at random (a fixed seed): kinds, amounts, days over 2024-2026.
  uint32_t seed = 20261206;
  auto next = [&seed](uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
  };
  const std::vector<v1::AssistanceKind> kinds = {
      v1::ASSISTANCE_KIND_MINIMUM_LIVING,   v1::ASSISTANCE_KIND_TEMPORARY_RELIEF,
      v1::ASSISTANCE_KIND_JUDICIAL_AID,     v1::ASSISTANCE_KIND_SOCIAL_INSURANCE,
      v1::ASSISTANCE_KIND_HARDSHIP_PAYMENT, v1::ASSISTANCE_KIND_FESTIVAL_CARE};
  for (int i = 0; i < 30; ++i) {
    const bool in_a = next(4) != 0;
    const CivilDay on = CivilDay(2024, 12, 1) + static_cast<int>(next(700));
    grant(in_a ? staff_ : token_b, in_a ? cases_a[next(3)] : case_b, kinds[next(kinds.size())],
          1 + next(1'000'000), on, in_a);
  }
  // Applied only, refused and ended: only what was granted counts (an ended grant still does).
  v1::AssistanceRecord applied;
  ASSERT_TRUE(Assist(staff_, cases_a[2], v1::ASSISTANCE_KIND_JUDICIAL_AID,
                     v1::ASSISTANCE_STATUS_APPLIED, 7777, CivilDay(2025, 3, 1), std::nullopt,
                     &applied)
                  .ok());
  v1::AssistanceRecord refused;
  ASSERT_TRUE(Assist(staff_, cases_a[2], v1::ASSISTANCE_KIND_TEMPORARY_RELIEF,
                     v1::ASSISTANCE_STATUS_APPLIED, 8888, CivilDay(2025, 3, 1), std::nullopt,
                     &refused)
                  .ok());
  ASSERT_TRUE(ChangeStatus(staff_, refused.assistance_id(), v1::ASSISTANCE_STATUS_REFUSED,
                           CivilDay(2025, 3, 2), 0, "NOT_ELIGIBLE", &refused)
                  .ok());
  v1::AssistanceRecord later;
  ASSERT_TRUE(Assist(staff_, cases_a[2], v1::ASSISTANCE_KIND_TEMPORARY_RELIEF,
                     v1::ASSISTANCE_STATUS_APPLIED, 0, CivilDay(2025, 4, 1), std::nullopt, &later)
                  .ok());
  ASSERT_TRUE(ChangeStatus(staff_, later.assistance_id(), v1::ASSISTANCE_STATUS_GRANTED,
                           CivilDay(2025, 4, 10), 9999, "", &later)
                  .ok());
  ++grants;
  tally[v1::ASSISTANCE_KIND_TEMPORARY_RELIEF].first += 1;
  tally[v1::ASSISTANCE_KIND_TEMPORARY_RELIEF].second += 9999;
  EXPECT_EQ(later.status(), v1::ASSISTANCE_STATUS_GRANTED);
  ASSERT_TRUE(ChangeStatus(staff_, later.assistance_id(), v1::ASSISTANCE_STATUS_ENDED,
                           CivilDay(2025, 12, 31), 0, "PERIOD_ENDED", &later)
                  .ok());
  EXPECT_EQ(later.status(), v1::ASSISTANCE_STATUS_ENDED);
  // Refused cannot be granted; a hardship payment needs an amount.
  EXPECT_EQ(ChangeStatus(staff_, refused.assistance_id(), v1::ASSISTANCE_STATUS_GRANTED,
                         std::nullopt, 0, "", nullptr)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Assist(staff_, cases_a[2], v1::ASSISTANCE_KIND_HARDSHIP_PAYMENT,
                   v1::ASSISTANCE_STATUS_GRANTED, 0, std::nullopt, std::nullopt, nullptr)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  const v1::SumAssistanceResponse sum = Sum(staff_, kDistrictA, year);
  int records = 0;
  int64_t fen = 0;
  ASSERT_EQ(sum.by_kind_size(), 6);
  for (const auto& k : sum.by_kind()) {
    EXPECT_EQ(k.records(), tally[k.kind()].first) << v1::AssistanceKind_Name(k.kind());
    EXPECT_EQ(k.amount_fen(), tally[k.kind()].second) << v1::AssistanceKind_Name(k.kind());
    records += tally[k.kind()].first;
    fen += tally[k.kind()].second;
  }
  EXPECT_EQ(sum.records(), records);
  EXPECT_EQ(sum.amount_fen(), fen);
  EXPECT_EQ(Count("SELECT count(*) || ' ' || sum(amount_fen) FROM assistance_records WHERE"
                  " district_code = '110101' AND status IN ('GRANTED', 'ENDED') AND granted_on"
                  " >= '2025-01-01' AND granted_on <= '2025-12-31'"),
            absl::StrCat(records, " ", fen));
  // B's staff may not sum A's district, and reach none of A's records or cases.
  {
    v1::SumAssistanceRequest req;
    req.set_district_code(kDistrictA);
    req.set_year(year);
    v1::SumAssistanceResponse resp;
    auto c = h_.Context(token_b);
    EXPECT_EQ(h_.assistance().SumAssistance(c.get(), req, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(ChangeStatus(token_b, applied.assistance_id(), v1::ASSISTANCE_STATUS_GRANTED,
                         std::nullopt, 0, "", nullptr)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Assist(token_b, cases_a[0], v1::ASSISTANCE_KIND_FESTIVAL_CARE,
                   v1::ASSISTANCE_STATUS_APPLIED, 0, std::nullopt, std::nullopt, nullptr)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListAssistanceRequest lreq;
  lreq.set_district_code(kDistrictA);
  lreq.set_page_size(500);
  v1::ListAssistanceResponse list;
  auto lctx = h_.Context(token_b);
  ASSERT_TRUE(h_.assistance().ListAssistance(lctx.get(), lreq, &list).ok());
  EXPECT_EQ(list.records_size(), 0);
  // A case employment does not know is NOT_FOUND; a closed case is refused.
  EXPECT_EQ(Assist(staff_, ids::NewUuid(), v1::ASSISTANCE_KIND_FESTIVAL_CARE,
                   v1::ASSISTANCE_STATUS_APPLIED, 0, std::nullopt, std::nullopt, nullptr)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  const std::string closed = Case(kDistrictA);
  Close(closed, kDistrictA);
  EXPECT_EQ(Assist(staff_, closed, v1::ASSISTANCE_KIND_FESTIVAL_CARE, v1::ASSISTANCE_STATUS_APPLIED,
                   0, std::nullopt, std::nullopt, nullptr)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // One assistance_granted per grant, keyed by the case.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.employment.assistance_granted'"),
            std::to_string(grants));
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.employment.assistance_granted' AND record_key = '" +
                  later.case_id() + "'"),
            Count("SELECT count(*) FROM assistance_records WHERE granted_on IS NOT NULL AND"
                  " case_id = '" +
                  later.case_id() + "'"));
}

// "Today" is a Shanghai day: a grant recorded at 00:30 on 1 January in Shanghai (16:30 UTC on 31
// December) without a date counts in the new year.
TEST_F(EmploymentSupportTest, AGrantJustAfterMidnightInShanghaiCountsInTheNewYear) {
  const std::string case_id = Case(kDistrictA);
  h_.clock().Set(absl::FromCivil(absl::CivilSecond(2025, 12, 31, 16, 30, 0), absl::UTCTimeZone()));
  v1::AssistanceRecord r;
  ASSERT_TRUE(Assist(staff_, case_id, v1::ASSISTANCE_KIND_FESTIVAL_CARE,
                     v1::ASSISTANCE_STATUS_GRANTED, 5000, std::nullopt, std::nullopt, &r)
                  .ok());
  EXPECT_EQ(r.granted_on().year(), 2026);
  EXPECT_EQ(Sum(staff_, kDistrictA, 2026).records(), 1);
  EXPECT_EQ(Sum(staff_, kDistrictA, 2025).records(), 0);
}

TEST_F(EmploymentSupportTest, VolunteersHoursCommendationsTeamsAndEncryptedIdentity) {
  const std::string team = ids::NewUuid();
  v1::RegisterVolunteerRequest reg;
  reg.set_request_id(ids::NewUuid());
  reg.set_kind(v1::VOLUNTEER_KIND_VOLUNTEER);
  reg.set_name("VOLUNTEER-NAME-MARKER");
  reg.set_contact("13900139000");
  reg.add_skill_codes("LEGAL");
  reg.add_skill_codes("PSYCHOLOGY");
  reg.set_district_code(kDistrictA);
  reg.add_supervision_team_ids(team);
  v1::RegisterVolunteerResponse vol;
  {
    // A social worker records work but does not register volunteers.
    auto ctx = h_.Context(h_.Token(auth::Role::kSocialWorker, {kDistrictA}, "worker-a"));
    EXPECT_EQ(h_.volunteers().RegisterVolunteer(ctx.get(), reg, &vol).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  auto ctx = h_.Context(staff_);
  ASSERT_TRUE(h_.volunteers().RegisterVolunteer(ctx.get(), reg, &vol).ok());
  const std::string id = vol.volunteer().volunteer_id();
  EXPECT_EQ(vol.volunteer().name(), "VOLUNTEER-NAME-MARKER");
  EXPECT_EQ(vol.volunteer().districts_served_size(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM volunteers WHERE position('VOLUNTEER-NAME-MARKER'::bytea"
                  " in identity_enc) > 0 OR position('13900139000'::bytea in identity_enc) > 0"),
            "0");

  const std::string case_a = Case(kDistrictA);
  const std::string case_b = Case(kDistrictB);
  const std::string worker = h_.Token(auth::Role::kSocialWorker, {kDistrictA}, "worker-a");
  auto serve = [&](const std::string& token, int hours, const std::string& case_id,
                   const std::string& team_id, v1::RecordVolunteerServiceResponse* out) {
    v1::RecordVolunteerServiceRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_volunteer_id(id);
    req.set_district_code(kDistrictA);
    *req.mutable_served_on() = ToProtoDate(Today() - 1);
    req.set_hours(hours);
    req.set_activity_code("TALK");
    req.set_case_id(case_id);
    req.set_supervision_team_id(team_id);
    v1::RecordVolunteerServiceResponse resp;
    auto c = h_.Context(token);
    grpc::Status st = h_.volunteers().RecordVolunteerService(c.get(), req, &resp);
    if (out != nullptr) *out = resp;
    return st.error_code();
  };
  v1::RecordVolunteerServiceResponse served;
  EXPECT_EQ(serve(worker, 20, case_a, team, &served), grpc::StatusCode::OK);
  EXPECT_EQ(served.hours_that_day(), 20);
  EXPECT_EQ(serve(worker, 5, "", "", nullptr), grpc::StatusCode::FAILED_PRECONDITION);  // 25
  EXPECT_EQ(serve(worker, -1, "", "", nullptr), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(serve(worker, 0, "", "", nullptr), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(serve(worker, 4, "", "", &served), grpc::StatusCode::OK);
  EXPECT_EQ(served.hours_that_day(), 24);
  // Another district's case, a team the volunteer is not on, B's staff: refused.
  EXPECT_EQ(serve(worker, 1, case_b, "", nullptr), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(
      serve(h_.Token(auth::Role::kSocialWorker, {kDistrictB}, "worker-b"), 1, "", "", nullptr),
      grpc::StatusCode::PERMISSION_DENIED);  // district A is not the caller's
  v1::RecordVolunteerServiceRequest other;
  other.set_request_id(ids::NewUuid());
  other.set_volunteer_id(id);
  other.set_district_code(kDistrictB);
  other.set_hours(1);
  other.set_activity_code("TALK");
  v1::RecordVolunteerServiceResponse oresp;
  auto octx = h_.Context(staff_b_);
  EXPECT_EQ(h_.volunteers().RecordVolunteerService(octx.get(), other, &oresp).error_code(),
            grpc::StatusCode::NOT_FOUND);  // the volunteer does not serve B

  v1::CommendVolunteerRequest com;
  com.set_request_id(ids::NewUuid());
  com.set_volunteer_id(id);
  com.set_district_code(kDistrictA);
  com.set_code("OUTSTANDING_VOLUNTEER");
  v1::CommendVolunteerResponse comr;
  auto cctx = h_.Context(staff_);
  ASSERT_TRUE(h_.volunteers().CommendVolunteer(cctx.get(), com, &comr).ok());

  v1::GetVolunteerRequest get;
  get.set_volunteer_id(id);
  v1::GetVolunteerResponse got;
  auto gctx = h_.Context(h_.Token(auth::Role::kAuditor, {"*"}, "auditor"));
  ASSERT_TRUE(h_.volunteers().GetVolunteer(gctx.get(), get, &got).ok());
  EXPECT_EQ(got.volunteer().total_hours(), 24);
  EXPECT_EQ(got.volunteer().commendations(), 1);
  EXPECT_EQ(got.services_size(), 2);
  EXPECT_EQ(got.commendations_size(), 1);
  auto bctx = h_.Context(staff_b_);
  EXPECT_EQ(h_.volunteers().GetVolunteer(bctx.get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListVolunteersRequest lreq;
  lreq.set_district_code(kDistrictB);
  v1::ListVolunteersResponse list;
  auto lctx = h_.Context(staff_b_);
  ASSERT_TRUE(h_.volunteers().ListVolunteers(lctx.get(), lreq, &list).ok());
  EXPECT_EQ(list.volunteers_size(), 0);

  EXPECT_EQ(
      Count("SELECT string_agg(event_type, ',' ORDER BY id) FROM outbox WHERE record_key = '" + id +
            "'"),
      "ccms.employment.volunteer_registered,ccms.employment.volunteer_service_recorded,"
      "ccms.employment.volunteer_service_recorded,ccms.employment.volunteer_commended");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE position('VOLUNTEER-NAME-MARKER'::bytea in"
                  " payload) > 0 OR position('13900139000'::bytea in payload) > 0"),
            "0");
}

// 16 services of 3 hours each for one volunteer and one day, released at once: the day's hours
// are summed under the volunteer's lock, so exactly 8 are recorded (24 hours) and 8 refused.
TEST_F(EmploymentSupportTest, AVolunteersDayNeverHoldsMoreThan24HoursUnderConcurrentRecords) {
  v1::RegisterVolunteerRequest reg;
  reg.set_request_id(ids::NewUuid());
  reg.set_kind(v1::VOLUNTEER_KIND_VOLUNTEER);
  reg.set_name("busy volunteer");
  reg.set_district_code(kDistrictA);
  v1::RegisterVolunteerResponse vol;
  auto ctx = h_.Context(staff_);
  ASSERT_TRUE(h_.volunteers().RegisterVolunteer(ctx.get(), reg, &vol).ok());
  constexpr int kClients = 16;
  std::vector<grpc::Status> results(kClients);
  std::vector<std::thread> clients;
  std::latch start(kClients);
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      v1::RecordVolunteerServiceRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_volunteer_id(vol.volunteer().volunteer_id());
      req.set_district_code(kDistrictA);
      *req.mutable_served_on() = ToProtoDate(Today() - 2);
      req.set_hours(3);
      req.set_activity_code("HOME_VISIT");
      v1::RecordVolunteerServiceResponse resp;
      auto c = h_.Context(staff_);
      start.arrive_and_wait();
      results[i] = h_.volunteers().RecordVolunteerService(c.get(), req, &resp);
    });
  }
  for (auto& t : clients) t.join();
  int recorded = 0, refused = 0;
  for (const auto& st : results) {
    if (st.ok()) {
      ++recorded;
    } else if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      ++refused;
    } else {
      ADD_FAILURE() << st.error_code() << " " << st.error_message();
    }
  }
  EXPECT_EQ(recorded, 8);
  EXPECT_EQ(refused, kClients - 8);
  EXPECT_EQ(Count("SELECT sum(hours) FROM volunteer_services WHERE volunteer_id = '" +
                  vol.volunteer().volunteer_id() + "'"),
            "24");
}

// The same at the store, each decision held 20 ms between the day's sum and the insert (a race
// through gRPC does not always show on a loaded machine): 12 records of 6 hours, exactly 4 fit.
TEST_F(EmploymentSupportTest, VolunteerStoreSumsADaysHoursOnlyUnderTheVolunteersLock) {
  v1::RegisterVolunteerRequest reg;
  reg.set_request_id(ids::NewUuid());
  reg.set_kind(v1::VOLUNTEER_KIND_VOLUNTEER);
  reg.set_name("held volunteer");
  reg.set_district_code(kDistrictA);
  v1::RegisterVolunteerResponse vol;
  auto ctx = h_.Context(staff_);
  ASSERT_TRUE(h_.volunteers().RegisterVolunteer(ctx.get(), reg, &vol).ok());
  const std::string id = vol.volunteer().volunteer_id();
  auto cipher = crypto::PiiCipher::FromHexKey(EmploymentHarness::kPiiKey);
  ASSERT_TRUE(cipher.ok());
  employment::PgVolunteerStore store(h_.host().pool(), *cipher, nullptr);
  auth::Principal staff;
  staff.subject = "store-test";
  staff.role = auth::Role::kOfficeStaff;
  staff.districts = {kDistrictA};
  const CivilDay day = Today() - 3;
  constexpr int kClients = 12;
  std::vector<absl::Status> results(kClients);
  std::vector<std::thread> clients;
  std::latch start(kClients);
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      auto decide = [&](const employment::VolunteerServiceView& v)
          -> absl::StatusOr<employment::VolunteerServiceWrite> {
        if (auto st = employment::domain::CheckVolunteerHours(6, v.hours_before); !st.ok()) {
          return st;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        employment::VolunteerServiceWrite w;
        w.service.service_id = ids::NewUuid();
        w.service.volunteer_id = id;
        w.service.district_code = kDistrictA;
        w.service.served_on = day;
        w.service.hours = 6;
        w.service.activity_code = "TALK";
        w.service.recorded_by = staff.subject;
        return w;
      };
      start.arrive_and_wait();
      results[i] =
          store.RecordService(staff, id, kDistrictA, "", day, ids::NewUuid(), decide).status();
    });
  }
  for (auto& t : clients) t.join();
  int recorded = 0, refused = 0;
  for (const auto& st : results) {
    if (st.ok()) {
      ++recorded;
    } else if (st.code() == absl::StatusCode::kFailedPrecondition) {
      ++refused;
    } else {
      ADD_FAILURE() << st;
    }
  }
  EXPECT_EQ(recorded, 4);
  EXPECT_EQ(refused, kClients - 4);
  EXPECT_EQ(Count("SELECT sum(hours) FROM volunteer_services WHERE volunteer_id = '" + id + "'"),
            "24");
}

// Every field of every request of the three services, one hostile value at a time.
TEST_F(EmploymentSupportTest, EveryFieldOfEveryRequestGetsAClientErrorOrOk) {
  const v1::Partner partner = Register("hostile-support", kDistrictA);
  const std::string case_id = Case(kDistrictA);
  const std::string team = ids::NewUuid();
  v1::AssistanceRecord assistance;
  ASSERT_TRUE(Assist(staff_, case_id, v1::ASSISTANCE_KIND_MINIMUM_LIVING,
                     v1::ASSISTANCE_STATUS_APPLIED, 100, std::nullopt, std::nullopt, &assistance)
                  .ok());
  v1::RegisterVolunteerRequest reg;
  reg.set_request_id(ids::NewUuid());
  reg.set_kind(v1::VOLUNTEER_KIND_SOCIAL_ORGANISATION);
  reg.set_name("hostile volunteer");
  reg.set_district_code(kDistrictA);
  reg.add_supervision_team_ids(team);
  v1::RegisterVolunteerResponse vol;
  auto ctx = h_.Context(staff_);
  ASSERT_TRUE(h_.volunteers().RegisterVolunteer(ctx.get(), reg, &vol).ok());

  HostileOptions o;
  o.channel = h_.channel();
  o.services = {v1::PartnerContractService::service_full_name(),
                v1::AssistanceService::service_full_name(),
                v1::VolunteerService::service_full_name()};
  o.tokens = {staff_, bureau_, h_.Token(auth::Role::kCityAdmin, {"*"}, "admin-1")};
  o.strings = {{"case_id", case_id},
               {"partner_id", partner.partner_id()},
               {"assistance_id", assistance.assistance_id()},
               {"volunteer_id", vol.volunteer().volunteer_id()},
               {"supervision_team_id", team},
               {"district_code", kDistrictA},
               {"scope_code", "SOCIAL_WORK"},
               {"criterion_code", "OUTCOMES"},
               {"result_code", "PASS"},
               {"activity_code", "TALK"},
               {"code", "OTHER"},
               {"reason_code", "OTHER"}};
  o.today = Today();
  o.snapshot = DatabaseSnapshot(h_.db().dsn());
  const HostileReport report = RunHostileValues(o);
  ExpectNoFailures(o, report);
  EXPECT_GE(report.methods, 15);
}

}  // namespace
}  // namespace ccms::testing
