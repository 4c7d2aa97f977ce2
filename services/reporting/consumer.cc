#include "services/reporting/consumer.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth/principal.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/worklist_events.h"

namespace ccms::reporting {
namespace {

// The never-reported and contact rows of the rebuilt cases, from their clocks (a closed case
// leaves every worklist; an unopened one has nothing to schedule).
absl::Status RecomputeClocks(PgWorklistStore& worklists, pqxx::work& tx,
                             const std::vector<RebuiltCase>& rebuilt) {
  std::vector<PgWorklistStore::CaseClockRow> clocks;
  for (const RebuiltCase& c : rebuilt) {
    if (!c.timeline.opened) continue;  // no projection: nothing to schedule
    clocks.push_back(
        {c.case_id, domain::ClockDistrict(c.timeline), domain::ClockOf(c.timeline, c.occurrences)});
  }
  return worklists.RecomputeCasesInTransaction(tx, clocks);
}

// How long ago the newest event of the batch was recorded (zero when none says).
absl::Duration Behind(const std::vector<const events::v1::Envelope*>& events) {
  std::optional<absl::Time> newest;
  for (const events::v1::Envelope* e : events) {
    bool invalid = false;
    auto t = grpc_util::FromProtoTimestamp(e->recorded_at(), &invalid);
    if (t.has_value() && !invalid && (!newest.has_value() || *t > *newest)) newest = t;
  }
  return newest.has_value() ? absl::Now() - *newest : absl::ZeroDuration();
}

}  // namespace

absl::Status ProjectionConsumer::Handle(pqxx::work& tx, const events::v1::Envelope& event) {
  return HandleBatch(tx, {&event});
}

absl::Status ProjectionConsumer::HandleBatch(
    pqxx::work& tx, const std::vector<const events::v1::Envelope*>& events) {
  std::lock_guard<std::mutex> lock(mu_);
  last_batch_nanos_ = absl::ToUnixNanos(absl::Now());
  // What each event tells the projections and the worklists, in the batch's order.
  std::vector<std::pair<std::string, domain::Occurrence>> occurrences;
  struct Follow {
    const events::v1::Envelope* event;
    WorklistEvent worklist;
  };
  std::vector<Follow> follows;
  for (const events::v1::Envelope* e : events) {
    const events::v1::Envelope& event = *e;
    bool malformed = false;
    auto occurrence = TranslateEvent(event, &malformed);
    bool worklist_malformed = false;
    WorklistEvent worklist = TranslateWorklistEvent(event, &worklist_malformed);
    const bool follows_worklist =
        !worklist.changes.empty() || worklist.fact.has_value() || worklist.term_end.has_value();
    const bool case_ok = ids::IsUuid(event.case_id());
    bool skipped = malformed || worklist_malformed;
    if (occurrence.has_value()) {
      if (case_ok && auth::IsDistrictCode(occurrence->district)) {
        occurrences.emplace_back(event.case_id(), *std::move(occurrence));
      } else {
        skipped = true;
      }
    }
    if (follows_worklist) {
      if (case_ok && auth::IsDistrictCode(event.district_code())) {
        follows.push_back({e, std::move(worklist)});
      } else {
        skipped = true;
      }
    }
    if (skipped) {
      // Kept in the inbox and skipped: retrying cannot fix a bad payload.
      log::Warn("reporting_event_malformed",
                {{"event_id", event.event_id()}, {"type", event.type()}});
    }
  }
  // Catch-up mode: a batch while catching up only keeps what it brings; the last of
  // short_batches_to_end batches in a row short of full (the end of the topics) builds every
  // dirty case first, then takes the normal path below.
  auto active = store_.CatchingUpInTransaction(tx, false);
  if (!active.ok()) return active.status();
  bool catching_up = *active;
  SizeBatches(catching_up && options_.enabled);
  const bool full = static_cast<int>(events.size()) >= options_.max_batch;
  short_batches_ = full ? 0 : short_batches_ + 1;
  if (options_.enabled) {
    if (!catching_up && full && options_.enter_behind > absl::ZeroDuration() &&
        Behind(events) > options_.enter_behind) {
      if (auto st = store_.StartCatchUpInTransaction(tx, "backlog"); !st.ok()) return st;
      log::Info("projections_catch_up_started", {{"reason", "backlog"}});
      catching_up = true;
      SizeBatches(true);
    }
    if (catching_up && short_batches_ < options_.short_batches_to_end) {
      if (auto st = store_.KeepBatchInTransaction(tx, occurrences); !st.ok()) return st;
      for (const Follow& f : follows) {
        if (auto st = worklists_.ApplyInTransaction(tx, f.event->event_id(), f.event->case_id(),
                                                    f.worklist);
            !st.ok()) {
          return st;
        }
      }
      // Last, and locked until this transaction commits: the mode cannot end under the marks
      // just made. Ended meanwhile (another replica reached the end): the normal path below
      // builds this batch's cases (its occurrences are kept already, its worklist changes made).
      auto still = store_.CatchingUpInTransaction(tx, true);
      if (!still.ok()) return still.status();
      if (*still) return absl::OkStatus();
      std::vector<std::string> marked;
      for (const auto& [case_id, o] : occurrences) marked.push_back(case_id);
      store_.CleanInTransaction(tx, marked);
      follows.clear();
    }
  }
  if (catching_up) {
    auto built = FinishLocked();
    if (!built.ok()) return built.status();
  }
  // 1. The occurrences and the time lines and projections of the cases they touch.
  auto rebuilt = store_.ApplyBatchInTransaction(tx, occurrences);
  if (!rebuilt.ok()) return rebuilt.status();
  // 2. The worklist changes, event by event in order (their upserts skip a case the projection
  // now shows closed; their kinds are never the clock's).
  for (const Follow& f : follows) {
    if (auto st =
            worklists_.ApplyInTransaction(tx, f.event->event_id(), f.event->case_id(), f.worklist);
        !st.ok()) {
      return st;
    }
  }
  // 3. The touched cases' never-reported and contact rows, from their clocks; a closed case
  // leaves every worklist. Last, as when each event recomputed its case after its projection:
  // the end state is the same.
  return RecomputeClocks(worklists_, tx, *rebuilt);
}

void ProjectionConsumer::SetBatchSizer(std::function<void(int)> sizer) {
  std::lock_guard<std::mutex> lock(mu_);
  sizer_ = std::move(sizer);
  sized_ = 0;
}

void ProjectionConsumer::SizeBatches(bool catching_up) {
  const int want =
      catching_up ? std::max(options_.max_batch, options_.catch_up_batch) : options_.max_batch;
  if (!sizer_ || want == sized_) return;
  sizer_(want);
  sized_ = want;
}

absl::StatusOr<int64_t> ProjectionConsumer::BuildClosed() {
  std::lock_guard<std::mutex> lock(build_mu_);
  int64_t built = 0;
  const absl::Time start = absl::Now();
  const int chunk = std::max(1, options_.early_chunk);
  while (!finishing_) {
    size_t taken = 0;
    absl::Status st = finish_pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
      auto active = store_.CatchingUpInTransaction(tx, false);
      if (!active.ok()) return active.status();
      if (!*active) return absl::OkStatus();
      auto rebuilt = store_.BuildDirtyInTransaction(tx, chunk, /*closed_only=*/true);
      if (!rebuilt.ok()) return rebuilt.status();
      taken = rebuilt->size();
      return RecomputeClocks(worklists_, tx, *rebuilt);
    });
    if (!st.ok()) return st;
    built += static_cast<int64_t>(taken);
    catch_up_built_ += static_cast<int64_t>(taken);
    if (static_cast<int>(taken) < chunk) break;
  }
  if (built > 0) {
    log::Info("projections_catch_up_built_closed",
              {{"cases", absl::StrCat(built)},
               {"ms", absl::StrCat(absl::ToInt64Milliseconds(absl::Now() - start))}});
  }
  return built;
}

