// ccms-assessment: the kit's main over the assessment wiring (services/assessment/wiring.h).
// Settings are CCMS_* variables (README.md, docs/assessment.md).
#include "common/server/service_main.h"
#include "services/assessment/wiring.h"

int main(int argc, char** argv) {
  return ccms::server::ServiceMain(argc, argv, ccms::assessment::Definition());
}
