-- V007: what employment follows from records (issue 15 item 12): discharge approaching, standing
-- approvals.

-- Resettlement referrals due (docs/employment.md "Resettlement due"): records'
-- discharge_approaching opens one item per case; a SENT referral of the case satisfies it, staff
-- may decline it with a code, a closed case cancels it. The item reaches staff through the case's
-- district (it follows transfers).
CREATE TABLE resettlement_items (
  item_id         uuid PRIMARY KEY,
  case_id         uuid NOT NULL REFERENCES cases (case_id),
  status          text NOT NULL CHECK (status IN ('OPEN', 'SATISFIED', 'DECLINED', 'CANCELLED')),
  end_date        date NOT NULL,
  raised_on       date NOT NULL,
  due_on          date NOT NULL CHECK (due_on >= raised_on),
  closed_on       date CHECK ((status = 'OPEN') = (closed_on IS NULL)),
  referral_id     uuid REFERENCES referrals (referral_id),
  reason_code     text NOT NULL DEFAULT '',
  policy_version  text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'SATISFIED') = (referral_id IS NOT NULL))
);
-- At most one item per case that is not cancelled (a later end date moves the open one).
CREATE UNIQUE INDEX resettlement_items_one_per_case ON resettlement_items (case_id)
  WHERE status <> 'CANCELLED';
CREATE INDEX resettlement_items_open_by_due ON resettlement_items (due_on, item_id)
  WHERE status = 'OPEN';

-- Records' standing approval for routine cross-city work travel (Measures 2020 art. 29): the latest
-- granted and not revoked, from standing_approval_granted / _revoked. Matching names it for an
-- opening in another city (docs/employment.md "Openings and matching").
ALTER TABLE cases ADD COLUMN standing_approval_id text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN standing_approval_from date;
ALTER TABLE cases ADD COLUMN standing_approval_until date;
