#include "common/grpc/request_checks.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/grpc/status.h"
#include "google/protobuf/descriptor.h"

namespace ccms::grpc_util {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr size_t kMaxViolations = 5;
constexpr int kMaxDepth = 16;

void Walk(const Message& message, const std::string& prefix, int depth,
          std::vector<FieldViolation>* violations) {
  if (depth > kMaxDepth || violations->size() >= kMaxViolations) return;
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string path =
        prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          if (reflection->GetRepeatedStringReference(message, field, i, nullptr).find('\0') !=
              std::string::npos) {
            violations->push_back({absl::StrCat(path, "[", i, "]"), "must not contain a NUL byte"});
            break;
          }
        }
      } else {
        std::string scratch;
        if (reflection->GetStringReference(message, field, &scratch).find('\0') !=
            std::string::npos) {
          violations->push_back({path, "must not contain a NUL byte"});
        }
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          Walk(reflection->GetRepeatedMessage(message, field, i), absl::StrCat(path, "[", i, "]"),
               depth + 1, violations);
        }
      } else {
        Walk(reflection->GetMessage(message, field), path, depth + 1, violations);
      }
    }
    if (violations->size() >= kMaxViolations) return;
  }
}

}  // namespace

absl::Status CheckRequestStrings(const Message& request) {
  std::vector<FieldViolation> violations;
  Walk(request, "", 0, &violations);
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations(violations);
}

}  // namespace ccms::grpc_util
