"""Two years of one programme, generated in PostgreSQL with set-based SQL, for `reports_bench`.

The shape, for a scale of M members, O organisations, C contributions and T transfers:

- Organisations: 70% community groups, 15% venues, 15% both; all approved in the programme. Each
  group runs four activities (the nine activity types in turn); each venue has three offers.
- Members: areas (40 postcode districts, some much bigger than others), age bands, genders and
  "new to volunteering" drawn at random; 70% consent to anonymous reports. A member joined the
  programme at most a month before their first contribution.
- Sessions: about C / 10, of one to four hours, more of them as the programme grows (a bit over
  half fall in the last year). Contributions: C distinct (member, session) pairs, the members
  skewed so that a few are regulars and many come now and then; 4% rejected, half of the last
  three weeks' still waiting, the rest approved, each of 30 minutes up to the session's length.
- Transfers, exactly T of them: an `earn` from the group's account to the member for every
  approved contribution (minutes = credited minutes, 60 per credit); quarterly `allocate`s from the
  issuance shards that cover each group's earnings; and, each drawing on half of one earlier
  earning, so no member's balance ever goes below zero, `spend`s (a hold then its posting, with a
  completed redemption of a venue's offer), `gift`s to other members, `donate`s to groups or the
  pool, `expire`s, and a few reversals of expiries.

Loading 5 million transfers row by row through the ledger's trigger (ledger/guarantees.py) would
take hours, so the transfers are inserted with triggers off (`session_replication_role =
replica`, which needs a superuser) after computing what the trigger would have written: each
transfer's balances after, by a running sum per account in id order, and each account's totals.
`verify` then checks the result with `ledger_verify` and checks the references that the foreign
key triggers, also off, would have checked.
"""

import datetime
import time
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone

from ledger.verify import ledger_verify
from timecredits.credits.services.accounts import programme_accounts_open
from timecredits.members.models import User
from timecredits.programmes.models import Programme, ProgrammeRole
from timecredits.reports import facts

SLUG = "bench-reports"


class Scale(NamedTuple):
    members: int
    organisations: int
    contributions: int
    transfers: int


