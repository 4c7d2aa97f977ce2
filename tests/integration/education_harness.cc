#include "tests/integration/education_harness.h"

namespace ccms::testing {

EducationHarness::EducationHarness()
    : clock_(FixedTestNow()),
      service_(education::Definition(), {.clock = &clock_,
                                         .settings = {{"CCMS_PII_KEY", kPiiKey}},
                                         .consumer_properties = {{"session.timeout.ms", "6000"}},
                                         .background = true}),
      service_files_(education::v1::ServiceFileService::NewStub(service_.channel())),
      plans_(education::v1::CorrectionPlanService::NewStub(service_.channel())),
      catalogue_(education::v1::CatalogueService::NewStub(service_.channel())),
      counselling_(education::v1::CounsellingService::NewStub(service_.channel())),
      legal_tests_(education::v1::LegalTestService::NewStub(service_.channel())),
      feedback_(education::v1::FeedbackService::NewStub(service_.channel())),
      sessions_(education::v1::SessionService::NewStub(service_.channel())),
      community_(education::v1::CommunityServiceService::NewStub(service_.channel())),
      hours_ledger_(education::v1::HoursLedgerService::NewStub(service_.channel())) {}

EducationHarness::~EducationHarness() = default;

}  // namespace ccms::testing
