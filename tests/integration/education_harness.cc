#include "tests/integration/education_harness.h"

namespace ccms::testing {

EducationHarness::EducationHarness()
    : clock_(FixedTestNow()),
      service_(education::Definition(), {.clock = &clock_,
                                         .settings = {{"CCMS_PII_KEY", kPiiKey}},
                                         .consumer_properties = {{"session.timeout.ms", "6000"}},
                                         .background = true}),
      service_files_(education::v1::ServiceFileService::NewStub(service_.channel())),
      sessions_(education::v1::SessionService::NewStub(service_.channel())) {}

EducationHarness::~EducationHarness() = default;

}  // namespace ccms::testing
