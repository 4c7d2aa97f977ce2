// Fuzzes the page tokens of the list calls (services/records/page_token.h,
// services/assessment/page_token.h): clients send them back, so a token is outside input. Each
// input is read as a token of every list (with the cursor checks the lists make) and, the other
// way round, as a cursor that must survive a round trip.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "services/assessment/page_token.h"
#include "services/records/page_token.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// Records' lists and the shape of their cursors (services/records/*_service.cc).
enum class Cursor { kUuid, kTimeline, kAuditId, kDateSlashUuid };
struct RecordsList {
  const char* prefix;
  Cursor cursor;
};
constexpr RecordsList kRecordsLists[] = {
    {"o1:", Cursor::kUuid}, {"t1:", Cursor::kTimeline},      {"a1:", Cursor::kAuditId},
    {"x1:", Cursor::kUuid}, {"d1:", Cursor::kUuid},          {"f1:", Cursor::kDateSlashUuid},
    {"e1:", Cursor::kUuid}, {"i1:", Cursor::kUuid},          {"v1:", Cursor::kUuid},
    {"n1:", Cursor::kUuid}, {"m1:", Cursor::kDateSlashUuid},
};
constexpr const char* kAssessmentPrefixes[] = {"a1:", "d1:", "f1:"};

// The checks each list makes of its cursor; true if the list would accept it.
bool RecordsCursorAccepted(const std::string& cursor, Cursor shape) {
  switch (shape) {
    case Cursor::kUuid:
      return ccms::ids::IsUuid(cursor);
    case Cursor::kTimeline: {
      std::vector<std::string> parts = absl::StrSplit(cursor, '|');
      int64_t recorded_at_us = 0;
      return parts.size() == 3 && ccms::time::ParseDate(parts[0]).has_value() &&
             absl::SimpleAtoi(parts[1], &recorded_at_us);
    }
    case Cursor::kAuditId: {
      int64_t id = 0;
      return absl::SimpleAtoi(cursor, &id);
    }
    case Cursor::kDateSlashUuid: {
      const size_t sep = cursor.find('/');
      if (sep == std::string::npos) return false;
      auto day = ccms::time::ParseDate(cursor.substr(0, sep));
      if (!day.has_value()) return false;
      // A date that parses prints back the same way.
      CCMS_FUZZ_CHECK(ccms::time::ParseDate(ccms::time::FormatDate(*day)) == day);
      return ccms::ids::IsUuid(cursor.substr(sep + 1));
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(ccms::fuzz::AsText(data, size));

  // The input as a token.
  for (const RecordsList& list : kRecordsLists) {
    std::optional<std::string> cursor = ccms::records::DecodeToken(list.prefix, input);
    if (!cursor.has_value()) continue;
    if (RecordsCursorAccepted(*cursor, list.cursor)) CCMS_FUZZ_CHECK(!cursor->empty());
    // A decoded cursor encodes to a token that decodes to it again.
    CCMS_FUZZ_CHECK(ccms::records::DecodeToken(
                        list.prefix, ccms::records::EncodeToken(list.prefix, *cursor)) == cursor);
  }
  for (const char* prefix : kAssessmentPrefixes) {
    std::string cursor;
    if (!ccms::assessment::DecodeToken(prefix, input, &cursor)) continue;
    CCMS_FUZZ_CHECK(cursor.size() <= 200);
    if (input.empty()) CCMS_FUZZ_CHECK(cursor.empty());
    ccms::ids::IsUuid(cursor);
    if (!cursor.empty()) {
      std::string again;
      CCMS_FUZZ_CHECK(ccms::assessment::DecodeToken(
          prefix, ccms::assessment::EncodeToken(prefix, cursor), &again));
      CCMS_FUZZ_CHECK(again == cursor);
    }
  }

  // The input as a cursor: every token we hand out decodes to its cursor, and only for its list.
  const std::string records_token = ccms::records::EncodeToken("o1:", input);
  CCMS_FUZZ_CHECK(ccms::records::DecodeToken("o1:", records_token) == input);
  CCMS_FUZZ_CHECK(!ccms::records::DecodeToken("t1:", records_token).has_value());
  const std::string assessment_token = ccms::assessment::EncodeToken("a1:", input);
  std::string cursor;
  const bool decoded = ccms::assessment::DecodeToken("a1:", assessment_token, &cursor);
  CCMS_FUZZ_CHECK(decoded == (input.size() <= 200));
  if (decoded) CCMS_FUZZ_CHECK(cursor == input);
  return 0;
}