# Each statement runs once, in order; %(name)s are parameters, %% a literal percent sign.
_PEOPLE = [
    (
        "organisations",
        """
        INSERT INTO partners_organisation (name, slug, kind, description, contact_email,
            contact_phone, website, address, postcode, area, created_at, auto_approve_checkins)
        SELECT 'Bench organisation ' || g, 'bench-organisation-' || g,
               CASE WHEN g %% 20 < 14 THEN 'group' WHEN g %% 20 < 17 THEN 'venue' ELSE 'both' END,
               '', '', '', '', '', '', 'RV' || (1 + g %% 40), %(start)s, false
          FROM generate_series(1, %(organisations)s) AS g;
        INSERT INTO partners_participation (status, requested_at, decided_at, organisation_id,
            programme_id)
        SELECT 'approved', %(start)s, %(start)s, id, %(programme)s FROM partners_organisation;
        INSERT INTO activities_activity (title, description, type, category, organisation_id,
            programme_id, created_at)
        SELECT 'Activity ' || k || ' of ' || o.name, '',
               (ARRAY['formal_volunteering', 'informal_help', 'peer_support', 'befriending',
                      'mentoring', 'community_organising', 'co_production',
                      'civic_participation', 'mutual_aid'])[1 + (4 * o.id + k) %% 9],
               '', o.id, %(programme)s, %(start)s
          FROM partners_organisation o CROSS JOIN generate_series(0, 3) AS k
         WHERE o.kind IN ('group', 'both');
        INSERT INTO partners_offer (title, description, cost_minutes, category, days_of_week,
            capacity_period, member_limit_period, accessibility, photo, active, created_at,
            updated_at, organisation_id)
        SELECT 'Offer ' || k || ' at ' || o.name, '', 60 * (k + 1),
               (ARRAY['leisure', 'culture', 'learning', 'food', 'health', 'other'])
                   [1 + (o.id + k) %% 6],
               127, '', '', '', '', true, %(start)s, %(start)s, o.id
          FROM partners_organisation o CROSS JOIN generate_series(0, 2) AS k
         WHERE o.kind IN ('venue', 'both');
        INSERT INTO partners_offer_programmes (offer_id, programme_id)
        SELECT id, %(programme)s FROM partners_offer;
        """,
    ),
    (
        "members",
        """
        INSERT INTO members_user (password, is_superuser, username, first_name, last_name,
            is_staff, is_active, date_joined, email, phone, language)
        SELECT '!', false, 'bench-member-' || g, 'Bench', 'Member ' || g, false, true,
               %(start)s, '', '', ''
          FROM generate_series(1, %(members)s) AS g;
        INSERT INTO members_member (code, new_to_volunteering, terms_accepted_at,
            reports_consent, surveys_consent, age_band, gender, ethnicity, disability,
            employment_status, postcode, area, pass_version, joined_at, programme_id, user_id)
        SELECT 'B' || lpad(u.id::text, 7, '0'),
               (ARRAY[true, true, false, false, NULL])[1 + floor(random() * 5)::int],
               %(start)s, random() < 0.7, random() < 0.5,
               (ARRAY['under_18', '18_24', '25_34', '25_34', '35_49', '35_49', '50_64',
                      '50_64', '65_74', '65_74', '75_plus', 'prefer_not_to_say', ''])
                   [1 + floor(random() * 13)::int],
               (ARRAY['woman', 'woman', 'woman', 'man', 'man', 'non_binary',
                      'prefer_not_to_say', ''])[1 + floor(random() * 8)::int],
               '', '', '', '', 'RV' || (1 + floor(40 * power(random(), 1.6)))::int, 1,
               %(start)s + (%(anchor)s - %(start)s) * random(), %(programme)s, u.id
          FROM members_user u
         WHERE u.username LIKE 'bench-member-%%'
         ORDER BY u.id;
        """,
    ),
    (
        "sessions",
        """
        CREATE UNLOGGED TABLE bench_activity AS
        SELECT row_number() OVER (ORDER BY id) AS n, id FROM activities_activity;
        INSERT INTO activities_session (starts_at, ends_at, location, capacity, activity_id,
            credit_rule)
        SELECT t.starts_at, t.starts_at + t.hours * interval '1 hour', '', NULL, a.id,
               'per_hour'
          FROM (SELECT 1 + floor(random() * (SELECT count(*) FROM bench_activity))::int AS n,
                       date_trunc('day', %(start)s + (%(anchor)s - %(start)s)
                                         * power(random(), 0.8))
                           + (8 + floor(random() * 10)::int) * interval '1 hour' AS starts_at,
                       1 + floor(random() * 4)::int AS hours
                  FROM generate_series(1, %(sessions)s)) AS t
          JOIN bench_activity a ON a.n = t.n
         ORDER BY t.starts_at;
        """,
    ),
    (
        "contributions",
        """
        CREATE UNLOGGED TABLE bench_candidate AS
        SELECT s.id AS session_id, s.starts_at, s.ends_at,
               (SELECT min(id) FROM members_member)
                   + floor(%(members)s * power(random(), 2))::int AS member_id,
               random() AS rank
          FROM activities_session s
         CROSS JOIN LATERAL generate_series(1, 2 + (s.id * 7919) %% 17) AS k;
        INSERT INTO activities_contribution (minutes, status, method, checked_in_at,
            checked_out_at, created_at, member_id, session_id, auto_checked_out, capped,
            outside_geofence, over_capacity, note, checkin_key, synced_late, decided_at)
        SELECT c.minutes, c.status, c.method, c.checked_in_at,
               c.checked_in_at + c.minutes * interval '1 minute', c.checked_in_at, c.member_id,
               c.session_id, false, false, false, false, '', '', false,
               CASE WHEN c.status <> 'pending'
                    THEN c.ends_at + random() * interval '3 days' END
          FROM (SELECT d.*,
                       15 * (2 + floor(random() * (extract(epoch FROM d.ends_at - d.starts_at)
                                                   / 900 - 1)))::int AS minutes,
                       CASE WHEN random() < 0.04 THEN 'rejected'
                            WHEN d.starts_at > %(anchor)s - interval '21 days'
                                 AND random() < 0.5 THEN 'pending'
                            ELSE 'approved' END AS status,
                       (ARRAY['poster', 'poster', 'poster', 'poster', 'kiosk', 'kiosk',
                              'kiosk', 'pass', 'manual', 'claim'])
                           [1 + floor(random() * 10)::int] AS method,
                       d.starts_at + floor(random() * 10) * interval '1 minute' AS checked_in_at
                  FROM (SELECT DISTINCT ON (member_id, session_id) *
                          FROM bench_candidate ORDER BY member_id, session_id) AS d
                 ORDER BY d.rank
                 LIMIT %(contributions)s) AS c
         ORDER BY c.checked_in_at;
        DROP TABLE bench_candidate;
        UPDATE members_member m
           SET joined_at = least(m.joined_at, f.first_at - random() * interval '30 days')
          FROM (SELECT member_id, min(checked_in_at) AS first_at
                  FROM activities_contribution GROUP BY member_id) AS f
         WHERE f.member_id = m.id;
        """,
    ),
    (
        "accounts",
        """
        INSERT INTO ledger_account (kind, shard, name, has_floor, debits_pending, debits_posted,
            credits_pending, credits_posted, opened_at, member_id)
        SELECT 'member', 0, '', true, 0, 0, 0, 0, joined_at, id
          FROM members_member ORDER BY id;
        INSERT INTO ledger_account (kind, shard, name, has_floor, debits_pending, debits_posted,
            credits_pending, credits_posted, opened_at, organisation_id)
        SELECT 'organisation', 0, '', true, 0, 0, 0, 0, created_at, id
          FROM partners_organisation ORDER BY id;
        """,
    ),
]

