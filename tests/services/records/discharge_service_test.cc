// DischargeServiceImpl (discharge, other endings, follow-ups) over FakeDischargeStore. What reaches
// the store, and what never does.
#include "services/records/discharge_service.h"

#include <string>

#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/services/records/fake_stores.h"
#include "tests/services/records/handler_fixture.h"

namespace ccms::records::testing {
namespace {

using DischargeServiceTest = AreaTest<FakeDischargeStore, DischargeServiceImpl>;

TEST_F(DischargeServiceTest, DischargeNotBeforeTheEndDate) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.status = domain::CaseStatus::kActive;
  store_.stored.end_date = absl::CivilDay(2026, 11, 23);
  v1::DischargeRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(store_.stored.case_id);
  req.set_certificate_number("JJ-2026-001");
  v1::DischargeResponse resp;
  absl::Status early = service_.DoDischarge(staff_, req, &resp);
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(early.message()).find("2026-11-23"), std::string::npos);
  EXPECT_EQ(store_.mutations, 0);
  store_.stored.end_date = absl::CivilDay(2026, 11, 22);
  ASSERT_TRUE(service_.DoDischarge(staff_, req, &resp).ok());
  EXPECT_EQ(resp.case_().status(), v1::CASE_STATUS_DISCHARGED);
  ASSERT_EQ(resp.follow_ups_due_size(), 3);
  EXPECT_EQ(resp.follow_ups_due(0).month(), 12);
  v1::CloseCaseRequest close;
  close.set_request_id(ids::NewUuid());
  close.set_case_id(store_.stored.case_id);
  close.set_reason(v1::CASE_CLOSE_REASON_REVOKED);
  v1::CloseCaseResponse closed;
  EXPECT_EQ(service_.DoCloseCase(staff_, close, &closed).code(),
            absl::StatusCode::kFailedPrecondition);  // no revocation request on the ladder
}

}  // namespace
}  // namespace ccms::records::testing
