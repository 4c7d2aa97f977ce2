// The snapshot handlers of ReportServiceImpl (report_service.h): runs of report definitions kept
// as versions, publication, restatements and their diffs, exports. docs/reporting.md,
// "Snapshots and restatements" and "Exports".
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "services/reporting/domain/access.h"
#include "services/reporting/export.h"
#include "services/reporting/report_service.h"
#include "services/reporting/snapshot_codec.h"

namespace ccms::reporting {
namespace {

// Bounds of the request fields (hostile values are refused, never stored or echoed).
constexpr size_t kMaxReportIdBytes = 64;
constexpr int kMaxVersion = 1000000;
constexpr size_t kMaxOfficeBytes = 64;
constexpr int kMaxFileIndex = 1000;
constexpr int kMaxChunkIndex = 1000000;

// An office id of a snapshot's scope: letters, digits, '-' and '_' (it names the export's files).
bool IsOfficeId(const std::string& office) {
  if (office.empty() || office.size() > kMaxOfficeBytes) return false;
  for (char c : office) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

void FillTable(const domain::TableContent& t, v1::SnapshotTable* out) {
  out->set_id(t.id);
  out->set_title(t.title);
  out->set_breakdown(t.breakdown);
  for (const auto& i : t.indicator_ids) out->add_indicator_ids(i);
  for (const auto& h : t.headings) out->add_headings(h);
  for (size_t r = 0; r < t.keys.size(); ++r) {
    auto* row = out->add_rows();
    row->set_key(t.keys[r]);
    for (const auto& c : t.cells[r]) row->add_cells(c);
  }
  for (const auto& c : t.total) out->mutable_total()->add_cells(c);
}

void FillSnapshot(const StoredSnapshot& s, v1::Snapshot* out) {
  const domain::SnapshotContent& c = s.content;
  out->set_report_id(c.report_id);
  out->set_district_code(c.scope);
  out->set_office_id(c.office_id);
  if (s.as_known_at.has_value()) {
    *out->mutable_as_known_at() = grpc_util::ToProtoTimestamp(*s.as_known_at);
  }
  *out->mutable_period_start() = grpc_util::ToProtoDate(c.period.start);
  *out->mutable_period_end() = grpc_util::ToProtoDate(c.period.end);
  *out->mutable_as_of() = grpc_util::ToProtoDate(c.period.AsOf());
  out->set_version(s.version);
  out->set_definitions_version(c.definitions_version);
  out->set_reports_version(c.reports_version);
  out->set_policy_version(c.policy_version);
  for (const auto& p : s.positions) {
    auto* pos = out->add_positions();
    pos->set_topic(p.topic);
    pos->set_partition(p.partition);
    pos->set_next_offset(p.next_offset);
  }
  out->set_checksum(s.checksum);
  *out->mutable_computed_at() = grpc_util::ToProtoTimestamp(s.computed_at);
  if (s.published_at.has_value()) {
    *out->mutable_published_at() = grpc_util::ToProtoTimestamp(*s.published_at);
  }
  for (const auto& t : c.tables) FillTable(t, out->add_tables());
}

void FillChanges(const std::vector<domain::CellChange>& changes,
                 google::protobuf::RepeatedPtrField<v1::CellChange>* out) {
  for (const auto& ch : changes) {
    auto* c = out->Add();
    c->set_table_id(ch.table_id);
    c->set_row_key(ch.row_key);
    c->set_indicator_id(ch.indicator_id);
    c->set_before(ch.before);
    c->set_after(ch.after);
    c->set_total(ch.total);
  }
}

void VersionField(int version, const char* field,
                  std::vector<grpc_util::FieldViolation>* problems) {
  if (version < 0 || version > kMaxVersion) {
    problems->push_back({field, absl::StrCat("0 (the latest) or a version up to ", kMaxVersion)});
  }
}

bool IsChecksum(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)) || absl::ascii_isupper(c)) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<ReportServiceImpl::Target> ReportServiceImpl::ResolveTarget(
    const auth::Principal& principal, const std::string& report_id,
    const google::type::Date& period_day, const std::string& district_code,
    const std::string& office_id, std::vector<grpc_util::FieldViolation>* problems) {
  auto visible = domain::VisibleDistricts(principal);
  if (!visible.ok()) return visible.status();
  if (auto st = domain::MayReadSnapshots(principal, office_id); !st.ok()) return st;
  Target target;
  if (report_id.size() > kMaxReportIdBytes ||
      (target.report = reports_.Find(report_id)) == nullptr) {
    problems->push_back({"report_id", "unknown report (ListIndicators lists them)"});
  }
  auto day = grpc_util::DateField(period_day, "period_day", problems);
  grpc_util::DistrictFilterField(district_code, problems);
  if (!office_id.empty()) {
    if (!IsOfficeId(office_id)) {
      problems->push_back({"office_id", "letters, digits, - and _ only, at most 64 bytes"});
    } else if (district_code.empty()) {
      problems->push_back({"office_id", "an office's snapshot names its district_code"});
    }
  }
  if (!problems->empty()) return target;  // the caller answers the violations
  const absl::CivilDay on = day.value_or(time::ShanghaiDay(clock_.Now()));
  target.period = domain::PeriodContaining(target.report->period, on);
  target.key = {target.report->id, district_code, target.period.start, office_id};
  auto districts = domain::SnapshotDistricts(*visible, district_code);
  if (!districts.ok()) return districts.status();
  target.districts = *std::move(districts);
  return target;
}

absl::StatusOr<int> ReportServiceImpl::ResolveVersion(const SnapshotKey& key, int version) {
  if (version > 0) return version;
  auto versions = snapshots_.Versions(key);
  if (!versions.ok()) return versions.status();
  if (versions->empty()) return absl::NotFoundError("the report has not been run for this period");
  return versions->back().version;
}

absl::Status ReportServiceImpl::DoRunSnapshot(const auth::Principal& principal,
                                              const v1::RunSnapshotRequest& request,
                                              v1::RunSnapshotResponse* response) {
  if (auto st = domain::MayRunSnapshots(principal, request.office_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<grpc_util::FieldViolation> problems;
  auto target = ResolveTarget(principal, request.report_id(), request.period_day(),
                              request.district_code(), request.office_id(), &problems);
  if (!target.ok()) return target.status();
  bool bad_known_at = false;
  const std::optional<absl::Time> known_at =
      request.has_as_known_at()
          ? grpc_util::FromProtoTimestamp(request.as_known_at(), &bad_known_at)
          : std::nullopt;
  if (bad_known_at || (known_at.has_value() && *known_at > clock_.Now())) {
    problems.push_back({"as_known_at", "a valid instant, not in the future"});
  }
  if (!problems.empty()) return grpc_util::InvalidArgumentWithViolations(problems);
  if (auto st = RefuseWhileCatchingUp(); !st.ok()) return st;
  const SnapshotKey& key = target->key;

  if (auto st = snapshots_.Lock(key); !st.ok()) return st;
  // As known at an instant: each case's time line rebuilt from the occurrences recorded by then
  // (as RunReport does); otherwise the projections as they stand, the states on the as-of day
  // counted in the SQL by every dimension a table of the report reads.
  CountedInput counted;
  if (known_at.has_value()) {
    auto slices = store_.LoadKnownAt(*known_at, target->districts, key.office_id);
    if (!slices.ok()) return slices.status();
    counted.flows = *std::move(slices);
  } else {
    std::set<std::string> dimensions;
    for (const auto& t : target->report->tables) {
      std::vector<const domain::IndicatorDef*> defs;
      for (const auto& id : t.indicator_ids) defs.push_back(defs_.Find(id));
      dimensions.merge(domain::StockDimensions(defs, t.breakdown));
    }
    auto loaded = store_.LoadCounted(target->period, target->districts, key.office_id, dimensions);
    if (!loaded.ok()) return loaded.status();
    counted = *std::move(loaded);
  }
  auto positions = snapshots_.AppliedPositions(consumer_group_);
  if (!positions.ok()) return positions.status();
  domain::ReportInput input;
  for (const auto& s : counted.flows) {
    input.case_ids.push_back(s.case_id);
    input.timelines.push_back(&s.timeline);
  }
  if (!known_at.has_value()) input.stock = &counted.states;
  StoredSnapshot next;
  next.content =
      domain::ComputeSnapshot(*target->report, reports_, defs_, target->period, key.scope, input,
                              target->districts, minor_threshold_, key.office_id);
  next.canonical = CanonicalText(next.content);
  next.checksum = Sha256Hex(next.canonical);
  next.positions = *std::move(positions);
  next.computed_at = clock_.Now();
  next.as_known_at = known_at;

  auto versions = snapshots_.Versions(key);
  if (!versions.ok()) return versions.status();
  const SnapshotVersionInfo* latest = versions->empty() ? nullptr : &versions->back();
  const SnapshotVersionInfo* published = nullptr;
  for (const auto& v : *versions) {
    if (v.published_at.has_value()) published = &v;
  }
  if (latest != nullptr && latest->published_at.has_value() && latest->checksum == next.checksum) {
    // Nothing changed since the published version: it stays the answer, no version is added.
    auto current = snapshots_.Get(key, latest->version);
    if (!current.ok()) return current.status();
    if (auto st = snapshots_.AuditUnchanged(key, latest->version, principal, request.request_id());
        !st.ok()) {
      return st;
    }
    FillSnapshot(*current, response->mutable_snapshot());
    response->set_unchanged(true);
    response->set_compared_version(latest->version);
    return absl::OkStatus();
  }
  const bool replace = latest != nullptr && !latest->published_at.has_value();
  next.version = latest == nullptr ? 1 : (replace ? latest->version : latest->version + 1);
  if (auto st = snapshots_.Save(key, next, replace, principal, request.request_id()); !st.ok()) {
    return st;
  }
  if (published != nullptr) {
    auto before = snapshots_.Get(key, published->version);
    if (!before.ok()) return before.status();
    FillChanges(domain::DiffSnapshots(before->content, next.content), response->mutable_changes());
    response->set_compared_version(published->version);
  }
  FillSnapshot(next, response->mutable_snapshot());
  return absl::OkStatus();
}

absl::Status ReportServiceImpl::DoPublishReport(const auth::Principal& principal,
                                                const v1::PublishReportRequest& request,
                                                v1::PublishReportResponse* response) {
  if (auto st = domain::MayWriteSnapshots(principal); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<grpc_util::FieldViolation> problems;
  auto target = ResolveTarget(principal, request.report_id(), request.period_day(),
                              request.district_code(), request.office_id(), &problems);
  if (!target.ok()) return target.status();
  if (request.version() < 1 || request.version() > kMaxVersion) {
    problems.push_back({"version", absl::StrCat("a version from 1 to ", kMaxVersion)});
  }
  if (!IsChecksum(request.checksum())) {
    problems.push_back({"checksum", "the version's checksum: 64 lower-case hex digits"});
  }
  if (!problems.empty()) return grpc_util::InvalidArgumentWithViolations(problems);
  const SnapshotKey& key = target->key;
  if (auto st = snapshots_.Lock(key); !st.ok()) return st;
  auto current = snapshots_.Get(key, request.version());
  if (!current.ok()) return current.status();
  if (current->checksum != request.checksum()) {
    return absl::FailedPreconditionError("the checksum is not the version's (it was run again?)");
  }
  if (auto st = snapshots_.Publish(key, request.version(), principal, request.request_id());
      !st.ok()) {
    return st;
  }
  auto published = snapshots_.Get(key, request.version());
  if (!published.ok()) return published.status();
  FillSnapshot(*published, response->mutable_snapshot());
  return absl::OkStatus();
}

absl::Status ReportServiceImpl::DoGetReport(const auth::Principal& principal,
                                            const v1::GetReportRequest& request,
                                            v1::GetReportResponse* response) {
  std::vector<grpc_util::FieldViolation> problems;
  auto target = ResolveTarget(principal, request.report_id(), request.period_day(),
                              request.district_code(), request.office_id(), &problems);
  if (!target.ok()) return target.status();
  VersionField(request.version(), "version", &problems);
  if (!problems.empty()) return grpc_util::InvalidArgumentWithViolations(problems);
  auto versions = snapshots_.Versions(target->key);
  if (!versions.ok()) return versions.status();
  if (versions->empty()) return absl::NotFoundError("the report has not been run for this period");
  const int version = request.version() == 0 ? versions->back().version : request.version();
  auto snapshot = snapshots_.Get(target->key, version);
  if (!snapshot.ok()) return snapshot.status();
  FillSnapshot(*snapshot, response->mutable_snapshot());
  for (const auto& v : *versions) {
    auto* out = response->add_versions();
    out->set_version(v.version);
    out->set_checksum(v.checksum);
    *out->mutable_computed_at() = grpc_util::ToProtoTimestamp(v.computed_at);
    if (v.published_at.has_value()) {
      *out->mutable_published_at() = grpc_util::ToProtoTimestamp(*v.published_at);
    }
    if (v.as_known_at.has_value()) {
      *out->mutable_as_known_at() = grpc_util::ToProtoTimestamp(*v.as_known_at);
    }
  }
  return absl::OkStatus();
}

absl::Status ReportServiceImpl::DoDiffReport(const auth::Principal& principal,
                                             const v1::DiffReportRequest& request,
                                             v1::DiffReportResponse* response) {
  std::vector<grpc_util::FieldViolation> problems;
  auto target = ResolveTarget(principal, request.report_id(), request.period_day(),
                              request.district_code(), request.office_id(), &problems);
  if (!target.ok()) return target.status();
  VersionField(request.from_version(), "from_version", &problems);
  VersionField(request.to_version(), "to_version", &problems);
  if (!problems.empty()) return grpc_util::InvalidArgumentWithViolations(problems);
  auto to = ResolveVersion(target->key, request.to_version());
  if (!to.ok()) return to.status();
  const int from = request.from_version() == 0 ? *to - 1 : request.from_version();
  if (from < 1) return absl::NotFoundError("no version before the one asked");
  auto before = snapshots_.Get(target->key, from);
  if (!before.ok()) return before.status();
  auto after = snapshots_.Get(target->key, *to);
  if (!after.ok()) return after.status();
  response->set_from_version(from);
  response->set_to_version(*to);
  FillChanges(domain::DiffSnapshots(before->content, after->content), response->mutable_changes());
  return absl::OkStatus();
}

absl::Status ReportServiceImpl::DoExportReport(const auth::Principal& principal,
                                               const v1::ExportReportRequest& request,
                                               v1::ExportReportResponse* response) {
  std::vector<grpc_util::FieldViolation> problems;
  auto target = ResolveTarget(principal, request.report_id(), request.period_day(),
                              request.district_code(), request.office_id(), &problems);
  if (!target.ok()) return target.status();
  VersionField(request.version(), "version", &problems);
  if (request.format() != v1::EXPORT_FORMAT_CSV && request.format() != v1::EXPORT_FORMAT_XLSX) {
    problems.push_back({"format", "CSV or XLSX"});
  }
  if (!problems.empty()) return grpc_util::InvalidArgumentWithViolations(problems);
  auto version = ResolveVersion(target->key, request.version());
  if (!version.ok()) return version.status();
  auto snapshot = snapshots_.Get(target->key, *version);
  if (!snapshot.ok()) return snapshot.status();
  response->set_version(snapshot->version);
  response->set_checksum(snapshot->checksum);
  auto files = ExportFiles(snapshot->content, ExportStem(snapshot->content, snapshot->version),
                           request.format() == v1::EXPORT_FORMAT_XLSX);
  if (!files.ok()) return files.status();
  for (auto& file : *files) {
    auto* f = response->add_files();
    f->set_name(std::move(file.name));
    f->set_media_type(std::move(file.media_type));
    f->set_content(std::move(file.content));
  }
  return absl::OkStatus();
}

absl::Status ReportServiceImpl::DoStartExport(const auth::Principal& principal,
                                              const v1::StartExportRequest& request,
                                              v1::StartExportResponse* response) {
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<grpc_util::FieldViolation> problems;
  auto target = ResolveTarget(principal, request.report_id(), request.period_day(),
                              request.district_code(), request.office_id(), &problems);
  if (!target.ok()) return target.status();
  VersionField(request.version(), "version", &problems);
  if (request.format() != v1::EXPORT_FORMAT_CSV && request.format() != v1::EXPORT_FORMAT_XLSX) {
    problems.push_back({"format", "CSV or XLSX"});
  }
  if (!problems.empty()) return grpc_util::InvalidArgumentWithViolations(problems);
  auto version = ResolveVersion(target->key, request.version());
  if (!version.ok()) return version.status();
  auto versions = snapshots_.Versions(target->key);
  if (!versions.ok()) return versions.status();
  if (std::none_of(versions->begin(), versions->end(),
                   [&](const SnapshotVersionInfo& v) { return v.version == *version; })) {
    return absl::NotFoundError("no such version of the report");
  }
  ExportJob job;
  job.job_id = ids::NewUuid();
  job.key = target->key;
  job.version = *version;
  job.format = request.format() == v1::EXPORT_FORMAT_XLSX ? "XLSX" : "CSV";
  job.requested_by = principal.subject;
  if (auto st = jobs_.Queue(job); !st.ok()) return st;
  response->set_job_id(job.job_id);
  return absl::OkStatus();
}

absl::Status ReportServiceImpl::DoGetExportJob(const auth::Principal& principal,
                                               const v1::GetExportJobRequest& request,
                                               v1::GetExportJobResponse* response) {
  auto visible = domain::VisibleDistricts(principal);
  if (!visible.ok()) return visible.status();
  if (!ids::IsUuid(request.job_id())) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"job_id", "a job id from StartExport (a UUID)"}});
  }
  // Scoped in the SQL: a job of a district outside the token (or the city's, for a caller who
  // does not see every district; or another office's, or a whole district's, for office staff of
  // one office) does not exist for the caller. An expired job is NOT_FOUND naming its expiry.
  auto job = jobs_.Get(absl::AsciiStrToLower(request.job_id()), *visible,
                       domain::VisibleOffice(principal), clock_.Now());
  if (!job.ok()) return job.status();
  response->set_office_id(job->key.office_id);
  response->set_job_id(job->job_id);
  if (job->state == "QUEUED") {
    response->set_state(v1::EXPORT_JOB_STATE_QUEUED);
  } else if (job->state == "RUNNING") {
    response->set_state(v1::EXPORT_JOB_STATE_RUNNING);
  } else if (job->state == "DONE") {
    response->set_state(v1::EXPORT_JOB_STATE_DONE);
  } else {
    response->set_state(v1::EXPORT_JOB_STATE_FAILED);
  }
  response->set_rows_done(job->rows_done);
  response->set_rows_total(job->rows_total);
  response->set_version(job->version);
  response->set_checksum(job->checksum);
  response->set_failure(job->failure);
  *response->mutable_created_at() = grpc_util::ToProtoTimestamp(job->created_at);
  if (job->finished_at.has_value()) {
    *response->mutable_finished_at() = grpc_util::ToProtoTimestamp(*job->finished_at);
  }
  if (job->expires_at.has_value()) {
    *response->mutable_expires_at() = grpc_util::ToProtoTimestamp(*job->expires_at);
  }
  for (auto& file : job->files) {
    auto* f = response->add_files();
    f->set_name(std::move(file.name));
    f->set_media_type(std::move(file.media_type));
    f->set_size_bytes(file.size_bytes);
    f->set_chunk_count(file.chunk_count);
  }
  return absl::OkStatus();
}

