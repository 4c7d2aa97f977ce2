#include "common/server/service_main.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/server/main_support.h"

namespace ccms::server {

int ServiceMain(int argc, char** argv, const ServiceDefinition& definition) {
  const std::string binary = absl::StrCat("ccms-", definition.identity.name);
  auto fail = [&binary](const absl::Status& status) { return FailStartup(binary, status); };
  MainFlags flags;
  if (auto exit_code = ParseMainFlags(binary, argc, argv, &flags)) return *exit_code;
  ServiceHost::BlockTerminationSignals();

  config::Env env;
  const CommonConfig config = LoadCommonConfig(definition.identity, env);
  std::unique_ptr<Service> service = definition.make();
  service->Configure(env);
  if (auto st = env.Finish(); !st.ok()) return fail(st);
  auto policy = policy::PolicyDocument::Load();
  if (!policy.ok()) return fail(policy.status());
  if (auto st = service->Prepare(*policy); !st.ok()) return fail(st);

  // The system clock, or the test clock of CCMS_TEST_CLOCK_START (a test setting).
  const std::unique_ptr<time::Clock> clock = MakeServiceClock(config);
  auto host = ServiceHost::Create(definition.identity, config, definition.queries(),
                                  definition.migrations(), *clock);
  if (!host.ok()) return fail(host.status());
  if (auto st = service->AfterMigrations(**host); !st.ok()) return fail(st);
  if (flags.migrate_only) {
    log::Info("migrations_done");
    return 0;
  }
  if (auto st = service->Build(**host); !st.ok()) return fail(st);

  service->StartBackground();
  const absl::Status run = (*host)->Run();
  service->StopBackground();
  if (!run.ok()) return fail(run);
  return 0;
}

}  // namespace ccms::server
