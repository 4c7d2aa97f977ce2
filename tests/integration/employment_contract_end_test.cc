// A partner's purchased-service contract that ends (issue 15 item 1, docs/employment.md "Contract
// end") on PostgreSQL: a partner without contracts takes referrals as before; under a contract in
// force, referrals are created and sent; the day after its end, new referrals (created or sent)
// are refused with PARTNER_CONTRACT_ENDED naming the rule, the open ones are listed for staff of
// the district (ListReferrals(under_ended_contract), no one else's), the escalation task's sweep
// completes the contract once with the event partner_contract_ended (keyed by the partner, the
// open referrals counted); a new contract in force lifts the rule and empties the list.
#include <algorithm>
#include <string>
#include <vector>

#include "ccms/employment/v1/employment_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/employment_harness.h"

namespace ccms::testing {
namespace {

namespace v1 = employment::v1;
using absl::CivilDay;
using grpc_util::ToProtoDate;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";

class EmploymentContractEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.consumer().Stop();
    h_.education_consumer().Stop();
    staff_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictA}, "staff-a");
    bureau_ = h_.Token(auth::Role::kDistrictBureau, {kDistrictA}, "bureau-a");
    staff_b_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictB}, "staff-b");
  }

  CivilDay Today() { return time::ShanghaiDay(h_.clock().Now()); }
  std::string Count(const std::string& sql) { return h_.db().QueryValue(sql); }

  std::string Case() {
    auto case_id = h_.FeedOpenedCase(kDistrictA, {.judged_days_ago = 100, .reported_days_ago = 90});
    EXPECT_TRUE(case_id.ok()) << case_id.status();
    return case_id.value_or("");
  }

  v1::Partner Register(const std::string& agency) {
    v1::RegisterPartnerRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_agency_id(agency);
    req.set_name("Partner " + agency);
    req.set_kind(v1::PARTNER_KIND_ENTERPRISE);
    req.set_district_code(kDistrictA);
    v1::RegisterPartnerResponse resp;
    auto ctx = h_.Context(staff_);
    const grpc::Status st = h_.partners().RegisterPartner(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.partner();
  }

  void Contract(const std::string& partner_id, CivilDay from, CivilDay to) {
    v1::RecordPartnerContractRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_partner_id(partner_id);
    req.set_district_code(kDistrictA);
    req.set_scope_code("JOB_PLACEMENT");
    *req.mutable_starts_on() = ToProtoDate(from);
    *req.mutable_ends_on() = ToProtoDate(to);
    req.set_amount_fen(5'000'000);
    v1::RecordPartnerContractResponse resp;
    auto ctx = h_.Context(bureau_);
    const grpc::Status st = h_.partner_contracts().RecordPartnerContract(ctx.get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  grpc::Status Create(const std::string& case_id, const std::string& partner_id,
                      v1::Referral* out) {
    v1::CreateReferralRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_partner_id(partner_id);
    req.set_kind(v1::REFERRAL_KIND_JOB_PLACEMENT);
    req.set_given_name("小明");
    v1::CreateReferralResponse resp;
    auto ctx = h_.Context(staff_);
    const grpc::Status st = h_.referrals().CreateReferral(ctx.get(), req, &resp);
    *out = resp.referral();
    return st;
  }
  grpc::Status Send(const std::string& referral_id) {
    v1::SendReferralRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_referral_id(referral_id);
    *req.mutable_consent_recorded_on() = ToProtoDate(Today());
    v1::SendReferralResponse resp;
    auto ctx = h_.Context(staff_);
    return h_.referrals().SendReferral(ctx.get(), req, &resp);
  }
  std::vector<std::string> UnderEndedContract(const std::string& token) {
    v1::ListReferralsRequest req;
    req.set_under_ended_contract(true);
    v1::ListReferralsResponse resp;
    auto ctx = h_.Context(token);
    const grpc::Status st = h_.referrals().ListReferrals(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::vector<std::string> ids;
    for (const auto& r : resp.referrals()) ids.push_back(r.referral_id());
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  EmploymentHarness h_;
  std::string staff_;
  std::string bureau_;
  std::string staff_b_;
};

TEST_F(EmploymentContractEndTest, NewReferralsRefusedOpenOnesListedContractCompletedOnce) {
  const std::string case_id = Case();
  // A partner without any contract is not under the rule.
  const v1::Partner free = Register("no-contract-agency");
  v1::Referral r;
  ASSERT_TRUE(Create(case_id, free.partner_id(), &r).ok());

  const v1::Partner p = Register("contract-agency");
  const CivilDay end = Today() + 2;
  Contract(p.partner_id(), Today() - 30, end);
  v1::Referral sent, draft;
  ASSERT_TRUE(Create(case_id, p.partner_id(), &sent).ok());
  ASSERT_TRUE(Send(sent.referral_id()).ok());
  ASSERT_TRUE(Create(case_id, p.partner_id(), &draft).ok());
  v1::Referral withdrawn;
  ASSERT_TRUE(Create(case_id, p.partner_id(), &withdrawn).ok());
  {
    v1::RecordReferralStepRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_referral_id(withdrawn.referral_id());
    req.set_to_status(v1::REFERRAL_STATUS_WITHDRAWN);
    req.set_reason_code("PERSON_DECLINED");
    v1::RecordReferralStepResponse resp;
    auto ctx = h_.Context(staff_);
    const grpc::Status st = h_.referrals().RecordReferralStep(ctx.get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  // In force through its last day: nothing listed, nothing to sweep.
  h_.clock().Set(absl::FromCivil(absl::CivilHour(end) + 23, time::ShanghaiTimeZone()));
  EXPECT_TRUE(UnderEndedContract(staff_).empty());
  EXPECT_EQ(*h_.wiring().contract_sweeper().RunOnce(), 0);
  ASSERT_TRUE(Create(case_id, p.partner_id(), &r).ok());
  const std::string last_day_draft = r.referral_id();

  // The day after: new referrals refused naming the rule, created or sent.
  h_.clock().Set(absl::FromCivil(absl::CivilHour(end + 1) + 9, time::ShanghaiTimeZone()));
  const grpc::Status refused = Create(case_id, p.partner_id(), &r);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(grpc_util::ReasonOf(refused), "PARTNER_CONTRACT_ENDED");
  EXPECT_NE(refused.error_message().find("contract rule"), std::string::npos);
  const grpc::Status send_refused = Send(draft.referral_id());
  EXPECT_EQ(grpc_util::ReasonOf(send_refused), "PARTNER_CONTRACT_ENDED");
  // The partner without a contract still takes referrals.
  EXPECT_TRUE(Create(case_id, free.partner_id(), &r).ok());

  // The open ones (sent, and the two drafts; not the withdrawn one) are listed for staff of the
  // district only.
  std::vector<std::string> open = {sent.referral_id(), draft.referral_id(), last_day_draft};
  std::sort(open.begin(), open.end());
  EXPECT_EQ(UnderEndedContract(staff_), open);
  EXPECT_TRUE(UnderEndedContract(staff_b_).empty());

  // The sweep completes the contract once, with its event.
  EXPECT_EQ(*h_.wiring().contract_sweeper().RunOnce(), 1);
  EXPECT_EQ(*h_.wiring().contract_sweeper().RunOnce(), 0);
  EXPECT_EQ(
      Count("SELECT status FROM partner_contracts WHERE partner_id = '" + p.partner_id() + "'"),
      "COMPLETED");
  const std::string hex = Count(
      "SELECT encode(payload, 'hex') FROM outbox WHERE event_type ="
      " 'ccms.employment.partner_contract_ended' AND record_key = '" +
      p.partner_id() + "'");
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  events::v1::Envelope env;
  ASSERT_TRUE(env.ParseFromString(bytes));
  v1::PartnerContractEnded e;
  ASSERT_TRUE(env.payload().UnpackTo(&e));
  EXPECT_EQ(e.partner_id(), p.partner_id());
  EXPECT_EQ(e.district_code(), kDistrictA);
  EXPECT_EQ(e.status(), "COMPLETED");
  EXPECT_EQ(e.open_referrals(), 3);
  EXPECT_FALSE(e.other_contract_in_force());
  EXPECT_EQ(e.ends_on().day(), ToProtoDate(end).day());
  // Still listed after the sweep (COMPLETED is not in force).
  EXPECT_EQ(UnderEndedContract(staff_), open);

  // A new contract in force: the rule is met again and the list is empty.
  Contract(p.partner_id(), end + 1, end + 365);
  EXPECT_TRUE(UnderEndedContract(staff_).empty());
  EXPECT_TRUE(Send(draft.referral_id()).ok());
  EXPECT_TRUE(Create(case_id, p.partner_id(), &r).ok());
}

}  // namespace
}  // namespace ccms::testing