# The transfers, staged in bench_move with a number n that orders ties in time (an earning
# before what draws on it, a hold before its posting), then given ids in time order.
_LEDGER = [
    (
        "earnings",
        """
        CREATE UNLOGGED TABLE bench_move (
            n bigint NOT NULL, kind text NOT NULL, phase text NOT NULL, debit bigint NOT NULL,
            credit bigint NOT NULL, amount bigint NOT NULL, posted_at timestamptz NOT NULL,
            expires_at timestamptz, cause_type text NOT NULL, cause_id bigint,
            key text, pending_n bigint, reverses_n bigint, member_id bigint, offer_id bigint);
        INSERT INTO bench_move (n, kind, phase, debit, credit, amount, posted_at, cause_type,
            cause_id, key, member_id)
        SELECT %(allocations)s + row_number() OVER (ORDER BY c.id), 'earn', 'single', g.id, m.id,
               c.minutes, c.decided_at, 'contribution', c.id,
               'earn:contribution:' || c.id || ':0', c.member_id
          FROM activities_contribution c
          JOIN activities_session s ON s.id = c.session_id
          JOIN activities_activity a ON a.id = s.activity_id
          JOIN ledger_account g ON g.organisation_id = a.organisation_id AND g.kind = 'organisation'
          JOIN ledger_account m ON m.member_id = c.member_id AND m.kind = 'member'
         WHERE c.status = 'approved';
        INSERT INTO bench_move (n, kind, phase, debit, credit, amount, posted_at, cause_type,
            cause_id)
        SELECT row_number() OVER (ORDER BY q.quarter, q.account), 'allocate', 'single',
               i.id, q.account, q.minutes, q.quarter - interval '1 day', 'programme',
               %(programme)s
          FROM (SELECT debit AS account, date_trunc('quarter', posted_at) AS quarter,
                       60 * ceil(sum(amount) / 60.0)::bigint AS minutes
                  FROM bench_move GROUP BY 1, 2) AS q
          JOIN ledger_account i ON i.programme_id = %(programme)s AND i.kind = 'issuance'
                               AND i.shard = q.account %% %(shards)s;
        ANALYZE bench_move;
        """,
    ),
    (
        "spending, gifts, donations and expiries",
        """
        CREATE UNLOGGED TABLE bench_member_account AS
        SELECT row_number() OVER (ORDER BY id) AS n, id FROM ledger_account WHERE kind = 'member';
        CREATE UNLOGGED TABLE bench_offer AS
        SELECT row_number() OVER (ORDER BY o.id) AS n, o.id, a.id AS account
          FROM partners_offer o
          JOIN ledger_account a ON a.organisation_id = o.organisation_id
                               AND a.kind = 'organisation';
        CREATE UNLOGGED TABLE bench_group AS
        SELECT row_number() OVER (ORDER BY a.id) AS n, a.id AS account
          FROM partners_organisation o
          JOIN ledger_account a ON a.organisation_id = o.id AND a.kind = 'organisation'
         WHERE o.kind IN ('group', 'both');
        -- Two slots per earning, each half of it; a slot's rank says what it becomes.
        CREATE UNLOGGED TABLE bench_slot AS
        SELECT row_number() OVER (ORDER BY random()) AS r, e.credit AS account, e.member_id,
               e.amount / 2 AS amount,
               e.posted_at + random() * least(interval '60 days',
                                          greatest(%(anchor)s - e.posted_at, interval '0'))
                   + interval '1 second' AS at,
               floor(random() * 1000000000)::bigint AS pick
          FROM bench_move e CROSS JOIN generate_series(1, 2)
         WHERE e.kind = 'earn' AND e.amount >= 2;
        ANALYZE bench_slot;
        INSERT INTO bench_move (n, kind, phase, debit, credit, amount, posted_at, expires_at,
            cause_type, cause_id, pending_n, member_id, offer_id)
        SELECT %(base)s + 2 * s.r - 1 + p.posting, 'spend',
               CASE p.posting WHEN 0 THEN 'pending' ELSE 'post' END, s.account, o.account,
               s.amount, s.at + p.posting * random() * interval '2 hours',
               CASE p.posting WHEN 0 THEN s.at + interval '1 day' END,
               'redemption', s.r, CASE p.posting WHEN 1 THEN %(base)s + 2 * s.r - 1 END,
               s.member_id, o.id
          FROM bench_slot s
          JOIN bench_offer o ON o.n = 1 + s.pick %% (SELECT count(*) FROM bench_offer)
         CROSS JOIN (VALUES (0), (1)) AS p(posting)
         WHERE s.r <= %(spends)s;
        INSERT INTO bench_move (n, kind, phase, debit, credit, amount, posted_at, cause_type,
            cause_id, member_id)
        SELECT %(base)s + %(spends)s + s.r, 'gift', 'single', s.account,
               %(first_account)s + (s.account - %(first_account)s + 1
                                    + s.pick %% (%(members)s - 1)) %% %(members)s,
               s.amount, s.at, 'gift', s.member_id, s.member_id
          FROM bench_slot s
         WHERE s.r > %(spends)s AND s.r <= %(spends)s + %(gifts)s;
        INSERT INTO bench_move (n, kind, phase, debit, credit, amount, posted_at, cause_type,
            cause_id, member_id)
        SELECT %(base)s + %(spends)s + s.r, 'donate', 'single', s.account,
               CASE WHEN s.pick %% 5 = 0 THEN pool.id ELSE g.account END,
               s.amount, s.at, 'donation', s.member_id, s.member_id
          FROM bench_slot s
          JOIN bench_group g ON g.n = 1 + s.pick %% (SELECT count(*) FROM bench_group)
          JOIN ledger_account pool ON pool.programme_id = %(programme)s AND pool.kind = 'pool'
         WHERE s.r > %(spends)s + %(gifts)s AND s.r <= %(spends)s + %(gifts)s + %(donations)s;
        INSERT INTO bench_move (n, kind, phase, debit, credit, amount, posted_at, cause_type,
            member_id)
        SELECT %(base)s + %(spends)s + s.r, 'expire', 'single', s.account, x.id, s.amount,
               s.at, '', s.member_id
          FROM bench_slot s
          JOIN ledger_account x ON x.programme_id = %(programme)s AND x.kind = 'expiry'
         WHERE s.r > %(spends)s + %(gifts)s + %(donations)s
           AND s.r <= %(spends)s + %(gifts)s + %(donations)s + %(expiries)s;
        INSERT INTO bench_move (n, kind, phase, debit, credit, amount, posted_at, cause_type,
            reverses_n, member_id)
        SELECT %(base)s + %(spends)s + %(slots)s + row_number() OVER (ORDER BY e.n), 'reverse',
               'single', e.credit, e.debit, e.amount,
               e.posted_at + random() * interval '10 days', '', e.n, e.member_id
          FROM (SELECT * FROM bench_move WHERE kind = 'expire' ORDER BY n
                 LIMIT %(reversals)s) AS e;
        """,
    ),
    (
        "balances after each transfer",
        """
        CREATE UNLOGGED TABLE bench_ordered AS
        SELECT row_number() OVER (ORDER BY posted_at, n) AS id, * FROM bench_move;
        DROP TABLE bench_move;
        ANALYZE bench_ordered;
        CREATE UNLOGGED TABLE bench_balance AS
        SELECT id, side, (sum(delta) OVER (PARTITION BY account ORDER BY id
                                           ROWS UNBOUNDED PRECEDING))::bigint AS after
          FROM (SELECT id, 'd' AS side, debit AS account,
                       CASE WHEN phase IN ('single', 'post') THEN -amount ELSE 0 END AS delta
                  FROM bench_ordered
                UNION ALL
                SELECT id, 'c', credit,
                       CASE WHEN phase IN ('single', 'post') THEN amount ELSE 0 END
                  FROM bench_ordered) AS moves;
        ANALYZE bench_balance;
        """,
    ),
    (
        "transfers (triggers off) and account totals",
        """
        SET session_replication_role = replica;
        INSERT INTO ledger_transfer (id, idempotency_key, amount, kind, phase, expires_at,
            cause_type, cause_id, memo, posted_at, debit_balance_after, credit_balance_after,
            debit_account_id, credit_account_id, pending_id, reverses_id)
        SELECT o.id, coalesce(o.key, 'bench:' || o.n), o.amount, o.kind, o.phase, o.expires_at,
               o.cause_type, o.cause_id, '', o.posted_at, d.after, c.after, o.debit, o.credit,
               hold.id, original.id
          FROM bench_ordered o
          JOIN bench_balance d ON d.id = o.id AND d.side = 'd'
          JOIN bench_balance c ON c.id = o.id AND c.side = 'c'
          LEFT JOIN bench_ordered hold ON hold.n = o.pending_n
          LEFT JOIN bench_ordered original ON original.n = o.reverses_n
         ORDER BY o.id;
        UPDATE ledger_account a
           SET debits_posted = t.debits, credits_posted = t.credits
          FROM (SELECT account, sum(debit)::bigint AS debits, sum(credit)::bigint AS credits
                  FROM (SELECT debit AS account, amount AS debit, 0 AS credit
                          FROM bench_ordered WHERE phase IN ('single', 'post')
                        UNION ALL
                        SELECT credit, 0, amount
                          FROM bench_ordered WHERE phase IN ('single', 'post')) AS sides
                 GROUP BY account) AS t
         WHERE a.id = t.account;
        SET session_replication_role = DEFAULT;
        SELECT setval(pg_get_serial_sequence('ledger_transfer', 'id'), max(id))
          FROM ledger_transfer;
        INSERT INTO partners_redemption (id, status, method, code, cost_minutes,
            idempotency_key, completion_key, created_at, expires_at, completed_at, hold_id,
            member_id, offer_id, organisation_id)
        SELECT h.cause_id, 'completed', 'code', upper(substr(md5(h.n::text), 1, 6)), h.amount,
               'bench:redemption:' || h.cause_id, '', h.posted_at, h.expires_at, p.posted_at,
               h.id, h.member_id, h.offer_id, offer.organisation_id
          FROM bench_ordered h
          JOIN bench_ordered p ON p.pending_n = h.n
          JOIN partners_offer offer ON offer.id = h.offer_id
         WHERE h.phase = 'pending';
        SELECT setval(pg_get_serial_sequence('partners_redemption', 'id'),
                      greatest(max(id), 1))
          FROM partners_redemption;
        DROP TABLE bench_ordered, bench_balance, bench_slot, bench_offer, bench_group,
                   bench_member_account, bench_activity;
        """,
    ),
]

