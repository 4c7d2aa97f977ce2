#pragma once

// What the handler classes of ccms-records (services/records/*_service.h, one per proto service)
// share: their context, the denial audit, the case's proto, the kit's request checks under the
// names they use, mutations, enum conversions. Not for other users. The handlers themselves are
// defined with CCMS_UNARY_HANDLER (common/grpc/unary_handler.h).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/records/v1/records_types.pb.h"
#include "common/auth/principal.h"
#include "common/crypto/pii_cipher.h"
#include "common/grpc/call_executor.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/time/clock.h"
#include "google/type/date.pb.h"
#include "services/records/domain/records_policy.h"
#include "services/records/page_token.h"
#include "services/records/records_store.h"

namespace ccms::records {

// The kit's request checks (common/grpc/request_checks.h), by the names the handler files use.
using grpc_util::CheckCaseId;
using grpc_util::CheckListDistrict;
using grpc_util::CheckPageSize;
using grpc_util::CheckRequestId;
using grpc_util::CheckText;
using grpc_util::CheckUuidField;
using grpc_util::DateField;
using grpc_util::DayNotInFuture;
using grpc_util::DistrictFilterField;
using grpc_util::OptionalUuidField;
using grpc_util::RequiredDateField;

// What every handler class is built with (records::RecordsWiring builds them all alike).
struct HandlerContext {
  AuditStore& audit;  // denial rows, and the one row of a list read
  grpc_util::CallExecutor& executor;
  const crypto::PiiCipher& cipher;
  const time::Clock& clock;
  const domain::RecordsPolicies& policies;
};

// The part every handler class has: a private base of CaseServiceImpl, LeaveServiceImpl, ...
class RecordsHandlers {
 protected:
  explicit RecordsHandlers(const HandlerContext& context)
      : audit_(context.audit),
        executor_(context.executor),
        cipher_(context.cipher),
        clock_(context.clock),
        policies_(context.policies) {}

  // Returns `status`; a PERMISSION_DENIED one is written to the audit log too (best effort).
  absl::Status AuditDenied(const auth::Principal& principal, const std::string& action,
                           const std::string& case_id, const std::string& request_id,
                           absl::Status status);
  // The API's view of a case, with its supervision level as of today.
  void CaseToProto(const CaseRecord& c, v1::Case* out) const;
  // The version in force on `day`: each handler passes the day its rule is about (the day a
  // deadline is counted from, or the day of the decision or list; docs/architecture.md).
  const domain::RecordsPolicy& PolicyOn(absl::CivilDay day) const { return policies_.InForce(day); }

  AuditStore& audit_;
  grpc_util::CallExecutor& executor_;  // CCMS_UNARY_HANDLER's overrides run calls on it
  const crypto::PiiCipher& cipher_;
  const time::Clock& clock_;
  const domain::RecordsPolicies& policies_;
};

// The facts a case's supervision level is decided from.
domain::LevelFacts LevelFactsOf(const CaseRecord& c);

CaseMutation MutationOf(const std::string& request_id, const std::string& case_id,
                        const char* action);

// Enum conversions between the API and the domain.
domain::SentenceKind FromProto(common::v1::SentenceKind k);
common::v1::SentenceKind ToProto(domain::SentenceKind k);
domain::CaseStatus FromProto(v1::CaseStatus s);
v1::CaseStatus ToProto(domain::CaseStatus s);
common::v1::Sex ToProto(domain::Sex s);
common::v1::SupervisionLevel ToProtoLevel(domain::SupervisionLevel l);

}  // namespace ccms::records
