#include "common/grpc/request_checks.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
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

absl::Status CheckRequestId(const std::string& request_id) {
  if (!ids::IsUuid(request_id)) {
    return InvalidArgumentWithViolations(
        {{"request_id", "is required: a UUID chosen by the client, reused on retries"}});
  }
  return absl::OkStatus();
}

absl::Status CheckUuidField(const std::string& value, const char* field, const char* what) {
  if (!ids::IsUuid(value)) {
    return InvalidArgumentWithViolations({{field, absl::StrCat("must be ", what)}});
  }
  return absl::OkStatus();
}

void OptionalUuidField(const std::string& value, const char* field, const char* what,
                       std::vector<FieldViolation>* violations) {
  if (!value.empty() && !ids::IsUuid(value)) {
    violations->push_back({field, absl::StrCat("must be ", what)});
  }
}

absl::Status CheckCaseId(const std::string& case_id) {
  return CheckUuidField(case_id, "case_id", "a case id (UUID)");
}

void DistrictFilterField(const std::string& district, std::vector<FieldViolation>* violations) {
  if (!district.empty() && !auth::IsDistrictCode(district)) {
    violations->push_back({"district_code", "must be a 6-digit district code"});
  }
}

void CheckListDistrict(const auth::Principal& principal, const std::string& district,
                       std::vector<FieldViolation>* violations) {
  DistrictFilterField(district, violations);
  if (district.empty() && !principal.all_districts) {
    violations->push_back({"district_code", "is required"});
  }
}

int CheckPageSize(int requested, int default_size, int max_size,
                  std::vector<FieldViolation>* violations) {
  if (requested < 0 || requested > max_size) {
    violations->push_back({"page_size", absl::StrCat("must be between 1 and ", max_size)});
  }
  return requested == 0 ? default_size : requested;
}

absl::Status CheckText(const std::string& text, const char* field, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return InvalidArgumentWithViolations(
        {{field, absl::StrCat("is too long (at most ", max_bytes, " bytes)")}});
  }
  return absl::OkStatus();
}

std::optional<absl::CivilDay> DateField(const google::type::Date& d, const char* field,
                                        std::vector<FieldViolation>* violations) {
  bool invalid = false;
  auto day = FromProtoDate(d, &invalid);
  if (invalid) violations->push_back({field, "is not a valid calendar date (years 1900 to 2199)"});
  return day;
}

std::optional<absl::CivilDay> RequiredDateField(const google::type::Date& d, const char* field,
                                                std::vector<FieldViolation>* violations) {
  bool invalid = false;
  auto day = FromProtoDate(d, &invalid);
  if (invalid) {
    violations->push_back({field, "is not a valid calendar date (years 1900 to 2199)"});
  } else if (!day.has_value()) {
    violations->push_back({field, "is required"});
  }
  return day;
}

absl::StatusOr<absl::CivilDay> DayNotInFuture(const google::type::Date& d, const char* field,
                                              absl::CivilDay today) {
  std::vector<FieldViolation> violations;
  const absl::CivilDay day = DayNotInFuture(d, field, today, &violations);
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  return day;
}

absl::CivilDay DayNotInFuture(const google::type::Date& d, const char* field, absl::CivilDay today,
                              std::vector<FieldViolation>* violations) {
  auto day = DateField(d, field, violations);
  if (day.has_value() && *day > today) {
    violations->push_back({field, "must not be in the future"});
  }
  return day.value_or(today);
}

}  // namespace ccms::grpc_util
