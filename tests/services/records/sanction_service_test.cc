// SanctionServiceImpl (violations, sanctions, commendations) over FakeSanctionStore. What reaches
// the store, and what never does.
#include "services/records/sanction_service.h"

#include <string>

#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/services/records/fake_stores.h"
#include "tests/services/records/handler_fixture.h"

namespace ccms::records::testing {
namespace {

using SanctionServiceTest = AreaTest<FakeSanctionStore, SanctionServiceImpl>;

TEST_F(SanctionServiceTest, RevocationLadderIsCheckedBeforeTheStoreWrites) {
  v1::IssueSanctionRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(ids::NewUuid());
  req.set_kind(v1::SANCTION_KIND_REVOCATION_REQUEST);
  req.add_grounds(v1::REVOCATION_GROUND_REPEATED_WARNINGS);
  store_.ladder.sentence_kind = domain::SentenceKind::kProbation;
  store_.ladder.sanctions = {{domain::SanctionKind::kWarning, absl::CivilDay(2026, 10, 1)}};
  v1::IssueSanctionResponse resp;
  absl::Status st = service_.DoIssueSanction(staff_, req, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(st.message()).find("REPEATED_WARNINGS"), std::string::npos) << st;
  EXPECT_EQ(store_.mutations, 0);
  store_.ladder.sanctions.push_back({domain::SanctionKind::kWarning, absl::CivilDay(2026, 11, 1)});
  ASSERT_TRUE(service_.DoIssueSanction(staff_, req, &resp).ok());
  EXPECT_EQ(store_.mutations, 1);
  EXPECT_TRUE(resp.status().revocation_requested());
}

}  // namespace
}  // namespace ccms::records::testing