_LEDGER_USED = """
SELECT EXISTS (SELECT 1 FROM ledger_transfer) OR EXISTS (SELECT 1 FROM ledger_account)
"""

# What the foreign-key triggers would have refused, had they been on while loading.
_REFERENCES = """
SELECT count(*) FROM ledger_transfer t
 WHERE NOT EXISTS (SELECT 1 FROM ledger_account a WHERE a.id = t.debit_account_id)
    OR NOT EXISTS (SELECT 1 FROM ledger_account a WHERE a.id = t.credit_account_id)
    OR (t.pending_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM ledger_transfer h WHERE h.id = t.pending_id))
    OR (t.reverses_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM ledger_transfer r WHERE r.id = t.reverses_id))
"""


def generate(scale: Scale, *, anchor, log) -> dict:
    """Generate the programme's two years before `anchor` (a date); returns what the run needs."""
    end = timezone.make_aware(datetime.datetime.combine(anchor, datetime.time()))
    start_day = datetime.date(anchor.year - 2, anchor.month, 1)
    start = timezone.make_aware(datetime.datetime.combine(start_day, datetime.time()))
    with connection.cursor() as cursor:
        if _scalar(cursor, _LEDGER_USED):
            raise RuntimeError("The bench data goes into an empty, freshly migrated database.")
    programme = Programme.objects.create(
        name="Bench programme",
        slug=SLUG,
        starts_on=start_day - datetime.timedelta(days=60),
        report_threshold=5,
    )
    programme_accounts_open(programme=programme)
    commissioner = User.objects.create(username="bench-commissioner")
    ProgrammeRole.objects.create(
        programme=programme, user=commissioner, role=ProgrammeRole.Role.COMMISSIONER
    )
    params = {
        "programme": programme.pk,
        "start": start,
        "anchor": end,
        "members": scale.members,
        "organisations": scale.organisations,
        # Over-drawn by a tenth, so enough distinct (member, session) pairs remain.
        "sessions": scale.contributions * 11 // 100,
        "contributions": scale.contributions,
        "shards": settings.LEDGER_ISSUANCE_SHARDS,
    }
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SELECT setseed(0.2026)")
        rebuild = [statement for table in _BULK for statement in _drop_indexes(cursor, table)]
        # The reports' facts are worked out once at the end, not row by row as loaded.
        facts.remove(connection)
        for label, sql in _PEOPLE:
            _step(cursor, label, sql, params, log)
        cursor.execute("ANALYZE")
        params.update(_ledger_counts(cursor, scale))
        for label, sql in _LEDGER:
            _step(cursor, label, sql, params, log)
        started = time.perf_counter()
        facts.rebuild(connection)
        took = time.perf_counter() - started
        log(f"  the reports' facts (contributions, moves, members' starts): {took:.1f} s")
        _step(cursor, "indexes rebuilt", ";".join(rebuild), None, log)
        started = time.perf_counter()
        # As autovacuum would have by the time anyone asks for a report.
        cursor.execute("VACUUM ANALYZE")
        log(f"  vacuum and analyze: {time.perf_counter() - started:.1f} s")
        rows = {
            table.split("_", 1)[1]: _scalar(cursor, f"SELECT count(*) FROM {table}")  # noqa: S608
            for table in _TABLES
        }
    return {"programme": programme, "commissioner": commissioner, "rows": rows}


