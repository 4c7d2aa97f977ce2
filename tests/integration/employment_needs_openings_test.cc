// ccms-employment's needs, career plans, skills profiles and job openings (issue 15 items 2 and
// 3) on PostgreSQL: district scope in SQL (another district's case is NOT_FOUND, audited), plan
// versions through DRAFT -> AGREED -> SUPERSEDED, the events (codes only), a partner seeing and
// changing only its own agency's openings, the ranking for a case through the RPC (skills from
// the profile, the district and its neighbours, the case's offence category against exclusions,
// closed and full openings), and every field of every request given hostile values.
#include <set>
#include <string>
#include <vector>

#include "ccms/employment/v1/needs_service.grpc.pb.h"
#include "ccms/employment/v1/opening_service.grpc.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/integration/employment_harness.h"
#include "tests/support/hostile_values.h"

namespace ccms::testing {
namespace {

namespace v1 = employment::v1;
using absl::CivilDay;
using grpc_util::ToProtoDate;

constexpr char kDistrictA[] = "110101";
constexpr char kNeighbourA[] = "110102";  // adjacent to A in the shipped policy
constexpr char kDistrictB[] = "310101";

class NeedsOpeningsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.consumer().Stop();  // only this test's events make cases
    staff_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictA}, "staff-a");
    staff_b_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictB}, "staff-b");
    needs_ = v1::NeedsService::NewStub(h_.channel());
    openings_ = v1::OpeningService::NewStub(h_.channel());
  }

  CivilDay Today() { return h_.Today(); }

  std::string Case(const std::string& district, const std::string& offence_category = "theft") {
    auto case_id = h_.FeedOpenedCase(
        district,
        {.judged_days_ago = 100, .reported_days_ago = 90, .offence_category = offence_category});
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
    v1::RegisterPartnerResponse resp;
    auto ctx = h_.Context(h_.Token(auth::Role::kOfficeStaff, {district}, "staff-reg"));
    const grpc::Status st = h_.partners().RegisterPartner(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.partner();
  }

  auth::Principal PartnerOf(const std::string& agency) {
    auth::Principal p;
    p.subject = "partner-user";
    p.role = auth::Role::kPartner;
    p.agency_id = agency;
    return p;
  }

  v1::PostOpeningRequest OpeningRequest(const std::string& district,
                                        std::vector<std::string> skills = {}) {
    v1::PostOpeningRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_district_code(district);
    req.set_title("仓库分拣员");
    req.set_sector_code("LOGISTICS");
    req.set_hours_per_week(40);
    for (auto& s : skills) req.add_required_skill_codes(s);
    *req.mutable_closes_on() = ToProtoDate(Today() + 30);
    req.set_places(2);
    return req;
  }

  // An opening posted by staff of district A for `partner`.
  v1::Opening Post(const v1::Partner& partner, v1::PostOpeningRequest req) {
    req.set_partner_id(partner.partner_id());
    v1::PostOpeningResponse resp;
    auto ctx = h_.Context(staff_);
    const grpc::Status st = openings_->PostOpening(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.opening();
  }

  std::string Count(const std::string& sql) { return h_.db().QueryValue(sql); }

  EmploymentHarness h_;
  std::string staff_;
  std::string staff_b_;
  std::unique_ptr<v1::NeedsService::Stub> needs_;
  std::unique_ptr<v1::OpeningService::Stub> openings_;
};

TEST_F(NeedsOpeningsTest, SurveyPlanVersionsAndSkillsProfileWithEventsAndDistrictScope) {
  const std::string case_id = Case(kDistrictA, "fraud");
  EXPECT_EQ(Count("SELECT offence_category FROM cases WHERE case_id = '" + case_id + "'"), "fraud");
  v1::RecordNeedsSurveyRequest survey;
  survey.set_request_id(ids::NewUuid());
  survey.set_case_id(case_id);
  survey.set_method(v1::SURVEY_METHOD_HOME_VISIT);
  survey.set_wish_to_work(v1::WORK_WISH_WANTS_WORK);
  survey.set_ability_code("FULL");
  survey.add_skill_gap_codes("FORKLIFT");
  survey.set_housing_code("RENTED");
  survey.set_livelihood_code("LOW_INCOME");
  survey.set_schooling_code("NOT_APPLICABLE");
  survey.set_family_code("SUPPORTIVE");
  v1::RecordNeedsSurveyResponse surveyed;
  {
    auto ctx = h_.Context(staff_);
    const grpc::Status st = needs_->RecordNeedsSurvey(ctx.get(), survey, &surveyed);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_EQ(surveyed.survey().surveyed_on().day(), ToProtoDate(Today()).day());
  // Another district's staff: the case does not exist for them (audited NOT_FOUND).
  {
    survey.set_request_id(ids::NewUuid());
    v1::RecordNeedsSurveyResponse resp;
    auto ctx = h_.Context(staff_b_);
    EXPECT_EQ(needs_->RecordNeedsSurvey(ctx.get(), survey, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'RecordNeedsSurvey' AND"
                    " result = 'NOT_FOUND'"),
              "1");
  }
  // A partner never reaches needs.
  {
    v1::RecordNeedsSurveyResponse resp;
    EXPECT_EQ(h_.wiring().needs().DoRecordNeedsSurvey(PartnerOf("agency-x"), survey, &resp).code(),
              absl::StatusCode::kPermissionDenied);
  }
  // Plans: v1 drafted, v2 drafted (v1 superseded), v2 agreed, v1 cannot be agreed, v3 agreed
  // supersedes v2.
  auto draft = [&](const std::string& goal) {
    v1::DraftCareerPlanRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_goal_code(goal);
    req.add_sector_codes("LOGISTICS");
    req.add_target_skill_codes("FORKLIFT");
    v1::DraftCareerPlanResponse resp;
    auto ctx = h_.Context(staff_);
    const grpc::Status st = needs_->DraftCareerPlan(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.plan();
  };
  auto agree = [&](const std::string& plan_id, v1::CareerPlan* out) {
    v1::AgreeCareerPlanRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_plan_id(plan_id);
    v1::AgreeCareerPlanResponse resp;
    auto ctx = h_.Context(staff_);
    const grpc::Status st = needs_->AgreeCareerPlan(ctx.get(), req, &resp);
    *out = resp.plan();
    return st;
  };
  const v1::CareerPlan p1 = draft("SKILLS_TRAINING");
  const v1::CareerPlan p2 = draft("EMPLOYMENT");
  EXPECT_EQ(p1.version(), 1);
  EXPECT_EQ(p2.version(), 2);
  v1::CareerPlan agreed;
  ASSERT_TRUE(agree(p2.plan_id(), &agreed).ok());
  EXPECT_EQ(agreed.status(), v1::CAREER_PLAN_STATUS_AGREED);
  EXPECT_EQ(agree(p1.plan_id(), &agreed).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(agree(p2.plan_id(), &agreed).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  const v1::CareerPlan p3 = draft("SELF_EMPLOYMENT");
  ASSERT_TRUE(agree(p3.plan_id(), &agreed).ok());
  {
    v1::AgreeCareerPlanRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_plan_id(p3.plan_id());
    v1::AgreeCareerPlanResponse resp;
    auto ctx = h_.Context(staff_b_);
    EXPECT_EQ(needs_->AgreeCareerPlan(ctx.get(), req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  // Skills profile with a certificate.
  v1::RecordSkillsProfileRequest prof;
  prof.set_request_id(ids::NewUuid());
  prof.set_case_id(case_id);
  prof.add_skill_codes("FORKLIFT");
  prof.add_skill_codes("DRIVING");
  auto* cert = prof.add_certificates();
  cert->set_certificate_code("FORKLIFT_OPERATOR");
  cert->set_issuer_code("BJ_HRSS");
  *cert->mutable_obtained_on() = ToProtoDate(Today() - 400);
  {
    v1::RecordSkillsProfileResponse resp;
    auto ctx = h_.Context(staff_);
    const grpc::Status st = needs_->RecordSkillsProfile(ctx.get(), prof, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.profile().certificates_size(), 1);
  }
  // Everything read back, audited.
  v1::GetCaseNeedsRequest get;
  get.set_case_id(case_id);
  v1::GetCaseNeedsResponse got;
  {
    auto ctx = h_.Context(h_.Token(auth::Role::kAuditor, {"*"}, "auditor-1"));
    const grpc::Status st = needs_->GetCaseNeeds(ctx.get(), get, &got);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  ASSERT_EQ(got.surveys_size(), 1);
  EXPECT_EQ(got.surveys(0).ability_code(), "FULL");
  ASSERT_EQ(got.plans_size(), 3);
  EXPECT_EQ(got.plans(0).status(), v1::CAREER_PLAN_STATUS_SUPERSEDED);
  EXPECT_FALSE(got.plans(0).has_agreed_on());
  EXPECT_EQ(got.plans(1).status(), v1::CAREER_PLAN_STATUS_SUPERSEDED);
  EXPECT_TRUE(got.plans(1).has_agreed_on());
  EXPECT_EQ(got.plans(2).status(), v1::CAREER_PLAN_STATUS_AGREED);
  EXPECT_EQ(got.profile().skill_codes_size(), 2);
  EXPECT_EQ(got.profile().certificates(0).issuer_code(), "BJ_HRSS");
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'GetCaseNeeds' AND case_id = '" +
                  case_id + "'"),
            "1");
  {
    v1::GetCaseNeedsResponse resp;
    auto ctx = h_.Context(staff_b_);
    EXPECT_EQ(needs_->GetCaseNeeds(ctx.get(), get, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  // Events, keyed by the case, codes only.
  EXPECT_EQ(
      Count("SELECT string_agg(event_type, ',' ORDER BY id) FROM outbox WHERE record_key = '" +
            case_id + "'"),
      "ccms.employment.needs_surveyed,ccms.employment.career_plan_agreed,"
      "ccms.employment.career_plan_agreed");
  // A closed case takes no more surveys.
  records::v1::CaseClosed closed;
  closed.set_case_id(case_id);
  *closed.mutable_closed_on() = ToProtoDate(Today());
  ASSERT_TRUE(h_.Feed("ccms.records.case_closed", case_id, kDistrictA, closed).ok());
  survey.set_request_id(ids::NewUuid());
  v1::RecordNeedsSurveyResponse resp;
  auto ctx = h_.Context(staff_);
  EXPECT_EQ(needs_->RecordNeedsSurvey(ctx.get(), survey, &resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(NeedsOpeningsTest, PartnerPostsListsAndClosesOnlyItsOwnOpenings) {
  const v1::Partner a = Register("open-agency-a", kDistrictA);
  const v1::Partner b = Register("open-agency-b", kDistrictA);
  auto& svc = h_.wiring().openings();
  // Agency A posts its own; naming another partner's id is NOT_FOUND.
  v1::PostOpeningResponse mine;
  ASSERT_TRUE(
      svc.DoPostOpening(PartnerOf("open-agency-a"), OpeningRequest(kDistrictA), &mine).ok());
  EXPECT_EQ(mine.opening().partner_id(), a.partner_id());
  {
    v1::PostOpeningRequest req = OpeningRequest(kDistrictA);
    req.set_partner_id(b.partner_id());
    v1::PostOpeningResponse resp;
    EXPECT_EQ(svc.DoPostOpening(PartnerOf("open-agency-a"), req, &resp).code(),
              absl::StatusCode::kNotFound);
    // Not a district the partner serves.
    v1::PostOpeningResponse far;
    EXPECT_EQ(
        svc.DoPostOpening(PartnerOf("open-agency-a"), OpeningRequest(kDistrictB), &far).code(),
        absl::StatusCode::kFailedPrecondition);
  }
  const v1::Opening theirs = Post(b, OpeningRequest(kDistrictA));
  // A's list holds exactly its own opening.
  v1::ListOpeningsResponse list;
  ASSERT_TRUE(svc.DoListOpenings(PartnerOf("open-agency-a"), {}, &list).ok());
  ASSERT_EQ(list.openings_size(), 1);
  EXPECT_EQ(list.openings(0).opening_id(), mine.opening().opening_id());
  // Another agency's opening does not exist for A.
  v1::CloseOpeningRequest close;
  close.set_request_id(ids::NewUuid());
  close.set_opening_id(theirs.opening_id());
  close.set_reason_code("FILLED");
  v1::CloseOpeningResponse closed;
  EXPECT_EQ(svc.DoCloseOpening(PartnerOf("open-agency-a"), close, &closed).code(),
            absl::StatusCode::kNotFound);
  v1::RecordOpeningFilledRequest fill;
  fill.set_request_id(ids::NewUuid());
  fill.set_opening_id(theirs.opening_id());
  fill.set_places_filled(1);
  v1::RecordOpeningFilledResponse filled;
  EXPECT_EQ(svc.DoRecordOpeningFilled(PartnerOf("open-agency-a"), fill, &filled).code(),
            absl::StatusCode::kNotFound);
  // Its own: filled, then closed (once).
  fill.set_opening_id(mine.opening().opening_id());
  fill.set_places_filled(3);  // more than its 2 places
  EXPECT_EQ(svc.DoRecordOpeningFilled(PartnerOf("open-agency-a"), fill, &filled).code(),
            absl::StatusCode::kInvalidArgument);
  fill.set_places_filled(2);
  ASSERT_TRUE(svc.DoRecordOpeningFilled(PartnerOf("open-agency-a"), fill, &filled).ok());
  EXPECT_EQ(filled.opening().places_filled(), 2);
  close.set_opening_id(mine.opening().opening_id());
  ASSERT_TRUE(svc.DoCloseOpening(PartnerOf("open-agency-a"), close, &closed).ok());
  EXPECT_EQ(closed.opening().status(), v1::OPENING_STATUS_CLOSED);
  close.set_request_id(ids::NewUuid());
  EXPECT_EQ(svc.DoCloseOpening(PartnerOf("open-agency-a"), close, &closed).code(),
            absl::StatusCode::kFailedPrecondition);
  // An unregistered agency is refused.
  EXPECT_EQ(svc.DoListOpenings(PartnerOf("open-agency-zz"), {}, &list).code(),
            absl::StatusCode::kPermissionDenied);
  // Staff: their districts only.
  {
    v1::ListOpeningsRequest req;
    req.set_include_closed(true);
    v1::ListOpeningsResponse resp;
    auto ctx = h_.Context(staff_b_);
    ASSERT_TRUE(openings_->ListOpenings(ctx.get(), req, &resp).ok());
    EXPECT_EQ(resp.openings_size(), 0);
    auto ctx_a = h_.Context(staff_);
    ASSERT_TRUE(openings_->ListOpenings(ctx_a.get(), req, &resp).ok());
    EXPECT_EQ(resp.openings_size(), 2);
  }
  {
    v1::CloseOpeningRequest req = close;
    req.set_request_id(ids::NewUuid());
    req.set_opening_id(theirs.opening_id());
    v1::CloseOpeningResponse resp;
    auto ctx = h_.Context(staff_b_);
    EXPECT_EQ(openings_->CloseOpening(ctx.get(), req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  // Events keyed by the opening id, by who recorded them; partner calls audited.
  EXPECT_EQ(
      Count("SELECT string_agg(event_type, ',' ORDER BY id) FROM outbox WHERE record_key = '" +
            mine.opening().opening_id() + "'"),
      "ccms.employment.opening_posted,ccms.employment.opening_closed");
  EXPECT_EQ(
      Count("SELECT count(*) FROM outbox WHERE event_type = 'ccms.employment.opening_posted'"),
      "2");
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE actor_role = 'partner' AND action IN"
                  " ('ListOpenings', 'PostOpening', 'CloseOpening', 'RecordOpeningFilled')"),
            "7");  // the refusals other than NOT_FOUND write nothing (rolled back)
}

TEST_F(NeedsOpeningsTest, OpeningsRankedForACaseThroughTheRpcWithReasons) {
  const v1::Partner p = Register("rank-agency", kDistrictA, {kNeighbourA, kDistrictB});
  const std::string case_id = Case(kDistrictA, "theft");
  v1::RecordSkillsProfileRequest prof;
  prof.set_request_id(ids::NewUuid());
  prof.set_case_id(case_id);
  prof.add_skill_codes("FORKLIFT");
  prof.add_skill_codes("DRIVING");
  {
    v1::RecordSkillsProfileResponse resp;
    auto ctx = h_.Context(staff_);
    ASSERT_TRUE(needs_->RecordSkillsProfile(ctx.get(), prof, &resp).ok());
  }
  const v1::Opening best = Post(p, OpeningRequest(kDistrictA, {"FORKLIFT", "DRIVING"}));
  const v1::Opening partial = Post(p, OpeningRequest(kDistrictA, {"FORKLIFT", "WELDING"}));
  auto near_req = OpeningRequest(kNeighbourA, {"FORKLIFT"});
  near_req.set_partner_id(p.partner_id());
  v1::PostOpeningResponse near;
  ASSERT_TRUE(h_.wiring().openings().DoPostOpening(PartnerOf("rank-agency"), near_req, &near).ok());
  v1::PostOpeningResponse far;
  ASSERT_TRUE(h_.wiring()
                  .openings()
                  .DoPostOpening(PartnerOf("rank-agency"), OpeningRequest(kDistrictB), &far)
                  .ok());
  auto excl_req = OpeningRequest(kDistrictA);
  excl_req.add_excluded_offence_categories("theft");
  const v1::Opening excluded = Post(p, excl_req);
  const v1::Opening full = Post(p, OpeningRequest(kDistrictA));
  {
    v1::RecordOpeningFilledRequest fill;
    fill.set_request_id(ids::NewUuid());
    fill.set_opening_id(full.opening_id());
    fill.set_places_filled(2);
    v1::RecordOpeningFilledResponse resp;
    ASSERT_TRUE(
        h_.wiring().openings().DoRecordOpeningFilled(PartnerOf("rank-agency"), fill, &resp).ok());
  }
  const v1::Opening closed = Post(p, OpeningRequest(kDistrictA));
  {
    v1::CloseOpeningRequest close;
    close.set_request_id(ids::NewUuid());
    close.set_opening_id(closed.opening_id());
    close.set_reason_code("WITHDRAWN");
    v1::CloseOpeningResponse resp;
    auto ctx = h_.Context(staff_);
    ASSERT_TRUE(openings_->CloseOpening(ctx.get(), close, &resp).ok());
  }
  v1::RankOpeningsForCaseRequest req;
  req.set_case_id(case_id);
  req.set_include_ineligible(true);
  v1::RankOpeningsForCaseResponse ranked;
  {
    auto ctx = h_.Context(h_.Token(auth::Role::kSocialWorker, {kDistrictA}, "sw-1"));
    const grpc::Status st = openings_->RankOpeningsForCase(ctx.get(), req, &ranked);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_TRUE(ranked.obligations_considered());
  std::vector<std::string> order;
  for (const auto& r : ranked.openings()) order.push_back(r.opening().opening_id());
  // The far district is not considered at all; the closed one is not OPEN (not read).
  ASSERT_EQ(order.size(), 5u);
  EXPECT_EQ(order[0], best.opening_id());             // 150
  EXPECT_EQ(order[1], near.opening().opening_id());   // 25 + 100
  EXPECT_EQ(order[2], partial.opening_id());          // 50 + 50
  std::set<std::string> tail = {order[3], order[4]};  // ineligible, in id order
  EXPECT_EQ(tail, (std::set<std::string>{excluded.opening_id(), full.opening_id()}));
  EXPECT_EQ(ranked.openings(0).rank(), 1);
  EXPECT_EQ(ranked.openings(0).score(), 150);
  EXPECT_EQ(std::vector<std::string>(ranked.openings(0).reason_codes().begin(),
                                     ranked.openings(0).reason_codes().end()),
            (std::vector<std::string>{"SAME_DISTRICT", "SKILLS_ALL_MATCHED"}));
  EXPECT_EQ(ranked.openings(1).reason_codes(0), "ADJACENT_DISTRICT");
  EXPECT_EQ(ranked.openings(2).missing_skill_codes(0), "WELDING");
  for (int i = 3; i < 5; ++i) {
    const auto& r = ranked.openings(i);
    EXPECT_FALSE(r.eligible());
    EXPECT_EQ(r.rank(), 0);
    EXPECT_EQ(r.reason_codes(0),
              r.opening().opening_id() == full.opening_id() ? "FULL" : "OFFENCE_EXCLUDED");
  }
  // Without the ineligible ones; another district's staff: the case does not exist.
  req.set_include_ineligible(false);
  {
    auto ctx = h_.Context(staff_);
    ASSERT_TRUE(openings_->RankOpeningsForCase(ctx.get(), req, &ranked).ok());
    EXPECT_EQ(ranked.openings_size(), 3);
    auto ctx_b = h_.Context(staff_b_);
    EXPECT_EQ(openings_->RankOpeningsForCase(ctx_b.get(), req, &ranked).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'RankOpeningsForCase' AND"
                  " case_id = '" +
                  case_id + "'"),
            "3");
  // A case whose category employment does not know: the exclusion is flagged, not applied.
  const std::string unknown = Case(kDistrictA, "");
  req.set_case_id(unknown);
  req.set_include_ineligible(false);
  auto ctx = h_.Context(staff_);
  ASSERT_TRUE(openings_->RankOpeningsForCase(ctx.get(), req, &ranked).ok());
  bool flagged = false;
  for (const auto& r : ranked.openings()) {
    if (r.opening().opening_id() != excluded.opening_id()) continue;
    for (const auto& reason : r.reason_codes()) flagged |= reason == "OFFENCE_CATEGORY_UNKNOWN";
  }
  EXPECT_TRUE(flagged);
}

// Every field of every request of NeedsService and OpeningService (staff tokens), one hostile
// value at a time: a client error or OK, never a server fault or a refused call that wrote rows.
TEST_F(NeedsOpeningsTest, EveryFieldOfEveryRequestGetsAClientErrorOrOk) {
  const v1::Partner partner = Register("hostile-open-agency", kDistrictA);
  const std::string case_id = Case(kDistrictA);
  const v1::Opening opening = Post(partner, OpeningRequest(kDistrictA));
  v1::DraftCareerPlanRequest dreq;
  dreq.set_request_id(ids::NewUuid());
  dreq.set_case_id(case_id);
  dreq.set_goal_code("EMPLOYMENT");
  v1::DraftCareerPlanResponse plan;
  auto ctx = h_.Context(staff_);
  ASSERT_TRUE(needs_->DraftCareerPlan(ctx.get(), dreq, &plan).ok());

  HostileOptions o;
  o.channel = h_.channel();
  o.services = {v1::NeedsService::service_full_name(), v1::OpeningService::service_full_name()};
  o.tokens = {staff_, h_.Token(auth::Role::kCityAdmin, {"*"}, "admin-1")};
  o.strings = {{"case_id", case_id},
               {"partner_id", partner.partner_id()},
               {"opening_id", opening.opening_id()},
               {"plan_id", plan.plan().plan_id()},
               {"district_code", kDistrictA},
               {"reason_code", "FILLED"},
               {"sector_code", "LOGISTICS"},
               {"goal_code", "EMPLOYMENT"},
               {"ability_code", "FULL"},
               {"housing_code", "RENTED"},
               {"livelihood_code", "STABLE"},
               {"schooling_code", "COMPLETED"},
               {"family_code", "SUPPORTIVE"},
               {"certificate_code", "WELDER"},
               {"issuer_code", "BJ_HRSS"},
               {"start_local_time", "09:00"},
               {"end_local_time", "17:00"}};
  o.today = Today();
  o.snapshot = DatabaseSnapshot(h_.db().dsn());
  const HostileReport report = RunHostileValues(o);
  ExpectNoFailures(o, report);
  EXPECT_EQ(report.methods, 10);
}

}  // namespace
}  // namespace ccms::testing
