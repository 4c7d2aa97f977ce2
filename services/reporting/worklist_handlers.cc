// ReportingService.ListWorklist: the city-wide worklists (docs/reporting.md, "Worklists").
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/time/calendar.h"
#include "services/reporting/domain/access.h"
#include "services/reporting/report_service.h"

namespace ccms::reporting {
namespace {

// Page tokens are opaque to clients: base64url of "w1:" and the store's cursor.
constexpr char kTokenPrefix[] = "w1:";
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 500;
constexpr size_t kMaxOfficeBytes = 64;
constexpr char kBadToken[] = "is not a token from a previous response";

std::string EncodeToken(const std::string& cursor) {
  if (cursor.empty()) return "";
  return absl::WebSafeBase64Escape(absl::StrCat(kTokenPrefix, cursor));
}

bool DecodeToken(const std::string& token, std::string* cursor) {
  if (token.empty()) return true;
  std::string decoded;
  if (token.size() > 400 || !absl::WebSafeBase64Unescape(token, &decoded) ||
      !absl::StartsWith(decoded, kTokenPrefix) || decoded.size() == sizeof(kTokenPrefix) - 1) {
    return false;
  }
  *cursor = decoded.substr(sizeof(kTokenPrefix) - 1);
  return true;
}

}  // namespace

absl::Status ReportServiceImpl::DoListWorklist(const auth::Principal& principal,
                                               const v1::ListWorklistRequest& request,
                                               v1::ListWorklistResponse* response) {
  auto visible = domain::VisibleDistricts(principal);
  if (!visible.ok()) return visible.status();
  std::vector<grpc_util::FieldViolation> problems;
  WorklistQuery query;
  if (request.kind() != v1::WORKLIST_KIND_UNSPECIFIED) {
    query.kind = domain::ParseWorklistKind(
        grpc_util::EnumSuffix(v1::WorklistKind_descriptor(), request.kind(), "WORKLIST_KIND_"));
    if (!query.kind.has_value()) {
      problems.push_back({"kind", "not a worklist kind (docs/reporting.md, \"Worklists\")"});
    }
  }
  grpc_util::DistrictFilterField(request.district_code(), &problems);
  if (request.office_id().size() > kMaxOfficeBytes) {
    problems.push_back({"office_id", "at most 64 bytes"});
  }
  query.limit =
      grpc_util::CheckPageSize(request.page_size(), kDefaultPageSize, kMaxPageSize, &problems);
  if (!DecodeToken(request.page_token(), &query.cursor)) {
    problems.push_back({"page_token", kBadToken});
  }
  if (!problems.empty()) return grpc_util::InvalidArgumentWithViolations(problems);

  if (!request.district_code().empty()) {
    if (!visible->empty() && !visible->contains(request.district_code())) {
      return absl::PermissionDeniedError("the district is outside the token");
    }
    query.districts = {request.district_code()};
  } else {
    query.districts.assign(visible->begin(), visible->end());
  }
  auto office = domain::OfficeFilter(principal, request.office_id());
  if (!office.ok()) return office.status();
  query.office = *std::move(office);
  query.today = time::ShanghaiDay(clock_.Now());
  auto page = worklists_.ListWorklist(query);
  if (!page.ok()) {
    if (absl::IsInvalidArgument(page.status())) {
      return grpc_util::InvalidArgumentWithViolations({{"page_token", kBadToken}});
    }
    return page.status();
  }
  for (const WorklistRow& r : page->rows) {
    auto* row = response->add_rows();
    row->set_kind(static_cast<v1::WorklistKind>(static_cast<int>(r.item.kind)));
    row->set_case_id(r.item.case_id);
    row->set_district_code(r.item.district);
    row->set_office_id(r.office);
    row->set_item_id(r.item.item_id);
    *row->mutable_since() = grpc_util::ToProtoDate(r.item.since);
    *row->mutable_due_on() = grpc_util::ToProtoDate(r.item.due);
    row->set_reason_code(r.item.reason);
  }
  response->set_next_page_token(EncodeToken(page->next_cursor));
  *response->mutable_as_of() = grpc_util::ToProtoDate(query.today);
  return absl::OkStatus();
}

CCMS_UNARY_HANDLER(ReportServiceImpl, ListWorklist)

}  // namespace ccms::reporting
