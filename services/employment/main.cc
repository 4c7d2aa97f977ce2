// ccms-employment: the kit's main over the employment wiring (services/employment/wiring.h).
// Settings are CCMS_* variables (docs/operations.md, docs/employment.md).
#include "common/server/service_main.h"
#include "services/employment/wiring.h"

int main(int argc, char** argv) {
  return ccms::server::ServiceMain(argc, argv, ccms::employment::Definition());
}
