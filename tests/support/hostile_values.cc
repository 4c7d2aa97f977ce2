#include "tests/support/hostile_values.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <future>
#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/ids/uuid.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"

namespace ccms::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr int kMaxDepth = 4;
constexpr int kHugeList = 5000;
constexpr char kDate[] = "google.type.Date";
constexpr char kTimestamp[] = "google.protobuf.Timestamp";

const char* CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : "?";
}

// Codes that say the server, not the caller, failed.
bool ServerFault(grpc::StatusCode code) {
  return code == grpc::INTERNAL || code == grpc::UNKNOWN || code == grpc::DATA_LOSS ||
         code == grpc::UNAVAILABLE || code == grpc::DEADLINE_EXCEEDED ||
         code == grpc::UNIMPLEMENTED || code == grpc::CANCELLED;
}

bool IsLeafMessage(const FieldDescriptor* f) {
  return f->message_type()->full_name() == kDate || f->message_type()->full_name() == kTimestamp;
}

// The oneof rule of the base requests: only the first member of each oneof is filled.
bool Skipped(const FieldDescriptor* f) {
  return f->real_containing_oneof() != nullptr && f->real_containing_oneof()->field(0) != f;
}

class Builder {
 public:
  explicit Builder(const HostileOptions& o) : o_(o) {}

  std::string StringFor(const FieldDescriptor* f) const {
    std::string name = f->name();
    if (auto it = o_.strings.find(name); it != o_.strings.end()) return it->second;
    if (f->is_repeated() && absl::EndsWith(name, "s")) {
      name.pop_back();
      if (auto it = o_.strings.find(name); it != o_.strings.end()) return it->second;
    }
    if (absl::EndsWith(name, "_id")) return ids::NewUuid();
    if (absl::StrContains(name, "district")) return "110101";
    if (name == "page_token") return "";
    return "test";
  }

  void SetDate(Message* m, int y, int mo, int d) const {
    const Descriptor* desc = m->GetDescriptor();
    const Reflection* r = m->GetReflection();
    r->SetInt32(m, desc->FindFieldByName("year"), y);
    r->SetInt32(m, desc->FindFieldByName("month"), mo);
    r->SetInt32(m, desc->FindFieldByName("day"), d);
  }
  void SetTimestamp(Message* m, int64_t seconds, int32_t nanos) const {
    const Descriptor* desc = m->GetDescriptor();
    m->GetReflection()->SetInt64(m, desc->FindFieldByName("seconds"), seconds);
    m->GetReflection()->SetInt32(m, desc->FindFieldByName("nanos"), nanos);
  }

  void FillLeafMessage(Message* m) const {
    if (m->GetDescriptor()->full_name() == kDate) {
      SetDate(m, static_cast<int>(o_.today.year()), o_.today.month(), o_.today.day());
    } else {
      SetTimestamp(m, absl::ToUnixSeconds(absl::Now() - absl::Hours(1)), 0);
    }
  }

  // A plausible request: every field set to a value a careful client might send.
  void Fill(Message* m, int depth) const {
    const Descriptor* d = m->GetDescriptor();
    const Reflection* r = m->GetReflection();
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (Skipped(f)) continue;
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          if (f->is_repeated()) {
            r->AddString(m, f, StringFor(f));
          } else {
            r->SetString(m, f, StringFor(f));
          }
          break;
        case FieldDescriptor::CPPTYPE_ENUM: {
          int value = 0;
          for (int v = 0; v < f->enum_type()->value_count(); ++v) {
            if (f->enum_type()->value(v)->number() != 0) {
              value = f->enum_type()->value(v)->number();
              break;
            }
          }
          if (f->is_repeated()) {
            r->AddEnumValue(m, f, value);
          } else {
            r->SetEnumValue(m, f, value);
          }
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE: {
          if (!IsLeafMessage(f) && depth >= kMaxDepth) break;
          Message* child = f->is_repeated() ? r->AddMessage(m, f) : r->MutableMessage(m, f);
          if (IsLeafMessage(f)) {
            FillLeafMessage(child);
          } else {
            Fill(child, depth + 1);
          }
          break;
        }
        default:
          break;  // numbers and flags: 0 and false are each field's default
      }
    }
  }

 private:
  const HostileOptions& o_;
};

using Path = std::vector<const FieldDescriptor*>;

