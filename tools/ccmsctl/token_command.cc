#include "tools/ccmsctl/token_command.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/auth/jwt.h"
#include "common/auth/principal.h"
#include "tools/ccmsctl/rpc_client.h"

namespace ccms::ctl {
namespace {

constexpr char kAlgorithm[] = "HS256";

struct TokenFlags {
  std::string role;
  std::string districts;
  std::string subject = "dev-user";
  std::string agency;
  int ttl_hours = 8;
  std::string key_file;
  std::string issuer;
};

// Reads a secret file like the services do (common/config/env): the whole
// file, minus the trailing newline an editor or `echo` adds.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError("cannot read key file " + path);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string key = buffer.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) {
    key.pop_back();
  }
  if (key.empty()) return absl::InvalidArgumentError("key file " + path + " is empty");
  return key;
}

// --key-file, else $CCMS_JWT_KEY, else the file named by $CCMS_JWT_KEY_FILE.
absl::StatusOr<std::string> LoadKey(const TokenFlags& flags) {
  if (!flags.key_file.empty()) return ReadKeyFile(flags.key_file);
  if (const char* key = std::getenv("CCMS_JWT_KEY"); key != nullptr && *key) {
    return std::string(key);
  }
  if (const char* path = std::getenv("CCMS_JWT_KEY_FILE"); path != nullptr && *path) {
    return ReadKeyFile(path);
  }
  return absl::InvalidArgumentError(
      "no signing key: pass --key-file or set CCMS_JWT_KEY or "
      "CCMS_JWT_KEY_FILE");
}

int RunToken(const TokenFlags& flags) {
  auth::Principal principal;
  principal.subject = flags.subject;
  principal.role = *auth::ParseRole(flags.role);  // Checked by the validator.
  principal.agency_id = flags.agency;
  if (flags.districts == "*") {
    principal.all_districts = true;
  } else if (!flags.districts.empty()) {
    principal.districts = absl::StrSplit(flags.districts, ',');
  }
  absl::StatusOr<std::string> key = LoadKey(flags);
  if (!key.ok()) return ReportLocalError(key.status());
  absl::StatusOr<std::string> token = auth::MintToken(principal, kAlgorithm, *key, absl::Now(),
                                                      absl::Hours(flags.ttl_hours), flags.issuer);
  if (!token.ok()) return ReportLocalError(token.status());
  std::cout << *token << "\n";
  return kExitOk;
}

CLI::Validator RoleValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (auth::ParseRole(value).has_value()) return "";
        return "unknown role '" + value +
               "' (office_staff, district_bureau, social_worker, city_admin, auditor, "
               "partner, ops, service)";
      },
      "ROLE");
}

CLI::Validator DistrictListValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (value == "*" || value.empty()) return "";  // Empty: a partner.
        for (absl::string_view code : absl::StrSplit(value, ',')) {
          if (!auth::IsDistrictCode(std::string(code))) {
            return "must be '*' or six-digit district codes separated by "
                   "commas, got '" +
                   value + "'";
          }
        }
        return "";
      },
      "CODES|*");
}

}  // namespace

void AddTokenCommand(CLI::App& app, Action* action) {
  auto flags = std::make_shared<TokenFlags>();
  CLI::App* cmd =
      app.add_subcommand("token",
                         "Mint an HS256 token with the DEV key (dev stack and tests only; "
                         "production tokens come from the identity provider)");
  cmd->footer(
      "Prints the token alone on stdout, e.g.\n"
      "  export CCMS_TOKEN=$(ccmsctl token --role office_staff "
      "--districts 110101 --key-file dev-jwt.key)");
  cmd->add_option("--role", flags->role,
                  "office_staff, district_bureau, social_worker, city_admin, auditor, partner, "
                  "ops or service")
      ->required()
      ->check(RoleValidator());
  cmd->add_option("--districts", flags->districts,
                  "Comma-separated six-digit district codes (110101,110102), "
                  "or '*' for all districts (city_admin, auditor, ops, "
                  "service only); may be empty for a partner")
      ->required()
      ->check(DistrictListValidator());
  cmd->add_option("--subject", flags->subject, "The token's `sub` (caller id)")
      ->capture_default_str();
  cmd->add_option("--agency", flags->agency,
                  "Partner agency id (`agency_id`); required for partner");
  cmd->add_option("--ttl-hours", flags->ttl_hours, "Validity in hours")
      ->capture_default_str()
      ->check(CLI::Range(1, 24 * 30));
  cmd->add_option("--key-file", flags->key_file,
                  "File holding the HS256 dev secret (>= 32 bytes); default: "
                  "$CCMS_JWT_KEY, else the file named by $CCMS_JWT_KEY_FILE");
  cmd->add_option("--issuer", flags->issuer, "The token's `iss`, when the services check one")
      ->envname("CCMS_JWT_ISSUER");
  cmd->callback([flags, action] { *action = [flags] { return RunToken(*flags); }; });
}

}  // namespace ccms::ctl
