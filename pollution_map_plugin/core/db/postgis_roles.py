"""Roles, rows that belong to a district, and the audit trail (PostGIS).

Four group roles (``NOLOGIN``; people log in as their own users, members of one):

=====================  ======================================================
``pm_reader``           reads every table; changes nothing
``pm_district_editor``  reads everything; inserts, changes and deletes only the
                        rows of *their* district (``pm_members.district``)
``pm_municipal_editor`` reads and edits every data table
``pm_admin``            everything, including the roles and the members table
=====================  ======================================================

A row's district: the ``district`` column where a table has one (enterprises,
outfalls, sections …); for measurements, the district of their section; for the
tables without one (problems, projects, river chiefs …) an ``owner_district`` column
that this setup adds and that an insert by a district editor fills with theirs.

Row-level security (policies per table) lets a district editor change only their
rows.  A trigger enforces it and records the attempt: a district editor's insert,
change or delete of another district's row is *refused* — the row is left as it was
— and *audited* (``pm_audit``, ``action`` ``refused UPDATE`` …).  Every accepted change is
audited by the same trigger (who, when, table, key, old and new values as JSON);
bulk inserts into measurements are audited per statement (rows, days), not per row.
The audit table is written only by the trigger (``SECURITY DEFINER``); nobody but the
administrator can change it.

No password is stored: members log in with their own PostgreSQL user; clients get the
credentials from QGIS's authentication database, a ``pg_service.conf`` service or the
environment (``PGPASSWORD``/``.pgpass``), never from a project or a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from psycopg2 import sql

from .. import schema

ROLES = {
    "reader": "pm_reader",
    "district-editor": "pm_district_editor",
    "municipal-editor": "pm_municipal_editor",
    "administrator": "pm_admin",
}
ROLE_LABELS = {
    "reader": ("只读用户", "reader"),
    "district-editor": ("区县编辑", "district editor"),
    "municipal-editor": ("市级编辑", "municipal editor"),
    "administrator": ("管理员", "administrator"),
}
MEMBERS = "pm_members"
AUDIT = "pm_audit"
OWNER_COLUMN = "owner_district"
_BOOKKEEPING = ("schema_version", "db_metadata")


def data_tables() -> list[str]:
    return [t.name for t in schema.TABLES if t.name not in _BOOKKEEPING]


def district_rule(table: str) -> str:
    """How a row of ``table`` names its district: ``district``, ``section`` (through
    the section) or ``owner`` (the added ``owner_district`` column)."""
    t = schema.table(table)
    if "district" in t.column_names:
        return "district"
    if "section_code" in t.column_names:
        return "section"
    return "owner"


_FUNCTIONS = """
CREATE OR REPLACE FUNCTION {s}.pm_my_district() RETURNS text LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog AS
$$ SELECT district FROM {members} WHERE user_name = session_user $$;

CREATE OR REPLACE FUNCTION {s}.pm_edits_all() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT pg_has_role(session_user, 'pm_municipal_editor', 'MEMBER')
       OR pg_has_role(session_user, 'pm_admin', 'MEMBER')
       OR NOT pg_has_role(session_user, 'pm_district_editor', 'MEMBER') $$;

CREATE OR REPLACE FUNCTION {s}.pm_row_district(tbl text, r jsonb) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE d text;
BEGIN
  IF r ? 'district' THEN RETURN r->>'district'; END IF;
  IF tbl = 'measurements' THEN
    SELECT s.district INTO d FROM {sections} s WHERE s.code = r->>'section_code';
    RETURN d;
  END IF;
  RETURN r->>'owner_district';
END $$;

