// ccms-employment on PostgreSQL and the dev broker's topic names (tests/run): cases followed from
// records' events through the inbox; the partner register (roles, district reach in SQL,
// contacts encrypted at rest, events); referrals through the transition table with their events
// (codes only, no name on the bus); the 16-year rule through the service; the partner view (its
// own agency only, the reviewed allow-list, minors withheld, every read audited); escalation of
// unanswered referrals; a closed case withdrawing, a transfer moving, lost contact pausing;
// halfway houses and training never above their places under concurrent calls; employment spells
// with their retention checks.
#include <atomic>
#include <chrono>
#include <iostream>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/errors/reason.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "services/employment/domain/training_rules.h"
#include "services/employment/pg_training_store.h"
#include "tests/integration/employment_harness.h"
#include "tests/support/hostile_values.h"

namespace ccms::testing {
namespace {

namespace v1 = employment::v1;
using absl::CivilDay;
using grpc_util::ToProtoDate;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";

class EmploymentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.consumer().Stop();  // only this test's events make cases
    staff_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictA}, "staff-a");
  }

  CivilDay Today() { return h_.Today(); }

  // An active case of `district` whose person was `age` at a judgment 100 days ago.
  std::string Case(const std::string& district, int age, bool minor = false) {
    auto case_id = h_.FeedOpenedCase(
        district, {.judged_days_ago = 100, .reported_days_ago = 90, .age = age, .minor = minor});
    EXPECT_TRUE(case_id.ok()) << case_id.status();
    return case_id.value_or("");
  }

  v1::Partner Register(const std::string& agency, const std::string& district,
                       std::vector<std::string> served = {}) {
    v1::RegisterPartnerRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_agency_id(agency);
    req.set_name("Partner " + agency);
    req.set_kind(v1::PARTNER_KIND_ENTERPRISE);
    req.set_district_code(district);
    for (auto& d : served) req.add_districts_served(d);
    auto* c = req.add_contacts();
    c->set_name("Contact Zhang");
    c->set_phone("13800138000");
    v1::RegisterPartnerResponse resp;
    auto ctx = h_.Context(h_.Token(auth::Role::kOfficeStaff, {district}, "staff-reg"));
    const grpc::Status st = h_.partners().RegisterPartner(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.partner();
  }

  grpc::Status Create(const std::string& token, const std::string& case_id,
                      const std::string& partner_id, v1::ReferralKind kind, v1::Referral* out,
                      bool guardian_consent = false) {
    v1::CreateReferralRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_partner_id(partner_id);
    req.set_kind(kind);
    req.set_given_name("GIVEN-NAME-MARKER");
    req.add_skills("forklift licence");
    req.set_availability("weekdays");
    req.set_guardian_consent(guardian_consent);
    v1::CreateReferralResponse resp;
    auto ctx = h_.Context(token);
    grpc::Status st = h_.referrals().CreateReferral(ctx.get(), req, &resp);
    *out = resp.referral();
    return st;
  }

  grpc::Status Send(const std::string& referral_id, v1::Referral* out) {
    v1::SendReferralRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_referral_id(referral_id);
    *req.mutable_consent_recorded_on() = ToProtoDate(Today());
    v1::SendReferralResponse resp;
    auto ctx = h_.Context(staff_);
    grpc::Status st = h_.referrals().SendReferral(ctx.get(), req, &resp);
    *out = resp.referral();
    return st;
  }

  grpc::Status Step(const std::string& referral_id, v1::ReferralStatus to, const std::string& code,
                    v1::Referral* out) {
    v1::RecordReferralStepRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_referral_id(referral_id);
    req.set_to_status(to);
    req.set_reason_code(code);
    v1::RecordReferralStepResponse resp;
    auto ctx = h_.Context(staff_);
    grpc::Status st = h_.referrals().RecordReferralStep(ctx.get(), req, &resp);
    *out = resp.referral();
    return st;
  }

  // A sent job referral of a new adult case of district A to `partner`.
  v1::Referral SentReferral(const v1::Partner& partner, bool minor = false,
                            bool guardian_consent = false) {
    v1::Referral r;
    EXPECT_TRUE(Create(staff_, Case(kDistrictA, minor ? 17 : 30, minor), partner.partner_id(),
                       v1::REFERRAL_KIND_JOB_PLACEMENT, &r, guardian_consent)
                    .ok());
    EXPECT_TRUE(Send(r.referral_id(), &r).ok());
    return r;
  }

  auth::Principal PartnerOf(const std::string& agency) {
    auth::Principal p;
    p.subject = "partner-user";
    p.role = auth::Role::kPartner;
    p.agency_id = agency;
    return p;
  }

  std::string Count(const std::string& sql) { return h_.db().QueryValue(sql); }

  EmploymentHarness h_;
  std::string staff_;
};

TEST_F(EmploymentTest, FollowsRecordsCasesThroughTheInbox) {
  const std::string case_id = Case(kDistrictA, 30);
  EXPECT_EQ(
      Count("SELECT status || ' ' || age_at_judgment FROM cases WHERE case_id = '" + case_id + "'"),
      "ACTIVE 30");
  records::v1::LostContactChanged lost;
  lost.set_case_id(case_id);
  ASSERT_TRUE(h_.Feed("ccms.records.lost_contact_marked", case_id, kDistrictA, lost).ok());
  EXPECT_EQ(Count("SELECT lost_contact FROM cases WHERE case_id = '" + case_id + "'"), "t");
  ASSERT_TRUE(h_.Feed("ccms.records.found_again", case_id, kDistrictA, lost).ok());
  EXPECT_EQ(Count("SELECT lost_contact FROM cases WHERE case_id = '" + case_id + "'"), "f");
  EXPECT_EQ(Count("SELECT count(*) FROM inbox"), "4");
}