absl::StatusOr<int64_t> ProjectionConsumer::FinishCatchUp() {
  std::lock_guard<std::mutex> lock(mu_);
  return FinishLocked();
}

absl::StatusOr<int64_t> ProjectionConsumer::FinishLocked() {
  // A BuildClosed under way stops after its chunk: the cases it holds would keep the end from
  // seeing the dirty set empty.
  finishing_ = true;
  std::lock_guard<std::mutex> building(build_mu_);
  finishing_ = false;
  const absl::Time start = absl::Now();
  int64_t built = 0;
  int idle_rounds = 0;
  bool ended = false, was_active = false;
  while (!ended) {
    size_t taken = 0;
    absl::Status st = finish_pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
      auto active = store_.CatchingUpInTransaction(tx, false);
      if (!active.ok()) return active.status();
      if (!*active) {
        ended = true;
        return absl::OkStatus();
      }
      was_active = true;
      auto rebuilt = store_.BuildDirtyInTransaction(tx, options_.chunk);
      if (!rebuilt.ok()) return rebuilt.status();
      taken = rebuilt->size();
      if (auto s = RecomputeClocks(worklists_, tx, *rebuilt); !s.ok()) return s;
      if (static_cast<int>(taken) < options_.chunk) {
        auto end = store_.EndCatchUpInTransaction(tx);
        if (!end.ok()) return end.status();
        ended = *end;
      }
      return absl::OkStatus();
    });
    if (!st.ok()) return st;
    built += static_cast<int64_t>(taken);
    catch_up_built_ += static_cast<int64_t>(taken);
    // Cases held by other transactions (another replica still marking): a few more rounds, then
    // the next batch or idle check finishes.
    if (!ended && taken == 0 && ++idle_rounds >= 3) break;
  }
  if (ended) SizeBatches(false);
  if (was_active) {
    log::Info("projections_catch_up_built",
              {{"cases", absl::StrCat(built)},
               {"ended", ended ? "true" : "false"},
               {"ms", absl::StrCat(absl::ToInt64Milliseconds(absl::Now() - start))}});
  }
  return built;
}

}  // namespace ccms::reporting