CREATE OR REPLACE FUNCTION {s}.pm_guard() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE mine text; old_d text; new_d text; o jsonb; n jsonb; k jsonb;
  tbl text := TG_ARGV[0];  -- the table (TG_TABLE_NAME is a partition's name)
BEGIN
  o := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  n := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  IF NOT {s}.pm_edits_all() THEN
    mine := {s}.pm_my_district();
    IF TG_OP = 'INSERT' AND n ? 'owner_district' AND n->>'owner_district' IS NULL THEN
      NEW.owner_district := mine; n := to_jsonb(NEW);
    END IF;
    old_d := CASE WHEN o IS NOT NULL THEN {s}.pm_row_district(tbl, o) END;
    new_d := CASE WHEN n IS NOT NULL THEN {s}.pm_row_district(tbl, n) END;
    IF mine IS NULL OR (o IS NOT NULL AND old_d IS DISTINCT FROM mine)
       OR (n IS NOT NULL AND new_d IS DISTINCT FROM mine) THEN
      k := coalesce(n, o);
      INSERT INTO {audit} (who, action, table_name, row_key, old_values, new_values, note)
      VALUES (session_user, 'refused ' || TG_OP, tbl,
              {s}.pm_key(tbl, k), o, n,
              format('district editor of %s; the row belongs to %s', coalesce(mine, '(none)'),
                     coalesce(old_d, new_d, '(no district)')));
      RETURN NULL;  -- refused: the row stays as it was
    END IF;
  END IF;
  IF tbl = 'measurements' AND TG_OP = 'INSERT' THEN
    RETURN NEW;  -- bulk appends are audited per statement
  END IF;
  INSERT INTO {audit} (who, action, table_name, row_key, old_values, new_values)
  VALUES (session_user, TG_OP, tbl, {s}.pm_key(tbl, coalesce(n, o)),
          o, n);
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE OR REPLACE FUNCTION {s}.pm_audit_bulk() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  INSERT INTO {audit} (who, action, table_name, row_key, new_values)
  SELECT session_user, 'INSERT (bulk)', TG_ARGV[0], NULL,
         jsonb_build_object('rows', count(*), 'first_day', min(sampled_on),
                            'last_day', max(sampled_on),
                            'sections', count(DISTINCT section_code))
  FROM new_rows HAVING count(*) > 0;
  RETURN NULL;
END $$;
"""


def _key_function(db) -> sql.Composed:
    """``pm_key(table, row)``: the natural key of a row as JSON."""
    cases = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN jsonb_build_object({})").format(
            sql.Literal(t.name), sql.SQL(", ").join(
                sql.SQL("{}, r->{}").format(sql.Literal(k), sql.Literal(k))
                for k in t.natural_key))
        for t in schema.TABLES)
    return sql.SQL("CREATE OR REPLACE FUNCTION {}.pm_key(tbl text, r jsonb) RETURNS jsonb "
                   "LANGUAGE sql IMMUTABLE AS $$ SELECT CASE tbl {} END $$").format(
        sql.Identifier(db.schema), cases)


def _create_group_roles(db) -> list[str]:
    created = []
    for role in ROLES.values():
        exists = db.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role], fetch=True)
        if not exists:
            db.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            created.append(role)
    return created


def setup_roles(db) -> list[str]:
    """Create the group roles, the grants, the policies, the audit table and its
    triggers in ``db``'s schema (idempotent; needs a user that may create roles and
    owns the tables).  Returns the roles created."""
    if db.kind != "postgis":
        raise ValueError("roles and row-level security need a PostGIS database "
                         "(a GeoPackage is one user's file)")
    s = sql.Identifier(db.schema)
    names = {"s": s, "members": db.qualified(MEMBERS), "audit": db.qualified(AUDIT),
             "sections": db.qualified("sections")}
    with db.transaction():
        created = _create_group_roles(db)
        db.execute(sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (user_name text PRIMARY KEY, role text NOT NULL, "
            "district text, CHECK (role IN ('reader', 'district-editor', 'municipal-editor', "
            "'administrator')), CHECK (role <> 'district-editor' OR district IS NOT NULL))")
            .format(db.qualified(MEMBERS)))
        db.execute(sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (id bigserial PRIMARY KEY, at timestamptz NOT NULL "
            "DEFAULT now(), who text NOT NULL, action text NOT NULL, table_name text NOT NULL, "
            "row_key jsonb, old_values jsonb, new_values jsonb, note text, "
            "txid bigint NOT NULL DEFAULT txid_current())").format(db.qualified(AUDIT)))
        db.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (table_name, at)").format(
            sql.Identifier(f"{AUDIT}_table_at_idx"), db.qualified(AUDIT)))
        db.execute(_key_function(db))
        db.execute(sql.SQL(_FUNCTIONS).format(**names))
        _grants(db, s)
        for name in data_tables():
            if name in db.table_names():
                _protect(db, name)
    return created


def _grants(db, s) -> None:
    r, de, me, ad = (sql.Identifier(v) for v in ROLES.values())
    everyone = sql.SQL(", ").join([r, de, me, ad])
    db.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, everyone))
    db.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(s, everyone))
    db.execute(sql.SQL("GRANT SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, everyone))
    db.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}, {}, {}").format(
        s, de, me, ad))
    data = sql.SQL(", ").join(db.qualified(n) for n in data_tables() if n in db.table_names())
    db.execute(sql.SQL("GRANT INSERT, UPDATE, DELETE ON {} TO {}, {}, {}").format(
        data, de, me, ad))
    db.execute(sql.SQL("GRANT ALL ON ALL TABLES IN SCHEMA {} TO {}").format(s, ad))
    db.execute(sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {} FROM {}, {}, {}").format(
        db.qualified(AUDIT), de, me, r))
    db.execute(sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {} TO {}").format(s, everyone))


def _protect(db, name: str) -> None:
    """Row-level security, the guard trigger and the audit of table ``name``."""
    t = db.qualified(name)
    if district_rule(name) == "owner" and OWNER_COLUMN not in db.present_columns(name):
        db.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} text").format(
            t, sql.Identifier(OWNER_COLUMN)))
        db.forget_columns(name)
    db.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(t))
    for policy in ("pm_read", "pm_write"):
        db.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(policy), t))
    db.execute(sql.SQL("CREATE POLICY pm_read ON {} FOR SELECT USING (true)").format(t))
    # the guard trigger decides which rows an editor may change (and audits refusals);
    # the policy keeps readers out of every write
    db.execute(sql.SQL("CREATE POLICY pm_write ON {} FOR ALL TO {}, {}, {} USING (true) "
                       "WITH CHECK (true)").format(
        t, *(sql.Identifier(ROLES[k]) for k in ("district-editor", "municipal-editor",
                                                "administrator"))))
    s = sql.Identifier(db.schema)
    for trig in ("pm_guard", "pm_audit_bulk"):
        db.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(sql.Identifier(trig), t))
    db.execute(sql.SQL("CREATE TRIGGER pm_guard BEFORE INSERT OR UPDATE OR DELETE ON {} "
                       "FOR EACH ROW EXECUTE FUNCTION {}.pm_guard({})").format(
        t, s, sql.Literal(name)))
    if name == "measurements":
        db.execute(sql.SQL("CREATE TRIGGER pm_audit_bulk AFTER INSERT ON {} REFERENCING "
                           "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "
                           "{}.pm_audit_bulk({})").format(t, s, sql.Literal(name)))


def add_member(db, user: str, role: str, district: str | None = None) -> None:
    """Make the existing login ``user`` a member of ``role`` (a key of :data:`ROLES`),
    with ``district`` for a district editor; the previous role is revoked."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "district-editor" and not district:
        raise ValueError("a district editor needs --district")
    exists = db.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [user], fetch=True)
    if not exists:
        raise ValueError(f"no PostgreSQL user {user!r}: create it first (CREATE ROLE … "
                         "LOGIN, its password set with psql's \\password)")
    with db.transaction():
        for other in ROLES.values():
            db.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(other),
                                                           sql.Identifier(user)))
        db.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(ROLES[role]),
                                                    sql.Identifier(user)))
        db.execute(sql.SQL("INSERT INTO {} (user_name, role, district) VALUES (%s, %s, %s) "
                           "ON CONFLICT (user_name) DO UPDATE SET role = EXCLUDED.role, "
                           "district = EXCLUDED.district").format(db.qualified(MEMBERS)),
                   [user, role, district if role == "district-editor" else None])


