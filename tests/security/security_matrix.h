#pragma once

// The security matrix (docs/security.md, "Security matrix"): every RPC of every service × every
// role × the caller's reach, called against the real services, each answer's gRPC code compared
// with the one reviewed table, tests/security/matrix.txt.
//
// A cell is (server, method, role, scope). The scope says what the token holds and what the
// request aims at:
//   own_district    token of district A (110101), the object in district A
//   other_district  token of district A, the object in district B (310101)
//   no_district     a token with no district at all (roles that may not hold "*"), object in A
//   all_districts   a token of every district ("*", roles that may hold it), object in A
//   own_agency      a partner token of agency A, an object of district A referred to agency A
//   other_agency    a partner token of agency B, the same object
// Methods that are about no district (instruments, dead letters) aim at the same object in
// every scope; the token still varies.
//
// Extension point: a new service adds
//   1. a MatrixServer subclass in its own file (tests/security/<svc>_matrix.cc) that starts the
//      service in-process and builds, per method, a request aimed at an object of the cell's
//      district (a function table keyed by the method's full name), registered with
//      CCMS_MATRIX_SERVER(<name>, <Class>);
//   2. that file to the security_matrix_test sources in tests/CMakeLists.txt (the test fails while
//      a service of a ccms.<svc>.v1 package in the descriptor pool has no registered server);
//   3. its rows in tests/security/matrix.txt (CCMS_MATRIX_OBSERVED writes the observed table to
//      start from; every row is then reviewed, never copied blindly).
// Nothing else changes: the test enumerates the methods from the descriptor pool.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/principal.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace ccms::testing::matrix {

inline constexpr char kDistrictA[] = "110101";  // the caller's own district
inline constexpr char kDistrictB[] = "310101";  // another district
// A third district, the far side of transfers into or out of A and B (never a caller's).
inline constexpr char kDistrictC[] = "120101";
inline constexpr char kAgencyA[] = "agency-a";
// The office of office_staff tokens (own_district and other_district): an office of district A.
inline constexpr char kOfficeA[] = "office-1";
inline constexpr char kAgencyB[] = "agency-b";

enum class Scope {
  kOwnDistrict,
  kOtherDistrict,
  kNoDistrict,
  kAllDistricts,
  kOwnAgency,
  kOtherAgency
};

absl::string_view ScopeName(Scope scope);
std::optional<Scope> ParseScope(absl::string_view name);

// The eight roles, in the table's order.
const std::vector<auth::Role>& Roles();
// The scopes of `role`, in the table's order: partner has own_agency and other_agency; the
// roles that may hold "*" have own_district, other_district, all_districts; the others
// own_district, other_district, no_district.
std::vector<Scope> ScopesOf(auth::Role role);

// What a cell's request aims at.
struct Target {
  std::string district;  // kDistrictA, or kDistrictB for other_district
  std::string agency;    // the agency the object is referred to (kAgencyA), for partner cells
};
Target TargetOf(Scope scope);

// A bearer token for `role` in `scope` (valid for an hour, signed with the test key).
std::string TokenFor(auth::Role role, Scope scope);

// The gRPC code's name as the table writes it ("OK", "PERMISSION_DENIED", ...).
absl::string_view CodeName(grpc::StatusCode code);
std::optional<grpc::StatusCode> ParseCode(absl::string_view name);

// One service binary under test, in-process, with the fixtures its requests need.
class MatrixServer {
 public:
  virtual ~MatrixServer() = default;

  virtual std::shared_ptr<grpc::Channel> Channel() = 0;
  // Whether Build() knows `method` ("package.Service/Method"): the kit's ops services, which every
  // server serves, or one of the server's own (HasServiceBuilder).
  bool HasBuilder(const std::string& method) const;
  // The request of `method` aimed at an object of `target`: a fresh request_id, and fresh objects
  // for a call that changes them (so every cell finds its object in the state the call needs).
  // Fixture calls are made as an all-districts admin; a failed one is an error here.
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Build(const std::string& method,
                                                                   const Target& target);

  // Ids of the objects the fixtures made outside district A: an OK answer to a caller of
  // district A, or to a partner, must name none of them.
  const std::set<std::string>& foreign_ids() const { return foreign_ids_; }
  // Texts other than ids (e.g. district B's code as a report's row key) that an OK answer to a
  // caller of district A, or to a partner, must not contain.
  const std::set<std::string>& foreign_texts() const { return foreign_texts_; }