void Leaves(const Descriptor* d, Path prefix, int depth, std::vector<Path>* out) {
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (Skipped(f)) continue;
    Path path = prefix;
    path.push_back(f);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !IsLeafMessage(f)) {
      if (depth < kMaxDepth) Leaves(f->message_type(), path, depth + 1, out);
      continue;
    }
    out->push_back(path);
  }
}

std::string PathName(const Path& path) {
  std::vector<std::string> parts;
  for (const FieldDescriptor* f : path) parts.push_back(f->name());
  return absl::StrJoin(parts, ".");
}

// The message that holds the last field of `path`, creating the first element of lists on the way.
Message* Parent(Message* root, const Path& path) {
  Message* m = root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const Reflection* r = m->GetReflection();
    if (path[i]->is_repeated()) {
      m = r->FieldSize(*m, path[i]) > 0 ? r->MutableRepeatedMessage(m, path[i], 0)
                                        : r->AddMessage(m, path[i]);
    } else {
      m = r->MutableMessage(m, path[i]);
    }
  }
  return m;
}

struct Variant {
  std::string label;
  std::function<void(Message* parent, const FieldDescriptor* f)> apply;
};

// Sets element 0 of a list (adding it) or the field itself.
template <typename Set, typename Add>
void SetScalar(Message* m, const FieldDescriptor* f, Set set, Add add) {
  const Reflection* r = m->GetReflection();
  if (!f->is_repeated()) {
    set(r);
  } else if (r->FieldSize(*m, f) == 0) {
    add(r);
  } else {
    r->ClearField(m, f);
    add(r);
  }
}

