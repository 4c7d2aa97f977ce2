#include "tests/security/security_matrix.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <chrono>
#include <future>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "ccms/ops/v1/audit_chain_service.pb.h"
#include "ccms/ops/v1/dead_letter_service.pb.h"
#include "common/ids/uuid.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "pqxx/pqxx"
#include "tests/support/service_harness.h"

namespace ccms::testing::matrix {
namespace {

using auth::Role;

constexpr std::pair<Scope, absl::string_view> kScopeNames[] = {
    {Scope::kOwnDistrict, "own_district"}, {Scope::kOtherDistrict, "other_district"},
    {Scope::kNoDistrict, "no_district"},   {Scope::kAllDistricts, "all_districts"},
    {Scope::kOwnAgency, "own_agency"},     {Scope::kOtherAgency, "other_agency"},
};

constexpr std::pair<grpc::StatusCode, absl::string_view> kCodeNames[] = {
    {grpc::StatusCode::OK, "OK"},
    {grpc::StatusCode::CANCELLED, "CANCELLED"},
    {grpc::StatusCode::UNKNOWN, "UNKNOWN"},
    {grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT"},
    {grpc::StatusCode::DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED"},
    {grpc::StatusCode::NOT_FOUND, "NOT_FOUND"},
    {grpc::StatusCode::ALREADY_EXISTS, "ALREADY_EXISTS"},
    {grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED"},
    {grpc::StatusCode::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED"},
    {grpc::StatusCode::FAILED_PRECONDITION, "FAILED_PRECONDITION"},
    {grpc::StatusCode::ABORTED, "ABORTED"},
    {grpc::StatusCode::OUT_OF_RANGE, "OUT_OF_RANGE"},
    {grpc::StatusCode::UNIMPLEMENTED, "UNIMPLEMENTED"},
    {grpc::StatusCode::INTERNAL, "INTERNAL"},
    {grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE"},
    {grpc::StatusCode::DATA_LOSS, "DATA_LOSS"},
    {grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED"},
};

std::string Base64Url(absl::string_view text) {
  std::string out;
  absl::WebSafeBase64Escape(text, &out);
  return out;
}

// An HS256 token of `role` with an empty districts list, which the kit's minting (rightly)
// refuses to make for a role that needs a district.
std::string NoDistrictToken(Role role) {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  // Signed with the harness's key and kid, for every service's audience: refused for the empty
  // district list alone.
  const std::string header =
      Base64Url(absl::StrCat(R"({"alg":"HS256","typ":"JWT","kid":")", kTestJwtKid, R"("})"));
  std::string audiences;
  for (const std::string& audience : ServiceHarness::AllAudiences()) {
    absl::StrAppend(&audiences, audiences.empty() ? "" : ",", "\"", audience, "\"");
  }
  const std::string claims = Base64Url(
      absl::StrCat(R"({"sub":"matrix-)", std::string(auth::RoleName(role)), R"(","role":")",
                   std::string(auth::RoleName(role)), R"(","districts":[],"aud":[)", audiences,
                   R"(],"iat":)", now, R"(,"exp":)", now + 3600, "}"));
  const std::string signing_input = absl::StrCat(header, ".", claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  const absl::string_view key = ServiceHarness::kJwtKey;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &mac_len);
  return absl::StrCat(signing_input, ".",
                      Base64Url(absl::string_view(reinterpret_cast<const char*>(mac), mac_len)));
}

bool IsHex(char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); }

}  // namespace

absl::string_view ScopeName(Scope scope) {
  for (const auto& [s, name] : kScopeNames) {
    if (s == scope) return name;
  }
  return "?";
}

std::optional<Scope> ParseScope(absl::string_view name) {
  for (const auto& [s, n] : kScopeNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

const std::vector<Role>& Roles() {
  static const std::vector<Role>* const kRoles = new std::vector<Role>{
      Role::kOfficeStaff, Role::kDistrictBureau, Role::kSocialWorker, Role::kCityAdmin,
      Role::kAuditor,     Role::kPartner,        Role::kOps,          Role::kService};
  return *kRoles;
}

std::vector<Scope> ScopesOf(Role role) {
  if (role == Role::kPartner) return {Scope::kOwnAgency, Scope::kOtherAgency};
  return {Scope::kOwnDistrict, Scope::kOtherDistrict,
          auth::RoleMayHaveAllDistricts(role) ? Scope::kAllDistricts : Scope::kNoDistrict};
}

Target TargetOf(Scope scope) {
  switch (scope) {
    case Scope::kOtherDistrict:
      return {kDistrictB, ""};
    case Scope::kOwnAgency:
    case Scope::kOtherAgency:
      return {kDistrictA, kAgencyA};
    default:
      return {kDistrictA, ""};
  }
}

std::string TokenFor(Role role, Scope scope) {
  const std::string subject = absl::StrCat("matrix-", std::string(auth::RoleName(role)));
  switch (scope) {
    case Scope::kOwnDistrict:
    case Scope::kOtherDistrict:
      // Office staff work in an office of district A (the `office_id` claim): kOfficeA, the
      // office of the fixtures' cases.
      return ServiceHarness::Token(role, {kDistrictA}, subject, "",
                                   role == Role::kOfficeStaff ? kOfficeA : "");
    case Scope::kAllDistricts:
      return ServiceHarness::Token(role, {"*"}, subject);
    case Scope::kNoDistrict:
      return NoDistrictToken(role);
    case Scope::kOwnAgency:
      return ServiceHarness::Token(role, {}, subject, kAgencyA);
    case Scope::kOtherAgency:
      return ServiceHarness::Token(role, {}, subject, kAgencyB);
  }
  return "";
}

absl::string_view CodeName(grpc::StatusCode code) {
  for (const auto& [c, name] : kCodeNames) {
    if (c == code) return name;
  }
  return "?";
}

std::optional<grpc::StatusCode> ParseCode(absl::string_view name) {
  for (const auto& [c, n] : kCodeNames) {
    if (n == name) return c;
  }
  return std::nullopt;
}

std::map<std::string, RegisteredServer>& Registry() {
  static auto* const kRegistry = new std::map<std::string, RegisteredServer>();
  return *kRegistry;
}

bool Register(const std::string& name, RegisteredServer server) {
  return Registry().emplace(name, std::move(server)).second;
}

bool IsDeadLetterMethod(const std::string& method) {
  return absl::StartsWith(method, "ccms.ops.v1.DeadLetterService/");
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildDeadLetterRequest(
    const std::string& method, const std::string& dsn) {
  const std::string name = std::string(absl::StripPrefix(method, "ccms.ops.v1.DeadLetterService/"));
  if (name == "ListDeadLetters") return std::make_unique<ops::v1::ListDeadLettersRequest>();
  // An open dead letter of the relay's, its own for each cell (a requeue changes it).
  int64_t id = 0;
  try {
    pqxx::connection conn(dsn);
    pqxx::work tx(conn);
    id = tx.exec1(
               "INSERT INTO dead_letters (source, event_id, event_type, topic, record_key, "
               "outbox_id, payload, error_class, attempts) VALUES ('outbox', '" +
               ids::NewUuid() +
               "', 'ccms.test.matrix', 'ccms.test.v1', '', 1, '\\x00', "
               "'BROKER_MSG_TOO_LARGE', 5) RETURNING id")[0]
             .as<int64_t>();
    tx.commit();
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("inserting a dead letter: ", e.what()));
  }
  if (name == "GetDeadLetter") {
    auto req = std::make_unique<ops::v1::GetDeadLetterRequest>();
    req->set_dead_letter_id(id);
    return req;
  }
  if (name == "RequeueDeadLetter") {
    auto req = std::make_unique<ops::v1::RequeueDeadLetterRequest>();
    req->set_dead_letter_id(id);
    return req;
  }
  return absl::NotFoundError(absl::StrCat("no request builder for ", method));
}

bool IsAuditChainMethod(const std::string& method) {
  return absl::StartsWith(method, "ccms.ops.v1.AuditChainService/");
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildAuditChainRequest(
    const std::string& method) {
  if (method == "ccms.ops.v1.AuditChainService/VerifyAuditChain") {
    return std::make_unique<ops::v1::VerifyAuditChainRequest>();
  }
  return absl::NotFoundError(absl::StrCat("no request builder for ", method));
}

Reply CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
              const std::string& token, const std::string& request) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, absl::StrCat("/", method), grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  Reply reply;
  reply.status = done.get_future().get();
  if (reply.status.ok()) {
    std::vector<grpc::Slice> slices;
    if (out.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        reply.bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  return reply;
}

std::set<std::string> UuidsIn(absl::string_view bytes) {
  std::set<std::string> out;
  constexpr size_t kLen = 36;
  for (size_t i = 0; i + kLen <= bytes.size(); ++i) {
    bool uuid = true;
    for (size_t k = 0; k < kLen && uuid; ++k) {
      const char c = bytes[i + k];
      uuid = (k == 8 || k == 13 || k == 18 || k == 23) ? c == '-' : IsHex(c);
    }
    if (uuid) {
      out.insert(absl::AsciiStrToLower(bytes.substr(i, kLen)));
      i += kLen - 1;
    }
  }
  return out;
}

std::string KeyOf(const std::string& server, const std::string& method, Role role, Scope scope) {
  return absl::StrCat(server, " ", method, " ", std::string(auth::RoleName(role)), " ",
                      ScopeName(scope));
}

absl::StatusOr<Table> ParseTable(absl::string_view text) {
  Table table;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view body = line;
    std::string note;
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) {
      body = line.substr(0, hash);
      note = std::string(absl::StripAsciiWhitespace(line.substr(hash + 1)));
    }
    std::vector<absl::string_view> cols =
        absl::StrSplit(body, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (cols.empty()) {
      if (table.rows.empty()) table.header.emplace_back(line);
      continue;
    }
    auto bad = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("matrix table line ", line_no, ": ", what));
    };
    if (cols.size() != 5) return bad("expected: server method role scope code [# note]");
    Row row;
    row.server = std::string(cols[0]);
    row.method = std::string(cols[1]);
    auto role = auth::ParseRole(std::string(cols[2]));
    if (!role) return bad(absl::StrCat("unknown role ", cols[2]));
    row.role = *role;
    auto scope = ParseScope(cols[3]);
    if (!scope) return bad(absl::StrCat("unknown scope ", cols[3]));
    row.scope = *scope;
    auto code = ParseCode(cols[4]);
    if (!code) return bad(absl::StrCat("unknown code ", cols[4]));
    row.expected = *code;
    row.note = std::move(note);
    row.line = line_no;
    table.rows.push_back(std::move(row));
  }
  while (!table.header.empty() && table.header.back().empty()) table.header.pop_back();
  return table;
}

bool Before(const Row& a, const Row& b) {
  if (a.server != b.server) return a.server < b.server;
  if (a.method != b.method) return a.method < b.method;
  auto role_index = [](Role r) {
    const auto& roles = Roles();
    return std::find(roles.begin(), roles.end(), r) - roles.begin();
  };
  if (a.role != b.role) return role_index(a.role) < role_index(b.role);
  const std::vector<Scope> scopes = ScopesOf(a.role);
  auto scope_index = [&](Scope s) {
    return std::find(scopes.begin(), scopes.end(), s) - scopes.begin();
  };
  return scope_index(a.scope) < scope_index(b.scope);
}

std::string FormatTable(const Table& table) {
  size_t widths[4] = {0, 0, 0, 0};
  for (const Row& r : table.rows) {
    widths[0] = std::max(widths[0], r.server.size());
    widths[1] = std::max(widths[1], r.method.size());
    widths[2] = std::max(widths[2], std::string(auth::RoleName(r.role)).size());
    widths[3] = std::max(widths[3], ScopeName(r.scope).size());
  }
  std::string out;
  for (const std::string& h : table.header) absl::StrAppend(&out, h, "\n");
  out += "\n";
  std::string previous_method;
  for (const Row& r : table.rows) {
    if (!previous_method.empty() && r.method != previous_method) out += "\n";
    previous_method = r.method;
    std::string line;
    auto col = [&](absl::string_view text, size_t width) {
      absl::StrAppend(&line, text, std::string(width - text.size() + 2, ' '));
    };
    col(r.server, widths[0]);
    col(r.method, widths[1]);
    col(std::string(auth::RoleName(r.role)), widths[2]);
    col(ScopeName(r.scope), widths[3]);
    absl::StrAppend(&line, CodeName(r.expected));
    if (!r.note.empty()) absl::StrAppend(&line, "  # ", r.note);
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

}  // namespace ccms::testing::matrix