 protected:
  // The server's own methods (not the kit's ops services), as HasBuilder() and Build() above.
  virtual bool HasServiceBuilder(const std::string& method) const = 0;
  virtual absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildServiceRequest(
      const std::string& method, const Target& target) = 0;
  // The service's database (as a superuser), where the dead-letter requests find their rows.
  virtual std::string DatabaseDsn() = 0;

  // Records `id` as an object of `district`; ids outside district A become foreign.
  void Made(const std::string& district, const std::string& id) {
    if (district != kDistrictA && !id.empty()) foreign_ids_.insert(id);
  }
  // `id` is seen from district A too (e.g. a transfer into A of a case from elsewhere).
  void NotForeign(const std::string& id) { foreign_ids_.erase(id); }
  // Records `text` as something only a caller outside district A may see.
  void ForeignText(const std::string& text) {
    if (!text.empty()) foreign_texts_.insert(text);
  }

 private:
  std::set<std::string> foreign_ids_;
  std::set<std::string> foreign_texts_;
};

// A server as registered: the services it serves (known without starting it) and how to start it.
struct RegisteredServer {
  std::vector<std::string> services;  // full proto names
  std::function<std::unique_ptr<MatrixServer>()> start;
};

// The servers, by the name the table's first column gives them ("records", "assessment").
std::map<std::string, RegisteredServer>& Registry();
bool Register(const std::string& name, RegisteredServer server);

// Registers `Class` (a MatrixServer with a static `ServiceNames()`) as server `name`.
#define CCMS_MATRIX_SERVER(name, Class)                               \
  [[maybe_unused]] static const bool ccms_matrix_registered_##Class = \
      ::ccms::testing::matrix::Register(                              \
          name, {Class::ServiceNames(), [] { return std::make_unique<Class>(); }})

// The request builders of ccms.ops.v1.DeadLetterService, which every service of the kit serves:
// a dead letter inserted into the service's database at `dsn` for the calls that need one.
bool IsDeadLetterMethod(const std::string& method);
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildDeadLetterRequest(
    const std::string& method, const std::string& dsn);

// The request builder of ccms.ops.v1.AuditChainService, which every service of the kit serves too:
// a verification with the default grace (the chain is whatever the service's database holds).
bool IsAuditChainMethod(const std::string& method);
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildAuditChainRequest(
    const std::string& method);

// Calls `method` ("package.Service/Method") on `channel` with `token`; the answer's status and,
// when OK, its bytes.
struct Reply {
  grpc::Status status;
  std::string bytes;
};
Reply CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
              const std::string& token, const std::string& request);

// The UUIDs (lower-cased) found anywhere in `bytes`.
std::set<std::string> UuidsIn(absl::string_view bytes);

// ---- the table ----

struct Row {
  std::string server;
  std::string method;  // "package.Service/Method"
  auth::Role role = auth::Role::kOfficeStaff;
  Scope scope = Scope::kOwnDistrict;
  grpc::StatusCode expected = grpc::StatusCode::OK;
  std::string note;  // the row's trailing comment, without '#'
  int line = 0;
};

// The row's key: "server method role scope".
std::string KeyOf(const std::string& server, const std::string& method, auth::Role role,
                  Scope scope);

struct Table {
  std::vector<std::string> header;  // the comment lines before the first row
  std::vector<Row> rows;
};

// Reads the table; a malformed line is an error naming its line number.
absl::StatusOr<Table> ParseTable(absl::string_view text);
// The table's canonical order: server, method, then roles and scopes in the order of Roles()
// and ScopesOf(); `a` comes before `b`.
bool Before(const Row& a, const Row& b);
// The table as text, header first, columns aligned.
std::string FormatTable(const Table& table);

inline bool MatrixServer::HasBuilder(const std::string& method) const {
  return IsDeadLetterMethod(method) || IsAuditChainMethod(method) || HasServiceBuilder(method);
}

inline absl::StatusOr<std::unique_ptr<google::protobuf::Message>> MatrixServer::Build(
    const std::string& method, const Target& target) {
  if (IsDeadLetterMethod(method)) return BuildDeadLetterRequest(method, DatabaseDsn());
  if (IsAuditChainMethod(method)) return BuildAuditChainRequest(method);
  return BuildServiceRequest(method, target);
}

}  // namespace ccms::testing::matrix
