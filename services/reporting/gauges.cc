#include "services/reporting/gauges.h"

#include "common/log/log.h"
#include "common/time/calendar.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace ccms::reporting {
namespace {

using Key = std::pair<std::string, std::string>;

// Sets `values` into `family` (labels district_code and `label`), and 0 into every gauge set
// before that has no value now.
void SetAll(prometheus::Family<prometheus::Gauge>& family, const char* label,
            const std::map<Key, double>& values, std::map<Key, prometheus::Gauge*>* known) {
  for (const auto& [key, value] : values) {
    auto it = known->find(key);
    if (it == known->end()) {
      it = known->emplace(key, &family.Add({{"district_code", key.first}, {label, key.second}}))
               .first;
    }
  }
  for (const auto& [key, gauge] : *known) {
    auto v = values.find(key);
    gauge->Set(v == values.end() ? 0.0 : v->second);
  }
}

}  // namespace

ReportingGauges::ReportingGauges(GaugeStore& store, prometheus::Registry& registry,
                                 const time::Clock& clock, absl::Duration period)
    : store_(store),
      cases_(prometheus::BuildGauge()
                 .Name("ccms_reporting_cases")
                 .Help("Cases by district and status today, from reporting's projections")
                 .Register(registry)),
      kpi_people_(prometheus::BuildGauge()
                      .Name("ccms_reporting_kpi_people")
                      .Help("People on the register today with a service file (file), or with a"
                            " contact, an education, an assistance or any of these (served) this"
                            " month")
                      .Register(registry)),
      kpi_ratio_(prometheus::BuildGauge()
                     .Name("ccms_reporting_kpi_ratio")
                     .Help("Service KPIs (建档率, 接触率, 教育率, 帮扶率, and the share served):"
                           " kpi_people over the people on the register today")
                     .Register(registry)),
      clock_(clock),
      task_([this] { RefreshOnce(); }, period) {}

bool ReportingGauges::RefreshOnce() {
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::lock_guard<std::mutex> lock(mu_);
  auto cases = store_.CountCases(today, false);
  if (!cases.ok()) {
    log::Warn("reporting_gauges_refresh_failed",
              {{"error", std::string(cases.status().message())}});
    return false;
  }
  if (refreshes_ % kClosedEvery == 0) {
    auto closed = store_.CountCases(today, true);
    if (!closed.ok()) {
      log::Warn("reporting_gauges_refresh_failed",
                {{"error", std::string(closed.status().message())}});
      return false;  // tried again on the next refresh
    }
    closed_ = *std::move(closed);
  }
  ++refreshes_;
  cases->insert(closed_.begin(), closed_.end());
  auto kpis = store_.CountKpis(today);
  if (!kpis.ok()) {
    log::Warn("reporting_gauges_refresh_failed", {{"error", std::string(kpis.status().message())}});
    return false;
  }
  std::map<Key, double> case_values;
  for (const auto& [key, n] : *cases) case_values[key] = static_cast<double>(n);
  std::map<Key, double> people;
  std::map<Key, double> ratios;
  for (const auto& [district, k] : *kpis) {
    const std::pair<const char*, int64_t> figures[] = {{"file", k.filed},
                                                       {"contact", k.contacted},
                                                       {"education", k.educated},
                                                       {"assistance", k.helped},
                                                       {"served", k.served}};
    for (const auto& [kpi, n] : figures) {
      people[{district, kpi}] = static_cast<double>(n);
      ratios[{district, kpi}] =
          k.on_register > 0 ? static_cast<double>(n) / static_cast<double>(k.on_register) : 0.0;
    }
  }
  SetAll(cases_, "status", case_values, &case_gauges_);
  SetAll(kpi_people_, "kpi", people, &people_gauges_);
  SetAll(kpi_ratio_, "kpi", ratios, &ratio_gauges_);
  return true;
}

}  // namespace ccms::reporting