# Inserting millions of rows updates each index of the table row by row, in random order;
# building the indexes afterwards, from sorted rows, is several times faster.
_BULK = [
    "activities_contribution",
    "ledger_transfer",
    "reports_contributionfact",
    "reports_movefact",
]


def _drop_indexes(cursor, table: str) -> list[str]:
    """Drop a table's indexes and unique constraints but its primary key; returns the
    statements that build them again, from the database's own definitions."""
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype = 'u'""",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i
            WHERE indrelid = %s::regclass AND NOT indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for name, definition in constraints
    ] + [definition for _name, definition in indexes]


_TABLES = [
    "members_member",
    "partners_organisation",
    "activities_session",
    "activities_contribution",
    "ledger_transfer",
    "partners_redemption",
]


def _ledger_counts(cursor, scale: Scale) -> dict:
    """How many of each transfer make exactly `scale.transfers` in all."""
    earnings = _scalar(
        cursor, "SELECT count(*) FROM activities_contribution WHERE status = 'approved'"
    )
    allocations = _scalar(
        cursor,
        """SELECT count(*) FROM (
               SELECT DISTINCT a.organisation_id, date_trunc('quarter', c.decided_at)
                 FROM activities_contribution c
                 JOIN activities_session s ON s.id = c.session_id
                 JOIN activities_activity a ON a.id = s.activity_id
                WHERE c.status = 'approved') AS q""",
    )
    rest = scale.transfers - earnings - allocations
    spends, gifts, donations = rest * 24 // 100, rest * 25 // 100, rest * 17 // 100
    reversals = rest // 500
    expiries = rest - 2 * spends - gifts - donations - reversals
    slots = spends + gifts + donations + expiries
    if min(spends, gifts, donations, expiries) < 1 or slots > 2 * earnings:
        raise RuntimeError(f"{scale} cannot be generated: too few earnings for the transfers.")
    # Members and their accounts were inserted in one statement each, so their ids run on.
    for table, where in (("members_member", "true"), ("ledger_account", "kind = 'member'")):
        first, last, count = _scalar_row(
            cursor,
            f"SELECT min(id), max(id), count(*) FROM {table} WHERE {where}",  # noqa: S608
        )
        if (last - first + 1, count) != (scale.members, scale.members):
            raise RuntimeError(f"Expected {scale.members} {table} rows with consecutive ids.")
    return {
        "allocations": allocations,
        "base": allocations + earnings,
        "spends": spends,
        "gifts": gifts,
        "donations": donations,
        "expiries": expiries,
        "reversals": reversals,
        "slots": slots,
        "first_account": first,
    }


def _step(cursor, label: str, sql: str, params: dict | None, log) -> None:
    started = time.perf_counter()
    cursor.execute(sql, params)
    log(f"  {label}: {time.perf_counter() - started:.1f} s")


def _scalar(cursor, sql: str):
    return _scalar_row(cursor, sql)[0]


def _scalar_row(cursor, sql: str):
    cursor.execute(sql)
    return cursor.fetchone()


def verify() -> list[dict]:
    """What `ledger_verify` finds, and any reference the foreign keys would have refused."""
    problems = list(ledger_verify().problems)
    with connection.cursor() as cursor:
        dangling = _scalar(cursor, _REFERENCES)
    if dangling:
        problems.append({"check": "references", "transfers": dangling})
    return problems
