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

// Every service's audience: the default of --audience, so a dev token works on each.
constexpr char kAllAudiences[] =
    "ccms-records,ccms-assessment,ccms-education,ccms-reporting,ccms-employment";

struct TokenFlags {
  std::string role;
  std::string districts;
  std::string subject = "dev-user";
  std::string agency;
  std::string office;
  int ttl_hours = 8;
  std::string key_set;
  std::string key_file;
  std::string algorithm = "HS256";
  std::string kid;
  std::string audience = kAllAudiences;
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

// The signing key: --key-file (a secret or PEM private key, with --alg and --kid), else an
// HS256 key of the key set (--key-set, else $CCMS_JWT_KEYS_FILE): the one --kid names, or the
// set's last key (a rotation appends the new key).
absl::StatusOr<auth::MintOptions> LoadSigningKey(const TokenFlags& flags) {
  auth::MintOptions options;
  if (!flags.key_file.empty()) {
    if (flags.kid.empty()) return absl::InvalidArgumentError("--key-file needs --kid");
    absl::StatusOr<std::string> key = ReadKeyFile(flags.key_file);
    if (!key.ok()) return key.status();
    options.algorithm = flags.algorithm;
    options.key = *std::move(key);
    options.kid = flags.kid;
    return options;
  }
  std::string path = flags.key_set;
  if (path.empty()) {
    if (const char* env = std::getenv("CCMS_JWT_KEYS_FILE"); env != nullptr) path = env;
  }
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "no signing key: pass --key-set (or set CCMS_JWT_KEYS_FILE), or --key-file with --kid");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError("cannot read key set " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto set = auth::KeySet::Parse(text.str(), {.allow_hmac = true});
  if (!set.ok()) return set.status();
  const std::vector<std::string> kids = (*set)->Kids();
  const auth::VerificationKey* key = (*set)->Find(flags.kid.empty() ? kids.back() : flags.kid);
  if (key == nullptr) return absl::InvalidArgumentError("no key " + flags.kid + " in " + path);
  if (key->algorithm != "HS256") {
    return absl::InvalidArgumentError(
        "key " + key->kid + " is a public key; sign with its private key (--key-file, --kid)");
  }
  options.algorithm = key->algorithm;
  options.key = key->material;
  options.kid = key->kid;
  return options;
}

int RunToken(const TokenFlags& flags) {
  auth::Principal principal;
  principal.subject = flags.subject;
  principal.role = *auth::ParseRole(flags.role);  // Checked by the validator.
  principal.agency_id = flags.agency;
  principal.office_id = flags.office;
  if (flags.districts == "*") {
    principal.all_districts = true;
  } else if (!flags.districts.empty()) {
    principal.districts = absl::StrSplit(flags.districts, ',');
  }
  absl::StatusOr<auth::MintOptions> options = LoadSigningKey(flags);
  if (!options.ok()) return ReportLocalError(options.status());
  options->audiences = absl::StrSplit(flags.audience, ',', absl::SkipEmpty());
  options->issuer = flags.issuer;
  options->ttl = absl::Hours(flags.ttl_hours);
  absl::StatusOr<std::string> token = auth::MintToken(principal, *options, absl::Now());
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
  CLI::App* cmd = app.add_subcommand("token",
                                     "Mint a token with a DEV key (dev stack and tests only; "
                                     "production tokens come from the identity provider)");
  cmd->footer(
      "Prints the token alone on stdout, e.g.\n"
      "  export CCMS_TOKEN=$(ccmsctl token --role office_staff "
      "--districts 110101 --key-set .run/secrets/jwt-keys.json)");
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
  cmd->add_option("--office", flags->office,
                  "Office id (`office_id`, as records' office ids) of office_staff of one "
                  "district: reporting shows that office only");
  cmd->add_option("--ttl-hours", flags->ttl_hours, "Validity in hours")
      ->capture_default_str()
      ->check(CLI::Range(1, 24 * 30));
  cmd->add_option("--key-set", flags->key_set,
                  "JWKS key set holding the HS256 dev secret(s) (the dev stack's "
                  ".run/secrets/jwt-keys.json); default: $CCMS_JWT_KEYS_FILE");
  cmd->add_option("--kid", flags->kid,
                  "Key id to sign with (the `kid` header); default: the key set's last key");
  cmd->add_option("--key-file", flags->key_file,
                  "Sign with this file instead: an HS256 secret (>= 32 bytes) or an "
                  "unencrypted PEM private key (--alg RS256/ES256); needs --kid");
  cmd->add_option("--alg", flags->algorithm, "Algorithm of --key-file: HS256, RS256 or ES256")
      ->capture_default_str()
      ->check(CLI::IsMember({"HS256", "RS256", "ES256"}));
  cmd->add_option("--audience", flags->audience,
                  "Comma-separated audiences (`aud`): the services the token is for")
      ->capture_default_str();
  cmd->add_option("--issuer", flags->issuer, "The token's `iss`, when the services check one")
      ->envname("CCMS_JWT_ISSUER");
  cmd->callback([flags, action] { *action = [flags] { return RunToken(*flags); }; });
}

}  // namespace ccms::ctl
