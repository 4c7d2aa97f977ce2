// ccms-reporting: the kit's main over the reporting wiring (services/reporting/wiring.h).
// Settings are CCMS_* variables (docs/operations.md, docs/reporting.md). `--rebuild` empties the
// projections and rebuilds them from the beginning of the topics, then serves.
#include <string_view>

#include "common/server/service_main.h"
#include "services/reporting/wiring.h"

int main(int argc, char** argv) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--rebuild") {
      ccms::reporting::RequestRebuild();
    } else {
      argv[kept++] = argv[i];
    }
  }
  return ccms::server::ServiceMain(kept, argv, ccms::reporting::Definition());
}
