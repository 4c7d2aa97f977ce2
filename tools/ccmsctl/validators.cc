#include "tools/ccmsctl/validators.h"

#include <string>

#include "common/auth/principal.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"

namespace ccms::ctl {

CLI::Validator UuidValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (ids::IsUuid(value)) return "";
        return "must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got '" + value + "'";
      },
      "UUID");
}

CLI::Validator DateValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (time::ParseDate(value).has_value()) return "";
        return "must be an existing date YYYY-MM-DD, got '" + value + "'";
      },
      "YYYY-MM-DD");
}

CLI::Validator DistrictValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (auth::IsDistrictCode(value)) return "";
        return "must be a six-digit district code, got '" + value + "'";
      },
      "DISTRICT");
}

}  // namespace ccms::ctl
