#pragma once

// Helpers shared by the RecordsServiceImpl handler files (records_service*.cc): the kit's
// request checks under the names they use, mutations, enum conversions. Not for other users.
// The handlers themselves are defined with CCMS_UNARY_HANDLER (common/grpc/unary_handler.h).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/records/v1/records_service.pb.h"
#include "common/auth/principal.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "google/type/date.pb.h"
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