@dataclass(frozen=True)
class RoleInfo:
    """The connected user's role and what they may edit."""

    user: str
    role: str  # a key of ROLES, or "owner" (the tables' owner), or "local" (GeoPackage)
    district: str | None = None
    editable: dict[str, str] = field(default_factory=dict)  # table → all/district/none

    @property
    def can_edit(self) -> bool:
        return any(v != "none" for v in self.editable.values())

    def may_edit(self, table: str) -> bool:
        return self.editable.get(table, "none") != "none"

    def label(self, language: str = "en") -> str:
        zh, en = ROLE_LABELS.get(self.role, ("数据库所有者" if self.role == "owner" else
                                             "本地文件", self.role))
        text = zh if language == "zh" else en
        if self.district:
            text += f" ({self.district})"
        return text


def connected_role(db) -> RoleInfo:
    """Which role the connected user has and what they may edit (both back ends)."""
    tables = data_tables()
    if db.kind != "postgis":
        return RoleInfo("", "local", None, dict.fromkeys(tables, "all"))
    user = db.execute("SELECT session_user", fetch=True)[0][0]
    member = None
    if MEMBERS in db.table_names():
        rows = db.execute(sql.SQL("SELECT role, district FROM {} WHERE user_name = %s")
                          .format(db.qualified(MEMBERS)), [user], fetch=True)
        member = rows[0] if rows else None
    owner = db.execute("SELECT pg_has_role(session_user, c.relowner, 'USAGE') FROM pg_class c "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = %s AND c.relname = 'schema_version'",
                       [db.schema], fetch=True)
    held = {k for k, r in ROLES.items() if db.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) AND "
        "pg_has_role(session_user, %s, 'MEMBER')", [r, r], fetch=True)[0][0]}
    for role in ("administrator", "municipal-editor", "district-editor", "reader"):
        if role in held:
            break
    else:
        role = "owner" if owner and owner[0][0] else "reader"
    district = member[1] if member and role == "district-editor" else None
    writable = {}
    for name in tables:
        ok = db.execute("SELECT has_table_privilege(session_user, %s, 'UPDATE')",
                        [db.qualified(name).as_string(db.connection)], fetch=True)[0][0] \
            if name in db.table_names() else False
        writable[name] = ("district" if role == "district-editor" else "all") if ok else "none"
    return RoleInfo(user, role, district, writable)


def audit_trail(db, limit: int = 50, table: str | None = None) -> list[dict]:
    """The latest ``limit`` audit entries (newest first)."""
    where = sql.SQL(" WHERE table_name = %s") if table else sql.SQL("")
    rows = db.execute(sql.SQL("SELECT id, at, who, action, table_name, row_key, old_values, "
                              "new_values, note FROM {}{} ORDER BY id DESC LIMIT %s").format(
        db.qualified(AUDIT), where), [*([table] if table else []), int(limit)], fetch=True)
    keys = ("id", "at", "who", "action", "table", "key", "old", "new", "note")
    return [dict(zip(keys, r)) for r in rows]
