// The security matrix (docs/security.md, "Security matrix"): every RPC of every service (from the
// descriptor pool) × every role × own district / other district / no or all districts (partners:
// own agency / other agency), called against the real services on PostgreSQL and the dev broker,
// each answer's gRPC code compared with tests/security/matrix.txt. Mismatching cells are printed
// as a table (method, role, scope, expected, got) and fail the test. An OK answer to a caller of
// district A (or a partner) must also name no object of another district.
//
// CCMS_MATRIX_OBSERVED=<file> writes the table as observed (notes kept where the code did not
// change) for a reviewer to diff against the checked-in one.
#include "tests/security/security_matrix.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/ids/uuid.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor_database.h"
#include "gtest/gtest.h"
#include "tests/support/integration_env.h"

namespace ccms::testing::matrix {
namespace {

using auth::Role;

constexpr char kTablePath[] = CCMS_TEST_SOURCE_DIR "/tests/security/matrix.txt";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every method of every registered server, "package.Service/Method", by server, sorted.
std::map<std::string, std::vector<std::string>> MethodsByServer() {
  std::map<std::string, std::vector<std::string>> out;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const auto& [server, registered] : Registry()) {
    std::vector<std::string>& methods = out[server];
    for (const std::string& name : registered.services) {
      const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
      if (service == nullptr) {
        ADD_FAILURE() << server << " names service " << name << ", which the pool does not have";
        continue;
      }
      for (int i = 0; i < service->method_count(); ++i) {
        methods.push_back(absl::StrCat(name, "/", service->method(i)->name()));
      }
    }
    std::sort(methods.begin(), methods.end());
  }
  return out;
}

// The table, or a failure of the current test.
std::optional<Table> LoadTable() {
  const std::string text = ReadFile(kTablePath);
  if (text.empty()) {
    ADD_FAILURE() << "cannot read " << kTablePath;
    return std::nullopt;
  }
  auto table = ParseTable(text);
  if (!table.ok()) {
    ADD_FAILURE() << table.status();
    return std::nullopt;
  }
  return *std::move(table);
}

// The table lists every method × role × scope of every server exactly once, in canonical order,
// and nothing else: a new RPC without its rows, or a row of an RPC that is gone, fails here.
TEST(SecurityMatrixTableTest, ListsEveryCellOnceInOrderAndNothingElse) {
  auto table = LoadTable();
  ASSERT_TRUE(table.has_value());
  std::set<std::string> wanted;
  for (const auto& [server, methods] : MethodsByServer()) {
    for (const std::string& method : methods) {
      for (Role role : Roles()) {
        for (Scope scope : ScopesOf(role)) wanted.insert(KeyOf(server, method, role, scope));
      }
    }
  }
  std::set<std::string> seen;
  std::vector<std::string> missing;
  std::vector<std::string> extra;
  for (size_t i = 0; i < table->rows.size(); ++i) {
    const Row& row = table->rows[i];
    const std::string key = KeyOf(row.server, row.method, row.role, row.scope);
    EXPECT_TRUE(seen.insert(key).second) << "line " << row.line << ": a second row for " << key;
    if (!wanted.count(key)) extra.push_back(absl::StrCat("line ", row.line, ": ", key));
    if (i > 0 && !Before(table->rows[i - 1], row)) {
      ADD_FAILURE() << "line " << row.line << " is out of order (server, method, then roles and "
                    << "scopes in the order the table's header gives)";
    }
  }
  for (const std::string& key : wanted) {
    if (!seen.count(key)) missing.push_back(key);
  }
  EXPECT_TRUE(missing.empty()) << missing.size()
                               << " cell(s) have no row (a new RPC? add its rows):\n  "
                               << absl::StrJoin(missing, "\n  ");
  EXPECT_TRUE(extra.empty()) << extra.size()
                             << " row(s) name no method, server or scope of the role that "
                                "exists (an RPC removed or renamed?):\n  "
                             << absl::StrJoin(extra, "\n  ");
  std::printf("security matrix table: %zu rows, %zu cells\n", table->rows.size(), wanted.size());
}

// Every service of a ccms.<svc>.v1 package in the generated pool (the test links every proto
// of the project) is served by a registered server, and every registered server covers the
// kit's ccms.ops.v1 services: a new service without its <svc>_matrix.cc fails here.
TEST(SecurityMatrixTableTest, EveryServiceOfThePoolHasAServer) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  std::vector<std::string> files;
  ASSERT_TRUE(
      google::protobuf::DescriptorPool::internal_generated_database()->FindAllFileNames(&files));
  std::set<std::string> in_pool;  // services of ccms.* packages, full names
  std::set<std::string> ops;      // of ccms.ops.v1
  for (const std::string& name : files) {
    if (!absl::StartsWith(name, "ccms/")) continue;
    const google::protobuf::FileDescriptor* file = pool->FindFileByName(name);
    ASSERT_NE(file, nullptr) << name;
    if (!absl::StartsWith(file->package(), "ccms.")) continue;
    for (int i = 0; i < file->service_count(); ++i) {
      const std::string service = file->service(i)->full_name();
      in_pool.insert(service);
      if (file->package() == "ccms.ops.v1") ops.insert(service);
    }
  }
  std::set<std::string> covered;
  for (const auto& [server, registered] : Registry()) {
    const std::set<std::string> own(registered.services.begin(), registered.services.end());
    for (const std::string& service : ops) {
      EXPECT_TRUE(own.count(service))
          << server << " does not list " << service << ", which every service of the kit serves";
    }
    covered.insert(own.begin(), own.end());
  }
  // The pool is seen whole: every registered service is found in it.
  for (const std::string& service : covered) {
    EXPECT_TRUE(in_pool.count(service)) << service << " is registered but not in the pool";
  }
  std::vector<std::string> forgotten;
  for (const std::string& service : in_pool) {
    if (!covered.count(service)) forgotten.push_back(service);
  }
  EXPECT_TRUE(forgotten.empty())
      << forgotten.size() << " service(s) of the pool have no MatrixServer (add "
      << "tests/security/<svc>_matrix.cc, its CCMS_MATRIX_SERVER and its rows):\n  "
      << absl::StrJoin(forgotten, "\n  ");
  std::printf("security matrix: %zu services of ccms.* packages, %zu servers\n", in_pool.size(),
              Registry().size());
}

