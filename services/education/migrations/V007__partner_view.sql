-- The partner view of sessions (issue 14 item 14). Depends on V001 (cases) and V003 (sessions).
-- The given name partner agencies see for a case in the sessions they deliver, recorded by the
-- office: AES-256-GCM (kit PiiCipher, context "education.partner_view.given_name"), never on the
-- bus. No row for a minor (a minor's identity is never shown to a partner).
CREATE TABLE partner_view_names (
  case_id           uuid PRIMARY KEY REFERENCES cases (case_id),
  given_name_cipher bytea NOT NULL,
  recorded_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now()
);

-- A partner's sessions: the provider agency's, in start order (ListPartnerSessions).
CREATE INDEX sessions_by_provider ON sessions (provider_kind, provider_id, start_at, session_id);
