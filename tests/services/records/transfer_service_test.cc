// TransferServiceImpl (a transfer and its four decisions) over FakeTransferStore. What reaches the
// store, and what never does.
#include "services/records/transfer_service.h"

#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/services/records/fake_stores.h"
#include "tests/services/records/handler_fixture.h"

namespace ccms::records::testing {
namespace {

using TransferServiceTest = AreaTest<FakeTransferStore, TransferServiceImpl>;

TEST_F(TransferServiceTest, TransferSteps) {
  v1::RequestTransferRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(ids::NewUuid());
  req.set_to_district_code("310101");
  req.set_to_office_id("office-b");
  req.mutable_planned_move_on()->set_year(2026);
  req.mutable_planned_move_on()->set_month(12);
  req.mutable_planned_move_on()->set_day(10);  // 18 days ahead of 2026-11-22
  v1::RequestTransferResponse resp;
  ASSERT_TRUE(service_.DoRequestTransfer(staff_, req, &resp).ok());
  EXPECT_EQ(resp.transfer().reply_due().day(), 27);
  ASSERT_EQ(resp.transfer().notices_size(), 1);  // the policy asks for 30 days ahead
  req.mutable_planned_move_on()->set_month(10);
  EXPECT_EQ(service_.DoRequestTransfer(staff_, req, &resp).code(),
            absl::StatusCode::kInvalidArgument);  // in the past

  store_.transfer.status = domain::TransferStatus::kRequested;
  store_.transfer.requested_on = absl::CivilDay(2026, 11, 20);
  v1::AcceptTransferRequest accept;
  accept.set_request_id(ids::NewUuid());
  accept.set_transfer_id(ids::NewUuid());
  v1::AcceptTransferResponse accepted;
  absl::Status st = service_.DoAcceptTransfer(staff_, accept, &accepted);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  store_.transfer.status = domain::TransferStatus::kConsented;
  ASSERT_TRUE(service_.DoAcceptTransfer(staff_, accept, &accepted).ok());
  EXPECT_EQ(accepted.transfer().status(), v1::TRANSFER_STATUS_ACCEPTED);
  EXPECT_EQ(accepted.transfer().report_due().day(), 29);  // accepted 11-22 + 7 days
  auth::Principal sw = staff_;
  sw.role = auth::Role::kSocialWorker;
  EXPECT_EQ(service_.DoAcceptTransfer(sw, accept, &accepted).code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace ccms::records::testing
