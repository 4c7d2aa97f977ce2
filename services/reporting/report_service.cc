#include "services/reporting/report_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/time/calendar.h"
#include "services/reporting/domain/access.h"

namespace ccms::reporting {
namespace {

std::optional<domain::PeriodKind> KindOf(v1::PeriodKind k) {
  switch (k) {
    case v1::PERIOD_KIND_DAY:
      return domain::PeriodKind::kDay;
    case v1::PERIOD_KIND_WEEK:
      return domain::PeriodKind::kWeek;
    case v1::PERIOD_KIND_MONTH:
      return domain::PeriodKind::kMonth;
    case v1::PERIOD_KIND_QUARTER:
      return domain::PeriodKind::kQuarter;
    case v1::PERIOD_KIND_YEAR:
      return domain::PeriodKind::kYear;
    default:
      return std::nullopt;
  }
}

v1::PeriodKind ProtoKind(domain::PeriodKind k) {
  switch (k) {
    case domain::PeriodKind::kDay:
      return v1::PERIOD_KIND_DAY;
    case domain::PeriodKind::kWeek:
      return v1::PERIOD_KIND_WEEK;
    case domain::PeriodKind::kMonth:
      return v1::PERIOD_KIND_MONTH;
    case domain::PeriodKind::kQuarter:
      return v1::PERIOD_KIND_QUARTER;
    case domain::PeriodKind::kYear:
      return v1::PERIOD_KIND_YEAR;
  }
  return v1::PERIOD_KIND_UNSPECIFIED;
}

}  // namespace

absl::Status ReportServiceImpl::DoListIndicators(const auth::Principal& principal,
                                                 const v1::ListIndicatorsRequest&,
                                                 v1::ListIndicatorsResponse* response) {
  if (auto v = domain::VisibleDistricts(principal); !v.ok()) return v.status();
  response->set_definitions_version(defs_.version);
  for (const auto& d : defs_.indicators) {
    auto* out = response->add_indicators();
    out->set_id(d.id);
    out->set_title(d.title);
    out->set_kind(d.kind == domain::IndicatorDef::Kind::kStock ? "stock" : "flow");
    out->set_count(d.count == domain::IndicatorDef::Count::kPeople ? "people" : "person_times");
    out->set_formula(d.formula);
    for (const auto& b : d.breakdowns) out->add_breakdowns(b);
  }
  response->set_reports_version(reports_.version);
  for (const auto& r : reports_.reports) {
    auto* out = response->add_reports();
    out->set_id(r.id);
    out->set_title(r.title);
    out->set_period_kind(ProtoKind(r.period));
    for (const auto& t : r.tables) {
      auto* table = out->add_tables();
      table->set_id(t.id);
      table->set_title(t.title);
      table->set_breakdown(t.breakdown);
      for (const auto& i : t.indicator_ids) table->add_indicator_ids(i);
    }
  }
  return absl::OkStatus();
}

absl::Status ReportServiceImpl::DoRunReport(const auth::Principal& principal,
                                            const v1::RunReportRequest& request,
                                            v1::RunReportResponse* response) {
  auto visible = domain::VisibleDistricts(principal);
  if (!visible.ok()) return visible.status();
  if (auto st = RefuseWhileCatchingUp(); !st.ok()) return st;
  std::vector<grpc_util::FieldViolation> problems;
  const auto kind = KindOf(request.period_kind());
  if (!kind.has_value()) problems.push_back({"period_kind", "day, week, month, quarter or year"});
  bool invalid = false;
  auto day = grpc_util::FromProtoDate(request.period_day(), &invalid);
  if (invalid) problems.push_back({"period_day", "not a valid date"});
  if (!day.has_value() && !invalid) day = time::ShanghaiDay(clock_.Now());
  std::vector<const domain::IndicatorDef*> indicators;
  if (request.indicator_ids().empty()) {
    for (const auto& d : defs_.indicators) indicators.push_back(&d);
  } else {
    for (const auto& id : request.indicator_ids()) {
      const auto* d = defs_.Find(id);
      if (d == nullptr) {
        problems.push_back({"indicator_ids", "unknown indicator (ListIndicators lists them)"});
        break;
      }
      indicators.push_back(d);
    }
  }
  const std::string& breakdown = request.breakdown();
  if (!breakdown.empty()) {
    if (!domain::IsDimension(breakdown)) {
      problems.push_back({"breakdown", "not a dimension (docs/reporting.md)"});
    } else {
      for (const auto* d : indicators) {
        if (std::find(d->breakdowns.begin(), d->breakdowns.end(), breakdown) ==
            d->breakdowns.end()) {
          problems.push_back({"breakdown", "not a breakdown of every indicator asked"});
          break;
        }
      }
    }
  }
  bool bad_known_at = false;
  const std::optional<absl::Time> known_at =
      request.has_as_known_at()
          ? grpc_util::FromProtoTimestamp(request.as_known_at(), &bad_known_at)
          : std::nullopt;
  if (bad_known_at || (known_at.has_value() && *known_at > clock_.Now())) {
    problems.push_back({"as_known_at", "a valid instant, not in the future"});
  }
  if (!problems.empty()) return grpc_util::InvalidArgumentWithViolations(problems);

  const std::string office = domain::VisibleOffice(principal);
  const domain::Period period = domain::PeriodContaining(*kind, *day);
  // As known at an instant: each case's time line rebuilt from its occurrences recorded by then;
  // otherwise the projections as they stand, the states on the as-of day counted in the SQL.
  CountedInput counted;
  if (known_at.has_value()) {
    auto slices = store_.LoadKnownAt(*known_at, *visible, office);
    if (!slices.ok()) return slices.status();
    counted.flows = *std::move(slices);
  } else {
    auto loaded = store_.LoadCounted(period, *visible, office,
                                     domain::StockDimensions(indicators, breakdown));
    if (!loaded.ok()) return loaded.status();
    counted = *std::move(loaded);
  }
  domain::ReportInput input;
  for (const auto& s : counted.flows) {
    input.case_ids.push_back(s.case_id);
    input.timelines.push_back(&s.timeline);
  }
  if (!known_at.has_value()) input.stock = &counted.states;
  const domain::ReportTable table =
      domain::ComputeReport(indicators, period, breakdown, input, *visible, office);

  response->set_definitions_version(defs_.version);
  *response->mutable_period_start() = grpc_util::ToProtoDate(period.start);
  *response->mutable_period_end() = grpc_util::ToProtoDate(period.end);
  *response->mutable_as_of() = grpc_util::ToProtoDate(period.AsOf());
  response->set_breakdown(breakdown);
  if (known_at.has_value()) {
    *response->mutable_as_known_at() = grpc_util::ToProtoTimestamp(*known_at);
  }
  for (const auto* d : indicators) {
    response->add_indicator_ids(d->id);
    response->add_headings(d->title);
  }
  for (size_t r = 0; r < table.keys.size(); ++r) {
    auto* row = response->add_rows();
    row->set_key(table.keys[r]);
    for (size_t i = 0; i < indicators.size(); ++i) {
      row->add_cells(domain::CellText(*indicators[i], breakdown, table.keys[r], table.rows[r][i],
                                      minor_threshold_));
    }
  }
  auto* total = response->mutable_total();
  for (size_t i = 0; i < indicators.size(); ++i) {
    total->add_cells(absl::StrCat(table.total[i]));
  }
  return absl::OkStatus();
}

CCMS_UNARY_HANDLER(ReportServiceImpl, ListIndicators)
CCMS_UNARY_HANDLER(ReportServiceImpl, RunReport)

absl::Status ReportServiceImpl::RefuseWhileCatchingUp() {
  auto catching_up = store_.CatchingUp();
  if (!catching_up.ok()) return catching_up.status();
  if (*catching_up) return absl::UnavailableError("projections catching up");
  return absl::OkStatus();
}

}  // namespace ccms::reporting