TEST(SecurityMatrixTableTest, ScopesOfEveryRole) {
  EXPECT_EQ(ScopesOf(Role::kOfficeStaff),
            (std::vector<Scope>{Scope::kOwnDistrict, Scope::kOtherDistrict, Scope::kNoDistrict}));
  EXPECT_EQ(ScopesOf(Role::kCityAdmin),
            (std::vector<Scope>{Scope::kOwnDistrict, Scope::kOtherDistrict, Scope::kAllDistricts}));
  EXPECT_EQ(ScopesOf(Role::kPartner), (std::vector<Scope>{Scope::kOwnAgency, Scope::kOtherAgency}));
  EXPECT_EQ(UuidsIn("x1e7e1f2a-0b1c-4d5e-8f90-a1b2c3d4e5f6y"),
            (std::set<std::string>{"1e7e1f2a-0b1c-4d5e-8f90-a1b2c3d4e5f6"}));
}

// Gives `request` a fresh request_id, if it has one.
void FreshRequestId(google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (field != nullptr && field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
      !field->is_repeated()) {
    request.GetReflection()->SetString(&request, field, ids::NewUuid());
  }
}

struct Mismatch {
  std::string server, method, role, scope, expected, got;
};

TEST(SecurityMatrixTest, EveryCellAnswersTheCodeOfTheTable) {
  if (IntegrationEnv::Get() == nullptr) {
    GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }
  auto table = LoadTable();
  ASSERT_TRUE(table.has_value());
  std::map<std::string, const Row*> expected;
  for (const Row& row : table->rows) {
    expected[KeyOf(row.server, row.method, row.role, row.scope)] = &row;
  }
  std::map<std::pair<Role, Scope>, std::string> tokens;
  for (Role role : Roles()) {
    for (Scope scope : ScopesOf(role)) tokens[{role, scope}] = TokenFor(role, scope);
  }

  const auto started = std::chrono::steady_clock::now();
  Table observed;
  observed.header = table->header;
  std::vector<Mismatch> mismatches;
  std::vector<std::string> leaks;
  std::map<std::string, int> codes;
  int cells = 0;
  for (const auto& [server_name, methods] : MethodsByServer()) {
    std::unique_ptr<MatrixServer> server = Registry().at(server_name).start();
    const auto server_started = std::chrono::steady_clock::now();
    for (const std::string& method : methods) {
      std::map<std::string,
               std::unique_ptr<absl::StatusOr<std::unique_ptr<google::protobuf::Message>>>>
          built;  // by target district
      for (Role role : Roles()) {
        for (Scope scope : ScopesOf(role)) {
          ++cells;
          const std::string key = KeyOf(server_name, method, role, scope);
          auto row = expected.find(key);
          std::string got;
          grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
          // A request is made again only after a call it was sent with answered OK (which
          // changed its object); a refused call changes nothing, so the next cell aimed at the
          // same district reuses it with a fresh request_id.
          const Target target = TargetOf(scope);
          auto& cached = built[target.district];
          if (cached == nullptr || !cached->ok()) {
            cached = std::make_unique<absl::StatusOr<std::unique_ptr<google::protobuf::Message>>>(
                server->Build(method, target));
          }
          const auto& request = *cached;
          if (request.ok()) FreshRequestId(**request);
          bool consumed = false;  // the call answered OK: its object changed
          if (!request.ok()) {
            got = absl::StrCat("(no request: ", request.status().message(), ")");
          } else {
            const Reply reply = CallRaw(server->Channel(), method, tokens[{role, scope}],
                                        (*request)->SerializeAsString());
            code = reply.status.error_code();
            consumed = reply.status.ok();
            got = std::string(CodeName(code));
            ++codes[got];
            if (reply.status.ok() && scope != Scope::kAllDistricts && scope != Scope::kNoDistrict) {
              for (const std::string& id : UuidsIn(reply.bytes)) {
                if (server->foreign_ids().count(id)) {
                  leaks.push_back(absl::StrCat(key, ": the answer names ", id,
                                               ", an object outside district A"));
                }
              }
              for (const std::string& text : server->foreign_texts()) {
                if (reply.bytes.find(text) != std::string::npos) {
                  leaks.push_back(absl::StrCat(key, ": the answer shows ", text,
                                               ", which is outside district A"));
                }
              }
            }
          }
          Row out{server_name, method, role, scope, code, "", 0};
          if (row != expected.end() && row->second->expected == code) {
            out.note = row->second->note;
          } else {
            out.note =
                row == expected.end()
                    ? "NEW: review"
                    : absl::StrCat("CHANGED from ", CodeName(row->second->expected), ": review");
          }
          if (request.ok()) observed.rows.push_back(out);
          if (row == expected.end() || row->second->expected != code || !request.ok()) {
            mismatches.push_back(
                {server_name, method, std::string(auth::RoleName(role)),
                 std::string(ScopeName(scope)),
                 row == expected.end() ? "(no row)" : std::string(CodeName(row->second->expected)),
                 got});
          }
          if (consumed) cached.reset();
        }
      }
    }
    std::printf(
        "security matrix: %s, %zu methods in %.1f s\n", server_name.c_str(), methods.size(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - server_started).count());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string histogram;
  for (const auto& [name, n] : codes) absl::StrAppend(&histogram, " ", name, "=", n);
  std::printf("security matrix: %d cells in %.1f s;%s\n", cells, seconds, histogram.c_str());

  if (const char* path = std::getenv("CCMS_MATRIX_OBSERVED"); path != nullptr && *path != '\0') {
    std::ofstream(path) << FormatTable(observed);
    std::printf("security matrix: the observed table is in %s\n", path);
  }
  if (!mismatches.empty()) {
    size_t w[5] = {6, 6, 4, 5, 8};
    for (const Mismatch& m : mismatches) {
      w[0] = std::max(w[0], m.server.size());
      w[1] = std::max(w[1], m.method.size());
      w[2] = std::max(w[2], m.role.size());
      w[3] = std::max(w[3], m.scope.size());
      w[4] = std::max(w[4], m.expected.size());
    }
    auto pad = [](const std::string& s, size_t n) {
      return s + std::string(n - s.size() + 2, ' ');
    };
    std::string diff = absl::StrCat(pad("server", w[0]), pad("method", w[1]), pad("role", w[2]),
                                    pad("scope", w[3]), pad("expected", w[4]), "got\n");
    for (const Mismatch& m : mismatches) {
      absl::StrAppend(&diff, pad(m.server, w[0]), pad(m.method, w[1]), pad(m.role, w[2]),
                      pad(m.scope, w[3]), pad(m.expected, w[4]), m.got, "\n");
    }
    ADD_FAILURE() << mismatches.size() << " of " << cells
                  << " cells answer other than tests/security/matrix.txt says:\n"
                  << diff;
  }
  EXPECT_TRUE(leaks.empty()) << absl::StrJoin(leaks, "\n");
}

}  // namespace
}  // namespace ccms::testing::matrix