std::vector<Variant> VariantsFor(const FieldDescriptor* f, const Builder& b) {
  std::vector<Variant> v;
  auto ints = [&](std::vector<int64_t> values) {
    for (int64_t x : values) {
      v.push_back({absl::StrCat(x), [x](Message* m, const FieldDescriptor* fd) {
                     SetScalar(
                         m, fd,
                         [&](const Reflection* r) {
                           if (fd->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
                             r->SetInt32(m, fd, static_cast<int32_t>(x));
                           } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
                             r->SetInt64(m, fd, x);
                           } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_UINT32) {
                             r->SetUInt32(m, fd, static_cast<uint32_t>(x));
                           } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_UINT64) {
                             r->SetUInt64(m, fd, static_cast<uint64_t>(x));
                           } else {
                             r->SetEnumValue(m, fd, static_cast<int>(x));
                           }
                         },
                         [&](const Reflection* r) {
                           if (fd->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
                             r->AddInt32(m, fd, static_cast<int32_t>(x));
                           } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
                             r->AddInt64(m, fd, x);
                           } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_UINT32) {
                             r->AddUInt32(m, fd, static_cast<uint32_t>(x));
                           } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_UINT64) {
                             r->AddUInt64(m, fd, static_cast<uint64_t>(x));
                           } else {
                             r->AddEnumValue(m, fd, static_cast<int>(x));
                           }
                         });
                   }});
    }
  };
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_ENUM: {
      int max_defined = 0;
      for (int i = 0; i < f->enum_type()->value_count(); ++i) {
        max_defined = std::max(max_defined, f->enum_type()->value(i)->number());
      }
      ints({max_defined + 1, -1, 9999, std::numeric_limits<int32_t>::max(),
            std::numeric_limits<int32_t>::min()});
      break;
    }
    case FieldDescriptor::CPPTYPE_INT32:
      ints({-1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()});
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      ints({-1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()});
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      ints({-1});
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      for (double x : {std::nan(""), HUGE_VAL, -1e30}) {
        v.push_back({absl::StrCat(x), [x](Message* m, const FieldDescriptor* fd) {
                       const Reflection* r = m->GetReflection();
                       if (fd->is_repeated()) r->ClearField(m, fd);
                       if (fd->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
                         fd->is_repeated() ? r->AddDouble(m, fd, x) : r->SetDouble(m, fd, x);
                       } else {
                         fd->is_repeated() ? r->AddFloat(m, fd, static_cast<float>(x))
                                           : r->SetFloat(m, fd, static_cast<float>(x));
                       }
                     }});
      }
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      v.push_back({"true", [](Message* m, const FieldDescriptor* fd) {
                     const Reflection* r = m->GetReflection();
                     if (fd->is_repeated()) {
                       r->ClearField(m, fd);
                       r->AddBool(m, fd, true);
                     } else {
                       r->SetBool(m, fd, true);
                     }
                   }});
      break;
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::vector<std::pair<std::string, std::string>> strings = {
          {"empty", ""},
          {"huge", std::string(1 << 20, 'x')},
          {"non-UTF-8", "\xff\xfe\xfd"},
          {"NUL", std::string("a\0b", 3)},
          {"not-an-id", "not-a-uuid"},
          {"wrong-id", ids::NewUuid()},
          {"other-district", "310101"},
          {"long-digits", std::string(300, '9')},
      };
      for (const auto& [label, value] : strings) {
        v.push_back({label, [value = value](Message* m, const FieldDescriptor* fd) {
                       const Reflection* r = m->GetReflection();
                       if (fd->is_repeated()) {
                         r->ClearField(m, fd);
                         r->AddString(m, fd, value);
                       } else {
                         r->SetString(m, fd, value);
                       }
                     }});
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      // A date or a timestamp, taken as one value.
      auto element = [](Message* m, const FieldDescriptor* fd) {
        const Reflection* r = m->GetReflection();
        if (!fd->is_repeated()) return r->MutableMessage(m, fd);
        r->ClearField(m, fd);
        return r->AddMessage(m, fd);
      };
      if (f->message_type()->full_name() == kDate) {
        const std::vector<std::array<int, 3>> dates = {
            {-1, 1, 1},     {1, 1, 1},
            {10000, 1, 1},  {2024, 13, 1},
            {2024, 1, 32},  {2023, 2, 29},
            {2024, 0, 0},   {0, 0, 0},
            {9999, 12, 31}, {std::numeric_limits<int32_t>::min(), 1, 1},
            {2026, -1, -1}};
        for (const auto& d : dates) {
          v.push_back({absl::StrCat(d[0], "-", d[1], "-", d[2]),
                       [d, element, &b](Message* m, const FieldDescriptor* fd) {
                         b.SetDate(element(m, fd), d[0], d[1], d[2]);
                       }});
        }
      } else {
        const std::vector<std::pair<int64_t, int32_t>> times = {
            {-62135596801, 0},
            {253402300800, 0},
            {std::numeric_limits<int64_t>::min(), 0},
            {std::numeric_limits<int64_t>::max(), 0},
            {absl::ToUnixSeconds(absl::Now()), -1},
            {absl::ToUnixSeconds(absl::Now()), 2000000000}};
        for (const auto& [s, n] : times) {
          v.push_back({absl::StrCat(s, "s+", n, "ns"),
                       [s = s, n = n, element, &b](Message* m, const FieldDescriptor* fd) {
                         b.SetTimestamp(element(m, fd), s, n);
                       }});
        }
      }
      break;
    }
  }
  if (f->is_repeated()) {
    v.push_back({absl::StrCat(kHugeList, " elements"), [&b](Message* m, const FieldDescriptor* fd) {
                   const Reflection* r = m->GetReflection();
                   r->ClearField(m, fd);
                   for (int i = 0; i < kHugeList; ++i) {
                     switch (fd->cpp_type()) {
                       case FieldDescriptor::CPPTYPE_STRING:
                         r->AddString(m, fd, b.StringFor(fd));
                         break;
                       case FieldDescriptor::CPPTYPE_ENUM:
                         r->AddEnumValue(m, fd, 1);
                         break;
                       case FieldDescriptor::CPPTYPE_INT32:
                         r->AddInt32(m, fd, 1);
                         break;
                       case FieldDescriptor::CPPTYPE_INT64:
                         r->AddInt64(m, fd, 1);
                         break;
                       case FieldDescriptor::CPPTYPE_MESSAGE:
                         if (IsLeafMessage(fd)) {
                           b.FillLeafMessage(r->AddMessage(m, fd));
                         } else {
                           b.Fill(r->AddMessage(m, fd), kMaxDepth);
                         }
                         break;
                       default:
                         return;
                     }
                   }
                 }});
  }
  return v;
}

grpc::Status Call(const HostileOptions& o, const std::string& path, const std::string& token,
                  const Message& request) {
  grpc::GenericStub stub(o.channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  std::string bytes;
  request.SerializeToString(&bytes);  // logs, but sends, strings that are not UTF-8
  grpc::Slice slice(bytes);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, path, grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  return done.get_future().get();
}

}  // namespace

