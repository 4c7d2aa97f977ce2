// OrderServiceImpl (monitoring orders, health reports, medical reviews) over FakeOrderStore. What
// reaches the store, and what never does.
#include "services/records/order_service.h"

#include <set>
#include <string>

#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/services/records/fake_stores.h"
#include "tests/services/records/handler_fixture.h"

namespace ccms::records::testing {
namespace {

using OrderServiceTest = AreaTest<FakeOrderStore, OrderServiceImpl>;

// Orders: the district bureau approves monitoring orders; office staff are refused and audited.
TEST_F(OrderServiceTest, OrdersBureauRole) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.district_code = "110101";
  store_.stored.status = domain::CaseStatus::kActive;
  store_.stored.end_date = absl::CivilDay(2027, 6, 30);
  v1::OrderMonitoringRequest q;
  q.set_request_id(ids::NewUuid());
  q.set_case_id(store_.stored.case_id);
  q.add_grounds(v1::MONITORING_GROUND_LEFT_AREA_WITHOUT_APPROVAL);
  *q.mutable_ends_on() = grpc_util::ToProtoDate(absl::CivilDay(2027, 2, 22));  // today + 3m
  v1::OrderMonitoringResponse r;
  absl::Status denied = service_.DoOrderMonitoring(staff_, q, &r);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  ASSERT_EQ(audit_.audited.size(), 1u);
  EXPECT_EQ(audit_.audited[0], "OrderMonitoring:DENIED");

  auth::Principal bureau = staff_;
  bureau.role = auth::Role::kDistrictBureau;
  ASSERT_TRUE(service_.DoOrderMonitoring(bureau, q, &r).ok());
  EXPECT_EQ(r.order().status(), v1::MONITORING_ORDER_STATUS_ACTIVE);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.monitoring_ordered");

  // One day over the three months names ends_on; no grounds names grounds.
  *q.mutable_ends_on() = grpc_util::ToProtoDate(absl::CivilDay(2027, 2, 23));
  q.clear_grounds();
  absl::Status bad = service_.DoOrderMonitoring(bureau, q, &r);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : grpc_util::ViolationsOf(bad)) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"grounds", "ends_on"}));

  for (auth::Role role : {auth::Role::kDistrictBureau, auth::Role::kCityAdmin}) {
    auth::Principal p = bureau;
    p.role = role;
    v1::EndMonitoringRequest e;
    e.set_request_id(ids::NewUuid());
    e.set_case_id(store_.stored.case_id);
    e.set_order_id(ids::NewUuid());
    e.set_reason(v1::MONITORING_END_REASON_GROUNDS_NO_LONGER_APPLY);
    store_.order.starts_on = absl::CivilDay(2026, 11, 1);
    store_.order.ends_on = absl::CivilDay(2026, 12, 31);
    store_.order.ended_on.reset();
    v1::EndMonitoringResponse ended;
    EXPECT_TRUE(service_.DoEndMonitoring(p, e, &ended).ok());
  }
}

TEST_F(OrderServiceTest, MedicalRecordsOnlyForTemporaryOutsidePrisonAndNoTextsOnTheBus) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.district_code = "110101";
  store_.stored.status = domain::CaseStatus::kActive;
  store_.stored.sentence_kind = domain::SentenceKind::kProbation;
  store_.stored.intake_reported_on = absl::CivilDay(2026, 1, 5);
  v1::RecordMedicalReviewRequest q;
  q.set_request_id(ids::NewUuid());
  q.set_case_id(store_.stored.case_id);
  q.set_institution("First People's Hospital");
  q.set_outcome(v1::MEDICAL_REVIEW_OUTCOME_CONDITION_CONTINUES);
  q.set_details("diagnosis details");
  v1::RecordMedicalReviewResponse r;
  EXPECT_EQ(service_.DoRecordMedicalReview(staff_, q, &r).code(),
            absl::StatusCode::kFailedPrecondition);
  store_.stored.sentence_kind = domain::SentenceKind::kTemporaryOutsidePrison;
  ASSERT_TRUE(service_.DoRecordMedicalReview(staff_, q, &r).ok());
  EXPECT_EQ(store_.last_event.type(), "ccms.records.medical_review_recorded");
  const std::string bytes = store_.last_event.SerializeAsString();
  EXPECT_EQ(bytes.find("Hospital"), std::string::npos);
  EXPECT_EQ(bytes.find("diagnosis"), std::string::npos);
  q.clear_institution();
  q.clear_outcome();
  absl::Status bad = service_.DoRecordMedicalReview(staff_, q, &r);
  std::set<std::string> fields;
  for (const auto& v : grpc_util::ViolationsOf(bad)) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"institution", "outcome"}));
}

// Orders default their dates to the Asia/Shanghai day: 16:30 UTC on Nov 30 is Dec 1 there, so
// a 3-month order from "today" may run to Mar 1, not only to Feb 28.
TEST_F(OrderServiceTest, OrdersUseTheShanghaiDay) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 16, 30, 0), absl::UTCTimeZone()));
  store_.stored.case_id = ids::NewUuid();
  store_.stored.status = domain::CaseStatus::kActive;
  store_.stored.end_date = absl::CivilDay(2027, 12, 31);
  auth::Principal bureau = staff_;
  bureau.role = auth::Role::kDistrictBureau;
  v1::OrderMonitoringRequest q;
  q.set_request_id(ids::NewUuid());
  q.set_case_id(store_.stored.case_id);
  q.add_grounds(v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH);
  *q.mutable_ends_on() = grpc_util::ToProtoDate(absl::CivilDay(2027, 3, 1));
  v1::OrderMonitoringResponse r;
  ASSERT_TRUE(service_.DoOrderMonitoring(bureau, q, &r).ok());
  EXPECT_EQ(r.order().starts_on().month(), 12);
  EXPECT_EQ(r.order().starts_on().day(), 1);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 15, 59, 0), absl::UTCTimeZone()));
  q.set_request_id(ids::NewUuid());
  EXPECT_EQ(service_.DoOrderMonitoring(bureau, q, &r).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccms::records::testing
