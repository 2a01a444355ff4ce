#!/usr/bin/env python3
"""member_peer - the Python peer of `member import` (share/bench/member.sh).

What a shop's programmer would write in an afternoon with the standard
library: csv to read the file, sqlite3's executemany to write it, in one
transaction, the rows taken 10,000 at a time so that memory stays flat.
The same rows as `member import` writes: each new member (the same unique
code and phone; an existing one is left as it is, so a second run adds
nothing), its referrer found by code or phone, and for a member with a
full profile (name, phone, email, birthday) the 50-point profile bonus:
a ledger entry, booked once (its key is unique), and the balance, set on
the member's row as it is inserted.  No validation of the fields, no lot,
no audit row.

    python3 tests/bench/member_peer.py book.db members.csv
"""
import csv
import sqlite3
import sys

SCHEMA = """
CREATE TABLE IF NOT EXISTS member (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    phone TEXT UNIQUE,
    name TEXT, email TEXT, birthday TEXT,
    referrer_id INTEGER REFERENCES member(id),
    joined TEXT NOT NULL,
    balance INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES member(id),
    at TEXT NOT NULL, kind TEXT NOT NULL, delta INTEGER NOT NULL,
    rule TEXT, ikey TEXT UNIQUE);
"""

ADD = """INSERT INTO member (code, phone, name, email, birthday, joined,
    balance, referrer_id) VALUES (?, ?, ?, ?, ?, ?, ?,
    coalesce((SELECT id FROM member WHERE code = ?8),
    (SELECT id FROM member WHERE phone = ?8)))
    ON CONFLICT DO NOTHING"""

BONUS = """INSERT INTO ledger (member_id, at, kind, delta, rule, ikey)
    SELECT id, ?, 'bonus', ?, 'profile', 'profile:' || id FROM member
    WHERE code = ? AND name <> '' AND phone <> '' AND email <> ''
    AND birthday <> '' ON CONFLICT DO NOTHING"""

PROFILE = 50
NOW = "2026-12-31 20:00:00"
CHUNK = 10000


def full(r):
    return all(r.get(k) for k in ("name", "phone", "email", "birthday"))


def store(db, rows):
    db.executemany(ADD, ((r["code"], r["phone"], r.get("name") or None,
                          r.get("email") or None, r.get("birthday") or None,
                          r.get("joined") or NOW[:10],
                          PROFILE if full(r) else 0,
                          r.get("referrer") or None) for r in rows))
    db.executemany(BONUS, ((NOW, PROFILE, r["code"])
                           for r in rows if full(r)))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: member_peer.py DB MEMBERS.csv")
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA cache_size = -65536")
    db.executescript(SCHEMA)
    db.execute("BEGIN IMMEDIATE")
    rows = []
    with open(sys.argv[2], newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append(r)
            if len(rows) == CHUNK:
                store(db, rows)
                rows = []
    store(db, rows)
    db.execute("COMMIT")
    db.close()


if __name__ == "__main__":
    main()
