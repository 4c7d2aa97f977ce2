#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "grpcpp/channel.h"

namespace ccms::testing {

// Sends every field of every request of the given services one hostile value at a time, as a
// careless or hostile client would: undefined enum numbers, negative and huge integers, dates and
// timestamps outside the calendar, empty, huge, non-UTF-8 and NUL-holding strings, wrong ids,
// huge lists. The rest of each request is a plausible value built from the descriptors (a fresh
// request_id, the seeded ids, today), so the hostile value reaches the code behind the first
// checks. Each answer must be OK or a client error; INTERNAL, UNKNOWN, DATA_LOSS, UNAVAILABLE or
// DEADLINE_EXCEEDED fail, and so does a refused call that changed any row (`snapshot` before and
// after must be equal). A dead process ends the test binary.
struct HostileOptions {
  std::shared_ptr<grpc::Channel> channel;
  std::vector<std::string> services;  // full proto names
  // Bearer tokens to try, in order: a method uses the first one its plain request is not refused
  // with PERMISSION_DENIED (so the hostile value meets the checks behind authorization).
  std::vector<std::string> tokens;
  // Plausible values of string fields by field name ("case_id" -> a seeded case); fields not
  // named get a fresh UUID (names ending in _id), "110101" (district codes) or "test".
  std::map<std::string, std::string> strings;
  absl::CivilDay today;
  // A digest of every row the service keeps, except those it writes for any call (the audit
  // log): equal before and after a refused call.
  std::function<std::string()> snapshot;
};

struct HostileReport {
  int methods = 0;
  int fields = 0;  // leaf fields tried (a date counts once), over all methods
  int calls = 0;
  std::map<std::string, int> codes;   // code name -> calls
  std::set<std::string> tried;        // "Method.field=value" for enum values tried
  std::vector<std::string> failures;  // "Method field=value: code message"
};

HostileReport RunHostileValues(const HostileOptions& options);

// A HostileOptions::snapshot over the service database at `dsn` (one connection of its own): an
// md5 over the contents of every table in schema public, ordered, so any insert, update or
// delete changes it. Left out: the audit log (every call writes it, by design), the inbox (the
// consumer's, which follows a topic other tests publish to) and the outbox's columns (the relay
// stamps rows as sent at its own pace): the outbox counts by its rows. `also_left_out` names
// further tables to leave out (test-chosen names, not user input).
std::function<std::string()> DatabaseSnapshot(const std::string& dsn,
                                              const std::vector<std::string>& also_left_out = {});

// Prints the report's figures (methods, fields tried, calls by code) and fails the current test
// unless every method of `options.services` was tried and no call failed.
void ExpectNoFailures(const HostileOptions& options, const HostileReport& report);

}  // namespace ccms::testing