TEST_F(EmploymentTest, PartnerRegisterRolesReachAndEncryptedContacts) {
  const v1::Partner p = Register("agency-reg", kDistrictA, {"110102"});
  EXPECT_EQ(p.status(), v1::PARTNER_STATUS_ACTIVE);
  EXPECT_EQ(p.districts_served_size(), 2);
  ASSERT_EQ(p.contacts_size(), 1);
  EXPECT_EQ(p.contacts(0).phone(), "13800138000");
  // At rest the contacts are ciphertext.
  EXPECT_EQ(Count("SELECT count(*) FROM partners WHERE position('13800138000'::bytea in"
                  " contacts_enc) > 0 OR position('Zhang'::bytea in contacts_enc) > 0"),
            "0");
  // A served district sees it; another district does not.
  for (const auto& [districts, want] : std::vector<std::pair<std::string, grpc::StatusCode>>{
           {"110102", grpc::StatusCode::OK}, {kDistrictB, grpc::StatusCode::NOT_FOUND}}) {
    v1::GetPartnerRequest req;
    req.set_partner_id(p.partner_id());
    v1::GetPartnerResponse resp;
    auto ctx = h_.Context(h_.Token(auth::Role::kSocialWorker, {districts}));
    EXPECT_EQ(h_.partners().GetPartner(ctx.get(), req, &resp).error_code(), want) << districts;
  }
  // A social worker may not register; the same agency twice is ALREADY_EXISTS.
  v1::RegisterPartnerRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_agency_id("agency-other");
  req.set_name("x");
  req.set_kind(v1::PARTNER_KIND_NGO);
  req.set_district_code(kDistrictA);
  v1::RegisterPartnerResponse resp;
  auto sw = h_.Context(h_.Token(auth::Role::kSocialWorker, {kDistrictA}));
  EXPECT_EQ(h_.partners().RegisterPartner(sw.get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  req.set_agency_id("agency-reg");
  auto again = h_.Context(staff_);
  EXPECT_EQ(h_.partners().RegisterPartner(again.get(), req, &resp).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // Suspended by the registering district only; a served district's staff cannot.
  v1::SuspendPartnerRequest s;
  s.set_request_id(ids::NewUuid());
  s.set_partner_id(p.partner_id());
  s.set_reason_code("COMPLAINT");
  v1::SuspendPartnerResponse sr;
  auto served = h_.Context(h_.Token(auth::Role::kDistrictBureau, {"110102"}));
  EXPECT_EQ(h_.partners().SuspendPartner(served.get(), s, &sr).error_code(),
            grpc::StatusCode::NOT_FOUND);
  s.set_request_id(ids::NewUuid());
  auto own = h_.Context(h_.Token(auth::Role::kDistrictBureau, {kDistrictA}));
  ASSERT_TRUE(h_.partners().SuspendPartner(own.get(), s, &sr).ok());
  EXPECT_EQ(sr.partner().status(), v1::PARTNER_STATUS_SUSPENDED);
  EXPECT_EQ(
      Count("SELECT string_agg(event_type, ',' ORDER BY id) FROM outbox WHERE record_key = '" +
            p.partner_id() + "'"),
      "ccms.employment.partner_registered,ccms.employment.partner_suspended");
  // A suspended partner is sent nothing.
  v1::Referral r;
  ASSERT_TRUE(
      Create(staff_, Case(kDistrictA, 30), p.partner_id(), v1::REFERRAL_KIND_JOB_PLACEMENT, &r)
          .ok());
  EXPECT_EQ(Send(r.referral_id(), &r).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(EmploymentTest, ReferralThroughTheTableWithEventsAndNoNameOnTheBus) {
  const v1::Partner p = Register("agency-path", kDistrictA);
  v1::Referral r = SentReferral(p);
  EXPECT_EQ(r.status(), v1::REFERRAL_STATUS_SENT);
  EXPECT_EQ(r.answer_due_on().day(), ToProtoDate(Today() + 5).day());
  EXPECT_EQ(r.age_basis(), v1::AGE_BASIS_CASE_FACTS);
  auto& agency = h_.wiring().agency_referrals();
  auto answer = [&](v1::ReferralStatus to, const std::string& code) {
    v1::AnswerAgencyReferralRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_referral_id(r.referral_id());
    req.set_to_status(to);
    req.set_reason_code(code);
    v1::AnswerAgencyReferralResponse resp;
    return agency.DoAnswerAgencyReferral(PartnerOf("agency-path"), req, &resp);
  };
  // A partner may not withdraw, nor skip the interview.
  EXPECT_EQ(answer(v1::REFERRAL_STATUS_WITHDRAWN, "OTHER").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(answer(v1::REFERRAL_STATUS_OFFERED, "").code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(answer(v1::REFERRAL_STATUS_ACCEPTED, "").ok());
  ASSERT_TRUE(answer(v1::REFERRAL_STATUS_INTERVIEW, "").ok());
  // A refused call leaves `r` empty: the ids are kept.
  const std::string id = r.referral_id();
  const std::string case_id = r.case_id();
  ASSERT_TRUE(Step(id, v1::REFERRAL_STATUS_OFFERED, "", &r).ok());
  ASSERT_TRUE(Step(id, v1::REFERRAL_STATUS_PLACED, "", &r).ok());
  EXPECT_EQ(Step(id, v1::REFERRAL_STATUS_ENDED, "", &r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Step(id, v1::REFERRAL_STATUS_ENDED, "RESIGNED", &r).ok());
  EXPECT_EQ(r.status(), v1::REFERRAL_STATUS_ENDED);
  ASSERT_EQ(r.steps_size(), 6);
  EXPECT_EQ(r.steps(1).recorded_by(), "partner:agency-path");
  EXPECT_EQ(Step(id, v1::REFERRAL_STATUS_WITHDRAWN, "OTHER", &r).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(
      Count("SELECT string_agg(event_type, ',' ORDER BY id) FROM outbox WHERE record_key = '" +
            case_id + "'"),
      "ccms.employment.referral_sent,ccms.employment.referral_answered,"
      "ccms.employment.referral_outcome,ccms.employment.referral_outcome,"
      "ccms.employment.referral_outcome,ccms.employment.referral_outcome");
  EXPECT_EQ(
      Count("SELECT count(*) FROM outbox WHERE position('GIVEN-NAME-MARKER'::bytea in payload) > 0"
            " OR position('forklift'::bytea in payload) > 0"),
      "0");
  EXPECT_EQ(Count("SELECT count(*) FROM referrals WHERE position('GIVEN-NAME-MARKER'::bytea in"
                  " given_name_enc) > 0"),
            "0");
}

TEST_F(EmploymentTest, SixteenYearRuleThroughTheService) {
  const v1::Partner p = Register("agency-age", kDistrictA);
  v1::Referral r;
  // 14 at a judgment 100 days ago: under 16 today whatever the birthday.
  const grpc::Status young = Create(staff_, Case(kDistrictA, 14, true), p.partner_id(),
                                    v1::REFERRAL_KIND_JOB_PLACEMENT, &r);
  EXPECT_EQ(young.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(young.error_message().find("16-year rule"), std::string::npos) << young.error_message();
  EXPECT_EQ(Create(staff_, Case(kDistrictA, 14, true), p.partner_id(),
                   v1::REFERRAL_KIND_SKILLS_TRAINING, &r)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(
      Create(staff_, Case(kDistrictA, 14, true), p.partner_id(), v1::REFERRAL_KIND_SCHOOLING, &r)
          .ok());
  // 15 at judgment 100 days ago: open; with a birth date agreeing with the facts it decides.
  const std::string fifteen = Case(kDistrictA, 15, true);
  const grpc::Status open =
      Create(staff_, fifteen, p.partner_id(), v1::REFERRAL_KIND_JOB_PLACEMENT, &r);
  EXPECT_EQ(open.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(open.error_message().find("birth_date"), std::string::npos);
  v1::CreateReferralRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(fifteen);
  req.set_partner_id(p.partner_id());
  req.set_kind(v1::REFERRAL_KIND_JOB_PLACEMENT);
  req.set_given_name("Li");
  // 16 today: born 16 years ago today (15 at the judgment 100 days ago).
  const CivilDay t = Today();
  *req.mutable_birth_date() = ToProtoDate(CivilDay(t.year() - 16, t.month(), t.day()));
  v1::CreateReferralResponse resp;
  auto ctx = h_.Context(staff_);
  const grpc::Status ok = h_.referrals().CreateReferral(ctx.get(), req, &resp);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(resp.referral().age_on_referral(), 16);
  EXPECT_EQ(resp.referral().age_basis(), v1::AGE_BASIS_BIRTH_DATE);
  // One day younger: 15 today, refused naming the rule.
  req.set_request_id(ids::NewUuid());
  *req.mutable_birth_date() = ToProtoDate(CivilDay(t.year() - 16, t.month(), t.day()) + 1);
  auto ctx2 = h_.Context(staff_);
  const grpc::Status refused = h_.referrals().CreateReferral(ctx2.get(), req, &resp);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("16-year rule"), std::string::npos);
}

TEST_F(EmploymentTest, PartnerSeesOnlyItsAgencyThroughTheAllowList) {
  const v1::Partner a = Register("agency-a1", kDistrictA);
  const v1::Partner b = Register("agency-b1", kDistrictA);
  const v1::Referral adult = SentReferral(a);
  const v1::Referral minor = SentReferral(a, /*minor=*/true);
  const v1::Referral minor_ok = SentReferral(a, true, /*guardian_consent=*/true);
  const v1::Referral to_b = SentReferral(b);
  v1::Referral draft;
  ASSERT_TRUE(
      Create(staff_, Case(kDistrictA, 30), a.partner_id(), v1::REFERRAL_KIND_JOB_PLACEMENT, &draft)
          .ok());
  auto& agency = h_.wiring().agency_referrals();
  v1::ListAgencyReferralsResponse list;
  ASSERT_TRUE(agency.DoListAgencyReferrals(PartnerOf("agency-a1"), {}, &list).ok());
  std::set<std::string> ids;
  for (const auto& r : list.referrals()) ids.insert(r.referral_id());
  EXPECT_EQ(ids, (std::set<std::string>{adult.referral_id(), minor.referral_id(),
                                        minor_ok.referral_id()}));
  for (const auto& r : list.referrals()) {
    if (r.referral_id() == minor.referral_id()) {
      EXPECT_TRUE(r.identity_withheld());
      EXPECT_EQ(r.given_name(), "");
    } else {
      EXPECT_FALSE(r.identity_withheld());
      EXPECT_EQ(r.given_name(), "GIVEN-NAME-MARKER");
    }
  }
  // Another agency's referral and a draft do not exist for agency A.
  for (const std::string& id : {to_b.referral_id(), draft.referral_id()}) {
    v1::GetAgencyReferralRequest req;
    req.set_referral_id(id);
    v1::GetAgencyReferralResponse resp;
    EXPECT_EQ(agency.DoGetAgencyReferral(PartnerOf("agency-a1"), req, &resp).code(),
              absl::StatusCode::kNotFound);
  }
  v1::AnswerAgencyReferralRequest ans;
  ans.set_request_id(ids::NewUuid());
  ans.set_referral_id(to_b.referral_id());
  ans.set_to_status(v1::REFERRAL_STATUS_ACCEPTED);
  v1::AnswerAgencyReferralResponse ar;
  EXPECT_EQ(agency.DoAnswerAgencyReferral(PartnerOf("agency-a1"), ans, &ar).code(),
            absl::StatusCode::kNotFound);
  // An unregistered agency, and staff, are refused.
  EXPECT_EQ(agency.DoListAgencyReferrals(PartnerOf("agency-zz"), {}, &list).code(),
            absl::StatusCode::kPermissionDenied);
  auth::Principal staff;
  staff.subject = "s";
  staff.role = auth::Role::kCityAdmin;
  staff.all_districts = true;
  EXPECT_EQ(agency.DoListAgencyReferrals(staff, {}, &list).code(),
            absl::StatusCode::kPermissionDenied);
  // Every partner read is audited.
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE actor_role = 'partner' AND action IN"
                  " ('ListAgencyReferrals', 'GetAgencyReferral')"),
            "3");
  // The reviewed allow-list: every field a partner can receive, and nothing else.
  const std::set<std::string> reviewed = {
      "referral_id",       "referral_code", "kind",         "status",  "given_name",
      "identity_withheld", "skills",        "availability", "sent_on", "answer_due_on"};
  std::set<std::string> fields;
  const auto* d = v1::AgencyReferral::descriptor();
  for (int i = 0; i < d->field_count(); ++i) fields.insert(d->field(i)->name());
  EXPECT_EQ(fields, reviewed);
  for (const auto* resp :
       {v1::ListAgencyReferralsResponse::descriptor(), v1::GetAgencyReferralResponse::descriptor(),
        v1::AnswerAgencyReferralResponse::descriptor()}) {
    for (int i = 0; i < resp->field_count(); ++i) {
      const auto* f = resp->field(i);
      EXPECT_TRUE(f->message_type() == nullptr || f->message_type() == d) << f->full_name();
    }
  }
}

TEST_F(EmploymentTest, UnansweredReferralsEscalateOncePausedOnesWait) {
  const v1::Partner p = Register("agency-esc", kDistrictA);
  const v1::Referral late = SentReferral(p);
  const v1::Referral paused = SentReferral(p);
  records::v1::LostContactChanged lost;
  lost.set_case_id(paused.case_id());
  ASSERT_TRUE(h_.Feed("ccms.records.lost_contact_marked", paused.case_id(), kDistrictA, lost).ok());
  auto& esc = h_.wiring().escalator();
  h_.clock().Advance(absl::Hours(24 * 5));  // the due day: still in time
  EXPECT_EQ(*esc.RunOnce(), 0);
  h_.clock().Advance(absl::Hours(24));
  EXPECT_EQ(*esc.RunOnce(), 1);
  EXPECT_EQ(*esc.RunOnce(), 0);
  v1::ListReferralsRequest req;
  req.set_escalated_only(true);
  v1::ListReferralsResponse resp;
  auto ctx = h_.Context(staff_);
  ASSERT_TRUE(h_.referrals().ListReferrals(ctx.get(), req, &resp).ok());
  ASSERT_EQ(resp.referrals_size(), 1);
  EXPECT_EQ(resp.referrals(0).referral_id(), late.referral_id());
  EXPECT_TRUE(resp.referrals(0).escalated());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.employment.referral_escalated'"),
            "1");
  // Steps wait while the person is lost contact.
  v1::Referral r;
  EXPECT_EQ(Step(paused.referral_id(), v1::REFERRAL_STATUS_ACCEPTED, "", &r).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(EmploymentTest, ClosedCaseWithdrawsTransferMoves) {
  const v1::Partner p = Register("agency-move", kDistrictA, {kDistrictB});
  const v1::Referral moved = SentReferral(p);
  records::v1::CaseTransferred t;
  t.set_case_id(moved.case_id());
  t.set_to_district_code(kDistrictB);
  t.set_to_office_id("office-b");
  ASSERT_TRUE(h_.Feed("ccms.records.case_transferred", moved.case_id(), kDistrictB, t).ok());
  v1::GetReferralRequest get;
  get.set_referral_id(moved.referral_id());
  v1::GetReferralResponse resp;
  auto a = h_.Context(staff_);
  EXPECT_EQ(h_.referrals().GetReferral(a.get(), get, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto b = h_.Context(h_.Token(auth::Role::kOfficeStaff, {kDistrictB}));
  ASSERT_TRUE(h_.referrals().GetReferral(b.get(), get, &resp).ok());
  EXPECT_EQ(resp.referral().district_code(), kDistrictB);

  const v1::Referral open = SentReferral(p);
  records::v1::CaseClosed closed;
  closed.set_case_id(open.case_id());
  *closed.mutable_closed_on() = ToProtoDate(Today());
  ASSERT_TRUE(h_.Feed("ccms.records.case_closed", open.case_id(), kDistrictA, closed).ok());
  get.set_referral_id(open.referral_id());
  auto a2 = h_.Context(staff_);
  ASSERT_TRUE(h_.referrals().GetReferral(a2.get(), get, &resp).ok());
  EXPECT_EQ(resp.referral().status(), v1::REFERRAL_STATUS_WITHDRAWN);
  EXPECT_EQ(resp.referral().reason_code(), "CASE_CLOSED");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.employment.referral_withdrawn' AND record_key = '" +
                  open.case_id() + "'"),
            "1");
}

// Halfway houses (issue 15 item 9): 32 people admitted at once for the last 5 places of a house
// get exactly 5 placements; occupancy in SQL never exceeds the places; a leaving frees a place;
// a second house for a placed person, another district's house, a closed case are refused; the
// closed case's placement ends with it (CASE_CLOSED) and every change is an event.
TEST_F(EmploymentTest, HalfwayHouseNeverHoldsMoreThanItsPlacesUnderConcurrentAdmissions) {
  v1::RegisterHalfwayHouseRequest reg;
  reg.set_request_id(ids::NewUuid());
  reg.set_name("阳光中途之家 test");
  reg.set_district_code(kDistrictA);
  reg.set_places(7);
  v1::RegisterHalfwayHouseResponse house;
  auto c0 = h_.Context(staff_);
  ASSERT_TRUE(h_.houses().RegisterHalfwayHouse(c0.get(), reg, &house).ok());
  const std::string house_id = house.house().house_id();
  auto admit = [&](const std::string& case_id, const std::string& token) {
    v1::AdmitToHalfwayHouseRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_house_id(house_id);
    req.set_case_id(case_id);
    v1::AdmitToHalfwayHouseResponse resp;
    auto ctx = h_.Context(token);
    grpc::Status st = h_.houses().AdmitToHalfwayHouse(ctx.get(), req, &resp);
    return std::make_pair(st, resp);
  };
  // Two of the seven places taken first: five left.
  const std::string first = Case(kDistrictA, 30);
  auto [st1, placed1] = admit(first, staff_);
  ASSERT_TRUE(st1.ok()) << st1.error_message();
  EXPECT_EQ(placed1.house().occupied(), 1);
  ASSERT_TRUE(admit(Case(kDistrictA, 40), staff_).first.ok());

  constexpr int kClients = 32;
  std::vector<std::string> cases;
  for (int i = 0; i < kClients; ++i) cases.push_back(Case(kDistrictA, 20 + i));
  std::vector<grpc::Status> results(kClients);
  std::vector<std::thread> clients;
  std::latch start(kClients);  // every client calls at once, for the last places
  std::atomic<int> in_flight{0}, most_in_flight{0};
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      start.arrive_and_wait();
      const int now = ++in_flight;
      for (int seen = most_in_flight;
           now > seen && !most_in_flight.compare_exchange_weak(seen, now);) {
      }
      results[i] = admit(cases[i], staff_).first;
      --in_flight;
    });
  }
  for (auto& t : clients) t.join();
  std::cout << "halfway house: at most " << most_in_flight << " admissions in flight at once\n";
  EXPECT_GE(most_in_flight, 8);  // the server's 8 workers all busy: a race would show
  int admitted = 0, full = 0;
  for (const auto& st : results) {
    if (st.ok()) {
      ++admitted;
    } else if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
               grpc_util::ReasonOf(st) == "HOUSE_FULL") {
      ++full;
    } else {
      ADD_FAILURE() << st.error_code() << " " << st.error_message();
    }
  }
  EXPECT_EQ(admitted, 5);
  EXPECT_EQ(full, kClients - 5);
  EXPECT_EQ(Count("SELECT count(*) FROM halfway_house_placements WHERE house_id = '" + house_id +
                  "' AND left_on IS NULL"),
            "7");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.employment.halfway_house_admitted'"),
            "7");

  // A placed person cannot be admitted twice; another district's staff do not see the house.
  auto [again, unused] = admit(first, staff_);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  const std::string staff_b = h_.Token(auth::Role::kOfficeStaff, {kDistrictB}, "staff-b");
  EXPECT_EQ(admit(Case(kDistrictB, 30), staff_b).first.error_code(), grpc::StatusCode::NOT_FOUND);

  // A leaving frees one place, which the next admission takes; the house is full again.
  v1::LeaveHalfwayHouseRequest leave;
  leave.set_request_id(ids::NewUuid());
  leave.set_placement_id(placed1.placement().placement_id());
  leave.set_reason_code("RESETTLED");
  v1::LeaveHalfwayHouseResponse left;
  auto c1 = h_.Context(staff_);
  ASSERT_TRUE(h_.houses().LeaveHalfwayHouse(c1.get(), leave, &left).ok());
  EXPECT_EQ(left.house().occupied(), 6);
  EXPECT_TRUE(left.placement().has_left_on());
  auto c2 = h_.Context(staff_);
  EXPECT_EQ(h_.houses().LeaveHalfwayHouse(c2.get(), leave, &left).error_code(),
            grpc::StatusCode::OK);  // the same request id: the first answer again
  leave.set_request_id(ids::NewUuid());
  auto c3 = h_.Context(staff_);
  EXPECT_EQ(h_.houses().LeaveHalfwayHouse(c3.get(), leave, &left).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // ended already
  const std::string next = Case(kDistrictA, 50);
  EXPECT_TRUE(admit(next, staff_).first.ok());
  EXPECT_EQ(grpc_util::ReasonOf(admit(Case(kDistrictA, 51), staff_).first), "HOUSE_FULL");

  // A closed case's placement ends with it.
  records::v1::CaseClosed closed;
  closed.set_case_id(next);
  *closed.mutable_closed_on() = ToProtoDate(Today());
  ASSERT_TRUE(h_.Feed("ccms.records.case_closed", next, kDistrictA, closed).ok());
  EXPECT_EQ(
      Count("SELECT leave_reason FROM halfway_house_placements WHERE case_id = '" + next + "'"),
      "CASE_CLOSED");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.employment.halfway_house_left'"),
            "2");
  v1::ListHalfwayHousesRequest list;
  v1::ListHalfwayHousesResponse houses;
  auto c4 = h_.Context(staff_);
  ASSERT_TRUE(h_.houses().ListHalfwayHouses(c4.get(), list, &houses).ok());
  ASSERT_EQ(houses.houses_size(), 1);
  EXPECT_EQ(houses.houses(0).occupied(), 6);
  EXPECT_EQ(houses.houses(0).places(), 7);
}

// A spell from a PLACED referral with its checks at 30, 90 and 180 days: the due and overdue lists
// per district, the employer partner confirming its own check (another agency NOT_FOUND, a closed
// window refused), the sweep marking the missed one, the end cancelling the later check, the
// events; a spell with a coded other employer confirmed by staff; the partner's allow-list.
TEST_F(EmploymentTest, RetentionChecksDueOverdueConfirmedMissedAndCancelled) {
  const v1::Partner a = Register("agency-r1", kDistrictA);
  Register("agency-r2", kDistrictA);
  v1::Referral r = SentReferral(a);
  for (auto to :
       {v1::REFERRAL_STATUS_ACCEPTED, v1::REFERRAL_STATUS_INTERVIEW, v1::REFERRAL_STATUS_OFFERED}) {
    ASSERT_TRUE(Step(r.referral_id(), to, "", &r).ok());
  }
  auto& retention = h_.wiring().retention();
  auth::Principal staff;
  staff.subject = "staff-a";
  staff.role = auth::Role::kOfficeStaff;
  staff.districts = {kDistrictA};
  v1::StartEmploymentSpellRequest start;
  start.set_request_id(ids::NewUuid());
  start.set_case_id(r.case_id());
  start.set_referral_id(r.referral_id());
  *start.mutable_started_on() = ToProtoDate(Today() - 100);
  v1::StartEmploymentSpellResponse started;
  // An OFFERED referral is no placement yet.
  EXPECT_EQ(retention.DoStartEmploymentSpell(staff, start, &started).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Step(r.referral_id(), v1::REFERRAL_STATUS_PLACED, "", &r).ok());
  start.set_request_id(ids::NewUuid());
  ASSERT_TRUE(retention.DoStartEmploymentSpell(staff, start, &started).ok());
  const v1::EmploymentSpell& spell = started.spell();
  EXPECT_EQ(spell.partner_id(), a.partner_id());
  ASSERT_EQ(spell.checks_size(), 3);
  // Day 30 was 70 days ago (window closed 56 days ago), day 90 ten days ago (window open 4 more
  // days), day 180 in 80 days.
  auto day = [](const google::type::Date& d) {
    bool invalid = false;
    return grpc_util::FromProtoDate(d, &invalid);
  };
  EXPECT_EQ(day(spell.checks(0).due_on()), Today() - 70);
  EXPECT_EQ(day(spell.checks(1).due_on()), Today() - 10);
  EXPECT_EQ(day(spell.checks(2).due_on()), Today() + 80);
  start.set_request_id(ids::NewUuid());
  EXPECT_EQ(retention.DoStartEmploymentSpell(staff, start, &started).code(),
            absl::StatusCode::kFailedPrecondition);  // one spell per referral

  auto listed = [&](const auth::Principal& who, v1::RetentionList which) {
    v1::ListRetentionChecksRequest req;
    req.set_district_code(kDistrictA);
    req.set_list(which);
    v1::ListRetentionChecksResponse resp;
    EXPECT_TRUE(retention.DoListRetentionChecks(who, req, &resp).ok());
    std::set<int> days;
    for (const auto& k : resp.checks()) {
      if (k.spell_id() == spell.spell_id()) days.insert(k.day_offset());
    }
    return days;
  };
  EXPECT_EQ(listed(staff, v1::RETENTION_LIST_DUE), std::set<int>{90});
  EXPECT_EQ(listed(staff, v1::RETENTION_LIST_OVERDUE), std::set<int>{30});

  auto confirm = [&](const auth::Principal& who, int day) {
    v1::ConfirmRetentionCheckRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_spell_id(spell.spell_id());
    req.set_day_offset(day);
    v1::ConfirmRetentionCheckResponse resp;
    return retention.DoConfirmRetentionCheck(who, req, &resp).code();
  };
  EXPECT_EQ(confirm(PartnerOf("agency-r2"), 90), absl::StatusCode::kNotFound);
  auth::Principal staff_b = staff;
  staff_b.districts = {kDistrictB};
  EXPECT_EQ(confirm(staff_b, 90), absl::StatusCode::kNotFound);
  EXPECT_EQ(confirm(PartnerOf("agency-r1"), 180), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(confirm(PartnerOf("agency-r1"), 30), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(confirm(PartnerOf("agency-r1"), 90), absl::StatusCode::kOk);
  EXPECT_EQ(confirm(PartnerOf("agency-r1"), 90), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(listed(staff, v1::RETENTION_LIST_DUE).empty());

  // The partner's own list: its three checks, in the minimal view.
  v1::ListAgencyRetentionChecksResponse own;
  ASSERT_TRUE(retention.DoListAgencyRetentionChecks(PartnerOf("agency-r1"), {}, &own).ok());
  ASSERT_EQ(own.checks_size(), 3);
  EXPECT_EQ(own.checks(0).referral_code(), r.referral_code());
  EXPECT_EQ(own.checks(1).status(), v1::RETENTION_CHECK_STATUS_CONFIRMED);
  v1::ListAgencyRetentionChecksResponse other;
  ASSERT_TRUE(retention.DoListAgencyRetentionChecks(PartnerOf("agency-r2"), {}, &other).ok());
  EXPECT_EQ(other.checks_size(), 0);
  EXPECT_EQ(retention.DoListAgencyRetentionChecks(staff, {}, &other).code(),
            absl::StatusCode::kPermissionDenied);

  // The sweep marks day 30 missed, once; it stays on the overdue list.
  auto missed = h_.wiring().retention_sweeper().RunOnce();
  ASSERT_TRUE(missed.ok());
  EXPECT_GE(*missed, 1);
  EXPECT_EQ(*h_.wiring().retention_sweeper().RunOnce(), 0);
  EXPECT_EQ(Count("SELECT status FROM retention_checks WHERE spell_id = '" + spell.spell_id() +
                  "' AND day_offset = 30"),
            "MISSED");
  EXPECT_EQ(listed(staff, v1::RETENTION_LIST_OVERDUE), std::set<int>{30});

  // Ended today: the 180-day check, due later, is cancelled.
  v1::EndEmploymentSpellRequest end;
  end.set_request_id(ids::NewUuid());
  end.set_spell_id(spell.spell_id());
  end.set_reason_code("RESIGNED");
  v1::EndEmploymentSpellResponse ended;
  ASSERT_TRUE(retention.DoEndEmploymentSpell(staff, end, &ended).ok());
  EXPECT_EQ(ended.spell().checks(2).status(), v1::RETENTION_CHECK_STATUS_CANCELLED);
  EXPECT_EQ(ended.spell().checks(1).status(), v1::RETENTION_CHECK_STATUS_CONFIRMED);
  end.set_request_id(ids::NewUuid());
  EXPECT_EQ(retention.DoEndEmploymentSpell(staff, end, &ended).code(),
            absl::StatusCode::kFailedPrecondition);

  // A spell with another employer, 30 days old today: its first check is due and staff confirm.
  v1::StartEmploymentSpellRequest other_start;
  other_start.set_request_id(ids::NewUuid());
  other_start.set_case_id(Case(kDistrictA, 40));
  other_start.set_other_employer_code("SELF_EMPLOYED");
  *other_start.mutable_started_on() = ToProtoDate(Today() - 30);
  v1::StartEmploymentSpellResponse self;
  ASSERT_TRUE(retention.DoStartEmploymentSpell(staff, other_start, &self).ok());
  EXPECT_EQ(self.spell().employer_kind(), "OTHER");
  v1::ConfirmRetentionCheckRequest cr;
  cr.set_request_id(ids::NewUuid());
  cr.set_spell_id(self.spell().spell_id());
  cr.set_day_offset(30);
  v1::ConfirmRetentionCheckResponse cresp;
  EXPECT_TRUE(retention.DoConfirmRetentionCheck(staff, cr, &cresp).ok());
  other_start.set_request_id(ids::NewUuid());
  other_start.set_other_employer_code("NOT_A_CODE");
  EXPECT_EQ(retention.DoStartEmploymentSpell(staff, other_start, &self).code(),
            absl::StatusCode::kInvalidArgument);
  // The case closes today: the checks due later (90, 180) are cancelled, the confirmed one stays.
  records::v1::CaseClosed closed;
  closed.set_case_id(other_start.case_id());
  *closed.mutable_closed_on() = ToProtoDate(Today());
  ASSERT_TRUE(h_.Feed("ccms.records.case_closed", other_start.case_id(), kDistrictA, closed).ok());
  EXPECT_EQ(Count("SELECT string_agg(day_offset || ' ' || status, ',' ORDER BY day_offset)"
                  " FROM retention_checks WHERE spell_id = '" +
                  self.spell().spell_id() + "'"),
            "30 CONFIRMED,90 CANCELLED,180 CANCELLED");

  for (const auto& [type, n] :
       std::vector<std::pair<std::string, std::string>>{{"placement_started", "2"},
                                                        {"placement_ended", "1"},
                                                        {"retention_confirmed", "2"},
                                                        {"retention_missed", "1"}}) {
    EXPECT_EQ(
        Count("SELECT count(*) FROM outbox o WHERE event_type = 'ccms.employment." + type +
              "' AND o.record_key IN ('" + r.case_id() + "', '" + other_start.case_id() + "')"),
        n)
        << type;
  }
  // The reviewed allow-list of what a partner receives of a check.
  const std::set<std::string> reviewed = {"spell_id",      "day_offset", "due_on",
                                          "confirm_by",    "status",     "confirmed_on",
                                          "referral_code", "started_on"};
  std::set<std::string> fields;
  const auto* d = v1::AgencyRetentionCheck::descriptor();
  for (int i = 0; i < d->field_count(); ++i) fields.insert(d->field(i)->name());
  EXPECT_EQ(fields, reviewed);
  for (const auto* resp : {v1::ListAgencyRetentionChecksResponse::descriptor(),
                           v1::ConfirmRetentionCheckResponse::descriptor()}) {
    for (int i = 0; i < resp->field_count(); ++i) {
      const auto* f = resp->field(i);
      EXPECT_TRUE(f->message_type() == nullptr || f->message_type() == d) << f->full_name();
    }
  }
}

// 32 enrolments at once for a programme's last 5 places: exactly 5 taken, the rest TRAINING_FULL;
// the provider partner records attendance and completion of its own programme only; the 16-year
// rule; the allow-list of what a partner receives of an enrolment.
TEST_F(EmploymentTest, TrainingPlacesNeverExceededUnderConcurrentEnrolments) {
  const v1::Partner provider = Register("agency-t1", kDistrictA);
  Register("agency-t2", kDistrictA);
  v1::RegisterTrainingProgrammeRequest reg;
  reg.set_request_id(ids::NewUuid());
  reg.set_code("ECOM-01");
  reg.set_name("电子商务");
  reg.set_provider_partner_id(provider.partner_id());
  reg.set_district_code(kDistrictA);
  reg.set_hours(16);
  reg.set_places(7);
  *reg.mutable_starts_on() = ToProtoDate(Today() - 10);
  *reg.mutable_ends_on() = ToProtoDate(Today() + 50);
  v1::RegisterTrainingProgrammeResponse programme;
  auto c0 = h_.Context(staff_);
  const grpc::Status registered =
      h_.training().RegisterTrainingProgramme(c0.get(), reg, &programme);
  ASSERT_TRUE(registered.ok()) << registered.error_message();
  const std::string programme_id = programme.programme().programme_id();
  auto enrol = [&](const std::string& case_id) {
    v1::EnrolInTrainingRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_programme_id(programme_id);
    req.set_case_id(case_id);
    v1::EnrolInTrainingResponse resp;
    auto ctx = h_.Context(staff_);
    grpc::Status st = h_.training().EnrolInTraining(ctx.get(), req, &resp);
    return std::make_pair(st, resp);
  };
  // Under 16 on the enrolment day: refused naming the rule, no place taken.
  const auto young = enrol(Case(kDistrictA, 14, /*minor=*/true)).first;
  EXPECT_EQ(young.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(young.error_message().find("16-year rule"), std::string::npos) << young.error_message();
  auto [st1, first] = enrol(Case(kDistrictA, 30));
  ASSERT_TRUE(st1.ok()) << st1.error_message();
  EXPECT_EQ(first.programme().taken(), 1);
  ASSERT_TRUE(enrol(Case(kDistrictA, 31)).first.ok());

  constexpr int kClients = 32;
  std::vector<std::string> cases;
  for (int i = 0; i < kClients; ++i) cases.push_back(Case(kDistrictA, 20 + i));
  std::vector<grpc::Status> results(kClients);
  std::vector<std::thread> clients;
  std::latch start(kClients);  // every client calls at once, for the last places
  std::atomic<int> in_flight{0}, most_in_flight{0};
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      start.arrive_and_wait();
      const int now = ++in_flight;
      for (int seen = most_in_flight;
           now > seen && !most_in_flight.compare_exchange_weak(seen, now);) {
      }
      results[i] = enrol(cases[i]).first;
      --in_flight;
    });
  }
  for (auto& t : clients) t.join();
  std::cout << "training: at most " << most_in_flight << " enrolments in flight at once\n";
  EXPECT_GE(most_in_flight, 8);
  int enrolled = 0, full = 0;
  for (const auto& st : results) {
    if (st.ok()) {
      ++enrolled;
    } else if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
               grpc_util::ReasonOf(st) == "TRAINING_FULL") {
      ++full;
    } else {
      ADD_FAILURE() << st.error_code() << " " << st.error_message();
    }
  }
  EXPECT_EQ(enrolled, 5);
  EXPECT_EQ(full, kClients - 5);
  std::cout << "training: " << enrolled << " enrolled, " << full << " TRAINING_FULL\n";
  EXPECT_EQ(
      Count("SELECT count(*) FROM training_enrolments WHERE programme_id = '" + programme_id + "'"),
      "7");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.employment.training_enrolled'"),
            "7");

  // The provider records attendance and completion; another agency and another district cannot.
  auto& training = h_.wiring().training();
  const std::string enrolment_id = first.enrolment().enrolment_id();
  auto attend = [&](const auth::Principal& who, int hours) {
    v1::RecordTrainingAttendanceRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_enrolment_id(enrolment_id);
    req.set_hours(hours);
    v1::RecordTrainingAttendanceResponse resp;
    absl::Status st = training.DoRecordTrainingAttendance(who, req, &resp);
    return std::make_pair(st.code(), resp.enrolment().hours_attended());
  };
  EXPECT_EQ(attend(PartnerOf("agency-t2"), 8).first, absl::StatusCode::kNotFound);
  EXPECT_EQ(attend(PartnerOf("agency-t1"), 8), std::make_pair(absl::StatusCode::kOk, 8));
  EXPECT_EQ(attend(PartnerOf("agency-t1"), 8), std::make_pair(absl::StatusCode::kOk, 16));
  EXPECT_EQ(attend(PartnerOf("agency-t1"), 1).first, absl::StatusCode::kFailedPrecondition);
  v1::CompleteTrainingRequest done;
  done.set_request_id(ids::NewUuid());
  done.set_enrolment_id(enrolment_id);
  done.set_certificate_obtained(true);
  v1::CompleteTrainingResponse completed;
  EXPECT_EQ(training.DoCompleteTraining(PartnerOf("agency-t2"), done, &completed).code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(training.DoCompleteTraining(PartnerOf("agency-t1"), done, &completed).ok());
  EXPECT_EQ(completed.enrolment().status(), v1::TRAINING_ENROLMENT_STATUS_COMPLETED);
  EXPECT_TRUE(completed.enrolment().certificate_obtained());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.employment.training_completed'"),
            "1");
  // Lists: the provider sees its programme and enrolments; the other agency neither.
  v1::ListTrainingProgrammesResponse mine, theirs;
  ASSERT_TRUE(training.DoListTrainingProgrammes(PartnerOf("agency-t1"), {}, &mine).ok());
  ASSERT_EQ(mine.programmes_size(), 1);
  EXPECT_EQ(mine.programmes(0).taken(), 7);
  ASSERT_TRUE(training.DoListTrainingProgrammes(PartnerOf("agency-t2"), {}, &theirs).ok());
  EXPECT_EQ(theirs.programmes_size(), 0);
  v1::ListTrainingEnrolmentsRequest le;
  le.set_programme_id(programme_id);
  v1::ListTrainingEnrolmentsResponse enrolments;
  ASSERT_TRUE(training.DoListTrainingEnrolments(PartnerOf("agency-t1"), le, &enrolments).ok());
  EXPECT_EQ(enrolments.enrolments_size(), 7);
  EXPECT_EQ(training.DoListTrainingEnrolments(PartnerOf("agency-t2"), le, &enrolments).code(),
            absl::StatusCode::kNotFound);
  // The reviewed allow-list of an enrolment (the partner-facing responses carry only it).
  const std::set<std::string> reviewed = {"enrolment_id", "enrolment_code",      "programme_id",
                                          "status",       "enrolled_on",         "hours_attended",
                                          "completed_on", "certificate_obtained"};
  std::set<std::string> fields;
  const auto* d = v1::TrainingEnrolment::descriptor();
  for (int i = 0; i < d->field_count(); ++i) fields.insert(d->field(i)->name());
  EXPECT_EQ(fields, reviewed);
  for (const auto* resp : {v1::RecordTrainingAttendanceResponse::descriptor(),
                           v1::CompleteTrainingResponse::descriptor(),
                           v1::ListTrainingEnrolmentsResponse::descriptor()}) {
    for (int i = 0; i < resp->field_count(); ++i) {
      const auto* f = resp->field(i);
      EXPECT_TRUE(f->message_type() == nullptr || f->message_type() == d) << f->full_name();
    }
  }

  // A case closed in records withdraws its enrolment: the place is free for the next person, the
  // enrolment takes no more attendance, and a training_withdrawn event says so.
  std::string leaving;
  for (int i = 0; i < kClients && leaving.empty(); ++i) {
    if (results[i].ok()) leaving = cases[i];
  }
  ASSERT_FALSE(leaving.empty());
  records::v1::CaseClosed closed;
  closed.set_case_id(leaving);
  *closed.mutable_closed_on() = ToProtoDate(Today());
  ASSERT_TRUE(h_.Feed("ccms.records.case_closed", leaving, kDistrictA, closed).ok());
  const std::string withdrawn_id =
      Count("SELECT enrolment_id FROM training_enrolments WHERE case_id = '" + leaving + "'");
  EXPECT_EQ(
      Count("SELECT status || ' ' || withdrawn_on FROM training_enrolments WHERE case_id = '" +
            leaving + "'"),
      "WITHDRAWN " + time::FormatDate(Today()));
  v1::ListTrainingProgrammesResponse after_close;
  ASSERT_TRUE(training.DoListTrainingProgrammes(PartnerOf("agency-t1"), {}, &after_close).ok());
  ASSERT_EQ(after_close.programmes_size(), 1);
  EXPECT_EQ(after_close.programmes(0).taken(), 6);
  v1::RecordTrainingAttendanceRequest late;
  late.set_request_id(ids::NewUuid());
  late.set_enrolment_id(withdrawn_id);
  late.set_hours(2);
  v1::RecordTrainingAttendanceResponse late_resp;
  EXPECT_EQ(training.DoRecordTrainingAttendance(PartnerOf("agency-t1"), late, &late_resp).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.employment.training_withdrawn' AND record_key = '" +
                  leaving + "'"),
            "1");
  auto [next_st, next] = enrol(Case(kDistrictA, 40));
  ASSERT_TRUE(next_st.ok()) << next_st.error_message();
  EXPECT_EQ(next.programme().taken(), 7);
  EXPECT_EQ(grpc_util::ReasonOf(enrol(Case(kDistrictA, 41)).first), "TRAINING_FULL");
}

// The same race at the store, the window between the count and the insert held open: each
// decision waits 20 ms before it answers, so enrolments that did not wait for the programme's lock
// would all count the same places taken (the mutation check in docs/employment.md: without the
// lock this test enrols up to 8, one per pooled connection, for 3 places).
TEST_F(EmploymentTest, TrainingStoreCountsPlacesOnlyUnderTheProgrammeLock) {
  const v1::Partner provider = Register("agency-t3", kDistrictA);
  v1::RegisterTrainingProgrammeRequest reg;
  reg.set_request_id(ids::NewUuid());
  reg.set_code("ELEC-01");
  reg.set_name("电工");
  reg.set_provider_partner_id(provider.partner_id());
  reg.set_district_code(kDistrictA);
  reg.set_hours(40);
  reg.set_places(3);
  *reg.mutable_starts_on() = ToProtoDate(Today());
  *reg.mutable_ends_on() = ToProtoDate(Today() + 30);
  v1::RegisterTrainingProgrammeResponse programme;
  auto ctx = h_.Context(staff_);
  ASSERT_TRUE(h_.training().RegisterTrainingProgramme(ctx.get(), reg, &programme).ok());
  const std::string programme_id = programme.programme().programme_id();
  employment::PgTrainingStore store(h_.host().pool(), nullptr);
  auth::Principal staff;
  staff.subject = "store-test";
  staff.role = auth::Role::kOfficeStaff;
  staff.districts = {kDistrictA};
  constexpr int kClients = 12;
  std::vector<std::string> cases;
  for (int i = 0; i < kClients; ++i) cases.push_back(Case(kDistrictA, 30 + i));
  std::vector<absl::Status> results(kClients);
  std::vector<std::thread> clients;
  std::latch start(kClients);
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      auto decide =
          [&](const employment::EnrolmentView& v) -> absl::StatusOr<employment::EnrolmentWrite> {
        if (auto st = employment::domain::CheckEnrolment(
                v.case_view, v.programme.district_code, v.programme.places, v.programme.taken,
                v.already_enrolled, Today(), v.programme.ends_on, Today());
            !st.ok()) {
          return st;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        employment::EnrolmentWrite w;
        employment::EnrolmentRecord& e = w.enrolment;
        e.enrolment_id = ids::NewUuid();
        e.enrolment_code = "T-00000000";
        e.programme_id = v.programme.programme_id;
        e.case_id = v.case_view.case_id;
        e.district_code = v.programme.district_code;
        e.enrolled_on = Today();
        e.age_on_enrolment = 30;
        e.age_basis = "CASE_FACTS";
        e.recorded_by = staff.subject;
        return w;
      };
      start.arrive_and_wait();
      results[i] = store.Enrol(staff, programme_id, cases[i], ids::NewUuid(), decide).status();
    });
  }
  for (auto& t : clients) t.join();
  int enrolled = 0, full = 0;
  for (const auto& st : results) {
    if (st.ok()) {
      ++enrolled;
    } else if (errors::ReasonOf(st) == employment::domain::kTrainingFullReason) {
      ++full;
    } else {
      ADD_FAILURE() << st;
    }
  }
  std::cout << "training store: " << enrolled << " enrolled, " << full << " TRAINING_FULL\n";
  EXPECT_EQ(enrolled, 3);
  EXPECT_EQ(full, kClients - 3);
  EXPECT_EQ(
      Count("SELECT count(*) FROM training_enrolments WHERE programme_id = '" + programme_id + "'"),
      "3");
}

// Schooling support (issue 15 item 7; seeds 7.11.1-7.11.2) through the service and PostgreSQL: a
// minor without compulsory education gets the required item, due 30 days later and overdue from
// the day after; a second record keeps its deadline; another district sees nothing and is refused;
// liaison then enrolment at a school meets it; completed education with the wish to continue
// opens the optional item, which may be declined where the required one may not; adults are
// refused; a case closed in records cancels the open items; the events carry no school code.
TEST_F(EmploymentTest, SchoolingSupportForMinorsFromTheSituationToSchool) {
  auto DayOf = [](const google::type::Date& d) {
    bool invalid = false;
    return grpc_util::FromProtoDate(d, &invalid);
  };
  const std::string minor = Case(kDistrictA, 15, /*minor=*/true);
  auto situation = [&](const std::string& token, const std::string& case_id, CivilDay on,
                       bool completed, bool wishes, v1::RecordSchoolingSituationResponse* out) {
    v1::RecordSchoolingSituationRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    *req.mutable_on() = ToProtoDate(on);
    req.set_compulsory_education_completed(completed);
    req.set_wishes_to_continue(wishes);
    auto ctx = h_.Context(token);
    return h_.schooling().RecordSchoolingSituation(ctx.get(), req, out);
  };
  auto step = [&](const std::string& token, const std::string& item_id, v1::SchoolingStep s,
                  const std::string& school, v1::RecordSchoolingSupportResponse* out) {
    v1::RecordSchoolingSupportRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_item_id(item_id);
    req.set_step(s);
    req.set_school_code(school);
    auto ctx = h_.Context(token);
    return h_.schooling().RecordSchoolingSupport(ctx.get(), req, out);
  };
  auto overdue_ids = [&](const std::string& token, const std::string& district, CivilDay as_of) {
    v1::ListSchoolingItemsRequest req;
    req.set_district_code(district);
    req.set_overdue_only(true);
    *req.mutable_as_of() = ToProtoDate(as_of);
    v1::ListSchoolingItemsResponse resp;
    auto ctx = h_.Context(token);
    const grpc::Status st = h_.schooling().ListSchoolingItems(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::set<std::string> ids;
    for (const auto& i : resp.items()) ids.insert(i.item_id());
    return ids;
  };

  v1::RecordSchoolingSituationResponse first;
  ASSERT_TRUE(situation(staff_, minor, Today() - 40, false, false, &first).ok());
  ASSERT_EQ(first.items_size(), 1);
  const v1::SchoolingItem required = first.items(0);
  EXPECT_EQ(required.kind(), v1::SCHOOLING_ITEM_KIND_COMPULSORY_EDUCATION);
  EXPECT_EQ(required.status(), v1::SCHOOLING_ITEM_STATUS_OPEN);
  EXPECT_EQ(DayOf(required.due_on()), Today() - 10);
  EXPECT_TRUE(required.overdue());
  // Overdue from the day after the due day, on the district's list only.
  EXPECT_EQ(overdue_ids(staff_, kDistrictA, Today() - 10).count(required.item_id()), 0u);
  EXPECT_EQ(overdue_ids(staff_, kDistrictA, Today() - 9).count(required.item_id()), 1u);
  const std::string staff_b = h_.Token(auth::Role::kOfficeStaff, {kDistrictB}, "staff-b");
  EXPECT_EQ(overdue_ids(staff_b, kDistrictB, Today()).count(required.item_id()), 0u);
  v1::RecordSchoolingSupportResponse refused;
  EXPECT_EQ(
      step(staff_b, required.item_id(), v1::SCHOOLING_STEP_LIAISON, "", &refused).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'RecordSchoolingSupport' AND"
                  " result = 'NOT_FOUND' AND actor = 'staff-b'"),
            "1");
  // A second record of the same situation keeps the item and its deadline.
  v1::RecordSchoolingSituationResponse again;
  ASSERT_TRUE(situation(staff_, minor, Today() - 5, false, true, &again).ok());
  ASSERT_EQ(again.items_size(), 1);
  EXPECT_EQ(again.items(0).item_id(), required.item_id());
  EXPECT_EQ(DayOf(again.items(0).due_on()), Today() - 10);
  // The required item cannot be declined; a liaison keeps it open; enrolment meets it.
  v1::RecordSchoolingSupportResponse after;
  EXPECT_EQ(step(staff_, required.item_id(), v1::SCHOOLING_STEP_DECLINED, "", &after).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(step(staff_, required.item_id(), v1::SCHOOLING_STEP_LIAISON, "", &after).ok());
  EXPECT_EQ(after.item().liaison_count(), 1);
  EXPECT_EQ(after.item().status(), v1::SCHOOLING_ITEM_STATUS_OPEN);
  EXPECT_EQ(step(staff_, required.item_id(), v1::SCHOOLING_STEP_ENROLLED, "bad code", &after)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(
      step(staff_, required.item_id(), v1::SCHOOLING_STEP_ENROLLED, "SCH-MARKER-07", &after).ok());
  EXPECT_EQ(after.item().status(), v1::SCHOOLING_ITEM_STATUS_MET);
  EXPECT_EQ(after.item().school_code(), "SCH-MARKER-07");
  EXPECT_EQ(overdue_ids(staff_, kDistrictA, Today()).count(required.item_id()), 0u);

  // Completed compulsory education with the wish to continue: the optional item, declinable.
  const std::string older = Case(kDistrictA, 16, /*minor=*/true);
  v1::RecordSchoolingSituationResponse optional;
  ASSERT_TRUE(situation(staff_, older, Today(), true, true, &optional).ok());
  ASSERT_EQ(optional.items_size(), 1);
  EXPECT_EQ(optional.items(0).kind(), v1::SCHOOLING_ITEM_KIND_CONTINUED_SCHOOLING);
  EXPECT_FALSE(optional.items(0).has_due_on());
  ASSERT_TRUE(
      step(staff_, optional.items(0).item_id(), v1::SCHOOLING_STEP_DECLINED, "", &after).ok());
  EXPECT_EQ(after.item().status(), v1::SCHOOLING_ITEM_STATUS_DECLINED);

  // An adult is refused, naming the seeds' rule.
  v1::RecordSchoolingSituationResponse adult;
  const grpc::Status adult_st =
      situation(staff_, Case(kDistrictA, 30), Today(), false, false, &adult);
  EXPECT_EQ(adult_st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(adult_st.error_message().find("7.11"), std::string::npos) << adult_st.error_message();

  // A case closed in records cancels its open item.
  const std::string closing = Case(kDistrictA, 14, /*minor=*/true);
  v1::RecordSchoolingSituationResponse open_item;
  ASSERT_TRUE(situation(staff_, closing, Today() - 1, false, false, &open_item).ok());
  records::v1::CaseClosed closed;
  closed.set_case_id(closing);
  *closed.mutable_closed_on() = ToProtoDate(Today());
  ASSERT_TRUE(h_.Feed("ccms.records.case_closed", closing, kDistrictA, closed).ok());
  EXPECT_EQ(Count("SELECT status || ' ' || closed_on FROM schooling_items WHERE case_id = '" +
                  closing + "'"),
            "CANCELLED " + time::FormatDate(Today()));
  EXPECT_EQ(situation(staff_, closing, Today(), false, false, &open_item).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // Events: opened, liaison, enrolled (the minor); opened, declined (the older); opened and
  // cancelled (the closed case). The school's code is in no event.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE event_type ="
                  " 'ccms.employment.schooling_support_changed' AND record_key IN ('" +
                  minor + "', '" + older + "', '" + closing + "')"),
            "7");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE position('SCH-MARKER'::bytea in payload) > 0"),
            "0");
}

// Every field of every staff request (partners, referrals, halfway houses, spells, training), one
// hostile value at a time: a client error or OK for each, never a server fault or a refused call
// that wrote rows. (The partner API needs a partner certificate: security_matrix and partner_tls
// cover its edges.)
TEST_F(EmploymentTest, EveryFieldOfEveryStaffRequestGetsAClientErrorOrOk) {
  const v1::Partner partner = Register("hostile-agency", kDistrictA);
  const std::string case_id = Case(kDistrictA, 30);
  v1::RegisterHalfwayHouseRequest reg;
  reg.set_request_id(ids::NewUuid());
  reg.set_name("hostile house");
  reg.set_district_code(kDistrictA);
  reg.set_places(3);
  v1::RegisterHalfwayHouseResponse house;
  auto ctx = h_.Context(staff_);
  ASSERT_TRUE(h_.houses().RegisterHalfwayHouse(ctx.get(), reg, &house).ok());
  v1::RegisterTrainingProgrammeRequest treg;
  treg.set_request_id(ids::NewUuid());
  treg.set_code("HOSTILE-1");
  treg.set_name("hostile programme");
  treg.set_provider_partner_id(partner.partner_id());
  treg.set_district_code(kDistrictA);
  treg.set_hours(40);
  treg.set_places(3);
  *treg.mutable_starts_on() = ToProtoDate(Today() - 5);
  *treg.mutable_ends_on() = ToProtoDate(Today() + 5);
  v1::RegisterTrainingProgrammeResponse programme;
  auto tctx = h_.Context(staff_);
  ASSERT_TRUE(h_.training().RegisterTrainingProgramme(tctx.get(), treg, &programme).ok());
  v1::StartEmploymentSpellRequest sreq;
  sreq.set_request_id(ids::NewUuid());
  sreq.set_case_id(case_id);
  sreq.set_other_employer_code("SELF_EMPLOYED");
  *sreq.mutable_started_on() = ToProtoDate(Today() - 30);
  v1::StartEmploymentSpellResponse spell;
  auto sctx = h_.Context(staff_);
  ASSERT_TRUE(h_.retention().StartEmploymentSpell(sctx.get(), sreq, &spell).ok());
  v1::RecordSchoolingSituationRequest school;
  school.set_request_id(ids::NewUuid());
  school.set_case_id(Case(kDistrictA, 15, /*minor=*/true));
  v1::RecordSchoolingSituationResponse school_resp;
  auto school_ctx = h_.Context(staff_);
  ASSERT_TRUE(h_.schooling().RecordSchoolingSituation(school_ctx.get(), school, &school_resp).ok());
  ASSERT_EQ(school_resp.items_size(), 1);
  const std::string schooling_item = school_resp.items(0).item_id();

  HostileOptions o;
  o.channel = h_.channel();
  o.services = {
      v1::PartnerService::service_full_name(),      v1::ReferralService::service_full_name(),
      v1::HalfwayHouseService::service_full_name(), v1::RetentionService::service_full_name(),
      v1::TrainingService::service_full_name(),     v1::SchoolingService::service_full_name()};
  o.tokens = {staff_, h_.Token(auth::Role::kCityAdmin, {"*"}, "admin-1")};
  o.strings = {{"case_id", case_id},
               {"partner_id", partner.partner_id()},
               {"house_id", house.house().house_id()},
               {"district_code", kDistrictA},
               {"agency_id", "hostile-agency-2"},
               {"reason_code", "OTHER"},
               {"provider_partner_id", partner.partner_id()},
               {"programme_id", programme.programme().programme_id()},
               {"spell_id", spell.spell().spell_id()},
               {"other_employer_code", "SELF_EMPLOYED"},
               {"item_id", schooling_item}};
  o.today = Today();
  o.snapshot = DatabaseSnapshot(h_.db().dsn());
  const HostileReport report = RunHostileValues(o);
  ExpectNoFailures(o, report);
  EXPECT_GE(report.methods, 28);
}

}  // namespace
}  // namespace ccms::testing
