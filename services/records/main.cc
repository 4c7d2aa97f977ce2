// ccms-records: the kit's main over the records wiring (services/records/wiring.h). Settings are
// CCMS_* variables (docs/operations.md).
#include "common/server/service_main.h"
#include "services/records/wiring.h"

int main(int argc, char** argv) {
  return ccms::server::ServiceMain(argc, argv, ccms::records::Definition());
}