HostileReport RunHostileValues(const HostileOptions& o) {
  HostileReport report;
  Builder builder(o);
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::string before = o.snapshot();
  for (const std::string& service_name : o.services) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(service_name);
    if (service == nullptr) {
      report.failures.push_back("no service " + service_name);
      continue;
    }
    for (int mi = 0; mi < service->method_count(); ++mi) {
      const google::protobuf::MethodDescriptor* method = service->method(mi);
      const std::string path = absl::StrCat("/", service_name, "/", method->name());
      const Message* prototype = factory->GetPrototype(method->input_type());
      std::unique_ptr<Message> base(prototype->New());
      builder.Fill(base.get(), 0);
      const FieldDescriptor* request_id = method->input_type()->FindFieldByName("request_id");
      auto fresh = [&](Message* m) {
        if (request_id != nullptr) m->GetReflection()->SetString(m, request_id, ids::NewUuid());
      };
      // The first token the plain request is not refused with.
      std::string token = o.tokens.front();
      for (const std::string& t : o.tokens) {
        std::unique_ptr<Message> plain(base->New());
        plain->CopyFrom(*base);
        fresh(plain.get());
        const grpc::Status s = Call(o, path, t, *plain);
        if (s.error_code() != grpc::PERMISSION_DENIED) {
          token = t;
          break;
        }
      }
      before = o.snapshot();
      ++report.methods;
      std::vector<Path> leaves;
      Leaves(method->input_type(), {}, 0, &leaves);
      for (const Path& leaf : leaves) {
        ++report.fields;
        for (const Variant& variant : VariantsFor(leaf.back(), builder)) {
          std::unique_ptr<Message> request(base->New());
          request->CopyFrom(*base);
          fresh(request.get());
          variant.apply(Parent(request.get(), leaf), leaf.back());
          const grpc::Status s = Call(o, path, token, *request);
          ++report.calls;
          ++report.codes[CodeName(s.error_code())];
          const std::string what =
              absl::StrCat(method->name(), " ", PathName(leaf), "=", variant.label.substr(0, 40));
          if (leaf.back()->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
            report.tried.insert(
                absl::StrCat(method->name(), ".", PathName(leaf), "=", variant.label));
          }
          if (ServerFault(s.error_code())) {
            report.failures.push_back(absl::StrCat(what, ": ", CodeName(s.error_code()), " ",
                                                   s.error_message().substr(0, 200)));
          }
          const std::string after = o.snapshot();
          if (!s.ok() && after != before) {
            report.failures.push_back(
                absl::StrCat(what, ": refused with ", CodeName(s.error_code()), " but wrote rows"));
          }
          before = after;
        }
      }
    }
  }
  return report;
}

std::function<std::string()> DatabaseSnapshot(const std::string& dsn,
                                              const std::vector<std::string>& also_left_out) {
  std::string left_out = "'audit_log', 'inbox', 'outbox'";
  for (const std::string& table : also_left_out) absl::StrAppend(&left_out, ", '", table, "'");
  const std::string digest =
      "SELECT (SELECT md5(string_agg(t.table_name || ':' || "
      "(xpath('/row/d/text()', query_to_xml(format("
      "'SELECT md5(coalesce(string_agg(x::text, '','' ORDER BY x::text), '''')) AS d "
      "FROM %I.%I x', t.table_schema, t.table_name), false, true, '')))[1]::text, ',' "
      "ORDER BY t.table_name)) FROM information_schema.tables t "
      "WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
      "AND t.table_name NOT IN (" +
      left_out +
      ")) "
      "|| ':' || (SELECT count(*) FROM outbox)";
  auto conn = std::make_shared<pqxx::connection>(dsn);
  return [conn, digest] {
    pqxx::nontransaction tx(*conn);
    return tx.exec1(digest)[0].as<std::string>();
  };
}

void ExpectNoFailures(const HostileOptions& options, const HostileReport& report) {
  std::vector<std::string> codes;
  for (const auto& [code, n] : report.codes) codes.push_back(absl::StrCat(code, "=", n));
  int methods = 0;
  for (const std::string& name : options.services) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service != nullptr) methods += service->method_count();
  }
  std::printf("hostile values, %s: %d methods, %d fields tried, %d calls (%s)\n",
              absl::StrJoin(options.services, ", ").c_str(), report.methods, report.fields,
              report.calls, absl::StrJoin(codes, " ").c_str());
  EXPECT_EQ(report.methods, methods);
  EXPECT_TRUE(report.failures.empty()) << report.failures.size() << " failures:\n"
                                       << absl::StrJoin(report.failures, "\n");
}

}  // namespace ccms::testing
