#include "services/reporting/domain/timeline.h"

#include <algorithm>
#include <functional>
#include <tuple>

namespace ccms::reporting::domain {
namespace {

std::string Bool(bool b) { return b ? "true" : "false"; }

bool Terminal(std::string_view status) {
  return status == "DISCHARGED" || status == "REVOKED" || status == "DECEASED" ||
         status == "TRANSFERRED_OUT";
}

// A change of state on a day, in the order it was recorded.
struct Change {
  absl::CivilDay day;
  int64_t seq;
  std::string event_id;
  std::function<void(CaseState&)> apply;
};

void ApplyFacts(const Occurrence& o, CaseState& s) {
  if (!o.sex.empty()) s.sex = o.sex;
  if (!o.age_band.empty()) s.age_band = o.age_band;
  if (!o.offence_category.empty()) s.offence_category = o.offence_category;
  s.minor = o.minor;
}

}  // namespace

const std::vector<std::string>& DimensionNames() {
  static const std::vector<std::string> kNames = {
      "district", "office", "sentence_kind", "sex",          "age_band",      "offence_category",
      "level",    "minor",  "key_attention", "lost_contact", "never_reported"};
  return kNames;
}

bool IsDimension(std::string_view name) {
  const auto& n = DimensionNames();
  return std::find(n.begin(), n.end(), name) != n.end();
}

std::string DimensionValue(const CaseState& s, std::string_view d) {
  if (d == "district") return s.district;
  if (d == "office") return s.office;
  if (d == "sentence_kind") return s.sentence_kind;
  if (d == "sex") return s.sex;
  if (d == "age_band") return s.age_band;
  if (d == "offence_category") return s.offence_category;
  if (d == "level") return s.level;
  if (d == "minor") return Bool(s.minor);
  if (d == "key_attention") return Bool(s.key_attention);
  if (d == "lost_contact") return Bool(s.lost_contact);
  if (d == "never_reported") return Bool(s.never_reported);
  return "";
}

std::optional<CaseState> StateOn(const std::vector<Span>& spans, absl::CivilDay day) {
  for (const Span& s : spans) {
    if (s.from <= day && (!s.to.has_value() || day < *s.to)) return s.state;
  }
  return std::nullopt;
}

Timeline BuildTimeline(std::vector<Occurrence> occ) {
  std::sort(occ.begin(), occ.end(), [](const Occurrence& a, const Occurrence& b) {
    return std::tie(a.on, a.seq, a.event_id) < std::tie(b.on, b.seq, b.event_id);
  });
  Timeline t;
  const Occurrence* opening = nullptr;
  for (const Occurrence& o : occ) {
    if (o.kind == kCaseOpened) {
      opening = &o;
      break;
    }
  }
  if (opening == nullptr) {
    for (const Occurrence& o : occ) {
      if (o.kind == kFactsSnapshot) {
        opening = &o;
        break;
      }
    }
  }
  if (opening == nullptr) return t;
  t.opened = true;
  t.start = opening->on;

  CaseState state;
  state.district = opening->district;
  state.office = opening->office;
  state.sentence_kind = opening->sentence_kind;
  ApplyFacts(*opening, state);

  // The register's end: the first closing; a snapshot of a finished case ends on its day.
  for (const Occurrence& o : occ) {
    if (o.kind == kClosed) {
      t.closed_on = o.on;
      t.close_reason = o.code;
      break;
    }
  }
  if (!t.closed_on.has_value() && opening->kind == kFactsSnapshot && Terminal(opening->code) &&
      opening->as_of.has_value()) {
    t.closed_on = *opening->as_of;
    t.close_reason = opening->code;
  }

  std::vector<Change> changes;
  std::optional<absl::CivilDay> reported_on;
  for (const Occurrence& o : occ) {
    if (o.kind == kTransferred) {
      changes.push_back({o.on, o.seq, o.event_id, [o](CaseState& s) {
                           s.district = o.district;
                           if (!o.office.empty()) s.office = o.office;
                         }});
    } else if (o.kind == kLevelChanged) {
      changes.push_back({o.on, o.seq, o.event_id, [o](CaseState& s) { s.level = o.level; }});
    } else if (o.kind == kKeyAttention) {
      changes.push_back({o.on, o.seq, o.event_id, [o](CaseState& s) { s.key_attention = o.flag; }});
    } else if (o.kind == kLostContact) {
      changes.push_back({o.on, o.seq, o.event_id, [](CaseState& s) { s.lost_contact = true; }});
    } else if (o.kind == kFoundAgain) {
      changes.push_back({o.on, o.seq, o.event_id, [](CaseState& s) { s.lost_contact = false; }});
    } else if (o.kind == kFactsChanged) {
      changes.push_back({o.on, o.seq, o.event_id, [o](CaseState& s) { ApplyFacts(o, s); }});
    } else if (o.kind == kIntakeReported && !reported_on.has_value()) {
      reported_on = o.on;
    }
  }
  // 漏管: a snapshot past intake counts as reported from the start.
  const bool snapshot_reported =
      opening->kind == kFactsSnapshot && opening->code != "PENDING_INTAKE";
  if (opening->deadline.has_value() && !snapshot_reported) {
    const absl::CivilDay overdue = *opening->deadline + 1;
    if (!reported_on.has_value() || *reported_on > overdue) {
      changes.push_back({overdue, INT64_MIN, "", [](CaseState& s) { s.never_reported = true; }});
      if (reported_on.has_value()) {
        changes.push_back(
            {*reported_on, INT64_MIN, "", [](CaseState& s) { s.never_reported = false; }});
      }
    }
  }
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    return std::tie(a.day, a.seq, a.event_id) < std::tie(b.day, b.seq, b.event_id);
  });

  // Changes up to the start shape the first span; later ones open a new span on their day.
  absl::CivilDay from = t.start;
  size_t i = 0;
  for (; i < changes.size() && changes[i].day <= t.start; ++i) changes[i].apply(state);
  auto push = [&](absl::CivilDay to) {
    if (from >= to) return;
    if (!t.spans.empty() && t.spans.back().state == state && t.spans.back().to == from) {
      t.spans.back().to = to;
    } else {
      t.spans.push_back({from, to, state});
    }
  };
  for (; i < changes.size(); ++i) {
    const absl::CivilDay day = changes[i].day;
    if (t.closed_on.has_value() && day >= *t.closed_on) break;
    push(day);
    from = std::max(from, day);
    changes[i].apply(state);
  }
  if (t.closed_on.has_value()) {
    push(*t.closed_on);
  } else {
    if (!t.spans.empty() && t.spans.back().state == state && t.spans.back().to == from) {
      t.spans.back().to = std::nullopt;
    } else {
      t.spans.push_back({from, std::nullopt, state});
    }
  }

  // Counted changes, with the state of their day (clamped to the register).
  auto state_for = [&](absl::CivilDay day) -> CaseState {
    if (t.spans.empty()) return state;
    if (auto s = StateOn(t.spans, day)) return *s;
    if (day < t.spans.front().from) return t.spans.front().state;
    return t.spans.back().state;
  };
  t.flows.push_back({kCaseOpened, "", t.start, state_for(t.start)});
  for (const Occurrence& o : occ) {
    if (o.kind == kSanction || o.kind == kViolation || o.kind == kContact ||
        o.kind == kLostContact || o.kind == kIntakeReported || o.kind == kLevelChanged ||
        o.kind == kService) {
      t.flows.push_back(
          {o.kind, o.kind == kLevelChanged ? o.level : o.code, o.on, state_for(o.on)});
    }
  }
  if (t.closed_on.has_value()) {
    t.flows.push_back({kClosed, t.close_reason, *t.closed_on, state_for(*t.closed_on - 1)});
  }
  std::stable_sort(t.flows.begin(), t.flows.end(),
                   [](const Flow& a, const Flow& b) { return a.day < b.day; });
  return t;
}

}  // namespace ccms::reporting::domain
