#include "services/employment/pg_partner_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "ccms/employment/v1/partner_service.pb.h"
#include "common/db/audit.h"
#include "common/db/scope.h"

namespace ccms::employment {
namespace {

using db::Name;

#define CCMS_PARTNER_COLUMNS                                                                  \
  "p.partner_id::text, p.agency_id, p.name, p.kind, p.district_code,"                         \
  " array_to_string(p.districts_served, ','), p.contacts_enc, p.status, p.suspension_reason," \
  " p.registered_by, (extract(epoch FROM p.created_at) * 1000000)::bigint,"                   \
  " (extract(epoch FROM p.updated_at) * 1000000)::bigint"

// Visible: the caller's districts hold the registering district or one the partner serves.
#define CCMS_PARTNER_VISIBLE \
  " ($2::boolean OR p.district_code = ANY($3::text[]) OR p.districts_served && $3::text[])"

constexpr db::Query kGetPartner = {"employment_get_partner",
                                   "SELECT " CCMS_PARTNER_COLUMNS
                                   " FROM partners p WHERE p.partner_id = $1::uuid"
                                   " AND" CCMS_PARTNER_VISIBLE};
// Changed only by staff of the registering district.
constexpr db::Query kLockPartner = {
    "employment_lock_partner",
    "SELECT " CCMS_PARTNER_COLUMNS
    " FROM partners p WHERE p.partner_id = $1::uuid"
    " AND ($2::boolean OR p.district_code = ANY($3::text[])) FOR UPDATE"};
constexpr db::Query kListPartners = {
    "employment_list_partners",
    "SELECT " CCMS_PARTNER_COLUMNS " FROM partners p WHERE" CCMS_PARTNER_VISIBLE
    " AND ($1 = '' OR p.district_code = $1 OR $1 = ANY(p.districts_served))"
    " AND ($4 = '' OR p.kind = $4) AND ($5 = '' OR p.status = $5)"
    " AND ($6 = '' OR p.partner_id > NULLIF($6, '')::uuid) ORDER BY p.partner_id LIMIT $7"};
constexpr db::Query kAgencyExists = {"employment_agency_exists",
                                     "SELECT status FROM partners WHERE agency_id = $1"};
constexpr db::Query kInsertPartner = {
    "employment_insert_partner",
    "INSERT INTO partners (partner_id, agency_id, name, kind, district_code, districts_served,"
    " contacts_enc, status, registered_by, created_at, updated_at) VALUES ($1::uuid, $2, $3, $4,"
    " $5, string_to_array($6, ','), $7, 'ACTIVE', $8, to_timestamp($9::bigint / 1000000.0),"
    " to_timestamp($9::bigint / 1000000.0))"};
constexpr db::Query kUpdatePartnerStatus = {
    "employment_update_partner_status",
    "UPDATE partners SET status = $2, suspension_reason = $3, updated_at = now()"
    " WHERE partner_id = $1::uuid"};

std::string ContactsBlob(const std::vector<PartnerContactRecord>& contacts) {
  v1::Partner p;
  for (const auto& c : contacts) {
    v1::PartnerContact* pc = p.add_contacts();
    pc->set_name(c.name);
    pc->set_phone(c.phone);
    pc->set_email(c.email);
    pc->set_title(c.title);
  }
  return p.SerializeAsString();
}

void AuditRefusal(db::ConnectionPool& pool, const auth::Principal& principal,
                  std::string_view method, const absl::Status& st, const std::string& request_id) {
  if (st.code() != absl::StatusCode::kNotFound) return;
  (void)pool.InSeparateTransaction(
      [principal, method = std::string(method), request_id](pqxx::work& tx) {
        db::AppendAudit(tx, principal, method, "", "NOT_FOUND", request_id);
        return absl::OkStatus();
      });
}

}  // namespace

absl::StatusOr<PartnerRecord> PgPartnerStore::FromRow(const pqxx::row& r) const {
  PartnerRecord p;
  p.partner_id = r[0].as<std::string>();
  p.agency_id = r[1].as<std::string>();
  p.name = r[2].as<std::string>();
  p.kind = r[3].as<std::string>();
  p.district_code = r[4].as<std::string>();
  const std::string served = r[5].as<std::string>();
  if (!served.empty()) p.districts_served = absl::StrSplit(served, ',');
  const std::string blob = pqxx::binarystring(r[6]).str();
  auto plain = cipher_.Decrypt(blob, kContactsContext);
  if (!plain.ok()) return plain.status();
  v1::Partner contacts;
  if (!contacts.ParseFromString(*plain)) return absl::DataLossError("cannot read the contacts");
  for (const auto& c : contacts.contacts()) {
    p.contacts.push_back({c.name(), c.phone(), c.email(), c.title()});
  }
  p.status = r[7].as<std::string>();
  p.suspension_reason = r[8].as<std::string>();
  p.registered_by = r[9].as<std::string>();
  p.created_at = absl::FromUnixMicros(r[10].as<int64_t>());
  p.updated_at = absl::FromUnixMicros(r[11].as<int64_t>());
  return p;
}

absl::StatusOr<PartnerRecord> PgPartnerStore::Register(
    const auth::Principal& principal, const PartnerRecord& partner,
    const std::vector<events::v1::Envelope>& events, const std::string& request_id) {
  PartnerRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    if (!tx.exec_prepared(Name(kAgencyExists), partner.agency_id).empty()) {
      return absl::AlreadyExistsError("a partner with this agency id is registered already");
    }
    const std::string blob = cipher_.Encrypt(ContactsBlob(partner.contacts), kContactsContext);
    tx.exec_prepared(Name(kInsertPartner), partner.partner_id, partner.agency_id, partner.name,
                     partner.kind, partner.district_code,
                     absl::StrJoin(partner.districts_served, ","), pqxx::binarystring(blob),
                     partner.registered_by, absl::ToUnixMicros(partner.created_at));
    for (const auto& e : events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    db::AppendAudit(tx, principal, "RegisterPartner", "", "OK", request_id);
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kGetPartner), partner.partner_id, true, scope.districts);
    if (r.empty()) return absl::InternalError("partner row missing after insert");
    auto rec = FromRow(r[0]);
    if (!rec.ok()) return rec.status();
    out = *std::move(rec);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (!events.empty() && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<PartnerRecord> PgPartnerStore::Mutate(const auth::Principal& principal,
                                                     const std::string& partner_id,
                                                     std::string_view method,
                                                     const std::string& request_id,
                                                     const PartnerDecision& decide) {
  PartnerRecord out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kLockPartner), partner_id, scope.all, scope.districts);
    if (r.empty()) return absl::NotFoundError("partner not found");
    auto current = FromRow(r[0]);
    if (!current.ok()) return current.status();
    auto write = decide(*current);
    if (!write.ok()) return write.status();
    tx.exec_prepared(Name(kUpdatePartnerStatus), partner_id, write->status,
                     write->suspension_reason);
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, method, "", "OK", request_id);
    pqxx::result after = tx.exec_prepared(Name(kGetPartner), partner_id, true, scope.districts);
    if (after.empty()) return absl::InternalError("partner row missing after update");
    auto rec = FromRow(after[0]);
    if (!rec.ok()) return rec.status();
    out = *std::move(rec);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, method, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<PartnerRecord> PgPartnerStore::Get(const auth::Principal& principal,
                                                  const std::string& partner_id) {
  PartnerRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kGetPartner), partner_id, scope.all, scope.districts);
    if (r.empty()) return absl::NotFoundError("partner not found");
    auto rec = FromRow(r[0]);
    if (!rec.ok()) return rec.status();
    out = *std::move(rec);
    db::AppendAudit(tx, principal, "GetPartner", "", "OK", "");
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "GetPartner", st, "");
    return st;
  }
  return out;
}

absl::StatusOr<PartnerPage> PgPartnerStore::List(const auth::Principal& principal,
                                                 const PartnerFilter& f) {
  PartnerPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kListPartners), f.district_code, scope.all, scope.districts, f.kind,
                         f.status, f.after_partner_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_partner_id = page.items.back().partner_id;
        break;
      }
      auto rec = FromRow(row);
      if (!rec.ok()) return rec.status();
      page.items.push_back(*std::move(rec));
    }
    db::AppendAudit(tx, principal, "ListPartners", "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<std::string> PgPartnerStore::AgencyStatus(const std::string& agency_id) {
  std::string status;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    pqxx::result r = tx.exec_prepared(Name(kAgencyExists), agency_id);
    if (r.empty()) return absl::NotFoundError("agency not registered");
    status = r[0][0].as<std::string>();
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return status;
}

std::vector<db::Query> PgPartnerStore::Queries() {
  return {kGetPartner,   kLockPartner,   kListPartners,
          kAgencyExists, kInsertPartner, kUpdatePartnerStatus};
}

}  // namespace ccms::employment
