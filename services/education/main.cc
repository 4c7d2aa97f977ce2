// ccms-education: the kit's main over the education wiring (services/education/wiring.h).
// Settings are CCMS_* variables (README.md, docs/education.md).
#include "common/server/service_main.h"
#include "services/education/wiring.h"

int main(int argc, char** argv) {
  return ccms::server::ServiceMain(argc, argv, ccms::education::Definition());
}