absl::Status ReportServiceImpl::DoGetExportChunk(const auth::Principal& principal,
                                                 const v1::GetExportChunkRequest& request,
                                                 v1::GetExportChunkResponse* response) {
  auto visible = domain::VisibleDistricts(principal);
  if (!visible.ok()) return visible.status();
  std::vector<grpc_util::FieldViolation> problems;
  if (!ids::IsUuid(request.job_id())) {
    problems.push_back({"job_id", "a job id from StartExport (a UUID)"});
  }
  if (request.file_index() < 0 || request.file_index() > kMaxFileIndex) {
    problems.push_back({"file_index", absl::StrCat("a file of the job, 0 to ", kMaxFileIndex)});
  }
  if (request.chunk_index() < 0 || request.chunk_index() > kMaxChunkIndex) {
    problems.push_back({"chunk_index", absl::StrCat("a chunk of the file, 0 to ", kMaxChunkIndex)});
  }
  if (!problems.empty()) return grpc_util::InvalidArgumentWithViolations(problems);
  // Scoped and expiring as GetExportJob, in the SQL.
  const std::string job_id = absl::AsciiStrToLower(request.job_id());
  auto chunk = jobs_.GetChunk(job_id, *visible, domain::VisibleOffice(principal), clock_.Now(),
                              request.file_index(), request.chunk_index());
  if (!chunk.ok()) return chunk.status();
  response->set_job_id(job_id);
  response->set_file_index(request.file_index());
  response->set_chunk_index(request.chunk_index());
  response->set_chunk_count(chunk->chunk_count);
  response->set_name(std::move(chunk->name));
  response->set_content(std::move(chunk->content));
  return absl::OkStatus();
}

CCMS_UNARY_HANDLER(ReportServiceImpl, StartExport)
CCMS_UNARY_HANDLER(ReportServiceImpl, GetExportJob)
CCMS_UNARY_HANDLER(ReportServiceImpl, GetExportChunk)
CCMS_UNARY_HANDLER(ReportServiceImpl, RunSnapshot)
CCMS_UNARY_HANDLER(ReportServiceImpl, PublishReport)
CCMS_UNARY_HANDLER(ReportServiceImpl, GetReport)
CCMS_UNARY_HANDLER(ReportServiceImpl, DiffReport)
CCMS_UNARY_HANDLER(ReportServiceImpl, ExportReport)

}  // namespace ccms::reporting
