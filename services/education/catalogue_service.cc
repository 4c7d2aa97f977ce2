#include "services/education/catalogue_service.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "services/education/domain/access.h"

namespace ccms::education {

CCMS_UNARY_HANDLER(CatalogueServiceImpl, AddCatalogueItem)
CCMS_UNARY_HANDLER(CatalogueServiceImpl, ListCatalogueItems)
CCMS_UNARY_HANDLER(CatalogueServiceImpl, SetMonthlyTheme)
CCMS_UNARY_HANDLER(CatalogueServiceImpl, GetMonthlyTheme)

namespace {

using domain::Action;
using grpc_util::FieldViolation;

constexpr size_t kMaxTitleBytes = 200;
constexpr size_t kMaxDescriptionBytes = 4000;
constexpr double kMaxHours = 40;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

// The enum's name without its prefix ("" for UNSPECIFIED), and back.
template <typename E>
std::string Code(E value, bool (*is_valid)(int), const std::string& (*name)(E),
                 std::string_view prefix) {
  if (static_cast<int>(value) == 0 || !is_valid(static_cast<int>(value))) return "";
  return name(value).substr(prefix.size());
}
template <typename E>
E FromCode(const std::string& code, bool (*parse)(const std::string&, E*),
           std::string_view prefix) {
  E out = static_cast<E>(0);
  if (!code.empty()) parse(absl::StrCat(std::string(prefix), code), &out);
  return out;
}

std::string KindCode(v1::CatalogueItemKind k) {
  return Code(k, v1::CatalogueItemKind_IsValid, v1::CatalogueItemKind_Name<v1::CatalogueItemKind>,
              "CATALOGUE_ITEM_KIND_");
}
std::string ContentKindCode(v1::ContentKind k) {
  return Code(k, v1::ContentKind_IsValid, v1::ContentKind_Name<v1::ContentKind>, "CONTENT_KIND_");
}
std::string ModuleCode(v1::EducationModule m) {
  return Code(m, v1::EducationModule_IsValid, v1::EducationModule_Name<v1::EducationModule>,
              "EDUCATION_MODULE_");
}

void FillItem(const CatalogueItemRecord& i, v1::CatalogueItem* out) {
  out->set_item_id(i.item_id);
  out->set_kind(
      FromCode<v1::CatalogueItemKind>(i.kind, v1::CatalogueItemKind_Parse, "CATALOGUE_ITEM_KIND_"));
  out->set_content_kind(
      FromCode<v1::ContentKind>(i.content_kind, v1::ContentKind_Parse, "CONTENT_KIND_"));
  out->set_module(
      FromCode<v1::EducationModule>(i.module, v1::EducationModule_Parse, "EDUCATION_MODULE_"));
  out->set_title(i.title);
  out->set_description(i.description);
  out->set_hours(i.hours);
  out->set_district_code(i.district_code);
  out->set_created_by(i.created_by);
  *out->mutable_created_at() = grpc_util::ToProtoTimestamp(i.created_at);
}

void FillTheme(const MonthlyThemeRecord& t, v1::MonthlyTheme* out) {
  out->set_year(static_cast<int32_t>(t.month.year()));
  out->set_month(t.month.month());
  FillItem(t.item, out->mutable_item());
  out->set_set_by(t.set_by);
}

std::optional<absl::CivilMonth> MonthOf(int year, int month,
                                        std::vector<FieldViolation>* violations) {
  bool ok = true;
  if (year < 2000 || year > 2100) {
    violations->push_back({"year", "must be between 2000 and 2100"});
    ok = false;
  }
  if (month < 1 || month > 12) {
    violations->push_back({"month", "must be between 1 and 12"});
    ok = false;
  }
  if (!ok) return std::nullopt;
  return absl::CivilMonth(year, month);
}

bool InDistricts(const auth::Principal& p, const std::string& district) {
  if (p.all_districts) return true;
  return std::find(p.districts.begin(), p.districts.end(), district) != p.districts.end();
}

}  // namespace

absl::Status CatalogueServiceImpl::DoAddCatalogueItem(const auth::Principal& principal,
                                                      const v1::AddCatalogueItemRequest& request,
                                                      v1::AddCatalogueItemResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kApprove); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  CatalogueItemRecord item;
  item.kind = KindCode(request.kind());
  if (item.kind.empty()) violations.push_back({"kind", "is required: COURSE or THEME"});
  item.content_kind = ContentKindCode(request.content_kind());
  if (item.content_kind.empty()) {
    violations.push_back({"content_kind",
                          "is required: LEGAL_POLICY, MORAL, CULTURE, BEHAVIOUR, VOCATIONAL or "
                          "MENTAL_HEALTH"});
  }
  if (request.module() != v1::EDUCATION_MODULE_UNSPECIFIED) {
    item.module = ModuleCode(request.module());
    if (item.module.empty()) violations.push_back({"module", "is not a module"});
  }
  const std::string title(absl::StripAsciiWhitespace(request.title()));
  if (title.empty()) {
    violations.push_back({"title", "is required"});
  } else if (title.size() > kMaxTitleBytes) {
    violations.push_back({"title", "must be at most 200 bytes"});
  }
  if (request.description().size() > kMaxDescriptionBytes) {
    violations.push_back({"description", "must be at most 4000 bytes"});
  }
  const double hours = request.hours();
  if (!(hours >= 0.5 && hours <= kMaxHours) || std::fmod(hours * 2, 1.0) != 0.0) {
    violations.push_back({"hours", "must be 0.5 to 40, in halves"});
  }
  grpc_util::DistrictFilterField(request.district_code(), &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  // City-wide items are the city admin's; a district's own, its office staff's.
  if (request.district_code().empty() ? principal.role != auth::Role::kCityAdmin
                                      : !InDistricts(principal, request.district_code())) {
    return absl::PermissionDeniedError(
        "city-wide items are added by the city admin, a district's by its office staff");
  }
  item.item_id = ids::NewUuid();
  item.title = title;
  item.description = request.description();
  item.hours = hours;
  item.district_code = request.district_code();
  item.created_by = principal.subject;
  item.created_at = clock_.Now();
  auto added = store_.AddItem(principal, item, absl::AsciiStrToLower(request.request_id()));
  if (!added.ok()) return added.status();
  FillItem(*added, response->mutable_item());
  return absl::OkStatus();
}

absl::Status CatalogueServiceImpl::DoListCatalogueItems(
    const auth::Principal& principal, const v1::ListCatalogueItemsRequest& request,
    v1::ListCatalogueItemsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  CatalogueFilter f;
  if (request.content_kind() != v1::CONTENT_KIND_UNSPECIFIED) {
    f.content_kind = ContentKindCode(request.content_kind());
    if (f.content_kind.empty()) violations.push_back({"content_kind", "is not a content kind"});
  }
  if (request.module() != v1::EDUCATION_MODULE_UNSPECIFIED) {
    f.module = ModuleCode(request.module());
    if (f.module.empty()) violations.push_back({"module", "is not a module"});
  }
  grpc_util::DistrictFilterField(request.district_code(), &violations);
  f.page_size =
      grpc_util::CheckPageSize(request.page_size(), kDefaultPageSize, kMaxPageSize, &violations);
  if (!request.page_token().empty() && !ids::IsUuid(request.page_token())) {
    violations.push_back({"page_token", "is not a token of this list"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  f.district_code = request.district_code();
  f.after_item_id = absl::AsciiStrToLower(request.page_token());
  auto page = store_.ListItems(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& i : page->items) FillItem(i, response->add_items());
  response->set_next_page_token(page->next_item_id);
  return absl::OkStatus();
}

absl::Status CatalogueServiceImpl::DoSetMonthlyTheme(const auth::Principal& principal,
                                                     const v1::SetMonthlyThemeRequest& request,
                                                     v1::SetMonthlyThemeResponse* response) {
  if (principal.role != auth::Role::kCityAdmin) {
    return absl::PermissionDeniedError("the city admin sets the monthly theme");
  }
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const auto month = MonthOf(request.year(), request.month(), &violations);
  if (!ids::IsUuid(request.item_id())) {
    violations.push_back({"item_id", "must be a catalogue item id (UUID)"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto theme = store_.SetTheme(principal, *month, absl::AsciiStrToLower(request.item_id()),
                               absl::AsciiStrToLower(request.request_id()));
  if (!theme.ok()) return theme.status();
  FillTheme(*theme, response->mutable_theme());
  return absl::OkStatus();
}

absl::Status CatalogueServiceImpl::DoGetMonthlyTheme(const auth::Principal& principal,
                                                     const v1::GetMonthlyThemeRequest& request,
                                                     v1::GetMonthlyThemeResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const auto month = MonthOf(request.year(), request.month(), &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto theme = store_.GetTheme(*month);
  if (!theme.ok()) return theme.status();
  FillTheme(*theme, response->mutable_theme());
  return absl::OkStatus();
}

}  // namespace ccms::education
